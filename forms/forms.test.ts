/**
 * The user-task forms (Camunda Forms JSON, rendered with @bpmn-io/form-js-viewer 1.23).
 *
 * Checks every `forms/*.form` against the form-js 1.23 schema rules that matter here (read from
 * bpmn-io/form-js at tag v1.23.0: packages/form-json-schema/src/defs and the viewer's field
 * configs), against docs/process-contract.md (field keys are process variable names), and against
 * the regulation (which fields each task must set or require, and when conditional fields show).
 * FEEL (`conditional.hide`, `readonly`, `{{ }}` template inserts) is parsed and evaluated with
 * feelin, the way the viewer evaluates `hide`/`readonly`: as a unary test against the form data.
 */
import { describe, it, expect } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, parseExpression, parseUnaryTests, unaryTest } from 'feelin';

const here = dirname(fileURLToPath(import.meta.url));

/** `schemaVersion` written by form-js 1.23 (packages/form-js-viewer/src/index.js: `const schemaVersion = 19`) */
const SCHEMA_VERSION = 19;

/** form-js 1.23 component types (form-json-schema src/defs/type.json) */
const TYPES = new Set([
  'textfield', 'number', 'datetime', 'textarea', 'checkbox', 'radio', 'select', 'checklist', 'taglist', 'image', 'text',
  'html', 'button', 'spacer', 'group', 'dynamiclist', 'separator', 'table', 'iframe', 'expression', 'filepicker', 'documentPreview',
]);
/** field-types/inputs.json: components bound to a `key` */
const INPUTS = new Set(['checkbox', 'checklist', 'datetime', 'number', 'radio', 'select', 'taglist', 'textfield', 'textarea', 'expression', 'filepicker']);
/** field-types/multi-inputs.json: components with options */
const MULTI = new Set(['checklist', 'radio', 'select', 'taglist']);
/** field-types/containers.json: components with a `path` and children */
const CONTAINERS = new Set(['group', 'dynamiclist']);
const KEY_PATTERN = /^\w+(\.\w+)*$/;
const CJK = /[\u3400-\u9fff]/;

interface Expected {
  /** the user task the form belongs to */
  task: string;
  /** value paths the form sets (group path + key) */
  sets: string[];
  /** of those, the ones that carry `validate.required` (shown conditionally or always) */
  required: string[];
  /** variables the form only reads (templates, conditions, option lists) */
  reads?: string[];
}

const EXPECTED: Record<string, Expected> = {
  'screen-petition': {
    task: '审查受理范围 第七条/第八条/第九条',
    sets: ['inScope', 'outOfScopeItem', 'emergencyNumber', 'rejectionNote', 'isMajor'],
    required: ['inScope', 'outOfScopeItem', 'emergencyNumber', 'rejectionNote'],
  },
  'special-report': {
    task: '报送信息专报 第九条',
    sets: ['specialReportSummary', 'specialReportTo'],
    required: ['specialReportSummary'],
  },
  'leader-instruction': {
    task: '市领导批示 第九条、第二十三条(一)、第二十四条(四)',
    sets: ['leaderInstruction', 'leaderLimitDays'],
    required: ['leaderInstruction', 'leaderLimitDays'],
    // the 信息专报 the 批示 is given on (special-report)
    reads: ['specialReportSummary', 'specialReportTo'],
  },
  'dispatch-petition': {
    task: '转办 第九条、第十二条',
    sets: ['unitId', 'jointMode', 'coUnitIds', 'coordinationNote'],
    required: ['unitId', 'jointMode', 'coUnitIds'],
    reads: ['unitOptions'],
  },
  'sign-or-return': {
    task: '签收或申请退回 第十条',
    sets: ['returnRequested', 'returnReason', 'returnBasis'],
    required: ['returnRequested', 'returnReason', 'returnBasis'],
    // a major matter's 批示 (leader-instruction), which the unit handles by
    reads: ['leaderInstruction', 'leaderLimitDays'],
  },
  'review-return': {
    task: '审核退回申请 第十一条',
    sets: ['returnApproved', 'returnReviewReason'],
    required: ['returnApproved', 'returnReviewReason'],
    reads: ['returnReason', 'returnBasis'],
  },
  'decide-acceptance': {
    task: '作出是否受理决定(举报) 第十三条(三)',
    sets: ['reportAccepted', 'acceptanceReason', 'acceptanceBasis'],
    required: ['reportAccepted', 'acceptanceReason', 'acceptanceBasis'],
  },
  'contact-petitioner': {
    task: '与诉求人沟通 第十三条',
    sets: ['contactedAt', 'contactMethod', 'contactSummary'],
    required: ['contactedAt', 'contactMethod', 'contactSummary'],
  },
  'draft-reply': {
    task: '办理并起草答复 第十五条',
    sets: [
      'reply.handledAt', 'reply.handlingUnit', 'reply.result', 'reply.legalBasis', 'reply.contactRecord', 'reply.investigation',
      'reply.investigationDocument', 'reply.noInvestigationReason', 'reply.noInvestigationBasis', 'reply.publishable', 'reply.replyText',
    ],
    required: [
      'reply.handledAt', 'reply.handlingUnit', 'reply.result', 'reply.legalBasis', 'reply.contactRecord', 'reply.investigation',
      'reply.investigationDocument', 'reply.noInvestigationReason', 'reply.noInvestigationBasis', 'reply.replyText',
    ],
    // why the reply came back: the 分管领导's opinion (oa-sign-off), the platform's reason (review-reply)
    // and a major matter's 批示 (leader-instruction)
    reads: ['category', 'signOffApproved', 'signOffOpinion', 'reviewApproved', 'reviewReason', 'leaderInstruction', 'leaderLimitDays'],
  },
  'oa-sign-off': {
    task: 'OA 送签 第十五条',
    sets: ['signOffApproved', 'signOffOpinion'],
    required: ['signOffApproved', 'signOffOpinion'],
    reads: ['reply'],
  },
  'review-extension': {
    task: '审核延期申请 第十四条',
    sets: ['extensionReason', 'extensionApproved', 'extensionReviewReason', 'extensionDays'],
    required: ['extensionApproved', 'extensionReviewReason', 'extensionDays'],
  },
  'review-reply': {
    task: '办结审核 第十六条、第二十条',
    sets: ['reviewApproved', 'reviewReason', 'publishable', 'publicationReason', 'proposeKnowledge'],
    required: ['reviewApproved', 'reviewReason', 'publicationReason'],
    reads: ['reply'],
  },
  'review-knowledge': {
    task: '审核知识条目 第十六条、第二十条(知识库)',
    sets: ['knowledgeApproved', 'knowledgeReturnReason'],
    required: ['knowledgeApproved', 'knowledgeReturnReason'],
    // the entry as it is now, passed by the app
    reads: ['question', 'answer', 'basis', 'ownerUnitName', 'validUntil', 'version'],
  },
  'revise-knowledge': {
    task: '复核知识条目 第十六条(知识库)',
    sets: ['knowledgeRevision', 'question', 'answer', 'basis', 'validUntil', 'retireReason'],
    required: ['knowledgeRevision', 'question', 'answer', 'validUntil', 'retireReason'],
    reads: ['knowledgeReturnReason'],
  },
  'redo-handling': {
    task: '重办 第十八条',
    sets: ['redoOutcome', 'redoReplyText', 'statementDocument', 'statementExplanation'],
    required: ['redoOutcome', 'redoReplyText', 'statementDocument', 'statementExplanation'],
  },
  'judge-attribution': {
    task: '认定重办后仍不满意的原因 第二十三条(四)',
    sets: ['attributable', 'attributionReason'],
    required: ['attributable', 'attributionReason'],
  },
  'choose-supervision': {
    task: '选择督办方式 第二十三条、第二十四条',
    sets: ['supervisionTrigger', 'supervisionMethod', 'supervisionLimitDays', 'supervisionNote'],
    required: ['supervisionTrigger', 'supervisionMethod', 'supervisionLimitDays'],
  },
  'handle-supervision': {
    task: '办理督办事项 第二十四条',
    sets: ['supervisionResult', 'supervisionDocument'],
    required: ['supervisionResult'],
    reads: ['supervisionNote'],
  },
};

/**
 * Keys the forms use that docs/process-contract.md does not list yet (the brief named them): record
 * fields kept with the task, and `unitOptions`, the option list the app passes to `dispatch-petition`.
 */
const NOT_IN_CONTRACT = new Set([
  'rejectionNote', 'specialReportSummary', 'specialReportTo', 'coordinationNote', 'unitOptions', 'acceptanceReason', 'acceptanceBasis',
  'contactedAt', 'contactMethod', 'contactSummary', 'redoReplyText', 'statementDocument', 'statementExplanation', 'attributionReason',
  'supervisionNote', 'supervisionResult', 'supervisionDocument',
]);

/** variables whose contract meaning is a boolean: their radios must offer exactly true and false */
const BOOLEAN_RADIOS = [
  'inScope', 'returnRequested', 'returnApproved', 'reportAccepted', 'signOffApproved', 'extensionApproved', 'reviewApproved', 'attributable', 'knowledgeApproved',
];

// ---------------------------------------------------------------------------------------- helpers

type Component = Record<string, any>;
interface Form {
  id: string;
  type: string;
  schemaVersion: number;
  executionPlatform: string;
  executionPlatformVersion: string;
  components: Component[];
}
interface Placed {
  component: Component;
  /** value path for inputs (group paths + key), the group path for containers */
  path: string | null;
  /** the component and its containers, outermost first */
  chain: Component[];
}

const files = readdirSync(here).filter((f) => f.endsWith('.form')).sort();
const raw = (file: string) => readFileSync(join(here, file), 'utf8');
const forms = new Map<string, Form>(files.map((f) => [f.slice(0, -'.form'.length), JSON.parse(raw(f)) as Form]));
const form = (id: string): Form => {
  const f = forms.get(id);
  if (!f) throw new Error(`no form ${id}`);
  return f;
};

function place(components: Component[], prefix: string[] = [], chain: Component[] = []): Placed[] {
  return components.flatMap((component) => {
    const here = [...chain, component];
    if (CONTAINERS.has(component.type)) {
      const path = [...prefix, ...(component.path ? String(component.path).split('.') : [])];
      return [{ component, path: path.join('.'), chain: here }, ...place(component.components ?? [], path, here)];
    }
    const path = INPUTS.has(component.type) && component.key ? [...prefix, component.key].join('.') : null;
    return [{ component, path, chain: here }];
  });
}
const all = (id: string) => place(form(id).components);
const inputs = (id: string) => all(id).filter((p) => INPUTS.has(p.component.type));
const byPath = (id: string, path: string) => {
  const p = inputs(id).find((i) => i.path === path);
  if (!p) throw new Error(`${id}: no field ${path}`);
  return p;
};

/** every translatable string of a component: label, description, date/time labels, option labels, text */
function texts(c: Component): [string, string][] {
  const out: [string, string][] = [];
  for (const prop of ['label', 'description', 'dateLabel', 'timeLabel', 'text']) {
    if (c[prop] !== undefined) out.push([prop, c[prop]]);
  }
  for (const v of c.values ?? []) out.push(['values.label', v.label]);
  return out;
}

/** lezer trees mark syntax errors with error nodes instead of throwing */
function syntaxErrors(tree: any, source: string): string[] {
  const errors: string[] = [];
  tree.iterate({
    enter(node: any) {
      if (node.type.isError) errors.push(`syntax error at ${node.from} in «${source}»`);
    },
  });
  return errors;
}
function rootVariables(tree: any, source: string): string[] {
  const names: string[] = [];
  tree.iterate({
    enter(node: any) {
      if (node.name === 'VariableName') names.push(source.slice(node.from, node.to).trim());
    },
  });
  return names;
}

/** FEEL the viewer evaluates as unary tests: `conditional.hide` and expression `readonly` */
function unaryExpressions(id: string): { where: string; source: string }[] {
  return all(id).flatMap(({ component: c }) => [
    ...(c.conditional?.hide !== undefined ? [{ where: `${c.id}.conditional.hide`, source: c.conditional.hide }] : []),
    ...(typeof c.readonly === 'string' ? [{ where: `${c.id}.readonly`, source: c.readonly }] : []),
  ]);
}
/** feelers `{{ }}` inserts in texts, labels and descriptions (block tags `#if`/`#loop` carry FEEL too) */
function templateInserts(id: string): { where: string; source: string }[] {
  return all(id).flatMap(({ component: c }) =>
    texts(c).flatMap(([prop, s]) =>
      [...String(s).matchAll(/\{\{([\s\S]*?)\}\}/g)]
        .map((m) => m[1].trim())
        .filter((inner) => !inner.startsWith('/'))
        .map((inner) => ({ where: `${c.id}.${prop}`, source: inner.replace(/^#(if|loop)\s+/, '') })),
    ),
  );
}

/** is the component shown for this form data? (hidden when its or a container's `hide` test is true) */
function shown(p: Placed, data: Record<string, unknown>): boolean {
  return p.chain.every((c) => {
    const hide = c.conditional?.hide;
    if (hide === undefined) return true;
    if (typeof hide === 'boolean') return !hide;
    return unaryTest(hide.slice(1), data).value !== true;
  });
}
const shownPaths = (id: string, data: Record<string, unknown>) =>
  inputs(id).filter((p) => shown(p, data)).map((p) => p.path).sort();
function readonlyFor(id: string, path: string, data: Record<string, unknown>): boolean {
  const ro = byPath(id, path).component.readonly;
  return typeof ro === 'string' ? unaryTest(ro.slice(1), data).value === true : ro === true;
}

const contractText = readFileSync(join(here, '..', 'docs', 'process-contract.md'), 'utf8');
const contractNames = new Set([...contractText.matchAll(/`([A-Za-z][A-Za-z0-9]*)`/g)].map((m) => m[1]));

// ------------------------------------------------------------------------------------------ tests

describe('the set of forms', () => {
  it('has one form per user task, and nothing else', () => {
    expect([...forms.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('lists every form in forms/README.md with its task', () => {
    const readme = readFileSync(join(here, 'README.md'), 'utf8');
    for (const id of forms.keys()) expect(readme).toContain(`\`${id}\``);
  });
});

describe.each(Object.keys(EXPECTED))('%s.form', (id) => {
  const expected = EXPECTED[id];

  it('is valid JSON whose id is the file name', () => {
    expect(() => JSON.parse(raw(`${id}.form`))).not.toThrow();
    expect(form(id).id).toBe(id);
  });

  it('is a default form of the current schema version for Camunda 8.8', () => {
    const f = form(id);
    expect(f.type).toBe('default');
    expect(f.schemaVersion).toBe(SCHEMA_VERSION);
    expect(f.executionPlatform).toBe('Camunda Cloud');
    expect(f.executionPlatformVersion).toBe('8.8.0');
    expect(Array.isArray(f.components) && f.components.length > 0).toBe(true);
  });

  it('opens with a text quoting the article it implements', () => {
    const first = form(id).components[0];
    expect(first.type).toBe('text');
    expect(first.text).toMatch(/第[一二三四五六七八九十]+条/);
  });

  it('gives every component a unique id and a known type', () => {
    const ids = all(id).map((p) => p.component.id);
    for (const i of ids) expect(typeof i === 'string' && i.length > 0).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { component } of all(id)) expect(TYPES.has(component.type)).toBe(true);
  });

  it('binds every input to a non-empty, unique key', () => {
    const paths = inputs(id).map((p) => {
      expect(typeof p.component.key).toBe('string');
      expect(p.component.key).toMatch(KEY_PATTERN);
      return p.path;
    });
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('sets exactly the variables of its task, and requires those the article requires', () => {
    expect(inputs(id).map((p) => p.path).sort()).toEqual([...expected.sets].sort());
    const required = inputs(id).filter((p) => p.component.validate?.required === true).map((p) => p.path);
    expect(required.sort()).toEqual([...expected.required].sort());
  });

  it('uses the variable names of docs/process-contract.md (or the listed additions)', () => {
    const roots = new Set([...expected.sets.map((s) => s.split('.')[0]), ...(expected.reads ?? [])]);
    for (const name of roots) expect([name, contractNames.has(name) || NOT_IN_CONTRACT.has(name)]).toEqual([name, true]);
  });

  it('follows the form-js 1.23 schema rules for each component type', () => {
    for (const { component: c } of all(id)) {
      const t = c.type;
      const at = `${id}/${c.id}`;
      if (!INPUTS.has(t)) {
        for (const p of ['key', 'validate', 'description', 'readonly', 'disabled', 'defaultValue']) expect([at, p, c[p]]).toEqual([at, p, undefined]);
      }
      if (t !== 'text') expect([at, c.text]).toEqual([at, undefined]);
      if (!MULTI.has(t)) for (const p of ['values', 'valuesKey', 'valuesExpression']) expect([at, c[p]]).toEqual([at, undefined]);
      if (c.valuesKey !== undefined) expect([at, 'defaultValue with valuesKey', c.defaultValue]).toEqual([at, 'defaultValue with valuesKey', undefined]);
      if (t === 'filepicker') expect([at, 'filepicker description', c.description]).toEqual([at, 'filepicker description', undefined]);
      if (t !== 'number') {
        expect([at, c.validate?.min, c.validate?.max, c.decimalDigits, c.increment]).toEqual([at, undefined, undefined, undefined, undefined]);
      }
      if (t !== 'datetime') expect([at, c.subtype, c.timeSerializingFormat]).toEqual([at, undefined, undefined]);
      if (!CONTAINERS.has(t)) expect([at, c.path, c.components]).toEqual([at, undefined, undefined]);
      if (t !== 'textfield' && t !== 'textarea') expect([at, c.validate?.minLength, c.validate?.maxLength]).toEqual([at, undefined, undefined]);
      if (t === 'datetime') {
        expect(c.subtype).toBe('datetime');
        expect(c.timeSerializingFormat).toBe('utc_normalized'); // the contract: instants are ISO-8601 UTC
      }
      if (CONTAINERS.has(t)) expect(c.path ?? '').toMatch(/^(\w+(\.\w+)*)*$/);
    }
  });

  it('gives every choice field options with labels and unique values, or a valuesKey', () => {
    for (const { component: c } of all(id).filter((p) => MULTI.has(p.component.type))) {
      if (c.valuesKey !== undefined) {
        expect(c.valuesKey).toMatch(/^\S+$/);
        continue;
      }
      expect(Array.isArray(c.values) && c.values.length > 0).toBe(true);
      for (const v of c.values) {
        expect(typeof v.label).toBe('string');
        expect(['string', 'boolean']).toContain(typeof v.value);
        expect(v.value).not.toBe('');
      }
      const values = c.values.map((v: { value: unknown }) => v.value);
      expect(new Set(values).size).toBe(values.length);
      if (c.defaultValue !== undefined) expect(values).toContain(c.defaultValue);
    }
  });

  it('is written in Chinese (labels, descriptions, option labels, texts)', () => {
    for (const { component: c } of all(id)) {
      if (INPUTS.has(c.type) && c.type !== 'datetime') expect([c.id, typeof c.label]).toEqual([c.id, 'string']);
      if (c.type === 'datetime') expect([c.id, typeof c.dateLabel]).toEqual([c.id, 'string']);
      for (const [prop, s] of texts(c)) expect([c.id, prop, s, CJK.test(String(s))]).toEqual([c.id, prop, s, true]);
    }
  });

  it('writes conditions and read-only tests as FEEL that parses, over known variables', () => {
    const known = new Set([...expected.sets.map((s) => s.split('.')[0]), ...(expected.reads ?? [])]);
    for (const { where, source } of unaryExpressions(id)) {
      expect([where, source.startsWith('=')]).toEqual([where, true]);
      const feel = source.slice(1);
      expect(syntaxErrors(parseUnaryTests(feel, {}, undefined), feel)).toEqual([]);
      expect(() => unaryTest(feel, {})).not.toThrow();
      for (const name of rootVariables(parseUnaryTests(feel, {}, undefined), feel)) expect([where, name, known.has(name)]).toEqual([where, name, true]);
    }
  });

  it('writes template inserts ({{ }}) as FEEL that parses, over known variables', () => {
    const known = new Set([...expected.sets.map((s) => s.split('.')[0]), ...(expected.reads ?? [])]);
    for (const { where, source } of templateInserts(id)) {
      expect(syntaxErrors(parseExpression(source, {}, undefined), source)).toEqual([]);
      expect(() => evaluate(source, {})).not.toThrow();
      for (const name of rootVariables(parseExpression(source, {}, undefined), source)) expect([where, name, known.has(name)]).toEqual([where, name, true]);
    }
  });
});

describe('values the process relies on', () => {
  it.each(BOOLEAN_RADIOS)('%s is a radio with the boolean values true and false', (key) => {
    const found = [...forms.keys()].flatMap((id) => inputs(id).filter((p) => p.path === key));
    expect(found).toHaveLength(1);
    expect(found[0].component.type).toBe('radio');
    expect(found[0].component.values.map((v: { value: unknown }) => v.value).sort()).toEqual([false, true]);
  });

  it('screen-petition offers the eleven items of 第八条 as 一…十一 and the four emergency numbers', () => {
    const items = byPath('screen-petition', 'outOfScopeItem').component.values;
    expect(items.map((v: { value: string }) => v.value)).toEqual(['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一']);
    expect(items[1].label).toContain('110、119、120、122');
    expect(items[10].label).toContain('其他不宜受理的问题');
    const numbers = byPath('screen-petition', 'emergencyNumber').component.values.map((v: { value: string }) => v.value);
    expect(numbers).toEqual(['110', '119', '120', '122']);
  });

  it('dispatch-petition takes its units from unitOptions, with the 第十二条 modes', () => {
    expect(byPath('dispatch-petition', 'unitId').component).toMatchObject({ type: 'select', valuesKey: 'unitOptions' });
    expect(byPath('dispatch-petition', 'coUnitIds').component).toMatchObject({ type: 'taglist', valuesKey: 'unitOptions' });
    const modes = byPath('dispatch-petition', 'jointMode').component.values.map((v: { value: string }) => v.value);
    expect(modes).toEqual(['single', 'coordinated', 'joint']);
  });

  it('the reply is one object `reply` (第十五条 fields) with upload of the investigation document', () => {
    const group = all('draft-reply').find((p) => p.component.type === 'group');
    expect(group?.component.path).toBe('reply');
    expect(byPath('draft-reply', 'reply.investigationDocument').component.type).toBe('filepicker');
    expect(byPath('draft-reply', 'reply.investigation').component.values.map((v: { value: string }) => v.value)).toEqual([
      'investigated', 'not-investigated',
    ]);
  });

  it('uploads are file pickers', () => {
    expect(byPath('redo-handling', 'statementDocument').component.type).toBe('filepicker');
    expect(byPath('handle-supervision', 'supervisionDocument').component.type).toBe('filepicker');
  });

  it('uses the contract values of redoOutcome, supervisionTrigger and supervisionMethod', () => {
    const values = (id: string, path: string) => byPath(id, path).component.values.map((v: { value: string }) => v.value);
    expect(values('redo-handling', 'redoOutcome')).toEqual(['handle-now', 'handle-again', 'statement']);
    expect(values('choose-supervision', 'supervisionTrigger')).toEqual(['一', '二', '三', '四', '五']);
    expect(values('choose-supervision', 'supervisionMethod')).toEqual(['一', '二', '三', '四']);
  });

  it('bounds the working-day limits: 批示 1–60, extension 1–30, whole days', () => {
    expect(byPath('leader-instruction', 'leaderLimitDays').component).toMatchObject({ type: 'number', decimalDigits: 0, validate: { min: 1, max: 60 } });
    expect(byPath('review-extension', 'extensionDays').component).toMatchObject({ type: 'number', decimalDigits: 0, validate: { min: 1, max: 30 } });
    expect(byPath('choose-supervision', 'supervisionLimitDays').component).toMatchObject({ type: 'number', decimalDigits: 0, validate: { min: 1 } });
  });
});

describe('conditional fields show when the regulation needs them', () => {
  it('screen-petition: item and note only when out of scope; the number only for item 二; 信息专报 only in scope', () => {
    const base = ['inScope'];
    expect(shownPaths('screen-petition', {})).toEqual(base);
    expect(shownPaths('screen-petition', { inScope: true })).toEqual([...base, 'isMajor'].sort());
    expect(shownPaths('screen-petition', { inScope: false, outOfScopeItem: '一' })).toEqual([...base, 'outOfScopeItem', 'rejectionNote'].sort());
    expect(shownPaths('screen-petition', { inScope: false, outOfScopeItem: '二' })).toEqual(
      [...base, 'outOfScopeItem', 'rejectionNote', 'emergencyNumber'].sort(),
    );
    // a stale item left behind after switching back to "in scope" shows nothing
    expect(shownPaths('screen-petition', { inScope: true, outOfScopeItem: '二' })).toEqual([...base, 'isMajor'].sort());
  });

  it('dispatch-petition: co-units for joint handling, the note for coordination and joint handling', () => {
    const base = ['jointMode', 'unitId'];
    expect(shownPaths('dispatch-petition', { jointMode: 'single' })).toEqual(base);
    expect(shownPaths('dispatch-petition', { jointMode: 'coordinated' })).toEqual([...base, 'coordinationNote'].sort());
    expect(shownPaths('dispatch-petition', { jointMode: 'joint' })).toEqual([...base, 'coUnitIds', 'coordinationNote'].sort());
  });

  it('sign-or-return: reason and basis only when asking to return (第十条(二))', () => {
    expect(shownPaths('sign-or-return', { returnRequested: false })).toEqual(['returnRequested']);
    expect(shownPaths('sign-or-return', { returnRequested: true })).toEqual(['returnBasis', 'returnReason', 'returnRequested']);
  });

  it('review-return: the reason field is labelled 职责界定 when approved and 理由 when refused', () => {
    const label = byPath('review-return', 'returnReviewReason').component.label as string;
    const insert = label.match(/\{\{([\s\S]*?)\}\}/)?.[1] ?? '';
    expect(evaluate(insert, { returnApproved: true }).value).toContain('职责界定');
    expect(evaluate(insert, { returnApproved: false }).value).toContain('理由');
  });

  it('draft-reply: shows why the reply came back, only what sent it back (第十五条 OA 送签, 第十六条 办结审核)', () => {
    const shownTexts = (data: Record<string, unknown>) =>
      all('draft-reply').filter((p) => p.component.type === 'text' && !['Text_article', 'Text_leaderInstruction'].includes(p.component.id) && shown(p, data)).map((p) => p.component.id).sort();
    expect(shownTexts({ category: 'complaint' })).toEqual([]);
    expect(shownTexts({ signOffApproved: false, signOffOpinion: '请补充更换时间' })).toEqual(['Text_signOffOpinion']);
    expect(shownTexts({ signOffApproved: true, signOffOpinion: '同意', reviewApproved: false, reviewReason: '未写明依据' })).toEqual(['Text_reviewReason']);
    expect(shownTexts({ signOffApproved: false, signOffOpinion: '请改', reviewApproved: false, reviewReason: '未写明依据' })).toEqual(['Text_reviewReason', 'Text_signOffOpinion']);
  });

  it('shows the 信息专报 to the city leader and the 批示 to the unit, only when there is one (第九条)', () => {
    const text = (id: string, componentId: string) => {
      const p = all(id).find((x) => x.component.id === componentId);
      if (!p) throw new Error(`${id}: no ${componentId}`);
      return p;
    };
    expect(shown(text('leader-instruction', 'Text_specialReport'), { specialReportSummary: '城区学校周边交通拥堵' })).toBe(true);
    expect(shown(text('leader-instruction', 'Text_specialReport'), {})).toBe(false);
    for (const id of ['sign-or-return', 'draft-reply']) {
      expect([id, shown(text(id, 'Text_leaderInstruction'), { leaderInstruction: '五日内拿出方案', leaderLimitDays: 5 })]).toEqual([id, true]);
      expect([id, shown(text(id, 'Text_leaderInstruction'), { category: 'complaint' })]).toEqual([id, false]);
    }
  });

  it('draft-reply: investigation only for complaints and reports; document or reason and basis by the decision (第十五条(三))', () => {
    const always = ['reply.contactRecord', 'reply.handledAt', 'reply.handlingUnit', 'reply.legalBasis', 'reply.publishable', 'reply.replyText', 'reply.result'];
    for (const category of ['consultation', 'help', 'suggestion', 'other']) {
      expect(shownPaths('draft-reply', { category, reply: { investigation: 'investigated' } })).toEqual(always);
    }
    expect(shownPaths('draft-reply', { category: 'complaint' })).toEqual([...always, 'reply.investigation'].sort());
    expect(shownPaths('draft-reply', { category: 'complaint', reply: { investigation: 'investigated' } })).toEqual(
      [...always, 'reply.investigation', 'reply.investigationDocument'].sort(),
    );
    expect(shownPaths('draft-reply', { category: 'report', reply: { investigation: 'not-investigated' } })).toEqual(
      [...always, 'reply.investigation', 'reply.noInvestigationBasis', 'reply.noInvestigationReason'].sort(),
    );
  });

  it('oa-sign-off, review-reply: an opinion or reason only when sent back; publishing decided on approval', () => {
    expect(shownPaths('oa-sign-off', { signOffApproved: true })).toEqual(['signOffApproved']);
    expect(shownPaths('oa-sign-off', { signOffApproved: false })).toEqual(['signOffApproved', 'signOffOpinion']);
    expect(shownPaths('review-reply', { reviewApproved: true })).toEqual(['proposeKnowledge', 'publishable', 'reviewApproved']);
    expect(shownPaths('review-reply', { reviewApproved: false })).toEqual(['reviewApproved', 'reviewReason']);
  });

  it('review-reply (第二十条): what the unit marked 不宜公开 stays unpublished; withholding what it marked publishable needs a reason', () => {
    expect(readonlyFor('review-reply', 'publishable', { reply: { publishable: false } })).toBe(true);
    expect(readonlyFor('review-reply', 'publishable', { reply: {} })).toBe(true);
    expect(readonlyFor('review-reply', 'publishable', { reply: { publishable: true } })).toBe(false);
    expect(shownPaths('review-reply', { reviewApproved: true, reply: { publishable: true }, publishable: true })).toEqual(['proposeKnowledge', 'publishable', 'reviewApproved']);
    expect(shownPaths('review-reply', { reviewApproved: true, reply: { publishable: true }, publishable: false })).toEqual(['proposeKnowledge', 'publicationReason', 'publishable', 'reviewApproved']);
    expect(shownPaths('review-reply', { reviewApproved: true, reply: { publishable: false }, publishable: false })).toEqual(['proposeKnowledge', 'publishable', 'reviewApproved']);
  });

  it('知识库: a reason only when an entry is returned; the revised content when submitted, the reason when retired', () => {
    expect(shownPaths('review-knowledge', { knowledgeApproved: true })).toEqual(['knowledgeApproved']);
    expect(shownPaths('review-knowledge', { knowledgeApproved: false })).toEqual(['knowledgeApproved', 'knowledgeReturnReason']);
    expect(shownPaths('revise-knowledge', { knowledgeRevision: 'submit' })).toEqual(['answer', 'basis', 'knowledgeRevision', 'question', 'validUntil']);
    expect(shownPaths('revise-knowledge', { knowledgeRevision: 'retire' })).toEqual(['knowledgeRevision', 'retireReason']);
    expect(shownPaths('review-reply', { reviewApproved: false })).not.toContain('proposeKnowledge');
  });

  it('review-extension: the request is read-only; the days become editable on approval; a refusal needs its reason', () => {
    expect(readonlyFor('review-extension', 'extensionReason', {})).toBe(true);
    expect(readonlyFor('review-extension', 'extensionDays', {})).toBe(true);
    expect(readonlyFor('review-extension', 'extensionDays', { extensionApproved: false })).toBe(true);
    expect(readonlyFor('review-extension', 'extensionDays', { extensionApproved: true })).toBe(false);
    expect(shownPaths('review-extension', { extensionApproved: true })).toEqual(['extensionApproved', 'extensionDays', 'extensionReason']);
    expect(shownPaths('review-extension', { extensionApproved: false })).toEqual(
      ['extensionApproved', 'extensionDays', 'extensionReason', 'extensionReviewReason'],
    );
  });

  it('redo-handling: the written statement and its explanation only for 第十八条(三)', () => {
    const base = ['redoOutcome', 'redoReplyText'];
    expect(shownPaths('redo-handling', { redoOutcome: 'handle-now' })).toEqual(base);
    expect(shownPaths('redo-handling', { redoOutcome: 'handle-again' })).toEqual(base);
    expect(shownPaths('redo-handling', { redoOutcome: 'statement' })).toEqual([...base, 'statementDocument', 'statementExplanation'].sort());
  });

  it('choose-supervision: 2 working days for 一 and 二, a set limit for 三 and 四 (第二十四条)', () => {
    const twoDays = all('choose-supervision').find(
      (p) => p.component.type === 'text' && p.component.conditional && String(p.component.text).includes('2 个工作日内办结'),
    );
    expect(twoDays).toBeDefined();
    const base = ['supervisionMethod', 'supervisionNote', 'supervisionTrigger'];
    for (const m of ['一', '二']) {
      expect(shownPaths('choose-supervision', { supervisionMethod: m })).toEqual(base);
      expect(shown(twoDays as Placed, { supervisionMethod: m })).toBe(true);
    }
    for (const m of ['三', '四']) {
      expect(shownPaths('choose-supervision', { supervisionMethod: m })).toEqual([...base, 'supervisionLimitDays'].sort());
      expect(shown(twoDays as Placed, { supervisionMethod: m })).toBe(false);
    }
  });
});
