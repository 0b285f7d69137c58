/**
 * 第二十五条: the figures of a 月报 or 季报 (regulation/report-figures.ts), computed from the case-facts
 * projection — one range of its received-time key for the period, one for the period before (环比)
 * and one for the same period a year before (同比), the ledger's and the 督办's index ranges — so a
 * month of a city's million petitions is read in well under a second (bench/reports.ts). Labels are
 * Chinese: channels (petition-row.ts), categories (regulation/categories.ts), units and townships by
 * the units table (a township code no unit names is shown as it is stored). Hotspots come from an
 * injected source (the hotspot clustering is its own part); without one the list is empty.
 */
import type { CaseFactsRepository, FactSlice, LedgerGroup } from '../data/case-facts-repository.js';
import { createCaseFactsRepository } from '../data/case-facts-repository.js';
import { CHANNEL_LABELS, CHANNELS } from '../data/petition-row.js';
import type { Database } from '../data/sql.js';
import type { UnitsRepository } from '../data/units-repository.js';
import { createUnitsRepository } from '../data/units-repository.js';
import { CATEGORIES, CATEGORY_LABELS } from '../../regulation/categories.js';
import { RATINGS, RATING_LABELS } from '../../regulation/ratings.js';
import type { HotspotFigure, ReportFigures, ReportPeriod, SliceRow, UnitRankRow, VolumeCounts, WarningFigures } from '../../regulation/report-figures.js';
import { addCounts, compare, compareRates, periodRange, previousPeriod, rankUnits, ratesOf, sameLastYear, ZERO_COUNTS } from '../../regulation/report-period.js';

export type HotspotSource = (from: Date, to: Date, limit: number) => Promise<HotspotFigure[]>;

export interface ReportFiguresServiceDeps {
  db: Database;
  facts?: CaseFactsRepository;
  units?: UnitsRepository;
  clock?: { now(): Date };
  /** the period's hotspots (第二十三条(二)), most petitions first; none when absent */
  hotspots?: HotspotSource;
  /** how many hotspots a report lists (default 10) */
  hotspotLimit?: number;
}

/** the totals of a window of any length (the leaders' overview: today, this month) */
export interface WindowFigures {
  from: string;
  to: string;
  totals: ReportFigures['totals'];
}

/** 第二十三条's items, in order */
export const SUPERVISION_ITEMS: { item: string; label: string }[] = [
  { item: '一', label: '市领导批示或交办的事项' },
  { item: '二', label: '集中投诉举报的热点、难点事项' },
  { item: '三', label: '逾期未办结的事项' },
  { item: '四', label: '发回重办后仍不满意且属承办单位原因的事项' },
  { item: '五', label: '其他需要督办的事项' },
];

const NO_TOWNSHIP_LABEL = '未填写乡镇';

function slice(key: string, label: string, counts: VolumeCounts): SliceRow {
  return { key, label, ...counts, rates: ratesOf(counts) };
}

const noWarnings = (): WarningFigures => ({ blue: 0, yellow: 0, red: 0, deductionTenths: 0, transfers: 0, criticisms: 0 });
const toWarnings = (g: LedgerGroup | undefined): WarningFigures =>
  g ? { blue: g.blue, yellow: g.yellow, red: g.red, deductionTenths: g.deductionTenths, transfers: g.transfers, criticisms: g.criticisms } : noWarnings();

export function createReportFiguresService(deps: ReportFiguresServiceDeps) {
  const facts = deps.facts ?? createCaseFactsRepository(deps.db);
  const units = deps.units ?? createUnitsRepository(deps.db);
  const clock = deps.clock ?? { now: () => new Date() };

  /** unit id → name, township code → its name (the township's government, without 人民政府) */
  async function names(): Promise<{ unit: Map<string, string>; township: Map<string, string> }> {
    const all = await units.list({ includeInactive: true });
    return {
      unit: new Map(all.map((u) => [u.id, u.name])),
      township: new Map(all.filter((u) => u.kind === 'township' && u.township).map((u) => [u.township as string, u.name.replace(/人民政府$/, '')])),
    };
  }

  /** a slice's rows with their labels: the keys of `order` first (zeros too), then the rest by count */
  function bySlice(slices: FactSlice[], labelOf: (key: string) => string, order: readonly string[] = []): SliceRow[] {
    const sums = new Map<string, VolumeCounts>();
    for (const k of order) sums.set(k, { ...ZERO_COUNTS });
    for (const { key, ...counts } of slices) sums.set(key, addCounts(sums.get(key) ?? { ...ZERO_COUNTS }, counts));
    const rows = [...sums].map(([k, c]) => slice(k, labelOf(k), c));
    const fixed = rows.filter((r) => order.includes(r.key));
    const rest = rows.filter((r) => !order.includes(r.key)).sort((a, b) => b.received - a.received || a.label.localeCompare(b.label, 'zh-CN'));
    return [...fixed, ...rest];
  }

  async function totalsOf(from: Date, to: Date): Promise<ReportFigures['totals']> {
    const t = await facts.totals(from, to);
    const { excluded, merged, ...counts } = t;
    return { ...counts, rates: ratesOf(counts), excluded, merged };
  }

  const service = {
    async figures(period: ReportPeriod): Promise<ReportFigures> {
      const { from, to } = periodRange(period);
      const prev = periodRange(previousPeriod(period));
      const last = periodRange(sameLastYear(period));
      const [slices, setAside, prevTotals, lastTotals, supervisions, ledger, labels, hotspots] = await Promise.all([
        facts.slices(from, to),
        facts.setAside(from, to),
        totalsOf(prev.from, prev.to),
        totalsOf(last.from, last.to),
        facts.supervisionsByItem(from, to),
        facts.ledgerByUnit(from, to),
        names(),
        deps.hotspots ? deps.hotspots(from, to, deps.hotspotLimit ?? 10) : Promise.resolve([] as HotspotFigure[]),
      ]);

      // the period's counted cases are the sum of any one slice (every case has one channel)
      const counts = slices.channel.reduce<VolumeCounts>((sum, { key: _key, ...c }) => addCounts(sum, c), { ...ZERO_COUNTS });
      const totals: ReportFigures['totals'] = { ...counts, rates: ratesOf(counts), ...setAside };
      const against = (a: typeof totals, b: typeof totals) => ({
        received: compare(a.received, b.received),
        completion: compareRates(a.rates.completion, b.rates.completion),
        onTime: compareRates(a.rates.onTime, b.rates.onTime),
        satisfaction: compareRates(a.rates.satisfaction, b.rates.satisfaction),
      });

      const byUnit = bySlice(slices.unit, (id) => labels.unit.get(id) ?? id);
      const ledgerOf = new Map(ledger.map((l) => [l.unitId, l]));
      const warnings = ledger.reduce<WarningFigures>(
        (w, l) => ({ blue: w.blue + l.blue, yellow: w.yellow + l.yellow, red: w.red + l.red, deductionTenths: w.deductionTenths + l.deductionTenths, transfers: w.transfers + l.transfers, criticisms: w.criticisms + l.criticisms }),
        noWarnings(),
      );
      // every unit with a case or a record in the period
      const unitRows = new Map(byUnit.map((r) => [r.key, r]));
      for (const l of ledger) if (!unitRows.has(l.unitId)) unitRows.set(l.unitId, slice(l.unitId, labels.unit.get(l.unitId) ?? l.unitId, { ...ZERO_COUNTS }));
      const unitsRanked: UnitRankRow[] = rankUnits([...unitRows.values()].map((r) => ({ ...r, warnings: toWarnings(ledgerOf.get(r.key)), score: null })));

      return {
        period,
        computedAt: clock.now().toISOString(),
        totals,
        previous: against(totals, prevTotals),
        lastYear: against(totals, lastTotals),
        byChannel: bySlice(slices.channel, (k) => CHANNEL_LABELS[k as keyof typeof CHANNEL_LABELS] ?? k, CHANNELS),
        byCategory: bySlice(slices.category, (k) => CATEGORY_LABELS[k as keyof typeof CATEGORY_LABELS] ?? k, CATEGORIES),
        byTownship: bySlice(slices.township, (k) => (k === '' ? NO_TOWNSHIP_LABEL : (labels.township.get(k) ?? k))),
        byUnit,
        satisfaction: RATINGS.map((r) => ({ rating: r, label: RATING_LABELS[r], count: slices.ratings.get(r) ?? 0 })),
        warnings,
        supervision: SUPERVISION_ITEMS.map((s) => ({ ...s, count: supervisions.get(s.item) ?? 0 })),
        hotspots,
        unitsRanked,
      };
    },

    /** the totals of [from, to) (any window: a day, the month so far) counted as a report counts them */
    async dayFigures(from: Date, to: Date): Promise<WindowFigures> {
      if (!(from instanceof Date) || !(to instanceof Date) || Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to.getTime() < from.getTime()) {
        throw new RangeError('dayFigures needs two instants, from ≤ to');
      }
      return { from: from.toISOString(), to: to.toISOString(), totals: await totalsOf(from, to) };
    },
  };
  return service;
}

export type ReportFiguresService = ReturnType<typeof createReportFiguresService>;
