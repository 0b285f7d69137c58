/**
 * The leaders' overview (驾驶舱; issue 16): how its figures are shown and which units it names as
 * needing attention. Plain rules over the report figures (report-figures.ts) and the board's counts.
 */
import type { Rates, SliceRow } from './report-figures.js';

/** a rate as people read it: "87.5%", or "—" when it is not defined (nothing to divide by) */
export function formatRate(r: number | null): string {
  return r === null ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}

/** a change against an earlier period: "+12.0%", "−3.5%", or "—" */
export function formatChange(change: number | null): string {
  if (change === null) return '—';
  const pct = (Math.round(change * 1000) / 10).toFixed(1);
  return change > 0 ? `+${pct}%` : change < 0 ? `−${pct.replace('-', '')}%` : '0.0%';
}

/**
 * The units with the lowest 按期办结率 (on-time closing rate) of a period: only those with at least
 * `minClosed` closed cases (a unit with one late case of one is not a trend), lowest first, the most
 * closed breaking ties.
 */
export function lowestOnTime<T extends Pick<SliceRow, 'key' | 'label' | 'closed'> & { rates: Pick<Rates, 'onTime'> }>(rows: readonly T[], n: number, minClosed = 3): T[] {
  return rows
    .filter((r) => r.closed >= minClosed && r.rates.onTime !== null)
    .sort((a, b) => (a.rates.onTime as number) - (b.rates.onTime as number) || b.closed - a.closed || a.label.localeCompare(b.label, 'zh-CN'))
    .slice(0, n);
}

/** the China-time days of the `days` days ending with `today` (YYYY-MM-DD), oldest first */
export function lastDays(today: string, days: number): string[] {
  const [y, m, d] = today.split('-').map(Number);
  const base = Date.UTC(y, m - 1, d);
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(new Date(base - i * 86_400_000).toISOString().slice(0, 10));
  return out;
}
