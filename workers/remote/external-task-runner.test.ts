import { describe, it, expect, afterEach } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Variables } from 'camunda-external-task-client-js';
import { BusinessError } from '../../engine/errors.js';
import type { JobContext, JobHandler, Variables as Vars } from '../../engine/port.js';
import { MemoryLogger } from '../testing/in-memory.js';
import { createTaskAdapter, jobContextOf, plainVariables, retryTimeoutOf, startRemoteWorkers, type ExternalTaskLike, type TaskServiceLike } from './external-task-runner.js';

type Dirty = Record<string, { type: string; value: unknown }>;
const dirty = (v: unknown) => (v as { getDirtyVariables(): Dirty } | undefined)?.getDirtyVariables();

/** a TaskService that records what the runner reported */
function fakeTaskService(options: { refuse?: boolean } = {}) {
  const calls: { op: string; task: ExternalTaskLike; args: unknown[] }[] = [];
  const record = (op: string) => async (task: never, ...args: unknown[]) => {
    calls.push({ op, task, args });
    if (options.refuse) throw new Error('Response code 400 (Bad Request); Error: the lock ran out');
  };
  const service = { complete: record('complete'), handleFailure: record('handleFailure'), handleBpmnError: record('handleBpmnError') } as TaskServiceLike;
  return { service, calls };
}

function task(overrides: Partial<ExternalTaskLike> & { values?: Record<string, unknown> } = {}): ExternalTaskLike {
  const { values = { petitionId: 'p1' }, ...rest } = overrides;
  return {
    id: 'job-9',
    topicName: 'notify',
    processInstanceId: 'pi-7',
    processDefinitionKey: 'petition',
    activityId: 'notify-received',
    retries: null,
    variables: { getAll: () => values },
    extensionProperties: { template: 'petition-received', to: 'petitioner' },
    ...rest,
  };
}

async function run(handler: JobHandler, t: ExternalTaskLike, refuse = false) {
  const logger = new MemoryLogger();
  const { service, calls } = fakeTaskService({ refuse });
  await createTaskAdapter({ handlerFor: () => handler, logger })({ task: t, taskService: service });
  return { calls, logger };
}

describe('the external-task runner’s adapter', () => {
  it('given a fetched task, when its handler runs, then it gets plain variables (instants as ISO text) and the job context of the task', async () => {
    let seen: { variables: Vars; ctx: JobContext } | undefined;
    const at = new Date('2026-03-02T02:00:00.000Z');
    await run(async (variables, ctx) => {
      seen = { variables, ctx };
    }, task({ values: { petitionId: 'p1', dueAt: at, units: ['u-1'], n: 3 }, retries: 2 }));
    expect(seen?.variables).toEqual({ petitionId: 'p1', dueAt: '2026-03-02T02:00:00.000Z', units: ['u-1'], n: 3 });
    expect(seen?.ctx).toMatchObject({ jobKey: 'job-9', type: 'notify', processInstanceKey: 'pi-7', processId: 'petition', elementId: 'notify-received', headers: { template: 'petition-received', to: 'petitioner' }, retries: 2 });
    expect(seen?.ctx.transactional).toBeUndefined();
    expect(plainVariables({ d: at })).toEqual({ d: at.toISOString() });
    expect(jobContextOf(task({ extensionProperties: undefined })).headers).toEqual({});
    expect(jobContextOf(task()).retries).toBe(3);
  });

  it('given a handler that returns output, when run, then the task is completed with the output as typed variables', async () => {
    const { calls } = await run(async () => ({ finishDueAt: '2026-03-09T16:00:00.000Z', units: [{ unitId: 'u-1', score: 91.5 }], count: 2, ok: true }), task());
    expect(calls.map((c) => c.op)).toEqual(['complete']);
    expect(calls[0].task.id).toBe('job-9');
    expect(dirty(calls[0].args[0])).toEqual({
      finishDueAt: { type: 'string', value: '2026-03-09T16:00:00.000Z', valueInfo: {} },
      units: { type: 'json', value: '[{"unitId":"u-1","score":91.5}]', valueInfo: {} },
      count: { type: 'integer', value: 2, valueInfo: {} },
      ok: { type: 'boolean', value: true, valueInfo: {} },
    });
    // no output: completed with no variables
    const none = await run(async () => undefined, task());
    expect(dirty(none.calls[0].args[0])).toEqual({});
  });

  it('given a handler that throws a business error, when run, then the task throws its BPMN error with the code, message and variables', async () => {
    const { calls } = await run(async () => {
      throw new BusinessError('RETURN_REJECTED', '退回理由不成立', { returnReason: '不属于本单位' });
    }, task({ topicName: 'check-return-request' }));
    expect(calls.map((c) => c.op)).toEqual(['handleBpmnError']);
    expect(calls[0].args.slice(0, 2)).toEqual(['RETURN_REJECTED', '退回理由不成立']);
    expect(dirty(calls[0].args[2])).toEqual({ returnReason: { type: 'string', value: '不属于本单位', valueInfo: {} } });
    // a business error from another copy of the class (name and code) counts too
    const other = Object.assign(new Error('x'), { name: 'BusinessError', code: 'E2' });
    const again = await run(async () => {
      throw other;
    }, task());
    expect(again.calls.map((c) => [c.op, c.args[0]])).toEqual([['handleBpmnError', 'E2']]);
  });

  it('given a handler that fails, when run, then the task fails with one retry less, the type’s backoff and a short stack', async () => {
    const { calls, logger } = await run(async () => {
      throw new Error('notify: variable "petitionId" is missing');
    }, task({ retries: 3 }));
    expect(calls.map((c) => c.op)).toEqual(['handleFailure']);
    const failure = calls[0].args[0] as { errorMessage: string; errorDetails: string; retries: number; retryTimeout: number };
    expect(failure).toMatchObject({ errorMessage: 'notify: variable "petitionId" is missing', retries: 2, retryTimeout: retryTimeoutOf('notify', 1) });
    expect(failure.retryTimeout).toBe(1000);
    expect(failure.errorDetails).toMatch(/^Error: notify: variable "petitionId" is missing\n\s+at /);
    expect(failure.errorDetails.length).toBeLessThanOrEqual(2000);
    expect(logger.entries.map((e) => e.msg)).toEqual(['job failed']);
    // the last retry: 0 left (the engine raises an incident); null retries count as a first attempt of 3
    expect(((await run(async () => Promise.reject(new Error('x')), task({ retries: 1 }))).calls[0].args[0] as { retries: number }).retries).toBe(0);
    expect(((await run(async () => Promise.reject(new Error('x')), task({ retries: null }))).calls[0].args[0] as { retries: number }).retries).toBe(2);
  });

  it('given an engine that refuses the outcome (lock lost), when the runner reports it, then it logs and neither throws nor fails the task', async () => {
    const { calls, logger } = await run(async () => ({ a: 1 }), task(), true);
    expect(calls.map((c) => c.op)).toEqual(['complete']);
    expect(logger.entries).toEqual([expect.objectContaining({ level: 'warn', msg: 'the job outcome was not taken' })]);
  });

  it('given a topic without a handler, when a task of it runs, then it fails saying so', async () => {
    const logger = new MemoryLogger();
    const { service, calls } = fakeTaskService();
    await createTaskAdapter({ handlerFor: () => undefined, logger })({ task: task({ topicName: 'unknown' }), taskService: service });
    expect(calls.map((c) => [c.op, (c.args[0] as { errorMessage: string }).errorMessage])).toEqual([['handleFailure', 'unknown: no handler for this topic in this worker process']]);
  });

  it('given the client’s Variables, when built from output, then they are what TaskService.complete sends', () => {
    expect(dirty(new Variables().setAll({ when: new Date('2026-01-01T00:00:00.000Z') }))).toEqual({ when: { type: 'date', value: '2026-01-01T00:00:00.000+0000', valueInfo: {} } });
  });
});

/** waits until `ok()` holds (checked every 10 ms), failing after `ms` */
async function until(ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('startRemoteWorkers against a stand-in /engine-rest', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** fetchAndLock fails `failures` times (503), then hands out `job-1` once, then nothing (after a short wait) */
  async function standIn(failures: number) {
    const log = { fetches: [] as { at: number; authorization?: string; body: Record<string, unknown> }[], completes: [] as unknown[] };
    let handedOut = false;
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.url === '/engine-rest/external-task/fetchAndLock') {
          log.fetches.push({ at: Date.now(), authorization: req.headers.authorization, body: JSON.parse(text) });
          if (log.fetches.length <= failures) return json(503, { type: 'ServiceUnavailable', message: 'starting', code: null });
          if (!handedOut) {
            handedOut = true;
            return json(200, [{ id: 'job-1', topicName: 'notify', workerId: 'w', processInstanceId: 'pi-1', processDefinitionKey: 'petition', activityId: 'a', retries: null, variables: { petitionId: { type: 'String', value: 'p1', valueInfo: {} }, units: { type: 'Json', value: '["u-1"]', valueInfo: {} } }, extensionProperties: { to: 'petitioner' } }]);
          }
          setTimeout(() => json(200, []), 50);
          return;
        }
        if (req.url === '/engine-rest/external-task/job-1/complete') {
          log.completes.push(JSON.parse(text));
          return res.writeHead(204).end();
        }
        json(404, { type: 'InvalidRequestException', message: 'no', code: null });
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { log, baseUrl: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/engine-rest` };
  }

  it('given the app failing at first, when the workers poll, then they back off instead of spinning, then run the task and complete it', async () => {
    const { log, baseUrl } = await standIn(2);
    const logger = new MemoryLogger();
    let seen: Vars | undefined;
    const running = startRemoteWorkers({
      baseUrl,
      user: 'cred-1',
      password: 'one',
      types: ['notify', 'suggest-unit'],
      handlerFor: () => async (variables) => {
        seen = variables;
        return { notified: true };
      },
      logger,
      maxPollBackoffMs: 300,
      asyncResponseTimeout: 1000,
      interval: 20,
    });
    await until(() => log.completes.length === 1);
    await running.stop();
    expect(seen).toEqual({ petitionId: 'p1', units: ['u-1'] });
    expect(log.completes[0]).toMatchObject({ workerId: running.workerId, variables: { notified: { type: 'boolean', value: true } } });
    const [first, second, third] = log.fetches;
    // two failures: each followed by a pause of the backoff, not the 20 ms interval
    expect(second.at - first.at).toBeGreaterThanOrEqual(250);
    expect(third.at - second.at).toBeGreaterThanOrEqual(250);
    expect(first.authorization).toBe(`Basic ${Buffer.from('cred-1:one').toString('base64')}`);
    expect(first.body).toMatchObject({ workerId: running.workerId, maxTasks: 16, asyncResponseTimeout: 1000, topics: [expect.objectContaining({ topicName: 'notify', includeExtensionProperties: true }), expect.objectContaining({ topicName: 'suggest-unit' })] });
    expect(running.workerId).toMatch(/^.+-\d+-[0-9a-f]{8}$/);
    expect(logger.entries.filter((e) => e.msg === 'fetching tasks failed')).toHaveLength(2);
  });

  it('given a task in hand, when the workers stop, then stop waits for it to finish and report', async () => {
    const { log, baseUrl } = await standIn(0);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    const running = startRemoteWorkers({
      baseUrl, user: 'cred-1', password: 'one', types: ['notify'], logger: new MemoryLogger(), asyncResponseTimeout: 1000, interval: 20,
      handlerFor: () => async () => {
        started = true;
        await gate;
        return { ok: 1 };
      },
    });
    await until(() => started);
    let stopped = false;
    const stopping = running.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(log.completes).toHaveLength(1);
  });
});
