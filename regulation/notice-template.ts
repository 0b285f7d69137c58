/**
 * 第二十七条 通报表扬 / 通报批评: the office's template of each, and its placeholders. The platform
 * office edits the words (a page, `PUT /api/notice-templates/:kind`); the figures come from a done
 * assessment. A template names values as `{{期间}}`, `{{单位}}`…: the document-wide ones anywhere, a
 * unit's only in the paragraph written once per unit. An unknown or misplaced placeholder is refused
 * when the template is saved, so a document never prints `{{…}}`.
 */
import type { NoticeKind } from './assessment.js';

export const ISSUER = '龙南市“五型”政府建设办公室';

/** placeholders of the whole document */
export const DOCUMENT_PLACEHOLDERS = {
  期间: 'the period (2026年第一季度)',
  年份: 'the period\'s year',
  版次: 'the assessment\'s edition (1, 2…)',
  单位数: 'how many units the 通报 names',
  参评单位数: 'how many units were ranked',
  日期: 'the date the assessment was done (2026年4月2日)',
  发文单位: 'the issuer',
} as const;

/** placeholders of one unit's paragraph */
export const UNIT_PLACEHOLDERS = {
  单位: 'the unit\'s name',
  得分: 'its score',
  排名: 'its rank',
  受理件数: 'cases received in the period',
  办结率: '办结率',
  按期办结率: '按期办结率',
  满意率: '满意率',
  重办率: '重办率',
  扣分: 'deductions (第二十六条), points',
  转督查室: 'transfers to 市政府督查室',
  通报批评: '通报批评 in the period',
} as const;

export type DocumentPlaceholder = keyof typeof DOCUMENT_PLACEHOLDERS;
export type UnitPlaceholder = keyof typeof UNIT_PLACEHOLDERS;

export interface NoticeTemplate {
  /** the heading */
  title: string;
  /** the 文号 line under it */
  docNumber: string;
  /** the addressees (主送) */
  addressees: string;
  /** paragraphs before the units (one per line) */
  intro: string;
  /** one paragraph per unit named */
  unitParagraph: string;
  /** what stands instead of the units when none is named */
  noneText: string;
  /** paragraphs after the units (one per line) */
  closing: string;
  /** 落款 */
  issuer: string;
}

export const TEMPLATE_FIELDS: readonly (keyof NoticeTemplate)[] = ['title', 'docNumber', 'addressees', 'intro', 'unitParagraph', 'noneText', 'closing', 'issuer'];

export const TEMPLATE_FIELD_LABELS: Record<keyof NoticeTemplate, string> = {
  title: '标题',
  docNumber: '文号',
  addressees: '主送',
  intro: '开头',
  unitParagraph: '单位段落(每个单位一段)',
  noneText: '无单位时的说明',
  closing: '结尾',
  issuer: '落款',
};

/** the longest a field may be (characters) */
const MAX_LENGTH: Record<keyof NoticeTemplate, number> = { title: 200, docNumber: 100, addressees: 300, intro: 4000, unitParagraph: 2000, noneText: 500, closing: 4000, issuer: 100 };
const REQUIRED: readonly (keyof NoticeTemplate)[] = ['title', 'unitParagraph', 'issuer'];

export const DEFAULT_TEMPLATES: Record<NoticeKind, NoticeTemplate> = {
  praise: {
    title: '关于{{期间}}网络问政办理工作表现突出单位的通报',
    docNumber: '龙五型办字〔{{年份}}〕考{{版次}}号',
    addressees: '各乡(镇)人民政府,市直各单位,各有关企业:',
    intro:
      '根据《龙南市“问政赣州”网络问政平台运行管理办法(试行)》第二十七条规定,市“五型”办对{{期间}}各承办单位网络问政诉求的办理情况、满意度等进行了考核,共有{{参评单位数}}个单位参评。经考核,以下{{单位数}}个单位办理及时、群众满意,工作成绩突出,现予以通报表扬:',
    unitParagraph: '{{单位}}:考核得分{{得分}}分,排名第{{排名}}位。本期受理诉求{{受理件数}}件,办结率{{办结率}},按期办结率{{按期办结率}},满意率{{满意率}}。',
    noneText: '本期无符合通报表扬条件的单位。',
    closing: '希望受到表扬的单位珍惜荣誉、再接再厉。各单位要以先进为榜样,切实提高诉求办理质量和效率,不断提升群众满意度。',
    issuer: ISSUER,
  },
  criticism: {
    title: '关于{{期间}}网络问政办理工作落后单位的通报',
    docNumber: '龙五型办字〔{{年份}}〕考{{版次}}号',
    addressees: '各乡(镇)人民政府,市直各单位,各有关企业:',
    intro:
      '根据《龙南市“问政赣州”网络问政平台运行管理办法(试行)》第二十七条规定,市“五型”办对{{期间}}各承办单位网络问政诉求的办理情况、满意度等进行了考核,共有{{参评单位数}}个单位参评。经考核,以下{{单位数}}个单位办理工作落后,现予以通报批评:',
    unitParagraph: '{{单位}}:考核得分{{得分}}分,排名第{{排名}}位。本期受理诉求{{受理件数}}件,按期办结率{{按期办结率}},满意率{{满意率}},重办率{{重办率}};红黄蓝预警计扣{{扣分}}分,转市政府督查室{{转督查室}}件,通报批评{{通报批评}}次。',
    noneText: '本期无需通报批评的单位。',
    closing:
      '被通报批评的单位要高度重视,认真查找原因,自收到本通报之日起 10 个工作日内将整改情况书面报市“五型”办。考核结果纳入“五型”政府建设相关考核指标。',
    issuer: ISSUER,
  },
};

export interface TemplateProblem {
  field: keyof NoticeTemplate | string;
  message: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** the placeholders a text names, in order */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/**
 * The problems of a template as given (empty: it may be saved): every field a string within its
 * length, the required ones not blank, every `{{…}}` known and in a field where it has a value, no
 * brace left unpaired.
 */
export function checkTemplate(input: unknown): { template?: NoticeTemplate; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { problems: [{ field: 'template', message: '模板须为对象' }] };
  const src = input as Record<string, unknown>;
  for (const k of Object.keys(src)) if (!(TEMPLATE_FIELDS as readonly string[]).includes(k)) problems.push({ field: k, message: `未知的字段 ${k}` });
  const out = {} as NoticeTemplate;
  const docNames = Object.keys(DOCUMENT_PLACEHOLDERS);
  const unitNames = Object.keys(UNIT_PLACEHOLDERS);
  for (const f of TEMPLATE_FIELDS) {
    const v = src[f] ?? '';
    const label = TEMPLATE_FIELD_LABELS[f];
    if (typeof v !== 'string') {
      problems.push({ field: f, message: `${label}须为文字` });
      continue;
    }
    const text = v.replace(/\r\n?/g, '\n').trim();
    out[f] = text;
    if (REQUIRED.includes(f) && text === '') problems.push({ field: f, message: `${label}不能为空` });
    if ([...text].length > MAX_LENGTH[f]) problems.push({ field: f, message: `${label}不能超过 ${MAX_LENGTH[f]} 个字` });
    const allowed = f === 'unitParagraph' ? [...docNames, ...unitNames] : docNames;
    for (const name of placeholdersOf(text)) {
      if (allowed.includes(name)) continue;
      if (unitNames.includes(name)) problems.push({ field: f, message: `${label}中不能使用单位占位符 {{${name}}}(只能用在单位段落中)` });
      else problems.push({ field: f, message: `${label}中有未知的占位符 {{${name}}};可用的占位符:${allowed.map((n) => `{{${n}}}`).join(' ')}` });
    }
    const rest = text.replace(PLACEHOLDER, '');
    if (/\{\{|\}\}/.test(rest)) problems.push({ field: f, message: `${label}中的花括号不成对:占位符须写作 {{名称}}` });
  }
  return problems.length ? { problems } : { template: out, problems };
}

/** a text with its placeholders filled (a name without a value stays as written: checkTemplate refuses those) */
export function fill(text: string, values: Partial<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
}

/** a multi-line field as paragraphs (blank lines dropped) */
export function paragraphs(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
