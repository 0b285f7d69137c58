import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryLogger } from '../testing/in-memory.js';
import { createRemoteDeps, remoteDepsFactory, WorkerServiceError } from './remote-deps.js';

interface Seen {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: { taskId: string; args: Record<string, unknown> };
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];
/** what the stand-in app answers, by path */
let answers: Record<string, { status: number; body: unknown }>;

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const text = await read(req);
    const path = (req.url ?? '').replace('/engine-rest/worker-services', '');
    seen.push({ path, authorization: req.headers.authorization, contentType: req.headers['content-type'], body: JSON.parse(text) });
    const answer = answers[path] ?? { status: 200, body: { result: null } };
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
  answers = {};
});

const options = () => ({ baseUrl, user: 'cred-1', password: 's3cret', publicBaseUrl: 'https://wz.example.gov.cn', logger: new MemoryLogger() });

describe('remote worker deps', () => {
  it('given a write, when the handler makes it, then it is POSTed to its service path with Basic auth, the job’s task id and instants as ISO text', async () => {
    answers['/ledger/recordWarning'] = { status: 200, body: { result: { created: true } } };
    const deps = createRemoteDeps({ ...options(), taskId: 'job-1' });
    const at = new Date('2026-03-05T16:00:00.000Z');
    const out = await deps.ledger.recordWarning({ unitId: 'u-1', petitionId: 'p1', deadlineSeq: 1, level: 'blue', points: 5, reason: '蓝色预警', at });
    expect(out).toEqual({ created: true });
    expect(seen).toEqual([
      {
        path: '/ledger/recordWarning',
        authorization: `Basic ${Buffer.from('cred-1:s3cret').toString('base64')}`,
        contentType: 'application/json',
        body: { taskId: 'job-1', args: { entry: { unitId: 'u-1', petitionId: 'p1', deadlineSeq: 1, level: 'blue', points: 5, reason: '蓝色预警', at: '2026-03-05T16:00:00.000Z' } } },
      },
    ]);
  });

  it('given every kind of call, when made, then each names its arguments and "none" comes back as undefined', async () => {
    const deps = createRemoteDeps({ ...options(), taskId: 'job-2' });
    expect(await deps.units.recipient('u-1', 'leader')).toBeUndefined();
    expect(await deps.petitions.getPublicationSource('p1')).toBeUndefined();
    await deps.petitions.setStatus('p1', '办理中', undefined, { finishDueAt: '2026-03-09T16:00:00.000Z' });
    await deps.knowledge!.revise('k1', { question: 'q', answer: 'a', basis: 'b', validUntil: null }, { actor: 'system', at: new Date('2026-01-01T00:00:00Z') });
    await deps.assessments!.complete('a1', [{ unitId: 'u-1', score: 90, rank: 1, standing: 'praise' }], { decisionVersion: 2, at: new Date('2026-01-01T00:00:00Z') });
    expect(seen.map((s) => [s.path, s.body])).toEqual([
      ['/units/recipient', { taskId: 'job-2', args: { unitId: 'u-1', role: 'leader' } }],
      ['/petitions/getPublicationSource', { taskId: 'job-2', args: { petitionId: 'p1' } }],
      ['/petitions/setStatus', { taskId: 'job-2', args: { petitionId: 'p1', status: '办理中', context: { finishDueAt: '2026-03-09T16:00:00.000Z' } } }],
      ['/knowledge/revise', { taskId: 'job-2', args: { entryId: 'k1', content: { question: 'q', answer: 'a', basis: 'b', validUntil: null }, h: { actor: 'system', at: '2026-01-01T00:00:00.000Z' } } }],
      ['/assessments/complete', { taskId: 'job-2', args: { assessmentId: 'a1', results: [{ unitId: 'u-1', score: 90, rank: 1, standing: 'praise' }], meta: { decisionVersion: 2, at: '2026-01-01T00:00:00.000Z' } } }],
    ]);
  });

  it('given the app refuses a call, when made, then it throws an Error with the app’s message (the job fails and is retried)', async () => {
    answers['/outbox/enqueue'] = { status: 403, body: { type: 'AuthorizationException', message: 'external task job-3 is not locked by this credential', code: null } };
    const deps = createRemoteDeps({ ...options(), taskId: 'job-3' });
    const call = deps.outbox.enqueue({ channel: 'sms', recipientKind: 'petitioner', recipientRef: 'p1', template: 'petition-received', payload: {}, dedupeKey: 'notify:job-3' });
    await expect(call).rejects.toThrow('worker service outbox.enqueue: 403 external task job-3 is not locked by this credential');
    await expect(call).rejects.toBeInstanceOf(WorkerServiceError);
    answers['/units/list'] = { status: 502, body: 'bad gateway' };
    await expect(deps.units.list()).rejects.toThrow(/worker service units\.list: 502/);
  });

  it('given the app is not reachable, when a call is made, then it throws saying so', async () => {
    const deps = createRemoteDeps({ ...options(), baseUrl: 'http://127.0.0.1:1/engine-rest', taskId: 'job-4' });
    await expect(deps.units.list()).rejects.toThrow(/worker service units\.list: the app is not reachable/);
  });

  it('given the calendar, when jobs read it within a second, then one call serves them and it is built by the rules code from the app’s data', async () => {
    answers['/calendar/load'] = { status: 200, body: { result: { overrides: [{ date: '2026-03-04', workday: false, label: '测试假日' }], completeYears: [] } } };
    const depsFor = remoteDepsFactory(options());
    const first = await depsFor('job-5').calendar();
    const second = await depsFor('job-6').calendar();
    expect(second).toBe(first);
    expect(seen.map((s) => [s.path, s.body.taskId])).toEqual([['/calendar/load', 'job-5']]);
    expect(first.isWorkday('2026-03-04')).toBe(false);
    expect(first.isWorkday('2026-03-05')).toBe(true);
  });
});
