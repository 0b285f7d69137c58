/**
 * Issue 19, Camunda 7's external-task endpoints on the embedded engine, with plain HTTP calls as a
 * remote worker makes them (SQLite and MariaDB): a submitted petition's `notify` job (left to remote
 * workers) is fetched and locked in Camunda 7's shape, only by a credential whose topics include it;
 * another credential can neither finish nor give back the lock; a completion moves the case on; a
 * failure counts a retry down; an unlock frees the task; a long poll answers when a job comes; every
 * call, accepted or refused, is recorded with its outcome.
 */
import { describe, it, expect, beforeAll, afterAll, jest } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { createTestApp, submitPetition, type Person, type TestApp } from '../app-harness.js';

const basic = (c: { id: string; secret: string }) => `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`;
const CAMUNDA_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;

interface Credential {
  id: string;
  secret: string;
}

describe('/engine-rest external tasks on the embedded engine', () => {
  let h: TestApp;
  let admin: Person;
  let oa: Credential;
  let sms: Credential;
  let other: Credential;

  const post = (c: Credential, path: string, body: object = {}) => request(h.app).post(`/engine-rest/external-task${path}`).set('authorization', basic(c)).send(body);
  const fetch = (c: Credential, workerId: string, extra: object = {}, topic: object = {}) => post(c, '/fetchAndLock', { workerId, maxTasks: 5, topics: [{ topicName: 'notify', lockDuration: 60_000, ...topic }], ...extra });
  const notifyJobs = async () => (await h.t.engine.listJobs({ type: 'notify' })).filter((j) => j.state !== 'incident');
  const callsOf = async (credentialId: string) =>
    (await h.t.db.sequelize.query('SELECT call_name, status, task_id, topic, worker_id, detail FROM remote_worker_calls WHERE credential_id = ? ORDER BY id', { replacements: [credentialId], type: QueryTypes.SELECT })) as {
      call_name: string;
      status: number;
      task_id: string | null;
      topic: string | null;
      worker_id: string | null;
      detail: string | null;
    }[];
  const submit = async () => {
    const res = await submitPetition(h, await h.visitor());
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    h = await createTestApp({ remoteJobTypes: ['notify'] });
    admin = await h.signIn('admin');
    const make = async (name: string, topics: string[]) => (await admin.post('/api/remote-workers', { name, topics }).expect(201)).body as Credential;
    oa = await make('县OA', ['notify']);
    sms = await make('短信网关', ['notify']);
    other = await make('答复发布', ['publish-reply']);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('given a topic outside the credential’s scope, when it fetches, then it is a 403 naming the topic and nothing is locked', async () => {
    await submit();
    expect((await notifyJobs()).map((j) => j.state)).toEqual(['activatable']);
    const res = await fetch(other, 'w');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ type: 'AuthorizationException', message: expect.stringContaining('notify'), code: null });
    // one topic in scope and one not: still nothing
    const mixed = await post(oa, '/fetchAndLock', { workerId: 'w', topics: [{ topicName: 'notify', lockDuration: 1000 }, { topicName: 'compute-deadlines', lockDuration: 1000 }] });
    expect(mixed.status).toBe(403);
    expect(mixed.body.message).toContain('compute-deadlines');
    expect((await notifyJobs()).map((j) => j.state)).toEqual(['activatable']);
    expect((await callsOf(other.id)).map((c) => [c.call_name, c.status])).toEqual([['fetchAndLock', 403]]);
  });

  it('given a due job of its topic, when a credential fetches and locks, then it gets Camunda 7’s LockedExternalTaskDto with typed variables and the headers; other credentials cannot finish or unlock it; its own worker completes it and the case moves on', async () => {
    const [job] = await notifyJobs();
    const res = await fetch(oa, 'oa-1', {}, { variables: ['trackingCode', 'urgent', 'missing'], includeExtensionProperties: true });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const task = res.body[0];
    expect(task).toEqual({
      activityId: 'Task_NotifyReceived',
      activityInstanceId: expect.any(String),
      errorMessage: null,
      errorDetails: null,
      executionId: expect.any(String),
      id: job.jobKey,
      lockExpirationTime: expect.stringMatching(CAMUNDA_DATE),
      createTime: expect.stringMatching(CAMUNDA_DATE),
      processDefinitionId: expect.any(String),
      processDefinitionKey: 'petition-lifecycle',
      processDefinitionVersionTag: null,
      processInstanceId: job.processInstanceKey,
      retries: 3,
      suspended: false,
      workerId: 'oa-1',
      topicName: 'notify',
      tenantId: null,
      variables: { trackingCode: { type: 'String', value: expect.any(String), valueInfo: {} }, urgent: { type: 'Boolean', value: false, valueInfo: {} } },
      priority: 0,
      businessKey: null,
      extensionProperties: { template: 'petition-received', to: 'petitioner' },
    });
    expect(Date.parse(task.lockExpirationTime.replace('+0000', 'Z'))).toBe(h.t.clock.now().getTime() + 60_000);
    // locked: a second fetch finds nothing
    expect((await fetch(sms, 'sms-1')).body).toEqual([]);

    // another credential: neither complete, fail, extend nor unlock (Camunda's 400 for another worker's lock)
    for (const [path, body] of [['complete', { workerId: 'sms-1' }], ['failure', { workerId: 'sms-1', retries: 0 }], ['extendLock', { workerId: 'sms-1', newDuration: 1000 }], ['unlock', {}]] as const) {
      const refused = await post(sms, `/${task.id}/${path}`, body);
      expect(refused.status).toBe(400);
      expect(refused.body.type).toBe('BadUserRequestException');
      expect(refused.body.message).not.toContain(oa.id);
    }
    // a credential without the topic: 403
    expect((await post(other, `/${task.id}/complete`, { workerId: 'x' })).status).toBe(403);
    // another worker of the same credential: the engine refuses it (400)
    const wrongWorker = await post(oa, `/${task.id}/complete`, { workerId: 'oa-2' });
    expect(wrongWorker.status).toBe(400);
    expect(wrongWorker.body.type).toBe('BadUserRequestException');
    // an unknown task: 404
    const missing = await post(oa, '/no-such-task/complete', { workerId: 'oa-1' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ type: 'RestException', message: 'External task with id no-such-task does not exist', code: null });
    expect((await notifyJobs())[0].state).toBe('activated');

    // the job's key holds a '/': Camunda's clients send it as it is (above), others encoded
    expect(task.id).toContain('/');
    await post(oa, `/${encodeURIComponent(task.id)}/extendLock`, { workerId: 'oa-1', newDuration: 120_000 }).expect(204);
    await post(oa, `/${task.id}/complete`, { workerId: 'oa-1', variables: { receivedNotice: { type: 'String', value: 'sent' } }, localVariables: { noticeCount: { type: 'integer', value: 1 } } }).expect(204);
    await h.settle();
    expect(await notifyJobs()).toEqual([]);
    const instance = await h.t.engine.getProcessInstance(task.processInstanceId);
    expect(instance?.variables).toMatchObject({ receivedNotice: 'sent', noticeCount: 1 });
    const open = await h.t.engine.listUserTasks();
    expect(open.some((t) => t.processInstanceKey === task.processInstanceId && t.elementId === 'Task_ScreenPetition')).toBe(true);
    // completed: a second completion finds nothing
    expect((await post(oa, `/${task.id}/complete`, { workerId: 'oa-1' })).status).toBe(404);

    const oaCalls = (await callsOf(oa.id)).map((c) => [c.call_name, c.status, c.task_id]);
    expect(oaCalls).toEqual([
      ['fetchAndLock', 403, null],
      ['fetchAndLock', 200, null],
      ['complete', 400, task.id],
      ['complete', 404, 'no-such-task'],
      ['extendLock', 204, task.id],
      ['complete', 204, task.id],
      ['complete', 404, task.id],
    ]);
    const locked = (await callsOf(oa.id))[1];
    expect(JSON.parse(locked.detail ?? '{}')).toMatchObject({ locked: 1, maxTasks: 5 });
    expect(locked.worker_id).toBe('oa-1');
    const smsCalls = (await callsOf(sms.id)).map((c) => [c.call_name, c.status]);
    expect(smsCalls).toEqual([['fetchAndLock', 200], ['complete', 400], ['failure', 400], ['extendLock', 400], ['unlock', 400]]);
    // no variable value is in the record
    expect(JSON.stringify(await callsOf(oa.id))).not.toContain('sent');
  });

  it('given a failure without retries, then the task has one retry less and can be fetched again with the message; an unlock frees a task for another credential', async () => {
    await submit();
    const [task] = (await fetch(oa, 'oa-1')).body;
    await post(oa, `/${task.id}/failure`, { workerId: 'oa-1', errorMessage: 'OA 接口超时', errorDetails: 'timeout after 30s' }).expect(204);
    const again = (await fetch(oa, 'oa-1')).body;
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ id: task.id, retries: 2, errorMessage: 'OA 接口超时' });
    await post(oa, `/${task.id}/unlock`).expect(204);
    const taken = (await fetch(sms, 'sms-1')).body;
    expect(taken.map((t: { id: string }) => t.id)).toEqual([task.id]);
    await post(sms, `/${task.id}/complete`, { workerId: 'sms-1' }).expect(204);
  });

  it('given nothing to fetch, when a worker long-polls, then it answers [] after the timeout, or the task as soon as a job comes', async () => {
    const started = Date.now();
    const empty = await fetch(oa, 'oa-1', { asyncResponseTimeout: 300 });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const polling = fetch(oa, 'oa-1', { asyncResponseTimeout: 60_000 }).then((r) => r);
    await submit();
    const res = await polling;
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0].topicName).toBe('notify');
    await post(oa, `/${res.body[0].id}/complete`, { workerId: 'oa-1' }).expect(204);
  });

  it('given a long poll whose client goes away, when a job comes afterwards, then the poll has stopped: the job is not locked for nobody, and the call is recorded as gone', async () => {
    const server = h.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const waiting = jest.spyOn(h.t.engine.externalTasks!, 'waitForTasks');
    const until = async (what: () => boolean | Promise<boolean>) => {
      const end = Date.now() + 10_000;
      while (!(await what()) && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      return what();
    };
    const body = JSON.stringify({ workerId: 'gone-1', maxTasks: 1, asyncResponseTimeout: 60_000, topics: [{ topicName: 'notify', lockDuration: 60_000 }] });
    const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/engine-rest/external-task/fetchAndLock', headers: { authorization: basic(oa), 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    try {
      req.end(body);
      // the poll is waiting: the client goes away
      expect(await until(() => waiting.mock.calls.length > 0)).toBe(true);
      req.destroy();
      expect(await until(async () => (await callsOf(oa.id)).some((c) => c.worker_id === 'gone-1' && c.status === 499))).toBe(true);
      await submit();
      expect((await notifyJobs()).map((j) => j.state)).toEqual(['activatable']);
      const [task] = (await fetch(oa, 'oa-1')).body;
      await post(oa, `/${task.id}/complete`, { workerId: 'oa-1' }).expect(204);
    } finally {
      req.destroy();
      waiting.mockRestore();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('given a BPMN error without a code, then 400; with one the engine takes it (no boundary here: an incident), and the call is recorded', async () => {
    await submit();
    const [task] = (await fetch(oa, 'oa-1')).body;
    expect((await post(oa, `/${task.id}/bpmnError`, { workerId: 'oa-1' })).status).toBe(400);
    await post(oa, `/${task.id}/bpmnError`, { workerId: 'oa-1', errorCode: 'NO_RECIPIENT', errorMessage: '无接收人' }).expect(204);
    const rows = (await callsOf(oa.id)).filter((c) => c.call_name === 'bpmnError');
    expect(rows.map((r) => r.status)).toEqual([400, 204]);
    expect(JSON.parse(rows[1].detail ?? '{}')).toMatchObject({ errorCode: 'NO_RECIPIENT' });
  });
});
