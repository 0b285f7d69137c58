/**
 * The work queue's table (migration 1001): keyset pages that neither repeat nor skip a task while
 * tasks are added, a task offered to two of a person's groups listed and counted once, the colours
 * counted by the instants, and 已办 by who completed it. A throw-away SQLite file, or MariaDB/MySQL
 * when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { appMigrations } from './migrations.js';
import { COUNT_CAP, createWorkItemsRepository, type NewWorkItem, type QueueFilter, type QueueScopeSql, type WorkItemsRepository } from './work-items-repository.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let repo: WorkItemsRepository;
const NOW = Date.parse('2026-03-10T02:00:00.000Z');
const DAY = 86_400_000;
const at = { now: NOW, soonMs: NOW + DAY, staffId: 's-1' };

const item = (i: number, over: Partial<NewWorkItem> = {}): NewWorkItem => ({
  userTaskKey: `t-${String(i).padStart(4, '0')}`,
  processInstanceKey: `pi-${i}`,
  processId: 'unit-handling',
  elementId: 'Task_DraftReply',
  name: '办理并起草答复',
  groups: ['unit:u-a'],
  petitionId: `p-${i}`,
  trackingCode: `WZ${String(i).padStart(8, '2')}`,
  category: i % 2 ? 'complaint' : 'consultation',
  channel: 'web',
  township: '360783100',
  unitId: 'u-a',
  urgent: false,
  searchText: `路灯 ${i}`,
  receivedAt: new Date(NOW - (100 - i) * 60_000),
  createdAt: new Date(NOW - (100 - i) * 60_000),
  // a few share a deadline: the key breaks the tie
  dueAt: new Date(NOW + (i % 7) * DAY - 3 * DAY),
  ...over,
});

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  repo = createWorkItemsRepository(db);
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('the work queue table', () => {
  it('given 60 tasks read 7 a page by each sort, when tasks are added between pages, then every task there at the start is read once, in order', async () => {
    for (let i = 0; i < 60; i++) await repo.open(item(i));
    for (const sort of ['due', 'received', 'priority'] as const) {
      const filter: QueueFilter = { tab: 'all', sort };
      const seen: string[] = [];
      let page = await repo.page({ groups: ['unit:u-a'] }, filter, at, { limit: 7 });
      let added = 0;
      for (;;) {
        seen.push(...page.items.map((x) => x.userTaskKey));
        if (!page.next) break;
        // a task created meanwhile, due before everything read so far: it is not read on later pages
        await repo.open(item(1000 + added++ + (sort === 'due' ? 0 : sort === 'received' ? 100 : 200), { dueAt: new Date(NOW - 30 * DAY), receivedAt: new Date(NOW - 300 * DAY), createdAt: new Date(NOW) }));
        page = await repo.page({ groups: ['unit:u-a'] }, filter, at, { after: page.next, limit: 7 });
      }
      const original = seen.filter((k) => Number(k.slice(2)) < 1000);
      expect(new Set(seen).size).toBe(seen.length);
      expect(original).toHaveLength(60);
      // and back again from the last page: the same keys, the other way
      const back: string[] = [];
      let prev = page.prev;
      while (prev) {
        const p = await repo.page({ groups: ['unit:u-a'] }, filter, at, { before: prev, limit: 7 });
        back.unshift(...p.items.map((x) => x.userTaskKey));
        prev = p.prev;
      }
      expect([...back, ...page.items.map((x) => x.userTaskKey)].filter((k) => Number(k.slice(2)) < 1000)).toEqual(original);
    }
  });

  it('given a task offered to both groups a unit leader holds, when the leader lists and counts, then it is there once', async () => {
    await repo.open(item(500, { groups: ['unit:u-b', 'unit-leader:u-b'], unitId: 'u-b' }));
    const scope = { groups: ['unit:u-b', 'unit-leader:u-b'] };
    const page = await repo.page(scope, { tab: 'all', sort: 'due' }, at, { limit: 10 });
    expect(page.items.map((i) => i.userTaskKey)).toEqual(['t-0500']);
    expect((await repo.counts(scope, { tab: 'all', sort: 'due' }, at)).all).toBe(1);
    expect((await repo.counts('all', { tab: 'all', sort: 'due', unitId: 'u-b' }, at)).all).toBe(1);
  });

  it('given warning instants passed, when counted, then each task has the one colour it reached', async () => {
    const base = { groups: ['unit:u-c'], unitId: 'u-c', dueAt: new Date(NOW - 5 * DAY) };
    await repo.open(item(601, { ...base, blueAt: new Date(NOW - DAY), yellowAt: new Date(NOW + DAY), redAt: new Date(NOW + 2 * DAY) }));
    await repo.open(item(602, { ...base, blueAt: new Date(NOW - 3 * DAY), yellowAt: new Date(NOW - 2 * DAY), redAt: new Date(NOW + DAY) }));
    await repo.open(item(603, { ...base, blueAt: new Date(NOW - 4 * DAY), yellowAt: new Date(NOW - 3 * DAY), redAt: new Date(NOW - DAY) }));
    await repo.open(item(604, { groups: ['unit:u-c'], unitId: 'u-c', dueAt: new Date(NOW + DAY / 2) }));
    await repo.open(item(605, { groups: ['unit:u-c'], unitId: 'u-c', dueAt: undefined }));
    const c = await repo.counts({ groups: ['unit:u-c'] }, { tab: 'all', sort: 'due' }, at);
    expect(c).toMatchObject({ all: 5, overdue: 3, blue: 1, yellow: 1, red: 1, soon: 1, unclaimed: 5 });
    const red = await repo.page({ groups: ['unit:u-c'] }, { tab: 'overdue', sort: 'due', colour: 'red' }, at, { limit: 10 });
    expect(red.items.map((i) => i.userTaskKey)).toEqual(['t-0603']);
    // a task without a deadline sorts last
    const all = await repo.page({ groups: ['unit:u-c'] }, { tab: 'all', sort: 'due' }, at, { limit: 10 });
    expect(all.items.at(-1)?.userTaskKey).toBe('t-0605');
    expect(all.items.at(-1)?.dueAt).toBeUndefined();
  });

  it('given a task held and completed, when the holders look, then a second claim is refused, 已办 lists it once for who completed it, and it leaves the open lists', async () => {
    await repo.open(item(700, { groups: ['unit:u-d', 'unit-leader:u-d'], unitId: 'u-d' }));
    expect(await repo.claim('t-0700', 's-1', new Date(NOW))).toBe(true);
    expect(await repo.claim('t-0700', 's-2', new Date(NOW))).toBe(false);
    expect(await repo.hand('t-0700', 's-2', null, new Date(NOW))).toBe(false);
    expect((await repo.get('t-0700'))?.assignee).toBe('s-1');
    await db.transaction((tx) => repo.finish('t-0700', { by: 's-1', at: new Date(NOW + 1000) }, tx));
    // the engine's own event after it: who completed it stays
    await db.transaction((tx) => repo.finish('t-0700', { at: new Date(NOW + 2000) }, tx));
    const done = await repo.page({ groups: ['unit:u-d', 'unit-leader:u-d'] }, { tab: 'done', sort: 'due' }, at, { limit: 10 });
    expect(done.items.map((i) => [i.userTaskKey, i.completedBy, i.completedAt?.getTime()])).toEqual([['t-0700', 's-1', NOW + 1000]]);
    expect((await repo.counts({ groups: ['unit:u-d'] }, { tab: 'all', sort: 'due' }, at))).toMatchObject({ all: 0, done: 1 });
    expect(await repo.claim('t-0700', 's-2', new Date(NOW))).toBe(false);
  });

  it('given more than 1,000 tasks matching a word, when counted, then the counts stop at 1,000 and say so; a narrower word is counted exactly', async () => {
    await db.transaction(async (tx) => {
      for (let i = 0; i < COUNT_CAP + 5; i++) await repo.open(item(2000 + i, { groups: ['unit:u-e'], unitId: 'u-e', searchText: i === 7 ? '噪音扰民 深夜施工' : '噪音扰民' }), tx);
    });
    const many = await repo.counts({ groups: ['unit:u-e'] }, { tab: 'all', sort: 'due', keyword: '噪音' }, at);
    expect(many).toMatchObject({ all: COUNT_CAP, capped: true });
    const one = await repo.counts({ groups: ['unit:u-e'] }, { tab: 'all', sort: 'due', keyword: '深夜' }, at);
    expect(one.all).toBe(1);
    expect(one.capped).toBeUndefined();
    // without a word, every task is counted
    expect((await repo.counts({ groups: ['unit:u-e'] }, { tab: 'all', sort: 'due' }, at)).all).toBe(COUNT_CAP + 5);
  });

  it('given a word search, when read in one pass, then its pages, order and counts are those the ordered queries give', async () => {
    // a group's range; the city's through the texts table (a few matches), and beyond 1,000 matches (the ordered queries)
    const cases: [QueueScopeSql, string][] = [
      [{ groups: ['unit:u-a'] }, '路灯'],
      ['all', '路灯 5'],
      ['all', '路灯'],
    ];
    for (const [scope, keyword] of cases) {
    for (const sort of ['due', 'received', 'priority'] as const) {
      for (const tab of ['all', 'soon', 'overdue'] as const) {
        const filter: QueueFilter = { tab, sort, keyword };
        const bySql: string[] = [];
        for (let p = await repo.page(scope, filter, at, { limit: 9 }); ; p = await repo.page(scope, filter, at, { after: p.next, limit: 9 })) {
          bySql.push(...p.items.map((i) => i.userTaskKey));
          if (!p.next) break;
        }
        const inOnePass: string[] = [];
        let last: Awaited<ReturnType<WorkItemsRepository['pageAndCounts']>> | undefined;
        for (let p = await repo.pageAndCounts(scope, filter, at, { limit: 9 }); ; p = await repo.pageAndCounts(scope, filter, at, { after: p.next, limit: 9 })) {
          inOnePass.push(...p.items.map((i) => i.userTaskKey));
          last = p;
          if (!p.next) break;
        }
        expect(inOnePass).toEqual(bySql);
        expect(last?.counts).toEqual(await repo.counts(scope, filter, at));
        // and back from the last page
        if (last?.prev) expect((await repo.pageAndCounts(scope, filter, at, { before: last.prev, limit: 9 })).items.map((i) => i.userTaskKey)).toEqual(bySql.slice(-9 - last.items.length, -last.items.length));
      }
    }
    }
  });
});
