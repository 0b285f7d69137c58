/**
 * Issue 19 end to end: remote workers with the real camunda-external-task-client-js against the
 * running app (listening on a local port), as a county's IT team or `npm run workers` with
 * ENGINE_REST_URL connects — the app leaves those job types to them (REMOTE_JOB_TYPES). Credentials
 * come from the admin API; the cases move through the HTTP API as citizens and staff move them.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { QueryTypes } from 'sequelize';
import { BasicAuthInterceptor, Client } from 'camunda-external-task-client-js';
import { BusinessError } from '../../../engine/errors.js';
import { createTestApp, PETITION_FIELDS, submitPetition, taskOf, type Person, type TestApp } from '../app-harness.js';
import { startRemoteWorkerProcess } from '../../../bin/remote-workers.js';
import { createLogger } from '../../logger.js';
import { projectRoot } from '../../app.js';
import { remoteDepsFactory } from '../../../workers/remote/remote-deps.js';
import { startRemoteWorkers } from '../../../workers/remote/external-task-runner.js';
import { createWorkers, type JobType } from '../../../workers/registry.js';

interface Credential {
  id: string;
  secret: string;
}

/** a condition that another process (or the app's loop) makes true: looked at until it holds */
async function until<T>(look: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await look();
    if (v) return v;
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const silent = createLogger(process.env.TEST_LOG ?? 'silent');

describe('远程作业处理 (issue 19): camunda-external-task-client-js against the app', () => {
  let h: TestApp;
  let server: Server;
  let base: string;
  let admin: Person;
  const stops: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    h = await createTestApp({ remoteJobTypes: ['notify', 'set-knowledge-status'] });
    server = h.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`;
    admin = await h.signIn('admin');
  });
  // each test's workers stop with it: the next test's jobs are its own workers' alone
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await h?.close();
  });

  const credential = async (name: string, topics: string[]): Promise<Credential> => {
    const res = await admin.post('/api/remote-workers', { name, topics }).expect(201);
    return { id: res.body.id, secret: res.body.secret };
  };
  const rows = <T extends object>(sql: string, replacements: unknown[] = []) => h.t.db.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  const jobsOf = (type: string) => rows<{ id: string; state: string; retries: number; instance_id: string }>('SELECT id, state, retries, instance_id FROM engine_jobs WHERE type = ?', [type]);
  const instanceOf = async (trackingCode: string) => (await rows<{ process_instance_key: string; id: string }>('SELECT id, process_instance_key FROM petitions WHERE tracking_code = ?', [trackingCode]))[0];
  /** a raw client as another team would write one: fetch when started, nothing else */
  const rawClient = (c: Credential, workerId: string) => {
    const client = new Client({ baseUrl: base, workerId, autoPoll: false, asyncResponseTimeout: 1000, interval: 20, lockDuration: 30_000, interceptors: new BasicAuthInterceptor({ username: c.id, password: c.secret }) });
    // stopped with its test, and its fetch under way answered: a long poll left open would lock the next test's job for it
    const events = client as unknown as NodeJS.EventEmitter;
    let polling: Promise<void> | undefined;
    events.on('poll:start', () => (polling = new Promise((resolve) => events.once('poll:success', resolve).once('poll:error', resolve))));
    stops.push(async () => {
      client.stop();
      await polling;
    });
    return client;
  };
  const pollError = (client: Client) =>
    new Promise<{ httpStatusCode?: number; type?: string; engineMsg?: string }>((resolve) => {
      (client as unknown as NodeJS.EventEmitter).once('poll:error', (e: unknown) => {
        client.stop();
        resolve(e as { httpStatusCode?: number });
      });
      client.start();
    });

  it('given the SMS job type left to a remote worker, when a citizen submits, then `npm run workers` on ENGINE_REST_URL runs the same handler and completes it: the tracking-code SMS is queued once, and every call is on record', async () => {
    const c = await credential('市短信网关', ['notify']);
    const workers = startRemoteWorkerProcess(
      { ENGINE_REST_URL: base, ENGINE_REST_USER: c.id, ENGINE_REST_PASSWORD: c.secret, ENGINE_REST_TOPICS: 'notify', PUBLIC_BASE_URL: 'https://wz.longnan.example', LOG_LEVEL: 'silent' },
      silent,
      { clock: h.t.clock, asyncResponseTimeout: 1000 },
    );
    stops.push(() => workers.stop());

    const res = await submitPetition(h, await h.visitor());
    expect(res.status).toBe(201);
    const petition = await instanceOf(res.body.trackingCode);

    await until(async () => (await jobsOf('notify')).every((j) => j.instance_id !== petition.process_instance_key), 'the notify job done by the remote worker');
    const sms = await rows<{ template: string; recipient_kind: string }>('SELECT template, recipient_kind FROM outbox WHERE payload LIKE ?', [`%${petition.id}%`]);
    expect(sms).toEqual([expect.objectContaining({ recipient_kind: 'petitioner' })]);
    const history = (await h.t.engine.getHistory(petition.process_instance_key)).filter((e) => e.elementId === 'Task_NotifyReceived');
    expect(history.map((e) => e.event)).toEqual(expect.arrayContaining(['job-created', 'job-completed']));
    expect(history.filter((e) => e.event === 'job-completed')).toHaveLength(1);
    // the screening task is there for the intake operator, as with the app's own workers
    await taskOf(await h.signIn('intake'), 'Task_ScreenPetition', res.body.trackingCode);

    const calls = (await admin.get(`/api/remote-workers/${c.id}/calls`).expect(200)).body;
    const made = (calls.calls as { call: string; status: number }[]).map((x) => `${x.call} ${x.status}`);
    expect(made).toEqual(expect.arrayContaining(['fetchAndLock 200', 'complete 204']));
  });

  it('given a county check of its own on publication, when it throws the business error, then the error boundary takes it: the entry goes back to its unit with the reason', async () => {
    const c = await credential('县知识库敏感词检查', ['set-knowledge-status']);
    const depsFor = remoteDepsFactory({ baseUrl: base, user: c.id, password: c.secret, publicBaseUrl: 'https://wz.longnan.example', logger: silent, clock: h.t.clock });
    const reason = '县敏感词检查未通过:含未公开的内部电话';
    const running = startRemoteWorkers({
      baseUrl: base,
      user: c.id,
      password: c.secret,
      types: ['set-knowledge-status'],
      asyncResponseTimeout: 1000,
      logger: silent,
      // the county's own step before publishing; every other step is the product's handler
      handlerFor: (task) =>
        task.extensionProperties?.action === 'published'
          ? async () => {
              throw new BusinessError('KNOWLEDGE_PERSONAL_DATA', reason, { knowledgeReturnReason: reason });
            }
          : createWorkers(depsFor(String(task.id)))[task.topicName as JobType],
    });
    stops.push(() => running.stop());

    const unit = await h.signIn('handler-longnan');
    const entry = (await unit.post('/api/knowledge', { question: '新生儿落户需要哪些材料?', answer: '由监护人持《出生医学证明》、父母双方户口簿和居民身份证到户籍所在地派出所办理。', basis: '《中华人民共和国户口登记条例》第七条', categories: ['consultation'] }).expect(201)).body;
    await unit.post(`/api/knowledge/${entry.id}/submit`).expect(200);
    const reviewer = await h.signIn('reviewer');
    // the review task follows a step the remote worker does
    const review = await until(() => taskOf(reviewer, 'Task_ReviewEntry').catch(() => undefined), 'the review task');
    await reviewer.post(`/api/tasks/${encodeURIComponent(review.key)}/complete`, { variables: { knowledgeApproved: true } }).expect(200);

    const back = await until(async () => {
      const e = (await unit.get(`/api/knowledge/${entry.id}`).expect(200)).body;
      return e.status === 'draft' && e;
    }, 'the entry back with its unit');
    expect(back.history.at(-1)).toMatchObject({ action: 'returned', note: reason });
    await taskOf(unit, 'Task_ReviseEntry');
  });

  it('given a remote worker that keeps failing, then each failure takes a retry after the retry timeout and the last one is an incident the auditor sees', async () => {
    const c = await credential('失败的短信网关', ['notify']);
    const client = rawClient(c, 'flaky-1');
    const attempts: number[] = [];
    client.subscribe('notify', async ({ task, taskService }) => {
      attempts.push(task.retries ?? 3);
      await taskService.handleFailure(task, { errorMessage: '短信网关无响应', errorDetails: 'ETIMEDOUT', retries: (task.retries ?? 3) - 1, retryTimeout: 60_000 });
    });
    client.start();
    const res = await submitPetition(h, await h.visitor());
    const petition = await instanceOf(res.body.trackingCode);
    const mine = async () => (await jobsOf('notify')).find((j) => j.instance_id === petition.process_instance_key);
    for (const left of [2, 1]) {
      await until(async () => (await mine())?.retries === left && (await mine())?.state === 'activatable', `the job back with ${left} retries`);
      // not offered again before its retry timeout; then at once
      h.t.clock.advance(60_000);
    }
    await until(async () => (await mine())?.state === 'incident', 'the incident');
    client.stop();
    expect(attempts).toEqual([3, 2, 1]);
    const auditor = await h.signIn('auditor');
    const detail = (await auditor.get(`/api/inspector/instances/${encodeURIComponent(petition.process_instance_key)}`).expect(200)).body;
    expect(JSON.stringify(detail)).toContain('短信网关无响应');
    expect(detail.instance?.state ?? detail.state).toBe('incident');
  });

  it('given a worker process killed with SIGKILL while it holds a job, when its lock runs out, then another worker takes the job and it is done once', async () => {
    const c = await credential('被终止的进程', ['notify']);
    // a separate process that takes the job and never finishes it
    const child: ChildProcess = spawn(process.execPath, [join(projectRoot, 'server', 'test', 'api', 'hanging-external-worker.mjs')], {
      env: { ...process.env, ENGINE_REST_URL: base, ENGINE_REST_USER: c.id, ENGINE_REST_PASSWORD: c.secret, TOPIC: 'notify', LOCK_MS: '30000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stops.push(() => void child.kill('SIGKILL'));
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const res = await submitPetition(h, await h.visitor());
    const petition = await instanceOf(res.body.trackingCode);
    const taskId = await until(async () => /LOCKED (\S+)/.exec(out)?.[1], 'the child process holding the job').catch((e: Error) => {
      throw new Error(`${e.message}; its stderr: ${err.slice(-2000)}`);
    });
    expect((await h.t.engine.externalTasks!.getExternalTask(taskId))?.processInstanceId).toBe(petition.process_instance_key);

    child.kill('SIGKILL');
    await once(child, 'exit');
    // while the lock holds, nobody else gets the job
    const other = await credential('接替的进程', ['notify']);
    const workers = startRemoteWorkerProcess(
      { ENGINE_REST_URL: base, ENGINE_REST_USER: other.id, ENGINE_REST_PASSWORD: other.secret, ENGINE_REST_TOPICS: 'notify', LOG_LEVEL: 'silent' },
      silent,
      { clock: h.t.clock, asyncResponseTimeout: 500 },
    );
    stops.push(() => workers.stop());
    await new Promise((r) => setTimeout(r, 300));
    expect((await h.t.engine.externalTasks!.getExternalTask(taskId))?.workerId).toMatch(new RegExp(`^${c.id}/`));

    h.t.clock.advance(30_001);
    await until(async () => !(await h.t.engine.externalTasks!.getExternalTask(taskId)), 'the job done by the other worker');
    const completed = (await h.t.engine.getHistory(petition.process_instance_key)).filter((e) => e.event === 'job-completed' && e.detail?.jobKey === taskId);
    expect(completed).toHaveLength(1);
    const sms = await rows<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE payload LIKE ?', [`%${petition.id}%`]);
    expect(Number(sms[0].n)).toBe(1);
  });

  it('given a revoked credential, then its next fetch and any completion are refused with 401', async () => {
    const c = await credential('将被停用', ['notify']);
    const client = rawClient(c, 'revoked-1');
    let taken = 0;
    client.subscribe('notify', async () => {
      taken++;
    });
    await admin.post(`/api/remote-workers/${c.id}/revoke`).expect(200);
    const err = await pollError(client);
    expect(err.httpStatusCode).toBe(401);
    expect(taken).toBe(0);
    const raw = await fetch(`${base}/external-task/anything/complete`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workerId: 'revoked-1' }),
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ type: 'AuthenticationException' });
  });

  it('given a credential scoped to one topic, when it fetches another, then it is refused with 403 and nothing is locked', async () => {
    const c = await credential('只管短信', ['notify']);
    await submitPetition(h, await h.visitor(), { ...PETITION_FIELDS });
    const client = rawClient(c, 'scoped-1');
    client.subscribe('set-knowledge-status', async () => undefined);
    client.subscribe('notify', async () => undefined);
    const err = await pollError(client);
    expect(err.httpStatusCode).toBe(403);
    expect(err.type).toBe('AuthorizationException');
    expect(err.engineMsg).toContain('set-knowledge-status');
    const locked = (await rows<{ worker_id: string | null }>("SELECT worker_id FROM engine_jobs WHERE state = 'activated'")).filter((j) => j.worker_id?.startsWith(`${c.id}/`));
    expect(locked).toEqual([]);
  });
});
