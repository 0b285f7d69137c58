/**
 * 第二十五条 月报、季报 through HTTP: the schedule (`office-reports`, deployed as at start, its daily
 * timer cycle run by the clock) issues September 2026's 月报 and the third quarter's 季报 on 8 October
 * — the first working day after the National Day holidays — once, and nothing on the days before;
 * the reviewer's re-issue is edition 2 and edition 1 stays as it was. The page, the Excel workbook
 * and the Word 专报 of an edition carry the same numbers; a unit reads its own row and no more.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type request from 'supertest';
import { createTestApp, type TestApp } from '../../app-harness.js';
import { projectRoot } from '../../../app.js';
import { fixtureFigures } from '../../../../workers/testing/report-figures-fixture.js';
import type { ReportFigures } from '../../../../regulation/report-figures.js';
import { formatRate, SLICE_COLUMNS, sliceValue } from '../../../../regulation/report-summary.js';
import { renderTemplate } from '../../../../regulation/templates.js';
import { later, staff, submit, type Staff } from './steps.js';

const binary = (req: request.Test) =>
  req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });

/** the text of every cell of a table row of the page: `data-table` → `data-key` → cells */
function pageRow(html: string, table: string, key: string): string[] {
  const t = new RegExp(`<table[^>]*data-table="${table}"[^>]*>([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
  const row = new RegExp(`<tr data-key="${key}"[^>]*>([\\s\\S]*?)</tr>`).exec(t)?.[1];
  if (!row) throw new Error(`no row ${key} in table ${table}`);
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim());
}

const headline = (html: string, key: string) => /<strong class="report-card-value">([^<]*)<\/strong>/.exec(html.slice(html.indexOf(`data-figure="${key}"`)))?.[1];

/** a workbook cell as the page shows it: rates (percentage cells) as 93.4%, counts as digits */
const shown = (cell: ExcelJS.Cell) => (cell.numFmt === '0.0%' ? formatRate(cell.value as number | null) : String(cell.value ?? ''));

describe('第二十五条 月报、季报: the page, the Excel workbook and the Word 专报 of an edition', () => {
  let h: TestApp;
  let as: Staff;
  // what the figures service answers: the fixture, changed from the second computation on
  let computations = 0;
  const figures = async (period: ReportFigures['period']) => {
    computations += 1;
    const f = fixtureFigures(period, h.t.clock.now().toISOString());
    if (computations > 1) f.totals.excluded += computations;
    return f;
  };
  beforeAll(async () => {
    // Wednesday 2 December 2026, 10:00 in Longnan
    h = await createTestApp({ start: '2026-12-02T02:00:00.000Z', reportFigures: { figures } });
    as = staff(h);
  });
  afterAll(() => h?.close());

  it('given November’s figures, when the reviewer issues the 月报, then the page, the workbook and the 专报 show the same numbers, with charts drawn on the server', async () => {
    const reviewer = await as('reviewer');
    const issued = await reviewer.post('/api/reports', { kind: 'month', year: 2026, index: 11 }).expect(201);
    expect(issued.body).toMatchObject({ kind: 'month', year: 2026, index: 11, edition: 1, label: '2026年11月', origin: 'demand', from: '2026-11-01', to: '2026-12-01' });
    const id = issued.body.id as number;
    const f = (await reviewer.get(`/api/reports/${id}`).expect(200)).body.figures as ReportFigures;

    const page = (await reviewer.get(`/staff/reports/${id}`).expect(200)).text;
    expect(page).toContain('<h1>2026年11月月报</h1>');
    // the charts are SVG in the page, no script anywhere
    expect((page.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(6);
    expect(page).not.toMatch(/<script/i);
    expect(headline(page, 'received')).toBe(String(f.totals.received));
    expect(headline(page, 'satisfaction')).toBe(formatRate(f.totals.rates.satisfaction));

    // the workbook: a sheet per table, Chinese headers, every row the page's
    const xlsx = await binary(reviewer.get(`/api/reports/${id}/workbook`)).expect(200);
    expect(xlsx.headers['content-disposition']).toContain('xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    expect(book.worksheets.map((s) => s.name)).toEqual(['概况', '按渠道', '按类别', '按乡镇(属地)', '按承办单位', '满意度', '预警与扣分', '督办', '热点问题', '单位排名']);
    const units = book.getWorksheet('按承办单位')!;
    expect((units.getRow(1).values as unknown[]).slice(1)).toEqual(['承办单位', ...SLICE_COLUMNS.map((c) => c.label)]);
    for (const [sheet, table, rows] of [['按渠道', 'byChannel', f.byChannel], ['按承办单位', 'byUnit', f.byUnit]] as const) {
      rows.forEach((r, i) => {
        const excel = book.getWorksheet(sheet)!.getRow(i + 2);
        const cells = SLICE_COLUMNS.map((_, c) => shown(excel.getCell(c + 2)));
        expect([String(excel.getCell(1).value), ...cells]).toEqual(pageRow(page, table, r.key));
      });
    }
    // a rate is a percentage cell holding the fraction
    const longnan = units.getRow(2);
    expect(longnan.getCell(1).value).toBe('龙南镇人民政府');
    expect(longnan.getCell(2 + SLICE_COLUMNS.findIndex((c) => c.key === 'rates.satisfaction')).value).toBeCloseTo(sliceValue(f.byUnit[0], 'rates.satisfaction')!, 10);
    const ranked = book.getWorksheet('单位排名')!;
    f.unitsRanked.forEach((u, i) => {
      const row = ranked.getRow(i + 2);
      const onPage = pageRow(page, 'unitsRanked', u.key);
      expect([String(row.getCell(1).value), String(row.getCell(2).value), String(row.getCell(3).value), shown(row.getCell(4)), shown(row.getCell(5)), shown(row.getCell(6)), shown(row.getCell(7))]).toEqual(onPage.slice(0, 7));
    });

    // the 专报: its title, its numbers, the unit below the thresholds named
    const docx = await binary(reviewer.get(`/api/reports/${id}/brief`)).expect(200);
    const xml = await (await JSZip.loadAsync(docx.body as Buffer)).file('word/document.xml')!.async('string');
    const text = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('');
    expect(text).toContain('龙南市问政平台2026年11月运行情况专报');
    expect(text).toContain(`平台共受理群众诉求 ${f.totals.received} 件`);
    expect(text).toContain(`满意率 ${formatRate(f.totals.rates.satisfaction)}`);
    for (const u of f.unitsRanked) for (const cell of pageRow(page, 'unitsRanked', u.key).slice(1, 6)) expect(text).toContain(cell);
    // 住建局: 按期办结率 76.9%, 满意率 75.0% — named, on the page as in the 专报
    expect(text).toContain('龙南市住房和城乡建设局:按期办结率 76.9%(低于 90.0%),满意率 75.0%(低于 85.0%)');
    expect(page).toContain('龙南市住房和城乡建设局(按期办结率 76.9%(低于 90.0%),满意率 75.0%(低于 85.0%))');
  });

  it('given an issued edition, when the reviewer re-issues the period, then it is edition 2 and edition 1 is unchanged; the list shows the latest and the page links both', async () => {
    const [first] = (await (await as('reviewer')).get('/api/reports?kind=month').expect(200)).body;
    const before = (await (await as('reviewer')).get(`/api/reports/${first.id}`).expect(200)).body;
    await later(h, '2026-12-03T02:00:00.000Z');
    const reviewer = await as('reviewer');
    const again = await reviewer.post('/staff/reports', { year: '2026', period: 'month:11' }).type('form').redirects(0);
    expect(again.status).toBe(303);
    const secondId = Number(/\/staff\/reports\/(\d+)$/.exec(again.headers.location)![1]);
    const second = (await reviewer.get(`/api/reports/${secondId}`).expect(200)).body;
    expect(second).toMatchObject({ edition: 2, label: '2026年11月', origin: 'demand' });
    expect(second.figures.totals.excluded).not.toBe(before.figures.totals.excluded);
    expect((await reviewer.get(`/api/reports/${first.id}`).expect(200)).body).toEqual({ ...before, editions: second.editions });
    expect(second.editions.map((e: { edition: number }) => e.edition)).toEqual([1, 2]);
    const list = (await reviewer.get('/api/reports').expect(200)).body;
    expect(list.map((r: { label: string; edition: number; editions: number }) => [r.label, r.edition, r.editions])).toEqual([['2026年11月', 2, 2]]);
    const page = (await reviewer.get(`/staff/reports/${secondId}`).expect(200)).text;
    expect(page).toContain(`href="/staff/reports/${first.id}">第 1 版</a>`);
    // a period that has not begun, and a month that does not exist, are refused and make nothing
    expect((await reviewer.post('/api/reports', { kind: 'quarter', year: 2027, index: 1 })).body.error.code).toBe('PERIOD_NOT_STARTED');
    expect((await reviewer.post('/api/reports', { kind: 'month', year: 2026, index: 0 })).status).toBe(400);
    expect((await reviewer.get('/api/reports').expect(200)).body).toHaveLength(1);
  });

  it('given a report, when a unit’s handler opens it, then they see their unit’s row and rank, and neither the whole report nor another unit’s row', async () => {
    const handler = await as('handler-longnan');
    const [r] = (await handler.get('/api/reports').expect(200)).body;
    const own = (await handler.get(`/api/reports/${r.id}/units/u-longnan`).expect(200)).body;
    expect(own.row).toMatchObject({ key: 'u-longnan', label: '龙南镇人民政府', received: 120 });
    expect(own.ranked.rank).toBeGreaterThan(0);
    expect((await handler.get(`/api/reports/${r.id}/units/u-market`)).status).toBe(403);
    expect((await handler.get(`/api/reports/${r.id}`)).status).toBe(403);
    const page = await handler.get(`/staff/reports/${r.id}`).redirects(1).expect(200);
    expect(page.text).toContain('龙南镇人民政府');
    expect(page.text).not.toContain('龙南市市场监督管理局');
  });
});

describe('第二十五条 月报、季报 on schedule', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    // Monday 28 September 2026, 09:00 in Longnan: the diagrams deployed as at start
    h = await createTestApp({ start: '2026-09-28T01:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  it('given the daily timer, when the clock moves from 28 September through the National Day holidays, then September’s 月报 and the third quarter’s 季报 are issued on 8 October, once each; a second run that day issues nothing new; the reviewer’s re-issue is edition 2', async () => {
    const c = await submit(h, as, { title: '月报:小区路灯不亮' });
    expect(c.code).toBeTruthy();
    const reports = async () => (await (await as('reviewer')).get('/api/reports').expect(200)).body as { id: number; kind: string; label: string; edition: number; origin: string; issuedBy: string; processInstanceKey: string | null }[];

    // 29 September … 7 October (the 30th a working day but not a month's first; 1–7 October holidays): nothing
    for (const day of ['2026-09-29', '2026-09-30', '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']) {
      await later(h, `${day}T01:30:00.000Z`);
      expect({ day, reports: await reports() }).toEqual({ day, reports: [] });
    }
    // one check a day at the diagram's 08:00 (none on the 28th: deployed at 09:00, the cycle keeps its time of day)
    const checks = (await h.t.engine.listProcessInstances({ processId: 'office-reports', limit: 100 })).length;
    expect(checks).toBe(9);

    // Thursday 8 October, the first working day of October
    await later(h, '2026-10-08T01:30:00.000Z');
    const issued = await reports();
    expect(issued.map((r) => [r.kind, r.label, r.edition, r.origin, r.issuedBy])).toEqual([
      ['month', '2026年9月', 1, 'schedule', 'schedule'],
      ['quarter', '2026年第三季度', 1, 'schedule', 'schedule'],
    ]);
    expect(issued[0].processInstanceKey).toBeTruthy();
    const september = (await (await as('reviewer')).get(`/api/reports/${issued[0].id}`).expect(200)).body;
    // the one petition of 28 September, counted by the figures service, in the 月报 and the 季报
    expect(september.figures.totals.received).toBe(1);
    expect(september.figures.byChannel.find((r: { key: string }) => r.key === 'web')?.received).toBe(1);
    expect((await (await as('reviewer')).get(`/api/reports/${issued[1].id}`).expect(200)).body.figures.totals.received).toBe(1);
    // its page and its files are made from the archived figures
    const page = (await (await as('leader')).get(`/staff/reports/${issued[0].id}`).expect(200)).text;
    expect(page).toContain('<h1>2026年9月月报</h1>');
    expect(page).toContain('定时出具');
    await binary((await as('leader')).get(`/api/reports/${issued[0].id}/brief`)).expect(200);

    // the process admin moves the daily check to 10:00 through the deploy gate at 09:30: the new
    // version's timer waits for 10:00, a second check that day, which issues nothing new
    const diagram = readFileSync(join(projectRoot, 'processes', 'office-reports.bpmn'), 'utf8');
    const moved = diagram.replace('R/2026-01-01T08:00:00+08:00/P1D', 'R/2026-01-01T10:00:00+08:00/P1D');
    expect(moved).not.toBe(diagram);
    const deployed = await (await as('modeler')).post('/api/deployments', { resources: [{ name: 'office-reports.bpmn', content: moved }] });
    expect(deployed.status).toBe(201);
    await h.settle();
    expect((await h.t.engine.listProcessInstances({ processId: 'office-reports', limit: 100 })).length).toBe(checks + 1);
    // 8 October 10:00 and 9 October 10:00; the old version's 08:00 timer is gone
    await later(h, '2026-10-09T02:30:00.000Z');
    expect((await h.t.engine.listProcessInstances({ processId: 'office-reports', limit: 100 })).length).toBe(checks + 3);
    expect((await reports()).map((r) => r.id)).toEqual(issued.map((r) => r.id));
    expect(await h.t.engine.listIncidents({ state: 'active' })).toEqual([]);

    // the platform office and the city's leaders were told once per report
    const told = (await h.outbox.list({ limit: 500 })).filter((m) => m.template === 'report-issued');
    expect(told.map((m) => [m.recipientKind, renderTemplate(m.template, m.payload)]).sort()).toEqual(
      [
        ['city-leaders', '【龙南问政】2026年9月月报已出具,请登录平台“报告”页查看或下载(第二十五条)。'],
        ['city-leaders', '【龙南问政】2026年第三季度季报已出具,请登录平台“报告”页查看或下载(第二十五条)。'],
        ['platform', '【龙南问政】2026年9月月报已出具,请登录平台“报告”页查看或下载(第二十五条)。'],
        ['platform', '【龙南问政】2026年第三季度季报已出具,请登录平台“报告”页查看或下载(第二十五条)。'],
      ].sort(),
    );

    // the reviewer re-issues September: edition 2; the schedule's edition 1 is as it was
    const again = await (await as('reviewer')).post('/api/reports', { kind: 'month', year: 2026, index: 9 }).expect(201);
    expect(again.body).toMatchObject({ edition: 2, origin: 'demand' });
    const first = (await (await as('reviewer')).get(`/api/reports/${issued[0].id}`).expect(200)).body;
    expect(first.figures).toEqual(september.figures);
    expect(first.edition).toBe(1);
  });
});
