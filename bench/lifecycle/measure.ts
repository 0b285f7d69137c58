/**
 * Part of the lifecycle bench (../lifecycle.ts): measuring: percentiles, the database target and its
 * transaction counters, CPU of processes and of the machine, the profiler, the baseline blocks.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';
import { type Database } from '../../engine/embedded/store/database.js';
import { projectRoot } from '../../server/app.js';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- small helpers

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const p99 = (xs: number[]) => percentile(xs, 0.99);
export const median = (xs: number[]) => percentile(xs, 0.5);
export function percentile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
export const round = (x: number, digits: number) => Number(x.toFixed(digits));
export const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
/** a step that does not happen in this time has failed (the engine is slow today, but not this slow) */
export const STEP_TIMEOUT_MS = Number(process.env.LIFECYCLE_STEP_TIMEOUT_MS ?? 180_000);

// ---------------------------------------------------------------- the database

export interface Target {
  kind: 'sqlite' | 'mysql';
  url: string;
  drop(): Promise<void>;
}

/** a fresh SQLite file, or a throw-away database on the MariaDB/MySQL server of DB_URL */
export async function openTarget(dbUrl: string | undefined): Promise<Target> {
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

export interface TxCounters {
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
export function countCommits(db: Database): TxCounters {
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

export const written = (c: TxCounters) => c.commits + c.autocommitWrites;

/** the database server's process on this machine (MariaDB/MySQL on 127.0.0.1), for its CPU time */
export function databaseServerPid(): number | undefined {
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
export function machineCpu(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3] + f[4];
  return { busy: ((total - idle) * 1000) / CLOCK_TICKS, total: (total * 1000) / CLOCK_TICKS };
}

/** global status counters of a MariaDB/MySQL server (the whole server: other sessions' work counts too) */
export async function serverStatus(db: Database, names: string[]): Promise<Record<string, number>> {
  const rows = (await db.sequelize.query(`SHOW GLOBAL STATUS WHERE Variable_name IN (${names.map(() => '?').join(', ')})`, { replacements: names, type: QueryTypes.SELECT })) as {
    Variable_name: string;
    Value: string;
  }[];
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

export async function inParallel<T>(count: number, concurrency: number, one: (i: number) => Promise<T>): Promise<T[]> {
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

export interface Profiler {
  start(): Promise<void>;
  stop(label: string): Promise<void>;
  top(n: number): { fn: string; where: string; pct: number }[];
  files: string[];
}

/** `node_modules/pkg/file.js:12` or `engine/embedded/run.js:34` (dist), `(native)` for a named frame without a script */
export function frameUrl(url: string, line: number): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const nm = path.lastIndexOf('/node_modules/');
  return `${nm >= 0 ? path.slice(nm + 1) : path.startsWith('/') ? relative(projectRoot, path) : path}:${line + 1}`;
}

export function makeProfiler(name: string): Profiler {
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
export async function baselineBlock(db: Database, ms: number, clients: number) {
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

export async function requestsPerSec(count: number, connections: number, one: (i: number) => Promise<void>) {
  const t0 = performance.now();
  await inParallel(count, connections, one);
  return (count / (performance.now() - t0)) * 1000;
}

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();


/** utime + stime of a process, in ms (fields 14 and 15 of /proc/<pid>/stat; the name in field 2 may hold spaces) */
export function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
