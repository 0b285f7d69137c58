/**
 * Part of the lifecycle bench (../lifecycle.ts): whole petitions through HTTP, as citizens and staff
 * do it (a small cookie-keeping browser).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';
import { DEMO_PASSWORD } from '../../server/data/seed.js';
import { solveChallenge } from '../../server/domain/challenge.js';
import type { Database } from '../../engine/embedded/store/database.js';
import type { EnginePort } from '../../engine/port.js';
import type { AppChild, WorkerChild } from './children.js';
import { sleep, STEP_TIMEOUT_MS, type TxCounters } from './measure.js';

// ---------------------------------------------------------------- HTTP, as a browser does it

export interface Answer {
  status: number;
  body: any;
}

/** keep-alive connections shared by every browser here (node:http: fetch costs this process several times the CPU) */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function send(url: string, method: string, headers: Record<string, string>, body: Buffer | undefined, retried = false): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // a kept-alive connection the server closed just as it was reused: sent again once on a new one
    req.on('error', (err: NodeJS.ErrnoException) => (req.reusedSocket && err.code === 'ECONNRESET' && !retried ? send(url, method, headers, body, true).then(resolve, reject) : reject(err)));
    req.end(body);
  });
}

/** one person's browser: cookies, the CSRF token of their session */
export class Browser {
  private readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly base: string) {}

  async request(method: string, path: string, body?: object | FormData | URLSearchParams): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    let payload: Buffer | undefined;
    if (body instanceof FormData) {
      // multipart as a browser encodes it
      const encoded = new Request('http://encode.invalid/', { method: 'POST', body });
      headers['content-type'] = encoded.headers.get('content-type')!;
      payload = Buffer.from(await encoded.arrayBuffer());
    } else if (body instanceof URLSearchParams) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = Buffer.from(body.toString());
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = Buffer.from(JSON.stringify(body));
    }
    const res = await send(this.base + path, method, headers, payload);
    for (const c of res.headers['set-cookie'] ?? []) {
      const pair = c.split(';')[0];
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (!value || /max-age=0/i.test(c) || /expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    let parsed: unknown = res.text;
    try {
      parsed = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed };
  }

  /** the cookies as this browser sends them (for a request made apart, e.g. a streamed download) */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: object | FormData | URLSearchParams) => this.request('POST', path, body ?? {});

  async open() {
    const s = await this.get('/api/session');
    expectStatus(s, 200, 'GET /api/session');
    this.csrf = s.body.csrfToken;
    return this;
  }

  async signIn(username: string) {
    await this.open();
    const r = await this.post('/api/login', { username, password: DEMO_PASSWORD });
    expectStatus(r, 200, `sign-in of ${username}`);
    this.csrf = r.body.csrfToken;
    return this;
  }
}

export function expectStatus(a: Answer, status: number, what: string) {
  if (a.status !== status) throw new Error(`${what}: HTTP ${a.status}, expected ${status}: ${JSON.stringify(a.body).slice(0, 400)}`);
}

// ---------------------------------------------------------------- one whole petition

export const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')]);
/** the history a case has once closed: anything twice is a step done twice */
export const EXPECTED_TIMELINE = ['petition.submitted', ...Array(7).fill('task.completed'), 'petition.rated'];

export interface Staff {
  intake: Browser;
  handler: Browser;
  leader: Browser;
  reviewer: Browser;
}

export interface Done {
  code: string;
  petitionId: string;
  phone: string;
  citizen: Browser;
}

/** ms each kind of step took: waiting for it to show, and the person's request(s) */
export type StepTimes = Map<string, { waitMs: number[]; actMs: number[] }>;

export function stepTime(times: StepTimes, step: string, waitMs: number, actMs: number) {
  let t = times.get(step);
  if (!t) times.set(step, (t = { waitMs: [], actMs: [] }));
  t.waitMs.push(waitMs);
  t.actMs.push(actMs);
}

export class Driver {
  readonly times: StepTimes = new Map();
  /** ratings refused (409 NOT_RATABLE) while the case already showed as ratable */
  ratingRefused = 0;
  constructor(
    private readonly app: RunningApp,
    /** the staff's sessions on each app (app k's at index k) */
    private readonly staff: Staff[],
  ) {}

  /** the person looks at their task list until the task of this case shows (woken when such a task is created) */
  private async waitForTask(p: Browser, elementId: string, code: string) {
    const until = Date.now() + STEP_TIMEOUT_MS;
    let backoff = 25;
    for (;;) {
      const created = this.app.taskCreated(elementId);
      const list = await p.get(`/api/tasks?task=${elementId}&q=${code}`);
      expectStatus(list, 200, 'GET /api/tasks');
      const found = (list.body as { elementId: string; key: string; petition?: { trackingCode: string; id: string } }[]).filter((t) => t.elementId === elementId && t.petition?.trackingCode === code);
      if (found.length > 1) throw new Error(`${code}: ${found.length} open ${elementId} tasks (a step done twice)`);
      if (found.length === 1) return found[0];
      if (Date.now() > until) throw new Error(`${code}: ${elementId} did not show in the task list within ${STEP_TIMEOUT_MS / 1000} s`);
      await Promise.race([created, sleep(backoff)]);
      backoff = Math.min(backoff * 2, 1000);
    }
  }

  private async step(p: Browser, elementId: string, code: string, variables: (petitionId: string) => Promise<Record<string, unknown>> | Record<string, unknown>) {
    const t0 = performance.now();
    const task = await this.waitForTask(p, elementId, code);
    const t1 = performance.now();
    const values = await variables(task.petition!.id);
    const t2 = performance.now();
    const r = await p.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables: values });
    if (this.app.viaHttp) {
      // the engine is in an app child: the completion timed and counted as the request that makes it
      if (this.app.recording.on) this.app.completeMs.push(performance.now() - t2);
      if (r.status === 200) this.app.completeCalls.ok++;
      else this.app.completeCalls.failed++;
    }
    expectStatus(r, 200, `${code}: completing ${elementId}`);
    stepTime(this.times, elementId, t1 - t0, performance.now() - t1);
    return task;
  }

  private async closed(petitionId: string, code: string) {
    const until = Date.now() + STEP_TIMEOUT_MS;
    for (let backoff = 10; ; backoff = Math.min(backoff * 2, 250)) {
      const [row] = (await this.app.db.sequelize.query('SELECT status FROM petitions WHERE id = ?', { replacements: [petitionId], type: QueryTypes.SELECT })) as { status: string }[];
      if (row?.status === 'closed') return;
      if (Date.now() > until) throw new Error(`${code}: still ${row?.status} after ${STEP_TIMEOUT_MS / 1000} s, waiting for closed`);
      await sleep(backoff);
    }
  }

  /** the citizen tracks the case until it has this status (re-looking with a backoff) */
  private async waitForStatus(d: Pick<Done, 'citizen' | 'code' | 'phone'>, status: string) {
    const until = Date.now() + STEP_TIMEOUT_MS;
    let backoff = 10;
    for (;;) {
      const r = await d.citizen.post('/api/track', { trackingCode: d.code, phone: d.phone });
      expectStatus(r, 200, `${d.code}: tracking`);
      if (r.body.status === status) return r.body;
      if (['rejected', 'invalid', 'not-rated', 'redo', 'supervised', 'closed'].includes(r.body.status)) throw new Error(`${d.code}: status ${r.body.status} while waiting for ${status}`);
      if (Date.now() > until) throw new Error(`${d.code}: still ${r.body.status} after ${STEP_TIMEOUT_MS / 1000} s, waiting for ${status}`);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 250);
    }
  }

  async petition(i: number): Promise<Done> {
    // the petition's people on one app, round-robin (sessions are in the database: any app would do)
    const k = i % this.staff.length;
    const { intake, handler, leader, reviewer } = this.staff[k];
    const phone = `139${String(10_000_000 + (i % 90_000_000)).slice(-8)}`;
    const citizen = await new Browser(this.app.bases[k]).open();
    let t0 = performance.now();
    const challenge = await citizen.get('/api/challenge');
    expectStatus(challenge, 200, 'GET /api/challenge');
    const submitted = await citizen.post('/api/petitions', {
      category: 'complaint',
      title: '小区路灯不亮',
      content: `龙南镇某小区 ${(i % 30) + 1} 栋旁的路灯已经一周不亮。我叫王小明,电话${phone}。`,
      township: '360783100',
      agree: true,
      petitionerName: '王小明',
      petitionerPhone: phone,
      challengeToken: challenge.body.token,
      challengeAnswer: String(solveChallenge(challenge.body.question)),
    });
    expectStatus(submitted, 201, 'submitting a petition');
    const code: string = submitted.body.trackingCode;
    stepTime(this.times, 'submit', 0, performance.now() - t0);

    await this.step(intake, 'Task_ScreenPetition', code, () => ({ inScope: true, isMajor: false }));
    await this.step(intake, 'Task_DispatchPetition', code, () => ({ unitId: 'u-longnan', jointMode: 'single' }));
    await this.step(handler, 'Task_SignOrReturn', code, () => ({ returnRequested: false }));
    let petitionId = '';
    await this.step(handler, 'Task_ContactPetitioner', code, async (id) => {
      petitionId = id;
      // the unit may see this petitioner (not confidential): the read is logged
      const identity = await handler.post(`/api/cases/${id}/identity`, { purpose: 'contact-petitioner' });
      expectStatus(identity, 200, `${code}: reading the identity`);
      return { contactedAt: new Date().toISOString(), contactMethod: 'phone', contactSummary: '已电话联系诉求人,约定次日现场查看' };
    });
    await this.step(handler, 'Task_DraftReply', code, async (id) => {
      const form = new FormData();
      form.append('petitionId', id);
      form.append('purpose', 'reply.investigationDocument');
      form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'investigation.pdf');
      const upload = await handler.post('/api/attachments', form);
      expectStatus(upload, 201, `${code}: uploading the investigation document`);
      return {
        reply: {
          handledAt: new Date().toISOString(),
          handlingUnit: '龙南镇人民政府',
          result: '已更换损坏的路灯灯头,恢复照明。',
          legalBasis: '《城市照明管理规定》第二十条',
          contactRecord: '电话联系诉求人',
          investigation: 'investigated',
          investigationDocument: `attachment:${upload.body.id}`,
          publishable: true,
          replyText: `您反映的路灯问题已修复。诉求人王小明,电话${phone}。`,
        },
      };
    });
    await this.step(leader, 'Task_OASignOff', code, () => ({ signOffApproved: true, signOffOpinion: '同意答复' }));
    await this.step(reviewer, 'Task_ReviewReply', code, () => ({ reviewApproved: true, reviewReason: '答复内容完整', publishable: true }));

    const d = { citizen, code, phone, petitionId };
    t0 = performance.now();
    // the citizen opens the case when the SMS with the rating link arrives
    await this.app.messageSent(petitionId, 'reply-ready');
    const replied = await this.waitForStatus(d, 'replied');
    if (!replied.canRate || !String(replied.reply?.text ?? '').includes('路灯问题已修复')) throw new Error(`${code}: replied without the reply or without the rating open`);
    const t1 = performance.now();
    // the SMS and the wait for the rating commit together (the link job's writes go with its
    // completion): a rating after the SMS is taken; a refusal (409 NOT_RATABLE) would be counted
    let rating = await citizen.post('/api/rate', { trackingCode: code, phone, rating: 'satisfied', ratingComment: '处理及时' });
    for (let backoff = 10; rating.status === 409 && rating.body?.error?.code === 'NOT_RATABLE' && performance.now() - t1 < STEP_TIMEOUT_MS; backoff = Math.min(backoff * 2, 250)) {
      this.ratingRefused++;
      await sleep(backoff);
      rating = await citizen.post('/api/rate', { trackingCode: code, phone, rating: 'satisfied', ratingComment: '处理及时' });
    }
    expectStatus(rating, 202, `${code}: rating`);
    stepTime(this.times, 'rate', t1 - t0, performance.now() - t1);
    t0 = performance.now();
    // the citizen is done; the bench waits for the case to close (what the rating sets off) in the
    // database — check() tracks it through HTTP afterwards
    await this.closed(petitionId, code);
    stepTime(this.times, 'closed', performance.now() - t0, 0);
    return d;
  }

  /** after the blocks: each case closed once, with exactly its history; rating again is refused */
  async check(done: Done[]) {
    for (const d of done) {
      const t = await d.citizen.post('/api/track', { trackingCode: d.code, phone: d.phone });
      expectStatus(t, 200, `${d.code}: tracking`);
      if (t.body.status !== 'closed' || t.body.canRate !== false) throw new Error(`${d.code}: ${t.body.status} at the end, not closed`);
      const again = await d.citizen.post('/api/rate', { trackingCode: d.code, phone: d.phone, rating: 'unsatisfied' });
      if (again.status !== 409) throw new Error(`${d.code}: a second rating answered ${again.status}, not 409`);
      const c = await this.staff[0].reviewer.get(`/api/cases/${d.petitionId}`);
      expectStatus(c, 200, `${d.code}: the case`);
      const actions = (c.body.timeline as { action: string }[]).map((e) => e.action);
      if (JSON.stringify(actions) !== JSON.stringify(EXPECTED_TIMELINE)) throw new Error(`${d.code}: history ${actions.join(', ')}; expected ${EXPECTED_TIMELINE.join(', ')}`);
    }
  }
}

export interface RunningApp {
  /** where the app serves: one address, or one per app child (a petition's people use one, round-robin) */
  bases: string[];
  /** the app's own job handlers registered now (an app started with none: startApp(url, 0)) */
  startOwnWorkers?: () => void;
  /** the worker process taking every job (2 processes) */
  workers?: WorkerChild;
  /** the app child processes (LIFECYCLE_APPS) */
  apps?: AppChild[];
  /** the app's database (in this process), or this process's own connection to the apps' database */
  db: Database;
  /** the app's engine, when the app runs in this process */
  engine?: EnginePort;
  /** the app's committed transactions, when it runs in this process */
  counters?: TxCounters;
  /** completeUserTask durations while `recording` (with app children: the HTTP request that completes the task) */
  completeMs: number[];
  completeCalls: { ok: number; failed: number };
  recording: { on: boolean };
  /** the completions are timed by the driver as HTTP requests (the engine is in another process) */
  viaHttp: boolean;
  /** resolves at the next user task created for this element */
  taskCreated(elementId: string): Promise<void>;
  /** the bench's outbox dispatcher (the app children run their own, as main.ts does: no-ops then) */
  startDispatch(): void;
  stopDispatch(): Promise<void>;
  /** what the outbox holds now is sent (app children: waited for, their dispatchers send it) */
  flushOutbox(): Promise<void>;
  /** resolves when the petition's message of this template is handed to its channel (the citizen's phone gets the SMS) */
  messageSent(petitionId: string, template: string): Promise<void>;
  close(): Promise<void>;
}
