/**
 * The lifecycle benchmark (`npm run bench -- lifecycle`, and part of `npm run bench`): the whole app
 * in this process, as `server/main.ts` assembles it (createApp, the embedded engine, every worker,
 * the real diagrams of processes/ through the deploy gate, the forms, the seeded staff, the outbox
 * dispatcher), serving HTTP on a local port, on a fresh SQLite file — or, with
 * DB_URL=mysql://user@host:3306/any, on a throw-away MariaDB/MySQL database `wz_bench_<pid>`,
 * dropped at the end.
 *
 * Whole petitions are driven through HTTP only, as citizens and staff do (the path of
 * server/test/api/journey.test.ts): a citizen submits on the website with the challenge answered;
 * `intake` screens and dispatches to 龙南镇; `handler-longnan` signs, reads the petitioner's
 * identity, contacts, uploads the investigation document and drafts the reply; `leader-longnan`
 * signs it off (OA); `reviewer` approves it for publication; the citizen tracks the reply and rates
 * it; the case closes. A person waits for their task by looking at their task list until it shows
 * (woken by the engine's user-task events, with a backed-off re-look as a fallback: no fixed sleeps).
 *
 * Alternating blocks on the same database: lifecycle (N petitions over the blocks, C in flight),
 * then a baseline of one-row write transactions in a scratch table through the same Database layer
 * (`db.transaction`), and again. Figures (last line's JSON, merged by engine-bench.ts):
 *  - lifecycleCpuMsPerPetition: process CPU (process.cpuUsage) during lifecycle blocks ÷ petitions;
 *  - lifecyclePerSec: whole petitions per second of lifecycle block;
 *  - lifecycleTxPerPetition: write transactions committed per petition — every `sequelize.transaction`
 *    that committed (db.transaction and anything else that opens one) plus every INSERT/UPDATE/DELETE
 *    sent outside a transaction (its own autocommit transaction), everything in the block;
 *  - lifecycleTxRatio: the lifecycle blocks' committed transactions per second ÷ the baseline's (C
 *    concurrent clients of one-row transactions);
 *  - completeTaskP99Ms: p99 of the engine port's completeUserTask (the engine object the app uses is
 *    wrapped), oneRowTxP99Ms: p99 of one one-row transaction alone (one client), and their ratio;
 *  - intakeRatio: Open311 submissions per second ÷ GET /api/categories per second, both with 20
 *    concurrent connections through HTTP, after the blocks.
 * Every petition must reach `closed` with exactly the expected history, or the run fails.
 * LIFECYCLE_PROFILE=1: a CPU profile of each lifecycle block (.cpuprofile files, open them in Chrome
 * DevTools) and the top 15 frames by self time over the blocks. *
 * LIFECYCLE_PROCESSES=2 (--processes=2): the app's engine takes no jobs (as WORKERS_IN_APP=false: no
 * handler registered) and one `dist/bin/workers.js` child process, on the same database with the
 * app's PII key, takes every job (`npm run build` first). lifecycleCpuMsPerPetition is then the
 * bench process's CPU plus the child's (utime + stime of /proc/<pid>/stat, Linux), also reported
 * apart (lifecycleAppCpuMsPerPetition, lifecycleWorkerCpuMsPerPetition, lifecycleWorkerBusy: the
 * child's CPU ÷ the blocks' time); lifecycleTxPerPetition counts the app process's transactions only.
 * A task a job creates in the child raises no event in the app's engine: a watcher of
 * engine_user_tasks (one query per 50 ms while someone waits) wakes the staff instead.
 * LIFECYCLE_COMPARE=1 (--compare): the blocks with 1 process, then with 2, each on a fresh database of
 * the same kind, without the intake part; lifecycleTwoProcessSpeedup = petitions/s with 2 ÷ with 1,
 * every other figure suffixed 1p / 2p.
 * LIFECYCLE_APPS=N (--apps=N, N ≥ 2): scale-out as a city runs it, N identical app processes behind a
 * load balancer: N `dist/server/main.js` children (WORKERS_IN_APP=true, the same DB_URL, PII_KEY and
 * SESSION_SECRET, each its own PORT; the first migrates, seeds the demo staff and deploys, then the
 * others start), and this process only drives HTTP: each petition's citizen and staff sessions go to
 * one app, round-robin by petition. The staff are woken by the engine_user_tasks watcher, the citizen's
 * SMS is the petition's `reply-ready` outbox row no longer pending (polled with a backoff; the apps'
 * dispatchers run as main.ts starts them, every 250 ms by OUTBOX_POLL_MS as in the in-process runs), the case closed and the jobs drained are read
 * from the tables. lifecycleCpuMsPerPetition is then the children's utime + stime (each app's share
 * apart, lifecycleApp<k>CpuMsPerPetition), this process's CPU is lifecycleBenchCpuMsPerPetition; a
 * block's time ends when its cases are closed and its jobs done. Transactions are counted on the
 * server (MariaDB: Com_commit, every session's explicit COMMITs; SQLite: not counted, null), named by
 * lifecycleTxCountedBy. In every mode on MariaDB on this machine the server's CPU, its row-lock waits
 * and the whole machine's busy share are reported too.
 * LIFECYCLE_COMPARE=apps (--compare=apps): 1 app child, then 2, each on a fresh database of the same
 * kind; lifecycleTwoAppSpeedup = petitions/s with 2 ÷ with 1, every other figure suffixed 1a / 2a.
 * Nothing done twice, in every mode: besides the petitions' checks, every job created in the run has
 * exactly one 'job-completed' (or 'job-error-thrown') entry in engine_history, none twice per job key.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { INTEGER, QueryTypes, STRING } from 'sequelize';
import { createDatabase, type Database } from '../engine/embedded/store/database.js';
import type { EnginePort, UserTaskEvent } from '../engine/port.js';
import { createApp, projectRoot } from '../server/app.js';
import { loadCalendar } from '../server/data/calendar-repository.js';
import { createFormsRepository } from '../server/data/forms-repository.js';
import { createOutboxRepository } from '../server/data/outbox-repository.js';
import { DEMO_PASSWORD, seedDemoData } from '../server/data/seed.js';
import { createDeployGate } from '../server/deploy/deploy-gate.js';
import { createFormGate } from '../server/deploy/form-gate.js';
import { solveChallenge } from '../server/domain/challenge.js';
import { generateIdentityKey } from '../server/domain/identity-crypto.js';
import { createChannels, OutboxDispatcher } from '../server/domain/notifications.js';
import { createJobHandlers, migrationsFor, openConfiguredEngine } from '../server/engine-setup.js';
import { createLogger } from '../server/logger.js';
import { importFormFiles } from '../server/services/form-service.js';
import { workerOptions } from '../workers/registry.js';

const require = createRequire(import.meta.url);

export interface LifecycleOptions {
  /** petitions measured (over all lifecycle blocks) */
  n: number;
  /** petitions in flight at once */
  c: number;
  /** lifecycle blocks (each followed by a baseline block) */
  blocks: number;
  /** mysql://… for a throw-away database on that server; SQLite in a temporary folder otherwise */
  dbUrl?: string;
  /** write CPU profiles of the lifecycle blocks and print the top frames */
  profile: boolean;
  /** ms of each baseline block (half one client, half C clients) */
  baselineMs: number;
  /** Open311 submissions and GET /api/categories requests for intakeRatio, and their connections */
  intake: number;
  categories: number;
  intakeConnections: number;
  /**
   * 1: the job handlers in the app's engine (WORKERS_IN_APP=true); 2: none in the app's engine
   * (WORKERS_IN_APP=false) and one `dist/bin/workers.js` child process taking every job
   */
  processes: 1 | 2;
  /**
   * the app as this many `dist/server/main.js` child processes (WORKERS_IN_APP=true, one database)
   * behind the bench's round-robin, the bench process only driving HTTP; 1 without `appChildren`:
   * the app in the bench's process, as before
   */
  apps: number;
  /** run the app as child processes even when `apps` is 1 (the 1-app side of LIFECYCLE_COMPARE=apps) */
  appChildren: boolean;
  /**
   * 'processes': the blocks with 1 process, then with 2 (app + workers child); 'apps': with 1 app
   * child, then with 2 app children; each on a fresh database of the same kind, and the speedup
   */
  compare: false | 'processes' | 'apps';
  out: (line: string) => void;
}

export type LifecycleFigures = Record<string, number | string | null>;

export function lifecycleOptionsFrom(env: NodeJS.ProcessEnv, args: Record<string, string>, out: (line: string) => void): LifecycleOptions {
  const num = (arg: string, name: string, fallback: number, min: number) => {
    const raw = args[arg] ?? env[name];
    const v = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} (--${arg}) must be a whole number ≥ ${min} (got "${raw}")`);
    return v;
  };
  const n = num('n', 'LIFECYCLE_N', 40, 1);
  const c = num('c', 'LIFECYCLE_C', 8, 1);
  const processes = num('processes', 'LIFECYCLE_PROCESSES', 1, 1);
  if (processes > 2) throw new Error(`LIFECYCLE_PROCESSES (--processes) must be 1 or 2 (got ${processes})`);
  const apps = num('apps', 'LIFECYCLE_APPS', 1, 1);
  if (apps > 1 && processes > 1) throw new Error('LIFECYCLE_APPS > 1 runs every app with its job handlers: it does not go with LIFECYCLE_PROCESSES=2');
  const compareRaw = args.compare ?? env.LIFECYCLE_COMPARE ?? '';
  if (!['', '0', 'false', '1', 'true', 'processes', 'apps'].includes(compareRaw)) throw new Error(`LIFECYCLE_COMPARE (--compare) must be 1 (processes) or apps (got "${compareRaw}")`);
  const compare = compareRaw === 'apps' ? 'apps' : ['1', 'true', 'processes'].includes(compareRaw) ? 'processes' : false;
  return {
    n,
    c,
    blocks: Math.min(n, num('blocks', 'LIFECYCLE_BLOCKS', 2, 1)),
    ...(env.DB_URL && { dbUrl: env.DB_URL }),
    profile: (args.profile ?? env.LIFECYCLE_PROFILE ?? '') === '1' || args.profile === 'true',
    baselineMs: num('baseline-ms', 'LIFECYCLE_BASELINE_MS', 4000, 200),
    intake: num('intake', 'LIFECYCLE_INTAKE', 100, 1),
    categories: num('categories', 'LIFECYCLE_CATEGORIES', 2000, 1),
    intakeConnections: num('intake-c', 'LIFECYCLE_INTAKE_C', 20, 1),
    processes: processes as 1 | 2,
    apps,
    appChildren: apps > 1,
    compare,
    out,
  };
}

// ---------------------------------------------------------------- small helpers

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const p99 = (xs: number[]) => percentile(xs, 0.99);
const median = (xs: number[]) => percentile(xs, 0.5);
function percentile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const round = (x: number, digits: number) => Number(x.toFixed(digits));
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
/** a step that does not happen in this time has failed (the engine is slow today, but not this slow) */
const STEP_TIMEOUT_MS = Number(process.env.LIFECYCLE_STEP_TIMEOUT_MS ?? 180_000);

// ---------------------------------------------------------------- the database

interface Target {
  kind: 'sqlite' | 'mysql';
  url: string;
  drop(): Promise<void>;
}

/** a fresh SQLite file, or a throw-away database on the MariaDB/MySQL server of DB_URL */
async function openTarget(dbUrl: string | undefined): Promise<Target> {
  if (!dbUrl || dbUrl.startsWith('sqlite:')) {
    const dir = mkdtempSync(join(tmpdir(), 'wz-lifecycle-'));
    return { kind: 'sqlite', url: `sqlite:${join(dir, 'lifecycle.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (!/^(mysql|mariadb):\/\//.test(dbUrl)) throw new Error('DB_URL must be mysql://user[:password]@host:port/any (a throw-away database is made there) or unset (SQLite)');
  const u = new URL(dbUrl.replace(/^mariadb:/, 'mysql:'));
  const name = `wz_bench_${process.pid}`;
  const mysql = require('mysql2/promise');
  const server = () =>
    mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), ...(u.password && { password: decodeURIComponent(u.password) }) });
  const admin = await server();
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  u.pathname = `/${name}`;
  return {
    kind: 'mysql',
    url: u.toString(),
    drop: async () => {
      const a = await server();
      try {
        await a.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await a.end();
      }
    },
  };
}

interface TxCounters {
  /** transactions opened through sequelize.transaction that committed */
  commits: number;
  rollbacks: number;
  /** INSERT/UPDATE/DELETE/REPLACE sent outside any transaction: each commits on its own */
  autocommitWrites: number;
}

/**
 * Counts what commits on the database: every transaction begins at `sequelize.transaction`
 * (db.transaction calls it on this same object, so does anything that opens one directly), and a
 * write sent without a transaction is one of its own.
 */
function countCommits(db: Database): TxCounters {
  const seq = db.sequelize as any;
  const c: TxCounters = { commits: 0, rollbacks: 0, autocommitWrites: 0 };
  const transaction = seq.transaction.bind(seq);
  seq.transaction = (...args: any[]) => {
    const managed = typeof args[args.length - 1] === 'function';
    const p = transaction(...args);
    if (managed) {
      p.then(
        () => void c.commits++,
        () => void c.rollbacks++,
      );
    } else {
      p.then(
        (t: any) => {
          t.afterCommit(() => void c.commits++);
        },
        () => undefined,
      );
    }
    return p;
  };
  const query = seq.query.bind(seq);
  seq.query = (sql: any, options?: any) => {
    const text = typeof sql === 'string' ? sql : String(sql?.query ?? '');
    if (!options?.transaction && /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(text)) c.autocommitWrites++;
    return query(sql, options);
  };
  // SQLite: the repositories send statements past Sequelize (database.ts: RawSql)
  const raw = db.raw;
  if (raw) {
    const run = raw.run.bind(raw);
    raw.run = (sql, params, tx) => {
      if (!tx && /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql)) c.autocommitWrites++;
      return run(sql, params, tx);
    };
  }
  return c;
}

const written = (c: TxCounters) => c.commits + c.autocommitWrites;

// ---------------------------------------------------------------- the app

/** how often the bench's outbox dispatcher looks for messages */
const DISPATCH_MS = 250;

const OPEN311_KEY = 'lifecycle-bench-intake-app-key';

// ---------------------------------------------------------------- the worker process (2 processes)

interface WorkerChild {
  pid: number;
  /** set when the child ended (before stop) */
  exited: string | undefined;
  /** its CPU time so far (user + system, ms): /proc/<pid>/stat, Linux */
  cpuMs(): number;
  /** warn-or-worse log lines it wrote (deadlocks met, jobs failed…) */
  warnings: string[];
  stop(): Promise<void>;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** a child process ended: SIGTERM (it finishes what it holds), SIGKILL after 15 s */
async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const ended = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await ended;
  clearTimeout(timer);
}

/** utime + stime of a process, in ms (fields 14 and 15 of /proc/<pid>/stat; the name in field 2 may hold spaces) */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/**
 * `npm run workers` as production runs it beside an app with WORKERS_IN_APP=false: `node
 * dist/bin/workers.js` on the same database, with the app's identity key (PII_KEY: the seed and the
 * handlers must read the same petitioners) and the app's public address; resolves once it serves.
 */
async function spawnWorkers(url: string, key: string): Promise<WorkerChild> {
  const script = join(projectRoot, 'dist', 'bin', 'workers.js');
  const env: NodeJS.ProcessEnv = { ...process.env, DB_URL: url, ENGINE: 'embedded', PII_KEY: key, PUBLIC_BASE_URL: 'http://127.0.0.1', JOB_TIMEOUT_SECONDS: '60', LOG_LEVEL: 'info' };
  delete env.NODE_ENV;
  const child: ChildProcess = spawn(process.execPath, [script], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const w: WorkerChild = {
    pid: child.pid!,
    exited: undefined,
    warnings: [],
    cpuMs: () => procCpuMs(child.pid!),
    stop: () => stopChild(child),
  };
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-4000)));
  let ready!: () => void;
  let failed!: (err: Error) => void;
  const started = new Promise<void>((resolve, reject) => ((ready = resolve), (failed = reject)));
  let pending = '';
  child.stdout!.on('data', (b: Buffer) => {
    pending += b.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      let entry: { level?: number; msg?: string; err?: { message?: string } } = {};
      try {
        entry = JSON.parse(line);
      } catch {
        continue;
      }
      if (entry.msg === '作业处理进程已启动') ready();
      if ((entry.level ?? 0) >= 40) w.warnings.push(`${entry.msg}${entry.err?.message ? `: ${entry.err.message}` : ''}`);
    }
  });
  child.on('exit', (code, signal) => {
    w.exited = `code ${code}, signal ${signal}: ${stderr.trim().slice(-1000)}`;
    failed(new Error(`the worker process ended: ${w.exited}`));
  });
  const timeout = setTimeout(() => failed(new Error('the worker process did not start within 60 s')), 60_000);
  try {
    await started;
  } catch (err) {
    await w.stop();
    throw err;
  } finally {
    clearTimeout(timeout);
  }
  return w;
}

interface RunningApp {
  /** where the app serves: one address, or one per app child (a petition's people use one, round-robin) */
  bases: string[];
  /** the worker process taking every job (2 processes) */
  workers?: WorkerChild;
  /** the app child processes (LIFECYCLE_APPS) */
  apps?: AppChild[];
  /** the app's database (in this process), or this process's own connection to the apps' database */
  db: Database;
  /** the app's engine, when the app runs in this process */
  engine?: EnginePort;
  /** the app's committed transactions, when it runs in this process */
  counters?: TxCounters;
  /** completeUserTask durations while `recording` (with app children: the HTTP request that completes the task) */
  completeMs: number[];
  completeCalls: { ok: number; failed: number };
  recording: { on: boolean };
  /** the completions are timed by the driver as HTTP requests (the engine is in another process) */
  viaHttp: boolean;
  /** resolves at the next user task created for this element */
  taskCreated(elementId: string): Promise<void>;
  /** the bench's outbox dispatcher (the app children run their own, as main.ts does: no-ops then) */
  startDispatch(): void;
  stopDispatch(): Promise<void>;
  /** what the outbox holds now is sent (app children: waited for, their dispatchers send it) */
  flushOutbox(): Promise<void>;
  /** resolves when the petition's message of this template is handed to its channel (the citizen's phone gets the SMS) */
  messageSent(petitionId: string, template: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * who waits for a task of an element, woken when one is created: by the engine's user-task event
 * in this process, or by `watchUserTasks` when the task is created in another process
 */
function taskWaiters() {
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
function watchUserTasks(db: Database, waiters: ReturnType<typeof taskWaiters>): NodeJS.Timeout {
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
async function startApp(url: string, processes: 1 | 2): Promise<RunningApp> {
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
  if (processes === 1) for (const [type, handler] of Object.entries(workers)) engine.registerWorker(type, handler, workerOptions(type, { timeout: 60_000 }));
  const { forms } = await importFormFiles({ repo: createFormsRepository(db), gate: createFormGate({ engine }), dir: join(projectRoot, 'forms') });
  const gate = createDeployGate({ engine, jobTypes: () => Object.keys(workers), formIds: () => forms.keys(), root: projectRoot });
  const dir = join(projectRoot, 'processes');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bpmn'))
    .map((name) => ({ name, content: readFileSync(join(dir, name), 'utf8') }));
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
    options: { portalRateLimit: 10_000_000, loginRateLimit: 10_000_000, open311ApiKeys: [OPEN311_KEY], publicBaseUrl: 'http://127.0.0.1' },
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

// ---------------------------------------------------------------- N app processes (LIFECYCLE_APPS)

interface AppChild {
  name: string;
  pid: number;
  base: string;
  /** set when the child ended (before stop) */
  exited: string | undefined;
  /** its CPU time so far (user + system, ms): /proc/<pid>/stat, Linux */
  cpuMs(): number;
  /** warn-or-worse log lines it wrote */
  warnings: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * `node dist/server/main.js` as a city runs it behind a load balancer (as bin/chaos.ts starts it):
 * its own PORT, the shared database, identity key and session secret; up once /health answers
 */
async function spawnApp(name: string, env: NodeJS.ProcessEnv): Promise<AppChild> {
  const script = join(projectRoot, 'dist', 'server', 'main.js');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [script], { cwd: projectRoot, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const a: AppChild = {
    name,
    pid: child.pid!,
    base,
    exited: undefined,
    warnings: [],
    cpuMs: () => procCpuMs(child.pid!),
    stop: () => stopChild(child),
  };
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-4000)));
  let pending = '';
  child.stdout!.on('data', (b: Buffer) => {
    pending += b.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
        if ((entry.level ?? 0) >= 40) a.warnings.push(`${entry.msg}${entry.err?.message ? `: ${entry.err.message}` : ''}${(entry.level ?? 0) >= 50 ? ` ${line.slice(0, 1500)}` : ''}`);
        if ((entry.level ?? 0) >= 50 && process.env.LIFECYCLE_ERROR_LOG) appendFileSync(process.env.LIFECYCLE_ERROR_LOG, `${name} ${line}\n`);
      } catch {
        // not a log line
      }
    }
  });
  child.on('exit', (code, signal) => (a.exited = `code ${code}, signal ${signal}: ${stderr.trim().slice(-1000)}`));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (a.exited) throw new Error(`${name} ended at start: ${a.exited}`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) return a;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await a.stop();
      throw new Error(`${name} did not serve within 120 s`);
    }
    await sleep(200);
  }
}

/**
 * the app as `n` child processes of dist/server/main.js on `url` (each with its job handlers,
 * WORKERS_IN_APP=true): the first migrates, seeds the demo staff and deploys, then the others start
 * (they find it all done). This process keeps only its own connection to the database, for the
 * waits that cannot be seen through HTTP (the task watcher, the SMS, the case closed, the checks).
 */
async function startAppChildren(url: string, n: number): Promise<RunningApp> {
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

/** the database server's process on this machine (MariaDB/MySQL on 127.0.0.1), for its CPU time */
function databaseServerPid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const pid = Number(execFileSync('pgrep', ['-x', '-o', name], { encoding: 'utf8' }).trim());
      if (pid) {
        procCpuMs(pid);
        return pid;
      }
    } catch {
      // not running, or not readable
    }
  }
  return undefined;
}

/** the whole machine's busy and total CPU time (ms, all cores) from /proc/stat */
function machineCpu(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3] + f[4];
  return { busy: ((total - idle) * 1000) / CLOCK_TICKS, total: (total * 1000) / CLOCK_TICKS };
}

/** global status counters of a MariaDB/MySQL server (the whole server: other sessions' work counts too) */
async function serverStatus(db: Database, names: string[]): Promise<Record<string, number>> {
  const rows = (await db.sequelize.query(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => '?').join(', ')})`, { replacements: names, type: QueryTypes.SELECT })) as {
    Variable_name: string;
    Value: string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

// ---------------------------------------------------------------- HTTP, as a browser does it

interface Answer {
  status: number;
  body: any;
}

/** keep-alive connections shared by every browser here (node:http: fetch costs this process several times the CPU) */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function send(url: string, method: string, headers: Record<string, string>, body: Buffer | undefined, retried = false): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: body ? { ...headers, 'content-length': String(body.length) } : headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // a kept-alive connection the server closed just as it was reused: sent again once on a new one
    req.on('error', (err: NodeJS.ErrnoException) => (req.reusedSocket && err.code === 'ECONNRESET' && !retried ? send(url, method, headers, body, true).then(resolve, reject) : reject(err)));
    req.end(body);
  });
}

/** one person's browser: cookies, the CSRF token of their session */
class Browser {
  private readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly base: string) {}

  async request(method: string, path: string, body?: object | FormData | URLSearchParams): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method !== 'GET' && this.csrf) headers['x-csrf-token'] = this.csrf;
    let payload: Buffer | undefined;
    if (body instanceof FormData) {
      // multipart as a browser encodes it
      const encoded = new Request('http://encode.invalid/', { method: 'POST', body });
      headers['content-type'] = encoded.headers.get('content-type')!;
      payload = Buffer.from(await encoded.arrayBuffer());
    } else if (body instanceof URLSearchParams) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = Buffer.from(body.toString());
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = Buffer.from(JSON.stringify(body));
    }
    const res = await send(this.base + path, method, headers, payload);
    for (const c of res.headers['set-cookie'] ?? []) {
      const pair = c.split(';')[0];
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (!value || /max-age=0/i.test(c) || /expires=thu, 01 jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    let parsed: unknown = res.text;
    try {
      parsed = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, body: parsed };
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body?: object | FormData | URLSearchParams) => this.request('POST', path, body ?? {});

  async open() {
    const s = await this.get('/api/session');
    expectStatus(s, 200, 'GET /api/session');
    this.csrf = s.body.csrfToken;
    return this;
  }

  async signIn(username: string) {
    await this.open();
    const r = await this.post('/api/login', { username, password: DEMO_PASSWORD });
    expectStatus(r, 200, `sign-in of ${username}`);
    this.csrf = r.body.csrfToken;
    return this;
  }
}

function expectStatus(a: Answer, status: number, what: string) {
  if (a.status !== status) throw new Error(`${what}: HTTP ${a.status}, expected ${status}: ${JSON.stringify(a.body).slice(0, 400)}`);
}

// ---------------------------------------------------------------- one whole petition

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')]);
/** the history a case has once closed: anything twice is a step done twice */
const EXPECTED_TIMELINE = ['petition.submitted', ...Array(7).fill('task.completed'), 'petition.rated'];

interface Staff {
  intake: Browser;
  handler: Browser;
  leader: Browser;
  reviewer: Browser;
}

interface Done {
  code: string;
  petitionId: string;
  phone: string;
  citizen: Browser;
}

/** ms each kind of step took: waiting for it to show, and the person's request(s) */
type StepTimes = Map<string, { waitMs: number[]; actMs: number[] }>;

function stepTime(times: StepTimes, step: string, waitMs: number, actMs: number) {
  let t = times.get(step);
  if (!t) times.set(step, (t = { waitMs: [], actMs: [] }));
  t.waitMs.push(waitMs);
  t.actMs.push(actMs);
}

class Driver {
  readonly times: StepTimes = new Map();
  /** ratings refused (409 NOT_RATABLE) while the case already showed as ratable */
  ratingRefused = 0;
  constructor(
    private readonly app: RunningApp,
    /** the staff's sessions on each app (app k's at index k) */
    private readonly staff: Staff[],
  ) {}

  /** the person looks at their task list until the task of this case shows (woken when such a task is created) */
  private async waitForTask(p: Browser, elementId: string, code: string) {
    const until = Date.now() + STEP_TIMEOUT_MS;
    let backoff = 25;
    for (;;) {
      const created = this.app.taskCreated(elementId);
      const list = await p.get('/api/tasks');
      expectStatus(list, 200, 'GET /api/tasks');
      const found = (list.body as { elementId: string; key: string; petition?: { trackingCode: string; id: string } }[]).filter((t) => t.elementId === elementId && t.petition?.trackingCode === code);
      if (found.length > 1) throw new Error(`${code}: ${found.length} open ${elementId} tasks (a step done twice)`);
      if (found.length === 1) return found[0];
      if (Date.now() > until) throw new Error(`${code}: ${elementId} did not show in the task list within ${STEP_TIMEOUT_MS / 1000} s`);
      await Promise.race([created, sleep(backoff)]);
      backoff = Math.min(backoff * 2, 1000);
    }
  }

  private async step(p: Browser, elementId: string, code: string, variables: (petitionId: string) => Promise<Record<string, unknown>> | Record<string, unknown>) {
    const t0 = performance.now();
    const task = await this.waitForTask(p, elementId, code);
    const t1 = performance.now();
    const values = await variables(task.petition!.id);
    const t2 = performance.now();
    const r = await p.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables: values });
    if (this.app.viaHttp) {
      // the engine is in an app child: the completion timed and counted as the request that makes it
      if (this.app.recording.on) this.app.completeMs.push(performance.now() - t2);
      if (r.status === 200) this.app.completeCalls.ok++;
      else this.app.completeCalls.failed++;
    }
    expectStatus(r, 200, `${code}: completing ${elementId}`);
    stepTime(this.times, elementId, t1 - t0, performance.now() - t1);
    return task;
  }

  private async closed(petitionId: string, code: string) {
    const until = Date.now() + STEP_TIMEOUT_MS;
    for (let backoff = 10; ; backoff = Math.min(backoff * 2, 250)) {
      const [row] = (await this.app.db.sequelize.query('SELECT status FROM petitions WHERE id = ?', { replacements: [petitionId], type: QueryTypes.SELECT })) as { status: string }[];
      if (row?.status === 'closed') return;
      if (Date.now() > until) throw new Error(`${code}: still ${row?.status} after ${STEP_TIMEOUT_MS / 1000} s, waiting for closed`);
      await sleep(backoff);
    }
  }

  /** the citizen tracks the case until it has this status (re-looking with a backoff) */
  private async waitForStatus(d: Pick<Done, 'citizen' | 'code' | 'phone'>, status: string) {
    const until = Date.now() + STEP_TIMEOUT_MS;
    let backoff = 10;
    for (;;) {
      const r = await d.citizen.post('/api/track', { trackingCode: d.code, phone: d.phone });
      expectStatus(r, 200, `${d.code}: tracking`);
      if (r.body.status === status) return r.body;
      if (['rejected', 'invalid', 'not-rated', 'redo', 'supervised', 'closed'].includes(r.body.status)) throw new Error(`${d.code}: status ${r.body.status} while waiting for ${status}`);
      if (Date.now() > until) throw new Error(`${d.code}: still ${r.body.status} after ${STEP_TIMEOUT_MS / 1000} s, waiting for ${status}`);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 250);
    }
  }

  async petition(i: number): Promise<Done> {
    // the petition's people on one app, round-robin (sessions are in the database: any app would do)
    const k = i % this.staff.length;
    const { intake, handler, leader, reviewer } = this.staff[k];
    const phone = `139${String(10_000_000 + (i % 90_000_000)).slice(-8)}`;
    const citizen = await new Browser(this.app.bases[k]).open();
    let t0 = performance.now();
    const challenge = await citizen.get('/api/challenge');
    expectStatus(challenge, 200, 'GET /api/challenge');
    const submitted = await citizen.post('/api/petitions', {
      category: 'complaint',
      title: '小区路灯不亮',
      content: `龙南镇某小区 ${(i % 30) + 1} 栋旁的路灯已经一周不亮。我叫王小明,电话${phone}。`,
      township: '360783100',
      agree: true,
      petitionerName: '王小明',
      petitionerPhone: phone,
      challengeToken: challenge.body.token,
      challengeAnswer: String(solveChallenge(challenge.body.question)),
    });
    expectStatus(submitted, 201, 'submitting a petition');
    const code: string = submitted.body.trackingCode;
    stepTime(this.times, 'submit', 0, performance.now() - t0);

    await this.step(intake, 'Task_ScreenPetition', code, () => ({ inScope: true, isMajor: false }));
    await this.step(intake, 'Task_DispatchPetition', code, () => ({ unitId: 'u-longnan', jointMode: 'single' }));
    await this.step(handler, 'Task_SignOrReturn', code, () => ({ returnRequested: false }));
    let petitionId = '';
    await this.step(handler, 'Task_ContactPetitioner', code, async (id) => {
      petitionId = id;
      // the unit may see this petitioner (not confidential): the read is logged
      const identity = await handler.post(`/api/cases/${id}/identity`, { purpose: 'contact-petitioner' });
      expectStatus(identity, 200, `${code}: reading the identity`);
      return { contactedAt: new Date().toISOString(), contactMethod: 'phone', contactSummary: '已电话联系诉求人,约定次日现场查看' };
    });
    await this.step(handler, 'Task_DraftReply', code, async (id) => {
      const form = new FormData();
      form.append('petitionId', id);
      form.append('purpose', 'reply.investigationDocument');
      form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'investigation.pdf');
      const upload = await handler.post('/api/attachments', form);
      expectStatus(upload, 201, `${code}: uploading the investigation document`);
      return {
        reply: {
          handledAt: new Date().toISOString(),
          handlingUnit: '龙南镇人民政府',
          result: '已更换损坏的路灯灯头,恢复照明。',
          legalBasis: '《城市照明管理规定》第二十条',
          contactRecord: '电话联系诉求人',
          investigation: 'investigated',
          investigationDocument: `attachment:${upload.body.id}`,
          publishable: true,
          replyText: `您反映的路灯问题已修复。诉求人王小明,电话${phone}。`,
        },
      };
    });
    await this.step(leader, 'Task_OASignOff', code, () => ({ signOffApproved: true, signOffOpinion: '同意答复' }));
    await this.step(reviewer, 'Task_ReviewReply', code, () => ({ reviewApproved: true, reviewReason: '答复内容完整', publishable: true }));

    const d = { citizen, code, phone, petitionId };
    t0 = performance.now();
    // the citizen opens the case when the SMS with the rating link arrives
    await this.app.messageSent(petitionId, 'reply-ready');
    const replied = await this.waitForStatus(d, 'replied');
    if (!replied.canRate || !String(replied.reply?.text ?? '').includes('路灯问题已修复')) throw new Error(`${code}: replied without the reply or without the rating open`);
    const t1 = performance.now();
    // the SMS and the wait for the rating commit together (the link job's writes go with its
    // completion): a rating after the SMS is taken; a refusal (409 NOT_RATABLE) would be counted
    let rating = await citizen.post('/api/rate', { trackingCode: code, phone, rating: 'satisfied', ratingComment: '处理及时' });
    for (let backoff = 10; rating.status === 409 && rating.body?.error?.code === 'NOT_RATABLE' && performance.now() - t1 < STEP_TIMEOUT_MS; backoff = Math.min(backoff * 2, 250)) {
      this.ratingRefused++;
      await sleep(backoff);
      rating = await citizen.post('/api/rate', { trackingCode: code, phone, rating: 'satisfied', ratingComment: '处理及时' });
    }
    expectStatus(rating, 202, `${code}: rating`);
    stepTime(this.times, 'rate', t1 - t0, performance.now() - t1);
    t0 = performance.now();
    // the citizen is done; the bench waits for the case to close (what the rating sets off) in the
    // database — check() tracks it through HTTP afterwards
    await this.closed(petitionId, code);
    stepTime(this.times, 'closed', performance.now() - t0, 0);
    return d;
  }

  /** after the blocks: each case closed once, with exactly its history; rating again is refused */
  async check(done: Done[]) {
    for (const d of done) {
      const t = await d.citizen.post('/api/track', { trackingCode: d.code, phone: d.phone });
      expectStatus(t, 200, `${d.code}: tracking`);
      if (t.body.status !== 'closed' || t.body.canRate !== false) throw new Error(`${d.code}: ${t.body.status} at the end, not closed`);
      const again = await d.citizen.post('/api/rate', { trackingCode: d.code, phone: d.phone, rating: 'unsatisfied' });
      if (again.status !== 409) throw new Error(`${d.code}: a second rating answered ${again.status}, not 409`);
      const c = await this.staff[0].reviewer.get(`/api/cases/${d.petitionId}`);
      expectStatus(c, 200, `${d.code}: the case`);
      const actions = (c.body.timeline as { action: string }[]).map((e) => e.action);
      if (JSON.stringify(actions) !== JSON.stringify(EXPECTED_TIMELINE)) throw new Error(`${d.code}: history ${actions.join(', ')}; expected ${EXPECTED_TIMELINE.join(', ')}`);
    }
  }
}

// ---------------------------------------------------------------- blocks

/** no job waiting for or held by a worker, no incident: what the petitions started is done */
async function drained(app: RunningApp) {
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

async function inParallel<T>(count: number, concurrency: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        results.push(await one(i));
      }
    }),
  );
  return results;
}

interface Profiler {
  start(): Promise<void>;
  stop(label: string): Promise<void>;
  top(n: number): { fn: string; where: string; pct: number }[];
  files: string[];
}

/** `node_modules/pkg/file.js:12` or `engine/embedded/run.js:34` (dist), `(native)` for a named frame without a script */
function frameUrl(url: string, line: number): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = path.lastIndexOf('/node_modules/');
  return `${nm >= 0 ? path.slice(nm + 1) : path.startsWith('/') ? relative(projectRoot, path) : path}:${line + 1}`;
}

function makeProfiler(name: string): Profiler {
  const session = new Session();
  session.connect();
  const self = new Map<string, { fn: string; where: string; samples: number }>();
  let total = 0;
  const files: string[] = [];
  return {
    files,
    async start() {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 500 });
      await session.post('Profiler.start');
    },
    async stop(label) {
      const { profile } = await session.post('Profiler.stop');
      const file = join(process.cwd(), `${name}-${label}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      files.push(file);
      const parentOf = new Map<number, any>();
      for (const node of profile.nodes) for (const c of node.children ?? []) parentOf.set(c, node);
      const hits = new Map<number, number>();
      for (const s of profile.samples ?? []) hits.set(s, (hits.get(s) ?? 0) + 1);
      for (const node of profile.nodes) {
        const n = hits.get(node.id) ?? 0;
        if (!n || node.callFrame.functionName === '(idle)') continue;
        // a native function (V8 may name it after any class of its addon) is told by its caller
        const caller = parentOf.get(node.id)?.callFrame;
        const where = node.callFrame.url || !caller?.url ? frameUrl(node.callFrame.url, node.callFrame.lineNumber) : `(native) from ${frameUrl(caller.url, caller.lineNumber)}`;
        const fn = node.callFrame.functionName || '(anonymous)';
        const key = `${fn}@${where}`;
        const e = self.get(key) ?? { fn, where: node.callFrame.url || !fn.startsWith('(') || fn === '(anonymous)' ? where : '', samples: 0 };
        e.samples += n;
        self.set(key, e);
        total += n;
      }
    },
    top(n) {
      return [...self.values()]
        .sort((a, b) => b.samples - a.samples)
        .slice(0, n)
        .map((e) => ({ fn: e.fn, where: e.where, pct: (e.samples / total) * 100 }));
    },
  };
}

/** one-row write transactions in a scratch table, through the app's Database layer */
async function baselineBlock(db: Database, ms: number, clients: number) {
  const seq = db.sequelize;
  let serial = 0;
  const one = async (client: number, mine: number[]) => {
    const note = `client ${client} row ${serial++} ${'x'.repeat(120)}`;
    // alternately a new row and an update of the client's last one
    if (mine.length % 2 === 0 || !mine.length) {
      await db.transaction(async (tx) => {
        await seq.query('INSERT INTO bench_scratch (n, note) VALUES (?, ?)', { replacements: [serial, note], transaction: tx });
      });
      mine.push(serial);
    } else {
      await db.transaction(async (tx) => {
        await seq.query('UPDATE bench_scratch SET n = n + 1, note = ? WHERE n = ?', { replacements: [note, mine[mine.length - 1]], transaction: tx });
      });
      mine.push(-1);
    }
  };
  // one client alone: the latency of one such transaction
  const latencies: number[] = [];
  let until = performance.now() + ms / 2;
  const mine: number[] = [];
  while (performance.now() < until) {
    const t0 = performance.now();
    await one(0, mine);
    latencies.push(performance.now() - t0);
  }
  // `clients` at once: what the database commits per second
  let count = 0;
  const t0 = performance.now();
  until = t0 + ms / 2;
  await Promise.all(
    Array.from({ length: clients }, async (_, k) => {
      const rows: number[] = [];
      while (performance.now() < until) {
        await one(k + 1, rows);
        count++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { latencies, count, seconds };
}

async function requestsPerSec(count: number, connections: number, one: (i: number) => Promise<void>) {
  const t0 = performance.now();
  await inParallel(count, connections, one);
  return (count / (performance.now() - t0)) * 1000;
}

// ---------------------------------------------------------------- the run

/**
 * LIFECYCLE_COMPARE=1: the blocks with 1 process, then with 2 (each on a fresh database of the same
 * kind), and lifecycleTwoProcessSpeedup = petitions/s with 2 ÷ with 1. Every figure of each run is
 * reported with the suffix 1p or 2p. The intake measurement is left out (it is not about processes).
 * LIFECYCLE_COMPARE=apps: the same with 1 app child process, then 2 (lifecycleTwoAppSpeedup, 1a / 2a).
 */
export async function runLifecycleCompare(o: LifecycleOptions): Promise<LifecycleFigures> {
  const apps = o.compare === 'apps';
  const one = await runLifecycle(apps ? { ...o, processes: 1, apps: 1, appChildren: true, compare: false } : { ...o, processes: 1, apps: 1, appChildren: false, compare: false }, { intake: false });
  const two = await runLifecycle(apps ? { ...o, processes: 1, apps: 2, appChildren: true, compare: false } : { ...o, processes: 2, apps: 1, appChildren: false, compare: false }, { intake: false });
  const speedup = Number(two.lifecyclePerSec) / Number(one.lifecyclePerSec);
  const what = apps ? ['app process', 'app processes', 'a'] : ['process', 'processes', 'p'];
  o.out(
    `lifecycle, 1 ${what[0]} against 2 ${what[1]} (${two.lifecycleDb}, C = ${o.c}): ${one.lifecyclePerSec} → ${two.lifecyclePerSec} whole petitions/s = ${speedup.toFixed(2)} × (issue 13: ≥ 1.6)${speedup >= 1.6 ? '  PASS' : '  FAIL'}`,
  );
  if (apps) {
    o.out(
      `  CPU per petition in the apps: ${one.lifecycleCpuMsPerPetition} ms → ${two.lifecycleCpuMsPerPetition} ms (${two.lifecycleApp1CpuMsPerPetition} + ${two.lifecycleApp2CpuMsPerPetition}); apps busy ${one.lifecycleAppsBusy} → ${two.lifecycleAppsBusy} cores; this process ${one.lifecycleBenchCpuMsPerPetition} → ${two.lifecycleBenchCpuMsPerPetition} ms; machine busy ${one.lifecycleMachineBusy} → ${two.lifecycleMachineBusy}`,
    );
  } else {
    o.out(`  CPU per petition: ${one.lifecycleCpuMsPerPetition} ms → ${two.lifecycleCpuMsPerPetition} ms (app ${two.lifecycleAppCpuMsPerPetition} + worker ${two.lifecycleWorkerCpuMsPerPetition})`);
  }
  const figures: LifecycleFigures = {
    lifecycleDb: two.lifecycleDb,
    lifecycleConcurrency: o.c,
    lifecyclePetitions: o.n,
    ...(apps ? { lifecycleTwoAppSpeedup: round(speedup, 3) } : { lifecycleTwoProcessSpeedup: round(speedup, 3) }),
  };
  const shared = new Set(['lifecycleDb', 'lifecycleConcurrency', 'lifecyclePetitions', 'lifecycleProcesses', 'lifecycleApps']);
  for (const [k, v] of Object.entries(one)) if (!shared.has(k)) figures[`${k}1${what[2]}`] = v;
  for (const [k, v] of Object.entries(two)) if (!shared.has(k)) figures[`${k}2${what[2]}`] = v;
  return figures;
}

/** every job of the run completed once: one 'job-completed' (or 'job-error-thrown') per job created, none twice for a job key */
async function checkJobsOnce(db: Database) {
  const rows = (await db.sequelize.query("SELECT event, detail FROM engine_history WHERE event IN ('job-created', 'job-completed', 'job-error-thrown', 'job-failed')", { type: QueryTypes.SELECT })) as {
    event: string;
    detail: unknown;
  }[];
  const created = new Set<string>();
  const finished = new Map<string, number>();
  let failed = 0;
  for (const r of rows) {
    const detail = (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as { jobKey?: string };
    const k = String(detail?.jobKey);
    if (r.event === 'job-created') created.add(k);
    else if (r.event === 'job-failed') failed++;
    else finished.set(k, (finished.get(k) ?? 0) + 1);
  }
  const twice = [...finished].filter(([, n]) => n > 1);
  if (twice.length) throw new Error(`${twice.length} jobs completed more than once: ${twice.slice(0, 5).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  const unfinished = [...created].filter((k) => !finished.has(k));
  if (unfinished.length) throw new Error(`${unfinished.length} of ${created.size} jobs created were never completed: ${unfinished.slice(0, 5).join(', ')}`);
  return { jobs: created.size, failed };
}

export async function runLifecycle(o: LifecycleOptions, parts: { intake: boolean } = { intake: true }): Promise<LifecycleFigures> {
  if (o.compare) return runLifecycleCompare(o);
  const { out } = o;
  const children = o.appChildren || o.apps > 1;
  const target = await openTarget(o.dbUrl);
  const mode = children
    ? `${o.apps} app process${o.apps > 1 ? 'es' : ''} (dist/server/main.js children with their job handlers, petitions dealt round-robin; this process only drives HTTP)`
    : o.processes === 1
      ? 'one process (the job handlers in the app)'
      : 'two processes (the app taking no jobs, and dist/bin/workers.js taking every job)';
  out(
    `lifecycle: ${o.n} whole petitions through HTTP, ${o.c} in flight, in ${o.blocks} blocks alternating with one-row transaction blocks; ${target.kind} (${target.kind === 'mysql' ? target.url.replace(/\/\/[^@]*@/, '//…@') : 'fresh file'}); ${mode}`,
  );
  const started = performance.now();
  let app: RunningApp | undefined;
  try {
    app = children ? await startAppChildren(target.url, o.apps) : await startApp(target.url, o.processes);
    await app.db.sequelize.getQueryInterface().createTable('bench_scratch', {
      id: { type: INTEGER, autoIncrement: true, primaryKey: true },
      n: { type: INTEGER, allowNull: false },
      note: { type: STRING(200), allowNull: false },
    });
    // the staff signed in on each app
    const staff: Staff[] = [];
    for (const base of app.bases) {
      staff.push({
        intake: await new Browser(base).signIn('intake'),
        handler: await new Browser(base).signIn('handler-longnan'),
        leader: await new Browser(base).signIn('leader-longnan'),
        reviewer: await new Browser(base).signIn('reviewer'),
      });
    }
    const driver = new Driver(app, staff);
    const done: Done[] = [];

    // warm-up (not measured): the code paths compiled, the caches filled — two petitions on each app
    const warmUp = 2 * app.bases.length;
    app.startDispatch();
    done.push(...(await inParallel(warmUp, warmUp, (i) => driver.petition(100_000 + i))));
    await drained(app);
    await app.stopDispatch();
    await app.flushOutbox();
    driver.times.clear();

    // what is counted besides this process's own CPU: the app children's, the database server's
    // (MariaDB on this machine), the machine's, and the server's commits and row-lock waits
    const childCpu = () => (app!.apps ?? []).map((a) => a.cpuMs());
    const dbPid = target.kind === 'mysql' && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(new URL(target.url).hostname) ? databaseServerPid() : undefined;
    const STATUS = ['Com_commit', 'Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Innodb_deadlocks'];
    const status = async () => (target.kind === 'mysql' ? await serverStatus(app!.db, STATUS) : {});
    const txCountedBy = app.counters ? 'in-process' : target.kind === 'mysql' ? 'Com_commit' : 'none';
    const appCpuMs = (app.apps ?? []).map(() => 0);
    let benchCpuMs = 0;
    let dbCpuMs = 0;
    let machineBusyMs = 0;
    let machineTotalMs = 0;
    const server: Record<string, number> = Object.fromEntries(STATUS.map((k) => [k, 0]));

    const profiler = o.profile ? makeProfiler(`lifecycle-${target.kind}`) : undefined;
    let petitions = 0;
    let lifecycleMs = 0;
    let lifecycleCpuMs = 0;
    let lifecycleWorkerCpuMs = 0;
    let lifecycleMainMs = 0;
    let lifecycleTx = 0;
    const baseline = { latencies: [] as number[], count: 0, seconds: 0 };
    // how long the event loop was held at a time during lifecycle blocks (the people's requests wait behind it)
    // (one monitor per block: a monitor enabled again counts the time it was off as one delay)
    const loopDelay = { p99: 0, max: 0 };
    const perBlock: string[] = [];
    for (let b = 0; b < o.blocks; b++) {
      const size = Math.floor(((b + 1) * o.n) / o.blocks) - Math.floor((b * o.n) / o.blocks);
      // lifecycle block: the outbox dispatcher runs as in main.ts; the block ends when the petitions
      // are closed, their jobs done and the outbox sent
      (globalThis as any).gc?.();
      await profiler?.start();
      const tx0 = app.counters ? written(app.counters) : 0;
      const status0 = await status();
      const cpu0 = process.cpuUsage();
      const workerCpu0 = app.workers?.cpuMs() ?? 0;
      const apps0 = childCpu();
      const db0 = dbPid ? procCpuMs(dbPid) : 0;
      const machine0 = machineCpu();
      const elu0 = performance.eventLoopUtilization();
      const t0 = performance.now();
      app.recording.on = true;
      const blockLoop = monitorEventLoopDelay({ resolution: 10 });
      blockLoop.enable();
      app.startDispatch();
      const offset = petitions;
      done.push(...(await inParallel(size, o.c, (i) => driver.petition(offset + i))));
      await drained(app);
      // with app children the block's time ends here (every case closed, every job done); their
      // dispatchers (every 250 ms, OUTBOX_POLL_MS) send the rest of the outbox before the CPU is read
      const tDrained = performance.now();
      await app.stopDispatch();
      await app.flushOutbox();
      blockLoop.disable();
      loopDelay.p99 = Math.max(loopDelay.p99, blockLoop.percentile(99) / 1e6);
      loopDelay.max = Math.max(loopDelay.max, blockLoop.max / 1e6);
      app.recording.on = false;
      const ms = (app.apps ? tDrained : performance.now()) - t0;
      const ownCpu = cpuMs(process.cpuUsage(cpu0));
      const appsCpu = childCpu().map((c, k) => c - apps0[k]);
      appsCpu.forEach((c, k) => (appCpuMs[k] += c));
      const dbCpu = dbPid ? procCpuMs(dbPid) - db0 : 0;
      dbCpuMs += dbCpu;
      const machine1 = machineCpu();
      machineBusyMs += machine1.busy - machine0.busy;
      machineTotalMs += machine1.total - machine0.total;
      const status1 = await status();
      for (const k of Object.keys(status1)) server[k] += status1[k] - (status0[k] ?? 0);
      benchCpuMs += ownCpu;
      // the app's CPU: this process's, or (app children) theirs
      const cpu = app.apps ? appsCpu.reduce((a, b) => a + b, 0) : ownCpu;
      const workerCpu = app.workers ? app.workers.cpuMs() - workerCpu0 : 0;
      lifecycleWorkerCpuMs += workerCpu;
      // the main thread's share: the rest is the database driver's threads (SQLite) and the GC's
      const mainMs = performance.eventLoopUtilization(elu0).active;
      lifecycleMainMs += mainMs;
      const tx = app.counters ? written(app.counters) - tx0 : txCountedBy === 'Com_commit' ? (status1.Com_commit ?? 0) - (status0.Com_commit ?? 0) : NaN;
      await profiler?.stop(`block${b + 1}`);
      petitions += size;
      lifecycleMs += ms;
      lifecycleCpuMs += cpu;
      lifecycleTx += tx;
      // baseline block on the same database
      (globalThis as any).gc?.();
      const base = await baselineBlock(app.db, o.baselineMs, o.c);
      baseline.latencies.push(...base.latencies);
      baseline.count += base.count;
      baseline.seconds += base.seconds;
      const workerPart = app.workers ? ` + ${(workerCpu / size).toFixed(0)} ms in the worker process (busy ${((workerCpu / ms) * 100).toFixed(0)} % of a core)` : '';
      const cpuPart = app.apps
        ? `${(cpu / size).toFixed(0)} ms CPU in the apps (${appsCpu.map((c) => (c / size).toFixed(0)).join(' + ')}; ${(cpu / ms).toFixed(2)} cores), ${(ownCpu / size).toFixed(0)} in this process`
        : `${(cpu / size).toFixed(0)} ms CPU (${(mainMs / size).toFixed(0)} on the main thread)${workerPart}`;
      const dbPart = `${dbPid ? `, MariaDB ${(dbCpu / size).toFixed(0)} ms (${(dbCpu / ms).toFixed(2)} cores)` : ''}, machine busy ${(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100).toFixed(0)} %`;
      const lockPart = target.kind === 'mysql' ? `, ${(status1.Innodb_row_lock_waits ?? 0) - (status0.Innodb_row_lock_waits ?? 0)} row-lock waits (${(status1.Innodb_row_lock_time ?? 0) - (status0.Innodb_row_lock_time ?? 0)} ms)` : '';
      perBlock.push(
        `  block ${b + 1}: ${size} petitions in ${(ms / 1000).toFixed(1)} s, ${cpuPart}${dbPart}${lockPart}; ${Number.isNaN(tx) ? 'transactions not counted' : `${(tx / size).toFixed(1)} transactions each (${txCountedBy})`}; baseline ${(base.count / base.seconds).toFixed(0)} tx/s, one-row p99 ${p99(base.latencies).toFixed(2)} ms`,
      );
      out(perBlock[perBlock.length - 1]);
    }

    // intake against a trivial GET, both with the same number of connections (left out when comparing 1 and 2 processes)
    const running = app;
    const intake = async () => {
      const intakeConnections = o.intakeConnections;
      const anonymous = new Browser(running.bases[0]);
      const categories = async () => {
        const r = await anonymous.get('/api/categories');
        expectStatus(r, 200, 'GET /api/categories');
      };
      const half = Math.max(1, Math.floor(o.categories / 2));
      const categoriesA = await requestsPerSec(half, intakeConnections, categories);
      running.startDispatch();
      const intakePerSec = await requestsPerSec(o.intake, intakeConnections, async (i) => {
        const form = new URLSearchParams({
          api_key: OPEN311_KEY,
          service_code: 'suggestion',
          description: `建议在龙南镇客家大道增设公交站台,方便老人出行。(${i})`,
          last_name: '孙',
          first_name: '丽',
          phone: `135${String(10_000_000 + i).slice(-8)}`,
          'attribute[township]': '360783100',
        });
        const r = await anonymous.post('/open311/v2/requests.json', form);
        expectStatus(r, 201, 'Open311 submission');
      });
      await drained(running);
      await running.stopDispatch();
      await running.flushOutbox();
      const categoriesB = await requestsPerSec(half, intakeConnections, categories);
      return { intakePerSec, categoriesPerSec: (categoriesA + categoriesB) / 2 };
    };
    const { intakePerSec, categoriesPerSec } = parts.intake ? await intake() : { intakePerSec: NaN, categoriesPerSec: NaN };
    const intakeConnections = o.intakeConnections;

    // every case closed once, with exactly its history; nothing done twice
    await driver.check(done);
    const [pub]: any = await app.db.sequelize.query('SELECT COUNT(*) AS n FROM publications', { type: 'SELECT' as any });
    if (Number(pub.n) !== done.length) throw new Error(`${pub.n} publications for ${done.length} closed petitions`);
    const outbox: any[] = await app.db.sequelize.query('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state', { type: 'SELECT' as any });
    if (outbox.some((r) => r.state === 'failed')) throw new Error(`failed notifications: ${JSON.stringify(outbox)}`);
    const expectedCompletions = done.length * 7;
    if (app.completeCalls.ok !== expectedCompletions || app.completeCalls.failed) throw new Error(`completeUserTask: ${app.completeCalls.ok} completed, ${app.completeCalls.failed} failed; expected ${expectedCompletions} and none failed`);
    if (app.counters?.rollbacks) out(`  note: ${app.counters.rollbacks} transactions rolled back during the run`);
    const jobs = await checkJobsOnce(app.db);
    if (jobs.failed) out(`  note: ${jobs.failed} job attempts failed and were retried`);
    const workerWarnings = [...(app.workers?.warnings ?? []), ...(app.apps ?? []).flatMap((a) => a.warnings.map((w) => `${a.name}: ${w}`))];
    if (workerWarnings.length) {
      const counts = new Map<string, number>();
      for (const w of workerWarnings) counts.set(w.slice(0, 160), (counts.get(w.slice(0, 160)) ?? 0) + 1);
      out(`  note: the ${app.apps ? 'app processes' : 'worker process'} logged ${workerWarnings.length} warnings or errors: ${[...counts].map(([m, n]) => `${n} × ${m}`).join('; ')}`);
    }

    const perSec = (petitions / lifecycleMs) * 1000;
    // with 2 processes: the app's (and the bench's HTTP clients') CPU and the worker process's
    const cpuPerPetition = (lifecycleCpuMs + lifecycleWorkerCpuMs) / petitions;
    // NaN: not counted (app children on SQLite: no server to ask, and their transactions are not in this process)
    const txPerPetition = lifecycleTx / petitions;
    const lifecycleTxPerSec = (lifecycleTx / lifecycleMs) * 1000;
    const baselineTxPerSec = baseline.count / baseline.seconds;
    const txRatio = lifecycleTxPerSec / baselineTxPerSec;
    const completeP99 = p99(app.completeMs);
    const oneRowP99 = p99(baseline.latencies);
    const completeRatio = completeP99 / oneRowP99;
    const intakeRatio = intakePerSec / categoriesPerSec;
    const loopP99 = loopDelay.p99;
    const loopMax = loopDelay.max;

    // the human table
    out(`  steps (median ms: waiting for it to show | the person's requests):`);
    for (const [step, t] of driver.times) out(`    ${step.padEnd(24)} ${median(t.waitMs).toFixed(0).padStart(6)} | ${median(t.actMs).toFixed(0).padStart(5)}`);
    const counted = !Number.isNaN(txPerPetition);
    const txHow = { 'in-process': 'sequelize transactions seen in the app process', Com_commit: "the server's Com_commit (explicit COMMITs, every session)", none: 'not counted: SQLite in other processes' }[txCountedBy];
    const cpuRow: [string, string] = app.apps
      ? [`CPU per petition (lifecycleCpuMsPerPetition): the ${app.apps.length} app processes`, `${cpuPerPetition.toFixed(0)} ms (${appCpuMs.map((c) => (c / petitions).toFixed(0)).join(' + ')})`]
      : app.workers
        ? ['CPU per petition (lifecycleCpuMsPerPetition): app + worker process', `${cpuPerPetition.toFixed(0)} ms (${(lifecycleCpuMs / petitions).toFixed(0)} + ${(lifecycleWorkerCpuMs / petitions).toFixed(0)})`]
        : ['CPU per petition (lifecycleCpuMsPerPetition)', `${cpuPerPetition.toFixed(0)} ms`];
    const rows: [string, string, string, boolean | undefined][] = [
      [...cpuRow, '≤ 60', cpuPerPetition <= 60],
      ['whole petitions/s (lifecyclePerSec)', perSec.toFixed(2), '', undefined],
      [`transactions per petition (lifecycleTxPerPetition)${app.workers ? ', the app process’s only' : ''}; ${txHow}`, counted ? txPerPetition.toFixed(1) : '–', '≤ 25', app.workers || !counted ? undefined : txPerPetition <= 25],
      ['lifecycle tx/s ÷ baseline tx/s (lifecycleTxRatio)', counted ? `${lifecycleTxPerSec.toFixed(0)} / ${baselineTxPerSec.toFixed(0)} = ${txRatio.toFixed(3)}` : '–', '≥ 0.3', counted ? txRatio >= 0.3 : undefined],
      [
        app.viaHttp ? 'POST /api/tasks/…/complete p99, through HTTP (completeTaskP99Ms)' : 'completeUserTask p99 (completeTaskP99Ms)',
        `${completeP99.toFixed(1)} ms (median ${median(app.completeMs).toFixed(1)})`,
        '',
        undefined,
      ],
      ['one-row transaction p99, one client (oneRowTxP99Ms)', `${oneRowP99.toFixed(2)} ms (median ${median(baseline.latencies).toFixed(2)})`, '', undefined],
      [`${app.viaHttp ? 'the completing request' : 'completeUserTask'} p99 ÷ one-row p99 (completeTaskP99Ratio)`, completeRatio.toFixed(1), '≤ 20', completeRatio <= 20],
    ];
    if (parts.intake) rows.push([`Open311 submissions/s ÷ GET /api/categories/s, ${intakeConnections} connections (intakeRatio)`, `${intakePerSec.toFixed(1)} / ${categoriesPerSec.toFixed(0)} = ${intakeRatio.toFixed(4)}`, '≥ 0.1', intakeRatio >= 0.1]);
    rows.push([`event loop held${app.apps ? ' in this (driving) process' : ''}, p99 (worst block) / longest, lifecycle blocks (lifecycleLoopDelayP99Ms)`, `${loopP99.toFixed(0)} / ${loopMax.toFixed(0)} ms`, '', undefined]);
    if (app.apps) rows.push(['CPU per petition of this process, driving HTTP (lifecycleBenchCpuMsPerPetition)', `${(benchCpuMs / petitions).toFixed(0)} ms`, '', undefined]);
    if (dbPid) rows.push(['CPU per petition of the MariaDB server (lifecycleDbServerCpuMsPerPetition; cores busy)', `${(dbCpuMs / petitions).toFixed(0)} ms (${(dbCpuMs / lifecycleMs).toFixed(2)})`, '', undefined]);
    rows.push(['the machine busy during lifecycle blocks, all processes (lifecycleMachineBusy)', `${((machineBusyMs / machineTotalMs) * 100).toFixed(0)} %`, '', undefined]);
    if (target.kind === 'mysql') rows.push(['InnoDB row-lock waits per petition, ms waited per petition (lifecycleRowLockWaitsPerPetition, …MsPerPetition)', `${(server.Innodb_row_lock_waits / petitions).toFixed(2)}, ${(server.Innodb_row_lock_time / petitions).toFixed(1)} ms`, '', undefined]);
    out(`  ${'figure'.padEnd(84)} ${'value'.padEnd(28)} gate`);
    for (const [name, value, gate, pass] of rows) out(`  ${name.padEnd(84)} ${value.padEnd(28)} ${gate}${pass === undefined ? '' : pass ? '  PASS' : '  FAIL'}`);
    if (driver.ratingRefused) out(`  note: ${driver.ratingRefused} ratings were refused (409 NOT_RATABLE) while the case already showed as replied and ratable; the citizen tried again`);
    out(`  checked: ${done.length} petitions closed once each with their 9-entry history (${petitions} measured, ${warmUp} warm-up), ${done.length} publications, ${expectedCompletions} task completions, no incident; ${jobs.jobs} jobs each completed once; outbox ${outbox.map((r) => `${r.state} ${r.n}`).join(', ')}`);
    if (profiler) {
      out(`  CPU profile of the lifecycle blocks: ${profiler.files.map((f) => relative(process.cwd(), f)).join(', ')} (the profiler slows the run: these figures are not comparable)`);
      out('  top 15 frames by self time:');
      for (const f of profiler.top(15)) out(`    ${f.pct.toFixed(1).padStart(5)} %  ${f.fn.slice(0, 40).padEnd(40)} ${f.where}`);
    }
    out(`  lifecycle part: ${((performance.now() - started) / 1000).toFixed(0)} s`);

    return {
      lifecycleDb: target.kind,
      lifecyclePetitions: petitions,
      lifecycleConcurrency: o.c,
      lifecycleProcesses: o.processes,
      ...(app.apps && {
        lifecycleApps: app.apps.length,
        ...Object.fromEntries(appCpuMs.map((c, k) => [`lifecycleApp${k + 1}CpuMsPerPetition`, round(c / petitions, 1)])),
        /** the app processes' CPU ÷ the lifecycle blocks' time: 1 = one core busy all along */
        lifecycleAppsBusy: round(appCpuMs.reduce((a, b) => a + b, 0) / lifecycleMs, 3),
        lifecycleBenchCpuMsPerPetition: round(benchCpuMs / petitions, 1),
        lifecycleAppWarnings: workerWarnings.length,
      }),
      lifecycleCpuMsPerPetition: round(cpuPerPetition, 1),
      ...(app.workers && {
        lifecycleAppCpuMsPerPetition: round(lifecycleCpuMs / petitions, 1),
        lifecycleWorkerCpuMsPerPetition: round(lifecycleWorkerCpuMs / petitions, 1),
        /** the worker process's CPU ÷ the lifecycle blocks' time: 1 = one core busy all along */
        lifecycleWorkerBusy: round(lifecycleWorkerCpuMs / lifecycleMs, 3),
        lifecycleWorkerWarnings: workerWarnings.length,
      }),
      lifecycleMainThreadMsPerPetition: round(lifecycleMainMs / petitions, 1),
      lifecyclePerSec: round(perSec, 3),
      lifecycleTxPerPetition: counted ? round(txPerPetition, 1) : null,
      lifecycleTxCountedBy: txCountedBy,
      lifecycleTxRatio: counted ? round(txRatio, 3) : null,
      ...(dbPid && { lifecycleDbServerCpuMsPerPetition: round(dbCpuMs / petitions, 1), lifecycleDbServerBusy: round(dbCpuMs / lifecycleMs, 3) }),
      lifecycleMachineBusy: round(machineBusyMs / machineTotalMs, 3),
      ...(target.kind === 'mysql' && {
        lifecycleServerCommitsPerPetition: round(server.Com_commit / petitions, 1),
        lifecycleRowLockWaitsPerPetition: round(server.Innodb_row_lock_waits / petitions, 3),
        lifecycleRowLockMsPerPetition: round(server.Innodb_row_lock_time / petitions, 2),
        lifecycleDeadlocks: server.Innodb_deadlocks,
      }),
      baselineTxPerSec: round(baselineTxPerSec, 1),
      completeTaskP99Ms: round(completeP99, 2),
      oneRowTxP99Ms: round(oneRowP99, 3),
      completeTaskP99Ratio: round(completeRatio, 2),
      ...(parts.intake && { intakeRatio: round(intakeRatio, 4), intakePerSec: round(intakePerSec, 1), categoriesPerSec: round(categoriesPerSec, 0) }),
      lifecycleJobs: jobs.jobs,
      lifecycleJobsFailed: jobs.failed,
      lifecycleLoopDelayP99Ms: round(loopP99, 1),
      lifecycleLoopDelayMaxMs: round(loopMax, 1),
      lifecycleRatingRefused: driver.ratingRefused,
      lifecycleSeconds: Math.round((performance.now() - started) / 1000),
    };
  } catch (err) {
    // what the app children logged (an HTTP 500 says no more)
    for (const a of app?.apps ?? []) for (const w of a.warnings.slice(-10)) out(`  ${a.name} logged: ${w.slice(0, 600)}`);
    throw err;
  } finally {
    await app?.close().catch((err) => out(`  closing the app failed: ${err?.message ?? err}`));
    await target.drop();
  }
}
