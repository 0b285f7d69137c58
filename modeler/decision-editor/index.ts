/**
 * The decision editor (process admins; issue 16): dmn-js's modeler on the decision table of the
 * page's decision, in Chinese (translate.ts). 检查 runs the deploy gate on the edited table; 部署
 * checks, asks to confirm, and deploys it as the next version; 试算 evaluates the deployed table with
 * the inputs typed into the form (the engine's evaluateDecision); drafts are kept on the server per
 * admin and decision, as the process modeler's are. Problems name their rule: a click shows its row.
 *
 * Page data: `<script type="application/json" id="decision-editor-data">` (server/routes/decisions.ts).
 * No inline script, no eval: it runs under `script-src 'self'`.
 */
import DmnModeler from 'dmn-js/lib/Modeler';
import ChineseModule from './translate.js';
import { createJsonApi, errorText } from '../shared/json-api.js';

interface Column {
  id: string;
  label: string;
}
interface InputColumn extends Column {
  expression: string;
  typeRef: string;
}
interface OutputColumn extends Column {
  name: string;
  typeRef: string;
}

interface PageData {
  decisionId: string;
  resourceName: string;
  /** the deployed version the editor started from */
  version: number;
  latestVersion: number;
  xml: string;
  draft: { xml: string; savedAt: string; baseVersion: number | null } | null;
  inputs: InputColumn[];
  outputs: OutputColumn[];
  csrf: string;
  urls: { draft: string; check: string; deploy: string; evaluate: string; versions: string };
}

interface Problem {
  resourceName?: string;
  decisionId?: string;
  elementId?: string;
  rule: string;
  message: string;
}

interface MatchedRule {
  ruleId: string;
  ruleIndex: number;
  outputs: Record<string, unknown>;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const data: PageData = JSON.parse($('decision-editor-data').textContent ?? '{}');
const api = createJsonApi(data.csrf);
const status = $('editor-status');
const problemList = $('problem-list');
const problemCount = $('problem-count');
const dialog = $('deploy-dialog') as HTMLDialogElement;

// the same Chinese in every view dmn-js may open (the table, the DRD, a literal expression)
const zh = { additionalModules: [ChineseModule] };
const modeler = new DmnModeler({ container: '#dmn-editor', decisionTable: zh, drd: zh, literalExpression: zh, boxedExpression: zh });

let dirty = false;

function say(text: string, kind: 'info' | 'ok' | 'error' = 'info') {
  status.textContent = text;
  status.className = `modeler-status ${kind}`;
}

/** as the server's pages write a moment: `2026-03-02 09:00`, Shanghai time */
const time = (iso: string) => {
  const s = new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

async function currentXml(): Promise<string> {
  const { xml } = await modeler.saveXML({ format: true });
  return xml ?? '';
}

/** the page's decision's table (dmn-js opens the DRD first when the file has one) */
async function showTable() {
  const view = modeler.getViews().find((v) => v.type === 'decisionTable' && v.element.id === data.decisionId) ?? modeler.getViews().find((v) => v.type === 'decisionTable');
  if (view && modeler.getActiveView()?.element !== view.element) await modeler.open(view);
}

// every edit in any view makes the page dirty; what the server said was about the table as it was
modeler.on('views.changed', () => {
  const viewer = modeler.getActiveViewer();
  viewer?.get('eventBus').off('elements.changed', changed);
  viewer?.get('eventBus').on('elements.changed', changed);
});
function changed() {
  dirty = true;
  say('有未保存的修改');
}

window.addEventListener('beforeunload', (e) => {
  if (dirty) e.preventDefault();
});

async function open(xml: string, what: string) {
  try {
    const { warnings } = await modeler.importXML(xml);
    await showTable();
    say(warnings.length ? `${what}(有 ${warnings.length} 处无法识别的内容)` : what);
  } catch (err) {
    say(`无法打开该决策表:${String((err as Error).message ?? err).split('\n')[0]}`, 'error');
  }
}

/** the rule's row in the table: scrolled to and marked for a moment */
function showRow(ruleId?: string) {
  if (!ruleId) return;
  const cells = document.querySelectorAll<HTMLElement>(`[data-row-id="${CSS.escape(ruleId)}"]`);
  if (!cells.length) return;
  cells[0].scrollIntoView({ block: 'center', inline: 'nearest' });
  for (const c of cells) c.classList.add('wz-row-flash');
  setTimeout(() => cells.forEach((c) => c.classList.remove('wz-row-flash')), 2500);
}

function renderProblems(problems: Problem[] | undefined) {
  if (!problems) {
    problemCount.textContent = '未检查';
    problemCount.className = 'badge';
    problemList.replaceChildren();
    return;
  }
  problemCount.textContent = problems.length ? `${problems.length} 个问题` : '没有问题';
  problemCount.className = problems.length ? 'badge badge-red' : 'badge badge-ok';
  problemList.replaceChildren(
    ...problems.map((p) => {
      const li = el('li', undefined, 'error');
      li.dataset.elementId = p.elementId ?? '';
      li.dataset.rule = p.rule;
      const where = el('button', p.elementId ?? p.decisionId ?? '整个文件', 'link');
      where.type = 'button';
      where.addEventListener('click', () => showRow(p.elementId));
      li.append(where, el('span', ` ${p.message}`), el('small', ` ${p.rule}`, 'muted'));
      return li;
    }),
  );
}

$('btn-save-draft').addEventListener('click', async () => {
  const r = await api('PUT', data.urls.draft, { xml: await currentXml(), baseVersion: data.version });
  if (r.status !== 200) return say(errorText(r), 'error');
  dirty = false;
  $('btn-discard-draft').hidden = false;
  say(`草稿已保存(${time(r.body.savedAt)})`, 'ok');
});

$('btn-discard-draft').addEventListener('click', async () => {
  if (!window.confirm('放弃草稿并恢复为已部署的版本?')) return;
  const r = await api('DELETE', data.urls.draft);
  if (r.status !== 204) return say(errorText(r), 'error');
  $('btn-discard-draft').hidden = true;
  await open(data.xml, `已放弃草稿,恢复为第 ${data.version} 版`);
  dirty = false;
});

$('btn-download').addEventListener('click', async () => {
  const url = URL.createObjectURL(new Blob([await currentXml()], { type: 'application/xml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = data.resourceName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

$<HTMLInputElement>('file-open').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  if (file.size > 2 * 1024 * 1024) return say('文件超过 2 MB', 'error');
  await open(await file.text(), `已打开 ${file.name},尚未部署`);
  dirty = true;
});

/** 检查: the deploy gate on the edited table; the problems listed, or the version it would become */
async function check(): Promise<{ ok: boolean; xml: string; fromVersion: number | null }> {
  const xml = await currentXml();
  say('正在检查…');
  const r = await api('POST', data.urls.check, { xml });
  if (r.status !== 200) {
    say(errorText(r), 'error');
    return { ok: false, xml, fromVersion: null };
  }
  const problems: Problem[] = r.body.problems ?? [];
  renderProblems(problems);
  if (problems.length) {
    say(`检查未通过:${problems.length} 个问题,不能部署`, 'error');
    return { ok: false, xml, fromVersion: null };
  }
  const mine = (r.body.decisions ?? []).find((d: { decisionId: string }) => d.decisionId === data.decisionId);
  return { ok: true, xml, fromVersion: mine?.fromVersion ?? null };
}

$('btn-check').addEventListener('click', async () => {
  const c = await check();
  if (c.ok) say('检查通过,可以部署', 'ok');
});

let pending: string | undefined;

$('btn-deploy').addEventListener('click', async () => {
  const c = await check();
  if (!c.ok) return;
  pending = c.xml;
  const summary = el('p', c.fromVersion ? `当前最新为第 ${c.fromVersion} 版;内容有改动时部署为第 ${c.fromVersion + 1} 版,此后的考核和业务规则任务使用新版本。` : '部署为新的决策表。');
  $('deploy-summary').replaceChildren(summary);
  say('检查通过,请确认部署');
  dialog.showModal();
});

$('deploy-cancel').addEventListener('click', () => {
  dialog.close();
  pending = undefined;
  say('已取消部署');
});

$('deploy-confirm').addEventListener('click', async () => {
  if (pending === undefined) return;
  const xml = pending;
  pending = undefined;
  dialog.close();
  say('正在部署…');
  const r = await api('POST', data.urls.deploy, { xml });
  if (r.status === 400 && Array.isArray(r.body?.error?.details)) {
    renderProblems(r.body.error.details);
    return say(errorText(r), 'error');
  }
  if (r.status !== 201) return say(errorText(r), 'error');
  dirty = false;
  $('btn-discard-draft').hidden = true;
  data.xml = xml;
  if (r.body.duplicate) return say(`与第 ${r.body.version} 版相同,未产生新版本`, 'ok');
  data.version = r.body.version;
  data.latestVersion = r.body.version;
  $('editor-version').textContent = `第 ${data.version} 版`;
  $('try-version').textContent = String(data.version);
  await refreshInputs();
  say(`已部署为第 ${r.body.version} 版`, 'ok');
});

// ---- 试算
/** an input the form can ask for: one whose expression is a variable name */
const asked = () => data.inputs.filter((i) => /^[A-Za-z_$\u4e00-\u9fa5][\w$.\u4e00-\u9fa5]*$/.test(i.expression));

function renderTryForm() {
  const box = $('try-inputs');
  box.replaceChildren(
    ...asked().map((input) => {
      const label = el('label');
      label.append(el('span', input.label || input.expression), el('small', ` ${input.expression}`, 'muted code'));
      let field: HTMLInputElement | HTMLSelectElement;
      if (input.typeRef === 'boolean') {
        field = el('select');
        for (const [value, text] of [['', '(空)'], ['true', '是'], ['false', '否']]) {
          const o = el('option', text);
          o.value = value;
          field.append(o);
        }
      } else {
        field = el('input');
        field.type = input.typeRef === 'number' ? 'number' : 'text';
        if (input.typeRef === 'number') {
          field.step = 'any';
          field.inputMode = 'decimal';
        }
      }
      field.name = input.expression;
      field.dataset.typeRef = input.typeRef;
      label.append(field);
      return label;
    }),
  );
}

interface VersionRow {
  version: number;
  deployedAt: string;
  deployedBy: string | null;
}

/** the 版本历史 table again, from the versions the server has now */
function renderHistory(versions: VersionRow[]) {
  const body = document.querySelector('#history tbody');
  if (!body) return;
  const enc = encodeURIComponent(data.decisionId);
  body.replaceChildren(
    ...versions.map((v, i) => {
      const tr = el('tr');
      tr.dataset.version = String(v.version);
      const cell = (label: string, ...children: (Node | string)[]) => {
        const td = el('td');
        td.dataset.label = label;
        td.append(...children);
        return td;
      };
      const name = el('span', `第 ${v.version} 版`);
      if (i === 0) name.append(' ', el('span', '最新', 'badge badge-ok'));
      if (v.version === data.version) name.append(' ', el('span', '正在编辑', 'badge'));
      const download = el('a', '下载');
      download.href = `/decisions/${enc}/versions/${v.version}/download`;
      tr.append(cell('版本', name), cell('部署时间', time(v.deployedAt)), cell('部署人', v.deployedBy ?? '—'), cell('操作', download));
      return tr;
    }),
  );
}

/** after a deployment: the 试算 form's columns and the history as the new version has them */
async function refreshInputs() {
  const r = await api('GET', `/api/decisions/${encodeURIComponent(data.decisionId)}`);
  if (r.status === 200) {
    data.inputs = r.body.inputs;
    data.outputs = r.body.outputs;
    renderTryForm();
    renderHistory(r.body.versions);
  }
}

/** a rule's annotation in the table as it is now (the deployed one has the same ids unless changed) */
function annotationOf(ruleId: string): string {
  const viewer = modeler.getActiveViewer();
  try {
    const rows = viewer?.get('sheet').getRoot().rows ?? [];
    const row = rows.find((x: { id: string }) => x.id === ruleId);
    return row?.businessObject?.description ?? '';
  } catch {
    return '';
  }
}

const show = (v: unknown) => (v === null || v === undefined ? '(空)' : typeof v === 'object' ? JSON.stringify(v) : String(v));

$('try-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const variables: Record<string, unknown> = {};
  for (const f of $('try-inputs').querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
    const raw = f.value.trim();
    const type = f.dataset.typeRef;
    if (raw === '') variables[f.name] = null;
    else if (type === 'number') variables[f.name] = Number(raw);
    else if (type === 'boolean') variables[f.name] = raw === 'true';
    else variables[f.name] = raw;
  }
  const out = $('try-result');
  out.replaceChildren(el('p', '正在计算…'));
  const r = await api('POST', data.urls.evaluate, { variables });
  if (r.status !== 200) {
    out.replaceChildren(el('p', errorText(r), 'error'));
    return;
  }
  const single = data.outputs.length === 1 ? data.outputs[0] : undefined;
  const result = el('p', undefined, 'try-score');
  result.append(el('span', `${single?.label || single?.name || '结果'}:`), el('strong', show(r.body.result)));
  result.append(el('small', `(第 ${r.body.version} 版)`, 'muted'));
  const matched: MatchedRule[] = r.body.matchedRules ?? [];
  const list = el('ol', undefined, 'try-rules');
  for (const m of matched) {
    const li = el('li');
    const link = el('button', `第 ${m.ruleIndex} 条`, 'link');
    link.type = 'button';
    link.addEventListener('click', () => showRow(m.ruleId));
    li.append(link, el('span', ` ${Object.values(m.outputs).map(show).join('、')}`, 'code'));
    const note = annotationOf(m.ruleId);
    if (note) li.append(el('small', ` ${note}`, 'muted'));
    list.append(li);
  }
  out.replaceChildren(result, el('p', matched.length ? `命中 ${matched.length} 条规则:` : '没有命中任何规则'), list);
  out.dataset.result = show(r.body.result);
});

void (async () => {
  renderTryForm();
  const draft = data.draft;
  await open(draft?.xml ?? data.xml, draft ? `正在编辑草稿(保存于 ${time(draft.savedAt)},基于第 ${draft.baseVersion ?? '—'} 版)` : `第 ${data.version} 版`);
  $('btn-discard-draft').hidden = !draft;
  dirty = false;
  document.body.dataset.editorReady = 'true';
})();
