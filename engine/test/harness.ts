/**
 * Test harness for engine feature tests: a fresh database per call (SQLite file in a temp folder by
 * default, a throw-away MariaDB/MySQL database when DB_URL is set), a fake clock, and an embedded
 * engine without background loops — tests move time with `clock.advance…()` then `await t.idle()`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeClock, type FakeClock } from '../clock.js';
import type { EnginePort, HistoryEvent, ProcessInstance } from '../port.js';
import { createEmbeddedEngine, type EmbeddedEngine } from '../embedded/index.js';
import { createDatabase, type Database, type DatabaseOptions } from '../embedded/store/database.js';
import { engineMigrations } from '../embedded/store/migrations.js';
import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';

const here = dirname(fileURLToPath(import.meta.url));
export const fixturesDir = join(here, 'fixtures');

export function fixture(name: string): { name: string; content: string } {
  return { name, content: readFileSync(join(fixturesDir, name), 'utf8') };
}

export interface TestEngine {
  engine: EmbeddedEngine;
  clock: FakeClock;
  db: Database;
  /** deploy fixtures by file name (from engine/test/fixtures) */
  deploy(...names: string[]): Promise<Awaited<ReturnType<EmbeddedEngine['deploy']>>>;
  /** run everything due now (timers, jobs with a registered worker, message expiry) until nothing is left */
  idle(): Promise<void>;
  /** stop this engine, close the database, and start anew on the same database and clock (as after a process restart) */
  restart(): Promise<EmbeddedEngine>;
  close(): Promise<void>;
}

let counter = 0;

export async function openTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.DB_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'wz-engine-'));
    return { url: `sqlite:${join(dir, 'test.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  // one database per test file, so jest workers never share tables
  const name = `wz_t${process.pid}_${++counter}_${Date.now() % 100000}`;
  const admin = await createDatabase({ url: base });
  await admin.sequelize.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.close();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = await createDatabase({ url: base });
      await a.sequelize.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await a.close();
    },
  };
}

/**
 * MariaDB/MySQL: a fresh test database as a copy of a migrated one — migrating the app's ~50 tables
 * takes about 4 s on the server, copying them about one. The template is made once per set of
 * migrations (named by a hash of their names and code, so a changed migration makes a new one), by
 * whichever test process comes first while the others wait on a named lock; tables are copied with
 * their foreign keys (SHOW CREATE TABLE, keys checked off while they come in) and their rows.
 */
async function copyMigrated(base: string, target: string, migrations: DatabaseOptions['migrations']): Promise<void> {
  const all = [...engineMigrations, ...(migrations ?? [])];
  const key = createHash('sha1').update(all.map((m) => `${m.name}\n${m.up.toString()}`).join('\n')).digest('hex').slice(0, 16);
  const template = `wz_tpl_${key}`;
  const u = new URL(base);
  const conn = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  try {
    await conn.query('SELECT GET_LOCK(?, 600)', [template]);
    try {
      const [ready] = (await conn.query('SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [template, 'wz_template_ready'])) as unknown as [unknown[]];
      if (!ready.length) {
        await conn.query(`DROP DATABASE IF EXISTS \`${template}\``);
        await conn.query(`CREATE DATABASE \`${template}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
        const t = new URL(base);
        t.pathname = `/${template}`;
        const db = await createDatabase({ url: t.toString(), migrations });
        await db.migrate();
        await db.close();
        await conn.query(`CREATE TABLE \`${template}\`.wz_template_ready (id INT)`);
      }
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [template]);
    }
    const [tables] = (await conn.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_name <> 'wz_template_ready'", [template])) as unknown as [{ t: string }[]];
    await conn.query('SET FOREIGN_KEY_CHECKS = 0');
    await conn.query(`USE \`${target}\``);
    for (const { t } of tables) {
      const [[row]] = (await conn.query(`SHOW CREATE TABLE \`${template}\`.\`${t}\``)) as unknown as [Record<string, string>[]];
      await conn.query(row['Create Table']);
      await conn.query(`INSERT INTO \`${target}\`.\`${t}\` SELECT * FROM \`${template}\`.\`${t}\``);
    }
  } finally {
    await conn.end();
  }
}

export async function createTestEngine(options: { start?: string; background?: boolean; migrations?: DatabaseOptions['migrations'] } = {}): Promise<TestEngine> {
  const clock = createFakeClock(options.start ?? '2026-03-02T01:00:00.000Z');
  const target = await openTestDatabase();
  if (process.env.DB_URL && !process.env.DB_URL.startsWith('sqlite')) await copyMigrated(process.env.DB_URL, new URL(target.url).pathname.slice(1), options.migrations);
  let db = await createDatabase({ url: target.url, migrations: options.migrations });
  await db.migrate();
  const background = options.background ?? false;
  let engine = createEmbeddedEngine({ db, clock, background });
  await engine.open();
  const t: TestEngine = {
    get engine() {
      return engine;
    },
    get db() {
      return db;
    },
    clock,
    deploy: (...names) => engine.deploy(names.map(fixture)),
    idle: () => engine.idle(),
    async restart() {
      // nothing survives but the database: a new connection, a new engine
      await engine.close();
      await db.close();
      db = await createDatabase({ url: target.url, migrations: options.migrations });
      await db.migrate();
      engine = createEmbeddedEngine({ db, clock, background });
      await engine.open();
      return engine;
    },
    async close() {
      await engine.close();
      await db.close();
      await target.drop();
    },
  };
  return t;
}

/** the instance, or a failed test naming the key */
export async function instanceOf(engine: EnginePort, key: string): Promise<ProcessInstance> {
  const found = await engine.getProcessInstance(key);
  if (!found) throw new Error(`process instance ${key} not found`);
  return found;
}

/** the end events an instance completed, in order */
export function endsReached(history: HistoryEvent[]): string[] {
  return history.filter((e) => e.elementType === 'bpmn:EndEvent' && e.event === 'completed').map((e) => e.elementId);
}
