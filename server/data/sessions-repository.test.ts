/**
 * Staff sessions (migration 0402): a throw-away SQLite file, or a throw-away MariaDB/MySQL database
 * when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { appMigrations } from './migrations.js';
import { createSessionsRepository, hashToken, type SessionsRepository } from './sessions-repository.js';
import { createStaffRepository } from './staff-repository.js';
import { select } from './sql.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let sessions: SessionsRepository;
let staffId: string;
let now = Date.parse('2026-03-02T02:00:00.000Z');
const HOUR = 3600_000;

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  sessions = createSessionsRepository(db, { now: () => now, ttlMs: 12 * HOUR, idleMs: 2 * HOUR });
  staffId = (await createStaffRepository(db).create({ username: 'li.ming', displayName: '李明', password: 'a-long-password-2026', roles: ['intake-operator'] })).id;
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('staff sessions', () => {
  it('given a new session, when its cookie comes back, then it is found; only its hash is stored; signing out ends it', async () => {
    const { token, expiresAt } = await sessions.create(staffId);
    expect(expiresAt.getTime()).toBe(now + 12 * HOUR);
    expect((await sessions.find(token))?.staffId).toBe(staffId);
    const rows = await select<{ id_hash: string }>(db, 'SELECT id_hash FROM sessions WHERE staff_id = ?', [staffId]);
    expect(rows.map((r) => r.id_hash)).toContain(hashToken(token));
    expect(rows.map((r) => r.id_hash)).not.toContain(token);
    expect(await sessions.find('x'.repeat(43))).toBeUndefined();
    await sessions.destroy(token);
    expect(await sessions.find(token)).toBeUndefined();
  });

  it('given sessions left idle or past their lifetime, when found or swept, then they are gone; a used one lives on', async () => {
    const used = await sessions.create(staffId);
    const idle = await sessions.create(staffId);
    const forgotten = await sessions.create(staffId);
    for (let h = 0; h < 11; h++) {
      now += HOUR;
      expect(await sessions.find(used.token)).toBeDefined();
    }
    // idle for 11 hours: found no more
    expect(await sessions.find(idle.token)).toBeUndefined();
    // never asked for again: the sweep removes it
    const before = await select<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM sessions WHERE id_hash = ?', [hashToken(forgotten.token)]);
    expect(Number(before[0].n)).toBe(1);
    expect(await sessions.sweep()).toBeGreaterThanOrEqual(1);
    expect(Number((await select<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM sessions WHERE id_hash = ?', [hashToken(forgotten.token)]))[0].n)).toBe(0);
    expect(await sessions.find(used.token)).toBeDefined();
    // past 12 hours, even a session in use ends
    now += 2 * HOUR;
    expect(await sessions.find(used.token)).toBeUndefined();
  });

  it('given an account with sessions, when its sessions are ended (disabled, new roles, new password), then none is found', async () => {
    const a = await sessions.create(staffId);
    const b = await sessions.create(staffId);
    expect(await sessions.destroyForStaff(staffId)).toBeGreaterThanOrEqual(2);
    expect(await sessions.find(a.token)).toBeUndefined();
    expect(await sessions.find(b.token)).toBeUndefined();
  });
});
