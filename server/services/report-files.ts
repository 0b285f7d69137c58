/**
 * A report's downloads (第二十五条): the Excel workbook (exceljs: a sheet per table, Chinese headers,
 * rates as percentage cells holding the fraction) and the Word 专报 to the city's leaders (docx: the
 * title, the summary paragraphs, the main tables, the units below the thresholds named). Both are
 * made from the archived figures and the wording of regulation/report-summary.ts, as the page is.
 */
import ExcelJS from 'exceljs';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { formatShanghaiMoment } from '../../regulation/format.js';
import type { Comparison, ReportFigures, SliceRow } from '../../regulation/report-figures.js';
import {
  briefTitle,
  formatChange,
  formatRate,
  formatRateChange,
  formatTenths,
  reportTitle,
  SLICE_COLUMNS,
  SLICE_TABLES,
  sliceText,
  sliceValue,
  summaryParagraphs,
  unitsBelowThreshold,
} from '../../regulation/report-summary.js';

export interface ReportEdition {
  edition: number;
  issuedAt: Date;
  /** who issued it, as people read it: a name, or 定时出具 */
  issuedByLabel: string;
  figures: ReportFigures;
}

const PERCENT = '0.0%';

/** the headline figures: label, value, whether a rate, comparisons */
export function headlineRows(f: ReportFigures): { label: string; value: number | null; rate: boolean; previous: Comparison | null; lastYear: Comparison | null }[] {
  const t = f.totals;
  return [
    { label: '受理量', value: t.received, rate: false, previous: f.previous.received, lastYear: f.lastYear.received },
    { label: '受理率', value: t.rates.acceptance, rate: true, previous: null, lastYear: null },
    { label: '办结率', value: t.rates.completion, rate: true, previous: f.previous.completion, lastYear: f.lastYear.completion },
    { label: '按期办结率', value: t.rates.onTime, rate: true, previous: f.previous.onTime, lastYear: f.lastYear.onTime },
    { label: '满意率', value: t.rates.satisfaction, rate: true, previous: f.previous.satisfaction, lastYear: f.lastYear.satisfaction },
    { label: '重办率', value: t.rates.redo, rate: true, previous: null, lastYear: null },
  ];
}

const changeText = (c: Comparison | null, rate: boolean) => (c ? (rate ? formatRateChange(c) : formatChange(c)) : '—');
const previousValue = (c: Comparison | null) => (c ? c.previous : null);

// ---- Excel

function sheet(wb: ExcelJS.Workbook, name: string, columns: { header: string; width?: number; rate?: boolean }[], rows: (string | number | null)[][]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, [...c.header].length * 2 + 2), ...(c.rate && { style: { numFmt: PERCENT } }) }));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  return ws;
}

const sliceRows = (rows: SliceRow[]) => rows.map((r) => [r.label, ...SLICE_COLUMNS.map((c) => sliceValue(r, c.key))]);

export async function reportWorkbook(e: ReportEdition): Promise<Buffer> {
  const f = e.figures;
  const wb = new ExcelJS.Workbook();
  wb.creator = '龙南市网络问政平台';
  wb.created = e.issuedAt;
  wb.title = reportTitle(f);
  const t = f.totals;
  sheet(
    wb,
    '概况',
    [{ header: '指标', width: 24 }, { header: '数值', width: 14 }, { header: '上期', width: 14 }, { header: '环比', width: 22 }, { header: '去年同期', width: 14 }, { header: '同比', width: 22 }],
    [
      ...headlineRows(f).map((h) => [h.label, h.value, previousValue(h.previous), changeText(h.previous, h.rate), previousValue(h.lastYear), changeText(h.lastYear, h.rate)]),
      ['受理', t.accepted],
      ['不予受理', t.rejected],
      ['办结', t.closed],
      ['按期办结', t.closedOnTime],
      ['已评价', t.rated],
      ['满意', t.satisfied],
      ['重办', t.redone],
      ['归并', t.merged],
      ['恶意、虚假诉求(不计入)', t.excluded],
    ],
  );
  // the headline rates as percentages (their rows: 2..7, the rate ones by headlineRows)
  const summary = wb.getWorksheet('概况')!;
  headlineRows(f).forEach((h, i) => {
    if (!h.rate) return;
    for (const col of [2, 3, 5]) summary.getRow(i + 2).getCell(col).numFmt = PERCENT;
  });
  for (const tbl of SLICE_TABLES) {
    sheet(wb, tbl.title, [{ header: tbl.keyLabel, width: 26 }, ...SLICE_COLUMNS.map((c) => ({ header: c.label, rate: c.rate }))], sliceRows(f[tbl.key]));
  }
  const rated = f.satisfaction.reduce((s, x) => s + x.count, 0);
  sheet(wb, '满意度', [{ header: '评价', width: 14 }, { header: '件数' }, { header: '占比', rate: true }], f.satisfaction.map((s) => [s.label, s.count, rated ? s.count / rated : null]));
  const w = f.warnings;
  sheet(wb, '预警与扣分', [{ header: '项目', width: 20 }, { header: '数量' }], [
    ['蓝色预警', w.blue],
    ['黄色预警', w.yellow],
    ['红色预警', w.red],
    ['扣分', w.deductionTenths / 10],
    ['转市政府督查室', w.transfers],
    ['通报批评', w.criticisms],
  ]);
  sheet(wb, '督办', [{ header: '督办事项(第二十三条)', width: 36 }, { header: '件数' }], f.supervision.map((s) => [`(${s.item})${s.label}`, s.count]));
  sheet(
    wb,
    '热点问题',
    [{ header: '乡镇', width: 14 }, { header: '关键词', width: 24 }, { header: '件数' }, { header: '上期件数' }, { header: '示例', width: 60 }],
    f.hotspots.map((h) => [h.township ?? '全市', h.keywords.join('、'), h.count, h.previousCount, h.examples.map((x) => `${x.trackingCode} ${x.title}`).join(';')]),
  );
  sheet(
    wb,
    '单位排名',
    [
      { header: '排名' },
      { header: '承办单位', width: 26 },
      { header: '受理量' },
      { header: '办结率', rate: true },
      { header: '按期办结率', rate: true },
      { header: '满意率', rate: true },
      { header: '重办率', rate: true },
      { header: '蓝色预警' },
      { header: '黄色预警' },
      { header: '红色预警' },
      { header: '扣分' },
      { header: '得分' },
    ],
    f.unitsRanked.map((u) => [u.rank, u.label, u.received, u.rates.completion, u.rates.onTime, u.rates.satisfaction, u.rates.redo, u.warnings.blue, u.warnings.yellow, u.warnings.red, u.warnings.deductionTenths / 10, u.score]),
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---- Word

const FONT = { ascii: 'SimSun', eastAsia: 'FangSong', hAnsi: 'SimSun' };

const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold, size: 21 })] })] });

function table(header: string[], rows: string[][]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((x) => cell(x)) }))],
  });
}

const heading = (text: string) => new Paragraph({ heading: HeadingLevel.HEADING_2, spacing: { before: 240, after: 120 }, children: [new TextRun({ text, bold: true, size: 30 })] });
const para = (text: string) => new Paragraph({ spacing: { after: 120, line: 360 }, indent: { firstLine: 640 }, children: [new TextRun({ text, size: 30 })] });

export async function reportBrief(e: ReportEdition): Promise<Buffer> {
  const f = e.figures;
  const below = unitsBelowThreshold(f);
  const doc = new Document({
    creator: '龙南市网络问政平台',
    title: briefTitle(f),
    styles: { default: { document: { run: { font: FONT, size: 30 } } } },
    sections: [
      {
        children: [
          new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 240 }, children: [new TextRun({ text: briefTitle(f), bold: true, size: 40 })] }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 240 },
            children: [new TextRun({ text: `龙南市“五型”政府建设工作办公室 · ${formatShanghaiMoment(e.issuedAt).slice(0, 10)} · 第 ${e.edition} 版`, size: 24 })],
          }),
          heading('一、总体情况'),
          ...summaryParagraphs(f).map(para),
          heading('二、主要指标'),
          table(
            ['指标', '本期', '上期', '环比', '去年同期', '同比'],
            headlineRows(f).map((h) => {
              const show = (v: number | null) => (h.rate ? formatRate(v) : v === null ? '—' : String(v));
              return [h.label, show(h.value), show(previousValue(h.previous)), changeText(h.previous, h.rate), show(previousValue(h.lastYear)), changeText(h.lastYear, h.rate)];
            }),
          ),
          heading('三、各承办单位办理情况'),
          table(
            ['排名', '承办单位', '受理量', '办结率', '按期办结率', '满意率', '扣分'],
            f.unitsRanked.map((u) => [String(u.rank), u.label, String(u.received), formatRate(u.rates.completion), formatRate(u.rates.onTime), formatRate(u.rates.satisfaction), formatTenths(u.warnings.deductionTenths)]),
          ),
          heading('四、按乡镇(属地)'),
          table(['乡镇', ...SLICE_COLUMNS.filter((c) => ['received', 'closed', 'rates.onTime', 'rates.satisfaction'].includes(c.key)).map((c) => c.label)], f.byTownship.map((r) => [r.label, ...SLICE_COLUMNS.filter((c) => ['received', 'closed', 'rates.onTime', 'rates.satisfaction'].includes(c.key)).map((c) => sliceText(r, c))])),
          heading('五、低于考核要求的单位'),
          ...(below.length ? below.map((b) => para(`${b.unit.label}:${b.reasons.join(',')}。`)) : [para('无。')]),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
