/**
 * A hotspot's trend as a small bar chart, drawn on the server by Apache ECharts into SVG (no script on
 * the page, prints as it shows): the window before in grey, the window in blue, each span's count on
 * its bar, so the figure is read without the colours.
 */
type ECharts = typeof import('echarts');

// loaded on the first chart, not at start-up (the library is large and most processes draw none)
let loading: Promise<ECharts> | undefined;

export async function trendSvg(spans: readonly { label: string; count: number; previous: boolean }[], size = { width: 300, height: 110 }): Promise<string> {
  const echarts = await (loading ??= import('echarts'));
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({
      animation: false,
      aria: { enabled: true, label: { description: `上一时段与本时段的件数:${spans.map((s) => `${s.label}起 ${s.count} 件`).join(',')}` } },
      textStyle: { fontFamily: 'sans-serif' },
      grid: { left: 6, right: 6, top: 18, bottom: 20 },
      xAxis: { type: 'category', data: spans.map((s) => s.label), axisTick: { show: false }, axisLabel: { fontSize: 10, color: '#555', interval: 0 } },
      yAxis: { type: 'value', show: false, minInterval: 1 },
      series: [
        {
          type: 'bar',
          barWidth: '55%',
          label: { show: true, position: 'top', fontSize: 10, color: '#222' },
          data: spans.map((s) => ({ value: s.count, itemStyle: { color: s.previous ? '#b7bcc4' : '#1f5fa8' } })),
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
