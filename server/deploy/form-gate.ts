/**
 * The form gate: what a form schema must be before it becomes a new version (the form editor, the
 * forms/ files at start), and what a new version would break in the deployed diagrams.
 *
 * Problems (the save is refused, every one listed): the schema is a form-js schema as the app
 * supports it — an object with `type: "default"` and a `components` array of component types the
 * task form renders and server/domain/form-validation.ts checks (no dynamiclist), unique component
 * ids, every input field with a key that is a valid variable name (dotted paths allowed), no two
 * fields on one value path, options for choice fields, FEEL conditions that parse, bounded size —
 * and the form id is a safe name.
 *
 * Warnings (the save needs confirming): value paths the latest version has and the new one lacks
 * that the latest version of a deployed process with a user task of this form uses as a FEEL name —
 * in a sequence flow's condition, a `zeebe:input`/`zeebe:output` source, or any other FEEL
 * expression (timers, called elements, assignment, multi-instance, message correlation keys…).
 * Diagrams are parsed with bpmn-moddle and the zeebe moddle schema; FEEL with feelin's parser.
 */
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { parseExpression } from 'feelin';
import type { EnginePort } from '../../engine/port.js';
import { FORM_ID } from '../data/forms-repository.js';
import { formFieldPaths, FormSchemaError, type FormSchema } from '../domain/form-validation.js';
import { HttpError } from '../http-error.js';

const require = createRequire(import.meta.url);
const zeebeSchema = require('zeebe-bpmn-moddle/resources/zeebe.json');

export interface FormProblem {
  /** the field's value path, or the component id, or "" for the form as a whole */
  field: string;
  componentId?: string;
  key?: string;
  rule: string;
  /** Chinese */
  message: string;
}

/** where a diagram uses a name in FEEL */
export type UseKind = 'condition' | 'input' | 'output' | 'timer' | 'calledElement' | 'assignment' | 'loop' | 'correlationKey' | 'script' | 'expression';

export interface FieldInUse {
  /** the value path the new version no longer has */
  field: string;
  processId: string;
  /** the process's latest deployed version */
  version: number;
  /** the element holding the expression (the sequence flow of a condition) */
  elementId: string;
  where: UseKind;
  expression: string;
}

export interface FormCheck {
  problems: FormProblem[];
  warnings: FieldInUse[];
  /** value paths of the previous version the new one lacks */
  removed: string[];
}

export class FormRejected extends HttpError {
  constructor(readonly problems: FormProblem[]) {
    super(400, 'FORM_REJECTED', `表单未通过检查,共 ${problems.length} 个问题,未保存`, problems);
    this.name = 'FormRejected';
  }
}

/** the largest schema accepted (JSON characters): the largest form here is ~6 KB */
export const MAX_SCHEMA_CHARS = 256 * 1024;
const MAX_COMPONENTS = 500;
const MAX_DEPTH = 8;

/** keyed input components (server/domain/form-validation.ts INPUT_TYPES) */
const INPUT_TYPES = new Set(['textfield', 'textarea', 'number', 'datetime', 'checkbox', 'checklist', 'radio', 'select', 'taglist', 'filepicker']);
/** components without a submitted value that the task form renders */
const OTHER_TYPES = new Set(['text', 'html', 'image', 'button', 'spacer', 'separator', 'table', 'iframe', 'documentPreview', 'expression']);
const CHOICE_TYPES = new Set(['checklist', 'radio', 'select', 'taglist']);
/** a FEEL name usable as a variable: no spaces, operators, or leading digit */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'for', 'in', 'return', 'if', 'then', 'else', 'some', 'every', 'satisfies', 'instance', 'of', 'function', 'external', 'between', '__proto__', 'prototype', 'constructor']);

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const validPath = (path: string) => path.split('.').every((s) => NAME.test(s) && !RESERVED.has(s));

/** a FEEL expression (`=…`) that does not parse */
function feelBroken(value: string): boolean {
  try {
    let broken = false;
    parseExpression(value.slice(1), {}, undefined).iterate({
      enter(n) {
        if (n.type.isError) broken = true;
      },
    });
    return broken;
  } catch {
    return true;
  }
}

/** every problem of a schema as a new version of the form `formId`; empty when it may be saved */
export function checkFormSchema(formId: unknown, schema: unknown): FormProblem[] {
  const problems: FormProblem[] = [];
  const add = (rule: string, message: string, at: { componentId?: string; key?: string; field?: string } = {}) =>
    problems.push({ field: at.field ?? at.key ?? at.componentId ?? '', ...(at.componentId && { componentId: at.componentId }), ...(at.key && { key: at.key }), rule, message });

  if (typeof formId !== 'string' || !FORM_ID.test(formId)) add('form-id', '表单编号须以英文字母开头,只含英文字母、数字、- 和 _,最多 64 个字符');
  if (!isPlainObject(schema)) {
    add('schema', '表单定义须为 JSON 对象');
    return problems;
  }
  if (JSON.stringify(schema).length > MAX_SCHEMA_CHARS) add('size', `表单定义过大(超过 ${MAX_SCHEMA_CHARS / 1024} KB)`);
  if (schema.type !== 'default') add('schema', '表单定义的 type 须为 "default"');
  if (schema.id !== undefined && schema.id !== formId) add('schema', `表单定义的 id「${String(schema.id).slice(0, 64)}」须与表单编号「${String(formId).slice(0, 64)}」一致`);
  if (!Array.isArray(schema.components)) {
    add('schema', '表单定义须有组件列表(components 数组)');
    return problems;
  }

  const ids = new Set<string>();
  const paths: { path: string; componentId?: string; key: string }[] = [];
  let count = 0;
  const walk = (components: unknown[], prefix: string[], depth: number, where: string) => {
    components.forEach((raw, i) => {
      count++;
      if (count === MAX_COMPONENTS + 1) add('size', `组件过多(最多 ${MAX_COMPONENTS} 个)`);
      if (!isPlainObject(raw) || typeof raw.type !== 'string') {
        add('component', `${where}第 ${i + 1} 个组件格式不正确(须为带 type 的对象)`);
        return;
      }
      const c = raw;
      const type = c.type as string;
      const componentId = typeof c.id === 'string' && c.id !== '' ? c.id : undefined;
      const label = typeof c.label === 'string' && c.label ? `「${c.label.slice(0, 40)}」` : '';
      const name = `组件 ${componentId ?? `(${where}第 ${i + 1} 个)`}${label}`;
      if (c.id !== undefined && !componentId) add('component-id', `${name}的 id 须为非空文本`);
      if (componentId) {
        if (ids.has(componentId)) add('component-id', `组件 id「${componentId}」重复`, { componentId });
        ids.add(componentId);
      }
      const at = { ...(componentId && { componentId }) };

      if (type === 'group') {
        if (depth >= MAX_DEPTH) {
          add('size', `${name}嵌套过深(最多 ${MAX_DEPTH} 层)`, at);
          return;
        }
        let path: string[] = [];
        if (c.path !== undefined && c.path !== '') {
          if (typeof c.path !== 'string' || !validPath(c.path)) add('key', `${name}的路径(path)「${String(c.path).slice(0, 64)}」不是有效的变量名:须以英文字母或 _ 开头,只含英文字母、数字和 _,可用 . 分级`, at);
          else path = c.path.split('.');
        }
        if (c.components !== undefined && !Array.isArray(c.components)) add('component', `${name}的 components 须为数组`, at);
        walk(Array.isArray(c.components) ? c.components : [], [...prefix, ...path], depth + 1, `分组 ${componentId ?? ''} 中`);
        return;
      }
      if (type === 'dynamiclist') {
        add('component-type', `${name}是动态列表(dynamiclist),任务表单的服务器校验不支持,请改用分组或多个字段`, at);
        return;
      }
      if (!INPUT_TYPES.has(type) && !OTHER_TYPES.has(type)) {
        add('component-type', `${name}的类型「${type.slice(0, 40)}」不受支持`, at);
        return;
      }
      if (INPUT_TYPES.has(type) || type === 'expression') {
        const key = typeof c.key === 'string' ? c.key : '';
        if (!key) {
          add('key', `${name}缺少键(key):输入字段须有键,它是流程变量名`, at);
          return;
        }
        if (!validPath(key)) {
          add('key', `${name}的键「${key.slice(0, 64)}」不是有效的变量名:须以英文字母或 _ 开头,只含英文字母、数字和 _,可用 . 分级`, { ...at, key });
          return;
        }
        if (INPUT_TYPES.has(type)) paths.push({ path: [...prefix, key].join('.'), key, ...at });
        if (type === 'datetime' && !['date', 'time', 'datetime'].includes(c.subtype as string)) add('component', `${name}(日期时间)须选择子类型:日期、时间或日期时间`, { ...at, key });
        if (CHOICE_TYPES.has(type) && !Array.isArray(c.values) && typeof c.valuesKey !== 'string' && typeof c.valuesExpression !== 'string') add('options', `${name}没有选项:请设置静态选项、选项变量或选项表达式`, { ...at, key });
      }
      const hide = isPlainObject(c.conditional) ? c.conditional.hide : undefined;
      if (typeof hide === 'string' && hide.startsWith('=') && feelBroken(hide)) add('feel', `${name}的显示条件「${hide.slice(0, 80)}」不是有效的 FEEL 表达式`, at);
    });
  };
  walk(schema.components, [], 0, '');

  // two fields on one value path, or one inside another's, would overwrite each other
  const reported = new Set<string>();
  for (const p of paths) {
    const other = paths.find((q) => q !== p && (q.path === p.path || q.path.startsWith(`${p.path}.`)));
    if (other && !reported.has(p.path)) {
      reported.add(p.path);
      add('key', other.path === p.path ? `键「${p.path}」重复(组件 ${p.componentId ?? '?'} 和 ${other.componentId ?? '?'})` : `键「${p.path}」与「${other.path}」冲突(一个字段的值不能包含另一个字段)`, { field: p.path, key: p.key, ...(p.componentId && { componentId: p.componentId }) });
    }
  }
  // the server-side validation must be able to check submissions of it (a safety net for what is above)
  if (problems.length === 0) {
    try {
      formFieldPaths(schema as FormSchema);
    } catch (err) {
      if (!(err instanceof FormSchemaError)) throw err;
      add('server-validation', `服务器端校验无法使用该表单:${err.message}`);
    }
  }
  return problems;
}

/** the value paths (group path + key) of a schema's input fields; lenient: what cannot be read is left out */
export function fieldPathsOf(schema: unknown): string[] {
  const out: string[] = [];
  const walk = (components: unknown, prefix: string[], depth: number) => {
    if (!Array.isArray(components) || depth > MAX_DEPTH) return;
    for (const c of components) {
      if (!isPlainObject(c)) continue;
      if (c.type === 'group') walk(c.components, typeof c.path === 'string' && c.path ? [...prefix, ...c.path.split('.')] : prefix, depth + 1);
      else if (INPUT_TYPES.has(c.type as string) && typeof c.key === 'string' && c.key) out.push([...prefix, c.key].join('.'));
    }
  };
  if (isPlainObject(schema)) walk(schema.components, [], 0);
  return [...new Set(out)];
}

// ------------------------------------------------------------------------- names in FEEL

interface SyntaxNodeLike {
  name: string;
  from: number;
  to: number;
  parent: SyntaxNodeLike | null;
  firstChild: SyntaxNodeLike | null;
  nextSibling: SyntaxNodeLike | null;
  getChild(name: string): SyntaxNodeLike | null;
}

/**
 * The variable paths a FEEL expression reads, e.g. `returnRequested`, `reply.handledAt` — not the
 * names it binds itself (`for x in …`, function parameters), not function names. Undefined when the
 * expression does not parse.
 */
export function feelReferences(expression: string): string[] | undefined {
  let tree;
  try {
    tree = parseExpression(expression, {}, undefined);
  } catch {
    return undefined;
  }
  const bound = new Set<string>();
  const refs: string[] = [];
  const cursor = tree.cursor();
  const nodes: SyntaxNodeLike[] = [];
  do {
    nodes.push(cursor.node as unknown as SyntaxNodeLike);
  } while (cursor.next());
  const text = (n: SyntaxNodeLike) => expression.slice(n.from, n.to).replace(/\s+/g, ' ').trim();
  for (const n of nodes) {
    if (n.name === 'Name' && ['InExpression', 'QuantifiedInExpression'].includes(n.parent?.name ?? '')) bound.add(text(n));
    if (n.name === 'ParameterName') bound.add(text(n));
  }
  for (const n of nodes) {
    if (n.name !== 'VariableName') continue;
    const parent = n.parent;
    // the callee of `list contains(…)`, not a variable
    if (parent?.name === 'FunctionInvocation' && parent.firstChild?.from === n.from && parent.firstChild?.to === n.to) continue;
    const path = [text(n)];
    let cur: SyntaxNodeLike = n;
    while (cur.parent?.name === 'PathExpression' && cur.parent.firstChild?.from === cur.from && cur.parent.firstChild?.to === cur.to) {
      const member = cur.parent.getChild('PathName');
      if (!member) break;
      path.push(text(member));
      cur = cur.parent;
    }
    if (!bound.has(path[0])) refs.push(path.join('.'));
  }
  return [...new Set(refs)];
}

/** the reference reads the field: the field itself, a part of it, or an object holding it */
const reads = (ref: string, field: string) => ref === field || ref.startsWith(`${field}.`) || field.startsWith(`${ref}.`);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function usesField(expression: string, field: string): boolean {
  const refs = feelReferences(expression);
  if (refs) return refs.some((r) => reads(r, field));
  // unparsable: a plain text search, so a broken expression does not hide a use
  return new RegExp(`(?<![\\w.])${escapeRegExp(field)}(?![\\w])`).test(expression);
}

// --------------------------------------------------------------------- uses in a diagram

type ModdleElement = Record<string, unknown> & { $type: string; id?: string };

/** structure, not an element's own content */
const SKIP = new Set(['flowElements', 'incoming', 'outgoing', 'laneSets', 'artifacts', 'lanes', 'flowNodeRef', 'boundaryEventRefs', 'di', 'documentation', 'extensionValues']);
/** references to other elements: not walked (a message's correlation key is, through messageRef) */
const REFS = new Set(['sourceRef', 'targetRef', 'attachedToRef', 'default', 'errorRef', 'escalationRef', 'signalRef', 'dataObjectRef', 'processRef']);

function kindOf(owner: string, prop: string, container: string): UseKind {
  if (owner === 'zeebe:Input') return 'input';
  if (owner === 'zeebe:Output') return 'output';
  if (owner === 'zeebe:CalledElement') return 'calledElement';
  if (owner === 'zeebe:AssignmentDefinition' || owner === 'zeebe:PriorityDefinition' || owner === 'zeebe:TaskSchedule') return 'assignment';
  if (owner === 'zeebe:LoopCharacteristics' || container === 'loopCharacteristics' || prop === 'completionCondition') return 'loop';
  if (owner === 'zeebe:Subscription') return 'correlationKey';
  if (owner === 'zeebe:Script') return 'script';
  if (container === 'conditionExpression' || prop === 'conditionExpression') return 'condition';
  if (['timeDate', 'timeDuration', 'timeCycle'].includes(container)) return 'timer';
  return 'expression';
}

function hasUserTaskOf(el: ModdleElement, formId: string): boolean {
  for (const child of (el.flowElements as ModdleElement[] | undefined) ?? []) {
    if (child.$type === 'bpmn:UserTask') {
      const values = ((child.extensionElements as { values?: ModdleElement[] } | undefined)?.values ?? []) as ModdleElement[];
      if (values.some((v) => v.$type === 'zeebe:FormDefinition' && v.formId === formId)) return true;
    }
    if (hasUserTaskOf(child, formId)) return true;
  }
  return false;
}

/** every FEEL expression (`=…`) of a process with the element that holds it */
function expressionsOf(process: ModdleElement): { elementId: string; where: UseKind; expression: string }[] {
  const out: { elementId: string; where: UseKind; expression: string }[] = [];
  const seen = new Set<object>();
  const content = (v: unknown, elementId: string, owner: string, prop: string, container: string, depth: number) => {
    if (depth > 24 || v === null || v === undefined) return;
    if (typeof v === 'string') {
      if (v.startsWith('=')) out.push({ elementId, where: kindOf(owner, prop, container), expression: v.slice(1) });
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) content(x, elementId, owner, prop, container, depth + 1);
      return;
    }
    if (typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    const o = v as ModdleElement;
    for (const k of Object.getOwnPropertyNames(o)) {
      if ((k.startsWith('$') && k !== '$body') || SKIP.has(k) || REFS.has(k)) continue;
      // a message's correlation key is read where the message is caught
      if (k === 'messageRef') content(o[k], elementId, 'bpmn:Message', k, k, depth + 1);
      else content(o[k], elementId, o.$type ?? owner, k, k === 'body' || k === '$body' ? prop || container : k, depth + 1);
    }
  };
  const element = (el: ModdleElement) => {
    for (const child of (el.flowElements as ModdleElement[] | undefined) ?? []) {
      content(child, child.id ?? '', child.$type, '', '', 0);
      element(child);
    }
  };
  content(process, process.id ?? '', process.$type, '', '', 0);
  element(process);
  return out;
}

const moddle = new BpmnModdle({ zeebe: zeebeSchema });

/**
 * The uses of `fields` in the processes of one diagram that have a user task of the form `formId`
 * (`version` is the deployed version the XML is). A diagram that does not parse has none.
 */
export async function fieldUsesInDiagram(xml: string, formId: string, fields: string[], version: (processId: string) => number | undefined): Promise<FieldInUse[]> {
  if (!fields.length) return [];
  let definitions: ModdleElement;
  try {
    ({ rootElement: definitions } = (await moddle.fromXML(xml, 'bpmn:Definitions')) as { rootElement: ModdleElement });
  } catch {
    return [];
  }
  const uses: FieldInUse[] = [];
  for (const process of ((definitions.rootElements as ModdleElement[] | undefined) ?? []).filter((e) => e.$type === 'bpmn:Process')) {
    const v = version(process.id ?? '');
    if (v === undefined || !hasUserTaskOf(process, formId)) continue;
    for (const e of expressionsOf(process)) {
      for (const field of fields) if (usesField(e.expression, field)) uses.push({ field, processId: process.id as string, version: v, elementId: e.elementId, where: e.where, expression: `=${e.expression}`.slice(0, 300) });
    }
  }
  return uses;
}

export function createFormGate(deps: { engine: Pick<EnginePort, 'listProcessDefinitions' | 'getProcessDefinitionXml'> }) {
  /** the uses of `fields` in the latest version of every deployed process that shows the form */
  async function fieldUses(formId: string, fields: string[]): Promise<FieldInUse[]> {
    if (!fields.length) return [];
    const latest = new Map<string, { key: string; version: number }>();
    for (const d of await deps.engine.listProcessDefinitions()) {
      const known = latest.get(d.processId);
      if (!known || d.version > known.version) latest.set(d.processId, { key: d.processDefinitionKey, version: d.version });
    }
    // one resource may hold several processes: each XML is read once, for the processes it is latest for
    const byXml = new Map<string, Map<string, number>>();
    for (const [processId, { key, version }] of latest) {
      const xml = await deps.engine.getProcessDefinitionXml(key);
      if (!xml) continue;
      const of = byXml.get(xml) ?? new Map<string, number>();
      of.set(processId, version);
      byXml.set(xml, of);
    }
    const uses: FieldInUse[] = [];
    for (const [xml, versions] of byXml) uses.push(...(await fieldUsesInDiagram(xml, formId, fields, (id) => versions.get(id))));
    return uses.sort((a, b) => a.field.localeCompare(b.field) || a.processId.localeCompare(b.processId) || a.elementId.localeCompare(b.elementId));
  }

  return {
    /** the problems of `schema` as the next version of `formId`, and the warnings against `previous` (the latest version) */
    async check(formId: string, schema: unknown, previous?: unknown): Promise<FormCheck> {
      const problems = checkFormSchema(formId, schema);
      const now = new Set(fieldPathsOf(schema));
      const removed = previous === undefined ? [] : fieldPathsOf(previous).filter((p) => !now.has(p));
      const warnings = typeof formId === 'string' && FORM_ID.test(formId) ? await fieldUses(formId, removed) : [];
      return { problems, warnings, removed };
    },
    fieldUses,
  };
}

export type FormGate = ReturnType<typeof createFormGate>;
