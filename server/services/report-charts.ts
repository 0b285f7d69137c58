/**
 * The report page's charts (第二十五条), drawn on the server by Apache ECharts as SVG text: the page
 * carries no script, prints as it shows, and each chart scales to the width it has (the SVG has a
 * viewBox; the page sets `max-width: 100%`). ECharts escapes the labels it writes into the SVG.
 * Sized for a phone first (480 wide, 13 px text: about 10 px on a 390 px screen) and two to a row on
 * a desk.
 */
import * as echarts from 'echarts';
import type { ReportFigures, SliceRow } from '../../regulation/report-figures.js';

export interface ReportChart {
  id: string;
  title: string;
  svg: string;
}

const WIDTH = 480;
const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif";
const BLUE = '#2f6db5';
const LEVEL_COLOURS = ['#1f7a3a', '#4caf50', '#a5d6a7', '#f0a04b', '#c62828'];
const WARNING_COLOURS = { blue: '#2f6db5', yellow: '#e0a800', red: '#c62828' };

function render(option: echarts.EChartsOption, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  try {
    chart.setOption({ animation: false, aria: { enabled: true }, textStyle: { fontFamily: FONT, fontSize: 13 }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** a bar per row, longest on top, with its value at the end */
function horizontalBars(rows: { label: string; value: number }[], colour: string, formatter?: string): string {
  const shown = [...rows].reverse();
  const longest = Math.max(4, ...rows.map((r) => [...r.label].length));
  return render(
    {
      grid: { left: Math.min(13 * longest + 16, 200), right: 56, top: 8, bottom: 24 },
      xAxis: { type: 'value', axisLabel: { fontSize: 12, ...(formatter && { formatter }) }, splitLine: { lineStyle: { color: '#e5e7eb' } } },
      yAxis: { type: 'category', data: shown.map((r) => r.label), axisLabel: { fontSize: 13, color: '#1f2937' }, axisTick: { show: false } },
      series: [{ type: 'bar', data: shown.map((r) => r.value), itemStyle: { color: colour }, barMaxWidth: 22, label: { show: true, position: 'right', fontSize: 12, color: '#1f2937', ...(formatter && { formatter: formatter.replace('{value}', '{c}') }) } }],
    },
    Math.max(120, 34 * rows.length + 40),
  );
}

function pie(rows: { name: string; value: number; colour?: string }[]): string {
  return render(
    {
      legend: { bottom: 0, left: 'center', itemWidth: 12, itemHeight: 12, textStyle: { fontSize: 13 } },
      series: [
        {
          type: 'pie',
          radius: ['38%', '64%'],
          center: ['50%', '44%'],
          label: { formatter: '{b}\n{c}', fontSize: 13, color: '#1f2937' },
          data: rows.map((r) => ({ name: r.name, value: r.value, ...(r.colour && { itemStyle: { color: r.colour } }) })),
        },
      ],
    },
    300,
  );
}

const bySize = (rows: SliceRow[]) => [...rows].sort((a, b) => b.received - a.received).map((r) => ({ label: r.label, value: r.received }));

/** every chart of the report page, in the page's order */
export function reportCharts(f: ReportFigures): ReportChart[] {
  const charts: ReportChart[] = [];
  const kindWord = f.period.kind === 'quarter' ? '季度' : '月';
  charts.push({
    id: 'volume',
    title: '受理量:本期、上期与去年同期',
    svg: render(
      {
        grid: { left: 48, right: 16, top: 28, bottom: 28 },
        xAxis: { type: 'category', data: ['本期', `上${kindWord}`, '去年同期'], axisLabel: { fontSize: 13 } },
        yAxis: { type: 'value', axisLabel: { fontSize: 12 }, splitLine: { lineStyle: { color: '#e5e7eb' } } },
        series: [{ type: 'bar', barMaxWidth: 56, data: [f.totals.received, f.previous.received.previous, f.lastYear.received.previous], itemStyle: { color: BLUE }, label: { show: true, position: 'top', fontSize: 13 } }],
      },
      240,
    ),
  });
  charts.push({ id: 'channel', title: '按渠道', svg: pie(f.byChannel.map((r) => ({ name: r.label, value: r.received }))) });
  charts.push({ id: 'satisfaction', title: '满意度评价(五级)', svg: pie(f.satisfaction.map((s, i) => ({ name: s.label, value: s.count, colour: LEVEL_COLOURS[i] }))) });
  charts.push({ id: 'category', title: '按类别', svg: horizontalBars(bySize(f.byCategory), BLUE) });
  charts.push({ id: 'township', title: '按乡镇(属地)', svg: horizontalBars(bySize(f.byTownship), '#3d8b8b') });
  charts.push({
    id: 'warnings',
    title: '红黄蓝预警',
    svg: render(
      {
        grid: { left: 48, right: 16, top: 28, bottom: 28 },
        xAxis: { type: 'category', data: ['蓝色预警', '黄色预警', '红色预警'], axisLabel: { fontSize: 13 } },
        yAxis: { type: 'value', minInterval: 1, axisLabel: { fontSize: 12 }, splitLine: { lineStyle: { color: '#e5e7eb' } } },
        series: [
          {
            type: 'bar',
            barMaxWidth: 56,
            label: { show: true, position: 'top', fontSize: 13 },
            data: [
              { value: f.warnings.blue, itemStyle: { color: WARNING_COLOURS.blue } },
              { value: f.warnings.yellow, itemStyle: { color: WARNING_COLOURS.yellow } },
              { value: f.warnings.red, itemStyle: { color: WARNING_COLOURS.red } },
            ],
          },
        ],
      },
      240,
    ),
  });
  const ranked = f.unitsRanked.filter((u) => u.rates.satisfaction !== null).slice(0, 15);
  if (ranked.length) {
    charts.push({
      id: 'units',
      title: '承办单位满意率(%)',
      svg: horizontalBars(ranked.map((u) => ({ label: u.label, value: Math.round((u.rates.satisfaction ?? 0) * 1000) / 10 })), '#1f7a3a'),
    });
  }
  return charts;
}
