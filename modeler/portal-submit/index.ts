/**
 * The portal's submission page, kept as it is when the server refuses a submission: a browser
 * cannot put chosen files back into a form after a page load, so with JavaScript the form is sent
 * with fetch and a refusal's messages, and its new challenge, are put into this page — the text and
 * the files stay. Without JavaScript the form posts as before and the server's page shows every
 * problem at once (server/routes/portal.ts), the files to be chosen again.
 * It also suggests published knowledge entries as the citizen types (knowledge-suggestions.ts).
 */
import './knowledge-suggestions.js';

const form = document.querySelector<HTMLFormElement>('form[data-keep-files]');

/** the refused answer's errors, challenge and tokens into this page's form */
function showRefusal(answer: Document, sent: HTMLFormElement): boolean {
  const again = answer.querySelector<HTMLFormElement>('form[data-keep-files]');
  if (!again) return false;
  document.querySelector('main > .errors')?.remove();
  const errors = answer.querySelector('main > .errors');
  if (errors) sent.before(document.importNode(errors, true));
  const mine = sent.querySelectorAll('.field-error');
  const theirs = again.querySelectorAll('.field-error');
  mine.forEach((span, n) => (span.textContent = theirs[n]?.textContent ?? ''));
  // a new question after every refusal: its label, its token, the answer field empty
  const question = (f: ParentNode) => f.querySelector('input[name="challengeAnswer"]')?.closest('label');
  const newQuestion = question(again);
  if (newQuestion) question(sent)?.replaceWith(document.importNode(newQuestion, true));
  const csrf = again.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value;
  const mineCsrf = sent.querySelector<HTMLInputElement>('input[name="_csrf"]');
  if (csrf && mineCsrf) mineCsrf.value = csrf;
  sent.setAttribute('action', again.getAttribute('action') ?? sent.getAttribute('action') ?? '');
  (document.querySelector('main > .errors') as HTMLElement | null)?.scrollIntoView({ block: 'start' });
  return true;
}

form?.addEventListener('submit', async (event) => {
  const files = form.querySelector<HTMLInputElement>('input[type="file"]')?.files;
  // nothing a reload would lose: the plain post
  if (!files?.length) return;
  event.preventDefault();
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  if (button) button.disabled = true;
  try {
    const res = await fetch(form.action, { method: 'POST', body: new FormData(form), headers: { accept: 'text/html' }, credentials: 'same-origin' });
    const answer = new DOMParser().parseFromString(await res.text(), 'text/html');
    if (res.ok || !showRefusal(answer, form)) {
      // the tracking code (or an error page): shown as the plain post would show it
      document.title = answer.title;
      document.body.replaceWith(document.importNode(answer.body, true));
    }
  } catch {
    // offline or cut off: the plain post, which says what went wrong
    form.submit();
  } finally {
    if (button) button.disabled = false;
  }
});
