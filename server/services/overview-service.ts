/**
 * The leaders' overview (驾驶舱; issue 16): one screen for a city leader (and the platform's
 * reviewers) — today's and this month's received / accepted / closed / on-time / satisfaction
 * figures (the report figures service: counted as a 月报 counts them), the 红黄蓝 board's counts by
 * colour, a 30-day trend drawn on the server (ECharts to SVG), and the units needing attention: the
 * most red and yellow on the board, the lowest 按期办结率 this month.
 */
import { formatShanghaiMoment } from '../../regulation/format.js';
import { formatChange, formatRate, lastDays, lowestOnTime } from '../../regulation/overview.js';
import { periodOf, shanghaiMidnight } from '../../regulation/report-period.js';
import type { ReportFigures } from '../../regulation/report-figures.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import type { BoardService } from './board-service.js';
import { trendChartSvg, type TrendPoint } from './overview-charts.js';
import type { ReportFiguresService } from './report-figures-service.js';

/** who sees the overview: city leaders, and the platform's reviewers who report to them */
export const OVERVIEW_ROLES = ['city-leader', 'platform-reviewer'] as const;
export const seesOverview = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.some((r) => (OVERVIEW_ROLES as readonly string[]).includes(r));

export const TREND_DAYS = 30;
const WORST = 5;

/** one line of the figures: today's and this month's value, and this month's rate or comparison */
export interface FigureLine {
  label: string;
  today: string;
  month: string;
  /** this month's rate or 环比, in words */
  note: string;
}

export interface OverviewView {
  at: Date;
  monthLabel: string;
  figures: FigureLine[];
  board: { blue: number; yellow: number; red: number; transfer: number; overdue: number };
  trendSvg: string;
  trend: TrendPoint[];
  /** the most red and yellow late cases on the board */
  worstByWarnings: { unitId: string; unitName: string; red: number; yellow: number; blue: number }[];
  /** the lowest 按期办结率 this month */
  worstByOnTime: { unitId: string; unitName: string; onTime: string; closed: number }[];
}

export interface OverviewServiceDeps {
  figures: Pick<ReportFiguresService, 'figures' | 'dayFigures'>;
  board: Pick<BoardService, 'counts'>;
  clock: { now(): Date };
}

type Totals = ReportFigures['totals'];

function lines(today: Totals, month: Totals, receivedChange: number | null): FigureLine[] {
  return [
    { label: '收到', today: String(today.received), month: String(month.received), note: `环比 ${formatChange(receivedChange)}` },
    { label: '受理', today: String(today.accepted), month: String(month.accepted), note: `受理率 ${formatRate(month.rates.acceptance)}` },
    { label: '办结', today: String(today.closed), month: String(month.closed), note: `办结率 ${formatRate(month.rates.completion)}` },
    { label: '按期办结', today: String(today.closedOnTime), month: String(month.closedOnTime), note: `按期办结率 ${formatRate(month.rates.onTime)}` },
    { label: '满意率', today: formatRate(today.rates.satisfaction), month: formatRate(month.rates.satisfaction), note: `${month.satisfied} / ${month.rated} 件满意` },
  ];
}

export function createOverviewService(deps: OverviewServiceDeps) {
  return {
    async view(staff: StaffRecord): Promise<OverviewView> {
      if (!seesOverview(staff)) throw new HttpError(403, 'FORBIDDEN', '领导驾驶舱供市领导和平台审核员查看');
      const at = deps.clock.now();
      const today = formatShanghaiMoment(at).slice(0, 10);
      const days = lastDays(today, TREND_DAYS);
      const month = periodOf('month', at);
      const [monthFigures, board] = await Promise.all([deps.figures.figures(month), deps.board.counts(staff)]);
      // each day of the trend (and today) is one window of the figures: its own index range
      const windows: TrendPoint[] = [];
      let todayTotals: Totals | undefined;
      for (let i = 0; i < TREND_DAYS; i++) {
        const day = days[i];
        const { totals } = await deps.figures.dayFigures(shanghaiMidnight(day), shanghaiMidnight(nextDay(day)));
        windows.push({ day, received: totals.received, closed: totals.closed });
        if (day === today) todayTotals = totals;
      }
      return {
        at,
        monthLabel: month.label,
        figures: lines(todayTotals as Totals, monthFigures.totals, monthFigures.previous.received.change),
        board: board.totals,
        trend: windows,
        trendSvg: trendChartSvg(windows),
        worstByWarnings: board.units
          .filter((u) => u.red + u.yellow > 0)
          .slice(0, WORST)
          .map((u) => ({ unitId: u.unitId, unitName: u.unitName, red: u.red, yellow: u.yellow, blue: u.blue })),
        worstByOnTime: lowestOnTime(monthFigures.byUnit, WORST).map((r) => ({ unitId: r.key, unitName: r.label, onTime: formatRate(r.rates.onTime), closed: r.closed })),
      };
    },
  };
}

/** the day after a YYYY-MM-DD day */
function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

export type OverviewService = ReturnType<typeof createOverviewService>;
