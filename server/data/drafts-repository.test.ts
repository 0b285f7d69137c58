/**
 * The modeler's drafts (migration 0502) and the decision editor's (1101): a throw-away SQLite file, or a throw-away MariaDB/MySQL
 * database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { createDecisionDraftsRepository, createDraftsRepository, type DraftsRepository } from './drafts-repository.js';
import { appMigrations } from './migrations.js';
import { createStaffRepository } from './staff-repository.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let drafts: DraftsRepository;
let alice: string;
let bob: string;
let now = Date.parse('2026-03-02T02:00:00.000Z');

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  drafts = createDraftsRepository(db, { now: () => now });
  const staff = createStaffRepository(db);
  alice = (await staff.create({ username: 'zhao.lan', displayName: '赵兰', password: 'a-long-password-2026', roles: ['process-admin'] })).id;
  bob = (await staff.create({ username: 'qian.feng', displayName: '钱峰', password: 'a-long-password-2026', roles: ['process-admin'] })).id;
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('the modeler drafts', () => {
  it('given a saved draft, when saved again, then the admin has one draft of the process holding the newest diagram; another admin has none', async () => {
    await drafts.save({ staffId: alice, processId: 'unit-handling', baseVersion: 1, xml: '<a/>' });
    now += 60_000;
    const big = `<definitions>${'x'.repeat(300_000)}</definitions>`;
    await drafts.save({ staffId: alice, processId: 'unit-handling', baseVersion: 2, xml: big });
    const d = await drafts.get(alice, 'unit-handling');
    expect(d).toEqual({ staffId: alice, processId: 'unit-handling', baseVersion: 2, xml: big, savedAt: new Date(now) });
    expect(await drafts.get(bob, 'unit-handling')).toBeUndefined();
    now += 60_000;
    await drafts.save({ staffId: alice, processId: 'new-process', baseVersion: null, xml: '<b/>' });
    // newest first
    expect((await drafts.listForStaff(alice)).map((x) => [x.processId, x.baseVersion])).toEqual([
      ['new-process', null],
      ['unit-handling', 2],
    ]);
  });

  it('given a draft, when removed, then it is gone and removing again says so', async () => {
    await drafts.save({ staffId: bob, processId: 'evaluation', baseVersion: 1, xml: '<c/>' });
    expect(await drafts.remove(bob, 'evaluation')).toBe(true);
    expect(await drafts.get(bob, 'evaluation')).toBeUndefined();
    expect(await drafts.remove(bob, 'evaluation')).toBe(false);
  });
});

describe('the decision editor drafts', () => {
  it('given a process draft and a decision draft of the same id, when each is saved, read and removed, then they are kept apart', async () => {
    const decisions = createDecisionDraftsRepository(db, { now: () => now });
    await drafts.save({ staffId: alice, processId: 'unit-assessment', baseVersion: 1, xml: '<bpmn/>' });
    now += 60_000;
    const big = `<definitions>${'x'.repeat(300_000)}</definitions>`;
    await decisions.save({ staffId: alice, decisionId: 'unit-assessment', baseVersion: 3, xml: big });
    expect(await decisions.get(alice, 'unit-assessment')).toEqual({ staffId: alice, decisionId: 'unit-assessment', baseVersion: 3, xml: big, savedAt: new Date(now) });
    expect((await decisions.listForStaff(alice)).map((x) => [x.decisionId, x.baseVersion])).toEqual([['unit-assessment', 3]]);
    expect((await drafts.get(alice, 'unit-assessment'))?.xml).toBe('<bpmn/>');
    expect(await decisions.get(bob, 'unit-assessment')).toBeUndefined();
    expect(await decisions.remove(alice, 'unit-assessment')).toBe(true);
    expect(await decisions.remove(alice, 'unit-assessment')).toBe(false);
    expect((await drafts.get(alice, 'unit-assessment'))?.xml).toBe('<bpmn/>');
  });
});
