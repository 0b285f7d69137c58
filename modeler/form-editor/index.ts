/**
 * The form editor page (`form-editor.js`, an ES module under a hashed name, see
 * modeler/dist/manifest.json). The server renders:
 *
 *   <section id="form-editor" data-form-id="ID" data-mode="edit|view" data-version="N"
 *            data-check-url="/api/forms/ID/check" data-save-url="/api/forms/ID/versions"
 *            data-page-url="/admin/forms/ID" data-csrf="TOKEN"></section>
 *   <script type="application/json" id="form-editor-schema">{ …the version's schema… }</script>
 *   <script type="application/json" id="form-editor-use-labels">{ "condition": "顺序流条件", … }</script>
 *
 * Edit mode: the form-js editor (palette, canvas, properties panel) and a 预览 tab that renders the
 * edited schema with the form-js viewer, as a task shows it. 保存为新版本 asks the server to check
 * first: problems are listed (nothing saved); fields that a deployed diagram still uses are listed in
 * a dialog to confirm; then the save, and the page comes back with the new version in its list.
 * View mode: an older version in the viewer, read-only.
 *
 * No inline script, no eval: it runs under `script-src 'self'`.
 */
import { FormEditor } from '@bpmn-io/form-js-editor';
import { Form } from '@bpmn-io/form-js-viewer';
import { readError, type ApiError } from '../task-form/http.js';
import { setUpDatePicker } from '../task-form/locale.js';
import { translateDom as translateViewerDom, translateValidator } from '../task-form/messages.js';
import { translateEditor } from './translate.js';

type Schema = Record<string, unknown>;

interface Problem {
  field?: string;
  componentId?: string;
  message: string;
}

interface Warning {
  field: string;
  processId: string;
  version: number;
  elementId: string;
  where: string;
  expression: string;
}

interface CheckAnswer {
  problems: Problem[];
  warnings: Warning[];
  unchanged: boolean;
}

function readJson(id: string): unknown {
  const text = document.getElementById(id)?.textContent ?? '';
  return text.trim() ? JSON.parse(text) : undefined;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** JSON with sorted keys: two exports of the same form compare equal */
function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value));
}

function createStatus(el: HTMLElement) {
  return {
    show(kind: 'info' | 'error' | 'success', message: string, list: string[] = []) {
      el.replaceChildren(element('p', 'wz-status-message', message));
      el.dataset.kind = kind;
      if (list.length) {
        const ul = element('ul', 'wz-status-list');
        for (const item of list) ul.append(element('li', '', item));
        el.append(ul);
      }
      el.hidden = false;
    },
    clear() {
      el.replaceChildren();
      delete el.dataset.kind;
      el.hidden = true;
    },
  };
}

async function post(url: string, csrf: string, body: unknown): Promise<{ ok: true; status: number; body: any } | { ok: false; error: ApiError }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, error: { status: 0, code: 'NETWORK', message: '网络连接失败,请检查网络后重试(编辑的内容仍在页面上)' } };
  }
  if (res.ok) return { ok: true, status: res.status, body: await res.json() };
  return { ok: false, error: await readError(res) };
}

/** a warning in Chinese: which field, which process and element, where */
function describeWarning(w: Warning, labels: Record<string, string>): string {
  return `字段「${w.field}」:流程 ${w.processId}(第 ${w.version} 版)的元素 ${w.elementId},${labels[w.where] ?? w.where}:${w.expression}`;
}

/** the warnings dialog: resolves true when the admin confirms */
function confirmWarnings(warnings: Warning[], labels: Record<string, string>): Promise<boolean> {
  const dialog = element('dialog', 'wz-dialog');
  dialog.setAttribute('aria-labelledby', 'wz-dialog-title');
  const title = element('h2', '', '新版本删除了流程正在使用的字段');
  title.id = 'wz-dialog-title';
  const ul = element('ul', 'wz-dialog-list');
  for (const w of warnings) ul.append(element('li', '', describeWarning(w, labels)));
  const note = element('p', 'muted', '保存后,已部署的流程在这些位置读到的值将为空,可能走错分支或出错。请确认流程已相应修改,或仍要保存。');
  const actions = element('div', 'wz-dialog-actions');
  const cancel = element('button', 'secondary', '取消');
  const ok = element('button', 'danger', '仍然保存');
  cancel.type = 'button';
  ok.type = 'button';
  actions.append(cancel, ok);
  dialog.append(title, ul, note, actions);
  document.body.append(dialog);
  return new Promise((resolve) => {
    const done = (answer: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    cancel.addEventListener('click', () => done(false));
    ok.addEventListener('click', () => done(true));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      done(false);
    });
    dialog.showModal();
    cancel.focus();
  });
}

async function renderViewer(host: HTMLElement, schema: Schema, readOnly: boolean): Promise<Form> {
  host.replaceChildren();
  const form = new Form({ container: host, additionalModules: [translateValidator], properties: { readOnly } });
  await form.importSchema(schema, {});
  return form;
}

async function startView(section: HTMLElement, schema: Schema): Promise<void> {
  const host = element('div', 'wz-preview wz-preview-readonly');
  section.replaceChildren(host);
  translateViewerDom(host);
  await renderViewer(host, schema, true);
}

async function startEdit(section: HTMLElement, schema: Schema): Promise<void> {
  const d = section.dataset;
  const labels = (readJson('form-editor-use-labels') ?? {}) as Record<string, string>;

  const toolbar = element('div', 'wz-editor-toolbar');
  const tabs = element('div', 'wz-editor-tabs');
  tabs.setAttribute('role', 'tablist');
  const editTab = element('button', 'wz-tab', '编辑');
  const previewTab = element('button', 'wz-tab', '预览');
  for (const [tab, selected] of [[editTab, true], [previewTab, false]] as const) {
    tab.type = 'button';
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-selected', String(selected));
  }
  tabs.append(editTab, previewTab);
  const save = element('button', 'primary wz-save', '保存为新版本');
  save.type = 'button';
  toolbar.append(tabs, save);
  const statusEl = element('div', 'wz-status');
  statusEl.setAttribute('role', 'status');
  statusEl.setAttribute('aria-live', 'polite');
  statusEl.hidden = true;
  const editorHost = element('div', 'wz-editor-host');
  editorHost.setAttribute('role', 'tabpanel');
  const previewHost = element('div', 'wz-preview');
  previewHost.setAttribute('role', 'tabpanel');
  previewHost.hidden = true;
  section.replaceChildren(toolbar, statusEl, editorHost, previewHost);
  const status = createStatus(statusEl);

  translateEditor(editorHost);
  translateViewerDom(previewHost);
  const editor = new FormEditor({ container: editorHost });
  await editor.importSchema(schema);
  // what the editor makes of the stored schema (ids, layout rows): saving that is no change
  const baseline = canonical(editor.saveSchema());

  const show = (preview: boolean) => {
    editTab.setAttribute('aria-selected', String(!preview));
    previewTab.setAttribute('aria-selected', String(preview));
    editorHost.hidden = preview;
    previewHost.hidden = !preview;
  };
  editTab.addEventListener('click', () => show(false));
  previewTab.addEventListener('click', async () => {
    show(true);
    try {
      await renderViewer(previewHost, editor.saveSchema(), false);
    } catch (err) {
      previewHost.replaceChildren(element('p', 'errors', `预览失败:${err instanceof Error ? err.message : String(err)}`));
    }
  });

  let busy = false;
  const setBusy = (on: boolean) => {
    busy = on;
    save.disabled = on;
    save.textContent = on ? '正在保存…' : '保存为新版本';
  };
  const problemsOf = (list: Problem[]) => list.map((p) => p.message);

  save.addEventListener('click', async () => {
    if (busy) return;
    // the properties panel writes a typed value on input, late by a debounce: leave the field first
    const active = document.activeElement;
    if (active instanceof HTMLElement && section.contains(active)) active.blur();
    await new Promise((resolve) => setTimeout(resolve, 350));
    const edited = editor.saveSchema() as Schema;
    if (canonical(edited) === baseline) {
      status.show('info', '表单没有修改,无需保存。');
      return;
    }
    setBusy(true);
    status.show('info', '正在检查…');
    try {
      const checked = await post(d.checkUrl ?? '', d.csrf ?? '', { schema: edited });
      if (!checked.ok) return status.show('error', checked.error.message, problemsOf((checked.error.details as Problem[] | undefined) ?? []));
      const answer = checked.body as CheckAnswer;
      if (answer.problems.length) return status.show('error', `表单未通过检查,共 ${answer.problems.length} 个问题,未保存:`, problemsOf(answer.problems));
      if (answer.unchanged) return status.show('info', '与最新版本相同,无需保存。');
      let confirmed = false;
      if (answer.warnings.length) {
        status.clear();
        confirmed = await confirmWarnings(answer.warnings, labels);
        if (!confirmed) return status.show('info', '未保存。');
      }
      status.show('info', '正在保存…');
      const saved = await post(d.saveUrl ?? '', d.csrf ?? '', { schema: edited, ...(confirmed && { confirmWarnings: true }) });
      if (!saved.ok) {
        const details = (saved.error.details as (Problem | Warning)[] | undefined) ?? [];
        const list = saved.error.code === 'FIELD_IN_USE' ? (details as Warning[]).map((w) => describeWarning(w, labels)) : problemsOf(details as Problem[]);
        return status.show('error', saved.error.message, list);
      }
      status.show('success', `已保存为第 ${saved.body.version} 版,正在刷新…`);
      location.assign(`${d.pageUrl}?saved=${encodeURIComponent(String(saved.body.version))}`);
    } finally {
      setBusy(false);
    }
  });
}

async function start(section: HTMLElement): Promise<void> {
  setUpDatePicker();
  try {
    const schema = readJson('form-editor-schema');
    if (!schema || typeof schema !== 'object') throw new Error('缺少表单定义');
    if (section.dataset.mode === 'view') await startView(section, schema as Schema);
    else await startEdit(section, schema as Schema);
  } catch (err) {
    section.replaceChildren(element('p', 'errors', `表单编辑器加载失败:${err instanceof Error ? err.message : String(err)}。请刷新页面重试。`));
  }
}

function boot(): void {
  const section = document.getElementById('form-editor');
  if (section) void start(section);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
