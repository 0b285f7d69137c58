/**
 * Issue 19, remote workers' credentials and the gate of /engine-rest, through HTTP (SQLite and
 * MariaDB): an admin creates a credential and sees its secret once (never again, nor its hash);
 * bad input creates nothing; only admins reach the API and page; a revoked, unknown, wrong or
 * missing credential gets Camunda 7's 401; a session is no credential there; a malformed body is
 * Camunda's 400 and changes nothing; too many calls are a 429; every refusal is recorded.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import { createTestApp, submitPetition, type Person, type TestApp } from '../app-harness.js';
import { engineRestRoutes } from '../../routes/engine-rest.js';
import { createRemoteWorkerService } from '../../services/remote-worker-service.js';
import { createRemoteWorkersRepository } from '../../data/remote-workers-repository.js';
import { createAuditRepository } from '../../data/audit-repository.js';
import { createLogger } from '../../logger.js';
import type { AppContext } from '../../app-context.js';
import type { EnginePort } from '../../../engine/port.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface CallRow {
  credential_id: string | null;
  call_name: string;
  status: number;
  detail: string | null;
}

describe('remote workers: credentials and the /engine-rest gate', () => {
  let h: TestApp;
  let admin: Person;
  let modeler: Person;

  const calls = async (): Promise<CallRow[]> => (await h.t.db.sequelize.query('SELECT credential_id, call_name, status, detail FROM remote_worker_calls ORDER BY id', { type: QueryTypes.SELECT })) as CallRow[];
  const count = async (table: string) => Number(((await h.t.db.sequelize.query(`SELECT COUNT(*) AS n FROM ${table}`, { type: QueryTypes.SELECT })) as { n: number }[])[0].n);
  const create = async (name: string, topics: string[]) => {
    const res = await admin.post('/api/remote-workers', { name, topics });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string; topics: string[]; usage: { curl: string; env: string[] } };
  };

  beforeAll(async () => {
    h = await createTestApp({ remoteJobTypes: ['notify'] });
    admin = await h.signIn('admin');
    modeler = await h.signIn('modeler');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('given an admin, when they create a credential, then its secret is answered once with how to use it; the list never shows the secret or its hash; the audit log has the creation', async () => {
    const c = await create('县OA签批接口', ['notify', 'publish-reply']);
    expect(c.id).toMatch(/^rw_[A-Za-z0-9_-]{16}$/);
    expect(c.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(c.topics).toEqual(['notify', 'publish-reply']);
    expect(c.usage.curl).toContain(`${c.id}:${c.secret}`);
    expect(c.usage.env).toContain(`ENGINE_REST_PASSWORD=${c.secret}`);
    const hash = createHash('sha256').update(c.secret).digest('hex');
    const list = await admin.get('/api/remote-workers').expect(200);
    expect(list.body.map((x: { id: string }) => x.id)).toContain(c.id);
    expect(list.text).not.toContain(c.secret);
    expect(list.text).not.toContain(hash);
    const page = await admin.get('/admin/remote-workers').expect(200);
    expect(page.text).toContain('县OA签批接口');
    expect(page.text).not.toContain(c.secret);
    // the stored form is the hash, not the secret
    const [row] = (await h.t.db.sequelize.query('SELECT secret_hash FROM remote_workers WHERE id = ?', { replacements: [c.id], type: QueryTypes.SELECT })) as { secret_hash: string }[];
    expect(row.secret_hash).toBe(hash);
    const audit = (await h.t.db.sequelize.query("SELECT actor, detail FROM audit_log WHERE action = 'remote-worker.created'", { type: QueryTypes.SELECT })) as { actor: string; detail: string }[];
    expect(audit.some((a) => JSON.parse(a.detail).credentialId === c.id)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(c.secret);
  });

  it('given the page, when an admin creates a credential with the form, then the page shows the secret once with the curl and ENV lines, the job types by their Chinese names; reloading does not show it again', async () => {
    const page = await admin.get('/admin/remote-workers').expect(200);
    expect(page.text).toContain('发送通知');
    expect(page.text).toMatch(/name="topics" value="notify"/);
    const res = await admin.agent.post('/admin/remote-workers').type('form').set('accept', 'text/html').send({ _csrf: admin.csrf, name: '短信网关', topics: 'notify' });
    expect(res.status).toBe(200);
    const secret = /data-secret>([A-Za-z0-9_-]{43})</.exec(res.text)?.[1];
    expect(secret).toBeDefined();
    expect(res.text).toContain(`ENGINE_REST_PASSWORD&#x3D;${secret}`);
    expect(res.text).toContain('curl -u');
    expect(res.text).toContain('只显示这一次');
    const again = await admin.get('/admin/remote-workers').expect(200);
    expect(again.text).toContain('短信网关');
    expect(again.text).not.toContain(secret);
  });

  it('given bad input, when an admin creates a credential, then it is a 400 naming the problem and nothing is created', async () => {
    const before = await count('remote_workers');
    for (const body of [{}, { name: '', topics: ['notify'] }, { name: '无类型', topics: [] }, { name: '未知类型', topics: ['notify', 'no-such-type'] }, { name: 'x'.repeat(101), topics: ['notify'] }, { name: '联系 13900002222', topics: ['notify'] }]) {
      const res = await admin.post('/api/remote-workers', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_INPUT');
    }
    const page = await admin.agent.post('/admin/remote-workers').type('form').set('accept', 'text/html').send({ _csrf: admin.csrf, name: '表单无类型' });
    expect(page.status).toBe(400);
    expect(page.text).toContain('请至少选择一个作业类型');
    expect(await count('remote_workers')).toBe(before);
  });

  it('given a process admin, when they ask for the credentials, then every route is refused (403)', async () => {
    const c = await create('仅管理员', ['notify']);
    await modeler.get('/api/remote-workers').expect(403);
    await modeler.get(`/api/remote-workers/${c.id}/calls`).expect(403);
    expect((await modeler.post('/api/remote-workers', { name: 'x', topics: ['notify'] })).status).toBe(403);
    expect((await modeler.post(`/api/remote-workers/${c.id}/revoke`)).status).toBe(403);
    expect((await modeler.get('/admin/remote-workers').set('accept', 'text/html')).status).toBe(403);
    const list = await admin.get('/api/remote-workers').expect(200);
    expect(list.body.find((x: { id: string }) => x.id === c.id).revokedAt).toBeNull();
  });

  it('given no, an unknown, a wrong or a revoked credential, when /engine-rest is called, then each is Camunda 7’s 401 with the Basic challenge, and each refusal is recorded (with the id when it names a credential)', async () => {
    const c = await create('将被吊销', ['notify']);
    const fetch = { workerId: 'w1', maxTasks: 1, topics: [{ topicName: 'notify', lockDuration: 10_000 }] };
    const before = (await calls()).length;
    const tries = [
      request(h.app).post('/engine-rest/external-task/fetchAndLock').send(fetch),
      request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', basic('rw_nosuchcredential', c.secret)).send(fetch),
      request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', basic(c.id, `${c.secret.slice(0, -1)}x`)).send(fetch),
      request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', 'Bearer abc').send(fetch),
    ];
    for (const t of tries) {
      const res = await t;
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="wenzheng engine-rest"');
      expect(res.body).toEqual({ type: 'AuthenticationException', message: expect.any(String), code: null });
    }
    await admin.post(`/api/remote-workers/${c.id}/revoke`).expect(200);
    const revoked = await request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', basic(c.id, c.secret)).send(fetch);
    expect(revoked.status).toBe(401);
    expect(revoked.body.type).toBe('AuthenticationException');
    const rows = (await calls()).slice(before);
    expect(rows.map((r) => [r.credential_id, r.call_name, r.status, JSON.parse(r.detail ?? '{}').reason])).toEqual([
      [null, 'auth', 401, 'no-credentials'],
      [null, 'auth', 401, 'unknown'],
      [c.id, 'auth', 401, 'wrong-secret'],
      [null, 'auth', 401, 'no-credentials'],
      [c.id, 'auth', 401, 'revoked'],
    ]);
    // revoked once: a second revoke says so, and the audit log has the revocation by the admin
    expect((await admin.post(`/api/remote-workers/${c.id}/revoke`)).status).toBe(409);
    const audit = (await h.t.db.sequelize.query("SELECT detail FROM audit_log WHERE action = 'remote-worker.revoked'", { type: QueryTypes.SELECT })) as { detail: string }[];
    expect(audit.filter((a) => JSON.parse(a.detail).credentialId === c.id)).toHaveLength(1);
  });

  it('given a signed-in admin without a credential, when they call /engine-rest with their session, then it is a 401 (a session is no credential; no CSRF check answers)', async () => {
    const res = await admin.agent.post('/engine-rest/external-task/fetchAndLock').send({ workerId: 'w', topics: [] });
    expect(res.status).toBe(401);
    expect(res.body.type).toBe('AuthenticationException');
  });

  it('given a valid credential, when the body is malformed, then it is Camunda’s 400 InvalidRequestException, recorded, and nothing changes', async () => {
    const c = await create('格式错误', ['notify']);
    const auth = basic(c.id, c.secret);
    const jobs = JSON.stringify(await h.t.engine.listJobs());
    const bad = [
      () => request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', auth).set('content-type', 'application/json').send('{"workerId": "w1", '),
      () => request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', auth).send({ maxTasks: 1, topics: [{ topicName: 'notify', lockDuration: 1000 }] }),
      () => request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', auth).send({ workerId: 'w1', maxTasks: 0, topics: [{ topicName: 'notify', lockDuration: 1000 }] }),
      () => request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', auth).send({ workerId: 'w1', topics: [{ topicName: 'notify', lockDuration: 0 }] }),
      () => request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', auth).send({ workerId: 'w1', topics: 'notify' }),
      () => request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', auth).send({ workerId: 'w1', asyncResponseTimeout: 400_000, topics: [{ topicName: 'notify', lockDuration: 1000 }] }),
      () => request(h.app).post('/engine-rest/external-task/some-task/complete').set('authorization', auth).send({ workerId: 'w1', variables: { a: { type: 'Bytes', value: 'AA==' } } }),
      () => request(h.app).post('/engine-rest/external-task/some-task/complete').set('authorization', auth).send({ workerId: 'w1', variables: { 'bad name': { value: 1 } } }),
      () => request(h.app).post('/engine-rest/external-task/some-task/bpmnError').set('authorization', auth).send({ workerId: 'w1' }),
      () => request(h.app).post('/engine-rest/external-task/some-task/extendLock').set('authorization', auth).send({ workerId: 'w1', newDuration: -5 }),
      () => request(h.app).post('/engine-rest/external-task/some-task/failure').set('authorization', auth).send({ workerId: 'w1', retries: -1 }),
    ];
    for (const send of bad) {
      const res = await send();
      expect({ status: res.status, type: res.body.type, code: res.body.code }).toEqual({ status: 400, type: 'InvalidRequestException', code: null });
      expect(typeof res.body.message).toBe('string');
    }
    expect(JSON.stringify(await h.t.engine.listJobs())).toBe(jobs);
    const mine = (await calls()).filter((r) => r.credential_id === c.id);
    expect(mine).toHaveLength(bad.length);
    expect(mine.every((r) => r.status === 400)).toBe(true);
    expect(mine[0].call_name).toBe('fetchAndLock');
    expect(mine.map((r) => r.call_name).slice(6)).toEqual(['complete', 'complete', 'bpmnError', 'extendLock', 'failure']);
    // the admin reads them, newest first, a page at a time
    const page1 = await admin.get(`/api/remote-workers/${c.id}/calls?limit=4`).expect(200);
    expect(page1.body.calls).toHaveLength(4);
    expect(page1.body.calls[0].call).toBe('failure');
    const page2 = await admin.get(`/api/remote-workers/${c.id}/calls?limit=4&before=${page1.body.next}`).expect(200);
    expect(page2.body.calls[0].id).toBeLessThan(page1.body.calls[3].id);
    // its authenticated calls mark it used
    const listed = (await admin.get('/api/remote-workers').expect(200)).body.find((x: { id: string }) => x.id === c.id);
    expect(listed.lastUsedAt).toBe(h.t.clock.now().toISOString());
    await admin.get('/api/remote-workers/rw_nosuchcredential/calls').expect(404);
    await admin.get(`/api/remote-workers/${c.id}/calls?before=abc`).expect(400);
    const html = await admin.get(`/admin/remote-workers/${c.id}/calls`).expect(200);
    expect(html.text).toContain('InvalidRequestException');
  });

  it('given the jobs of one worker process, when their calls come as one batch, then each is checked, answered and recorded on its own; a malformed batch is a 400 on record; completions come as a batch too', async () => {
    const c = await create('批量调用', ['notify']);
    const auth = basic(c.id, c.secret);
    for (let i = 0; i < 2; i++) expect((await submitPetition(h, await h.visitor())).status).toBe(201);
    const fetched = await request(h.app).post('/engine-rest/external-task/fetchAndLock').set('authorization', auth).send({ workerId: 'w1', maxTasks: 10, topics: [{ topicName: 'notify', lockDuration: 60_000 }] });
    expect(fetched.status).toBe(200);
    const [one, two] = fetched.body as { id: string; variables: { petitionId: { value: string } } }[];
    expect(two).toBeDefined();
    const [p1, p2] = [one.variables.petitionId.value, two.variables.petitionId.value];
    const before = (await calls()).length;

    const batch = (body: unknown) => request(h.app).post('/engine-rest/worker-services/batch').set('authorization', auth).send(body as object);
    const res = await batch({
      calls: [
        { method: 'petitions.mergedFrom', taskId: one.id, args: { petitionId: p1 } },
        { method: 'petitions.mergedFrom', taskId: one.id, args: { petitionId: p2 } },
        { method: 'petitions.getPublicationSource', taskId: two.id, args: { petitionId: p2 } },
        { method: 'petitions.dropAll', taskId: two.id, args: {} },
        { method: 'petitions.mergedFrom', taskId: two.id, args: { petitionId: 5 } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { status: 200, result: [] },
      { status: 403, type: 'AuthorizationException', message: expect.stringContaining('is not the case of external task'), code: null },
      { status: 403, type: 'AuthorizationException', message: 'a notify job does not call petitions.getPublicationSource', code: null },
      { status: 404, type: 'InvalidRequestException', message: expect.stringContaining('petitions.dropAll'), code: null },
      { status: 400, type: 'InvalidRequestException', message: expect.stringContaining('petitionId'), code: null },
    ]);
    // each call on record, as it would be on its own
    const recorded = (await calls()).slice(before).map((r) => `${r.call_name} ${r.status}`);
    expect(recorded.sort()).toEqual(['worker-service:petitions.getPublicationSource 403', 'worker-service:petitions.mergedFrom 200', 'worker-service:petitions.mergedFrom 400', 'worker-service:petitions.mergedFrom 403', 'worker-service:unknown 404']);

    const jobs = JSON.stringify(await h.t.engine.listJobs());
    for (const bad of [{}, { calls: [] }, { calls: 'all' }, { calls: Array.from({ length: 101 }, () => ({ method: 'units.list', taskId: one.id, args: {} })) }, { calls: [{ method: 'units.list', taskId: one.id, args: {} }], also: 1 }]) {
      const r = await batch(bad);
      expect({ status: r.status, type: r.body.type }).toEqual({ status: 400, type: 'InvalidRequestException' });
    }
    expect(JSON.stringify(await h.t.engine.listJobs())).toBe(jobs);
    expect((await calls()).slice(before + 5).map((r) => `${r.call_name} ${r.status}`)).toEqual(Array(5).fill('worker-service:batch 400'));

    // two completions in one request: each its own outcome
    const done = await request(h.app)
      .post('/engine-rest/worker-services/complete')
      .set('authorization', auth)
      .send({ completions: [{ taskId: one.id, workerId: 'w1', variables: {}, writes: [] }, { taskId: 'no-such-task', workerId: 'w1', variables: {}, writes: [] }] });
    expect(done.status).toBe(200);
    expect(done.body.results).toEqual([{ status: 204 }, { status: 404, type: 'RestException', message: expect.stringContaining('no-such-task'), code: null }]);
    const left = (await h.t.engine.listJobs()).map((j) => j.jobKey);
    expect(left).not.toContain(one.id);
    expect(left).toContain(two.id);
  });

  it('given a credential past its calls per minute, when it calls again, then it is Camunda’s 429, recorded; another credential is not limited', async () => {
    const limited = await createTestApp({ app: { engineRestRateLimit: 3 } });
    try {
      const a = await limited.signIn('admin');
      const one = (await a.post('/api/remote-workers', { name: '限流一', topics: ['notify'] }).expect(201)).body;
      const two = (await a.post('/api/remote-workers', { name: '限流二', topics: ['notify'] }).expect(201)).body;
      const hit = (c: { id: string; secret: string }) => request(limited.app).post('/engine-rest/external-task/x/lock').set('authorization', basic(c.id, c.secret)).send({});
      for (let i = 0; i < 3; i++) expect((await hit(one)).status).not.toBe(429);
      const res = await hit(one);
      expect(res.status).toBe(429);
      expect(res.body).toEqual({ type: 'RestException', message: expect.stringContaining('3'), code: null });
      expect((await hit(two)).status).not.toBe(429);
      // a batch counts each of its calls: four are past three a minute, and none is run
      const three = (await a.post('/api/remote-workers', { name: '限流三', topics: ['notify'] }).expect(201)).body;
      const batch = await request(limited.app)
        .post('/engine-rest/worker-services/batch')
        .set('authorization', basic(three.id, three.secret))
        .send({ calls: Array.from({ length: 4 }, () => ({ method: 'units.list', taskId: 'some-task', args: {} })) });
      expect(batch.status).toBe(429);
      expect(batch.body.type).toBe('RestException');
      const rows = (await limited.t.db.sequelize.query('SELECT credential_id, call_name, status FROM remote_worker_calls WHERE status = 429', { type: QueryTypes.SELECT })) as CallRow[];
      expect(rows).toEqual([
        { credential_id: one.id, call_name: 'lock', status: 429 },
        { credential_id: three.id, call_name: 'worker-service:batch', status: 429 },
      ]);
    } finally {
      await limited.close();
    }
  });

  it('given an engine without external tasks (Zeebe), when a credential calls /engine-rest, then it is a 501 in Camunda’s shape pointing to Zeebe’s job API', async () => {
    const now = () => h.t.clock.now().getTime();
    const remoteWorkers = createRemoteWorkerService({ repo: createRemoteWorkersRepository(h.t.db, { now }), audit: createAuditRepository(h.t.db, { now }), jobTypes: ['notify'], clock: h.t.clock, transaction: (w) => h.t.db.transaction(w) });
    const staff = { id: 'admin-test', username: 'admin-test', displayName: '测试', roles: ['admin'], unitId: null, active: true, failedLogins: 0, lockedUntil: null } as never;
    const { credential, secret } = await remoteWorkers.create(staff, { name: 'Zeebe 上的远程作业', topics: ['notify'] });
    const ctx = { engine: {} as EnginePort, remoteWorkers, engineRest: { rateLimit: 100, pollMs: 50, log: createLogger('silent') } } as unknown as AppContext;
    const zeebe = express().use('/engine-rest', engineRestRoutes(ctx));
    const res = await request(zeebe).post('/engine-rest/external-task/fetchAndLock').set('authorization', basic(credential.id, secret)).send({ workerId: 'w', topics: [{ topicName: 'notify', lockDuration: 1000 }] });
    expect(res.status).toBe(501);
    expect(res.body).toEqual({ type: 'RestException', message: expect.stringContaining('Zeebe'), code: null });
  });
});
