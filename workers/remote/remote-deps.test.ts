import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryLogger } from '../testing/in-memory.js';
import { createRemoteDeps, remoteCompletion, remoteDepsFactory, WorkerServiceError } from './remote-deps.js';

interface Seen {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: { taskId: string; args: Record<string, unknown> };
}

let server: Server;
let baseUrl: string;
/** the calls, one per entry, as the app took them from its batches */
const seen: Seen[] = [];
/** the requests: path and how many calls (or completions) each carried */
const requests: { path: string; items: number }[] = [];
/** what the stand-in app answers for a call, by the method's path */
let answers: Record<string, { status: number; body: unknown }>;
/** what it answers for a whole request (an authentication refusal, a proxy's error), when set */
let whole: { status: number; body: unknown } | undefined;

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });

beforeAll(async () => {
  // the app's batch endpoints (server/routes/worker-services.ts): one result per item, in order
  server = createServer(async (req, res) => {
    const text = await read(req);
    const path = (req.url ?? '').replace('/engine-rest/worker-services', '');
    const body = JSON.parse(text) as { calls?: { method: string; taskId: string; args: Record<string, unknown> }[]; completions?: { taskId: string }[] };
    const items = body.calls ?? body.completions ?? [];
    requests.push({ path, items: items.length });
    if (whole) return res.writeHead(whole.status, { 'content-type': 'application/json' }).end(JSON.stringify(whole.body));
    const results = items.map((item) => {
      const at = body.calls ? `/${(item as unknown as { method: string }).method.replace('.', '/')}` : `/complete/${item.taskId}`;
      if (body.calls) {
        const call = { ...item } as { method?: string; taskId: string; args: Record<string, unknown> };
        delete call.method;
        seen.push({ path: at, authorization: req.headers.authorization, contentType: req.headers['content-type'], body: call });
      }
      const answer = answers[at] ?? { status: body.calls ? 200 : 204, body: body.calls ? { result: null } : {} };
      return { status: answer.status, ...(answer.body as object) };
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
  requests.length = 0;
  answers = {};
  whole = undefined;
});

const options = () => ({ baseUrl, user: 'cred-1', password: 's3cret', publicBaseUrl: 'https://wz.example.gov.cn', logger: new MemoryLogger() });

describe('remote worker deps', () => {
  it('given a write, when the handler makes it, then it goes to the worker services’ batch with Basic auth, its method, the job’s task id and instants as ISO text', async () => {
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
    whole = { status: 502, body: 'bad gateway' };
    await expect(deps.units.list()).rejects.toThrow(/worker service units\.list: 502/);
    whole = { status: 401, body: { type: 'AuthenticationException', message: 'the credential is unknown, revoked, or its secret is wrong', code: null } };
    await expect(deps.units.list()).rejects.toThrow('worker service units.list: 401 the credential is unknown, revoked, or its secret is wrong');
  });

  it('given the jobs of one fetch calling at the same moment, when they call, then one request carries their calls and each job gets its own answer', async () => {
    answers['/petitions/mergedFrom'] = { status: 200, body: { result: [] } };
    answers['/units/recipient'] = { status: 403, body: { type: 'AuthorizationException', message: 'a notify job may not', code: null } };
    const depsFor = remoteDepsFactory(options());
    const jobs = Array.from({ length: 130 }, (_, i) => depsFor(`job-${i}`));
    const out = await Promise.allSettled([...jobs.map((d, i) => d.petitions.mergedFrom(`p${i}`)), jobs[0].units.recipient('u-1', 'leader')]);
    expect(out.slice(0, 130).every((o) => o.status === 'fulfilled' && Array.isArray(o.value))).toBe(true);
    expect(out[130]).toMatchObject({ status: 'rejected', reason: { message: 'worker service units.recipient: 403 a notify job may not' } });
    // at most 100 calls a request
    expect(requests).toEqual([
      { path: '/batch', items: 100 },
      { path: '/batch', items: 31 },
    ]);
    expect(seen.slice(0, 2).map((s) => s.body)).toEqual([
      { taskId: 'job-0', args: { petitionId: 'p0' } },
      { taskId: 'job-1', args: { petitionId: 'p1' } },
    ]);
  });

  it('given completions at the same moment, when sent, then one request carries them and a refused one throws with the app’s message', async () => {
    answers['/complete/job-b'] = { status: 400, body: { type: 'BadUserRequestException', message: 'External task job-b cannot be completed: it is not locked by this credential', code: null } };
    const complete = remoteCompletion(options());
    const write = { method: 'outbox.enqueue' as const, args: { entry: { dedupeKey: 'notify:job-a' } } };
    const out = await Promise.allSettled([complete('job-a', 'w-1', { ok: true }, [write]), complete('job-b', 'w-1', {}, [])]);
    expect(out[0]).toEqual({ status: 'fulfilled', value: undefined });
    expect(out[1]).toMatchObject({ status: 'rejected', reason: { message: 'completing job-b: 400 External task job-b cannot be completed: it is not locked by this credential' } });
    expect(requests).toEqual([{ path: '/complete', items: 2 }]);
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
