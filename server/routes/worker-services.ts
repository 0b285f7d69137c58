/**
 * The worker services (issue 19): what a remote `npm run workers` (workers/remote/remote-deps.ts)
 * calls instead of the database, mounted by the engine-rest router under `/engine-rest/worker-services`
 * after its Basic authentication (the caller on `res.locals.remoteWorker`). Each method of the job
 * handlers' WorkerDeps is `POST /<service>/<method>` with `{ taskId, args }` → `{ result }`; `POST
 * /batch` carries several such calls, and `POST /complete` one completion or several.
 *
 * A call is allowed only for the job it serves: `taskId` must be an external task locked now by the
 * caller's credential, of a topic whose handler uses the method (workers/remote/service-use.ts), and
 * the case it touches must be that job's own (see scopeProblem). Errors have Camunda's shape
 * `{ type, message, code }`. Every call is audited through the remote workers' call audit.
 */
import { Router, type Request, type Response } from 'express';
import type { AppTransaction } from '../../engine/port.js';
import type { OutboxEntry, UnitRole, AssessmentPeriodRef, UnitFigures, AssessmentResult, KnowledgeStep, ScoreLedger, Publications, Assessments, KnowledgeStore } from '../../workers/deps.js';
import type { PeriodRef } from '../../regulation/report-schedule.js';
import type { ReportFigures } from '../../regulation/report-figures.js';
import { scheduledAssessmentId } from '../../workers/gather-assessment.js';
import { SERVICE_METHODS, servicePath, usesService, type ServiceMethod } from '../../workers/remote/service-use.js';
import type { HeldTaskCache } from '../services/held-task-cache.js';
import type { AppContext } from '../app-context.js';
import type { AppWorkerDeps } from '../engine-setup.js';
import { clientWorkerId, credentialOfLock, engineWorkerId, type RemoteWorkerIdentity } from '../domain/remote-worker.js';
import { EngineError } from '../../engine/errors.js';
import { ArgError, parseServiceCall } from './worker-service-args.js';

/** one audited call (the engine-rest helper's call audit) */
export interface RemoteCallRecord {
  credentialId: string;
  workerId: string | null;
  call: string;
  taskId: string | null;
  topic: string | null;
  status: number;
  detail: Record<string, unknown> | null;
}

interface RemoteCallAudit {
  recordCall(entry: RemoteCallRecord, tx?: AppTransaction): Promise<unknown>;
  /** the call's writes and its row in one transaction */
  withCall?<T>(work: (tx: AppTransaction) => Promise<T>, entry: (result: T) => RemoteCallRecord): Promise<T>;
}

/** the identity-read log's actor for a remote worker's credential (identity_access_log.staff_id) */
export const remoteActor = (credentialId: string) => `remote-worker:${credentialId}`;

type Args = Record<string, unknown>;
type Invoke = (deps: AppWorkerDeps, args: Args, caller: RemoteWorkerIdentity, tx?: AppTransaction) => Promise<unknown>;

/** the writes: done with their call's row in one transaction (a call answered is on record, a write recorded with it) */
const WRITES: ReadonlySet<ServiceMethod> = new Set<ServiceMethod>([
  'outbox.enqueue',
  'ledger.recordWarning',
  'ledger.recordTransfer',
  'publications.publish',
  'petitions.setStatus',
  'reports.archiveScheduled',
  'assessments.createScheduled',
  'assessments.saveFigures',
  'assessments.complete',
  'knowledge.step',
  'knowledge.revise',
]);

const INVOKE: Record<ServiceMethod, Invoke> = {
  'calendar.load': (d) => d.calendarOptions(),
  'outbox.enqueue': (d, a, _c, tx) => d.outbox.enqueue(a.entry as OutboxEntry, tx),
  'ledger.recordWarning': (d, a, _c, tx) => d.ledger.recordWarning(a.entry as Parameters<ScoreLedger['recordWarning']>[0], tx),
  'ledger.recordTransfer': (d, a, _c, tx) => d.ledger.recordTransfer(a.entry as Parameters<ScoreLedger['recordTransfer']>[0], tx),
  'publications.publish': (d, a, _c, tx) => d.publications.publish(a.entry as Parameters<Publications['publish']>[0], tx),
  'units.list': (d) => d.units.list(),
  'units.recipient': (d, a) => d.units.recipient(a.unitId as string, a.role as UnitRole),
  'petitions.setStatus': (d, a, _c, tx) => d.petitions.setStatus(a.petitionId as string, a.status as string, tx, a.context as { finishDueAt?: string } | undefined),
  // a logged read of identity, logged as the credential that asked
  'petitions.getPublicationSource': (d, a, caller) => d.petitions.getPublicationSource(a.petitionId as string, remoteActor(caller.credentialId)),
  'petitions.mergedFrom': (d, a) => d.petitions.mergedFrom(a.petitionId as string),
  'reports.scheduled': (d, a) => d.reports.scheduled(a.ref as PeriodRef),
  'reports.figures': (d, a) => d.reports.figures(a.ref as PeriodRef),
  'reports.archiveScheduled': (d, a, _c, tx) => d.reports.archiveScheduled(a.figures as unknown as ReportFigures, a.processInstanceKey as string, tx),
  'assessments.get': (d, a) => d.assessments.get(a.assessmentId as string),
  'assessments.createScheduled': (d, a, _c, tx) => d.assessments.createScheduled(a.assessment as Parameters<Assessments['createScheduled']>[0], tx),
  'assessments.unitFigures': (d, a) => d.assessments.unitFigures(a.period as AssessmentPeriodRef),
  'assessments.saveFigures': (d, a, _c, tx) => d.assessments.saveFigures(a.assessmentId as string, a.rows as UnitFigures[], tx),
  'assessments.figures': (d, a) => d.assessments.figures(a.assessmentId as string),
  'assessments.decisionVersion': (d) => d.assessments.decisionVersion(),
  'assessments.complete': (d, a, _c, tx) => d.assessments.complete(a.assessmentId as string, a.results as AssessmentResult[], a.meta as { decisionVersion: number | null; at: Date }, tx),
  'knowledge.get': (d, a) => d.knowledge.get(a.entryId as string),
  'knowledge.step': (d, a, _c, tx) => d.knowledge.step(a.entryId as string, a.step as KnowledgeStep, tx),
  'knowledge.revise': (d, a, _c, tx) =>
    d.knowledge.revise(a.entryId as string, a.content as Parameters<KnowledgeStore['revise']>[1], a.h as Parameters<KnowledgeStore['revise']>[2], tx),
};

type Task = NonNullable<Awaited<ReturnType<NonNullable<AppContext['engine']['externalTasks']>['getExternalTask']>>>;

const PETITION_SCOPED: ReadonlySet<ServiceMethod> = new Set<ServiceMethod>([
  'petitions.setStatus',
  'petitions.getPublicationSource',
  'petitions.mergedFrom',
  'ledger.recordWarning',
  'ledger.recordTransfer',
  'publications.publish',
]);

/**
 * Why a call reaches beyond its job's own case (undefined: it does not). The lock is the credential's
 * capability, and it covers one case: without this, a credential holding any `publish-reply` job could
 * read every petitioner's identity, and one holding a `set-petition-status` job could change the
 * status of every case. So the petition (knowledge entry, assessment, process instance) named in the
 * arguments must be the one in the job's own variables.
 */
async function scopeProblem(method: ServiceMethod, args: Args, task: Task, deps: AppWorkerDeps): Promise<string | undefined> {
  const vars = task.variables ?? {};
  const own = (name: string) => (typeof vars[name] === 'string' ? (vars[name] as string) : undefined);
  const entry = (args.entry ?? {}) as Record<string, unknown>;
  if (PETITION_SCOPED.has(method)) {
    const asked = (args.petitionId ?? entry.petitionId) as string;
    if (own('petitionId') === undefined || asked !== own('petitionId')) return `petition ${asked} is not the case of external task ${task.id}`;
  }
  if (method === 'outbox.enqueue' && entry.recipientKind === 'petitioner') {
    // the case's petitioner, or those of the petitions merged into it (notify tells them too)
    const petitionId = own('petitionId');
    const ref = entry.recipientRef as string;
    const merged = petitionId === undefined || ref === petitionId ? [] : await deps.petitions.mergedFrom(petitionId);
    if (petitionId === undefined || (ref !== petitionId && !merged.some((m) => m.petitionId === ref))) return `petitioner ${ref} is not of the case of external task ${task.id}`;
  }
  if (method.startsWith('knowledge.') && args.entryId !== own('entryId')) return `knowledge entry ${String(args.entryId)} is not the entry of external task ${task.id}`;
  if (method === 'assessments.createScheduled') {
    const a = args.assessment as { id: string; processInstanceKey: string };
    // a scheduled assessment's id is derived from the job's key (gather-assessment.ts)
    if (own('assessmentId') !== undefined || a.id !== scheduledAssessmentId(task.id) || a.processInstanceKey !== task.processInstanceId) {
      return `assessment ${a.id} is not the one external task ${task.id} schedules`;
    }
  } else if (method.startsWith('assessments.') && args.assessmentId !== undefined) {
    const expected = own('assessmentId') ?? scheduledAssessmentId(task.id);
    if (args.assessmentId !== expected) return `assessment ${String(args.assessmentId)} is not the assessment of external task ${task.id}`;
  }
  if (method === 'reports.archiveScheduled' && args.processInstanceKey !== task.processInstanceId) return `process instance ${String(args.processInstanceKey)} is not that of external task ${task.id}`;
  return undefined;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** a store's refusal of its input (a 4xx error, or one of the stores' input errors) */
function isInputError(err: unknown): boolean {
  const e = err as { status?: unknown; name?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return true;
  return typeof e.name === 'string' && /(Input|Variable|Period)Error$/.test(e.name);
}

/**
 * How a refused or failed call is answered and recorded: a refusal and an input error as they are
 * (for a completion, `engine`: the engine's 404 or lock refusal in Camunda's types); anything else a 500 whose message (it
 * may hold a driver's text) goes to the call's record, not to the client.
 */
function answerOf(err: unknown, what: string, engine = false): { status: number; body: { type: string; message: string; code: null }; detail: Record<string, unknown> } {
  const answer = (status: number, type: string, message: string) => ({ status, body: { type, message, code: null }, detail: { message: message.slice(0, 300) } });
  if (err instanceof Refusal) return answer(err.status, err.type, err.message);
  if (engine && err instanceof EngineError && (err.status === 404 || err.status === 400)) {
    return answer(err.status, err.status === 404 ? 'RestException' : err.code === 'NOT_LOCKED_BY_WORKER' ? 'BadUserRequestException' : 'InvalidRequestException', err.message);
  }
  if (isInputError(err)) return answer(400, 'InvalidRequestException', `${what}: ${(err as Error).message}`);
  return {
    status: 500,
    body: { type: 'ProcessEngineException', message: `${what} failed (${(err as Error)?.name ?? 'Error'}): see the remote-worker call audit`, code: null },
    detail: { error: String((err as Error)?.message ?? err).slice(0, 300) },
  };
}

/** one call's or one completion's answer: its status and JSON body (a completion's 204: none) */
interface Outcome {
  status: number;
  body?: unknown;
}

/** most calls (or completions) one batch may carry */
export const MAX_BATCH = 100;

/**
 * `held`: the tasks /engine-rest saw locked (one read serves a job's calls); none: each call reads its
 * task. `charge`: counts a batch's further calls against the credential's rate limit (false: over it).
 */
export function workerServicesRoutes(ctx: AppContext, held?: HeldTaskCache, charge?: (caller: RemoteWorkerIdentity, calls: number) => Promise<boolean>): Router {
  const r = Router();
  const audit = (ctx as AppContext & { remoteWorkers?: RemoteCallAudit }).remoteWorkers;

  /** the task `taskId` as last read (within the held-task window) or read now */
  async function taskOf(taskId: string): Promise<Task | undefined> {
    const port = ctx.engine.externalTasks;
    if (!port) throw new Refusal(400, 'InvalidRequestException', 'this engine has no external tasks');
    const task = held?.get(taskId, ctx.clock.now().getTime()) ?? (await port.getExternalTask(taskId)) ?? undefined;
    if (task) held?.put(task);
    return task;
  }

  /** one call `{ taskId, args }` of `method` by `caller`: checked, run, recorded */
  async function runCall(method: ServiceMethod, input: unknown, caller: RemoteWorkerIdentity): Promise<Outcome> {
    let task: Task | undefined;
    let taskId: string | null = null;
    let status = 200;
    let detail: Record<string, unknown> | null = null;
    let body: unknown;
    let recorded = false;
    try {
      let call;
      try {
        call = parseServiceCall(method, input);
      } catch (err) {
        if (err instanceof ArgError) throw new Refusal(400, 'InvalidRequestException', `${method}: ${err.message}`);
        throw err;
      }
      taskId = call.taskId;
      task = await taskOf(call.taskId);
      if (!task) throw new Refusal(404, 'InvalidRequestException', `external task ${call.taskId} does not exist`);
      const lockLive = task.lockExpirationTime !== null && task.lockExpirationTime.getTime() > ctx.clock.now().getTime();
      if (credentialOfLock(task.workerId) !== caller.credentialId || !lockLive) throw new Refusal(403, 'AuthorizationException', `external task ${task.id} is not locked by this credential`);
      if (!caller.topics.includes(task.topicName) || !usesService(task.topicName, method)) {
        throw new Refusal(403, 'AuthorizationException', `a ${task.topicName} job does not call ${method}`);
      }
      const problem = await scopeProblem(method, call.args, task, ctx.workerDeps);
      if (problem) throw new Refusal(403, 'AuthorizationException', problem);
      const entry = (): RemoteCallRecord => ({ credentialId: caller.credentialId, workerId: task?.workerId ? clientWorkerId(task.workerId) : null, call: `worker-service:${method}`, taskId, topic: task?.topicName ?? null, status: 200, detail: null });
      const result = WRITES.has(method) && audit?.withCall
        ? await audit.withCall((tx) => INVOKE[method](ctx.workerDeps, call.args, caller, tx), entry).then((r) => ((recorded = true), r))
        : await INVOKE[method](ctx.workerDeps, call.args, caller);
      // this process's search index shows the entry's new state now, as after the app's own job (others catch up)
      if ((method === 'knowledge.step' || method === 'knowledge.revise') && (result as { changed?: boolean } | undefined)?.changed) await ctx.knowledgeService.changed(call.args.entryId as string);
      body = { result: result === undefined ? null : result };
    } catch (err) {
      ({ status, body, detail } = answerOf(err, method));
    }
    if (audit && !recorded) {
      await audit.recordCall({
        credentialId: caller.credentialId,
        workerId: task?.workerId ? clientWorkerId(task.workerId) : null,
        call: `worker-service:${method}`,
        taskId,
        topic: task?.topicName ?? null,
        status,
        detail,
      });
    }
    return { status, body };
  }

  /**
   * One completion `{ taskId, workerId, variables, writes: [{ method, args }] }` of a job whose handler
   * wrote at completion (JobContext.transactional): the writes, each checked as its own call would be,
   * commit in the engine's completion transaction with the call's row, as the app's own workers' do.
   */
  async function completeOne(input: unknown, caller: RemoteWorkerIdentity): Promise<Outcome> {
    const b = input as { taskId?: unknown; workerId?: unknown; variables?: unknown; writes?: unknown } | undefined;
    let task: Task | undefined;
    let status = 204;
    let detail: Record<string, unknown> | null = null;
    let body: unknown;
    let recorded = false;
    const taskId = typeof b?.taskId === 'string' ? b.taskId.slice(0, 191) : null;
    try {
      if (!b || typeof b !== 'object' || Array.isArray(b)) throw new Refusal(400, 'InvalidRequestException', 'a completion must be a JSON object { taskId, workerId, variables, writes }');
      for (const k of Object.keys(b)) if (!['taskId', 'workerId', 'variables', 'writes'].includes(k)) throw new Refusal(400, 'InvalidRequestException', `${k} is not expected`);
      if (typeof b.workerId !== 'string' || !b.workerId || b.workerId.length > 200) throw new Refusal(400, 'InvalidRequestException', 'workerId must be a non-empty string');
      const variables = b.variables ?? {};
      if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) throw new Refusal(400, 'InvalidRequestException', 'variables must be a JSON object');
      if (!Array.isArray(b.writes) || b.writes.length > 100) throw new Refusal(400, 'InvalidRequestException', 'writes must be a list of at most 100 { method, args }');
      const writes = b.writes.map((w: unknown, i: number) => {
        const m = (w as { method?: unknown })?.method;
        if (typeof m !== 'string' || !WRITES.has(m as ServiceMethod)) throw new Refusal(400, 'InvalidRequestException', `writes[${i}].method must be one of ${[...WRITES].join(', ')}`);
        try {
          return { method: m as ServiceMethod, args: parseServiceCall(m as ServiceMethod, { taskId, args: (w as { args?: unknown }).args }).args };
        } catch (err) {
          if (err instanceof ArgError) throw new Refusal(400, 'InvalidRequestException', `writes[${i}] ${m}: ${err.message}`);
          throw err;
        }
      });
      const port = ctx.engine.externalTasks;
      if (!port || taskId === null) throw new Refusal(400, 'InvalidRequestException', 'taskId must name an external task');
      task = await taskOf(taskId);
      if (!task) throw new Refusal(404, 'RestException', `External task with id ${taskId} does not exist`);
      if (credentialOfLock(task.workerId) !== caller.credentialId) throw new Refusal(400, 'BadUserRequestException', `External task ${taskId} cannot be completed: it is not locked by this credential`);
      for (const w of writes) {
        if (!caller.topics.includes(task.topicName) || !usesService(task.topicName, w.method)) throw new Refusal(403, 'AuthorizationException', `a ${task.topicName} job does not call ${w.method}`);
        const problem = await scopeProblem(w.method, w.args, task, ctx.workerDeps);
        if (problem) throw new Refusal(403, 'AuthorizationException', problem);
      }
      const t = task;
      held?.drop(taskId);
      await port.complete(taskId, engineWorkerId(caller.credentialId, b.workerId), variables as Record<string, unknown>, {
        transactional: async (tx) => {
          for (const w of writes) await INVOKE[w.method](ctx.workerDeps, w.args, caller, tx);
          recorded = true;
          await audit?.recordCall({ credentialId: caller.credentialId, workerId: b.workerId as string, call: 'complete', taskId, topic: t.topicName, status: 204, detail: { writes: writes.length } }, tx);
        },
      });
      for (const w of writes) if (w.method === 'knowledge.step' || w.method === 'knowledge.revise') await ctx.knowledgeService.changed(w.args.entryId as string);
    } catch (err) {
      recorded = false;
      ({ status, body, detail } = answerOf(err, 'complete', true));
    }
    if (audit && !recorded) {
      await audit.recordCall({ credentialId: caller.credentialId, workerId: typeof b?.workerId === 'string' ? b.workerId.slice(0, 200) : null, call: 'complete', taskId, topic: task?.topicName ?? null, status, detail });
    }
    return { status, body };
  }

  /** the caller, or the request answered 401 */
  function callerOf(res: Response): RemoteWorkerIdentity | undefined {
    const caller = res.locals.remoteWorker as RemoteWorkerIdentity | undefined;
    if (!caller) res.status(401).json({ type: 'AuthenticationException', message: 'the worker services need a remote worker credential', code: null });
    return caller;
  }

  const answer = (res: Response, o: Outcome) => (o.status === 204 ? res.status(204).end() : res.status(o.status).json(o.body));

  /**
   * A batch's items (`key`: a list of 1–MAX_BATCH), each run by `run` at once and answered in order
   * as `{ results: [{ status, ...body }] }` (200); a batch counts its items against the rate limit.
   */
  const batch = (key: 'calls' | 'completions', run: (item: unknown, caller: RemoteWorkerIdentity) => Promise<Outcome>) => async (req: Request, res: Response, caller: RemoteWorkerIdentity) => {
    const items = (req.body as Record<string, unknown> | undefined)?.[key];
    const keys = req.body && typeof req.body === 'object' ? Object.keys(req.body as object) : [];
    // a batch refused whole is on record as the credential's call, with nothing run
    const refuse = async (status: number, type: string, message: string) => {
      await audit?.recordCall({ credentialId: caller.credentialId, workerId: null, call: key === 'calls' ? 'worker-service:batch' : 'complete', taskId: null, topic: null, status, detail: { items: Array.isArray(items) ? items.length : null } });
      answer(res, { status, body: { type, message, code: null } });
    };
    if (!Array.isArray(items) || !items.length || items.length > MAX_BATCH || keys.length !== 1) {
      return refuse(400, 'InvalidRequestException', `the body must be { ${key}: [...] } with 1 to ${MAX_BATCH} entries`);
    }
    if (charge && !(await charge(caller, items.length - 1))) {
      return refuse(429, 'RestException', 'too many requests: the batch’s calls pass the credential’s limit per minute');
    }
    const outcomes = await Promise.all(items.map((item) => run(item, caller)));
    res.status(200).json({ results: outcomes.map((o) => ({ status: o.status, ...(o.body as object | undefined) })) });
  };

  const callBatch = batch('calls', (item, caller) => {
    const method = (item as { method?: unknown } | null)?.method;
    if (typeof method !== 'string' || !(SERVICE_METHODS as readonly string[]).includes(method)) {
      const taskId = (item as { taskId?: unknown } | null)?.taskId;
      const outcome = { status: 404, body: { type: 'InvalidRequestException', message: `no worker service ${JSON.stringify(method)?.slice(0, 60)}`, code: null } };
      const entry = { credentialId: caller.credentialId, workerId: null, call: 'worker-service:unknown', taskId: typeof taskId === 'string' ? taskId.slice(0, 191) : null, topic: null, status: 404, detail: null };
      return (audit ? audit.recordCall(entry) : Promise.resolve()).then(() => outcome);
    }
    const call = { ...(item as Record<string, unknown>) };
    delete call.method;
    return runCall(method as ServiceMethod, call, caller);
  });
  const completionBatch = batch('completions', completeOne);

  /**
   * `POST /batch` { calls: [{ method, taskId, args }] } → { results: [{ status, result } | { status,
   * type, message }] }: the calls a worker process's jobs make at the same moment, in one request
   * (workers/remote/remote-deps.ts sends them so); each is checked, run and recorded as on its own.
   */
  r.post('/batch', (req, res, next) =>
    (async () => {
      const caller = callerOf(res);
      if (caller) await callBatch(req, res, caller);
    })().catch(next),
  );

  /**
   * `POST /complete`: one completion (completeOne; 204), or `{ completions: [...] }`, several at once,
   * each its own transaction ({ results }, 200). Other clients complete through Camunda's
   * /external-task/{id}/complete.
   */
  r.post('/complete', (req, res, next) =>
    (async () => {
      const caller = callerOf(res);
      if (!caller) return;
      if (req.body && typeof req.body === 'object' && 'completions' in req.body) return completionBatch(req, res, caller);
      answer(res, await completeOne(req.body, caller));
    })().catch(next),
  );

  for (const method of SERVICE_METHODS) {
    r.post(servicePath(method), (req, res, next) =>
      (async () => {
        const caller = callerOf(res);
        if (caller) answer(res, await runCall(method, req.body, caller));
      })().catch(next),
    );
  }
  r.use((req, res) => {
    res.status(404).json({ type: 'InvalidRequestException', message: `no worker service ${req.method} ${req.path}`, code: null });
  });
  return r;
}
