/**
 * The append-only audit log (migration 0301): a throw-away SQLite file, or a throw-away
 * MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { AuditInputError, createAuditRepository, type AuditRepository } from './audit-repository.js';
import { appMigrations } from './migrations.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let audit: AuditRepository;
let now = Date.parse('2026-03-02T02:00:00.000Z');

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  audit = createAuditRepository(db, { now: () => now });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('audit log', () => {
  it('appends entries and lists a case’s entries oldest first', async () => {
    const a = await audit.append({ actor: 'petitioner', action: 'petition.submitted', petitionId: 'p-1', detail: { channel: 'web', category: 'complaint' } });
    now += 1000;
    const b = await audit.append({ actor: 'st-0123456789abcdef', action: 'task.completed', petitionId: 'p-1', detail: { taskId: 't-7', form: 'dispatch-petition', nested: { unitId: 'u-longnan' } } });
    await audit.append({ actor: 'system', action: 'petition.status-set', petitionId: 'p-2', detail: { status: 'handling' } });
    await audit.append({ actor: 'st-0123456789abcdef', action: 'staff.signed-in' });
    expect(a).toEqual({ id: expect.any(Number), actor: 'petitioner', action: 'petition.submitted', petitionId: 'p-1', detail: { channel: 'web', category: 'complaint' }, at: new Date(now - 1000) });
    expect(await audit.listByPetition('p-1')).toEqual([a, b]);
    expect((await audit.list({ actor: 'st-0123456789abcdef' })).map((e) => e.action)).toEqual(['staff.signed-in', 'task.completed']);
    expect((await audit.list({ action: 'petition.status-set' }))[0]).toMatchObject({ petitionId: 'p-2', detail: { status: 'handling' } });
    const all = await audit.list({ limit: 2 });
    expect(all).toHaveLength(2);
    expect((await audit.list({ beforeId: all[1].id })).length).toBe(2);
  });

  it('has no way to change or remove an entry', () => {
    expect(Object.keys(audit).sort()).toEqual(['append', 'list', 'listByPetition']);
  });

  it('refuses personal data and malformed entries', async () => {
    const bad: [Parameters<AuditRepository['append']>[0], RegExp][] = [
      [{ actor: 'st-1', action: 'petition.viewed', detail: { phone: 'x' } }, /personal data \(field detail.phone\)/],
      [{ actor: 'st-1', action: 'petition.viewed', detail: { note: '请回电 13812345678' } }, /detail.note looks like a phone/],
      [{ actor: 'st-1', action: 'petition.viewed', detail: { list: [{ petitionerName: '张三' }] } }, /field detail.list\[0\].petitionerName/],
      [{ actor: 'st-1', action: 'petition.viewed', detail: { id: '360727199001011234' } }, /looks like a phone, ID number/],
      [{ actor: '', action: 'x' }, /actor/],
      [{ actor: '张三', action: 'x' }, /actor/],
      [{ actor: 'st-1', action: 'Did Something' }, /action/],
      [{ actor: 'st-1', action: 'x', detail: ['a'] as never }, /detail must be an object/],
      [{ actor: 'st-1', action: 'x', detail: { big: 'x'.repeat(20_000) } }, /longer than/],
    ];
    const before = (await audit.list({ limit: 1000 })).length;
    for (const [entry, message] of bad) await expect(audit.append(entry)).rejects.toThrow(message);
    await expect(audit.append({ actor: 'st-1', action: 'x' }).then(() => audit.append(null as never))).rejects.toThrow(AuditInputError);
    expect((await audit.list({ limit: 1000 })).length).toBe(before + 1);
  });
});
