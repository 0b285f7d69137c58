/**
 * 「可能已有答案」 on the portal's submission page (知识库, issue 17): as the citizen types the title
 * and content, up to three published entries that may answer them, from the public search
 * (`/api/public/knowledge/search`), each linking to its page in a new tab — and a note that they may
 * still submit. Asks after a pause in typing and only from a few characters on; an answer that
 * arrives after a newer question is dropped. Without JavaScript the box stays hidden; the page works.
 */
const MIN_CHARS = 4;
const PAUSE_MS = 400;
const MAX_QUERY = 200;

const box = document.querySelector<HTMLElement>('[data-kb-suggest]');
const form = box?.closest('form');
const title = form?.querySelector<HTMLInputElement>('input[name="title"]');
const content = form?.querySelector<HTMLTextAreaElement>('textarea[name="content"]');

interface Item {
  question: string;
  answer: string;
  ownerUnitName: string;
  url: string;
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string>, ...children: (Node | string)[]) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
};

/** the first lines of an answer */
function firstLines(text: string): string {
  const lines = [...text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ')];
  return lines.length > 80 ? `${lines.slice(0, 80).join('')}…` : lines.join('');
}

function show(items: Item[]) {
  if (!box) return;
  if (!items.length) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    el('h2', { id: 'kb-suggest-h' }, '可能已有答案'),
    el(
      'ul',
      {},
      ...items.slice(0, 3).map((i) =>
        el('li', {}, el('a', { href: i.url, target: '_blank', rel: 'noopener' }, i.question), el('p', { class: 'kb-excerpt' }, firstLines(i.answer)), el('p', { class: 'muted kb-unit' }, i.ownerUnitName)),
      ),
    ),
    el('p', { class: 'kb-note' }, '以上答案在新窗口打开。如未能解决您的问题,您仍可继续填写并提交。'),
  );
  box.hidden = false;
}

let timer: ReturnType<typeof setTimeout> | undefined;
let asked = '';
let pending: AbortController | undefined;

async function ask() {
  const q = [...`${title?.value ?? ''} ${content?.value ?? ''}`.trim()].slice(0, MAX_QUERY).join('');
  if ([...q.replace(/\s+/g, '')].length < MIN_CHARS) {
    asked = '';
    pending?.abort();
    return show([]);
  }
  if (q === asked) return;
  asked = q;
  pending?.abort();
  const mine = (pending = new AbortController());
  try {
    const res = await fetch(`/api/public/knowledge/search?limit=3&q=${encodeURIComponent(q)}`, { signal: mine.signal, headers: { accept: 'application/json' } });
    // too many questions or a hiccup: no suggestions, the form as it is
    const items = res.ok ? ((await res.json()) as { items: Item[] }).items : [];
    if (mine === pending) show(items);
  } catch {
    if (mine === pending) show([]);
  }
}

if (box && (title || content)) {
  const typed = () => {
    clearTimeout(timer);
    timer = setTimeout(ask, PAUSE_MS);
  };
  title?.addEventListener('input', typed);
  content?.addEventListener('input', typed);
  // a page shown again with what was typed (a refused submission)
  if ((title?.value ?? '') + (content?.value ?? '')) typed();
}
