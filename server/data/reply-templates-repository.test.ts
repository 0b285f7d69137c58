/**
 * Reply templates / 常用语 (issue 17): the defaults a fresh database starts with, a category's list,
 * insert, update and delete, and a write inside the caller's transaction rolled back with it.
 * SQLite, or MariaDB when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { CATEGORIES } from '../../regulation/categories.js';
import { checkTemplateBody } from '../../regulation/reply-checklist.js';
import { unknownPlaceholders } from '../../regulation/reply-templates.js';
import { appMigrations } from './migrations.js';
import { DEFAULT_REPLY_TEMPLATES } from './reply-template-migrations.js';
import { createReplyTemplatesRepository, type ReplyTemplatesRepository } from './reply-templates-repository.js';

let now = Date.parse('2026-03-02T02:00:00.000Z');
let target: { url: string; drop(): Promise<void> };
let db: Database;
let repo: ReplyTemplatesRepository;

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  repo = createReplyTemplatesRepository(db, { now: () => now });
});

afterAll(async () => {
  await db?.close();
  await target?.drop();
});

describe('reply templates in the database', () => {
  it('given a fresh database, then every category has default templates, each with only known placeholders and covering 第十五条 (一)', async () => {
    const all = await repo.list();
    expect(all).toHaveLength(DEFAULT_REPLY_TEMPLATES.length);
    for (const c of CATEGORIES) expect(all.some((t) => t.category === c)).toBe(true);
    for (const t of all) {
      expect(unknownPlaceholders(t.body)).toEqual([]);
      expect({ title: t.title, missing: checkTemplateBody(t.body).missing }).toEqual({ title: t.title, missing: [] });
      expect(t.createdBy).toBe('system');
    }
    // by category, then title
    const complaint = await repo.list({ category: 'complaint' });
    expect(complaint.map((t) => t.title)).toEqual([...complaint.map((t) => t.title)].sort());
    expect(complaint.every((t) => t.category === 'complaint')).toBe(true);
  });

  it('given a new template, when it is inserted, changed and deleted, then each read shows it as written, with who and when', async () => {
    const made = await repo.insert('tpl-1', { category: 'help', title: '低保申请指引', body: '请携带身份证……', by: 'staff-1' });
    expect(await repo.get('tpl-1')).toEqual(made);
    expect(made).toMatchObject({ createdBy: 'staff-1', createdAt: new Date(now), updatedBy: 'staff-1' });
    now += 60_000;
    const changed = await repo.update('tpl-1', { category: 'consultation', title: '低保政策', body: '依据《社会救助暂行办法》……', by: 'staff-2' });
    expect(changed).toEqual({ ...made, category: 'consultation', title: '低保政策', body: '依据《社会救助暂行办法》……', updatedBy: 'staff-2', updatedAt: new Date(now) });
    expect((await repo.list({ category: 'consultation' })).some((t) => t.id === 'tpl-1')).toBe(true);
    expect((await repo.list({ category: 'help' })).some((t) => t.id === 'tpl-1')).toBe(false);
    expect(await repo.update('no-such', { category: 'help', title: 'x', body: 'y', by: 'staff-2' })).toBeUndefined();
    expect(await repo.remove('tpl-1')).toBe(true);
    expect(await repo.remove('tpl-1')).toBe(false);
    expect(await repo.get('tpl-1')).toBeUndefined();
  });

  it('given a write in the caller’s transaction, when the transaction fails, then nothing is written', async () => {
    await expect(
      db.transaction(async (tx) => {
        await repo.insert('tpl-2', { category: 'other', title: '回滚', body: '……', by: 'staff-1' }, tx);
        throw new Error('the audit entry failed');
      }),
    ).rejects.toThrow('the audit entry failed');
    expect(await repo.get('tpl-2')).toBeUndefined();
  });
});
