/**
 * The draft-reply task's side panel (issue 17; server/views/partials/reply-helper.hbs), wired to the
 * form: 「插入」 puts a reply template, its placeholders filled from the case and the reply's
 * 办理时间, at the cursor of the text field last used (else into 答复正文); the 第十五条 checklist
 * ticks as the form's data changes; 知识库 search (`GET /api/knowledge/search?q=`) lists answers,
 * and 「插入答复」 puts the answer into 答复正文 and the basis into 法律法规政策依据.
 * Text goes in through form-js's own update, so the form validates and keeps it as typed text.
 */
import type { Form } from '@bpmn-io/form-js-viewer';
import { checkReply } from '../../regulation/reply-checklist.js';
import { chineseDate, fillPlaceholders, type ReplyPlaceholder } from '../../regulation/reply-templates.js';
import { readError } from './http.js';

interface PanelData {
  category: string;
  values: Partial<Record<ReplyPlaceholder, string>>;
  templates: { id: string; title: string; body: string }[];
}

interface KnowledgeItem {
  id: string;
  question: string;
  answer: string;
  basis?: string | null;
  ownerUnitName?: string | null;
}

type TextField = HTMLTextAreaElement | HTMLInputElement;

const isTextField = (el: EventTarget | null): el is TextField =>
  el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && el.type === 'text' && !el.closest('.fjs-form-field-datetime'));

/** the form's text field of a reply key (form-js ids end in `-<field id>`; ours are `Field_<key>`) */
const fieldOf = (host: HTMLElement, key: string) => host.querySelector<TextField>(`[id$="-Field_${key}"]`);

interface FieldInstance {
  id: string;
  valuePath: (string | number)[];
  indexes?: Record<string, number>;
}

/**
 * Puts text where the field's cursor is (replacing a selection), or at the end on a line of its own.
 * Through form-js's own update (as its fields do): the form's data, validation and re-render follow
 * at once — a value set only in the page would be put back by the next re-render.
 */
function insertAt(form: Form, field: TextField, text: string, atEnd = false): void {
  const value = field.value;
  const start = atEnd ? value.length : (field.selectionStart ?? value.length);
  const end = atEnd ? value.length : (field.selectionEnd ?? start);
  const before = value.slice(0, start);
  const joiner = atEnd && before.trim() !== '' ? '\n' : '';
  const next = before + joiner + text + value.slice(end);
  const caret = before.length + joiner.length + text.length;
  const instance = form.get<{ getAllKeyed(): FieldInstance[] }>('formFieldInstanceRegistry').getAllKeyed().find((i) => field.id.endsWith(`-${i.id}`));
  if (instance) (form as unknown as { _update(u: { fieldInstance: FieldInstance; value: string }): void })._update({ fieldInstance: instance, value: next });
  else {
    field.value = next;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }
  field.focus();
  // after the re-render has written the value
  requestAnimationFrame(() => field.setSelectionRange(caret, caret));
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) => {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
};

export function attachReplyHelper(form: Form, host: HTMLElement): void {
  const panel = document.getElementById('reply-helper');
  const raw = document.getElementById('reply-helper-data')?.textContent;
  if (!panel || !raw) return;
  const data = JSON.parse(raw) as PanelData;
  const reply = () => ((form._getState().data as Record<string, unknown>)?.reply ?? {}) as Record<string, unknown>;

  // the text field last used: a template goes where the handler was writing
  let last: TextField | null = null;
  host.addEventListener('focusin', (event) => {
    if (isTextField(event.target)) last = event.target;
  });
  const target = () => (last && host.contains(last) ? last : fieldOf(host, 'replyText'));

  // ---- templates
  for (const button of panel.querySelectorAll<HTMLButtonElement>('.rh-insert')) {
    const template = data.templates.find((t) => t.id === button.dataset.templateId);
    if (!template) continue;
    button.hidden = false;
    button.addEventListener('click', () => {
      const field = target();
      if (!field) return;
      const handledAt = reply().handledAt;
      const values = { ...data.values, ...(typeof handledAt === 'string' && chineseDate(handledAt) && { 办理时间: chineseDate(handledAt) }) };
      insertAt(form, field, fillPlaceholders(template.body, values));
    });
  }

  // ---- the checklist, as the form's data changes
  const count = panel.querySelector('#rh-count');
  const tick = () => {
    const result = checkReply(reply(), { category: data.category });
    for (const item of result.items) {
      const li = panel.querySelector<HTMLElement>(`#rh-checklist [data-item="${item.key}"]`);
      if (!li) continue;
      li.className = item.present ? 'ok' : 'todo';
      li.querySelector('.rh-mark')!.textContent = item.present ? '✓' : '○';
      li.querySelector('.rh-note')!.textContent = item.note ? `(${item.note})` : '';
      li.querySelector('.rh-state')!.textContent = item.present ? '已填写' : '未填写';
    }
    if (count) count.textContent = `${result.items.length - result.missing.length}/${result.items.length}`;
  };
  form.on('changed', tick);
  tick();

  // ---- 知识库
  const search = panel.querySelector<HTMLFormElement>('#rh-search');
  const status = panel.querySelector<HTMLElement>('#rh-kb-status');
  const results = panel.querySelector<HTMLOListElement>('#rh-results');
  const url = panel.dataset.knowledgeUrl;
  if (!search || !status || !results || !url) return;
  search.hidden = false;
  const insertAnswer = (item: KnowledgeItem) => {
    const text = fieldOf(host, 'replyText');
    if (text) insertAt(form, text, item.answer, last !== text);
    const basis = fieldOf(host, 'legalBasis');
    if (basis && item.basis && !basis.value.includes(item.basis)) insertAt(form, basis, item.basis, true);
    status.textContent = '已插入答复内容和依据,请按本件情况修改。';
  };
  const show = (items: KnowledgeItem[], found: string, none: string) => {
    results.replaceChildren();
    status.textContent = items.length ? found.replace('N', String(items.length)) : none;
    for (const item of items) {
      const li = el('li', 'rh-result');
      li.append(el('strong', 'rh-q', item.question), el('p', 'rh-a', item.answer));
      if (item.basis) li.append(el('p', 'rh-basis muted', `依据:${item.basis}`));
      if (item.ownerUnitName) li.append(el('p', 'rh-owner muted', item.ownerUnitName));
      const button = el('button', 'rh-use', '插入答复');
      button.type = 'button';
      button.addEventListener('click', () => insertAnswer(item));
      li.append(button);
      results.append(li);
    }
  };
  const ask = async (href: string): Promise<KnowledgeItem[] | undefined> => {
    const res = await fetch(href, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!res.ok) {
      status.textContent = res.status === 404 ? '知识库暂不可用' : (await readError(res)).message;
      return undefined;
    }
    return ((await res.json()) as { items?: KnowledgeItem[] }).items ?? [];
  };
  // before anything is typed: the entries the case's own text suggests
  const suggestions = panel.dataset.suggestionsUrl;
  if (suggestions) {
    void ask(suggestions)
      .then((items) => {
        if (items && !results.childElementCount) show(items, '本件可能适用的 N 条', '');
      })
      .catch(() => undefined);
  }
  search.addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = (new FormData(search).get('q') ?? '').toString().trim();
    results.replaceChildren();
    if (!q) {
      status.textContent = '请输入要搜索的问题或关键词';
      return;
    }
    status.textContent = '搜索中…';
    try {
      const items = await ask(`${url}?${new URLSearchParams({ q, limit: '5' })}`);
      if (items) show(items, '找到 N 条', '知识库中没有相关条目');
    } catch {
      status.textContent = '网络连接失败,请稍后重试';
    }
  });
}
