// The diagram checks of the deploy gate (server/deploy/deploy-gate.ts), in a worker thread: bpmnlint
// is CommonJS that requires ESM-only packages, which Node 20 loads natively but jest's module
// loader does not — a worker runs real Node in both. Plain JavaScript, so nothing compiles it.
//
// In: { id, xml, jobTypes: string[], formIds: string[], lint?: false, withSignatures?: true, kind?: 'bpmn' | 'dmn' }
// Out: { id, processIds: string[], elements: { [processId]: string[] }, signatures: { [processId]: { [elementId]: string } },
//        calledDecisions: [{ elementId, decisionId }], problems: [{ elementId?, message, rule }] }
//      for kind 'dmn' (dmn-lint.mjs): { id, decisionRequirementsId, decisions: [{ decisionId, name }], problems: [{ decisionId?, elementId?, message, rule }] }
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import { BpmnModdle } from 'bpmn-moddle';
import { lintMessageZh } from '../../diagram-lint/lint-messages.mjs';
import { ownRuleConfig, withOwnRules } from '../../diagram-lint/lint-rules.mjs';
import { checkDmn } from './dmn-lint.mjs';

const require = createRequire(import.meta.url);
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json');
const { Linter } = require('bpmnlint');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const config = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.bpmnlintrc'), 'utf8'));

/** the ids of a process's flow elements, sub-processes' children included (what tokens can wait at) */
function elementIds(process) {
  const ids = [];
  const visit = (el) => {
    for (const child of el.flowElements ?? []) {
      if (child.$type !== 'bpmn:SequenceFlow') ids.push(child.id);
      visit(child);
    }
  };
  visit(process);
  return ids.sort();
}

/** properties that are structure, not the element's own content */
const SKIP = new Set(['flowElements', 'incoming', 'outgoing', 'laneSets', 'artifacts', 'lanes', 'flowNodeRef', 'boundaryEventRefs']);
/** properties that point at other elements: compared by the other's id */
const REFS = new Set(['sourceRef', 'targetRef', 'attachedToRef', 'default', 'messageRef', 'errorRef', 'escalationRef', 'signalRef', 'dataObjectRef', 'processRef']);

/** an element's own content (name, documentation, conditions, timers, zeebe extensions…) as comparable text */
function signature(v, depth = 0) {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => signature(x, depth + 1));
  if (depth > 16) return '…';
  const out = { $type: v.$type };
  // references (sourceRef, attachedToRef…) are own properties moddle does not enumerate
  for (const k of Object.getOwnPropertyNames(v).sort()) {
    if ((k.startsWith('$') && k !== '$attrs' && k !== '$body') || SKIP.has(k)) continue;
    out[k] = REFS.has(k) ? (v[k]?.id ?? null) : signature(v[k], depth + 1);
  }
  return out;
}

function signatures(process) {
  const out = {};
  const visit = (el) => {
    for (const child of el.flowElements ?? []) {
      out[child.id] = JSON.stringify(signature(child));
      visit(child);
    }
  };
  visit(process);
  return out;
}

/** the business-rule tasks' `zeebe:calledDecision` with a static decision id (an `=` expression is known only at run time) */
function calledDecisions(process) {
  const out = [];
  const visit = (el) => {
    for (const child of el.flowElements ?? []) {
      if (child.$type === 'bpmn:BusinessRuleTask') {
        const called = (child.extensionElements?.values ?? []).find((v) => v.$type === 'zeebe:CalledDecision');
        const decisionId = called?.decisionId?.trim();
        if (decisionId && !decisionId.startsWith('=')) out.push({ elementId: child.id, decisionId });
      }
      visit(child);
    }
  };
  visit(process);
  return out;
}

parentPort.on('message', async ({ id, xml, jobTypes, formIds, lint = true, withSignatures = false, kind = 'bpmn' }) => {
  if (kind === 'dmn') {
    let answer;
    try {
      answer = await checkDmn(xml);
    } catch (err) {
      answer = { decisions: [], problems: [{ rule: 'internal', message: `检查失败:${String(err?.message ?? err)}` }] };
    }
    return parentPort.postMessage({ id, ...answer });
  }
  const out = { id, processIds: [], elements: {}, signatures: {}, calledDecisions: [], problems: [] };
  try {
    const moddle = new BpmnModdle({ zeebe });
    let parsed;
    try {
      parsed = await moddle.fromXML(xml);
    } catch (err) {
      out.problems.push({ rule: 'xml', message: `不是有效的 BPMN XML:${String(err?.message ?? err).split('\n')[0]}` });
      return parentPort.postMessage(out);
    }
    const { rootElement: definitions, warnings } = parsed;
    if (definitions.$type !== 'bpmn:Definitions') {
      out.problems.push({ rule: 'xml', message: '根元素必须是 bpmn:definitions' });
      return parentPort.postMessage(out);
    }
    for (const w of warnings ?? []) out.problems.push({ elementId: w.element?.id, rule: 'xml', message: `无法识别的内容:${String(w.message).split('\n')[0]}` });
    const processes = (definitions.rootElements ?? []).filter((e) => e.$type === 'bpmn:Process');
    out.processIds = processes.map((p) => p.id);
    for (const p of processes) {
      out.elements[p.id] = elementIds(p);
      out.calledDecisions.push(...calledDecisions(p));
      if (withSignatures) out.signatures[p.id] = signatures(p);
    }
    if (!lint) return parentPort.postMessage(out);
    // a new linter each time: some rules keep state between runs; our rules (diagram-lint/lint-rules.mjs, the canvas runs them too) see this deployment's workers and forms
    const linter = new Linter({
      config: { ...config, rules: { ...config.rules, ...ownRuleConfig(jobTypes, formIds) } },
      resolver: withOwnRules(new NodeResolver({ requireModule: require })),
    });
    const reports = await linter.lint(definitions);
    for (const [rule, list] of Object.entries(reports)) {
      for (const r of list) if (r.category === 'error' || r.category === 'rule-error') out.problems.push({ elementId: r.id, rule, message: lintMessageZh(r.message) });
    }
  } catch (err) {
    out.problems.push({ rule: 'internal', message: `检查失败:${String(err?.message ?? err)}` });
  }
  parentPort.postMessage(out);
});
