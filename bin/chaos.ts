/**
 * npm run chaos — nothing lost, nothing stuck, checked the hard way: the built app runs as a child
 * process on a fresh database (DB_URL: SQLite by default; a mysql:// URL names the server, and a
 * throw-away database is made on it), petitions are submitted (Open311) and tasks completed (screen,
 * dispatch, sign) concurrently through HTTP, and the app is killed with SIGKILL at random moments
 * (CHAOS_KILLS, at least 5) and started again. Meanwhile the jobs table is watched for a job past its
 * lock or due for retry; afterwards the database is checked against everything the app acknowledged.
 * With CHAOS_WORKERS=N (or `--workers=N`) the app runs with WORKERS_IN_APP=false and N `npm run
 * workers` processes on the same database do the jobs; the kills then hit the app and the worker
 * processes alike. The last line is JSON with the counts; the exit code is 1 when any invariant is broken.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { createDatabase, type Database } from '../engine/embedded/store/database.js';

const here = dirname(fileURLToPath(import.meta.url));
const mainJs = join(here, '..', 'server', 'main.js');
const workersJs = join(here, 'workers.js');
const KILLS = Math.max(5, Number(process.env.CHAOS_KILLS ?? 6));
/** worker processes beside the app (0: the app runs the jobs itself) */
const WORKERS = Math.max(0, Number(process.argv.find((a) => a.startsWith('--workers='))?.slice('--workers='.length) ?? process.env.CHAOS_WORKERS ?? 0) || 0);
/** the app's job poll interval (engine default) and the lock timeout given to it */
const POLL_MS = 1000;
const JOB_TIMEOUT_S = 5;
const say = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const random = (min: number, max: number) => min + Math.random() * (max - min);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** a fresh database: a SQLite file in a temp folder, or a new database on the MySQL/MariaDB server of DB_URL */
async function freshDatabase(dir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DB_URL;
  if (!base || base.startsWith('sqlite:')) return { url: `sqlite:${join(dir, 'chaos.sqlite')}`, drop: async () => {} };
  const name = `wz_chaos_${process.pid}`;
  const server = new URL(base.replace(/^mariadb:/, 'mysql:'));
  server.pathname = '/';
  const admin = await createMysqlAdmin(server.toString());
  await admin(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``).then(() => undefined) };
}

async function createMysqlAdmin(url: string) {
  const mysql = await import('mysql2/promise');
  return async (sql: string) => {
    const c = await mysql.createConnection(url);
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
}

/** the app, or a workers process, as a child process, restartable */
class Child {
  child: ChildProcess | undefined;
  upSince = 0;
  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
    /** resolves once the process can do its work */
    private readonly ready: (child: ChildProcess) => Promise<boolean>,
  ) {}

  async start() {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [this.script], { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    const deadline = Date.now() + 120_000;
    const ready = this.ready(child);
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode} at start (log: ${this.logFile})`);
      if (await Promise.race([ready, sleep(200).then(() => false)])) {
        this.upSince = Date.now();
        return;
      }
    }
    throw new Error(`${this.name} was not ready within 120 s (log: ${this.logFile})`);
  }

  /** SIGKILL: the process dies wherever it is */
  kill9(): Promise<void> {
    return this.end('SIGKILL');
  }

  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  private end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.upSince = 0;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

/** a person's browser: session cookie and CSRF token, signed in again after a restart if needed */
class Person {
  private cookies = new Map<string, string>();
  private csrf = '';
  constructor(
    private readonly base: string,
    private readonly username?: string,
  ) {}

  private async raw(method: string, path: string, body?: unknown) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(this.csrf && { 'x-csrf-token': this.csrf }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json };
  }

  async signIn() {
    this.cookies.clear();
    this.csrf = '';
    const s = await this.raw('GET', '/api/session');
    this.csrf = s.body?.csrfToken ?? '';
    if (!this.username) return;
    const r = await this.raw('POST', '/api/login', { username: this.username, password: 'longnan-demo-2026' });
    if (r.status !== 200) throw new Error(`sign-in of ${this.username}: ${r.status}`);
    this.csrf = r.body.csrfToken;
  }

  async call(method: string, path: string, body?: unknown) {
    if (!this.csrf) await this.signIn();
    let r = await this.raw(method, path, body);
    if (r.status === 401 || r.status === 403) {
      await this.signIn();
      r = await this.raw(method, path, body);
    }
    return r;
  }
}

interface Tally {
  acknowledged: string[];
  completions: string[];
  requests: number;
  refused: number;
}

async function submitter(base: string, tally: Tally, running: () => boolean, n: number) {
  let i = 0;
  while (running()) {
    i++;
    try {
      const res = await fetch(`${base}/open311/v2/requests.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          api_key: 'chaos-intake-key',
          service_code: 'complaint',
          description: `第 ${n}-${i} 件:龙南镇某小区路灯不亮,夜间出行不便。`,
          last_name: '王',
          first_name: '小明',
          phone: `139${String(n).padStart(2, '0')}${String(i % 1_000_000).padStart(6, '0')}`,
          attribute: { township: '360783100' },
        }),
        signal: AbortSignal.timeout(30_000),
      });
      tally.requests++;
      if (res.status === 201) tally.acknowledged.push(((await res.json()) as { service_request_id: string }[])[0].service_request_id);
      else {
        tally.refused++;
        await res.text();
      }
    } catch {
      // the app is down (killed): try again shortly
      await sleep(100);
    }
  }
}

const STEPS: Record<string, { element: string; variables: Record<string, unknown> }[]> = {
  intake: [
    { element: 'Task_ScreenPetition', variables: { inScope: true, isMajor: false } },
    { element: 'Task_DispatchPetition', variables: { unitId: 'u-longnan', jointMode: 'single' } },
  ],
  'handler-longnan': [{ element: 'Task_SignOrReturn', variables: { returnRequested: false } }],
};

async function staffLoop(base: string, username: string, tally: Tally, running: () => boolean) {
  const p = new Person(base, username);
  while (running()) {
    try {
      const list = await p.call('GET', '/api/tasks');
      if (list.status !== 200 || !Array.isArray(list.body)) {
        await sleep(100);
        continue;
      }
      const todo = list.body.filter((t: { elementId: string; mayAct: boolean }) => t.mayAct && STEPS[username].some((s) => s.element === t.elementId)).slice(0, 5);
      if (!todo.length) await sleep(150);
      for (const t of todo) {
        const step = STEPS[username].find((s) => s.element === t.elementId)!;
        const r = await p.call('POST', `/api/tasks/${encodeURIComponent(t.key)}/complete`, { variables: step.variables });
        tally.requests++;
        if (r.status === 200) tally.completions.push(t.key);
        else tally.refused++;
      }
    } catch {
      await sleep(100);
    }
  }
}

const q = <T>(db: Database, sql: string, replacements: unknown[] = []) => db.sequelize.query(sql, { type: QueryTypes.SELECT, replacements }) as Promise<T[]>;

/** jobs past their lock, or due for a retry, by more than two poll intervals (the job loop must have taken them) */
async function overdueJobs(db: Database, now: number): Promise<string[]> {
  const late = now - 2 * POLL_MS;
  const rows = await q<{ id: string }>(
    db,
    "SELECT id FROM engine_jobs WHERE (state = 'activated' AND locked_until < ?) OR (state = 'activatable' AND error_message IS NOT NULL AND not_before < ?)",
    [late, late],
  );
  return rows.map((r) => r.id);
}

async function main() {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'wz-chaos-'));
  const target = await freshDatabase(dir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    PORT: String(port),
    DB_URL: target.url,
    PII_KEY: randomBytes(32).toString('base64'),
    SESSION_SECRET: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    OPEN311_API_KEYS: 'chaos-intake-key',
    PORTAL_RATE_LIMIT: '100000',
    LOGIN_RATE_LIMIT: '100000',
    JOB_TIMEOUT_SECONDS: String(JOB_TIMEOUT_S),
    ENGINE: 'embedded',
  };
  const logFile = join(dir, 'app.log');
  // up once /health answers
  const appReady = async () => {
    for (;;) {
      try {
        if ((await fetch(`${base}/health`)).ok) return true;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
  };
  const app = new Child('the app', mainJs, { ...env, WORKERS_IN_APP: WORKERS > 0 ? 'false' : 'true' }, logFile, appReady);
  // a workers process has no port: it is up once it logs that it started (info level for that line)
  const workerReady = (child: ChildProcess) =>
    new Promise<boolean>((resolve) => {
      let seen = '';
      const look = (chunk: Buffer) => {
        seen = (seen + chunk.toString()).slice(-4096);
        if (seen.includes('作业处理进程已启动')) {
          child.stdout!.off('data', look);
          resolve(true);
        }
      };
      child.stdout!.on('data', look);
    });
  const workers = Array.from({ length: WORKERS }, (_, i) => new Child(`workers #${i + 1}`, workersJs, { ...env, LOG_LEVEL: 'info' }, join(dir, `workers-${i + 1}.log`), workerReady));
  say(`chaos: ${target.url.split(':')[0]} database, ${WORKERS ? `app and ${WORKERS} worker processes` : 'the app running its jobs'}, logs in ${dir}`);
  // the app migrates and deploys first; the workers take jobs of the tables it made
  await app.start();
  await Promise.all(workers.map((w) => w.start()));
  const db = await createDatabase({ url: target.url });
  /** since when the jobs have had a taker: the app, or the longest-running worker process */
  const jobsTakenSince = () => (WORKERS ? Math.min(...workers.map((w) => w.upSince || Infinity)) : app.upSince) || 0;

  const tally: Tally = { acknowledged: [], completions: [], requests: 0, refused: 0 };
  let loading = true;
  const running = () => loading;
  const load = [
    ...[1, 2, 3].map((n) => submitter(base, tally, running, n)),
    staffLoop(base, 'intake', tally, running),
    staffLoop(base, 'handler-longnan', tally, running),
  ];

  // the watch: a job the loop should have taken by now, seen while a taker has been up long enough to take it
  const stuck = new Set<string>();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const since = jobsTakenSince();
      if (since && Number.isFinite(since) && Date.now() - since > 3 * POLL_MS) {
        try {
          const now = Date.now();
          const upFor = now - since;
          for (const id of await overdueJobs(db, now)) {
            // a job can only be late since its taker came up: lateness counted from then
            const [row] = await q<{ locked_until: number | null; not_before: number }>(db, 'SELECT locked_until, not_before FROM engine_jobs WHERE id = ?', [id]);
            if (!row) continue;
            const dueAt = Math.max(Number(row.locked_until ?? row.not_before), now - upFor);
            if (now - dueAt > 2 * POLL_MS + 500) stuck.add(id);
          }
        } catch {
          // a read racing a restart: the next round sees it
        }
      }
      await sleep(500);
    }
  })();

  // with worker processes, every one of them and the app is killed at least once, the rest at random
  const victims = [app, ...workers];
  const order = [...victims].sort(() => Math.random() - 0.5);
  while (order.length < KILLS) order.push(victims[Math.floor(Math.random() * victims.length)]);
  let kills = 0;
  const killsByKind = { app: 0, workers: 0 };
  for (const victim of order) {
    await sleep(random(2_000, 6_000));
    await victim.kill9();
    kills++;
    if (victim === app) killsByKind.app++;
    else killsByKind.workers++;
    say(`chaos: kill -9 #${kills} (${victim.name}) after ${tally.acknowledged.length} acknowledged submissions, ${tally.completions.length} completions`);
    await victim.start();
  }
  await sleep(4_000);
  loading = false;
  await Promise.all(load);

  // let what the last run started finish: every job done (or waiting for a later backoff), within limits
  const quiet = Date.now() + 90_000;
  for (;;) {
    const [{ n }] = await q<{ n: number }>(db, "SELECT COUNT(*) AS n FROM engine_jobs WHERE state IN ('activatable', 'activated') AND not_before <= ?", [Date.now()]);
    if (Number(n) === 0 || Date.now() > quiet) break;
    await sleep(250);
  }
  watching = false;
  await watch;
  await Promise.all([app, ...workers].map((c) => c.stop()));

  // ---------------------------------------------------------------- the invariants
  const petitions = await q<{ id: string; tracking_code: string; process_instance_key: string | null; unit_id: string | null; status: string }>(
    db,
    'SELECT id, tracking_code, process_instance_key, unit_id, status FROM petitions',
  );
  const instances = await q<{ id: string; process_id: string; variables: string; state: string }>(db, 'SELECT id, process_id, variables, state FROM engine_instances');
  const instanceById = new Map(instances.map((i) => [i.id, i]));
  const tasks = await q<{ id: string; instance_id: string; element_id: string; state: string; candidate_groups: string }>(
    db,
    'SELECT id, instance_id, element_id, state, candidate_groups FROM engine_user_tasks',
  );
  const audits = await q<{ detail: string | null }>(db, "SELECT detail FROM audit_log WHERE action = 'task.completed'");
  const outbox = await q<{ template: string; payload: string; recipient_kind: string; recipient_ref: string }>(db, 'SELECT template, payload, recipient_kind, recipient_ref FROM outbox');
  const jobRuns = await q<{ instance_id: string; element_id: string; detail: string | null }>(db, "SELECT instance_id, element_id, detail FROM engine_history WHERE event = 'job-completed'");
  const byCode = new Map(petitions.map((p) => [p.tracking_code, p]));
  const tasksByInstance = new Map<string, typeof tasks>();
  for (const t of tasks) tasksByInstance.set(t.instance_id, [...(tasksByInstance.get(t.instance_id) ?? []), t]);

  let lostSubmissions = 0;
  for (const code of tally.acknowledged) {
    const p = byCode.get(code);
    if (!p || !p.process_instance_key || !instanceById.has(p.process_instance_key) || !(tasksByInstance.get(p.process_instance_key) ?? []).length) lostSubmissions++;
  }
  const petitionsWithoutInstance = petitions.filter((p) => !p.process_instance_key || !instanceById.has(p.process_instance_key)).length;

  const audited = new Set<string>();
  for (const a of audits) {
    const key = a.detail ? (JSON.parse(a.detail) as { userTaskKey?: string }).userTaskKey : undefined;
    if (key) audited.add(key);
  }
  const completedTasks = tasks.filter((t) => t.state === 'completed');
  const completedKeys = new Set(completedTasks.map((t) => t.id));
  const completionsWithoutAudit = completedTasks.filter((t) => !audited.has(t.id)).length;
  const acknowledgedCompletionsLost = tally.completions.filter((k) => !completedKeys.has(k)).length;

  // the case's unit and status as its open tasks say
  const petitionById = new Map(petitions.map((p) => [p.id, p]));
  let staleCases = 0;
  const stale: string[] = [];
  for (const t of tasks.filter((x) => x.state === 'created')) {
    const inst = instanceById.get(t.instance_id);
    const petitionId = inst ? (JSON.parse(inst.variables) as { petitionId?: string }).petitionId : undefined;
    const p = petitionId ? petitionById.get(petitionId) : undefined;
    if (!p) {
      staleCases++;
      continue;
    }
    const unit = (JSON.parse(t.candidate_groups) as string[]).find((g) => g.startsWith('unit:'))?.slice('unit:'.length);
    if ((unit && (p.unit_id !== unit || p.status !== 'handling')) || (t.element_id === 'Task_ScreenPetition' && p.status !== 'screening')) {
      staleCases++;
      stale.push(`${t.element_id} (${unit ?? '-'}): case ${p.unit_id ?? '-'} ${p.status}`);
    }
  }

  const lifecycles = new Map<string, number>();
  for (const i of instances.filter((x) => x.process_id === 'petition-lifecycle')) {
    const id = (JSON.parse(i.variables) as { petitionId?: string }).petitionId ?? '';
    lifecycles.set(id, (lifecycles.get(id) ?? 0) + 1);
  }
  const duplicateInstances = [...lifecycles.values()].filter((n) => n > 1).length;
  const openPerElement = new Map<string, number>();
  for (const t of tasks.filter((x) => x.state === 'created')) openPerElement.set(`${t.instance_id}/${t.element_id}`, (openPerElement.get(`${t.instance_id}/${t.element_id}`) ?? 0) + 1);
  const duplicateTasks = [...openPerElement.values()].filter((n) => n > 1).length;
  const received = new Map<string, number>();
  for (const o of outbox.filter((x) => x.template === 'petition-received')) {
    const code = (JSON.parse(o.payload) as { trackingCode?: string }).trackingCode ?? '';
    received.set(code, (received.get(code) ?? 0) + 1);
  }
  const duplicateOutbox = [...received.values()].filter((n) => n > 1).length;
  const smsWithoutPetition = [...received.keys()].filter((code) => !byCode.has(code)).length;
  const stillOverdue = (await overdueJobs(db, Date.now())).length;

  // no job handled twice: a job's result applied once (history per job key), no service task of
  // an instance run twice (nothing in this load loops back), no message queued twice to one recipient
  const count = (keys: string[]) => {
    const seen = new Map<string, number>();
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    return [...seen.values()].filter((n) => n > 1).length;
  };
  const jobsCompletedTwice = count(jobRuns.map((r) => (r.detail ? (JSON.parse(r.detail) as { jobKey?: string }).jobKey ?? '' : '')));
  const serviceTasksRunTwice = count(jobRuns.map((r) => `${r.instance_id}/${r.element_id}`));
  const messagesQueuedTwice = count(outbox.map((o) => `${o.template}/${o.recipient_kind}/${o.recipient_ref}/${o.payload}`));

  await db.close();
  await target.drop();
  const result = {
    db: target.url.split(':')[0],
    workerProcesses: WORKERS,
    kills,
    killsByKind,
    acknowledged: tally.acknowledged.length,
    completions: tally.completions.length,
    requests: tally.requests,
    petitions: petitions.length,
    lostSubmissions,
    petitionsWithoutInstance,
    acknowledgedCompletionsLost,
    completionsWithoutAudit,
    staleCases,
    duplicateInstances,
    duplicateTasks,
    duplicateOutbox,
    smsWithoutPetition,
    jobsCompleted: jobRuns.length,
    jobsCompletedTwice,
    serviceTasksRunTwice,
    messagesQueuedTwice,
    stuckJobs: stuck.size + stillOverdue,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const violations =
    result.lostSubmissions +
    result.petitionsWithoutInstance +
    result.acknowledgedCompletionsLost +
    result.completionsWithoutAudit +
    result.staleCases +
    result.duplicateInstances +
    result.duplicateTasks +
    result.duplicateOutbox +
    result.smsWithoutPetition +
    result.jobsCompletedTwice +
    result.serviceTasksRunTwice +
    result.messagesQueuedTwice +
    result.stuckJobs;
  // with worker processes the jobs must have been theirs: some ran, and each process was killed
  const ok = violations === 0 && kills >= 5 && result.acknowledged > 0 && (!WORKERS || (jobRuns.length > 0 && killsByKind.app > 0 && killsByKind.workers >= WORKERS));
  if (ok) rmSync(dir, { recursive: true, force: true });
  else {
    say(`chaos: invariants broken — the app's log stays at ${logFile}`);
    for (const line of stale.slice(0, 20)) say(`chaos: stale case: ${line}`);
  }
  say(JSON.stringify({ ...result, ok }));
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`chaos: ${err?.stack ?? err}\n`);
  process.exit(1);
});
