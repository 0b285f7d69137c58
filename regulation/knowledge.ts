/**
 * The knowledge base (知识库; issue 17, after 国办发〔2020〕53号: 权威准确、标准统一、实时更新、共建共享):
 * entries a unit answers once and the next petitioner finds. An entry is a question, its answer, the
 * policy basis (law, regulation, article), the unit that owns it, the categories and townships it
 * applies to and a date it is valid until. It moves 草稿 → 审核 → 发布 → 停用; a returned or expired
 * entry goes back to 草稿 with its unit. An entry proposed from a case's approved reply (第十六条)
 * carries no personal data: it is masked as a publication is (第二十条), and refused when what is
 * left still looks like personal data.
 */
import { CATEGORIES, isCategory, type Category } from './categories.js';
import { maskPersonalData } from './masking.js';
import type { PublicationSource } from './publication.js';

export const KNOWLEDGE_STATUSES = ['draft', 'review', 'published', 'retired'] as const;
export type KnowledgeStatus = (typeof KNOWLEDGE_STATUSES)[number];

export const KNOWLEDGE_STATUS_LABELS: Record<KnowledgeStatus, string> = {
  draft: '草稿',
  review: '审核中',
  published: '已发布',
  retired: '已停用',
};

export const isKnowledgeStatus = (v: unknown): v is KnowledgeStatus => typeof v === 'string' && (KNOWLEDGE_STATUSES as readonly string[]).includes(v);

/** what a history row says happened */
export const KNOWLEDGE_ACTIONS = {
  created: '新建',
  proposed: '由答复生成',
  edited: '修改',
  submitted: '提交审核',
  published: '审核通过并发布',
  returned: '审核退回',
  expired: '有效期届满,退回复核',
  renewed: '复核后提交审核',
  retired: '停用',
} as const;
export type KnowledgeAction = keyof typeof KNOWLEDGE_ACTIONS;

export const LIMITS = { question: 300, answer: 4000, basis: 1000, note: 500, townships: 20 } as const;

/** an entry as the review sees it: its content version, status, text and owner */
export interface KnowledgeEntryCore {
  id: string;
  status: KnowledgeStatus;
  version: number;
  question: string;
  answer: string;
  basis: string;
  /** YYYY-MM-DD (China time), or null */
  validUntil: string | null;
  ownerUnitId: string;
}

/** an entry's content, as staff write it */
export interface KnowledgeContent {
  question: string;
  answer: string;
  basis: string;
  categories: Category[];
  townships: string[];
  /** YYYY-MM-DD (China time), or null: valid until changed */
  validUntil: string | null;
}

export interface ContentProblem {
  field: string;
  message: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DAY.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** today's date in China (the valid-until dates are China dates) */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function text(input: Record<string, unknown>, field: keyof typeof LIMITS, label: string, required: boolean, problems: ContentProblem[]): string {
  const v = input[field];
  if (v === undefined || v === null || v === '') {
    if (required) problems.push({ field, message: `请填写${label}` });
    return '';
  }
  if (typeof v !== 'string') {
    problems.push({ field, message: `${label}应为文字` });
    return '';
  }
  const t = v.trim();
  if (required && !t) problems.push({ field, message: `请填写${label}` });
  if ([...t].length > LIMITS[field]) problems.push({ field, message: `${label}不超过 ${LIMITS[field]} 字` });
  return t;
}

function list(v: unknown): unknown[] | undefined {
  if (v === undefined || v === null || v === '') return [];
  if (typeof v === 'string') return v.split(/[\s,，、]+/).filter(Boolean);
  return Array.isArray(v) ? v : undefined;
}

/**
 * The content of an entry from outside input: every problem at once (none: `content` holds it).
 * `townships` are checked against the city's townships; `today` bounds a valid-until date.
 */
export function parseContent(
  raw: unknown,
  ctx: { townships: readonly string[]; today: string },
): { content?: KnowledgeContent; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problems: [{ field: 'body', message: '请提交条目内容' }] };
  const input = raw as Record<string, unknown>;
  const question = text(input, 'question', '问题', true, problems);
  const answer = text(input, 'answer', '答案', true, problems);
  const basis = text(input, 'basis', '政策依据', false, problems);
  const cats = list(input.categories);
  const categories: Category[] = [];
  if (!cats) problems.push({ field: 'categories', message: '类别应为列表' });
  else
    for (const c of cats) {
      if (!isCategory(c)) problems.push({ field: 'categories', message: `类别只能是 ${CATEGORIES.join('、')}` });
      else if (!categories.includes(c)) categories.push(c);
    }
  const towns = list(input.townships);
  const townships: string[] = [];
  if (!towns) problems.push({ field: 'townships', message: '乡镇应为列表' });
  else {
    for (const t of towns) {
      if (typeof t !== 'string' || !ctx.townships.includes(t)) problems.push({ field: 'townships', message: `「${String(t).slice(0, 20)}」不是本市的乡镇(街道)` });
      else if (!townships.includes(t)) townships.push(t);
    }
    if (townships.length > LIMITS.townships) problems.push({ field: 'townships', message: `乡镇最多 ${LIMITS.townships} 个` });
  }
  let validUntil: string | null = null;
  const vu = input.validUntil;
  if (vu !== undefined && vu !== null && vu !== '') {
    if (!isDay(vu)) problems.push({ field: 'validUntil', message: '有效期写作 2027-06-30' });
    else if (vu <= ctx.today) problems.push({ field: 'validUntil', message: '有效期应晚于今天' });
    else validUntil = vu;
  }
  if (problems.length) return { problems };
  return { content: { question, answer, basis, categories, townships, validUntil }, problems };
}

/** the default valid-until of a new entry: one year on (policies change; the unit looks again) */
export function defaultValidUntil(today: string): string {
  const [y, m, d] = today.split('-').map(Number);
  const next = new Date(Date.UTC(y + 1, m - 1, d));
  // 29 February → 28 February
  if (next.getUTCMonth() !== m - 1) next.setUTCDate(0);
  return next.toISOString().slice(0, 10);
}

/** an entry past its valid-until on `today` (the day after it is the first day it is expired) */
export const isExpired = (validUntil: string | null, today: string): boolean => validUntil !== null && validUntil < today;

/**
 * Who may change an entry's content now: a draft is its unit's (and the platform's); one in review or
 * published changes only through the review process; a retired one not at all.
 */
export function mayEditContent(status: KnowledgeStatus): boolean {
  return status === 'draft';
}

/**
 * A draft entry from a case's approved reply (第十六条): the petition's title and the matter asked as
 * the question, the reply's result and text as the answer, its legal basis as the basis — each masked
 * as a publication is (第二十条: the petitioner's name, phone and address, ID numbers, phones, e-mails,
 * names after 我叫/本人/…). Refused (undefined) when the reply holds no answer.
 */
export function draftFromReply(
  reply: unknown,
  source: PublicationSource & { content?: string | null },
): { question: string; answer: string; basis: string } | undefined {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return undefined;
  const r = reply as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const exact = [source.petitionerName, source.petitionerPhone, source.address];
  // an office's landline in the answer stays (the petitioner's own is one of `exact`)
  const mask = (t: string) => maskPersonalData(t, { exact, keepLandlines: true });
  const answerParts = [str(r.result), str(r.replyText)].filter(Boolean);
  // the same sentence written in both fields once
  const answer = [...new Set(answerParts)].join('\n\n');
  if (!answer) return undefined;
  const question = clip(mask(str(source.title) || str(source.content)), LIMITS.question);
  return { question, answer: clip(mask(answer), LIMITS.answer), basis: clip(mask(str(r.legalBasis)), LIMITS.basis) };
}

const clip = (t: string, n: number) => ([...t].length > n ? [...t].slice(0, n - 1).join('') + '…' : t);

/**
 * What still looks like personal data in a text after masking (checked before an entry is
 * published, as a publication is): masking it again would change it. Landlines with an area code are
 * an office's number here (the petitioner's own was masked by name when the draft was made).
 */
export function personalDataLeft(content: Pick<KnowledgeContent, 'question' | 'answer' | 'basis'>): ContentProblem[] {
  const problems: ContentProblem[] = [];
  for (const [field, label] of [['question', '问题'], ['answer', '答案'], ['basis', '政策依据']] as const) {
    if (maskPersonalData(content[field], { keepLandlines: true }) !== content[field]) problems.push({ field, message: `${label}中含有疑似个人信息(姓名、电话、身份证号、邮箱),请删除后再提交` });
  }
  return problems;
}

/**
 * The office's synonym groups from outside input: each group two or more distinct words of at most 16
 * characters without spaces; at most 2,000 groups.
 */
export function parseSynonyms(raw: unknown): { groups?: string[][]; problems: ContentProblem[] } {
  const source = typeof raw === 'string' ? raw.split(/\r?\n/).filter((l) => l.trim()) : raw;
  if (!Array.isArray(source)) return { problems: [{ field: 'groups', message: '同义词应为词组列表,每组两个以上的词' }] };
  if (source.length > 2000) return { problems: [{ field: 'groups', message: '同义词组最多 2000 组' }] };
  const groups: string[][] = [];
  const problems: ContentProblem[] = [];
  source.forEach((g, i) => {
    const words = typeof g === 'string' ? g.split(/[\s,，、]+/).filter(Boolean) : Array.isArray(g) ? g : undefined;
    if (!words || !words.every((w) => typeof w === 'string' && w.length > 0 && w.length <= 16 && !/\s/.test(w))) {
      problems.push({ field: `groups[${i}]`, message: `第 ${i + 1} 组:每个词 1–16 个字,不含空格` });
      return;
    }
    const distinct = [...new Set(words as string[])];
    if (distinct.length < 2) problems.push({ field: `groups[${i}]`, message: `第 ${i + 1} 组:至少两个不同的词` });
    else groups.push(distinct);
  });
  return problems.length ? { problems } : { groups, problems };
}
