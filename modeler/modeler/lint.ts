// The canvas lints with exactly the deploy gate's rules: the `.bpmnlintrc` compiled at bundle time
// (bpmnlint recommended + Camunda 8.8 compatibility) and our own rules (diagram-lint/lint-rules.mjs),
// configured with the workers and forms the server has now.
import compiled from 'virtual:bpmnlint-config';
import { ownRuleConfig, withOwnRules } from '../../diagram-lint/lint-rules.mjs';

export function lintConfig(jobTypes: string[], formIds: string[]) {
  return {
    config: { rules: { ...compiled.config.rules, ...ownRuleConfig(jobTypes, formIds) } },
    resolver: withOwnRules(compiled.resolver),
  };
}
