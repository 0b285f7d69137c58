/**
 * Issue 13 in the test harnesses: SCENARIO_WORKERS=N runs the same tests with the app's engine
 * holding no job handlers (as with WORKERS_IN_APP=false) and N worker engines doing the jobs, each
 * what `npm run workers` starts (bin/database-workers.ts's startWorkers: its own database connection, an
 * embedded engine with `jobsOnly`, the real handlers and task projection) on the test's database
 * and fake clock. Their job loops run in the background as in production; `settle()` waits until
 * the app's engine and every worker engine are idle.
 */
import { startWorkers, type RunningWorkers } from '../../bin/database-workers.js';
import type { FakeClock } from '../../engine/clock.js';
import type { Database } from '../../engine/embedded/store/database.js';
import type { EnginePort, Job } from '../../engine/port.js';
import { createLogger } from '../logger.js';

/** how many worker engines do the jobs (SCENARIO_WORKERS; 0: the app's engine does them itself) */
export function workerEnginesWanted(): number {
  const n = Number(process.env.SCENARIO_WORKERS ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new Error(`SCENARIO_WORKERS must be a whole number (got "${process.env.SCENARIO_WORKERS}")`);
  return n;
}

/** the URL a test database was opened with (SQLite file or MySQL/MariaDB database) */
export function urlOf(db: Database): string {
  if (db.dialect === 'sqlite') return `sqlite:${(db.sequelize as unknown as { options: { storage: string } }).options.storage}`;
  const c = db.sequelize.config;
  return `mysql://${encodeURIComponent(c.username)}${c.password ? `:${encodeURIComponent(c.password)}` : ''}@${c.host}:${c.port}/${c.database}`;
}

export interface WorkerEngines {
  workers: RunningWorkers[];
  /** run the app's engine (timers, messages) and wait for the worker engines' jobs, until nothing is due */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** a job some engine still has to take or is running: due now (on the fake clock) or locked */
const pending = (jobs: Job[], now: Date) => jobs.filter((j) => j.state === 'activated' || (j.state === 'activatable' && !(j.notBefore && j.notBefore > now)));

export async function startWorkerEngines(options: {
  count: number;
  /** the database URL of the test (each worker engine opens its own connection to it) */
  url: string;
  key: string;
  clock: FakeClock;
  /** the app's engine: reads the jobs, and its idle() fires what is due (timers, message expiry) */
  app: EnginePort;
  appIdle(): Promise<void>;
  /** ms a settle may take before it fails, naming the jobs left */
  timeout?: number;
}): Promise<WorkerEngines> {
  const { count, url, key, clock, app, appIdle, timeout = 60_000 } = options;
  const env = { DB_URL: url, ENGINE: 'embedded', LOG_LEVEL: 'silent', PII_KEY: key, JOB_TIMEOUT_SECONDS: '60', PUBLIC_BASE_URL: 'https://wz.longnan.example' };
  const workers: RunningWorkers[] = [];
  // one after the other: each migrates (nothing left to do) before opening
  for (let i = 0; i < count; i++) workers.push(await startWorkers(env, createLogger('silent'), { clock }));
  return {
    workers,
    settle: () => settleJobs({ app, appIdle, clock, timeout, who: 'the worker engines' }),
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}

/**
 * Run the app's engine (timers, messages) and wait for the jobs done elsewhere (worker engines,
 * remote workers), until nothing is due or locked on the fake clock; fails after `timeout` ms,
 * naming the jobs left.
 */
export async function settleJobs(o: { app: EnginePort; appIdle(): Promise<void>; clock: FakeClock; timeout: number; who: string }): Promise<void> {
  const { app, appIdle, clock, timeout } = o;
  const deadline = Date.now() + timeout;
  for (;;) {
    await appIdle();
    if (!pending(await app.listJobs(), clock.now()).length) return;
    // a jump of no time wakes the other processes' job loops and long polls at once, as a real jump
    // does (else they find the app's new jobs at their next poll)
    clock.advance(0);
    for (;;) {
      const left = pending(await app.listJobs(), clock.now());
      if (!left.length) break;
      if (Date.now() > deadline) throw new Error(`settle: jobs not done by ${o.who} within ${timeout} ms: ${JSON.stringify(left.map((j) => [j.elementId, j.state, j.errorMessage]))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
