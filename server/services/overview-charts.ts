/**
 * The leaders' overview's chart, drawn on the server: Apache ECharts' server-side renderer to an SVG
 * string (no canvas, no script in the page), so the chart prints and shows on any phone. ECharts
 * writes an aria-label describing the series (its `aria` option): a screen reader hears the figures.
 */
import * as echarts from 'echarts';

export interface TrendPoint {
  /** YYYY-MM-DD (China time) */
  day: string;
  received: number;
  closed: number;
}

/** a 30-day trend of received and closed cases, as an SVG element (its own width and height; scaled by CSS) */
export function trendChartSvg(points: TrendPoint[], size: { width: number; height: number } = { width: 360, height: 220 }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: `最近 ${points.length} 天每日收到与办结的诉求件数` } },
      textStyle: { fontFamily: '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif' },
      grid: { left: 36, right: 12, top: 34, bottom: 28 },
      legend: { top: 4, left: 'center', itemWidth: 18, itemHeight: 8, textStyle: { fontSize: 12 } },
      xAxis: { type: 'category', data: points.map((p) => p.day.slice(5)), axisLabel: { fontSize: 10, interval: Math.max(0, Math.ceil(points.length / 6) - 1) }, axisTick: { alignWithLabel: true } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 10 }, splitLine: { lineStyle: { color: '#e5e8eb' } } },
      series: [
        // a solid line with circles and a dashed one with squares: told apart without colour
        { name: '收到', type: 'line', data: points.map((p) => p.received), color: '#1d4f91', symbol: 'circle', symbolSize: 5, lineStyle: { width: 2 } },
        { name: '办结', type: 'line', data: points.map((p) => p.closed), color: '#1b6e3a', symbol: 'rect', symbolSize: 5, lineStyle: { width: 2, type: 'dashed' } },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
