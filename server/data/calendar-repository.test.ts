/**
 * The admins' calendar tables: a throw-away SQLite file, or a throw-away MariaDB/MySQL database when
 * DB_URL is set (`npm run test:mariadb`).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { CalendarInputError } from '../../regulation/calendar/working-calendar.js';
import { createCalendarRepository, loadCalendar, type CalendarRepository } from './calendar-repository.js';
import { createWorkingCalendar } from '../../regulation/calendar/working-calendar.js';
import { appMigrations } from './migrations.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let repo: CalendarRepository;
let clock = Date.parse('2026-11-02T01:00:00.000Z');

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  repo = createCalendarRepository(db, { now: () => clock });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, the call succeeded');
}

describe('calendar overrides and complete years (migration 0101-calendar)', () => {
  it('given a fresh database, when migrated, then both tables exist and are empty', async () => {
    expect(await repo.listOverrides()).toEqual([]);
    expect(await repo.listCompleteYears()).toEqual([]);
  });

  it('given an admin makes a Saturday a working day, when overrides are listed, then it is there as a plain object with who and when', async () => {
    const saved = await repo.setOverride({ date: '2026-03-07', workday: true, label: '调休上班', source: '龙南市人民政府办公室通知〔2026〕3号', by: 'admin.li' });
    const expected = {
      date: '2026-03-07',
      workday: true,
      label: '调休上班',
      source: '龙南市人民政府办公室通知〔2026〕3号',
      updatedBy: 'admin.li',
      updatedAt: new Date(clock),
    };
    expect(saved).toEqual(expected);
    const listed = await repo.listOverrides();
    expect(listed).toEqual([expected]);
    expect(Object.getPrototypeOf(listed[0])).toBe(Object.prototype);
  });

  it('given an override exists, when the same day is set again, then it is replaced (upsert), not duplicated', async () => {
    clock += 60_000;
    await repo.setOverride({ date: '2026-03-07', workday: false, by: 'admin.wang' });
    expect(await repo.listOverrides()).toEqual([{ date: '2026-03-07', workday: false, updatedBy: 'admin.wang', updatedAt: new Date(clock) }]);
    await repo.setOverride({ date: '2026-03-07', workday: true, label: '调休上班', by: 'admin.li' });
  });

  it('given several overrides, when listed, then they come by date', async () => {
    await repo.setOverride({ date: '2026-03-09', workday: false, label: '临时放假', by: 'admin.li' });
    await repo.setOverride({ date: '2026-01-10', workday: true, by: 'admin.li' });
    expect((await repo.listOverrides()).map((o) => [o.date, o.workday])).toEqual([
      ['2026-01-10', true],
      ['2026-03-07', true],
      ['2026-03-09', false],
    ]);
  });

  it('given the overrides, when the calendar is loaded, then they win over the official schedule in deadlines', async () => {
    const calendar = await loadCalendar(db);
    expect(calendar.isWorkday('2026-03-07')).toBe(true);
    expect(calendar.isWorkday('2026-03-09')).toBe(false);
    // Fri 03-06: Sat 03-07 (1), Sun off, Mon 03-09 off, Tue 03-10 (2)
    expect(calendar.dueAfter(new Date('2026-03-06T02:00:00.000Z'), 2).dueAt.toISOString()).toBe('2026-03-10T16:00:00.000Z');
  });

  it('given the overrides, when their data is loaded (what a remote worker builds its calendar from, issue 19), then it survives JSON and builds the same calendar', async () => {
    const options = JSON.parse(JSON.stringify(await repo.loadOptions()));
    expect(options.overrides.map((o: { date: string; workday: boolean }) => [o.date, o.workday])).toEqual([['2026-01-10', true], ['2026-03-07', true], ['2026-03-09', false]]);
    const rebuilt = createWorkingCalendar(options);
    const from = new Date('2026-03-06T02:00:00.000Z');
    expect(rebuilt.dueAfter(from, 2)).toEqual((await loadCalendar(db)).dueAfter(from, 2));
  });

  it('given an override, when it is removed, then the official schedule applies again; removing it twice answers false', async () => {
    expect(await repo.removeOverride('2026-01-10')).toBe(true);
    expect(await repo.removeOverride('2026-01-10')).toBe(false);
    expect((await repo.listOverrides()).map((o) => o.date)).toEqual(['2026-03-07', '2026-03-09']);
    expect((await repo.loadCalendar()).isWorkday('2026-01-10')).toBe(false);
  });

  it('given 2027 is not covered, when the admins mark it complete, then the calendar covers it by admin and shows no banner; unmarking brings the banner back', async () => {
    expect((await repo.loadCalendar()).nextYearBanner(new Date('2026-11-02T01:00:00.000Z'))).toEqual({ year: 2027 });
    const marked = await repo.markYearComplete(2027, true, 'admin.li');
    expect(marked).toEqual({ year: 2027, complete: true, markedBy: 'admin.li', markedAt: new Date(clock) });
    await repo.markYearComplete(2028, false, 'admin.li');
    expect(await repo.listCompleteYears()).toEqual([2027]);
    const calendar = await repo.loadCalendar();
    expect(calendar.coverage(2027)).toBe('admin');
    expect(calendar.nextYearBanner(new Date('2026-11-02T01:00:00.000Z'))).toBeUndefined();
    expect(calendar.dueAfter(new Date('2026-12-30T02:00:00.000Z'), 5).provisional).toBe(false);

    await repo.markYearComplete(2027, false, 'admin.wang');
    expect(await repo.listCompleteYears()).toEqual([]);
    expect((await repo.loadCalendar()).coverage(2027)).toBe('not-covered');
  });

  it.each([
    ['a day that does not exist', () => repo.setOverride({ date: '2026-02-30', workday: true, by: 'admin.li' }), /YYYY-MM-DD/],
    ['a workday that is not a boolean', () => repo.setOverride({ date: '2026-03-14', workday: 'yes' as never, by: 'admin.li' }), /true or false/],
    ['no author', () => repo.setOverride({ date: '2026-03-14', workday: true, by: ' ' }), /by must name/],
    ['a label that is too long', () => repo.setOverride({ date: '2026-03-14', workday: true, label: '假'.repeat(256), by: 'admin.li' }), /label must be at most 255/],
    ['removing a malformed date', () => repo.removeOverride('2026-3-7'), /YYYY-MM-DD/],
    ['a year that is not a year', () => repo.markYearComplete(27, true, 'admin.li'), /year must be a whole number/],
    ['a complete flag that is not a boolean', () => repo.markYearComplete(2029, 1 as never, 'admin.li'), /true or false/],
  ])('given %s, when written, then a CalendarInputError is thrown and nothing changes', async (_name, write, message) => {
    const before = [await repo.listOverrides(), await repo.listCompleteYears()];
    const error = await rejection(write());
    expect(error).toBeInstanceOf(CalendarInputError);
    expect(error.message).toMatch(message);
    expect([await repo.listOverrides(), await repo.listCompleteYears()]).toEqual(before);
  });
});
