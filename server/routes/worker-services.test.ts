/**
 * The worker services router in a test Express app: a stand-in for the engine-rest's Basic auth puts
 * the caller on res.locals.remoteWorker, a stand-in engine answers getExternalTask, the stores are
 * the in-memory ones. The job handlers run through the remote deps (workers/remote/remote-deps.ts)
 * against it, as a remote `npm run workers` does.
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppContext } from '../app-context.js';
import type { AppWorkerDeps } from '../engine-setup.js';
import type { RemoteWorkerIdentity } from '../domain/remote-worker.js';
import { createTestDeps, jobContext, type TestDeps } from '../../workers/testing/in-memory.js';
import { createWorkers } from '../../workers/registry.js';
import { remoteDepsFactory } from '../../workers/remote/remote-deps.js';
import { SERVICE_METHODS, SERVICE_USE } from '../../workers/remote/service-use.js';
import { scheduledAssessmentId } from '../../workers/gather-assessment.js';
import { workerServicesRoutes, type RemoteCallRecord } from './worker-services.js';

const NOW = new Date('2026-03-02T02:00:00.000Z');
const CREDENTIALS: Record<string, { password: string; identity: RemoteWorkerIdentity }> = {
  'cred-1': { password: 'one', identity: { credentialId: 'cred-1', name: '县OA签批接口', topics: Object.keys(SERVICE_USE) } },
  'cred-2': { password: 'two', identity: { credentialId: 'cred-2', name: '短信网关', topics: ['notify'] } },
};

interface FakeTask {
  id: string;
  topicName: string;
  workerId: string | null;
  processInstanceId: string;
  lockExpirationTime: Date | null;
  variables: Record<string, unknown>;
}

let server: Server;
let baseUrl: string;
let deps: TestDeps;
let tasks: Map<string, FakeTask>;
let audit: RemoteCallRecord[];
let identityActors: string[];

function lockedTask(id: string, topicName: string, variables: Record<string, unknown>, credential = 'cred-1'): FakeTask {
  const t = { id, topicName, workerId: `${credential}/host-1-abcd`, processInstanceId: 'pi-1', lockExpirationTime: new Date(NOW.getTime() + 60_000), variables };
  tasks.set(id, t);
  return t;
}

beforeAll(async () => {
  const app = express();
  app.use(express.json());
  // the engine-rest router's Basic auth, as far as the worker services need it
  app.use('/engine-rest', (req, res, next) => {
    const [user, password] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
    const c = CREDENTIALS[user];
    if (!c || c.password !== password) {
      res.status(401).json({ type: 'AuthenticationException', message: 'unknown credential', code: null });
      return;
    }
    res.locals.remoteWorker = c.identity;
    next();
  });
  const ctx = {
    clock: { now: () => NOW },
    engine: { externalTasks: { getExternalTask: async (id: string) => tasks.get(id) } },
    remoteWorkers: { recordCall: async (entry: RemoteCallRecord) => void audit.push(entry) },
    get workerDeps(): AppWorkerDeps {
      const petitions = deps.petitions;
      return {
        ...deps,
        assessments: deps.assessments,
        knowledge: deps.knowledge,
        petitions: {
          setStatus: (...a: Parameters<typeof petitions.setStatus>) => petitions.setStatus(...a),
          mergedFrom: (id: string) => petitions.mergedFrom(id),
          getPublicationSource: (id: string, actor?: string) => {
            identityActors.push(actor ?? 'system');
            return petitions.getPublicationSource(id);
          },
        },
        calendarOptions: async () => ({ overrides: [{ date: '2026-03-04', workday: false, label: '测试假日' }], completeYears: [] }),
      };
    },
  } as unknown as AppContext;
  app.use('/engine-rest/worker-services', workerServicesRoutes(ctx));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  deps = createTestDeps({ now: NOW.toISOString() });
  tasks = new Map();
  audit = [];
  identityActors = [];
});

const remote = (user = 'cred-1') => remoteDepsFactory({ baseUrl, user, password: CREDENTIALS[user].password, publicBaseUrl: 'https://wz.example.gov.cn', logger: deps.logger, clock: deps.clock });

async function post(path: string, body: unknown, user = 'cred-1') {
  const res = await fetch(`${baseUrl}/worker-services${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${user}:${CREDENTIALS[user].password}`).toString('base64')}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('worker services: the handlers through the remote deps', () => {
  it('given a notify job locked by the credential, when its handler runs remotely, then the outbox rows are written, the merged petitioner’s too, each call audited', async () => {
    deps.petitions.merged.set('p1', [{ petitionId: 'p2', trackingCode: 'WZ22222222' }]);
    const vars = { petitionId: 'p1', trackingCode: 'LN2603020001', unitId: 'u-longnan' };
    lockedTask('job-1', 'notify', vars);
    await createWorkers(remote()('job-1')).notify(vars, jobContext('notify', { template: 'reply-ready', to: 'petitioner' }, 'job-1'));
    expect(deps.outbox.entries.map((e) => [e.recipientRef, e.dedupeKey])).toEqual([
      ['p1', 'notify:job-1'],
      ['p2', 'notify:job-1:merged:p2'],
    ]);
    expect(audit.map((a) => [a.call, a.status, a.taskId, a.topic, a.workerId, a.credentialId])).toEqual([
      ['worker-service:units.list', 200, 'job-1', 'notify', 'host-1-abcd', 'cred-1'],
      ['worker-service:petitions.mergedFrom', 200, 'job-1', 'notify', 'host-1-abcd', 'cred-1'],
      ['worker-service:outbox.enqueue', 200, 'job-1', 'notify', 'host-1-abcd', 'cred-1'],
      ['worker-service:outbox.enqueue', 200, 'job-1', 'notify', 'host-1-abcd', 'cred-1'],
    ]);
  });

  it('given a raise-warning job, when it runs remotely, then the calendar is the app’s (its holiday counts), the ledger gets an instant and the warning its row', async () => {
    const computed = await createWorkers(deps)['compute-deadlines']({ category: 'complaint', unitId: 'u-longnan' }, jobContext('compute-deadlines', { stage: 'dispatch' }));
    const vars: Record<string, unknown> = { petitionId: 'p1', trackingCode: 'LN1', unitId: 'u-longnan', category: 'complaint', ...computed };
    lockedTask('job-2', 'compute-deadlines', { category: 'complaint', unitId: 'u-longnan' });
    const remoteComputed = await createWorkers(remote()('job-2'))['compute-deadlines']({ category: 'complaint', unitId: 'u-longnan' }, jobContext('compute-deadlines', { stage: 'dispatch' }, 'job-2'));
    // 2026-03-04 is a holiday in the app's calendar: the remote deadline is a working day later
    expect(remoteComputed).not.toEqual(computed);
    deps.clock.set(String(vars.blueAt));
    lockedTask('job-3', 'raise-warning', vars);
    await createWorkers(remote()('job-3'))['raise-warning'](vars, jobContext('raise-warning', { level: 'blue' }, 'job-3'));
    expect(deps.ledger.warnings).toHaveLength(1);
    expect(deps.ledger.warnings[0].at).toBeInstanceOf(Date);
    expect(deps.outbox.entries.map((e) => e.dedupeKey)).toEqual(['warning:p1:1:blue']);
  });

  it('given a publish-reply job, when it reads the identity to mask, then the read is logged as the credential', async () => {
    deps.petitions.sources.set('p1', { title: '张三反映龙翔路8号路灯不亮', petitionerName: '张三', petitionerPhone: '13812345678', address: '龙翔路8号' });
    const reply = { handledAt: '2026-03-05T07:30:00.000Z', handlingUnit: '龙南镇人民政府', result: '经核实,张三反映的路灯已修复。', legalBasis: '《城市照明管理规定》', contactRecord: '3月4日电话联系', publishable: true, replyText: '您好,路灯已修复。' };
    const vars = { petitionId: 'p1', reviewApproved: true, publishable: true, reply };
    lockedTask('job-4', 'publish-reply', vars);
    await createWorkers(remote()('job-4'))['publish-reply'](vars, jobContext('publish-reply', {}, 'job-4'));
    expect(identityActors).toEqual(['remote-worker:cred-1']);
    const published = deps.publications.rows.get('p1');
    expect(published?.publishedAt).toBeInstanceOf(Date);
    expect(published?.maskedText).not.toContain('张三');
  });
});

describe('worker services: refusals (Camunda’s error shape, nothing changed)', () => {
  const enqueue = (taskId: string, recipientRef = 'p1') => ({
    taskId,
    args: { entry: { channel: 'sms', recipientKind: 'petitioner', recipientRef, template: 'petition-received', payload: { petitionId: 'p1' }, dedupeKey: `notify:${taskId}` } },
  });

  it('given a task locked by another credential, a lock run out, or no such task, when a call names it, then 403 / 404 and no write', async () => {
    lockedTask('job-a', 'notify', { petitionId: 'p1' }, 'cred-2');
    expect(await post('/outbox/enqueue', enqueue('job-a'))).toEqual({ status: 403, body: { type: 'AuthorizationException', message: 'external task job-a is not locked by this credential', code: null } });
    tasks.set('job-b', { ...lockedTask('job-b', 'notify', { petitionId: 'p1' }), lockExpirationTime: new Date(NOW.getTime() - 1) });
    expect((await post('/outbox/enqueue', enqueue('job-b'))).status).toBe(403);
    tasks.set('job-c', { ...lockedTask('job-c', 'notify', { petitionId: 'p1' }), workerId: null, lockExpirationTime: null });
    expect((await post('/outbox/enqueue', enqueue('job-c'))).status).toBe(403);
    expect(await post('/outbox/enqueue', enqueue('job-x'))).toMatchObject({ status: 404, body: { type: 'InvalidRequestException', message: 'external task job-x does not exist' } });
    expect(deps.outbox.entries).toEqual([]);
    expect(audit.map((a) => a.status)).toEqual([403, 403, 403, 404]);
  });

  it('given a job whose handler does not call a method, or a credential no longer scoped to the topic, when it calls it, then 403', async () => {
    lockedTask('job-n', 'notify', { petitionId: 'p1' });
    expect(await post('/petitions/getPublicationSource', { taskId: 'job-n', args: { petitionId: 'p1' } })).toMatchObject({ status: 403, body: { message: 'a notify job does not call petitions.getPublicationSource' } });
    expect(identityActors).toEqual([]);
    lockedTask('job-s', 'set-petition-status', { petitionId: 'p1' }, 'cred-2');
    expect((await post('/petitions/setStatus', { taskId: 'job-s', args: { petitionId: 'p1', status: '办理中' } }, 'cred-2')).status).toBe(403);
    expect(deps.petitions.statuses.size).toBe(0);
  });

  it('given a call about another case than its job’s, when made, then 403 and nothing changed', async () => {
    lockedTask('job-s', 'set-petition-status', { petitionId: 'p1' });
    expect(await post('/petitions/setStatus', { taskId: 'job-s', args: { petitionId: 'p9', status: '办理中' } })).toMatchObject({ status: 403, body: { message: 'petition p9 is not the case of external task job-s' } });
    lockedTask('job-n', 'notify', { petitionId: 'p1' });
    expect((await post('/outbox/enqueue', enqueue('job-n', 'p9'))).status).toBe(403);
    lockedTask('job-k', 'set-knowledge-status', { entryId: 'k1' });
    expect((await post('/knowledge/get', { taskId: 'job-k', args: { entryId: 'k2' } })).status).toBe(403);
    lockedTask('job-g', 'gather-assessment', {});
    const period = { kind: 'quarter', year: 2026, index: 1 };
    expect((await post('/assessments/createScheduled', { taskId: 'job-g', args: { assessment: { id: 'other', period, at: NOW.toISOString(), processInstanceKey: 'pi-1' } } })).status).toBe(403);
    expect((await post('/assessments/createScheduled', { taskId: 'job-g', args: { assessment: { id: scheduledAssessmentId('job-g'), period, at: NOW.toISOString(), processInstanceKey: 'pi-1' } } })).status).toBe(200);
    expect(deps.petitions.statuses.size).toBe(0);
    expect(deps.outbox.entries).toEqual([]);
    expect([...deps.assessments.rows.keys()]).toEqual([scheduledAssessmentId('job-g')]);
  });

  it('given a bad body, when posted, then 400 InvalidRequestException naming the problem and nothing written', async () => {
    lockedTask('job-w', 'raise-warning', { petitionId: 'p1' });
    const entry = { unitId: 'u-longnan', petitionId: 'p1', deadlineSeq: 1, level: 'blue', points: 5, reason: '蓝色预警', at: '2026-03-05T16:00:00.000Z' };
    const cases: [unknown, RegExp][] = [
      [{ taskId: 'job-w', args: { entry: { ...entry, at: 'yesterday' } } }, /args\.entry\.at must be an ISO instant/],
      [{ taskId: 'job-w', args: { entry: { ...entry, level: 'purple' } } }, /args\.entry\.level must be one of blue, yellow, red/],
      [{ taskId: 'job-w', args: { entry: { ...entry, extra: 1 } } }, /args\.entry\.extra is not expected/],
      [{ taskId: 'job-w', args: { entry: { ...entry, points: 2.5 } } }, /args\.entry\.points must be an integer/],
      [{ taskId: 'job-w', args: {} }, /args\.entry is required/],
      [{ taskId: 'job-w', args: { entry }, tx: 1 }, /tx is not expected/],
      [{ args: { entry } }, /taskId must be non-empty text/],
      [[1, 2], /the body must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const res = await post('/ledger/recordWarning', body);
      expect(res).toMatchObject({ status: 400, body: { type: 'InvalidRequestException', code: null } });
      expect(String(res.body.message)).toMatch(message);
    }
    expect(deps.ledger.warnings).toEqual([]);
    // the same entry, well formed: written once, with its instant revived
    expect(await post('/ledger/recordWarning', { taskId: 'job-w', args: { entry } })).toEqual({ status: 200, body: { result: { created: true } } });
    expect(deps.ledger.warnings[0].at).toEqual(new Date(entry.at));
  });

  it('given an unknown method, when posted, then 404 in Camunda’s shape; every method of the map has a route', async () => {
    expect(await post('/outbox/drop', { taskId: 'x', args: {} })).toMatchObject({ status: 404, body: { type: 'InvalidRequestException', code: null } });
    const used = new Set(Object.values(SERVICE_USE).flat());
    expect(SERVICE_METHODS.filter((m) => !used.has(m))).toEqual([]);
  });
});
