/**
 * The task-form bundle (modeler/build.mjs → modeler/dist/task-form-<hash>.{js,css} and the chunks its
 * module imports, named in modeler/dist/manifest.json) in Chromium on a phone
 * screen, under the app's Content-Security-Policy, against a fake server: the page as the app
 * renders it, `/api/attachments` and `/api/tasks/:key/complete`.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumMissingReason, launchChromium, screenshotDir } from './chromium.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dist = join(root, 'modeler', 'dist');
/** the brief's policy, with default-src 'self' as the app adds (server/http/web.ts) */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";
const CSRF = 'csrf-token-123';
const PETITION_ID = 'PID-1';
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36';

/** a small form for the 409 case and the length message */
const NOTE_FORM = {
  id: 'note',
  type: 'default',
  schemaVersion: 19,
  components: [{ type: 'textfield', id: 'Field_note', key: 'note', label: '备注', validate: { required: true, minLength: 4 } }],
};

/** a drafted reply as review-reply shows it: the time the unit typed is an instant in UTC */
const REVIEW_DATA = {
  category: 'complaint',
  reply: { handledAt: '2026-12-06T15:00:00.000Z', handlingUnit: '龙南市市场监督管理局', result: '已核查并整改。', legalBasis: '无', contactRecord: '已电话联系。', investigation: 'investigated', publishable: true, replyText: '您好,问题已处理。' },
};

interface Recorded {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** JSON inside <script type="application/json">: no `</script>`, no `<!--` */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** the build's current names (modeler/dist/manifest.json) */
const built = () => JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8')) as Record<string, { file: string; imports?: string[] }>;

/** the page as task.hbs renders it inside layout.hbs: the app's stylesheet, the form in main's panel */
function taskPage(key: string, schema: unknown, data: unknown): string {
  const manifest = built();
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>办理任务</title></head>
<body>
<main><section class="panel">
<div id="task-form" data-complete-url="/api/tasks/${key}/complete" data-upload-url="/api/attachments" data-csrf="${CSRF}" data-petition-id="${PETITION_ID}" data-done-url="/staff/tasks"></div>
<script type="application/json" id="task-form-schema">${scriptJson(schema)}</script>
<script type="application/json" id="task-form-data">${scriptJson(data)}</script>
<link rel="stylesheet" href="/static/site.css">
<script type="module" src="/assets/${manifest['task-form.js'].file}"></script>
<link rel="stylesheet" href="/assets/${manifest['task-form.css'].file}">
</section></main>
</body>
</html>`;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const missing = chromiumMissingReason();
if (missing) process.stderr.write(`task-form bundle test skipped: ${missing}\n`);
const describeBrowser = missing ? describe.skip : describe;

describeBrowser('task-form bundle in Chromium (390×844, CSP)', () => {
  const uploads: Recorded[] = [];
  const completes: Record<string, Recorded[]> = { KEY: [], KEY2: [] };
  let server: Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let shots: string;

  const draftReply = JSON.parse(readFileSync(join(root, 'forms', 'draft-reply.form'), 'utf8'));
  const reviewReply = JSON.parse(readFileSync(join(root, 'forms', 'review-reply.form'), 'utf8'));
  const contact = JSON.parse(readFileSync(join(root, 'forms', 'contact-petitioner.form'), 'utf8'));

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'content-security-policy': CSP, 'cache-control': 'no-store' });
      res.end(body);
    };
    const json = (status: number, value: unknown) => send(status, 'application/json; charset=utf-8', JSON.stringify(value));
    if (req.method === 'GET' && url.pathname === '/staff/tasks/KEY') return send(200, 'text/html; charset=utf-8', taskPage('KEY', draftReply, { category: 'complaint' }));
    if (req.method === 'GET' && url.pathname === '/staff/tasks/KEY2') return send(200, 'text/html; charset=utf-8', taskPage('KEY2', NOTE_FORM, {}));
    if (req.method === 'GET' && url.pathname === '/staff/tasks/CUT') return send(200, 'text/html; charset=utf-8', taskPage('CUT', NOTE_FORM, {}));
    // the app's stylesheet comes first on the real page (layout.hbs)
    if (req.method === 'GET' && url.pathname === '/static/site.css') return send(200, 'text/css', readFileSync(join(root, 'server', 'public', 'site.css')));
    if (req.method === 'GET' && url.pathname === '/staff/tasks/CONTACT') return send(200, 'text/html; charset=utf-8', taskPage('CONTACT', contact, { category: 'complaint' }));
    if (req.method === 'GET' && url.pathname === '/staff/tasks/REVIEW') return send(200, 'text/html; charset=utf-8', taskPage('REVIEW', reviewReply, REVIEW_DATA));
    if (req.method === 'GET' && url.pathname === '/staff/tasks/CONTACT') return send(200, 'text/html; charset=utf-8', taskPage('CONTACT', contact, { category: 'complaint' }));
    // the app's stylesheet comes before the form's on the real page (layout.hbs)
    if (req.method === 'GET' && url.pathname === '/static/site.css') return send(200, 'text/css', readFileSync(join(root, 'server', 'public', 'site.css')));
    if (req.method === 'GET' && url.pathname === '/staff/tasks') return send(200, 'text/html; charset=utf-8', '<!doctype html><title>待办任务</title><p>待办任务</p>');
    const asset = /^\/assets\/((?:chunks\/)?[\w-]+\.(?:js|css)(?:\.map)?)$/.exec(url.pathname);
    if (req.method === 'GET' && asset) {
      const type = asset[1].endsWith('.js') ? 'text/javascript' : asset[1].endsWith('.css') ? 'text/css' : 'application/json';
      return send(200, type, readFileSync(join(dist, asset[1])));
    }
    if (req.method === 'POST' && url.pathname === '/api/attachments') {
      uploads.push({ headers: req.headers, body: await readBody(req) });
      return json(201, { id: 'att-1' });
    }
    const complete = /^\/api\/tasks\/(KEY2?)\/complete$/.exec(url.pathname);
    if (req.method === 'POST' && complete) {
      const calls = completes[complete[1]];
      calls.push({ headers: req.headers, body: await readBody(req) });
      if (complete[1] === 'KEY2') return json(409, { error: { code: 'TASK_COMPLETED', message: '任务已办结' } });
      if (calls.length === 1) {
        return json(400, {
          error: {
            code: 'INVALID_VARIABLES',
            message: '提交的内容不完整',
            details: [
              { field: 'reply.result', message: '请填写「办理结果」' },
              { field: 'petitionerConsent', message: '请确认诉求人意见' },
            ],
          },
        });
      }
      // the answer comes in two parts, as a busy server's may: the page must wait for the whole
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.write('{"completed":');
      setTimeout(() => res.end('true}'), 400);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/api/tasks/CUT/complete') {
      // an answer cut short: the page cannot tell that the task was completed
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': '100' });
      res.write('{"compl');
      setTimeout(() => res.destroy(), 100);
      return;
    }
    return send(404, 'text/plain', 'not found');
  }

  async function openPage(path: string): Promise<{ page: Page; problems: string[]; failed: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    // requests the browser gave up on (Chromium's network log shows them as failed or cancelled)
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(`${r.method()} ${new URL(r.url()).pathname} ${r.failure()?.errorText ?? ''}`));
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // the fake server's 4xx answers are logged by Chromium as failed loads: expected here
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
    });
    await page.goto(base + path);
    await page.locator('.fjs-form').waitFor();
    return { page, problems, failed };
  }

  const violations = (page: Page) => page.evaluate(() => (window as any).__csp as string[]);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(shots, name), fullPage: true });
  /** the form-js field wrapper around the input whose id ends with the field id */
  const field = (page: Page, id: string) => page.locator(`.fjs-form-field:not(.fjs-form-field-grouplike):has([id$="-${id}"])`);

  beforeAll(async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(root, 'modeler', 'build.mjs')], { cwd: root });
    // per page: its script with the chunks it imports, its stylesheet, and the two as brotli
    const page = (name: string) => `${name} \\d+ kB js \\+ \\d+ kB css \\(br \\d+ kB\\)`;
    expect(stdout).toMatch(new RegExp(`^modeler/dist: ${['task-form', 'modeler', 'viewer', 'portal-submit', 'decision-editor', 'form-editor'].map(page).join(', ')} \\(\\d+ ms\\)\n$`));
    expect(stderr).toBe('');
    server = createServer((req, res) => {
      handle(req, res).catch((err) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: PHONE_UA, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    // fail a step with its own message well before jest's timeout
    context.setDefaultTimeout(8_000);
    // CSP violations, whatever their source (init scripts are not subject to the page's CSP)
    await context.addInitScript(() => {
      (window as any).__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (window as any).__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    shots = screenshotDir();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise((resolve) => server.close(resolve));
  });

  it('renders draft-reply in Chinese, refuses an empty submit in Chinese, uploads the file, shows the server’s field error, then completes', async () => {
    const { page, problems, failed } = await openPage('/staff/tasks/KEY');
    const submit = page.getByRole('button', { name: '提交' });

    // rendered, in Chinese, fitting the phone's width
    await expect(page.getByLabel('办理单位').isVisible()).resolves.toBe(true);
    const labels = ['书面答复', '办理日期', '办理时间', '办理单位', '办理结果', '法律法规政策依据', '回复诉求人情况', '是否调查处理(投诉举报类)', '决定调查处理', '不予调查处理', '可以对外发布', '答复诉求人的正文'];
    const shown = await page.locator('.fjs-form label, .fjs-form .fjs-form-field-label').allTextContents();
    expect(labels.filter((l) => !shown.some((s) => s.replace(/\*$/, '').trim() === l))).toEqual([]);
    await expect(page.locator('.fjs-form-field-filepicker').count()).resolves.toBe(0); // until 决定调查处理 is chosen
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'task-form-phone.png');

    // empty: form-js's required messages, in Chinese; nothing sent
    await submit.click();
    await expect(page.locator('.wz-status').textContent()).resolves.toBe('请检查标红的字段');
    const messages = await page.locator('.fjs-form-field-error li').allTextContents();
    expect(messages.length).toBeGreaterThanOrEqual(6);
    expect(new Set(messages)).toEqual(new Set(['此项为必填项']));
    await expect(page.getByText('Field is required.').count()).resolves.toBe(0);
    await expect(field(page, 'Field_result').getAttribute('class')).resolves.toContain('fjs-has-errors');
    expect(uploads).toHaveLength(0);
    expect(completes.KEY).toHaveLength(0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'task-form-required.png');

    // filled in (the date as typed in the zh-CN format the placeholder shows; the calendar is in Chinese)
    const date = page.getByLabel('办理日期');
    await expect(date.getAttribute('placeholder')).resolves.toBe('yyyy/mm/dd');
    await date.click();
    await expect(page.locator('.flatpickr-calendar .flatpickr-weekday').first().textContent()).resolves.toContain('一');
    await page.waitForTimeout(400); // flatpickr's fade-in
    await shot(page, 'task-form-calendar.png');
    await date.fill('2025/06/03');
    await date.press('Enter');
    // form-js's datetime merges the date and the time over a few renders: a time typed at machine
    // speed right after the date can lose the date (1 run in ~25); a person is never that fast
    await page.waitForTimeout(150);
    const time = page.getByLabel('办理时间');
    await time.fill('09:30');
    await time.press('Tab');
    // the date-time value lands a render later; text typed before that would be reset by form-js
    await page.locator('.fjs-form-field-datetime.fjs-has-errors').waitFor({ state: 'detached' });
    await page.getByLabel('办理单位').fill('武都区市场监督管理局');
    await page.getByLabel('办理结果').fill('已到现场核查,责令商户整改并退还多收费用。');
    await page.getByLabel('法律法规政策依据').fill('《中华人民共和国消费者权益保护法》第二十四条');
    await page.getByLabel('回复诉求人情况').fill('2025年6月3日电话联系诉求人,诉求人表示满意。');
    await page.getByLabel('答复诉求人的正文').fill('您好,您反映的问题已查实并处理,商户已退还多收的费用。感谢您的监督。');
    // form-js debounces text input: wait until the filled fields have dropped their messages, so
    // the layout no longer moves under the pointer between mousedown and click
    await page.waitForFunction(() => document.querySelectorAll('.fjs-has-errors').length === 1);
    await page.getByLabel('可以对外发布').check();
    await page.getByLabel('决定调查处理').check();
    await page.locator('.fjs-form-field-filepicker input[type="file"]').setInputFiles({
      name: '调查受理文书.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    });
    await expect(page.locator('.fjs-filepicker-container').textContent()).resolves.toContain('调查受理文书.pdf');
    await expect(page.locator('.wz-status').isHidden()).resolves.toBe(true); // no field red: the reminder is gone
    await shot(page, 'task-form-filled.png');

    // first submit: the file goes up, the server refuses one field
    await submit.click();
    const resultField = field(page, 'Field_result');
    await resultField.getByText('请填写「办理结果」').waitFor();
    await expect(resultField.getAttribute('class')).resolves.toContain('fjs-has-errors');
    await expect(page.locator('.wz-status .wz-status-message').textContent()).resolves.toBe('提交的内容不完整');
    await expect(page.locator('.wz-status li').allTextContents()).resolves.toEqual(['请确认诉求人意见']);
    await expect(submit.isEnabled()).resolves.toBe(true);
    await expect(page.getByLabel('办理结果').inputValue()).resolves.toBe('已到现场核查,责令商户整改并退还多收费用。');

    expect(uploads).toHaveLength(1);
    const upload = uploads[0];
    expect(upload.headers['x-csrf-token']).toBe(CSRF);
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const multipart = upload.body.toString('utf8');
    expect(multipart).toMatch(/name="petitionId"\r\n\r\nPID-1\r\n/);
    expect(multipart).toMatch(/name="purpose"\r\n\r\nreply\.investigationDocument\r\n/);
    expect(multipart).toMatch(/name="file"; filename="调查受理文书\.pdf"\r\nContent-Type: application\/pdf\r\n\r\n%PDF-1\.4\n/);
    expect(completes.KEY).toHaveLength(1);
    expect(JSON.parse(completes.KEY[0].body.toString()).variables.reply.investigationDocument).toBe('attachment:att-1');
    await resultField.scrollIntoViewIfNeeded();
    await shot(page, 'task-form-server-error.png');

    // second submit: completes (the file is not sent again) and goes back to the task list
    await Promise.all([page.waitForURL(`${base}/staff/tasks`), submit.click()]);
    expect(uploads).toHaveLength(1);
    expect(completes.KEY).toHaveLength(2);
    const second = completes.KEY[1];
    expect(second.headers['content-type']).toBe('application/json');
    expect(second.headers['x-csrf-token']).toBe(CSRF);
    const { variables } = JSON.parse(second.body.toString());
    expect(variables).toEqual({
      reply: {
        handledAt: '2025-06-03T01:30Z',
        handlingUnit: '武都区市场监督管理局',
        result: '已到现场核查,责令商户整改并退还多收费用。',
        legalBasis: '《中华人民共和国消费者权益保护法》第二十四条',
        contactRecord: '2025年6月3日电话联系诉求人,诉求人表示满意。',
        investigation: 'investigated',
        investigationDocument: 'attachment:att-1',
        publishable: true,
        replyText: '您好,您反映的问题已查实并处理,商户已退还多收的费用。感谢您的监督。',
      },
    });
    // the page left only after reading the answer: no request aborted by the navigation (issue 15)
    expect(failed).toEqual([]);
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('translates the length message, and says so when the task was already completed', async () => {
    const { page, problems } = await openPage('/staff/tasks/KEY2');
    const submit = page.getByRole('button', { name: '提交' });
    await page.getByLabel('备注').fill('ab');
    await submit.click();
    await expect(page.locator('.fjs-form-field-error li').allTextContents()).resolves.toEqual(['至少填写 4 个字']);
    expect(completes.KEY2).toHaveLength(0);

    await page.getByLabel('备注').fill('已核实');
    await page.getByLabel('备注').fill('已核实情况');
    await submit.click();
    await page.getByText('该任务已经办理完毕', { exact: false }).waitFor();
    await expect(page.getByRole('link', { name: '返回任务列表' }).getAttribute('href')).resolves.toBe('/staff/tasks');
    await expect(submit.isDisabled()).resolves.toBe(true);
    expect(completes.KEY2).toHaveLength(1);
    expect(JSON.parse(completes.KEY2[0].body.toString())).toEqual({ variables: { note: '已核实情况' } });
    await shot(page, 'task-form-409.png');
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows an instant that no input edits in Shanghai time, as the pages do (issue 15)', async () => {
    const { page, problems } = await openPage('/staff/tasks/REVIEW');
    const text = (await page.locator('.fjs-form-field-text').allTextContents()).join('\n');
    expect(text).toContain('办理时间: 2026-12-06 23:00');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    await shot(page, 'task-form-review-reply-phone.png');
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, 'task-form-review-reply-desktop.png');
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it('stays on the page and says so when the completion’s answer is cut short (issue 15)', async () => {
    const { page, problems } = await openPage('/staff/tasks/CUT');
    await page.getByLabel('备注').fill('已核实情况');
    await page.getByRole('button', { name: '提交' }).click();
    await page.getByText('提交的结果没有完整收到', { exact: false }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/staff/tasks/CUT');
    await expect(page.locator('.wz-status').getAttribute('data-kind')).resolves.toBe('error');
    await expect(page.getByRole('link', { name: '返回任务列表' }).getAttribute('href')).resolves.toBe('/staff/tasks');
    await shot(page, 'task-form-cut-answer.png');
    expect(await violations(page)).toEqual([]);
    expect(problems.filter((p) => !p.includes('ERR_'))).toEqual([]);
    await page.close();
  }, 120_000);

  it('shows a select’s placeholder in Chinese and the chosen value whole, under the app’s stylesheet (issue 15)', async () => {
    const { page, problems } = await openPage('/staff/tasks/CONTACT');
    const method = field(page, 'Field_contactMethod');
    const display = method.locator('.fjs-select-display');
    await expect(display.textContent()).resolves.toBe('请选择');
    await display.scrollIntoViewIfNeeded();
    await shot(page, 'task-form-select-phone.png');
    await display.click();
    await page.locator('.fjs-dropdownlist-item', { hasText: '电话' }).click();
    await expect(display.textContent()).resolves.toBe('电话');
    // as wide as the field less its arrow, on one line: not squeezed by the select's hidden input
    const [displayBox, groupBox] = await Promise.all([display.boundingBox(), method.locator('.fjs-input-group').boundingBox()]);
    expect(displayBox!.width).toBeGreaterThan(groupBox!.width - 60);
    expect(displayBox!.height).toBeLessThan(48);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, 'task-form-select-chosen-phone.png');
    await page.setViewportSize({ width: 1280, height: 900 });
    await shot(page, 'task-form-select-chosen-desktop.png');
    expect(await violations(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
