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
import { relative } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { INTEGER, QueryTypes, STRING } from 'sequelize';
import { type Database } from '../engine/embedded/store/database.js';
import { p99, median, round, cpuMs, procCpuMs, openTarget, written, databaseServerPid, machineCpu, serverStatus, inParallel, makeProfiler, baselineBlock, requestsPerSec } from './lifecycle/measure.js';
import { OPEN311_KEY, startApp, startAppChildren, drained } from './lifecycle/app.js';
import { Browser, expectStatus, type Staff, type Done, Driver, type RunningApp } from './lifecycle/driver.js';


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
