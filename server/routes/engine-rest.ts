/**
 * `/engine-rest` (issue 19): Camunda 7's external-task REST protocol, so remote workers written for
 * Camunda 7 (camunda-external-task-client-js, the Java client, plain HTTP) take the app's jobs.
 * Mounted before the session, CSRF and read-only middleware: these calls carry no session; each
 * authenticates with HTTP Basic (user = the credential's id, password = its secret), is limited per
 * credential, and is recorded in `remote_worker_calls` — an accepted change in the engine's own
 * transaction, a refusal after it. Errors answer in Camunda 7's shape (`{type, message, code}`),
 * never the app's.
 *
 * Decisions: a completion's `localVariables` are merged over its `variables` (the job has one
 * output: a local value is the more specific one); a task outside the credential's topics is
 * refused (403) as a fetch of such a topic is; a task locked by another credential can be neither
 * finished nor unlocked (Camunda 7 lets anyone unlock: here another system's work is not another's
 * to give back).
 */
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { MemoryStore, rateLimit } from 'express-rate-limit';
import type { Transaction } from 'sequelize';
import { EngineError, ExternalTaskLockError, NotFoundError } from '../../engine/errors.js';
import type { ExternalTaskPort, LockedExternalTask, Variables } from '../../engine/port.js';
import type { AppContext } from '../app-context.js';
import { camundaDate, fromTypedMap, toTypedMap, VariableInputError } from '../domain/camunda-variables.js';
import { credentialOfLock, engineWorkerId, type RemoteWorkerIdentity } from '../domain/remote-worker.js';
import type { RemoteCallEntry } from '../data/remote-workers-repository.js';
import { workerServicesRoutes } from './worker-services.js';
import { createHeldTaskCache } from '../services/held-task-cache.js';

/** an answer in Camunda 7's error shape */
export class CamundaRestError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'CamundaRestError';
  }
}

const invalid = (message: string) => new CamundaRestError(400, 'InvalidRequestException', message);

export const REALM = 'wenzheng engine-rest';
/** a long poll waits at most this long (Camunda 7's own limit is 30 minutes; 5 keep proxies and clients simple) */
export const MAX_ASYNC_RESPONSE_MS = 5 * 60_000;
const MAX_LOCK_MS = 24 * 3600_000;
const MAX_TASKS = 100;
const TASK_ID = /^[\w.:/-]{1,191}$/;

/**
 * JSON as Camunda 7 answers it: `Content-Type: application/json` exactly. camunda-external-task-client-js
 * parses a body only under that header (Express adds `; charset=utf-8`), so the
 * header is set on the bare response and the body goes out as bytes.
 */
function sendJson(res: Response, body: unknown) {
  // node's setHeader: Express's res.set and res.type add the charset
  res.setHeader('Content-Type', 'application/json');
  res.send(Buffer.from(JSON.stringify(body)));
}

/** the caller of an /engine-rest request (after Basic auth) */
export function remoteWorkerOf(res: Response): RemoteWorkerIdentity {
  const identity = res.locals.remoteWorker as RemoteWorkerIdentity | undefined;
  if (!identity) throw new Error('remoteWorkerOf: the request did not pass the /engine-rest authentication');
  return identity;
}

/** what a handler notes as it goes, for the record of a refusal */
interface CallNote {
  workerId?: string | null;
  topic?: string | null;
  taskId?: string | null;
  detail?: Record<string, unknown>;
  /** the engine's transaction wrote the row already */
  recorded?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** the request's JSON object (absent: {}) */
function body(req: Request): Record<string, unknown> {
  if (req.body === undefined || req.body === null || (typeof req.body === 'object' && !Array.isArray(req.body) && Object.keys(req.body).length === 0)) return {};
  if (!isObject(req.body)) throw invalid('the request body must be a JSON object');
  return req.body;
}

function workerIdOf(b: Record<string, unknown>, credentialId: string, required = true): string | undefined {
  const w = b.workerId;
  if (w === undefined || w === null) {
    if (required) throw invalid('workerId is required');
    return undefined;
  }
  // the engine keeps `<credential>/<workerId>` in 255 characters
  const max = 255 - credentialId.length - 1;
  if (typeof w !== 'string' || !w.trim() || w.length > max) throw invalid(`workerId must be a non-empty string of at most ${max} characters`);
  return w;
}

function intField(b: Record<string, unknown>, name: string, min: number, max: number, fallback?: number): number {
  const v = b[name];
  if (v === undefined || v === null) {
    if (fallback === undefined) throw invalid(`${name} is required`);
    return fallback;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw invalid(`${name} must be a whole number from ${min} to ${max}`);
  return v;
}

function optString(b: Record<string, unknown>, name: string, max: number): string | undefined {
  const v = b[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${name} must be a string`);
  return v.slice(0, max);
}

function variablesOf(b: Record<string, unknown>, name: string): Variables {
  try {
    return fromTypedMap(b[name], name) as Variables;
  } catch (err) {
    if (err instanceof VariableInputError) throw invalid(err.message);
    throw err;
  }
}

interface TopicRequest {
  topicName: string;
  lockDuration: number;
  variables: string[] | null;
  localVariables: boolean;
  includeExtensionProperties: boolean;
}

function topicsOf(b: Record<string, unknown>): TopicRequest[] {
  const raw = b.topics;
  if (!Array.isArray(raw) || !raw.length) throw invalid('topics must be a non-empty list');
  if (raw.length > 100) throw invalid('topics must have at most 100 entries');
  const seen = new Set<string>();
  return raw.map((t, i) => {
    if (!isObject(t)) throw invalid(`topics[${i}] must be an object`);
    const topicName = t.topicName;
    if (typeof topicName !== 'string' || !topicName || topicName.length > 255) throw invalid(`topics[${i}].topicName must be a non-empty string`);
    if (seen.has(topicName)) throw invalid(`topic ${topicName} is named twice`);
    seen.add(topicName);
    const lockDuration = t.lockDuration;
    if (typeof lockDuration !== 'number' || !Number.isInteger(lockDuration) || lockDuration < 1 || lockDuration > MAX_LOCK_MS) throw invalid(`lockDuration of topic ${topicName} must be a whole number of milliseconds from 1 to ${MAX_LOCK_MS}`);
    const names = t.variables;
    if (names !== undefined && names !== null && (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))) throw invalid(`variables of topic ${topicName} must be a list of names`);
    for (const flag of ['localVariables', 'includeExtensionProperties', 'deserializeValues'] as const) {
      if (t[flag] !== undefined && t[flag] !== null && typeof t[flag] !== 'boolean') throw invalid(`${flag} of topic ${topicName} must be true or false`);
    }
    // businessKey, processDefinitionId…, processVariables, tenantId…, withoutTenantId: Camunda 7 filters, accepted and not applied
    return { topicName, lockDuration, variables: (names as string[] | null | undefined) ?? null, localVariables: t.localVariables === true, includeExtensionProperties: t.includeExtensionProperties === true };
  });
}

/** a locked task as Camunda 7's LockedExternalTaskDto */
function lockedDto(task: LockedExternalTask, clientWorkerId: string, topic: TopicRequest | undefined) {
  return {
    activityId: task.activityId,
    activityInstanceId: `${task.activityId}:${task.id}`,
    errorMessage: task.errorMessage,
    errorDetails: null,
    executionId: task.id,
    id: task.id,
    lockExpirationTime: camundaDate(task.lockExpirationTime),
    createTime: camundaDate(task.createTime),
    processDefinitionId: task.processDefinitionKey,
    processDefinitionKey: task.processId,
    processDefinitionVersionTag: null,
    processInstanceId: task.processInstanceId,
    retries: task.retries,
    suspended: false,
    workerId: clientWorkerId,
    topicName: task.topicName,
    tenantId: null,
    variables: toTypedMap(task.variables, topic?.variables),
    priority: 0,
    businessKey: null,
    extensionProperties: topic?.includeExtensionProperties ? { ...task.headers } : {},
  };
}

/** an error as Camunda 7 answers it: status, exception type, message */
function camundaOf(err: unknown): CamundaRestError | undefined {
  if (err instanceof CamundaRestError) return err;
  if (err instanceof VariableInputError) return invalid(err.message);
  if (err instanceof ExternalTaskLockError) return new CamundaRestError(400, 'BadUserRequestException', err.message);
  if (err instanceof NotFoundError) return new CamundaRestError(404, 'RestException', err.message);
  if (err instanceof EngineError && err.status < 500) return new CamundaRestError(err.status === 409 ? 409 : 400, err.status === 409 ? 'OptimisticLockingException' : 'InvalidRequestException', err.message);
  const e = err as { type?: string };
  if (e?.type === 'entity.parse.failed') return invalid('the request body is not valid JSON');
  if (e?.type === 'entity.too.large') return new CamundaRestError(413, 'InvalidRequestException', 'the request body is too large');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return invalid('the request body has an unsupported encoding');
  return undefined;
}

function send(res: Response, e: CamundaRestError): void {
  if (e.status === 401) res.set('WWW-Authenticate', `Basic realm="${REALM}"`);
  sendJson(res.status(e.status), { type: e.type, message: e.message, code: null });
}

/** the Basic credentials of a request; undefined when missing or malformed */
function basicOf(req: Request): { user: string; password: string } | undefined {
  const h = req.get('authorization');
  const m = h && /^Basic\s+([A-Za-z0-9+/=_-]{1,600})\s*$/i.exec(h);
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 1) return undefined;
  return { user: text.slice(0, i), password: text.slice(i + 1) };
}

export function engineRestRoutes(ctx: AppContext): Router {
  const r = Router();
  const { remoteWorkers } = ctx;
  const { pollMs, rateLimit: perMinute, log } = ctx.engineRest;
  const record = (entry: RemoteCallEntry, tx?: Transaction) => remoteWorkers.recordCall(entry, tx);

  // a body the parser refuses is answered after authentication (below), so the refusal is recorded as the credential's
  const json = express.json({ limit: '2mb', type: ['application/json', 'application/*+json'] });
  r.use((req, res, next) =>
    json(req, res, (err?: unknown) => {
      if (err) res.locals.bodyError = err;
      next();
    }),
  );

  // HTTP Basic: the credential's id and secret; every refusal recorded (with the id when it names one)
  r.use(async (req, res, next) => {
    try {
      const given = basicOf(req);
      if (!given) {
        await record({ credentialId: null, call: 'auth', status: 401, detail: { reason: 'no-credentials' } });
        return next(new CamundaRestError(401, 'AuthenticationException', 'HTTP Basic authentication with a remote worker credential is required'));
      }
      const result = await remoteWorkers.verify(given.user, given.password);
      if (!result.identity) {
        await record({ credentialId: result.known ? given.user : null, call: 'auth', status: 401, detail: { reason: result.reason } });
        return next(new CamundaRestError(401, 'AuthenticationException', 'the credential is unknown, revoked, or its secret is wrong'));
      }
      res.locals.remoteWorker = result.identity;
      next();
    } catch (err) {
      next(err);
    }
  });

  // per credential, in this process's memory (a credential's calls come to the app process it reaches);
  // a worker-service batch counts each of its calls (chargeCalls)
  const limits = new MemoryStore();
  const chargeCalls = async (me: RemoteWorkerIdentity, more: number) => {
    let hits = 0;
    for (let i = 0; i < more; i++) hits = (await limits.increment(me.credentialId)).totalHits;
    return hits <= perMinute;
  };
  r.use(
    rateLimit({
      store: limits,
      windowMs: 60_000,
      limit: perMinute,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      identifier: 'engine-rest',
      keyGenerator: (_req, res) => remoteWorkerOf(res).credentialId,
      handler: (req, res, next) => {
        record({ credentialId: remoteWorkerOf(res).credentialId, call: callNameOf(req), status: 429, detail: { limitPerMinute: perMinute } })
          .then(() => next(new CamundaRestError(429, 'RestException', `too many requests: at most ${perMinute} calls per minute for a credential`)))
          .catch(next);
      },
    }),
  );

  // a body the parser refused: recorded as the credential's call, then answered 400 (nothing else runs)
  r.use((req, res, next) => {
    const err = res.locals.bodyError as unknown;
    if (!err) return next();
    const e = camundaOf(err);
    record({ credentialId: remoteWorkerOf(res).credentialId, call: callNameOf(req), status: e?.status ?? 400, detail: { error: e?.type ?? 'InvalidRequestException' } })
      .then(() => next(err))
      .catch(next);
  });

  // Zeebe: its own job API is the remote workers' way (said to authenticated callers only)
  r.use((_req, _res, next) => {
    if (!ctx.engine.externalTasks) return next(new CamundaRestError(501, 'RestException', 'Remote workers on the Zeebe engine use Zeebe’s job API (gRPC job workers), not the Camunda 7 external-task REST API'));
    next();
  });

  const tasks = (): ExternalTaskPort => ctx.engine.externalTasks as ExternalTaskPort;
  // the tasks locked through here, for the few calls each job makes about its own (held-task-cache.ts)
  const heldTasks = createHeldTaskCache();

  /** a handler whose refusal is recorded as the call it was, with what it had learned */
  const call = (name: string, fn: (req: Request, res: Response, note: CallNote, me: RemoteWorkerIdentity) => Promise<void>): RequestHandler => async (req, res, next) => {
    const note: CallNote = {};
    const me = remoteWorkerOf(res);
    try {
      await fn(req, res, note, me);
      if (!note.recorded) await record({ credentialId: me.credentialId, workerId: note.workerId ?? null, call: name, topic: note.topic ?? null, taskId: note.taskId ?? null, status: res.statusCode, detail: note.detail ?? null });
    } catch (err) {
      const e = camundaOf(err);
      try {
        await record({ credentialId: me.credentialId, workerId: note.workerId ?? null, call: name, topic: note.topic ?? null, taskId: note.taskId ?? null, status: e?.status ?? 500, detail: { ...note.detail, error: e?.type ?? 'ProcessEngineException' } });
      } catch (auditErr) {
        log.error({ err: auditErr, call: name }, 'engine-rest: the call could not be recorded');
      }
      next(err);
    }
  };

  r.post(
    '/external-task/fetchAndLock',
    call('fetchAndLock', async (req, res, note, me) => {
      const b = body(req);
      const workerId = workerIdOf(b, me.credentialId) as string;
      note.workerId = workerId;
      const maxTasks = intField(b, 'maxTasks', 1, MAX_TASKS, 10);
      const asyncResponseTimeout = intField(b, 'asyncResponseTimeout', 0, MAX_ASYNC_RESPONSE_MS, 0);
      const topics = topicsOf(b);
      note.topic = topics.map((t) => t.topicName).join(',');
      note.detail = { maxTasks, topics: topics.length, asyncResponseTimeout };
      const outside = topics.filter((t) => !me.topics.includes(t.topicName));
      if (outside.length) throw new CamundaRestError(403, 'AuthorizationException', `the credential ${me.credentialId} may not fetch topic ${outside.map((t) => t.topicName).join(', ')}`);
      const byName = new Map(topics.map((t) => [t.topicName, t]));
      const request = { workerId: engineWorkerId(me.credentialId, workerId), maxTasks, topics: topics.map((t) => ({ topicName: t.topicName, lockDuration: t.lockDuration })) };

      // the client went away: stop waiting (and give back what was locked for it)
      const gone = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) gone.abort();
      };
      res.on('close', onClose);
      const deadline = Date.now() + asyncResponseTimeout;
      let locked: LockedExternalTask[] = [];
      try {
        for (;;) {
          locked = await tasks().fetchAndLock(request, {
            transactional: async (tx: Transaction, got: LockedExternalTask[]) => {
              note.recorded = true;
              await record({ credentialId: me.credentialId, workerId, call: 'fetchAndLock', topic: note.topic, status: 200, detail: { ...note.detail, locked: got.length } }, tx);
            },
          });
          if (locked.length || gone.signal.aborted) break;
          const left = deadline - Date.now();
          if (left <= 0) break;
          await tasks().waitForTasks(request.topics.map((t) => t.topicName), Math.min(pollMs, left), gone.signal);
          if (gone.signal.aborted) break;
        }
      } finally {
        res.off('close', onClose);
      }
      if (gone.signal.aborted) {
        // nobody to answer (499: nginx's "client closed request", for the record only)
        res.status(499);
        note.detail = { ...note.detail, clientGone: true };
        if (!locked.length) return;
        for (const t of locked) await tasks().unlock(t.id).catch((err) => log.warn({ err, taskId: t.id }, 'engine-rest: a task locked for a client that went away stays locked until its lock runs out'));
        await record({ credentialId: me.credentialId, workerId, call: 'unlock', topic: note.topic, status: 499, detail: { reason: 'client-gone', unlocked: locked.length } });
        return;
      }
      for (const t of locked) heldTasks.put(t);
      if (!locked.length) {
        // recorded before the answer, as a fetch that locked is (in its transaction): an answered call is on record
        note.recorded = true;
        await record({ credentialId: me.credentialId, workerId, call: 'fetchAndLock', topic: note.topic, status: 200, detail: { ...note.detail, locked: 0 } });
      }
      sendJson(res, locked.map((t) => lockedDto(t, workerId, byName.get(t.topicName))));
    }),
  );

  /** the task, if it is this credential's to touch; `held`: locked by this credential */
  async function ownTask(id: string, me: RemoteWorkerIdentity, note: CallNote, held: boolean, doing: string) {
    note.taskId = id.slice(0, 191);
    if (!TASK_ID.test(id)) throw new CamundaRestError(404, 'RestException', 'External task with this id does not exist');
    const task = (held && heldTasks.get(id, ctx.clock.now().getTime())) || (await tasks().getExternalTask(id));
    if (!task) throw new CamundaRestError(404, 'RestException', `External task with id ${id} does not exist`);
    note.topic = task.topicName;
    if (!me.topics.includes(task.topicName)) throw new CamundaRestError(403, 'AuthorizationException', `the credential ${me.credentialId} may not work on tasks of topic ${task.topicName}`);
    const holder = credentialOfLock(task.workerId);
    if (held && !task.workerId) throw new CamundaRestError(400, 'BadUserRequestException', `External task ${id} cannot be ${doing}: it is not locked`);
    if (task.workerId && holder !== me.credentialId) throw new CamundaRestError(400, 'BadUserRequestException', `External task ${id} cannot be ${doing}: it is locked by another worker`);
    return task;
  }

  const inTx = (me: RemoteWorkerIdentity, name: string, note: CallNote) => ({
    transactional: async (tx: Transaction) => {
      note.recorded = true;
      await record({ credentialId: me.credentialId, workerId: note.workerId ?? null, call: name, topic: note.topic ?? null, taskId: note.taskId ?? null, status: 204, detail: note.detail ?? null }, tx);
    },
  });

  /**
   * A call on a task this credential holds: the body and its worker read, `parse` (the call's fields,
   * checked before anything is read), the task checked as this credential's, then `act` with the
   * engine's lock holder; 204.
   */
  const onHeldTask = <A>(
    name: string,
    doing: string,
    parse: (b: Record<string, unknown>, note: CallNote) => A,
    act: (id: string, lockHolder: string, args: A, task: LockedExternalTask, options: ReturnType<typeof inTx>, note: CallNote) => Promise<void>,
  ) =>
    call(name, async (req, res, note, me) => {
      const b = body(req);
      const workerId = workerIdOf(b, me.credentialId) as string;
      note.workerId = workerId;
      const args = parse(b, note);
      const id = taskIdOf(req);
      const task = await ownTask(id, me, note, true, doing);
      heldTasks.drop(id);
      await act(id, engineWorkerId(me.credentialId, workerId), args, task as LockedExternalTask, inTx(me, name, note), note);
      res.status(204).end();
    });

  r.post(
    '/external-task/*id/complete',
    onHeldTask(
      'complete',
      'completed',
      (b, note) => {
        // one output: a local value is the more specific one
        const output = { ...variablesOf(b, 'variables'), ...variablesOf(b, 'localVariables') };
        note.detail = { variables: Object.keys(output).length };
        return output;
      },
      (id, holder, output, _task, options) => tasks().complete(id, holder, output, options),
    ),
  );

  r.post(
    '/external-task/*id/failure',
    onHeldTask(
      'failure',
      'failed',
      (b) => ({
        errorMessage: optString(b, 'errorMessage', 4000) ?? 'the remote worker reported a failure',
        errorDetails: optString(b, 'errorDetails', 20_000),
        retryTimeout: intField(b, 'retryTimeout', 0, MAX_LOCK_MS, 0),
        givenRetries: b.retries === undefined || b.retries === null ? undefined : intField(b, 'retries', 0, 1_000_000),
      }),
      (id, holder, { errorMessage, errorDetails, retryTimeout, givenRetries }, task, options, note) => {
        // absent: one fewer than the task has (Camunda 7 would keep them; a worker that forgets must not retry forever)
        const retries = givenRetries ?? Math.max(0, task.retries - 1);
        note.detail = { retries, retryTimeout, incident: retries === 0 };
        return tasks().fail(id, holder, { errorMessage, ...(errorDetails && { errorDetails }), retries, retryTimeout }, options);
      },
    ),
  );

  r.post(
    '/external-task/*id/bpmnError',
    onHeldTask(
      'bpmnError',
      'given a BPMN error',
      (b, note) => {
        const errorCode = b.errorCode;
        if (typeof errorCode !== 'string' || !errorCode.trim() || errorCode.length > 255) throw invalid('errorCode is required: a non-empty string of at most 255 characters');
        const errorMessage = optString(b, 'errorMessage', 4000);
        const variables = variablesOf(b, 'variables');
        // the code when it looks like one (the record holds no free text of the client's)
        note.detail = { ...(/^[\w.:-]{1,64}$/.test(errorCode) && { errorCode }), variables: Object.keys(variables).length };
        return { errorCode, ...(errorMessage !== undefined && { errorMessage }), variables };
      },
      (id, holder, error, _task, options) => tasks().bpmnError(id, holder, error, options),
    ),
  );

  r.post(
    '/external-task/*id/extendLock',
    onHeldTask(
      'extendLock',
      'extended',
      (b, note) => {
        const newDuration = intField(b, 'newDuration', 1, MAX_LOCK_MS);
        note.detail = { newDuration };
        return newDuration;
      },
      (id, holder, newDuration, _task, options) => tasks().extendLock(id, holder, newDuration, options),
    ),
  );

  r.post(
    '/external-task/*id/unlock',
    call('unlock', async (req, res, note, me) => {
      body(req);
      const id = taskIdOf(req);
      await ownTask(id, me, note, false, 'unlocked');
      heldTasks.drop(id);
      await tasks().unlock(id, inTx(me, 'unlock', note));
      res.status(204).end();
    }),
  );

  // Camunda 7.21's lock of one known task: not offered (fetchAndLock is the way to take a task)
  r.post(
    '/external-task/*id/lock',
    call('lock', async (req, _res, note) => {
      note.taskId = taskIdOf(req).slice(0, 191);
      body(req);
      throw invalid('locking a single external task is not supported: use fetchAndLock');
    }),
  );

  // the data the remote handlers need (worker-services.ts), as the same credential
  r.use('/worker-services', workerServicesRoutes(ctx, heldTasks, chargeCalls));

  r.use((req, _res, next) => next(new CamundaRestError(404, 'RestException', `no resource ${req.method} ${req.path.slice(0, 200)}`)));

  // Camunda 7's error shape for every error here
  r.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = camundaOf(err);
    if (!e) log.error({ err, method: req.method, path: req.path }, 'engine-rest: request failed');
    if (res.headersSent) return;
    send(res, e ?? new CamundaRestError(500, 'ProcessEngineException', 'the engine could not carry out the request'));
  });
  return r;
}

/**
 * The task id of the path: the engine's job keys hold a `/` (instance/execution), and Camunda's
 * clients put the id in the path unencoded, so it may span segments (an encoded %2F works too).
 */
function taskIdOf(req: Request): string {
  const id = (req.params as Record<string, string | string[]>).id;
  return Array.isArray(id) ? id.join('/') : String(id);
}

/** the call a request path names (for the record of a refusal before its handler ran) */
function callNameOf(req: Request): string {
  const m = /^\/external-task\/(?:fetchAndLock|.+\/(complete|failure|bpmnError|extendLock|unlock|lock))$/.exec(req.path);
  if (m) return m[1] ?? 'fetchAndLock';
  const s = /^\/worker-services\/([\w-]{1,40})/.exec(req.path);
  return s ? `worker-service:${s[1]}` : 'other';
}
