import { describe, it, expect } from '@jest/globals';
import { formatChange, formatRate, lastDays, lowestOnTime } from './overview.js';

describe('the leaders\' overview rules', () => {
  it('shows rates and changes as people read them, and "—" for none', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(0.875)).toBe('87.5%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatChange(0.12)).toBe('+12.0%');
    expect(formatChange(-0.035)).toBe('−3.5%');
    expect(formatChange(null)).toBe('—');
  });

  it('names the units with the lowest 按期办结率 among those with enough closed cases', () => {
    const row = (key: string, closed: number, onTime: number | null) => ({ key, label: key, closed, rates: { onTime } });
    const rows = [row('a', 10, 0.9), row('b', 2, 0), row('c', 5, 0.4), row('d', 8, 0.4), row('e', 0, null)];
    expect(lowestOnTime(rows, 2).map((r) => r.key)).toEqual(['d', 'c']);
  });

  it('lists the days of a window across a month end', () => {
    expect(lastDays('2026-03-02', 3)).toEqual(['2026-02-28', '2026-03-01', '2026-03-02']);
    expect(lastDays('2026-03-02', 30)).toHaveLength(30);
  });
});
