/**
 * The leaders' overview's chart, drawn on the server: Apache ECharts' server-side renderer to an SVG
 * string (no canvas, no script in the page), so the chart prints and shows on any phone. The SVG is
 * an image with a label saying the figures (ECharts' `aria` option labels only a live chart, not
 * the server's string), so a screen reader hears what the lines show.
 */
import * as echarts from 'echarts';

export interface TrendPoint {
  /** YYYY-MM-DD (China time) */
  day: string;
  received: number;
  closed: number;
}

/** a 30-day trend of received and closed cases, as an SVG element (its own width and height; scaled by CSS) */
export function trendChartSvg(points: TrendPoint[], size: { width: number; height: number } = { width: 360, height: 180 }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif' },
      grid: { left: 32, right: 10, top: 28, bottom: 24 },
      legend: { top: 4, left: 'center', itemWidth: 18, itemHeight: 8, textStyle: { fontSize: 12 } },
      xAxis: { type: 'category', data: points.map((p) => p.day.slice(5)), axisLabel: { fontSize: 10, interval: Math.max(0, Math.ceil(points.length / 6) - 1) }, axisTick: { alignWithLabel: true } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#e5e8eb' } } },
      series: [
        // a solid line with circles and a dashed one with squares: told apart without colour
        { name: '收到', type: 'line', data: points.map((p) => p.received), color: '#1d4f91', symbol: 'circle', symbolSize: 5, lineStyle: { width: 2 } },
        { name: '其中已办结', type: 'line', data: points.map((p) => p.closed), color: '#1b6e3a', symbol: 'rect', symbolSize: 5, lineStyle: { width: 2, type: 'dashed' } },
      ],
    });
    return chart.renderToSVGString().replace(/^<svg /, `<svg role="img" aria-label="${escapeAttr(describe(points))}" `);
  } finally {
    chart.dispose();
  }
}

/** what the chart shows, in one sentence */
function describe(points: TrendPoint[]): string {
  const received = points.reduce((s, p) => s + p.received, 0);
  const closed = points.reduce((s, p) => s + p.closed, 0);
  const top = points.reduce<TrendPoint | undefined>((best, p) => (!best || p.received > best.received ? p : best), undefined);
  const peak = top && top.received > 0 ? `;收到最多的一天是 ${top.day}(${top.received} 件)` : '';
  return `最近 ${points.length} 天每日收到的诉求件数(实线)和其中已办结的件数(虚线):合计收到 ${received} 件,其中已办结 ${closed} 件${peak}`;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
