import { describe, it, expect } from '@jest/globals';
import { compare, compareRates, lastCompletedPeriod, monthPeriod, parsePeriod, periodKey, periodOf, periodRange, previousPeriod, quarterPeriod, rankUnits, ratesOf, sameLastYear, closedOnTime, ZERO_COUNTS } from './report-period.js';
import { repeatWindowStart, repeatedSender, repeatedSenderText } from './invalid-petitions.js';

describe('第二十五条 report periods (China time)', () => {
  it('a month is [1st, 1st of the next) at Shanghai midnight, labelled in Chinese', () => {
    const p = monthPeriod(2026, 12);
    expect(p).toEqual({ kind: 'month', year: 2026, index: 12, from: '2026-12-01', to: '2027-01-01', label: '2026年12月' });
    expect(periodRange(p)).toEqual({ from: new Date('2026-11-30T16:00:00.000Z'), to: new Date('2026-12-31T16:00:00.000Z') });
  });

  it('a quarter spans three months and is named 第一…第四季度', () => {
    expect(quarterPeriod(2026, 4)).toMatchObject({ from: '2026-10-01', to: '2027-01-01', label: '2026年第四季度' });
    expect(quarterPeriod(2026, 1)).toMatchObject({ from: '2026-01-01', to: '2026-04-01', label: '2026年第一季度' });
  });

  it('环比 is the period before (across the year), 同比 the same period a year before', () => {
    expect(previousPeriod(monthPeriod(2026, 1)).label).toBe('2025年12月');
    expect(previousPeriod(quarterPeriod(2026, 1)).label).toBe('2025年第四季度');
    expect(previousPeriod(monthPeriod(2026, 7)).label).toBe('2026年6月');
    expect(sameLastYear(quarterPeriod(2026, 3)).label).toBe('2025年第三季度');
  });

  it('an instant belongs to the Shanghai month: 16:00 UTC on the last day is already the next month', () => {
    expect(periodOf('month', new Date('2026-03-31T15:59:59.999Z')).label).toBe('2026年3月');
    expect(periodOf('month', new Date('2026-03-31T16:00:00.000Z')).label).toBe('2026年4月');
    expect(periodOf('quarter', new Date('2026-06-30T16:00:00.000Z')).label).toBe('2026年第三季度');
    expect(lastCompletedPeriod('month', new Date('2026-04-01T01:00:00.000Z')).label).toBe('2026年3月');
  });

  it('a period named in a URL parses back; anything else is undefined', () => {
    expect(parsePeriod('2026-11')?.label).toBe('2026年11月');
    expect(parsePeriod('2026-Q4')?.label).toBe('2026年第四季度');
    expect(periodKey(quarterPeriod(2026, 2))).toBe('2026-Q2');
    for (const bad of ['2026-13', '2026-Q5', '26-01', '', undefined, 202601]) expect(parsePeriod(bad)).toBeUndefined();
    expect(() => monthPeriod(2026, 0)).toThrow('month must be 1–12');
  });
});

describe('第二十五条 rates and comparisons', () => {
  it('each rate is its count over its denominator, null when the denominator is 0', () => {
    expect(ratesOf({ received: 10, accepted: 8, rejected: 2, closed: 4, closedOnTime: 3, rated: 2, satisfied: 1, redone: 1 })).toEqual({
      acceptance: 0.8,
      completion: 0.5,
      onTime: 0.75,
      satisfaction: 0.5,
      redo: 0.25,
    });
    expect(ratesOf(ZERO_COUNTS)).toEqual({ acceptance: null, completion: null, onTime: null, satisfaction: null, redo: null });
  });

  it('a change is relative to the earlier figure, null against 0; a rate compares only with a rate', () => {
    expect(compare(15, 10)).toEqual({ current: 15, previous: 10, change: 0.5 });
    expect(compare(3, 0)).toEqual({ current: 3, previous: 0, change: null });
    expect(compareRates(0.5, null)).toBeNull();
    expect(compareRates(0.6, 0.5)?.change).toBeCloseTo(0.2);
  });

  it('按期办结: a reply at the deadline is on time, a minute later is not; no deadline on record is on time', () => {
    const due = Date.parse('2026-03-04T16:00:00.000Z');
    expect(closedOnTime(due, due)).toBe(true);
    expect(closedOnTime(due + 60_000, due)).toBe(false);
    expect(closedOnTime(due, null)).toBe(true);
  });

  it('units rank by 按期办结率, then 满意率, then received; an undefined rate ranks last', () => {
    const row = (label: string, onTime: number | null, satisfaction: number | null, received: number) => ({ label, received, rates: { onTime, satisfaction } });
    const ranked = rankUnits([row('乙', 0.9, 0.5, 3), row('甲', 0.9, 0.8, 1), row('丙', null, 1, 9), row('丁', 0.9, 0.8, 5), row('戊', 1, null, 1)]);
    expect(ranked.map((r) => [r.label, r.rank])).toEqual([['戊', 1], ['丁', 2], ['甲', 3], ['乙', 4], ['丙', 5]]);
  });
});

describe('第二十七条 附则 repeated senders', () => {
  it('two marked petitions make a repeated sender, one does not; the words never carry the number', () => {
    expect(repeatedSender(1)).toBeUndefined();
    expect(repeatedSender(2)).toBe(2);
    expect(repeatedSenderText(3)).toBe('该号码此前有 3 件被认定为恶意/虚假诉求');
  });

  it('the window reaches 12 calendar months back (a 31st to the month’s last day)', () => {
    expect(repeatWindowStart(new Date('2026-03-15T04:00:00.000Z')).toISOString()).toBe('2025-03-15T04:00:00.000Z');
    expect(repeatWindowStart(new Date('2028-02-29T04:00:00.000Z')).toISOString()).toBe('2027-02-28T04:00:00.000Z');
  });
});
