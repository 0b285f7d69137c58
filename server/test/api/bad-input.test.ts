/**
 * "Bad input gets a clear error and changes nothing": for each kind of bad input a person can send —
 * a citizen's submission (JSON, multipart, the page), a request without its CSRF token, script in a
 * text field, a staff task submission, tracking and rating, too many requests or sign-ins, an admin's
 * account or calendar entry — the answer is a clear Chinese error (status, `error.code`, the fields
 * at fault in `error.details`; a page shows the form again), and the rows of petitions, attachments,
 * audit_log, outbox and engine_instances (or the open task) are as they were before. Runs on SQLite
 * and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import { solveChallenge } from '../../domain/challenge.js';
import { createTestApp, DEMO_PASSWORD, PETITION_FIELDS, PETITIONER, submitPetition, type Person, type TestApp } from '../app-harness.js';

// ------------------------------------------------------------------------------------- fixtures

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')]);
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(200, 0)]);
const MZ = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const HTML = Buffer.from('<!doctype html>\n<html><body><script>alert(document.cookie)</script></body></html>\n');
const XSS = '<script>alert(1)</script><img src=x onerror=alert(2)>';
/** how Handlebars shows XSS: as text */
const XSS_ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(2)&gt;';
/** what must never reach a page raw */
const RAW_MARKUP = ['<script>alert', '</script><img', '<img src=x', '<b>'];

const FIELDS = PETITION_FIELDS;
const CSRF_MESSAGE = '页面已过期或请求来源不明,请刷新页面后重试';

// -------------------------------------------------------------------------------- what changed

const TABLES = ['petitions', 'attachments', 'audit_log', 'outbox', 'engine_instances'];

async function rowCounts(h: TestApp, extra: string[] = []): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [...TABLES, ...extra]) {
    const [row] = (await h.t.db.sequelize.query(`SELECT COUNT(*) AS n FROM ${table}`, { type: 'SELECT' as never })) as unknown as { n: number | string }[];
    out[table] = Number(row.n);
  }
  return out;
}

/** runs the bad requests, lets the engine and the task listener run, then checks the row counts are unchanged */
async function unchanged<T>(h: TestApp, fn: () => Promise<T>, extra: string[] = []): Promise<T> {
  await h.settle();
  const before = await rowCounts(h, extra);
  const out = await fn();
  await h.settle();
  expect(await rowCounts(h, extra)).toEqual(before);
  return out;
}

// ------------------------------------------------------------------------------------ answers

/** a message for people: Chinese, no English sentence in it (file names, quoted input and names such as Windows aside) */
function chinese(message: unknown): void {
  expect(typeof message).toBe('string');
  expect(message).toMatch(/[\u4e00-\u9fff]/);
  const prose = (message as string).replace(/"[^"]*"|「[^」]*」/g, '').replace(/[^\s:：]*\.[a-z]{2,4}\b/g, '');
  expect(prose).not.toMatch(/\b[a-z]{3,}/);
}

interface Detail {
  field: string;
  message: string;
}

/** the JSON error: status, code, a Chinese message; with `fields`, exactly those fields named in `details`, each in Chinese */
function expectError(res: request.Response, status: number, code: string, fields?: string[]): { message: string; details: Detail[] } {
  expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
  chinese(res.body.error.message);
  const details = (res.body.error.details ?? []) as Detail[];
  if (fields) {
    expect([...new Set(details.map((d) => d.field))].sort()).toEqual([...fields].sort());
    for (const d of details) chinese(d.message);
  }
  return { message: res.body.error.message, details };
}

const messageOf = (details: Detail[], field: string) => details.filter((d) => d.field === field).map((d) => d.message).join(' / ');

// -------------------------------------------------------------------------------------- pages

const cookiesOf = (res: request.Response): string[] => ([] as string[]).concat(res.headers['set-cookie'] ?? []);
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** the text of the error shown next to a field of a page form ('' when none) */
function fieldError(html: string, name: string): string {
  const at = html.indexOf(`name="${name}"`);
  if (at < 0) throw new Error(`no field ${name} on the page`);
  return /<span class="field-error">([^<]*)<\/span>/.exec(html.slice(at))?.[1] ?? '';
}
const inputValue = (html: string, name: string) => new RegExp(`<input name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
const textareaValue = (html: string, name: string) => new RegExp(`<textarea name="${name}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1];
function selected(html: string, name: string): string | undefined {
  const start = html.indexOf(`<select name="${name}"`);
  const select = html.slice(start, html.indexOf('</select>', start));
  return /<option value="([^"]*)" selected>/.exec(select)?.[1];
}

interface SubmitForm {
  csrf: string;
  challengeToken: string;
  challengeAnswer: string;
}
interface Upload {
  name: string;
  content: Buffer;
}

async function openSubmitPage(agent: request.Agent): Promise<SubmitForm> {
  const html = (await agent.get('/submit').set('accept', 'text/html').expect(200)).text;
  const question = /验证:([^<]+?) <span/.exec(html)?.[1] ?? '';
  return { csrf: csrfOf(html), challengeToken: /name="challengeToken" value="([^"]+)"/.exec(html)?.[1] ?? '', challengeAnswer: String(solveChallenge(question)) };
}

/** the page's fields in the order a browser sends them (the files between township and name) */
const PAGE_ORDER = ['_csrf', 'category', 'title', 'content', 'township', '@files', 'petitionerName', 'petitionerPhone', 'confidential', 'agree', 'challengeAnswer', 'challengeToken', 'website'];
type PageFields = Record<string, string | string[] | undefined>;
const PAGE_FIELDS: PageFields = { ...FIELDS, agree: 'true' };

/** the submission page, opened then posted as multipart like its form; a field set to undefined is left out */
async function postSubmitPage(agent: request.Agent, fields: PageFields | ((form: SubmitForm) => PageFields) = {}, files: Upload[] = []) {
  const form = await openSubmitPage(agent);
  const given = typeof fields === 'function' ? fields(form) : fields;
  const all: PageFields = { _csrf: form.csrf, ...PAGE_FIELDS, challengeToken: form.challengeToken, challengeAnswer: form.challengeAnswer, website: '', ...given };
  let req = agent.post(`/submit?_csrf=${encodeURIComponent(form.csrf)}`).set('accept', 'text/html');
  for (const name of PAGE_ORDER) {
    if (name === '@files') {
      for (const f of files) req = req.attach('attachments', f.content, { filename: f.name, contentType: 'application/octet-stream' });
      continue;
    }
    const v = all[name];
    if (v !== undefined) req = req.field(name, v);
  }
  return req;
}

/** the portal's page answered 400 with the submission form shown again (a fresh challenge, nothing stored) */
function formAgain(res: request.Response, status = 400): string {
  expect(res.status).toBe(status);
  expect(res.type).toBe('text/html');
  expect(res.text).toContain('<form method="post" action="/submit?_csrf=');
  expect(res.text).toMatch(/name="challengeToken" value="[^"]+"/);
  return res.text;
}

// ---------------------------------------------------------------------------------- the API side

async function challenge(p: Person) {
  const c = (await p.get('/api/challenge').expect(200)).body;
  return { challengeToken: c.token as string, challengeAnswer: String(solveChallenge(c.question)) };
}

/** POST /api/petitions as multipart (a form with files, as an app sends it) */
function postMultipart(p: Person, fields: Record<string, unknown>, files: Upload[] = []) {
  let req = p.agent.post('/api/petitions').set('x-csrf-token', p.csrf);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, Array.isArray(v) ? v.map(String) : String(v));
  for (const f of files) req = req.attach('attachments', f.content, { filename: f.name, contentType: 'application/octet-stream' });
  return req;
}

async function petitionIdOf(h: TestApp, code: string): Promise<string> {
  const [row] = (await h.t.db.sequelize.query('SELECT id FROM petitions WHERE tracking_code = ?', { replacements: [code], type: 'SELECT' as never })) as unknown as { id: string }[];
  return row.id;
}

/** the engine's open tasks of a case */
async function openTasks(h: TestApp, petitionId: string) {
  return (await h.t.engine.listUserTasks({ state: 'created' })).filter((t) => t.variables.petitionId === petitionId);
}

/** a person's one open task of an element, of the case with that tracking code */
async function taskFor(p: Person, elementId: string, code: string) {
  const list = (await p.get('/api/tasks').expect(200)).body as { key: string; elementId: string; mayAct: boolean; petition?: { trackingCode: string; id: string } }[];
  const found = list.filter((t) => t.elementId === elementId && t.petition?.trackingCode === code);
  if (found.length !== 1) throw new Error(`expected one ${elementId} task of ${code}, found ${found.length}`);
  return found[0];
}

const completeUrl = (key: string) => `/api/tasks/${encodeURIComponent(key)}/complete`;

async function complete(h: TestApp, p: Person, elementId: string, code: string, variables: Record<string, unknown>) {
  const task = await taskFor(p, elementId, code);
  const res = await p.post(completeUrl(task.key), { variables });
  if (res.status !== 200) throw new Error(`completing ${elementId} failed: ${res.status} ${JSON.stringify(res.body)}`);
  await h.settle();
  return task;
}

const SCREENED = { inScope: true, isMajor: false };
const DISPATCHED = { unitId: 'u-longnan', jointMode: 'single' };
const SIGNED = { returnRequested: false };
const CONTACTED = { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人' };

// ============================================================================================

describe('bad input gets a clear error and changes nothing', () => {
  let h: TestApp;
  let intake: Person;
  let handler: Person;
  let admin: Person;

  beforeAll(async () => {
    h = await createTestApp();
    intake = await h.signIn('intake');
    handler = await h.signIn('handler-longnan');
    admin = await h.signIn('admin');
  });
  afterAll(() => h.close());

  type Stage = 'submitted' | 'screened' | 'dispatched' | 'signed' | 'contacted';
  /** a fresh case, walked through the API up to a stage */
  async function newCase(stage: Stage = 'submitted', fields: Record<string, unknown> = {}) {
    const citizen = await h.visitor();
    const res = await submitPetition(h, citizen, fields);
    expect(res.status).toBe(201);
    const code = res.body.trackingCode as string;
    const steps: [Stage, Person, string, Record<string, unknown>][] = [
      ['screened', intake, 'Task_ScreenPetition', SCREENED],
      ['dispatched', intake, 'Task_DispatchPetition', DISPATCHED],
      ['signed', handler, 'Task_SignOrReturn', SIGNED],
      ['contacted', handler, 'Task_ContactPetitioner', CONTACTED],
    ];
    for (const [done, who, elementId, variables] of steps) {
      if (stage === 'submitted') break;
      await complete(h, who, elementId, code, variables);
      if (done === stage) break;
    }
    return { citizen, code, petitionId: await petitionIdOf(h, code) };
  }

  // ------------------------------------------------------------------------ 1. public submission

  describe('a public submission', () => {
    it('given a JSON submission without its fields, when it is posted, then each missing field is named in Chinese and nothing is stored', async () => {
      const v = await h.visitor();
      await unchanged(h, async () => {
        const { details } = expectError(await v.post('/api/petitions', { ...(await challenge(v)) }), 400, 'INVALID_INPUT', ['category', 'title', 'content', 'petitionerName', 'petitionerPhone', 'agree']);
        expect(messageOf(details, 'title')).toBe('请填写「标题」');
        expect(messageOf(details, 'content')).toBe('请填写「诉求内容」');
        expect(messageOf(details, 'petitionerName')).toBe('请填写「姓名」');
        expect(messageOf(details, 'category')).toBe('请选择诉求类别');
        expect(messageOf(details, 'agree')).toBe('请阅读并同意平台规则');
        // empty texts, as a form sends them, read the same
        const blank = await v.post('/api/petitions', { ...FIELDS, title: '  ', content: '', petitionerName: '', ...(await challenge(v)) });
        expect(messageOf(expectError(blank, 400, 'INVALID_INPUT', ['title', 'content', 'petitionerName']).details, 'title')).toBe('请填写「标题」');
      });
    });

    it('given a multipart submission without its fields, when it is posted, then each missing field is named and nothing is stored', async () => {
      const v = await h.visitor();
      await unchanged(h, async () => {
        const res = await postMultipart(v, { category: '', title: '', content: '', petitionerName: '', petitionerPhone: '', ...(await challenge(v)) }, [{ name: '照片.pdf', content: PDF }]);
        expectError(res, 400, 'INVALID_INPUT', ['category', 'title', 'content', 'petitionerName', 'petitionerPhone', 'agree']);
      });
    });

    it('given a title over 100 and a content over 5000 characters, when submitted as JSON and as multipart, then both are refused by field with the limit', async () => {
      const v = await h.visitor();
      await unchanged(h, async () => {
        const long = { title: '路'.repeat(101), content: '灯'.repeat(5001) };
        for (const res of [await v.post('/api/petitions', { ...FIELDS, ...long, ...(await challenge(v)) }), await postMultipart(v, { ...FIELDS, ...long, ...(await challenge(v)) })]) {
          const { details } = expectError(res, 400, 'INVALID_INPUT', ['title', 'content']);
          expect(messageOf(details, 'title')).toBe('「标题」最多 100 个字');
          expect(messageOf(details, 'content')).toBe('「诉求内容」最多 5000 个字');
        }
      });
      // exactly at the limits is taken: only what is over them is refused
      const atLimits = await v.post('/api/petitions', { ...FIELDS, title: '路'.repeat(100), content: '灯'.repeat(5000), ...(await challenge(v)) });
      expect(atLimits.status).toBe(201);
      await h.settle();
    });

    it('given mistyped fields, when submitted, then each is refused by field: a number for the title, an array or an unknown category, a phone that is no mainland mobile, a township that is no code', async () => {
      const v = await h.visitor();
      const cases: [Record<string, unknown>, string][] = [
        [{ title: 123 }, 'title'],
        [{ content: { text: '内容' } }, 'content'],
        [{ category: ['complaint', 'report'] }, 'category'],
        [{ category: 'weather' }, 'category'],
        [{ petitionerPhone: '0797-8888888' }, 'petitionerPhone'],
        [{ petitionerPhone: '12345678901' }, 'petitionerPhone'],
        [{ petitionerPhone: 13900002222 }, 'petitionerPhone'],
        [{ township: '龙南镇' }, 'township'],
        [{ township: 360783100 }, 'township'],
        [{ confidential: 'maybe' }, 'confidential'],
      ];
      await unchanged(h, async () => {
        for (const [wrong, fieldName] of cases) {
          const res = await v.post('/api/petitions', { ...FIELDS, ...wrong, ...(await challenge(v)) });
          expectError(res, 400, 'INVALID_INPUT', [fieldName]);
        }
        // all at once: every field is reported, not only the first
        const all = await v.post('/api/petitions', { ...FIELDS, title: 123, category: ['complaint'], petitionerPhone: '12345', township: 'abc', ...(await challenge(v)) });
        expectError(all, 400, 'INVALID_INPUT', ['title', 'category', 'petitionerPhone', 'township']);
        // multipart: a repeated category is an array too
        const multi = await postMultipart(v, { ...FIELDS, category: ['complaint', 'report'], petitionerPhone: '110', township: 'x', ...(await challenge(v)) });
        expectError(multi, 400, 'INVALID_INPUT', ['category', 'petitionerPhone', 'township']);
      });
    });

    it('given a wrong or a replayed challenge answer, when submitted, then it is refused on the challenge field and nothing more is stored', async () => {
      const v = await h.visitor();
      const c = await challenge(v);
      const wrong = { ...c, challengeAnswer: String(Number(c.challengeAnswer) + 1) };
      await unchanged(h, async () => {
        expectError(await v.post('/api/petitions', { ...FIELDS, ...wrong }), 400, 'INVALID_INPUT', ['challengeAnswer']);
        expectError(await v.post('/api/petitions', { ...FIELDS, challengeAnswer: c.challengeAnswer }), 400, 'INVALID_INPUT', ['challengeAnswer']);
        expectError(await v.post('/api/petitions', { ...FIELDS, challengeToken: `${c.challengeToken.slice(0, -2)}xx`, challengeAnswer: c.challengeAnswer }), 400, 'INVALID_INPUT', ['challengeAnswer']);
      });
      // the wrong answer did not use the token up: the right one goes through, once
      expect((await v.post('/api/petitions', { ...FIELDS, ...c })).status).toBe(201);
      await h.settle();
      await unchanged(h, async () => {
        const replay = await v.post('/api/petitions', { ...FIELDS, ...c });
        expect(expectError(replay, 400, 'INVALID_INPUT', ['challengeAnswer']).message).toContain('验证答案不正确或已过期');
        expectError(await postMultipart(v, { ...FIELDS, ...c }), 400, 'INVALID_INPUT', ['challengeAnswer']);
      });
    });

    it('given a filled honeypot field, when submitted, then it is refused without saying why and nothing is stored', async () => {
      const v = await h.visitor();
      await unchanged(h, async () => {
        const res = await v.post('/api/petitions', { ...FIELDS, website: 'http://spam.example', ...(await challenge(v)) });
        expect(expectError(res, 400, 'INVALID_INPUT', ['challengeAnswer']).message).toBe('提交未通过验证');
        expectError(await postMultipart(v, { ...FIELDS, website: 'x', ...(await challenge(v)) }), 400, 'INVALID_INPUT', ['challengeAnswer']);
      });
    });

    it('given no agreement to the rules, when submitted, then the agreement is asked for and nothing is stored', async () => {
      const v = await h.visitor();
      await unchanged(h, async () => {
        for (const agree of [undefined, false, 'false', 'no']) {
          const res = await v.post('/api/petitions', { ...FIELDS, agree, ...(await challenge(v)) });
          expect(messageOf(expectError(res, 400, 'INVALID_INPUT', ['agree']).details, 'agree')).toBe('请阅读并同意平台规则');
        }
      });
    });

    it('given more than 3 files, when submitted as multipart, then it is refused on the attachments and nothing is stored', async () => {
      const v = await h.visitor();
      await unchanged(h, async () => {
        const files = [1, 2, 3, 4].map((n) => ({ name: `现场照片${n}.pdf`, content: PDF }));
        const res = await postMultipart(v, { ...FIELDS, ...(await challenge(v)) }, files);
        expectError(res, 400, 'TOO_MANY_FILES', ['attachments']);
      });
    });

    it('given an executable renamed .pdf or an HTML page renamed .txt, when submitted, then the file is refused by its content and nothing is stored', async () => {
      const v = await h.visitor();
      await unchanged(h, async () => {
        for (const [file, why] of [
          [{ name: '发票.pdf', content: ELF }, 'ELF 可执行文件'],
          [{ name: '发票.pdf', content: MZ }, 'Windows 可执行文件'],
          [{ name: '说明.txt', content: HTML }, '网页或脚本文件'],
        ] as [Upload, string][]) {
          // with a good file beside it: nothing of the submission is kept
          const res = await postMultipart(v, { ...FIELDS, ...(await challenge(v)) }, [{ name: '照片.pdf', content: PDF }, file]);
          const msg = messageOf(expectError(res, 400, 'INVALID_INPUT', ['attachments']).details, 'attachments');
          expect(msg).toContain(file.name);
          expect(msg).toContain(`文件内容与扩展名 .${file.name.split('.')[1]} 不符`);
          expect(msg).toContain(why);
        }
      });
    });

    it('given a malformed JSON body, when posted, then it is 400 INVALID_JSON and nothing is stored', async () => {
      const v = await h.visitor();
      await unchanged(h, async () => {
        const res = await v.agent.post('/api/petitions').set('x-csrf-token', v.csrf).set('content-type', 'application/json').send('{"title": "路灯", "content": ');
        expectError(res, 400, 'INVALID_JSON');
        expect(res.body.error.message).toBe('请求体不是有效的 JSON');
      });
    });

    it('given the submission page, when it is posted with missing, unknown and mistyped fields, then it answers 400 with the form again, what was typed kept and each error next to its field', async () => {
      const agent = h.agent();
      await unchanged(h, async () => {
        const res = await postSubmitPage(agent, { category: 'weather', content: '', township: 'abc', petitionerName: '', petitionerPhone: '12345', agree: undefined, confidential: 'true' });
        const html = formAgain(res);
        expect(html).toContain('提交的内容有误,请按提示修改');
        expect(fieldError(html, 'category')).toBe('请选择诉求类别');
        expect(fieldError(html, 'title')).toBe('');
        expect(fieldError(html, 'content')).toBe('请填写「诉求内容」');
        expect(fieldError(html, 'township')).toBe('请选择发生地所在的乡镇');
        expect(fieldError(html, 'petitionerName')).toBe('请填写「姓名」');
        expect(fieldError(html, 'petitionerPhone')).toBe('请填写 11 位手机号码');
        expect(fieldError(html, 'agree')).toBe('请阅读并同意平台规则');
        // what was typed is kept
        expect(inputValue(html, 'title')).toBe(FIELDS.title);
        expect(inputValue(html, 'petitionerPhone')).toBe('12345');
        expect(html).toMatch(/name="confidential" value="true" checked/);

        const long = formAgain(await postSubmitPage(agent, { title: '路'.repeat(101), content: '灯'.repeat(5001), category: 'report', township: '360783100' }));
        expect(fieldError(long, 'title')).toBe('「标题」最多 100 个字');
        expect(fieldError(long, 'content')).toBe('「诉求内容」最多 5000 个字');
        expect(textareaValue(long, 'content')).toBe('灯'.repeat(5001));
        expect(selected(long, 'category')).toBe('report');
        expect(selected(long, 'township')).toBe('360783100');
        expect(inputValue(long, 'petitionerName')).toBe(PETITIONER.petitionerName);
      });
    });

    it('given the submission page, when the challenge is answered wrong, replayed or the honeypot is filled, then the form comes back with the error at the challenge and the text kept', async () => {
      const agent = h.agent();
      const first = await postSubmitPage(agent, { title: '第一件' });
      expect(first.status).toBe(201);
      const used = await openSubmitPage(agent);
      expect((await postSubmitPage(agent, { challengeToken: used.challengeToken, challengeAnswer: used.challengeAnswer })).status).toBe(201);
      await h.settle();
      await unchanged(h, async () => {
        const wrong = formAgain(await postSubmitPage(agent, (f) => ({ title: '答错了', challengeAnswer: String(Number(f.challengeAnswer) + 1) })));
        expect(fieldError(wrong, 'challengeAnswer')).toBe('验证答案不正确或已过期');
        expect(inputValue(wrong, 'title')).toBe('答错了');
        const replay = formAgain(await postSubmitPage(agent, { challengeToken: used.challengeToken, challengeAnswer: used.challengeAnswer }));
        expect(fieldError(replay, 'challengeAnswer')).toBe('验证答案不正确或已过期');
        const honeypot = formAgain(await postSubmitPage(agent, { website: 'http://spam.example' }));
        expect(fieldError(honeypot, 'challengeAnswer')).toBe('提交未通过验证');
      });
    });

    it('given the submission page, when the sum is wrong and fields are missing too, then the one answer names every problem, the sum among them, and keeps what was typed', async () => {
      const agent = h.agent();
      await unchanged(h, async () => {
        const html = formAgain(await postSubmitPage(agent, (f) => ({ category: '', title: '', petitionerName: '', agree: undefined, challengeAnswer: String(Number(f.challengeAnswer) + 1) })));
        expect(html).toContain('提交的内容有误,请按提示修改');
        expect(fieldError(html, 'category')).toBe('请选择诉求类别');
        expect(fieldError(html, 'title')).toBe('请填写「标题」');
        expect(fieldError(html, 'petitionerName')).toBe('请填写「姓名」');
        expect(fieldError(html, 'agree')).toBe('请阅读并同意平台规则');
        expect(fieldError(html, 'challengeAnswer')).toBe('验证答案不正确或已过期');
        expect(textareaValue(html, 'content')).toBe(FIELDS.content);
        expect(inputValue(html, 'petitionerPhone')).toBe(FIELDS.petitionerPhone);
      });
    });

    it('given the submission page, when more than 3 files, an executable renamed .pdf or an HTML page renamed .txt is attached, then the form comes back with the error at the attachments and the text kept', async () => {
      const agent = h.agent();
      await unchanged(h, async () => {
        const elf = formAgain(await postSubmitPage(agent, {}, [{ name: '发票.pdf', content: ELF }]));
        expect(fieldError(elf, 'attachments')).toContain('文件内容与扩展名 .pdf 不符');
        expect(inputValue(elf, 'title')).toBe(FIELDS.title);
        const html = formAgain(await postSubmitPage(agent, {}, [{ name: '说明.txt', content: HTML }]));
        expect(fieldError(html, 'attachments')).toContain('网页或脚本文件');
        const four = formAgain(await postSubmitPage(agent, { title: '四个附件' }, [1, 2, 3, 4].map((n) => ({ name: `照片${n}.pdf`, content: PDF }))));
        expect(fieldError(four, 'attachments')).toBe('附件数量超过上限');
        expect(inputValue(four, 'title')).toBe('四个附件');
      });
    });
  });

  // ------------------------------------------------------------------------------------ 2. CSRF

  it('given a request without the CSRF token, with a forged one or with one of another visitor, when any unsafe route is called, then it is refused with 403 CSRF and nothing changes', async () => {
    const { code, petitionId } = await newCase();
    const screen = await taskFor(intake, 'Task_ScreenPetition', code);
    const visitor = await h.visitor();
    const reviewer = await h.signIn('reviewer');
    const stranger = await h.visitor();
    const bad: [string, string | undefined][] = [
      ['none', undefined],
      ['forged', 'A'.repeat(stranger.csrf.length)],
      ["another visitor's", stranger.csrf],
      ["another staff session's", reviewer.csrf],
    ];
    const solved = await challenge(visitor);
    const login = h.agent();
    await login.get('/login').expect(200);

    type Send = (token: string | undefined) => request.Test;
    const json =
      (agent: request.Agent, method: 'post' | 'put' | 'patch', path: string, body: object): Send =>
      (token) => {
        const req = agent[method](path).set('accept', 'application/json');
        return (token === undefined ? req : req.set('x-csrf-token', token)).send(body);
      };
    const form =
      (agent: request.Agent, path: string, body: Record<string, string>): Send =>
      (token) =>
        agent.post(path).type('form').set('accept', 'text/html').send(token === undefined ? body : { ...body, _csrf: token });
    const multipart =
      (agent: request.Agent, path: string, fields: Record<string, string>, file: string, via: 'query' | 'header'): Send =>
      (token) => {
        let req = agent.post(token !== undefined && via === 'query' ? `${path}?_csrf=${encodeURIComponent(token)}` : path);
        if (token !== undefined && via === 'header') req = req.set('x-csrf-token', token);
        for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
        return req.attach(file, PDF, { filename: '文书.pdf', contentType: 'application/pdf' });
      };
    const valid = { ...FIELDS, agree: 'true', ...solved };
    const account = { username: 'csrf-victim', displayName: '新同事', password: 'a long enough password', roles: 'intake-operator' };
    const routes: [string, 'page' | 'api', Send][] = [
      ['POST /submit', 'page', multipart(visitor.agent, '/submit', valid, 'attachments', 'query')],
      ['POST /track', 'page', form(visitor.agent, '/track', { trackingCode: code, phone: PETITIONER.petitionerPhone })],
      ['POST /rate/:code', 'page', form(visitor.agent, `/rate/${code}`, { phone: PETITIONER.petitionerPhone, rating: 'satisfied' })],
      ['POST /login', 'page', form(login, '/login', { username: 'intake', password: DEMO_PASSWORD, next: '' })],
      ['POST /api/login', 'api', json(login, 'post', '/api/login', { username: 'intake', password: DEMO_PASSWORD })],
      ['POST /api/petitions', 'api', json(visitor.agent, 'post', '/api/petitions', { ...FIELDS, ...solved })],
      ['POST /api/petitions (multipart)', 'api', multipart(visitor.agent, '/api/petitions', valid, 'attachments', 'header')],
      ['POST /api/track', 'api', json(visitor.agent, 'post', '/api/track', { trackingCode: code, phone: PETITIONER.petitionerPhone })],
      ['POST /api/rate', 'api', json(visitor.agent, 'post', '/api/rate', { trackingCode: code, phone: PETITIONER.petitionerPhone, rating: 'satisfied' })],
      ['POST /api/tasks/:key/complete', 'api', json(intake.agent, 'post', completeUrl(screen.key), { variables: SCREENED })],
      ['POST /api/attachments', 'api', multipart(intake.agent, '/api/attachments', { petitionId, purpose: 'reply.investigationDocument' }, 'file', 'header')],
      ['POST /api/cases/:id/identity', 'api', json(intake.agent, 'post', `/api/cases/${petitionId}/identity`, { purpose: 'contact-petitioner' })],
      ['POST /staff/cases/:id/identity', 'page', form(intake.agent, `/staff/cases/${petitionId}/identity`, {})],
      ['POST /api/admin/staff', 'api', json(admin.agent, 'post', '/api/admin/staff', { ...account, roles: ['intake-operator'] })],
      ['PATCH /api/admin/staff/:id', 'api', json(admin.agent, 'patch', `/api/admin/staff/${(await intake.get('/api/session')).body.staff.id}`, { active: false })],
      ['PUT /api/admin/calendar/:date', 'api', json(admin.agent, 'put', '/api/admin/calendar/2026-10-09', { workday: false, label: '调休' })],
      ['POST /admin/staff', 'page', form(admin.agent, '/admin/staff', account)],
      ['POST /admin/calendar', 'page', form(admin.agent, '/admin/calendar', { date: '2026-10-09', workday: 'false' })],
      ['POST /api/logout', 'api', json(intake.agent, 'post', '/api/logout', {})],
      ['POST /logout', 'page', form(intake.agent, '/logout', {})],
    ];
    await unchanged(
      h,
      async () => {
        for (const [route, kind, send] of routes) {
          for (const [which, token] of bad) {
            const res = await send(token);
            const seen = { route, which, status: res.status, setsSession: cookiesOf(res).some((c) => c.startsWith('wz_sid=')) };
            expect(seen).toEqual({ route, which, status: 403, setsSession: false });
            if (kind === 'api') expect({ route, which, error: res.body.error }).toEqual({ route, which, error: { code: 'CSRF', message: CSRF_MESSAGE } });
            else expect({ route, which, type: res.type, message: res.text.includes(CSRF_MESSAGE) }).toEqual({ route, which, type: 'text/html', message: true });
          }
        }
      },
      ['staff', 'sessions', 'identity_access_log', 'calendar_overrides'],
    );
    // the task is still open, the staff still signed in
    expect((await h.t.engine.getUserTask(screen.key))?.state).toBe('created');
    expect((await intake.get('/api/session').expect(200)).body.staff.username).toBe('intake');
    // the same requests with the right token go through (they were refused for the token only)
    expect((await json(intake.agent, 'post', `/api/cases/${petitionId}/identity`, { purpose: 'contact-petitioner' })(intake.csrf)).status).toBe(200);
    expect((await json(intake.agent, 'post', completeUrl(screen.key), { variables: SCREENED })(intake.csrf)).status).toBe(200);
    await h.settle();
  });

  // ------------------------------------------------------------------------------------- 3. XSS

  it('given script in the title, content, name and a task note, when the case is screened and dispatched, then every page that shows it shows it as text', async () => {
    const { citizen, code, petitionId } = await newCase('screened', { title: XSS, content: `${XSS}\n第二行`, petitionerName: '<b>王小明</b>' });
    await complete(h, intake, 'Task_DispatchPetition', code, { unitId: 'u-longnan', jointMode: 'coordinated', coordinationNote: XSS });
    const shownAsText = (where: string, html: string) => {
      expect({ where, escaped: html.includes(XSS_ESCAPED) }).toEqual({ where, escaped: true });
      for (const raw of RAW_MARKUP) expect({ where, raw, found: html.includes(raw) }).toEqual({ where, raw, found: false });
    };

    // the citizen's tracking page
    const trackPage = await citizen.agent.get('/track').set('accept', 'text/html');
    const tracked = await citizen.agent.post('/track').type('form').set('accept', 'text/html').send({ _csrf: csrfOf(trackPage.text), trackingCode: code, phone: PETITIONER.petitionerPhone });
    expect(tracked.status).toBe(200);
    shownAsText('tracked', tracked.text);

    // the unit's task list, task page (with its form data as script data) and case page
    const list = await handler.get('/staff').set('accept', 'text/html').expect(200);
    shownAsText('/staff', list.text);
    const sign = await taskFor(handler, 'Task_SignOrReturn', code);
    const task = await handler.get(`/staff/tasks/${encodeURIComponent(sign.key)}`).set('accept', 'text/html').expect(200);
    shownAsText('/staff/tasks/:key', task.text);
    expect(task.text.match(/<script\b/g)).toHaveLength(3); // the schema, the data, the form's code: nothing else
    const data = /<script type="application\/json" id="task-form-data">([\s\S]*?)<\/script>/.exec(task.text)?.[1] ?? '';
    expect(data).not.toMatch(/<\/?script/i);
    expect(data).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    expect(JSON.parse(data).coordinationNote).toBe(XSS);
    const casePage = await handler.get(`/staff/cases/${petitionId}`).set('accept', 'text/html').expect(200);
    shownAsText('/staff/cases/:id', casePage.text);
    const identity = await handler.agent.post(`/staff/cases/${petitionId}/identity`).type('form').set('accept', 'text/html').send({ _csrf: handler.csrf });
    expect(identity.status).toBe(200);
    expect(identity.text).toContain('姓名:&lt;b&gt;王小明&lt;/b&gt;');
    shownAsText('/staff/cases/:id identity', identity.text);
    shownAsText('/staff/cases', (await handler.get('/staff/cases').set('accept', 'text/html').expect(200)).text);
    shownAsText('/staff/cases (platform)', (await intake.get('/staff/cases').set('accept', 'text/html').expect(200)).text);
  });

  it('given a file name with markup, when the submission page refuses the file, then the error that names it shows it as text', async () => {
    const agent = h.agent();
    await unchanged(h, async () => {
      const html = formAgain(await postSubmitPage(agent, { title: XSS }, [{ name: '<img src=x onerror=alert(3)>.pdf', content: ELF }]));
      expect(fieldError(html, 'attachments')).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(3)&gt;');
      expect(inputValue(html, 'title')).toBe(XSS_ESCAPED);
      for (const raw of RAW_MARKUP) expect(html).not.toContain(raw);
    });
    // the sign-in page echoes the user name typed
    const login = h.agent();
    const page = await login.get('/login').expect(200);
    const res = await login.post('/login').type('form').set('accept', 'text/html').send({ _csrf: csrfOf(page.text), username: XSS, password: 'x' });
    expect(res.status).toBe(401);
    expect(res.text).toContain(`value="${XSS_ESCAPED}"`);
    for (const raw of RAW_MARKUP) expect(res.text).not.toContain(raw);
  });

  // ------------------------------------------------------------------------- 4. task completion

  describe('a task completion', () => {
    it('given a task already completed, when it is submitted again, then 409 TASK_DONE and the case moved on once', async () => {
      const { code, petitionId } = await newCase();
      const screen = await complete(h, intake, 'Task_ScreenPetition', code, SCREENED);
      await unchanged(h, async () => {
        const again = await intake.post(completeUrl(screen.key), { variables: SCREENED });
        expect(expectError(again, 409, 'TASK_DONE').message).toBe('该事项已经办理,不能重复提交');
        // with other values too
        expectError(await intake.post(completeUrl(screen.key), { variables: { inScope: false, outOfScopeItem: '一', rejectionNote: '不予受理' } }), 409, 'TASK_DONE');
      });
      expect((await openTasks(h, petitionId)).map((t) => t.elementId)).toEqual(['Task_DispatchPetition']);
    });

    it('given a double click, when the same task is submitted twice at once, then one completes it, the other gets 409 and the case moved on once', async () => {
      const { code, petitionId } = await newCase();
      const screen = await taskFor(intake, 'Task_ScreenPetition', code);
      const [a, b] = await Promise.all([intake.post(completeUrl(screen.key), { variables: SCREENED }), intake.post(completeUrl(screen.key), { variables: SCREENED })]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      expectError(a.status === 409 ? a : b, 409, 'TASK_DONE');
      await h.settle();
      expect((await openTasks(h, petitionId)).map((t) => t.elementId)).toEqual(['Task_DispatchPetition']);
      const completions = (await intake.get(`/api/cases/${petitionId}`).expect(200)).body.timeline.filter((e: { action: string }) => e.action === 'task.completed');
      expect(completions).toHaveLength(1);
    });

    it('given a reply without its required fields, when submitted, then 400 names each field path and the task stays open', async () => {
      const { code } = await newCase('contacted');
      const draft = await taskFor(handler, 'Task_DraftReply', code);
      await unchanged(h, async () => {
        const res = await handler.post(completeUrl(draft.key), { variables: { reply: { handlingUnit: '龙南镇人民政府' } } });
        const { message, details } = expectError(res, 400, 'INVALID_INPUT', ['reply.handledAt', 'reply.result', 'reply.legalBasis', 'reply.contactRecord', 'reply.investigation', 'reply.replyText']);
        expect(message).toBe('表单填写有误,请按提示修改');
        expect(messageOf(details, 'reply.result')).toMatch(/必填|请填写/);
        // nothing at all: the same fields and the unit too
        expectError(await handler.post(completeUrl(draft.key), { variables: {} }), 400, 'INVALID_INPUT', ['reply.handledAt', 'reply.handlingUnit', 'reply.result', 'reply.legalBasis', 'reply.contactRecord', 'reply.investigation', 'reply.replyText']);
      });
      expect((await h.t.engine.getUserTask(draft.key))?.state).toBe('created');
    });

    it('given values outside a field’s options, when submitted, then 400 names the field and the task stays open', async () => {
      const { code } = await newCase('screened');
      const dispatch = await taskFor(intake, 'Task_DispatchPetition', code);
      await unchanged(h, async () => {
        expectError(await intake.post(completeUrl(dispatch.key), { variables: { unitId: 'u-nowhere', jointMode: 'single' } }), 400, 'INVALID_INPUT', ['unitId']);
        expectError(await intake.post(completeUrl(dispatch.key), { variables: { unitId: 'u-longnan', jointMode: 'alone' } }), 400, 'INVALID_INPUT', ['jointMode']);
      });
      await complete(h, intake, 'Task_DispatchPetition', code, DISPATCHED);
      const sign = await taskFor(handler, 'Task_SignOrReturn', code);
      await unchanged(h, async () => {
        for (const returnRequested of ['yes', 'false', 1, null, ['true']]) {
          expectError(await handler.post(completeUrl(sign.key), { variables: { returnRequested } }), 400, 'INVALID_INPUT', ['returnRequested']);
        }
      });
      expect((await h.t.engine.getUserTask(sign.key))?.state).toBe('created');
    });

    it('given keys the form does not have, when the dispatch is submitted with them, then they are dropped and the case goes to the unit chosen', async () => {
      const { code, petitionId } = await newCase('screened');
      await complete(h, intake, 'Task_DispatchPetition', code, { ...DISPATCHED, unitGroup: 'unit:u-market', candidateGroups: ['unit:u-market'], petitionId: 'another', suggestedUnitId: 'u-market' });
      // the Longnan handler has the next task; the market regulator's does not see it
      const sign = await taskFor(handler, 'Task_SignOrReturn', code);
      expect(sign.mayAct).toBe(true);
      const market = await h.signIn('handler-market');
      expect(((await market.get('/api/tasks').expect(200)).body as { petition?: { trackingCode: string } }[]).filter((t) => t.petition?.trackingCode === code)).toEqual([]);
      const [open] = await openTasks(h, petitionId);
      expect(open.candidateGroups).toEqual(['unit:u-longnan']);
      const instance = await h.t.engine.getProcessInstance(open.processInstanceKey);
      // unitGroup is the process's own (from the unit chosen): the forged one did not get in
      expect(instance?.variables.unitGroup).toBe('unit:u-longnan');
      expect(instance?.variables).not.toHaveProperty('candidateGroups');
      expect(instance?.variables.petitionId).toBe(petitionId);
      expect((await intake.get(`/api/cases/${petitionId}`).expect(200)).body.unitId).toBe('u-longnan');
    });

    it('given a reference to another case’s file, when the reply is submitted with it, then 400 names the document field and the task stays open', async () => {
      const other = await h.visitor();
      const otherCase = await postMultipart(other, { ...FIELDS, ...(await challenge(other)) }, [{ name: '别人的材料.pdf', content: PDF }]);
      expect(otherCase.status).toBe(201);
      await h.settle();
      const otherFiles = (await intake.get(`/api/cases/${await petitionIdOf(h, otherCase.body.trackingCode)}`).expect(200)).body.attachments as { id: string }[];
      expect(otherFiles).toHaveLength(1);

      const { code } = await newCase('contacted');
      const draft = await taskFor(handler, 'Task_DraftReply', code);
      const reply = {
        handledAt: '2026-03-03T02:00:00.000Z',
        handlingUnit: '龙南镇人民政府',
        result: '已更换路灯。',
        legalBasis: '《城市照明管理规定》',
        contactRecord: '电话联系',
        investigation: 'investigated',
        publishable: false,
        replyText: '路灯已修复。',
      };
      await unchanged(h, async () => {
        for (const ref of [`attachment:${otherFiles[0].id}`, 'attachment:att-doesnotexist', 'https://evil.example/x.pdf']) {
          const res = await handler.post(completeUrl(draft.key), { variables: { reply: { ...reply, investigationDocument: ref } } });
          expectError(res, 400, 'INVALID_INPUT', ['reply.investigationDocument']);
        }
      });
      expect((await h.t.engine.getUserTask(draft.key))?.state).toBe('created');
    });

    it('given no variables or variables that are not an object, when a task is completed, then 400 and the task stays open', async () => {
      const { code } = await newCase();
      const screen = await taskFor(intake, 'Task_ScreenPetition', code);
      await unchanged(h, async () => {
        for (const body of [{}, { variables: null }, { variables: [] }, { variables: 'inScope=true' }, { variables: 1 }, { inScope: true }]) {
          expectError(await intake.post(completeUrl(screen.key), body), 400, 'INVALID_INPUT');
        }
        const res = await intake.agent.post(completeUrl(screen.key)).set('x-csrf-token', intake.csrf).set('content-type', 'application/json').send('{"variables": {');
        expectError(res, 400, 'INVALID_JSON');
      });
      expect((await h.t.engine.getUserTask(screen.key))?.state).toBe('created');
    });
  });

  // ------------------------------------------------------------------------ 5. tracking, rating

  describe('tracking and rating', () => {
    it('given an unknown tracking code or a wrong phone for a real one, when tracked, then the answers are identical', async () => {
      const { code } = await newCase();
      const v = await h.visitor();
      await unchanged(h, async () => {
        const unknown = await v.post('/api/track', { trackingCode: 'WZ23456789', phone: PETITIONER.petitionerPhone });
        const wrongPhone = await v.post('/api/track', { trackingCode: code, phone: '13900009999' });
        const malformed = await v.post('/api/track', { trackingCode: '<x>', phone: 'abc' });
        const none = await v.post('/api/track', {});
        expectError(unknown, 404, 'NOT_FOUND');
        expect(unknown.body.error.message).toBe('查询编号或手机号码不正确');
        for (const res of [wrongPhone, malformed, none]) expect({ status: res.status, body: res.body }).toEqual({ status: unknown.status, body: unknown.body });

        // the page: the same HTML but for the CSRF token and the code typed
        const page = async (trackingCode: string, phone: string) => {
          const agent = h.agent();
          const form = await agent.get('/track').expect(200);
          const res = await agent.post('/track').type('form').set('accept', 'text/html').send({ _csrf: csrfOf(form.text), trackingCode, phone });
          expect(res.status).toBe(404);
          return res.text.replace(csrfOf(res.text), 'CSRF').replace(`value="${trackingCode}"`, 'value="CODE"');
        };
        const unknownPage = await page('WZ23456789', PETITIONER.petitionerPhone);
        expect(unknownPage).toContain('查询编号或手机号码不正确');
        expect(await page(code, '13900009999')).toBe(unknownPage);
      });
    });

    it('given a case not waiting for a rating, when it is rated, then 409 NOT_RATABLE and nothing changes', async () => {
      const { code } = await newCase('screened');
      const v = await h.visitor();
      await unchanged(h, async () => {
        const res = await v.post('/api/rate', { trackingCode: code, phone: PETITIONER.petitionerPhone, rating: 'satisfied' });
        expect(expectError(res, 409, 'NOT_RATABLE').message).toBe('该诉求当前不在评价期内');
        const agent = h.agent();
        const form = await agent.get(`/rate/${code}`).expect(200);
        const page = await agent.post(`/rate/${code}`).type('form').set('accept', 'text/html').send({ _csrf: csrfOf(form.text), phone: PETITIONER.petitionerPhone, rating: 'satisfied', ratingComment: '很好' });
        expect(page.status).toBe(409);
        expect(page.text).toContain('该诉求当前不在评价期内');
        expect(page.text).toContain('很好');
        // an unknown code and a wrong phone: the same answer as tracking
        const unknown = await v.post('/api/rate', { trackingCode: 'WZ23456789', phone: PETITIONER.petitionerPhone, rating: 'satisfied' });
        const wrongPhone = await v.post('/api/rate', { trackingCode: code, phone: '13900009999', rating: 'satisfied' });
        expectError(unknown, 404, 'NOT_FOUND');
        expect(wrongPhone.body).toEqual(unknown.body);
      });
    });

    it('given an invalid rating value, when rated, then 400 names the rating field and nothing changes', async () => {
      const { code } = await newCase('screened');
      const v = await h.visitor();
      await unchanged(h, async () => {
        for (const rating of ['excellent', '', 5, null, ['satisfied']]) {
          const res = await v.post('/api/rate', { trackingCode: code, phone: PETITIONER.petitionerPhone, rating });
          expect(messageOf(expectError(res, 400, 'INVALID_INPUT', ['rating']).details, 'rating')).toBe('请选择满意度');
        }
        expectError(await v.post('/api/rate', { trackingCode: code, phone: PETITIONER.petitionerPhone, rating: 'satisfied', ratingComment: '评'.repeat(501) }), 400, 'INVALID_INPUT', ['ratingComment']);
        const agent = h.agent();
        const form = await agent.get(`/rate/${code}`).expect(200);
        const page = await agent.post(`/rate/${code}`).type('form').set('accept', 'text/html').send({ _csrf: csrfOf(form.text), phone: PETITIONER.petitionerPhone, rating: 'excellent' });
        expect(page.status).toBe(400);
        expect(fieldError(page.text, 'rating')).toBe('请选择满意度');
      });
    });
  });

  // ------------------------------------------------------------------------ 6. login throttling

  it('given five wrong passwords, when the right one follows, then the account is locked: refused with the same answer as a wrong password (a stranger cannot tell), on the API and the page, and no session', async () => {
    await unchanged(
      h,
      async () => {
        const api = await h.visitor();
        for (let i = 1; i <= 5; i++) {
          const res = await api.post('/api/login', { username: 'modeler', password: `wrong ${i}` });
          expect(expectError(res, 401, 'INVALID_CREDENTIALS').message).toBe('用户名或密码不正确(连续输错 5 次,账号将暂停登录 15 分钟)');
        }
        const locked = await api.post('/api/login', { username: 'modeler', password: DEMO_PASSWORD });
        expect(expectError(locked, 401, 'INVALID_CREDENTIALS').message).toBe('用户名或密码不正确(连续输错 5 次,账号将暂停登录 15 分钟)');
        expect(cookiesOf(locked)).not.toContainEqual(expect.stringMatching(/^wz_sid=/));

        const agent = h.agent();
        const form = await agent.get('/login').expect(200);
        const post = (password: string) => agent.post('/login').type('form').set('accept', 'text/html').send({ _csrf: csrfOf(form.text), username: 'leader', password, next: '' });
        for (let i = 1; i <= 5; i++) expect((await post(`wrong ${i}`)).status).toBe(401);
        const page = await post(DEMO_PASSWORD);
        expect(page.status).toBe(401);
        expect(page.text).toContain('用户名或密码不正确(连续输错 5 次,账号将暂停登录 15 分钟)');
        expect(page.headers.location).toBeUndefined();
        expect(cookiesOf(page)).not.toContainEqual(expect.stringMatching(/^wz_sid=/));
      },
      ['sessions'],
    );
  });

  // ---------------------------------------------------------------------------------- 7. admin

  describe('administration', () => {
    it('given an unknown role, a unit role without a unit, a short password or a taken user name, when an account is created, then 400 says so in Chinese and no account is made', async () => {
      const good = { username: 'newcomer', displayName: '新同事', password: 'a long enough password', roles: ['intake-operator'] };
      await unchanged(
        h,
        async () => {
          const cases: [Record<string, unknown>, string, RegExp][] = [
            [{ roles: ['superuser'] }, 'roles', /角色/],
            [{ roles: [] }, 'roles', /角色/],
            [{ roles: ['unit-handler'] }, 'unitId', /单位/],
            [{ roles: ['unit-handler'], unitId: 'u-nowhere' }, 'unitId', /单位/],
            [{ password: 'short' }, 'password', /密码.*8/],
            [{ password: undefined }, 'password', /密码/],
            [{ username: 'intake' }, 'username', /用户名.*intake/],
            [{ username: 'x' }, 'username', /用户名/],
            [{ displayName: '' }, 'displayName', /姓名/],
          ];
          for (const [wrong, fieldName, says] of cases) {
            const res = await admin.post('/api/admin/staff', { ...good, ...wrong });
            const { message, details } = expectError(res, 400, 'INVALID_INPUT', [fieldName]);
            expect({ wrong, message }).toEqual({ wrong, message: expect.stringMatching(says) });
            expect(messageOf(details, fieldName)).toBe(message);
          }
          // the page shows the form again with the problem, in Chinese
          const page = await admin.agent.post('/admin/staff').type('form').set('accept', 'text/html').send({ _csrf: admin.csrf, ...good, roles: 'unit-handler' });
          expect(page.status).toBe(400);
          expect(page.text).toMatch(/<div class="errors" role="alert">\s*<p>[^<]*单位/);
          expect(page.text).not.toMatch(/needs the account|must be|is taken/);
        },
        ['staff'],
      );
      expect(((await admin.get('/api/admin/staff').expect(200)).body as { username: string }[]).map((s) => s.username)).not.toContain('newcomer');
    });

    it('given a calendar override with a bad date, when it is saved, then 400 names the date and nothing is saved', async () => {
      await unchanged(
        h,
        async () => {
          for (const date of ['2026-02-30', '2026-13-01', '2026-1-5', 'tomorrow']) {
            const res = await admin.put(`/api/admin/calendar/${encodeURIComponent(date)}`, { workday: false, label: '调休' });
            expect(messageOf(expectError(res, 400, 'INVALID_INPUT', ['date']).details, 'date')).toMatch(/日期/);
          }
          expectError(await admin.put('/api/admin/calendar/2026-10-09', { workday: 'maybe' }), 400, 'INVALID_INPUT', ['workday']);
          // a label or source that is not text is refused, not stored as "[object Object]"
          expectError(await admin.put('/api/admin/calendar/2026-10-09', { workday: false, label: { text: '调休' } }), 400, 'INVALID_INPUT', ['label']);
          expectError(await admin.put('/api/admin/calendar/2026-10-09', { workday: false, source: ['国办发明电'] }), 400, 'INVALID_INPUT', ['source']);
          const page = await admin.agent.post('/admin/calendar').type('form').set('accept', 'text/html').send({ _csrf: admin.csrf, date: '2026-02-30', workday: 'false' });
          expect(page.status).toBe(400);
          expect(page.text).toMatch(/日期/);
          expect(page.text).not.toMatch(/must be a calendar day/);
        },
        ['calendar_overrides'],
      );
    });
  });
});

// ------------------------------------------------------------------------- apps with other limits

describe('bad input with a 1 MB upload limit', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp({ app: { uploadMaxMb: 1 } });
  });
  afterAll(() => h.close());

  it('given a file over 1 MB, when submitted through the API or the page, then it is refused as too large and nothing is stored', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(1024 * 1024, 0x20)]);
    const v = await h.visitor();
    await unchanged(h, async () => {
      const res = await postMultipart(v, { ...FIELDS, ...(await challenge(v)) }, [{ name: '扫描件.pdf', content: big }]);
      expectError(res, 413, 'FILE_TOO_LARGE', ['attachments']);
      const html = formAgain(await postSubmitPage(h.agent(), { title: '大文件' }, [{ name: '扫描件.pdf', content: big }]), 413);
      expect(fieldError(html, 'attachments')).toBe('文件过大');
      expect(html).toContain('每个不超过 1 MB');
      expect(inputValue(html, 'title')).toBe('大文件');
    });
    // just under the limit is taken
    const fits = await postMultipart(v, { ...FIELDS, ...(await challenge(v)) }, [{ name: '扫描件.pdf', content: big.subarray(0, 1024 * 1024) }]);
    expect(fits.status).toBe(201);
  });
});

describe('bad input with a portal limit of 3 requests', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp({ app: { portalRateLimit: 3 } });
  });
  afterAll(() => h.close());

  it('given three tracking requests, when a fourth comes within the window, then 429 RATE_LIMITED in Chinese, on the API and the page', async () => {
    const v = await h.visitor();
    await unchanged(h, async () => {
      for (let i = 0; i < 3; i++) expect((await v.post('/api/track', { trackingCode: 'WZ23456789', phone: PETITIONER.petitionerPhone })).status).toBe(404);
      const res = await v.post('/api/track', { trackingCode: 'WZ23456789', phone: PETITIONER.petitionerPhone });
      expect(expectError(res, 429, 'RATE_LIMITED').message).toBe('操作过于频繁,请稍后再试');
      // a submission is refused as well, before it is looked at
      expectError(await v.post('/api/petitions', { ...FIELDS, ...(await challenge(v)) }), 429, 'RATE_LIMITED');
      const form = await v.agent.get('/track').expect(200);
      const page = await v.agent.post('/track').type('form').set('accept', 'text/html').send({ _csrf: csrfOf(form.text), trackingCode: 'WZ23456789', phone: PETITIONER.petitionerPhone });
      expect(page.status).toBe(429);
      expect(page.type).toBe('text/html');
      expect(page.text).toContain('操作过于频繁,请稍后再试');
    });
  });
});
