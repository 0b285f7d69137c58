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

export async function createTestEngine(options: { start?: string; background?: boolean; migrations?: DatabaseOptions['migrations'] } = {}): Promise<TestEngine> {
  const clock = createFakeClock(options.start ?? '2026-03-02T01:00:00.000Z');
  const target = await openTestDatabase();
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
