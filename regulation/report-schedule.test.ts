import { describe, it, expect } from '@jest/globals';
import { createWorkingCalendar } from './calendar/working-calendar.js';
import { checkPeriodRef, firstWorkdayOf, periodOf, PeriodError, previousPeriod, reportsDue } from './report-schedule.js';

const calendar = createWorkingCalendar({});

describe('第二十五条 when the 月报 and 季报 are due', () => {
  it('the 月报 of September 2026 is due on 8 October, after the National Day holidays, with the third quarter’s 季报', () => {
    expect(firstWorkdayOf(calendar, 2026, 10)).toBe('2026-10-08');
    for (const day of ['2026-09-30', '2026-10-01', '2026-10-04', '2026-10-07']) expect(reportsDue(calendar, day)).toMatchObject({ monthDue: false, quarterDue: false });
    expect(reportsDue(calendar, '2026-10-08')).toEqual({
      monthDue: true,
      quarterDue: true,
      month: { kind: 'month', year: 2026, index: 9 },
      quarter: { kind: 'quarter', year: 2026, index: 3 },
    });
    expect(reportsDue(calendar, '2026-10-09').monthDue).toBe(false);
  });

  it('a month that starts on a weekend or a holiday: its first working day; a month within a quarter has no 季报', () => {
    // 2026-11-01 is a Sunday
    expect(reportsDue(calendar, '2026-11-02')).toMatchObject({ monthDue: true, quarterDue: false, month: { year: 2026, index: 10 } });
    expect(reportsDue(calendar, '2026-11-01').monthDue).toBe(false);
    // 1–3 January 2026 are the New Year holiday, 4 January (a Sunday) a make-up working day
    expect(firstWorkdayOf(calendar, 2026, 1)).toBe('2026-01-04');
    expect(reportsDue(calendar, '2026-01-04')).toMatchObject({ monthDue: true, quarterDue: true, month: { year: 2025, index: 12 }, quarter: { year: 2025, index: 4 } });
  });

  it('an admin’s override moves the day', () => {
    const withHoliday = createWorkingCalendar({ overrides: [{ date: '2026-11-02', workday: false }] });
    expect(reportsDue(withHoliday, '2026-11-02').monthDue).toBe(false);
    expect(reportsDue(withHoliday, '2026-11-03').monthDue).toBe(true);
  });
});

describe('report periods', () => {
  it('a month and a quarter as days [from, to) and labels', () => {
    expect(periodOf({ kind: 'month', year: 2026, index: 11 })).toEqual({ kind: 'month', year: 2026, index: 11, from: '2026-11-01', to: '2026-12-01', label: '2026年11月' });
    expect(periodOf({ kind: 'month', year: 2026, index: 12 })).toMatchObject({ from: '2026-12-01', to: '2027-01-01' });
    expect(periodOf({ kind: 'quarter', year: 2026, index: 4 })).toEqual({ kind: 'quarter', year: 2026, index: 4, from: '2026-10-01', to: '2027-01-01', label: '2026年第四季度' });
    expect(previousPeriod({ kind: 'quarter', year: 2026, index: 1 })).toEqual({ kind: 'quarter', year: 2025, index: 4 });
  });

  it('refuses what is no period', () => {
    expect(() => checkPeriodRef('week', 2026, 1)).toThrow(PeriodError);
    expect(() => checkPeriodRef('month', 2026, 13)).toThrow('月份应为 1 至 12');
    expect(() => checkPeriodRef('quarter', 2026, 5)).toThrow('季度应为 1 至 4');
    expect(() => checkPeriodRef('month', '20x6', 1)).toThrow('年份');
    expect(checkPeriodRef('quarter', '2026', '2')).toEqual({ kind: 'quarter', year: 2026, index: 2 });
  });
});
