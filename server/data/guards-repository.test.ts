/**
 * The portal's guards in the database (migration 0801): a throw-away SQLite file, or a throw-away
 * MariaDB/MySQL database when DB_URL is set (`npm run test:mariadb`). Two app processes are two
 * Database objects with their own connections on the same database. A deadlock or lock-wait
 * timeout is the database saying "do it again": a citizen's request must not fail with it.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { Options } from 'express-rate-limit';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { createChallengeUses, createRateLimitStore } from './guards-repository.js';
import { appMigrations } from './migrations.js';

let target: { url: string; drop(): Promise<void> };
let first: Database;
let second: Database;
const WINDOW_MS = 60_000;

beforeAll(async () => {
  target = await openTestDatabase();
  first = await createDatabase({ url: target.url, migrations: appMigrations });
  await first.migrate();
  second = await createDatabase({ url: target.url, migrations: appMigrations });
});

afterAll(async () => {
  await second?.close();
  await first?.close();
  await target.drop();
});

/** the database as it answers under contention: its first `n` transactions are rolled back as deadlocks */
function deadlockingFirst(db: Database, n: number): Database & { deadlocks: number } {
  const wrapped = Object.create(db) as Database & { deadlocks: number };
  wrapped.deadlocks = 0;
  wrapped.transaction = async (fn) => {
    if (wrapped.deadlocks < n) {
      wrapped.deadlocks++;
      // as mysql2 reports it, wrapped by Sequelize
      const parent = Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { code: 'ER_LOCK_DEADLOCK', errno: 1213 });
      throw Object.assign(new Error(parent.message), { name: 'SequelizeDatabaseError', parent, original: parent });
    }
    return db.transaction(fn);
  };
  return wrapped;
}

function store(db: Database, name: string, options: { sweepEvery?: number; now?: () => number } = {}) {
  const s = createRateLimitStore(db, { name, ...options });
  s.init?.({ windowMs: WINDOW_MS } as Options);
  return s;
}

describe('the portal rate limit store', () => {
  it('given a hit the database rolls back as a deadlock, when it is counted, then it is done again and counted once', async () => {
    const db = deadlockingFirst(first, 2);
    const limiter = store(db, 'deadlock');
    const info = await limiter.increment('203.0.113.9');
    expect(db.deadlocks).toBe(2);
    expect(info.totalHits).toBe(1);
    expect((await store(first, 'deadlock').increment('203.0.113.9')).totalHits).toBe(2);
  });

  it('given a challenge use the database rolls back as a deadlock, when it is taken, then it is taken once: first use true, a replay false', async () => {
    const uses = createChallengeUses(deadlockingFirst(first, 1));
    const expiresAt = Date.now() + WINDOW_MS;
    expect(await uses.useOnce('a'.repeat(64), expiresAt)).toBe(true);
    expect(await createChallengeUses(second).useOnce('a'.repeat(64), expiresAt)).toBe(false);
  });

  it('given two processes sweeping expired rows while one client hits both at once, then every hit is answered and counted, none twice', async () => {
    // expired rows of other clients for the sweeps to remove (their range lock over reset_at is what met the hits)
    const past = Date.now() - 10 * WINDOW_MS;
    const seeding = store(first, 'crowd', { now: () => past });
    for (let i = 0; i < 40; i++) await seeding.increment(`198.51.100.${i}`);
    const stores = [store(first, 'crowd', { sweepEvery: 2 }), store(second, 'crowd', { sweepEvery: 2 })];
    const hits = 80;
    const results = await Promise.allSettled(Array.from({ length: hits }, (_, i) => stores[i % 2].increment('192.0.2.1')));
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    const counts = results.map((r) => (r as PromiseFulfilledResult<{ totalHits: number }>).value.totalHits).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: hits }, (_, i) => i + 1));
    // the expired rows are gone
    const [row] = (await first.sequelize.query("SELECT COUNT(*) AS n FROM rate_limit_hits WHERE client_key LIKE 'crowd:198.51.100.%'", { plain: false, raw: true, type: 'SELECT' as never })) as unknown as { n: number }[];
    expect(Number(row.n)).toBe(0);
  });
});
