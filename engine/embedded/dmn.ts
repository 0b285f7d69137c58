/**
 * DMN decisions for the embedded engine: a DMN 1.3 resource (what dmn-js draws) parsed with
 * dmn-moddle, every cell compiled (dmn-feel.ts), and decisions evaluated as Zeebe's DMN engine
 * (dmn-scala) does — decision tables with the hit policies UNIQUE, FIRST, ANY, PRIORITY, OUTPUT
 * ORDER, RULE ORDER, COLLECT (with SUM, MIN, MAX, COUNT), literal-expression decisions, and
 * decisions that require others (their results are in the context under the required decision's
 * variable name, else its id). Pure: no I/O. engine/README.md says where it differs from Zeebe.
 */
import { createHash } from 'node:crypto';
import { DmnModdle } from 'dmn-moddle';
import { type DeployProblem, InvalidResourceError } from '../errors.js';
import { CellError, compileExpression, compileUnaryTest, type CompiledExpression, type CompiledTest } from './dmn-feel.js';

type Vars = Record<string, unknown>;

export type HitPolicy = 'UNIQUE' | 'FIRST' | 'ANY' | 'PRIORITY' | 'OUTPUT ORDER' | 'RULE ORDER' | 'COLLECT';
export type Aggregation = 'SUM' | 'MIN' | 'MAX' | 'COUNT';

interface CompiledOutput {
  id: string;
  name: string;
  /** PRIORITY / OUTPUT ORDER: the output values, most important first */
  priorities: string[];
  defaultValue?: CompiledExpression;
}

interface CompiledRule {
  id: string;
  /** 1-based, as Zeebe numbers rules */
  index: number;
  inputs: CompiledTest[];
  outputs: CompiledExpression[];
}

interface CompiledTable {
  kind: 'table';
  hitPolicy: HitPolicy;
  aggregation?: Aggregation;
  inputs: { id: string; label: string; expression: CompiledExpression }[];
  outputs: CompiledOutput[];
  rules: CompiledRule[];
}

interface CompiledLiteral {
  kind: 'literal';
  expression: CompiledExpression;
}

export interface DecisionInfo {
  decisionId: string;
  name: string;
  /** the name its result has in a requiring decision's context */
  resultName: string;
  requires: string[];
  logic: CompiledTable | CompiledLiteral;
}

export interface ParsedDmn {
  resourceName: string;
  checksum: string;
  xml: string;
  /** the definitions' id: Zeebe's decision requirements id */
  requirementsId: string;
  requirementsName: string;
  /** in document order */
  decisions: Map<string, DecisionInfo>;
}

export interface MatchedRule {
  ruleId: string;
  ruleIndex: number;
  outputs: Record<string, unknown>;
}

export interface DecisionOutcome {
  result: unknown;
  matchedRules: MatchedRule[];
}

/** an evaluation that failed (Zeebe: DECISION_EVALUATION_ERROR) */
export class DecisionError extends Error {
  constructor(
    message: string,
    readonly decisionId: string,
  ) {
    super(message);
    this.name = 'DecisionError';
  }
}

const HIT_POLICIES = new Set<HitPolicy>(['UNIQUE', 'FIRST', 'ANY', 'PRIORITY', 'OUTPUT ORDER', 'RULE ORDER', 'COLLECT']);
const AGGREGATIONS = new Set<Aggregation>(['SUM', 'MIN', 'MAX', 'COUNT']);

const moddle = DmnModdle();

export function isDmnResource(name: string): boolean {
  return /\.dmn$/i.test(name);
}

/** Parse and compile one DMN resource; throws InvalidResourceError naming every decision and rule at fault. */
export async function parseDmn(resourceName: string, content: string | Buffer): Promise<ParsedDmn> {
  const xml = (Buffer.isBuffer(content) ? content.toString('utf8') : content).trim();
  let parsed: { rootElement: any; warnings?: { message: string; element?: { id?: string } }[] };
  try {
    parsed = await moddle.fromXML(xml, 'dmn:Definitions');
  } catch (err) {
    throw new InvalidResourceError(`${resourceName}: not a DMN 1.3 resource: ${(err as Error).message}`, [
      { resourceName, message: `not a DMN 1.3 resource (https://www.omg.org/spec/DMN/20191111/MODEL/): ${(err as Error).message}` },
    ]);
  }
  const problems: DeployProblem[] = [];
  for (const w of parsed.warnings ?? []) problems.push({ resourceName, elementId: w.element?.id, message: w.message });
  const defs = parsed.rootElement;
  const decisions = new Map<string, DecisionInfo>();
  for (const el of defs.drgElement ?? []) {
    if (el.$type !== 'dmn:Decision') continue;
    const problem = (message: string, elementId = el.id) => problems.push({ resourceName, elementId, message: `decision '${el.id}': ${message}` });
    if (!el.id) {
      problems.push({ resourceName, message: 'a decision without an id' });
      continue;
    }
    if (decisions.has(el.id)) problem('the id is used twice');
    const requires: string[] = [];
    for (const req of el.informationRequirement ?? []) {
      const href = req.requiredDecision?.href;
      if (typeof href === 'string') requires.push(href.replace(/^#/, ''));
    }
    const logic = compileLogic(el.decisionLogic, problem);
    if (!logic) continue;
    decisions.set(el.id, { decisionId: el.id, name: el.name ?? el.id, resultName: el.variable?.name || el.id, requires, logic });
  }
  if (!decisions.size && !problems.length) problems.push({ resourceName, message: 'the resource contains no decision' });
  for (const d of decisions.values()) {
    for (const r of d.requires) {
      if (!decisions.has(r)) problems.push({ resourceName, elementId: d.decisionId, message: `decision '${d.decisionId}': requires decision '${r}', which is not in this resource` });
    }
  }
  const cycle = findCycle(decisions);
  if (cycle) problems.push({ resourceName, elementId: cycle[0], message: `decisions require each other in a circle: ${cycle.join(' → ')}` });
  if (problems.length) throw new InvalidResourceError(`${resourceName}: ${problems.map((p) => p.message).join('; ')}`, problems);
  return {
    resourceName,
    checksum: createHash('sha256').update(xml).digest('hex'),
    xml,
    requirementsId: defs.id ?? resourceName,
    requirementsName: defs.name ?? defs.id ?? resourceName,
    decisions,
  };
}

function compileLogic(logic: any, problem: (message: string, elementId?: string) => void): CompiledTable | CompiledLiteral | undefined {
  if (logic?.$type === 'dmn:LiteralExpression') {
    try {
      return { kind: 'literal', expression: compileExpression(logic.text ?? '') };
    } catch (err) {
      problem(`the literal expression does not compile: ${(err as Error).message}`);
      return undefined;
    }
  }
  if (logic?.$type !== 'dmn:DecisionTable') {
    problem(`${logic?.$type ? `a ${String(logic.$type).slice(4)}` : 'no decision logic'} is not supported by the embedded engine (decision tables and literal expressions are)`);
    return undefined;
  }
  let failed = false;
  const count = (message: string, elementId?: string) => {
    failed = true;
    problem(message, elementId);
  };
  const hitPolicy = (logic.hitPolicy ?? 'UNIQUE') as HitPolicy;
  if (!HIT_POLICIES.has(hitPolicy)) count(`hit policy ${hitPolicy} is not supported`);
  const aggregation = logic.aggregation as Aggregation | undefined;
  if (aggregation && (hitPolicy !== 'COLLECT' || !AGGREGATIONS.has(aggregation))) count(`aggregation ${aggregation} needs hit policy COLLECT`);
  const outputsXml: any[] = logic.output ?? [];
  if (!outputsXml.length) count('the table has no output');
  if (aggregation && outputsXml.length > 1) count(`aggregation ${aggregation} needs a single output`);
  if (outputsXml.length > 1 && outputsXml.some((o) => !o.name)) count('every output of a table with several outputs needs a name');
  const cell = <T>(what: string, elementId: string | undefined, text: string, compile: (t: string) => T): T | undefined => {
    try {
      return compile(text);
    } catch (err) {
      if (!(err instanceof CellError)) throw err;
      count(`${what} '${text}' does not compile: ${err.message}`, elementId);
      return undefined;
    }
  };
  const inputs = (logic.input ?? []).map((i: any, n: number) => ({
    id: i.id ?? `input${n + 1}`,
    label: i.label ?? i.inputExpression?.text ?? '',
    expression: cell(`input ${n + 1} (${i.label ?? i.id ?? ''}): the expression`, i.id, i.inputExpression?.text ?? '', compileExpression) ?? (() => null),
  }));
  const outputs: CompiledOutput[] = outputsXml.map((o: any, n: number) => ({
    id: o.id ?? `output${n + 1}`,
    name: o.name ?? o.label ?? `output${n + 1}`,
    priorities: priorityList(o.outputValues?.text),
    ...(o.defaultOutputEntry?.text?.trim() && { defaultValue: cell(`output ${o.name ?? n + 1}: the default`, o.id, o.defaultOutputEntry.text, compileExpression) }),
  }));
  if ((hitPolicy === 'PRIORITY' || hitPolicy === 'OUTPUT ORDER') && outputs.every((o) => !o.priorities.length)) count(`hit policy ${hitPolicy} needs output values to order by`);
  const rules: CompiledRule[] = (logic.rule ?? []).map((r: any, n: number) => {
    const at = `rule ${n + 1}${r.id ? ` (${r.id})` : ''}`;
    const entries: any[] = r.inputEntry ?? [];
    const outs: any[] = r.outputEntry ?? [];
    if (entries.length !== inputs.length) count(`${at} has ${entries.length} input entries for ${inputs.length} inputs`, r.id);
    if (outs.length !== outputs.length) count(`${at} has ${outs.length} output entries for ${outputs.length} outputs`, r.id);
    return {
      id: r.id ?? `rule${n + 1}`,
      index: n + 1,
      inputs: entries.map((e, i) => cell(`${at}, input ${i + 1}: the entry`, r.id, e.text ?? '', compileUnaryTest) ?? (() => false)),
      outputs: outs.map((e, i) => cell(`${at}, output ${outputs[i]?.name ?? i + 1}: the entry`, r.id, e.text ?? '', compileExpression) ?? (() => null)),
    };
  });
  if (failed) return undefined;
  return { kind: 'table', hitPolicy, ...(aggregation && { aggregation }), inputs, outputs, rules };
}
/** `"high","medium","low"` → its items without quotes (dmn-scala reads output values the same way) */
function priorityList(text: string | undefined): string[] {
  if (!text?.trim()) return [];
  return text.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
}

function findCycle(decisions: Map<string, DecisionInfo>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const walk = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    for (const r of decisions.get(id)?.requires ?? []) {
      const found = walk(r, [...path, id]);
      if (found) return found;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const id of decisions.keys()) {
    const found = walk(id, []);
    if (found) return found;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------- evaluation

/** Evaluate a decision of a parsed resource against variables: its required decisions first. */
export function evaluateDecision(dmn: ParsedDmn, decisionId: string, variables: Vars): DecisionOutcome {
  const decision = dmn.decisions.get(decisionId);
  if (!decision) throw new DecisionError(`no decision '${decisionId}' in ${dmn.resourceName}`, decisionId);
  return evaluateIn(dmn, decision, variables);
}

function evaluateIn(dmn: ParsedDmn, decision: DecisionInfo, variables: Vars): DecisionOutcome {
  let context = variables;
  if (decision.requires.length) {
    context = { ...variables };
    for (const id of decision.requires) {
      const required = dmn.decisions.get(id)!;
      context[required.resultName] = evaluateIn(dmn, required, variables).result;
    }
  }
  try {
    if (decision.logic.kind === 'literal') return { result: decision.logic.expression(context), matchedRules: [] };
    return evaluateTable(decision.logic, context, decision.decisionId);
  } catch (err) {
    if (err instanceof DecisionError) throw err;
    throw new DecisionError(`failed to evaluate decision '${decision.decisionId}': ${(err as Error).message}`, decision.decisionId);
  }
}

function evaluateTable(table: CompiledTable, vars: Vars, decisionId: string): DecisionOutcome {
  const values = table.inputs.map((i) => i.expression(vars));
  const matched: CompiledRule[] = [];
  for (const rule of table.rules) {
    let hit = true;
    for (let i = 0; i < rule.inputs.length; i++) {
      if (!rule.inputs[i](values[i], vars)) {
        hit = false;
        break;
      }
    }
    if (!hit) continue;
    matched.push(rule);
    if (table.hitPolicy === 'FIRST') break;
  }
  if (!matched.length) {
    // no rule matched: the outputs' defaults, or null
    const defaults = table.outputs.filter((o) => o.defaultValue);
    if (!defaults.length) return { result: null, matchedRules: [] };
    const out = Object.fromEntries(defaults.map((o) => [o.name, o.defaultValue!(vars)]));
    return { result: defaults.length === 1 ? out[defaults[0].name] : out, matchedRules: [] };
  }
  const rows = matched.map((rule) => ({ rule, out: Object.fromEntries(table.outputs.map((o, i) => [o.name, rule.outputs[i] ? rule.outputs[i](vars) : null])) as Vars }));
  const matchedRules = rows.map(({ rule, out }) => ({ ruleId: rule.id, ruleIndex: rule.index, outputs: out }));
  const single = (out: Vars) => (table.outputs.length === 1 ? out[table.outputs[0].name] : out);
  const fail = (message: string): never => {
    throw new DecisionError(`decision '${decisionId}': ${message}`, decisionId);
  };
  switch (table.hitPolicy) {
    case 'FIRST':
      return { result: single(rows[0].out), matchedRules };
    case 'UNIQUE':
      if (rows.length > 1) fail(`hit policy UNIQUE, but rules ${rows.map((r) => r.rule.index).join(', ')} matched`);
      return { result: single(rows[0].out), matchedRules };
    case 'ANY': {
      const distinct = new Set(rows.map((r) => JSON.stringify(r.out)));
      if (distinct.size > 1) fail(`hit policy ANY, but rules ${rows.map((r) => r.rule.index).join(', ')} matched with different outputs`);
      return { result: single(rows[0].out), matchedRules };
    }
    case 'PRIORITY':
      return { result: single(byPriority(rows, table.outputs)[0].out), matchedRules };
    case 'OUTPUT ORDER':
      return { result: byPriority(rows, table.outputs).map((r) => single(r.out)), matchedRules };
    case 'RULE ORDER':
      return { result: rows.map((r) => single(r.out)), matchedRules };
    case 'COLLECT': {
      if (!table.aggregation) return { result: rows.map((r) => single(r.out)), matchedRules };
      if (table.aggregation === 'COUNT') return { result: rows.length, matchedRules };
      const nums = rows.map((r) => single(r.out));
      const bad = nums.find((n) => typeof n !== 'number');
      if (bad !== undefined) fail(`aggregation ${table.aggregation} needs numbers, got ${JSON.stringify(bad)}`);
      const ns = nums as number[];
      const result = table.aggregation === 'SUM' ? ns.reduce((a, b) => a + b, 0) : table.aggregation === 'MIN' ? Math.min(...ns) : Math.max(...ns);
      return { result, matchedRules };
    }
  }
  return fail(`hit policy ${String(table.hitPolicy)} is not supported`);
}

/** rows ordered by their outputs' places in the output values (unlisted values last), as dmn-scala orders them */
function byPriority<T extends { out: Vars }>(rows: T[], outputs: CompiledOutput[]): T[] {
  const rank = (out: Vars) =>
    outputs.map((o) => {
      const v = out[o.name];
      const at = typeof v === 'string' || typeof v === 'number' ? o.priorities.indexOf(String(v)) : -1;
      return at < 0 ? Number.MAX_SAFE_INTEGER : at;
    });
  const ranked = rows.map((row, i) => ({ row, r: rank(row.out), i }));
  ranked.sort((a, b) => {
    for (let k = 0; k < a.r.length; k++) if (a.r[k] !== b.r[k]) return a.r[k] - b.r[k];
    return a.i - b.i;
  });
  return ranked.map((x) => x.row);
}
