// The decision checks of the deploy gate (server/deploy/deploy-gate.ts), run in its lint worker
// (lint-worker.mjs) beside the diagram checks: a `.dmn` resource is parsed with dmn-moddle and every
// decision must be one Zeebe 8.8 and the embedded engine both run — a decision table or a literal
// expression, a hit policy they support, every input with an expression and a type, every FEEL unary
// test and expression that compiles (feelin's parser, the embedded engine's FEEL). Plain JavaScript
// for the same reason as the worker.
//
// checkDmn(xml) → { decisionRequirementsId, decisions: [{ decisionId, name, inputs, outputs }], problems: [{ decisionId?, elementId?, rule, message }] }
//   a decision table's inputs: [{ id, label, expression, typeRef }], outputs: [{ id, label, name, typeRef }] (what a 试算 form asks and shows)
import { DmnModdle } from 'dmn-moddle';
import { parseExpression, parseUnaryTests } from 'feelin';

/** Zeebe's (dmn-scala's) hit policies; COLLECT may aggregate with these */
const HIT_POLICIES = new Set(['UNIQUE', 'FIRST', 'PRIORITY', 'ANY', 'COLLECT', 'RULE ORDER', 'OUTPUT ORDER']);
const AGGREGATIONS = new Set(['SUM', 'MIN', 'MAX', 'COUNT']);
/** the types the Camunda Modeler offers for a Camunda 8 table */
const TYPES = new Set(['string', 'number', 'boolean', 'date', 'time', 'dateTime', 'dayTimeDuration', 'yearMonthDuration', 'any']);
const HIT_POLICY_ZH = {
  UNIQUE: '唯一(UNIQUE)',
  FIRST: '首个(FIRST)',
  PRIORITY: '优先级(PRIORITY)',
  ANY: '任意(ANY)',
  COLLECT: '汇集(COLLECT)',
  'RULE ORDER': '规则顺序(RULE ORDER)',
  'OUTPUT ORDER': '输出顺序(OUTPUT ORDER)',
};

/** where feelin's parser found an error in the text, or undefined when it parses */
function feelError(parse, text, names) {
  let tree;
  try {
    tree = parse(text, Object.fromEntries(names.map((n) => [n, null])));
  } catch (err) {
    return String(err?.message ?? err);
  }
  let at;
  tree.iterate({
    enter(node) {
      if (at === undefined && node.type.isError) at = node.from;
    },
  });
  if (at === undefined) return undefined;
  return at >= text.length ? '表达式不完整' : `第 ${at + 1} 个字符附近有误(「${text.slice(at, at + 12)}」)`;
}

const text = (expr) => (typeof expr?.text === 'string' ? expr.text.trim() : '');

/** the checks of one decision table; `problem(elementId, rule, message)` records one */
function checkTable(table, problem) {
  const hitPolicy = table.hitPolicy ?? 'UNIQUE';
  if (!HIT_POLICIES.has(hitPolicy)) problem(table.id, 'dmn/hit-policy', `不支持的命中策略「${hitPolicy}」:可用 ${[...HIT_POLICIES].join('、')}`);
  if (table.aggregation) {
    if (hitPolicy !== 'COLLECT') problem(table.id, 'dmn/hit-policy', `汇总方式「${table.aggregation}」只能与 ${HIT_POLICY_ZH.COLLECT} 一起使用`);
    else if (!AGGREGATIONS.has(table.aggregation)) problem(table.id, 'dmn/hit-policy', `不支持的汇总方式「${table.aggregation}」:可用 SUM、MIN、MAX、COUNT`);
  }
  const inputs = table.input ?? [];
  const outputs = table.output ?? [];
  if (!outputs.length) problem(table.id, 'dmn/output', '决策表至少要有一个输出列');
  if (table.aggregation && outputs.length > 1) problem(table.id, 'dmn/hit-policy', `汇总方式「${table.aggregation}」只能用于只有一个输出列的决策表`);
  // names the table's expressions may use: what the inputs read (a plain name) and the outputs' names
  const names = [...inputs.map((i) => text(i.inputExpression)), ...outputs.map((o) => o.name ?? '')].filter(Boolean);
  const column = (i) => inputs[i]?.label || text(inputs[i]?.inputExpression) || `第 ${i + 1} 列`;
  inputs.forEach((input, i) => {
    const expr = input.inputExpression;
    if (!text(expr)) problem(input.id, 'dmn/input', `输入「${column(i)}」没有输入表达式`);
    else {
      const err = feelError(parseExpression, text(expr), names);
      if (err) problem(input.id, 'dmn/feel', `输入「${column(i)}」的表达式「${text(expr)}」无法编译:${err}`);
    }
    if (!expr?.typeRef) problem(input.id, 'dmn/type-ref', `输入「${column(i)}」没有设置类型(typeRef)`);
    else if (!TYPES.has(expr.typeRef)) problem(input.id, 'dmn/type-ref', `输入「${column(i)}」的类型「${expr.typeRef}」无法识别:可用 ${[...TYPES].join('、')}`);
    const allowed = text(input.inputValues);
    if (allowed) {
      const err = feelError(parseUnaryTests, allowed, names);
      if (err) problem(input.id, 'dmn/feel', `输入「${column(i)}」的取值范围「${allowed}」无法编译:${err}`);
    }
  });
  outputs.forEach((output, i) => {
    if (outputs.length > 1 && !output.name) problem(output.id, 'dmn/output', `输出「${output.label || i + 1}」没有名称:有多个输出列时每列都要有名称`);
    if (output.typeRef && !TYPES.has(output.typeRef)) problem(output.id, 'dmn/type-ref', `输出「${output.label || output.name}」的类型「${output.typeRef}」无法识别`);
  });
  const outputName = (i) => outputs[i]?.label || outputs[i]?.name || `第 ${i + 1} 个输出`;
  (table.rule ?? []).forEach((rule, r) => {
    const where = `第 ${r + 1} 条规则`;
    const entries = rule.inputEntry ?? [];
    const results = rule.outputEntry ?? [];
    if (entries.length !== inputs.length || results.length !== outputs.length) {
      problem(rule.id, 'dmn/rule', `${where}的单元格数与列数不符(输入 ${entries.length}/${inputs.length},输出 ${results.length}/${outputs.length})`);
    }
    entries.forEach((entry, i) => {
      const t = text(entry);
      // an empty cell matches everything, as `-` does (Zeebe reads it so)
      if (!t || t === '-') return;
      const err = feelError(parseUnaryTests, t, names);
      if (err) problem(rule.id, 'dmn/feel', `${where}「${column(i)}」列的条件「${t}」无法编译:${err}`);
    });
    results.forEach((entry, i) => {
      const t = text(entry);
      if (!t) {
        // a SUM, MIN or MAX of nothing fails at evaluation
        if (table.aggregation && table.aggregation !== 'COUNT') problem(rule.id, 'dmn/output', `${where}「${outputName(i)}」的输出为空:${table.aggregation} 汇总需要每条规则都有输出`);
        return;
      }
      const err = feelError(parseExpression, t, names);
      if (err) problem(rule.id, 'dmn/feel', `${where}「${outputName(i)}」的输出「${t}」无法编译:${err}`);
    });
  });
}

export async function checkDmn(xml) {
  const out = { decisionRequirementsId: undefined, decisions: [], problems: [] };
  let parsed;
  try {
    parsed = await new DmnModdle().fromXML(xml);
  } catch (err) {
    out.problems.push({ rule: 'xml', message: `不是有效的 DMN XML:${String(err?.message ?? err).split('\n')[0]}` });
    return out;
  }
  const { rootElement: definitions, warnings } = parsed;
  if (definitions?.$type !== 'dmn:Definitions') {
    out.problems.push({ rule: 'xml', message: '根元素必须是 DMN 1.3 的 definitions(https://www.omg.org/spec/DMN/20191111/MODEL/)' });
    return out;
  }
  for (const w of warnings ?? []) out.problems.push({ elementId: w.element?.id, rule: 'xml', message: `无法识别的内容:${String(w.message).split('\n')[0]}` });
  out.decisionRequirementsId = definitions.id;
  if (!definitions.id) out.problems.push({ rule: 'dmn/id', message: 'definitions 缺少编号(id)' });
  const decisions = (definitions.drgElement ?? []).filter((e) => e.$type === 'dmn:Decision');
  if (!decisions.length) out.problems.push({ rule: 'dmn/decision', message: '文件中没有决策' });
  const seen = new Set();
  for (const d of decisions) {
    const problem = (elementId, rule, message) => out.problems.push({ decisionId: d.id, ...(elementId && { elementId }), rule, message });
    if (!d.id) {
      problem(undefined, 'dmn/id', `决策「${d.name ?? ''}」缺少编号(id)`);
      continue;
    }
    if (seen.has(d.id)) problem(d.id, 'duplicate-decision-id', `决策编号「${d.id}」在文件中出现了不止一次`);
    seen.add(d.id);
    const logic = d.decisionLogic;
    const table = logic?.$type === 'dmn:DecisionTable' ? logic : undefined;
    out.decisions.push({
      decisionId: d.id,
      name: d.name ?? d.id,
      inputs: (table?.input ?? []).map((i) => ({ id: i.id, label: i.label ?? '', expression: text(i.inputExpression), typeRef: i.inputExpression?.typeRef ?? '' })),
      outputs: (table?.output ?? []).map((o) => ({ id: o.id, label: o.label ?? '', name: o.name ?? '', typeRef: o.typeRef ?? '' })),
    });
    if (!logic) problem(d.id, 'dmn/decision', `决策「${d.name ?? d.id}」没有决策表或表达式`);
    else if (logic.$type === 'dmn:DecisionTable') checkTable(logic, problem);
    else if (logic.$type === 'dmn:LiteralExpression') {
      const t = text(logic);
      const err = t ? feelError(parseExpression, t, []) : '表达式为空';
      if (err) problem(logic.id ?? d.id, 'dmn/feel', `决策「${d.name ?? d.id}」的表达式无法编译:${err}`);
    } else problem(d.id, 'dmn/decision', `决策「${d.name ?? d.id}」的类型 ${logic.$type.replace('dmn:', '')} 不受支持:只支持决策表和文字表达式`);
  }
  return out;
}
