/**
 * `npm run bench -- remote` (issue 19): jobs per second done by remote workers — two `npm run workers`
 * processes on ENGINE_REST_URL (camunda-external-task-client-js against the app's /engine-rest, the
 * same handlers, their data through the worker services, no database) — against the app's own
 * workers in the same run, on the same database and the real diagrams.
 *
 * The app runs in this process as server/main.ts assembles it (bench/lifecycle/app.ts), first with no
 * job handler. A backlog of REMOTE_JOBS citizens' Open311 submissions (each waits at 告知查询码, the
 * `notify` job that texts the tracking code: two worker-service calls and an outbox row) builds up;
 * then the two remote processes take it, and are stopped; then another backlog of the same size, and
 * the app's own handlers take it (registered then: the engine's job loop, 32 jobs at a time). Jobs/s
 * of a phase: its completions ÷ the time from its first completion to its last (engine history), so
 * the remote processes' start-up is not counted. Every job of both phases must be done, once.
 * Figures: remoteJobsPerSec, inProcessJobsPerSec, remoteJobsRatio (remote ÷ in-process, target ≥ 0.5),
 * CPU per job of the app in each phase and of the remote processes. REMOTE_JOBS (default 1000),
 * REMOTE_PROCESSES (default 2), DB_URL=mysql://… for MariaDB.
 */
import { QueryTypes } from 'sequelize';
import { jobTypes } from '../workers/registry.js';
import { OPEN311_KEY, startApp } from './lifecycle/app.js';
import { spawnRemoteWorkers, type WorkerChild } from './lifecycle/children.js';
import { Browser, expectStatus } from './lifecycle/driver.js';
import { cpuMs, inParallel, openTarget, round, sleep } from './lifecycle/measure.js';
import type { Database } from '../engine/embedded/store/database.js';

type Out = (line: string) => void;

async function one<T extends object>(db: Database, sql: string, replacements: unknown[] = []): Promise<T> {
  const [row] = await db.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  if (!row) throw new Error(`no row: ${sql}`);
  return row;
}

/** the completions after history id `after`: how many, and the first and last instants */
async function completions(db: Database, after: number) {
  const r = await one<{ n: number; first: number | null; last: number | null }>(db, "SELECT COUNT(*) AS n, MIN(at) AS first, MAX(at) AS last FROM engine_history WHERE event = 'job-completed' AND id > ?", [after]);
  return { n: Number(r.n), first: Number(r.first), last: Number(r.last) };
}

const lastHistoryId = async (db: Database) => Number((await one<{ id: number | null }>(db, 'SELECT MAX(id) AS id FROM engine_history')).id ?? 0);
const jobsLeft = async (db: Database) => Number((await one<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM engine_jobs')).n);

async function drained(db: Database, what: string) {
  const until = Date.now() + 10 * 60_000;
  while ((await jobsLeft(db)) > 0) {
    if (Date.now() > until) throw new Error(`${what}: jobs still left after 10 minutes`);
    await sleep(20);
  }
}

export async function runRemoteWorkers(env: NodeJS.ProcessEnv, out: Out): Promise<Record<string, number>> {
  const jobs = Number(env.REMOTE_JOBS ?? 1000);
  const processes = Number(env.REMOTE_PROCESSES ?? 2);
  const target = await openTarget(env.DB_URL);
  out(`remote workers: ${jobs} notify jobs taken by ${processes} remote worker processes, then ${jobs} by the app's own workers (${target.kind})`);
  const app = await startApp(target.url, 0);
  const children: WorkerChild[] = [];
  try {
    const base = app.bases[0];
    const admin = await new Browser(base).signIn('admin');
    const made = await admin.post('/api/remote-workers', { name: '性能测试远程作业', topics: [...jobTypes] });
    expectStatus(made, 201, 'creating the remote workers’ credential');
    const credential = made.body as { id: string; secret: string };

    const anonymous = new Browser(base);
    let submitted = 0;
    const backlog = async () => {
      await inParallel(jobs, 16, async () => {
        const i = submitted++;
        const form = new URLSearchParams({
          api_key: OPEN311_KEY,
          service_code: 'complaint',
          description: `龙南镇某小区 ${(i % 30) + 1} 栋旁的路灯已经一周不亮,夜间出行不便。(${i})`,
          last_name: '王',
          first_name: '小明',
          phone: `139${String(10_000_000 + i).slice(-8)}`,
          'attribute[township]': '360783100',
        });
        expectStatus(await anonymous.post('/open311/v2/requests.json', form), 201, 'Open311 submission');
      });
      const left = await jobsLeft(app.db);
      if (left !== jobs) throw new Error(`the backlog holds ${left} jobs, expected ${jobs}`);
    };

    // ---- remote: the backlog, then the remote processes take it
    await backlog();
    const remoteFrom = await lastHistoryId(app.db);
    const appCpu0 = process.cpuUsage();
    for (let i = 0; i < processes; i++) children.push(await spawnRemoteWorkers({ url: `${base}/engine-rest`, user: credential.id, password: credential.secret }));
    // their CPU from when they serve (loading the code is not a job's)
    const started = children.map((c) => c.cpuMs());
    await drained(app.db, 'remote');
    const appCpuRemote = cpuMs(process.cpuUsage(appCpu0));
    const workerCpu = children.reduce((sum, c, i) => sum + c.cpuMs() - started[i], 0);
    const warnings = children.flatMap((c) => c.warnings);
    for (const c of children.splice(0)) await c.stop();
    const remote = await completions(app.db, remoteFrom);

    // ---- in-process: another backlog, then the app's own workers take it
    await backlog();
    const ownFrom = await lastHistoryId(app.db);
    const appCpu1 = process.cpuUsage();
    app.startOwnWorkers!();
    await drained(app.db, 'in-process');
    const appCpuOwn = cpuMs(process.cpuUsage(appCpu1));
    const own = await completions(app.db, ownFrom);

    for (const [name, c] of [['remote', remote], ['in-process', own]] as const) if (c.n !== jobs) throw new Error(`${name}: ${c.n} jobs completed, expected ${jobs}`);
    const sms = await one<{ n: number }>(app.db, "SELECT COUNT(*) AS n FROM outbox WHERE recipient_kind = 'petitioner'");
    if (Number(sms.n) !== 2 * jobs) throw new Error(`${sms.n} texts to petitioners for ${2 * jobs} submissions: a job done twice or not at all`);
    const perSec = (c: { n: number; first: number; last: number }) => ((c.n - 1) / Math.max(1, c.last - c.first)) * 1000;
    const remoteJobsPerSec = perSec(remote);
    const inProcessJobsPerSec = perSec(own);
    const ratio = remoteJobsPerSec / inProcessJobsPerSec;
    out(`  remote (${processes} processes): ${remoteJobsPerSec.toFixed(1)} jobs/s; app CPU ${(appCpuRemote / jobs).toFixed(2)} ms/job, remote processes' CPU ${(workerCpu / jobs).toFixed(2)} ms/job`);
    out(`  in-process:           ${inProcessJobsPerSec.toFixed(1)} jobs/s; app CPU ${(appCpuOwn / jobs).toFixed(2)} ms/job`);
    out(`  ratio remote / in-process: ${ratio.toFixed(2)} (target ≥ 0.5)`);
    if (warnings.length) out(`  note: the remote processes warned ${warnings.length} times, e.g. ${warnings[0]}`);
    return {
      remoteJobsPerSec: round(remoteJobsPerSec, 1),
      inProcessJobsPerSec: round(inProcessJobsPerSec, 1),
      remoteJobsRatio: round(ratio, 3),
      remoteAppCpuMsPerJob: round(appCpuRemote / jobs, 2),
      remoteWorkerCpuMsPerJob: round(workerCpu / jobs, 2),
      inProcessCpuMsPerJob: round(appCpuOwn / jobs, 2),
      remoteProcesses: processes,
    };
  } finally {
    for (const c of children) await c.stop();
    await app.close();
    await target.drop();
  }
}
