/**
 * Part of the lifecycle bench (../lifecycle.ts): the app it drives, in this process as
 * server/main.ts assembles it, or as N child processes; and waiting until what the petitions started
 * is done.
 */
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import type { UserTaskEvent } from '../../engine/port.js';
import { createApp, projectRoot } from '../../server/app.js';
import { loadCalendar } from '../../server/data/calendar-repository.js';
import { createFormsRepository } from '../../server/data/forms-repository.js';
import { createOutboxRepository } from '../../server/data/outbox-repository.js';
import { seedDemoData } from '../../server/data/seed.js';
import { createDeployGate } from '../../server/deploy/deploy-gate.js';
import { createFormGate } from '../../server/deploy/form-gate.js';
import { generateIdentityKey } from '../../server/domain/identity-crypto.js';
import { createChannels, OutboxDispatcher } from '../../server/domain/notifications.js';
import { createJobHandlers, migrationsFor, openConfiguredEngine } from '../../server/engine-setup.js';
import { createLogger } from '../../server/logger.js';
import { importFormFiles } from '../../server/services/form-service.js';
import { workerOptions } from '../../workers/registry.js';
import { sleep, STEP_TIMEOUT_MS, countCommits } from './measure.js';
import { type WorkerChild, spawnWorkers, type AppChild, spawnApp } from './children.js';
import { agent, type RunningApp } from './driver.js';

// ---------------------------------------------------------------- the app

/** how often the bench's outbox dispatcher looks for messages */
export const DISPATCH_MS = 250;

export const OPEN311_KEY = 'lifecycle-bench-intake-app-key';


/**
 * who waits for a task of an element, woken when one is created: by the engine's user-task event
 * in this process, or by `watchUserTasks` when the task is created in another process
 */
export function taskWaiters() {
  const waiting = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  return {
    waiting,
    wake(elementId: string) {
      const w = waiting.get(elementId);
      if (w) {
        waiting.delete(elementId);
        w.resolve();
      }
    },
    taskCreated(elementId: string) {
      let w = waiting.get(elementId);
      if (!w) {
        let resolve!: () => void;
        const promise = new Promise<void>((r) => (resolve = r));
        w = { promise, resolve };
        waiting.set(elementId, w);
      }
      return w.promise;
    },
  };
}

/**
 * a task created in another process raises no event here: a watcher of the task table stands in for
 * it (one query every 50 ms while someone waits, instead of each person re-reading their list with
 * a backoff up to 1 s); the rows stay after completion, so a count that grows is a task created
 */
export function watchUserTasks(db: Database, waiters: ReturnType<typeof taskWaiters>): NodeJS.Timeout {
  const seen = new Map<string, number>();
  let busy = false;
  const timer = setInterval(() => {
    if (busy || !waiters.waiting.size) return;
    busy = true;
    db.sequelize
      .query('SELECT element_id, COUNT(*) AS n FROM engine_user_tasks GROUP BY element_id', { type: QueryTypes.SELECT })
      .then((rows) => {
        for (const r of rows as { element_id: string; n: number }[]) {
          const n = Number(r.n);
          if (n > (seen.get(r.element_id) ?? 0)) {
            seen.set(r.element_id, n);
            waiters.wake(r.element_id);
          }
        }
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, 50);
  timer.unref();
  return timer;
}

/**
 * the app as server/main.ts assembles it, on `url`, serving on 127.0.0.1: with the job handlers in
 * its engine (1 process), or none there (WORKERS_IN_APP=false) and a worker process taking the jobs (2)
 */
/**
 * `processes`: 1, the app takes every job; 2, a `npm run workers` child process does; 0, none is
 * taken until `startOwnWorkers()` (the remote-workers bench: remote worker processes take them first)
 */
export async function startApp(url: string, processes: 0 | 1 | 2): Promise<RunningApp> {
  const log = createLogger('silent');
  const db = await createDatabase({ url, migrations: migrationsFor({ engine: 'embedded' }) });
  await db.migrate();
  const counters = countCommits(db);
  const key = generateIdentityKey();
  await seedDemoData(db, { key });

  const engine = await openConfiguredEngine({ engine: 'embedded' }, { db, log, role: 'app' });
  // the engine object the app uses, with its completeUserTask timed
  const recording = { on: false };
  const completeMs: number[] = [];
  const completeCalls = { ok: 0, failed: 0 };
  const e = engine as any;
  const complete = e.completeUserTask.bind(e);
  e.completeUserTask = async (...args: unknown[]) => {
    const t0 = performance.now();
    try {
      const r = await complete(...args);
      completeCalls.ok++;
      return r;
    } catch (err) {
      completeCalls.failed++;
      throw err;
    } finally {
      if (recording.on) completeMs.push(performance.now() - t0);
    }
  };
  if (engine.completeUserTask !== e.completeUserTask) throw new Error('could not wrap the engine’s completeUserTask');

  // who waits for a task of an element is woken when one is created (the staff's re-look at their list)
  const waiters = taskWaiters();
  engine.onUserTask((event: UserTaskEvent) => {
    if (event.type === 'created') waiters.wake(event.task.elementId);
  });
  // with 2 processes a task created by a job in the worker process raises no event here
  const taskWatch = processes === 2 ? watchUserTasks(db, waiters) : undefined;

  const workers = createJobHandlers({ db, key, log, config: { publicBaseUrl: 'http://127.0.0.1' } });
  // as main.ts with WORKERS_IN_APP=false: the handlers exist (the deploy gate checks the job types) but this engine takes no job
  const startOwnWorkers = () => {
    for (const [type, handler] of Object.entries(workers)) engine.registerWorker(type, handler, workerOptions(type, { timeout: 60_000 }));
  };
  if (processes === 1) startOwnWorkers();
  const { forms } = await importFormFiles({ repo: createFormsRepository(db), gate: createFormGate({ engine }), dir: join(projectRoot, 'forms') });
  const gate = createDeployGate({ engine, jobTypes: () => Object.keys(workers), formIds: () => forms.keys(), root: projectRoot });
  // the diagrams and the decision tables they call, in one deployment (as main.ts deploys them)
  const filesOf = (dir: string, ext: string) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(ext))
      .map((name) => ({ name, content: readFileSync(join(dir, name), 'utf8') }));
  const files = [...filesOf(join(projectRoot, 'processes'), '.bpmn'), ...filesOf(join(projectRoot, 'decisions'), '.dmn')];
  const result = await gate.deploy(files, { deployedBy: 'start-up', confirmAffected: true });
  // the channels as configured without providers (written to the log), watched: a citizen waits for
  // the SMS the way one does, instead of re-tracking the case
  const sent = new Map<string, { promise: Promise<void>; resolve: () => void; done: boolean }>();
  const sentEntry = (k: string) => {
    let w = sent.get(k);
    if (!w) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      w = { promise, resolve, done: false };
      sent.set(k, w);
    }
    return w;
  };
  const channels = createChannels({}, log);
  for (const channel of Object.values(channels)) {
    const send = channel.send.bind(channel);
    channel.send = async (m) => {
      const r = await send(m);
      const k = `${String(m.payload.petitionId)}|${m.template}`;
      if (m.template !== 'reply-ready' && !sent.has(k)) return r;
      const w = sentEntry(k);
      w.done = true;
      w.resolve();
      return r;
    };
  }
  const messageSent = (petitionId: string, template: string) => {
    const k = `${petitionId}|${template}`;
    const w = sentEntry(k);
    // once seen, forgotten: the map does not grow with the run
    return w.promise.finally(() => sent.delete(k));
  };
  // the dispatcher looks for messages every 250 ms (the app's default is 5 s), so waiting for an SMS
  // does not set the pace of a whole petition
  const dispatcher = new OutboxDispatcher({ outbox: createOutboxRepository(db), channels, logger: log });
  const app = createApp({
    engine,
    db,
    log,
    key,
    gate,
    secret: randomBytes(32).toString('base64'),
    deployed: result.processes.map((p) => ({ processId: p.processId, version: p.version })),
    forms,
    calendar: () => loadCalendar(db),
    options: { portalRateLimit: 10_000_000, loginRateLimit: 10_000_000, engineRestRateLimit: 10_000_000, open311ApiKeys: [OPEN311_KEY], publicBaseUrl: 'http://127.0.0.1' },
  });
  await engine.open();
  // the worker process once the app has migrated, seeded and deployed (as `npm run workers` beside a started app)
  let workerChild: WorkerChild | undefined;
  if (processes === 2) {
    try {
      workerChild = await spawnWorkers(url, key);
    } catch (err) {
      await gate.close();
      await engine.close();
      await db.close();
      throw err;
    }
  }
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // the staff's connections stay open across the baseline blocks (Node's default closes them after 5 s idle)
  server.keepAliveTimeout = 600_000;
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    bases: [base],
    ...(workerChild && { workers: workerChild }),
    db,
    engine,
    counters,
    completeMs,
    completeCalls,
    recording,
    viaHttp: false,
    ...(processes === 0 && { startOwnWorkers }),
    taskCreated: waiters.taskCreated,
    startDispatch: () => dispatcher.start(DISPATCH_MS),
    stopDispatch: () => dispatcher.stop(),
    // send what the outbox holds now (the dispatcher sends 50 a run)
    async flushOutbox() {
      for (;;) {
        const r = await dispatcher.dispatchOnce();
        if (r.sent + r.logged + r.failed + r.retrying === 0) return;
      }
    },
    messageSent,
    async close() {
      clearInterval(taskWatch);
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.stop();
      await workerChild?.stop();
      await gate.close();
      await engine.close();
      await db.close();
    },
  };
}



/**
 * the app as `n` child processes of dist/server/main.js on `url` (each with its job handlers,
 * WORKERS_IN_APP=true): the first migrates, seeds the demo staff and deploys, then the others start
 * (they find it all done). This process keeps only its own connection to the database, for the
 * waits that cannot be seen through HTTP (the task watcher, the SMS, the case closed, the checks).
 */
export async function startAppChildren(url: string, n: number): Promise<RunningApp> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DB_URL: url,
    ENGINE: 'embedded',
    WORKERS_IN_APP: 'true',
    // shared by every app: the petitioners' identities, the sessions' CSRF tokens and the portal's challenge
    PII_KEY: generateIdentityKey(),
    SESSION_SECRET: randomBytes(32).toString('base64'),
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'warn',
    OPEN311_API_KEYS: OPEN311_KEY,
    PORTAL_RATE_LIMIT: '100000',
    LOGIN_RATE_LIMIT: '100000',
    JOB_TIMEOUT_SECONDS: '60',
    // the same dispatch period as the in-process runs: with main.ts's 5 s, a whole petition waited on its SMS, not on the CPU
    OUTBOX_POLL_MS: String(DISPATCH_MS),
  };
  delete env.PORT;
  const apps: AppChild[] = [];
  const stopAll = () => Promise.all(apps.map((a) => a.stop()));
  try {
    apps.push(await spawnApp('app 1', env));
    for (let k = 2; k <= n; k++) apps.push(await spawnApp(`app ${k}`, env));
  } catch (err) {
    await stopAll();
    throw err;
  }
  const db = await createDatabase({ url });
  const waiters = taskWaiters();
  const taskWatch = watchUserTasks(db, waiters);
  const pendingOutbox = async () => {
    const [row] = (await db.sequelize.query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'", { type: QueryTypes.SELECT })) as { n: number }[];
    return Number(row.n);
  };
  return {
    bases: apps.map((a) => a.base),
    apps,
    db,
    completeMs: [],
    completeCalls: { ok: 0, failed: 0 },
    recording: { on: false },
    viaHttp: true,
    taskCreated: waiters.taskCreated,
    // each app's dispatcher runs as main.ts starts it (every DISPATCH_MS, OUTBOX_POLL_MS)
    startDispatch: () => undefined,
    stopDispatch: async () => undefined,
    async flushOutbox() {
      const until = Date.now() + STEP_TIMEOUT_MS;
      for (let backoff = 25; (await pendingOutbox()) > 0; backoff = Math.min(backoff * 2, 500)) {
        if (Date.now() > until) throw new Error(`outbox messages still pending after ${STEP_TIMEOUT_MS / 1000} s`);
        await sleep(backoff);
      }
    },
    // the SMS has left when the petition's row of this template is no longer pending (sent, or logged without a provider)
    async messageSent(petitionId, template) {
      const until = Date.now() + STEP_TIMEOUT_MS;
      for (let backoff = 25; ; backoff = Math.min(backoff * 2, 500)) {
        const rows = (await db.sequelize.query('SELECT state FROM outbox WHERE template = ? AND payload LIKE ?', {
          replacements: [template, `%"petitionId":${JSON.stringify(petitionId)}%`],
          type: QueryTypes.SELECT,
        })) as { state: string }[];
        if (rows.some((r) => r.state !== 'pending')) return;
        if (Date.now() > until) throw new Error(`${petitionId}: the ${template} message was not sent within ${STEP_TIMEOUT_MS / 1000} s`);
        await sleep(backoff);
      }
    },
    async close() {
      clearInterval(taskWatch);
      agent.destroy();
      await stopAll();
      await db.close();
    },
  };
}


// ---------------------------------------------------------------- blocks

/** no job waiting for or held by a worker, no incident: what the petitions started is done */
export async function drained(app: RunningApp) {
  const until = Date.now() + STEP_TIMEOUT_MS;
  let backoff = 5;
  for (;;) {
    if (app.workers?.exited) throw new Error(`the worker process ended: ${app.workers.exited}`);
    for (const a of app.apps ?? []) if (a.exited) throw new Error(`${a.name} ended: ${a.exited}`);
    let jobs: { type: string; elementId: string; state: string }[];
    let incidents: { processId: string; elementId: string; errorType: string; errorMessage: string }[];
    if (app.engine) {
      jobs = await app.engine.listJobs();
      incidents = await app.engine.listIncidents({ state: 'active' });
    } else {
      // the engine is in the app children: its tables, read here
      jobs = (await app.db.sequelize.query('SELECT type, element_id AS elementId, state FROM engine_jobs', { type: QueryTypes.SELECT })) as typeof jobs;
      incidents = (await app.db.sequelize.query("SELECT process_id AS processId, element_id AS elementId, error_type AS errorType, error_message AS errorMessage FROM engine_incidents WHERE state = 'active'", {
        type: QueryTypes.SELECT,
      })) as typeof incidents;
    }
    if (incidents.length) throw new Error(`incidents: ${incidents.map((x) => `${x.processId}/${x.elementId} ${x.errorType}: ${x.errorMessage}`).join('; ')}`);
    if (!jobs.some((j) => j.state === 'activatable' || j.state === 'activated')) return;
    if (Date.now() > until) throw new Error(`${jobs.length} jobs still open after ${STEP_TIMEOUT_MS / 1000} s: ${jobs.map((j) => `${j.type}@${j.elementId}`).join(', ')}`);
    await sleep(backoff);
    backoff = Math.min(backoff * 2, 200);
  }
}
