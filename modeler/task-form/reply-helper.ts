/**
 * The draft-reply task's side panel (issue 17; server/views/partials/reply-helper.hbs), wired to the
 * form: 「插入」 puts a reply template, its placeholders filled from the case and the reply's
 * 办理时间, at the cursor of the text field last used (else into 答复正文); the 第十五条 checklist
 * ticks as the form's data changes; 知识库 search (`GET /api/knowledge/search?q=`) lists answers,
 * and 「插入答复」 puts the answer into 答复正文 and the basis into 法律法规政策依据.
 * Text is put in as typed text is (an `input` event), so form-js validates and keeps it as its own.
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

/** puts text where the field's cursor is (replacing a selection) and tells form-js as typing would */
function insertAt(field: TextField, text: string, atEnd = false): void {
  const value = field.value;
  const start = atEnd ? value.length : (field.selectionStart ?? value.length);
  const end = atEnd ? value.length : (field.selectionEnd ?? start);
  const before = value.slice(0, start);
  const joiner = atEnd && before.trim() !== '' ? '\n' : '';
  field.value = before + joiner + text + value.slice(end);
  const caret = before.length + joiner.length + text.length;
  field.focus();
  field.setSelectionRange(caret, caret);
  field.dispatchEvent(new Event('input', { bubbles: true }));
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
      insertAt(field, fillPlaceholders(template.body, values));
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
    if (text) insertAt(text, item.answer, last !== text);
    const basis = fieldOf(host, 'legalBasis');
    if (basis && item.basis && !basis.value.includes(item.basis)) insertAt(basis, item.basis, true);
    status.textContent = '已插入答复内容和依据,请按本件情况修改。';
  };
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
      const res = await fetch(`${url}?${new URLSearchParams({ q, limit: '5' })}`, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (!res.ok) {
        status.textContent = res.status === 404 ? '知识库暂不可用' : (await readError(res)).message;
        return;
      }
      const items = ((await res.json()) as { items?: KnowledgeItem[] }).items ?? [];
      status.textContent = items.length ? `找到 ${items.length} 条` : '知识库中没有相关条目';
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
    } catch {
      status.textContent = '网络连接失败,请稍后重试';
    }
  });
}
