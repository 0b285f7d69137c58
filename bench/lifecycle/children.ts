/**
 * Part of the lifecycle bench (../lifecycle.ts): child processes: a `npm run workers` process and app
 * processes (`dist/server/main.js`), started, watched and stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import net, { type AddressInfo } from 'node:net';
import { projectRoot } from '../../server/app.js';
import { procCpuMs, sleep } from './measure.js';

// ---------------------------------------------------------------- the worker process (2 processes)

/** a child process ended: SIGTERM (it finishes what it holds), SIGKILL after 15 s */
export async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const ended = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await ended;
  clearTimeout(timer);
}

export interface WorkerChild {
  pid: number;
  /** set when the child ended (before stop) */
  exited: string | undefined;
  /** its CPU time so far (user + system, ms): /proc/<pid>/stat, Linux */
  cpuMs(): number;
  /** warn-or-worse log lines it wrote (deadlocks met, jobs failed…) */
  warnings: string[];
  stop(): Promise<void>;
}


/**
 * `npm run workers` as production runs it beside an app with WORKERS_IN_APP=false: `node
 * dist/bin/workers.js` on the same database, with the app's identity key (PII_KEY: the seed and the
 * handlers must read the same petitioners) and the app's public address; resolves once it serves.
 */
export function spawnWorkers(url: string, key: string): Promise<WorkerChild> {
  return spawnWorkerProcess({ DB_URL: url, ENGINE: 'embedded', PII_KEY: key, PUBLIC_BASE_URL: 'http://127.0.0.1', JOB_TIMEOUT_SECONDS: '60', LOG_LEVEL: 'info' });
}

/**
 * `npm run workers` as a remote worker (issue 19): on the app's /engine-rest with a credential, no
 * database (the database's variables of this process are not passed on)
 */
export function spawnRemoteWorkers(engineRest: { url: string; user: string; password: string }): Promise<WorkerChild> {
  return spawnWorkerProcess({ ENGINE_REST_URL: engineRest.url, ENGINE_REST_USER: engineRest.user, ENGINE_REST_PASSWORD: engineRest.password, PUBLIC_BASE_URL: 'http://127.0.0.1', LOG_LEVEL: 'info' }, ['DB_URL', 'PII_KEY']);
}

async function spawnWorkerProcess(vars: NodeJS.ProcessEnv, without: string[] = []): Promise<WorkerChild> {
  const script = join(projectRoot, 'dist', 'bin', 'workers.js');
  const env: NodeJS.ProcessEnv = { ...process.env, ...vars };
  delete env.NODE_ENV;
  for (const name of without) delete env[name];
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
      if (entry.msg?.startsWith('作业处理进程已启动')) ready();
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

// ---------------------------------------------------------------- N app processes (LIFECYCLE_APPS)

export interface AppChild {
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

export async function freePort(): Promise<number> {
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
export async function spawnApp(name: string, env: NodeJS.ProcessEnv): Promise<AppChild> {
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
