// Types of lint-rules.mjs (plain JavaScript shared by the deploy gate's lint worker and the modeler's canvas).
export interface LintReporter {
  report(id: string, message: string): void;
}
export type RuleFactory = (config?: Record<string, unknown>) => { check(node: any, reporter: LintReporter): void };
export interface LintResolver {
  resolveRule(pkg: string, ruleName: string): unknown;
  resolveConfig(pkg: string, configName: string): unknown;
}
export const RULES: Record<string, RuleFactory>;
export function ownRuleConfig(jobTypes: Iterable<string>, formIds: Iterable<string>): Record<string, unknown>;
export function withOwnRules(fallback: LintResolver): LintResolver;
