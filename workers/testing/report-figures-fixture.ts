/**
 * A hand-made ReportFigures for rendering and worker tests (the real ones come from the figures
 * service): every rate is computed from its counts, the tables add up to the totals, one unit is
 * below the 专报's thresholds.
 */
import type { Rates, ReportFigures, ReportPeriod, SliceRow, UnitRankRow, VolumeCounts, WarningFigures } from '../../regulation/report-figures.js';

const rate = (n: number, d: number) => (d === 0 ? null : n / d);

export function ratesOf(c: VolumeCounts): Rates {
  return {
    acceptance: rate(c.accepted, c.accepted + c.rejected),
    completion: rate(c.closed, c.accepted),
    onTime: rate(c.closedOnTime, c.closed),
    satisfaction: rate(c.satisfied, c.rated),
    redo: rate(c.redone, c.closed),
  };
}

/** a slice: received, accepted, rejected, closed, on time, rated, satisfied, redone */
function row(key: string, label: string, n: [number, number, number, number, number, number, number, number]): SliceRow {
  const [received, accepted, rejected, closed, closedOnTime, rated, satisfied, redone] = n;
  const c = { received, accepted, rejected, closed, closedOnTime, rated, satisfied, redone };
  return { key, label, ...c, rates: ratesOf(c) };
}

const sum = (rows: SliceRow[]): VolumeCounts => {
  const keys: (keyof VolumeCounts)[] = ['received', 'accepted', 'rejected', 'closed', 'closedOnTime', 'rated', 'satisfied', 'redone'];
  return Object.fromEntries(keys.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)])) as unknown as VolumeCounts;
};

const warn = (blue: number, yellow: number, red: number, transfers = 0, criticisms = 0): WarningFigures => ({ blue, yellow, red, deductionTenths: blue * 5 + yellow * 10 + red * 30, transfers, criticisms });

export const FIXTURE_PERIOD: ReportPeriod = { kind: 'month', year: 2026, index: 11, from: '2026-11-01', to: '2026-12-01', label: '2026年11月' };

export function fixtureFigures(period: ReportPeriod = FIXTURE_PERIOD, computedAt = '2026-12-01T00:30:00.000Z'): ReportFigures {
  const byUnit = [
    row('u-longnan', '龙南镇人民政府', [120, 114, 6, 108, 101, 90, 84, 4]),
    row('u-market', '龙南市市场监督管理局', [86, 84, 2, 80, 79, 66, 63, 1]),
    row('u-housing', '龙南市住房和城乡建设局', [64, 60, 4, 52, 40, 44, 33, 6]),
    row('u-dongjiang', '东江乡人民政府', [30, 29, 1, 29, 29, 25, 25, 0]),
  ];
  const totals = sum(byUnit);
  const byChannel = [
    row('web', '网站', [150, 144, 6, 135, 124, 112, 101, 6]),
    row('wechat', '微信公众号', [90, 86, 4, 80, 74, 70, 65, 3]),
    row('hotline', '热线电话', [60, 57, 3, 54, 51, 43, 39, 2]),
  ];
  const byCategory = [
    row('complaint', '投诉', [140, 134, 6, 124, 112, 104, 92, 7]),
    row('consultation', '咨询', [70, 68, 2, 68, 68, 58, 56, 0]),
    row('help', '求助', [50, 48, 2, 43, 39, 36, 33, 2]),
    row('suggestion', '建议', [25, 24, 1, 22, 19, 18, 16, 1]),
    row('report', '举报', [15, 13, 2, 12, 11, 9, 8, 1]),
  ];
  const byTownship = [
    row('360727100', '龙南镇', [160, 152, 8, 140, 130, 118, 108, 6]),
    row('360727200', '东江乡', [80, 78, 2, 75, 70, 60, 55, 3]),
    row('360727300', '桃江乡', [60, 57, 3, 54, 49, 47, 42, 2]),
  ];
  const unitWarnings = [warn(3, 1, 0), warn(1, 0, 0), warn(6, 3, 2, 1, 1), warn(0, 0, 0)];
  const unitsRanked: UnitRankRow[] = byUnit
    .map((u, i) => ({ ...u, warnings: unitWarnings[i], score: null, rank: 0 }))
    .sort((a, b) => (b.rates.satisfaction ?? 0) - (a.rates.satisfaction ?? 0))
    .map((u, i) => ({ ...u, rank: i + 1 }));
  const cmp = (current: number, previous: number) => ({ current, previous, change: previous === 0 ? null : (current - previous) / previous });
  const r = ratesOf(totals);
  return {
    period,
    computedAt,
    totals: { ...totals, rates: r, excluded: 3, merged: 7 },
    previous: { received: cmp(totals.received, 276), completion: cmp(r.completion!, 0.9), onTime: cmp(r.onTime!, 0.88), satisfaction: cmp(r.satisfaction!, 0.91) },
    lastYear: { received: cmp(totals.received, 240), completion: null, onTime: null, satisfaction: cmp(r.satisfaction!, 0.86) },
    byChannel,
    byCategory,
    byTownship,
    byUnit,
    satisfaction: [
      { rating: 'very-satisfied', label: '非常满意', count: 120 },
      { rating: 'satisfied', label: '满意', count: 65 },
      { rating: 'basically-satisfied', label: '基本满意', count: 20 },
      { rating: 'unsatisfied', label: '不满意', count: 14 },
      { rating: 'very-unsatisfied', label: '非常不满意', count: 6 },
    ],
    warnings: { blue: 10, yellow: 4, red: 2, deductionTenths: 150, transfers: 1, criticisms: 1 },
    supervision: [
      { item: '一', label: '市领导批示、交办的事项', count: 2 },
      { item: '二', label: '集中投诉举报的热点难点事项', count: 1 },
      { item: '三', label: '逾期未办结的事项', count: 3 },
      { item: '四', label: '重办后仍不满意的事项', count: 1 },
      { item: '五', label: '其他需要督办的事项', count: 0 },
    ],
    hotspots: [
      { township: '龙南镇', keywords: ['路灯', '不亮', '小区'], count: 12, previousCount: 5, examples: [{ trackingCode: 'LN8K2M4Q', title: '小区路灯一周不亮' }, { trackingCode: 'LN3H7P2W', title: '金塘大道路灯损坏' }] },
      { township: '东江乡', keywords: ['自来水', '停水'], count: 8, previousCount: 9, examples: [{ trackingCode: 'LN5T9R1C', title: '东江乡连续停水三天' }] },
      { township: null, keywords: ['噪音', '施工'], count: 6, previousCount: 2, examples: [{ trackingCode: 'LN2B6N8D', title: '夜间施工噪音扰民' }] },
    ],
    unitsRanked,
  };
}
