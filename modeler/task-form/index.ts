/**
 * The task-form page (`task-form.js`, an ES module: its hashed name and chunks are in
 * modeler/dist/manifest.json). The server renders:
 *
 *   <div id="task-form" data-complete-url="/api/tasks/KEY/complete" data-upload-url="/api/attachments"
 *        data-csrf="TOKEN" data-petition-id="PID" data-done-url="/staff/tasks"></div>
 *   <script type="application/json" id="task-form-schema">{ …form schema… }</script>
 *   <script type="application/json" id="task-form-data">{ …the task's variables… }</script>
 *   <script type="module" src="/assets/task-form-HASH.js"></script>
 *   <link rel="stylesheet" href="/assets/task-form-HASH.css">
 *
 * This script renders the schema with form-js into #task-form, adds a status area and a 提交
 * button, and on submit: validates (form-js), uploads the filepickers' files to the upload url,
 * puts `attachment:<id>` where each `files::…` key was, and posts `{ variables }` to the complete
 * url. 2xx → the done url once the answer is read; 409 → the task is already done; other errors → the message in the
 * status area and each `details[]` entry under its field, the form left as it was.
 *
 * No inline script, no eval: it runs under `script-src 'self'`.
 */
import { Form } from '@bpmn-io/form-js-viewer';
import { focusFirstError, showFieldErrors } from './fields.js';
import { displayData } from './display-data.js';
import { uploadFiles, UploadError, type UploadTarget } from './files.js';
import { readError, type ApiError } from './http.js';
import { setUpDatePicker } from './locale.js';
import { translateDom, translateValidator } from './messages.js';
import { attachReplyHelper } from './reply-helper.js';

interface PageConfig extends UploadTarget {
  completeUrl: string;
  doneUrl: string;
}

type StatusKind = 'info' | 'error' | 'success';

interface StatusExtra {
  list?: string[];
  link?: { href: string; text: string };
}

function readJson(id: string): unknown {
  const text = document.getElementById(id)?.textContent ?? '';
  return text.trim() ? JSON.parse(text) : undefined;
}

function readConfig(section: HTMLElement): PageConfig {
  const d = section.dataset;
  return {
    completeUrl: d.completeUrl ?? '',
    uploadUrl: d.uploadUrl ?? '',
    csrf: d.csrf ?? '',
    petitionId: d.petitionId ?? '',
    doneUrl: d.doneUrl || '/',
  };
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function createStatus(el: HTMLElement) {
  return {
    show(kind: StatusKind, message: string, extra: StatusExtra = {}) {
      el.replaceChildren();
      el.dataset.kind = kind;
      el.append(element('p', 'wz-status-message', message));
      if (extra.list?.length) {
        const ul = element('ul', 'wz-status-list');
        for (const item of extra.list) ul.append(element('li', '', item));
        el.append(ul);
      }
      if (extra.link) {
        const a = element('a', 'wz-status-link', extra.link.text);
        a.href = extra.link.href;
        el.append(a);
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

async function start(section: HTMLElement): Promise<void> {
  const config = readConfig(section);
  section.classList.add('wz-task-form');
  const host = element('div', 'wz-form-host');
  const statusEl = element('div', 'wz-status');
  statusEl.setAttribute('role', 'status');
  statusEl.setAttribute('aria-live', 'polite');
  statusEl.hidden = true;
  const actions = element('div', 'wz-actions');
  const button = element('button', 'wz-submit', '提交');
  button.type = 'button';
  actions.append(button);
  section.replaceChildren(host, statusEl, actions);
  const status = createStatus(statusEl);

  setUpDatePicker();
  translateDom(host);
  const form = new Form({ container: host, additionalModules: [translateValidator] });

  let busy = false;
  let finished = false;
  const setBusy = (on: boolean) => {
    busy = on;
    button.disabled = on || finished;
    button.textContent = on ? '提交中…' : '提交';
    host.setAttribute('aria-busy', String(on));
  };

  try {
    const schema = readJson('task-form-schema');
    const data = readJson('task-form-data') ?? {};
    if (!schema || typeof schema !== 'object') throw new Error('缺少表单定义');
    await form.importSchema(schema, displayData(schema, data as Record<string, unknown>));
    if (!config.completeUrl) throw new Error('页面缺少提交地址');
  } catch (err) {
    finished = true;
    setBusy(false);
    status.show('error', `表单加载失败:${err instanceof Error ? err.message : String(err)}。请刷新页面重试。`);
    return;
  }

  // the draft-reply task's side panel (templates, 第十五条 checklist, 知识库), when the page has one
  attachReplyHelper(form, host);

  const showApiError = (error: ApiError) => {
    if (error.status === 409) {
      // the task is gone (completed here in another tab, or by a colleague): nothing to retry
      finished = true;
      status.show('error', '该任务已经办理完毕(可能已在其他页面或由他人提交),本次填写的内容没有保存。', {
        link: { href: config.doneUrl, text: '返回任务列表' },
      });
      return;
    }
    const unplaced = error.details ? showFieldErrors(form, error.details) : [];
    status.show('error', error.message, { list: unplaced.map((d) => d.message) });
    if (error.details && unplaced.length < error.details.length) focusFirstError(host);
  };

  // 「请检查标红的字段」 goes once no field is red any more
  let invalidShown = false;
  form.on('changed', (state: { errors?: Record<string, unknown> }) => {
    if (invalidShown && Object.keys(state.errors ?? {}).length === 0) {
      invalidShown = false;
      status.clear();
    }
  });

  const send = async () => {
    if (busy || finished) return;
    // form-js writes typed text into its data 300 ms late, or on blur: leave the field first
    const active = document.activeElement;
    if (active instanceof HTMLElement && host.contains(active)) active.blur();
    status.clear();
    invalidShown = false;
    const { data, errors, files } = form.submit();
    if (Object.keys(errors).length > 0) {
      status.show('error', '请检查标红的字段');
      invalidShown = true;
      focusFirstError(host);
      return;
    }
    setBusy(true);
    try {
      await uploadFiles(data, files, config, (file, i, n) => status.show('info', `正在上传附件(${i}/${n}):${file.name}`));
      status.show('info', '正在提交…');
      let res: Response;
      try {
        res = await fetch(config.completeUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': config.csrf },
          credentials: 'same-origin',
          body: JSON.stringify({ variables: data }),
        });
      } catch {
        status.show('error', '网络连接失败,请检查网络后重新提交(已填写的内容仍在页面上)。');
        return;
      }
      if (res.ok) {
        // the answer is read before leaving: navigating while it still streams aborts the request
        // (a failed request in every submit's log), and a cut answer would pass for a success
        try {
          await res.json();
        } catch {
          finished = true;
          status.show('error', '提交的结果没有完整收到,任务可能已经办理。请回到任务列表查看,如仍在列表中请重新办理。', {
            link: { href: config.doneUrl, text: '返回任务列表' },
          });
          return;
        }
        finished = true;
        status.show('success', '已提交,正在返回任务列表…');
        location.assign(config.doneUrl);
        return;
      }
      showApiError(await readError(res));
    } catch (err) {
      status.show('error', err instanceof UploadError ? err.message : `提交失败:${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  // no focus move on mousedown: the blur would let form-js drop a field's message and move the
  // button before mouseup, and the click would be lost; send() leaves the field itself
  button.addEventListener('mousedown', (event) => event.preventDefault());
  button.addEventListener('click', () => void send());
  // form-js's own <form> (Enter in a lone text field, a schema's own submit button): the same path
  host.addEventListener(
    'submit',
    (event) => {
      event.preventDefault();
      event.stopPropagation();
      void send();
    },
    true,
  );
}

function boot(): void {
  const section = document.getElementById('task-form');
  if (section) void start(section);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
