/**
 * WorkerDeps over the app's worker services (issue 19): a remote `npm run workers` has no database;
 * each store call is `{ method, taskId, args }`, Basic-authenticated by the worker's credential, and
 * the app allows it only for the job `taskId` this credential holds (server/routes/worker-services.ts).
 * The calls the jobs of a fetch make at the same moment go as one `POST <baseUrl>/worker-services/batch`
 * (batch-sender.ts), each answered on its own. Deps are made per job (`remoteDepsFactory(...)(taskId)`:
 * a few closures). Writes not kept for the completion are done at once (no engine transaction reaches
 * here) and repeat safely: the stores are idempotent, as workers/deps.ts says. A refused or failed
 * call throws an Error with the app's message: the job fails and is retried.
 */
import http from 'node:http';
import https from 'node:https';
import { createWorkingCalendar, type WorkingCalendar, type WorkingCalendarOptions } from '../../regulation/calendar/working-calendar.js';
import type { WorkerClock, WorkerDeps, WorkerLogger } from '../deps.js';
import type { ServiceMethod } from './service-use.js';
import { batchSender } from './batch-sender.js';

export interface RemoteDepsOptions {
  /** the app's `/engine-rest` address, e.g. `http://app:3000/engine-rest` */
  baseUrl: string;
  user: string;
  password: string;
  /** the portal's public address (notify's evaluation link) */
  publicBaseUrl: string;
  logger: WorkerLogger;
  /** the worker process's own clock */
  clock?: WorkerClock;
  /** how the calls are sent (tests); default node:http with kept-alive connections */
  fetch?: typeof fetch;
  /** ms a call may take before it fails (default 30 s) */
  timeoutMs?: number;
}

/**
 * The writes of a job's completion (JobContext.transactional), kept to go with it: the runner gives
 * this as the "transaction" to the handler's completion writes, and a write whose result the
 * handlers do not use is kept here instead of sent (DEFERRABLE), to commit in the app with the
 * completion — as the app's own workers' writes commit with theirs. Any other write is sent at once.
 */
export class DeferredWrites {
  readonly writes: { method: ServiceMethod; args: Record<string, unknown> }[] = [];
}

/** the writes kept for the completion (their results: none the handlers read, see each) */
export const DEFERRABLE: ReadonlySet<ServiceMethod> = new Set<ServiceMethod>(['outbox.enqueue', 'petitions.setStatus', 'assessments.createScheduled', 'assessments.saveFigures']);

/** how long a calendar read serves the jobs (as the app's own: an admin's change applies a second later) */
const CALENDAR_TTL_MS = 1_000;

export class WorkerServiceError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'WorkerServiceError';
  }
}

/** makes the deps of one job; the calendar read is shared by the jobs of the same second */
interface Answer {
  status: number;
  statusText: string;
  text: string;
}

type Send = (url: string, headers: Record<string, string>, body: string, timeoutMs: number) => Promise<Answer>;

/**
 * A POST over node:http(s) on kept-alive connections: a job's few store calls cost a fraction of what
 * the global fetch costs (its web streams), and the connection to the app is reused.
 */
function nodeSend(): Send {
  const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };
  return (url, headers, body, timeoutMs) =>
    new Promise<Answer>((resolve, reject) => {
      const u = new URL(url);
      const lib = u.protocol === 'https:' ? https : http;
      const req = lib.request(u, { method: 'POST', agent: agents[u.protocol as 'http:' | 'https:'], headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
}

function fetchSend(doFetch: typeof fetch): Send {
  return async (url, headers, body, timeoutMs) => {
    const res = await doFetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: res.status, statusText: res.statusText, text: await res.text() };
  };
}

/** makes the deps of one job; the calendar read is shared by the jobs of the same second */
export function remoteDepsFactory(options: RemoteDepsOptions): (taskId: string) => WorkerDeps {
  const send = options.fetch ? fetchSend(options.fetch) : nodeSend();
  const base = `${options.baseUrl.replace(/\/+$/, '')}/worker-services`;
  const headers = headersOf(options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const clock = options.clock ?? { now: () => new Date() };

  // the calls of this moment's jobs go as one request (batch-sender.ts); each answers for itself
  const calls = batchSender<{ method: ServiceMethod; taskId: string; args: Record<string, unknown> }, unknown>(async (items) => {
    const what = (m: ServiceMethod) => `worker service ${m}`;
    let res: Answer;
    try {
      res = await send(`${base}/batch`, headers, JSON.stringify({ calls: items }), timeoutMs);
    } catch (err) {
      return items.map((c) => ({ ok: false, error: new WorkerServiceError(`${what(c.method)}: the app is not reachable (${(err as Error)?.message ?? err})`, 0) }));
    }
    const results = batchResults(res, items.length);
    return items.map((c, i) => {
      const r = results[i];
      if (r.status < 200 || r.status >= 300) return { ok: false, error: new WorkerServiceError(`${what(c.method)}: ${r.status} ${r.message}`, r.status) };
      if (!('result' in r.body)) return { ok: false, error: new WorkerServiceError(`${what(c.method)}: the app's answer has no result`, r.status) };
      return { ok: true, value: r.body.result };
    });
  });
  const call = <T>(method: ServiceMethod, taskId: string, args: Record<string, unknown> = {}) => calls({ method, taskId, args }) as Promise<T>;
  /** a write: kept for the completion when the handler gives the completion's DeferredWrites and the write's result is not read */
  async function write<T>(method: ServiceMethod, taskId: string, args: Record<string, unknown>, tx: unknown, provisional: T): Promise<T> {
    if (tx instanceof DeferredWrites && DEFERRABLE.has(method)) {
      tx.writes.push({ method, args });
      return provisional;
    }
    return call<T>(method, taskId, args);
  }
  /** the app sends null for "none" (JSON has no undefined) */
  const orUndefined = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

  let calendar: { at: number; loaded: Promise<WorkingCalendar> } | undefined;

  return (taskId) => ({
    calendar: () => {
      if (!calendar || Date.now() - calendar.at >= CALENDAR_TTL_MS) {
        // built by the same rules code as the app's, from the same overrides and complete years
        const loaded = call<WorkingCalendarOptions>('calendar.load', taskId).then((o) => createWorkingCalendar(o));
        calendar = { at: Date.now(), loaded };
        loaded.catch(() => (calendar = undefined));
      }
      return calendar.loaded;
    },
    clock,
    logger: options.logger,
    config: { publicBaseUrl: options.publicBaseUrl },
    // its id is known only once written: 0 until then (notify logs it)
    outbox: { enqueue: (entry, tx) => write('outbox.enqueue', taskId, { entry }, tx, { id: 0, created: true }) },
    ledger: {
      recordWarning: (entry) => call('ledger.recordWarning', taskId, { entry }),
      recordTransfer: (entry) => call('ledger.recordTransfer', taskId, { entry }),
    },
    publications: { publish: (entry) => call('publications.publish', taskId, { entry }) },
    units: {
      list: () => call('units.list', taskId),
      recipient: async (unitId, role) => orUndefined(await call<string | null>('units.recipient', taskId, { unitId, role })),
    },
    petitions: {
      setStatus: async (petitionId, status, tx, context) => {
        await write('petitions.setStatus', taskId, { petitionId, status, ...(context && { context }) }, tx, undefined);
      },
      getPublicationSource: async (petitionId) => orUndefined(await call('petitions.getPublicationSource', taskId, { petitionId })),
      mergedFrom: (petitionId) => call('petitions.mergedFrom', taskId, { petitionId }),
    },
    reports: {
      scheduled: async (ref) => orUndefined(await call('reports.scheduled', taskId, { ref })),
      figures: (ref) => call('reports.figures', taskId, { ref }),
      archiveScheduled: (figures, processInstanceKey) => call('reports.archiveScheduled', taskId, { figures, processInstanceKey }),
    },
    assessments: {
      get: async (assessmentId) => orUndefined(await call('assessments.get', taskId, { assessmentId })),
      createScheduled: async (assessment, tx) => {
        await write('assessments.createScheduled', taskId, { assessment }, tx, undefined);
      },
      unitFigures: (period) => call('assessments.unitFigures', taskId, { period }),
      saveFigures: async (assessmentId, rows, tx) => {
        await write('assessments.saveFigures', taskId, { assessmentId, rows }, tx, undefined);
      },
      figures: (assessmentId) => call('assessments.figures', taskId, { assessmentId }),
      decisionVersion: () => call('assessments.decisionVersion', taskId),
      complete: (assessmentId, results, meta) => call('assessments.complete', taskId, { assessmentId, results, meta }),
    },
    knowledge: {
      get: async (entryId) => orUndefined(await call('knowledge.get', taskId, { entryId })),
      step: (entryId, step) => call('knowledge.step', taskId, { entryId, step }),
      revise: (entryId, content, h) => call('knowledge.revise', taskId, { entryId, content, h }),
    },
  });
}

/**
 * A job's completion with the writes its handler kept for it (DeferredWrites), through the app's
 * worker services, which commit them with the completion (server/routes/worker-services.ts
 * `POST /complete`); the completions of the same moment go as one request. A refusal throws with the
 * app's message.
 */
export function remoteCompletion(options: Pick<RemoteDepsOptions, 'baseUrl' | 'user' | 'password' | 'fetch' | 'timeoutMs'>) {
  const send = options.fetch ? fetchSend(options.fetch) : nodeSend();
  const url = `${options.baseUrl.replace(/\/+$/, '')}/worker-services/complete`;
  const headers = headersOf(options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  type Completion = { taskId: string; workerId: string; variables: Record<string, unknown>; writes: DeferredWrites['writes'] };
  const completions = batchSender<Completion, void>(async (items) => {
    const res = await send(url, headers, JSON.stringify({ completions: items }), timeoutMs);
    const results = batchResults(res, items.length);
    return items.map((c, i) => {
      const r = results[i];
      return r.status >= 200 && r.status < 300 ? { ok: true, value: undefined } : { ok: false, error: new WorkerServiceError(`completing ${c.taskId}: ${r.status} ${r.message}`, r.status) };
    });
  });
  return (taskId: string, workerId: string, variables: Record<string, unknown>, writes: DeferredWrites['writes']): Promise<void> => completions({ taskId, workerId, variables, writes });
}

const headersOf = (o: { user: string; password: string }) => ({
  authorization: `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`,
  'content-type': 'application/json',
  accept: 'application/json',
});

/**
 * A batch's answer, one `{ status, message, body }` per item: its own (`{ results }`, 200), or the
 * request's refusal (an authentication, a rate limit, a proxy's error) for every item.
 */
function batchResults(res: Answer, n: number): { status: number; message: string; body: Record<string, unknown> }[] {
  let body: unknown;
  try {
    body = res.text === '' ? undefined : JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  const messageOf = (b: unknown, fallback: string) => {
    const m = (b as { message?: unknown } | undefined)?.message;
    return typeof m === 'string' ? m : fallback;
  };
  const results = (body as { results?: unknown } | undefined)?.results;
  if (res.status !== 200 || !Array.isArray(results) || results.length !== n) {
    const status = res.status === 200 ? 502 : res.status;
    const message = res.status === 200 ? 'the app’s answer is not one result per call' : messageOf(body, res.statusText);
    return Array.from({ length: n }, () => ({ status, message, body: {} }));
  }
  return results.map((r) => {
    const item = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const status = typeof item.status === 'number' ? item.status : 502;
    return { status, message: messageOf(item, String(status)), body: item };
  });
}

/** the deps of one job (see remoteDepsFactory, which shares the calendar read between jobs) */
export function createRemoteDeps(options: RemoteDepsOptions & { taskId: string }): WorkerDeps {
  return remoteDepsFactory(options)(options.taskId);
}
