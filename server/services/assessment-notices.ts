/**
 * 第二十七条 通报表扬 / 通报批评 as Word documents (`docx`), drawn from a done assessment with the
 * office's template (regulation/notice-template.ts): the heading, the 文号 line, the addressees, the
 * opening, one paragraph per unit the 通报 names (in rank order), the closing, the issuer and the
 * date — laid out as a 党政机关公文 (GB/T 9704: A4, 小标宋 heading, 仿宋 body at 三号, 28-point lines,
 * first lines indented two characters). Only what the assessment recorded is printed.
 */
import { AlignmentType, Document, Packer, Paragraph, TextRun } from 'docx';
import { formatPoints, formatRate, formatScore, type AssessmentFigures, type NoticeKind, type Standing } from '../../regulation/assessment.js';
import { fill, paragraphs, type NoticeTemplate } from '../../regulation/notice-template.js';

export interface NoticeUnit {
  unitName: string;
  score: number | null;
  rank: number | null;
  standing: Standing;
  figures: AssessmentFigures;
}

export interface NoticeInput {
  kind: NoticeKind;
  template: NoticeTemplate;
  /** `2026年第一季度` */
  periodLabel: string;
  year: number;
  edition: number;
  /** when the assessment was done: the 通报's date */
  doneAt: Date;
  units: NoticeUnit[];
}

/** `2026年4月2日`, China time */
export function chineseDate(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  return `${local.getUTCFullYear()}年${local.getUTCMonth() + 1}月${local.getUTCDate()}日`;
}

/** the units a 通报 names, best rank first */
export function namedUnits(kind: NoticeKind, units: readonly NoticeUnit[]): NoticeUnit[] {
  return units.filter((u) => u.standing === kind && u.rank !== null).sort((a, b) => (a.rank as number) - (b.rank as number));
}

/** the placeholders' values of one unit */
export function unitValues(u: NoticeUnit): Record<string, string> {
  const f = u.figures;
  return {
    单位: u.unitName,
    得分: formatScore(u.score),
    排名: u.rank === null ? '—' : String(u.rank),
    受理件数: String(f.received),
    办结率: formatRate(f.rates.completion),
    按期办结率: formatRate(f.rates.onTime),
    满意率: formatRate(f.rates.satisfaction),
    重办率: formatRate(f.rates.redo),
    扣分: formatPoints(f.warnings.deductionTenths),
    转督查室: String(f.warnings.transfers),
    通报批评: String(f.warnings.criticisms),
  };
}

/** the document as paragraphs of text (what the Word file holds, also for tests and previews) */
export function noticeText(input: NoticeInput): { title: string; docNumber: string; addressees: string; body: string[]; issuer: string; date: string } {
  const named = namedUnits(input.kind, input.units);
  const t = input.template;
  const doc: Record<string, string> = {
    期间: input.periodLabel,
    年份: String(input.year),
    版次: String(input.edition),
    单位数: String(named.length),
    参评单位数: String(input.units.filter((u) => u.rank !== null).length),
    日期: chineseDate(input.doneAt),
    发文单位: t.issuer,
  };
  const body = [
    ...paragraphs(fill(t.intro, doc)),
    ...(named.length ? named.map((u) => fill(t.unitParagraph, { ...doc, ...unitValues(u) }).replace(/\s*\n\s*/g, '')) : paragraphs(fill(t.noneText, doc))),
    ...paragraphs(fill(t.closing, doc)),
  ];
  return { title: fill(t.title, doc), docNumber: fill(t.docNumber, doc), addressees: fill(t.addressees, doc), body, issuer: fill(t.issuer, doc), date: doc.日期 };
}

const HEADING_FONT = { eastAsia: '方正小标宋简体', ascii: 'SimSun', hAnsi: 'SimSun' };
const BODY_FONT = { eastAsia: '仿宋_GB2312', ascii: 'FangSong', hAnsi: 'FangSong' };
// 三号 = 16 pt (docx sizes are half-points); 二号 = 22 pt
const BODY_SIZE = 32;
const LINE = { line: 560, lineRule: 'exact' as const };

const text = (t: string, options: { heading?: boolean; bold?: boolean } = {}) =>
  new TextRun({ text: t, font: options.heading ? HEADING_FONT : BODY_FONT, size: options.heading ? 44 : BODY_SIZE, bold: options.bold });

/** the Word document of a 通报 */
export async function renderNotice(input: NoticeInput): Promise<Buffer> {
  const n = noticeText(input);
  const children: Paragraph[] = [
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after: 200 }, children: [text(n.docNumber)] }),
    new Paragraph({ alignment: AlignmentType.CENTER, spacing: { before: 200, after: 400, line: 700, lineRule: 'exact' }, children: [text(n.title, { heading: true })] }),
    ...(n.addressees ? [new Paragraph({ spacing: LINE, children: [text(n.addressees)] })] : []),
    ...n.body.map((p) => new Paragraph({ spacing: LINE, indent: { firstLine: 640 }, alignment: AlignmentType.JUSTIFIED, children: [text(p)] })),
    new Paragraph({ spacing: LINE, children: [] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: LINE, indent: { right: 640 }, children: [text(n.issuer)] }),
    new Paragraph({ alignment: AlignmentType.RIGHT, spacing: LINE, indent: { right: 960 }, children: [text(n.date)] }),
  ];
  const doc = new Document({
    creator: n.issuer,
    title: n.title,
    styles: { default: { document: { run: { font: BODY_FONT, size: BODY_SIZE } } } },
    sections: [
      {
        properties: {
          // A4 with the 公文 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (in twips)
          page: { size: { width: 11906, height: 16838 }, margin: { top: 2098, bottom: 1984, left: 1587, right: 1474 } },
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
