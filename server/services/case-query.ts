/**
 * The case list's state as a URL (issue 15): filters, sort, search and the keyset cursor, read from a
 * query string and written back to one. The page's GET form, the API's query parameters, the exports
 * and the saved views all go through `parseCaseQuery`, so the same URL means the same list everywhere.
 *
 * An unknown value is a problem (a Chinese message, by field): the API answers 400 with them, the
 * page ignores the field and says why. Who may use a filter (the phone search, another unit) is the
 * service's check, not this one's.
 */
import { CATEGORIES, CATEGORY_LABELS, isCategory, type Category } from '../../regulation/categories.js';
import { PETITION_STATUS_LABELS, isKnownStatus } from '../../regulation/petition-status.js';
import { WARNING_LEVELS, WARNING_RULES, isWarningLevel, type WarningLevel } from '../../regulation/warnings.js';
import { CHANNELS, CHANNEL_LABELS, normalizeTrackingCode, type Channel } from '../data/petitions-repository.js';
import { normalizeMainlandMobile } from '../domain/identity-crypto.js';
import { UNIT_ID_PATTERN } from '../domain/roles.js';
import { hasControlCharacters } from '../domain/text.js';
import type { FieldProblem } from './petition-service.js';

export const CASE_SORTS = ['newest', 'oldest', 'updated'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];
export const SORT_LABELS: Record<CaseSort, string> = { newest: '最新提交在前', oldest: '最早提交在前', updated: '最近更新在前' };

/** rows on a page of the list */
export const CASE_PAGE = 50;
/** a keyword search reads a bounded range of submission dates: this many days back when none is given … */
export const KEYWORD_DEFAULT_DAYS = 90;
/** … and at most this long a range (LIKE '%…%' cannot use an index: the date range bounds the scan) */
export const KEYWORD_MAX_DAYS = 366;

export interface CaseQuery {
  status?: string;
  category?: Category;
  /** the handling unit (accounts that see every case) */
  unit?: string;
  township?: string;
  channel?: Channel;
  urgent?: boolean;
  /** the 红黄蓝 warning reached (this level or a higher one) */
  warning?: WarningLevel;
  /** received on or after / on or before, Shanghai dates YYYY-MM-DD */
  from?: string;
  to?: string;
  /** a tracking code (exact) or a keyword in the title or content, as typed */
  q?: string;
  /** a petitioner's mobile number (platform roles only; never written anywhere) */
  phone?: string;
  sort: CaseSort;
  /** keyset cursors: the page after / before this row */
  after?: string;
  before?: string;
}

/** the query parameters, in the order a URL lists them */
export const QUERY_KEYS = ['q', 'phone', 'status', 'category', 'unit', 'township', 'channel', 'urgent', 'warning', 'from', 'to', 'sort', 'after', 'before'] as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** the first instant of a Shanghai date (UTC+8 all year: no daylight saving since 1991) */
export const shanghaiDayStart = (date: string) => new Date(`${date}T00:00:00+08:00`);
export const shanghaiDate = (instant: Date) => new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

function validDate(v: string): boolean {
  if (!DATE.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** one value of a parameter: a repeated one (`?status=a&status=b`) is a problem, not a silent pick */
function one(raw: Record<string, unknown>, key: string, problems: FieldProblem[]): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    problems.push({ field: key, message: `「${key}」只能有一个值` });
    return undefined;
  }
  const t = v.trim();
  return t === '' ? undefined : t;
}

export interface ParsedCaseQuery {
  query: CaseQuery;
  problems: FieldProblem[];
}

/** the list's state from a query string's parameters; the problematic fields are left out and listed */
export function parseCaseQuery(raw: Record<string, unknown>): ParsedCaseQuery {
  const problems: FieldProblem[] = [];
  const query: CaseQuery = { sort: 'newest' };
  const get = (key: string) => one(raw, key, problems);
  const bad = (field: string, message: string) => problems.push({ field, message });

  const status = get('status');
  if (status !== undefined) {
    if (isKnownStatus(status)) query.status = status;
    else bad('status', `未知的状态「${clip(status)}」,可选:${Object.keys(PETITION_STATUS_LABELS).join('、')}`);
  }
  const category = get('category');
  if (category !== undefined) {
    if (isCategory(category)) query.category = category;
    else bad('category', `未知的类别「${clip(category)}」,可选:${CATEGORIES.join('、')}`);
  }
  const unit = get('unit');
  if (unit !== undefined) {
    if (UNIT_ID_PATTERN.test(unit)) query.unit = unit;
    else bad('unit', '承办单位编号格式不正确');
  }
  const township = get('township');
  if (township !== undefined) {
    if (/^\d{9}(?:\d{3})?$/.test(township)) query.township = township;
    else bad('township', '乡镇须为 9 位或 12 位区划代码');
  }
  const channel = get('channel');
  if (channel !== undefined) {
    if ((CHANNELS as readonly string[]).includes(channel)) query.channel = channel as Channel;
    else bad('channel', `未知的渠道「${clip(channel)}」,可选:${CHANNELS.join('、')}`);
  }
  const urgent = get('urgent');
  if (urgent !== undefined) {
    if (urgent === 'true' || urgent === 'false') query.urgent = urgent === 'true';
    else bad('urgent', '「突发」须为 true 或 false');
  }
  const warning = get('warning');
  if (warning !== undefined) {
    if (isWarningLevel(warning)) query.warning = warning;
    else bad('warning', `未知的预警等级「${clip(warning)}」,可选:${WARNING_LEVELS.join('、')}`);
  }
  for (const key of ['from', 'to'] as const) {
    const v = get(key);
    if (v === undefined) continue;
    if (validDate(v)) query[key] = v;
    else bad(key, `${key === 'from' ? '开始' : '结束'}日期须为 YYYY-MM-DD`);
  }
  if (query.from && query.to && query.from > query.to) {
    bad('to', '结束日期不能早于开始日期');
    delete query.to;
  }
  const q = get('q');
  if (q !== undefined) {
    if ([...q].length > 100) bad('q', '搜索词最多 100 个字');
    else if (hasControlCharacters(q)) bad('q', '搜索词含有不可见的控制字符');
    else query.q = q;
  }
  const phone = get('phone');
  if (phone !== undefined) {
    const normalized = normalizeMainlandMobile(phone);
    if (normalized) query.phone = normalized;
    else bad('phone', '手机号码须为 11 位大陆手机号');
  }
  const sort = get('sort');
  if (sort !== undefined) {
    if ((CASE_SORTS as readonly string[]).includes(sort)) query.sort = sort as CaseSort;
    else bad('sort', `未知的排序「${clip(sort)}」,可选:${CASE_SORTS.join('、')}`);
  }
  const after = get('after');
  const before = get('before');
  if (after !== undefined && before !== undefined) bad('after', '不能同时指定 after 和 before');
  else {
    for (const [key, v] of [['after', after], ['before', before]] as const) {
      if (v === undefined) continue;
      if (decodeCursor(v, query.sort)) query[key] = v;
      else bad(key, '翻页位置无效(可能已更换排序),请回到第一页');
    }
  }
  return { query, problems };
}

/** a tracking code when `q` is one (exact match), else undefined (a keyword) */
export const trackingCodeOf = (q: string | undefined) => (q === undefined ? undefined : normalizeTrackingCode(q));

/**
 * The received-date range a keyword search reads: the one given, or the last KEYWORD_DEFAULT_DAYS
 * days; a problem when it is longer than KEYWORD_MAX_DAYS.
 */
export function keywordRange(query: CaseQuery, now: Date): { from: Date; to?: Date; problem?: FieldProblem; defaulted: boolean } {
  const to = query.to ? new Date(shanghaiDayStart(query.to).getTime() + DAY_MS) : undefined;
  const end = to ?? new Date(shanghaiDayStart(shanghaiDate(now)).getTime() + DAY_MS);
  const from = query.from ? shanghaiDayStart(query.from) : new Date(end.getTime() - KEYWORD_DEFAULT_DAYS * DAY_MS);
  const days = Math.round((end.getTime() - from.getTime()) / DAY_MS);
  return {
    from,
    ...(to && { to }),
    defaulted: !query.from,
    ...(days > KEYWORD_MAX_DAYS && { problem: { field: 'from', message: `关键词搜索的提交日期范围最长 ${KEYWORD_MAX_DAYS} 天,请缩小范围(或按查询编号搜索)` } }),
  };
}

/** the list's URL query (without `?`), the cursors left out unless asked for */
export function toQueryString(query: Partial<CaseQuery>, extra: { after?: string; before?: string } = {}): string {
  const params = new URLSearchParams();
  const all: Record<string, unknown> = { ...query, after: undefined, before: undefined, ...extra };
  for (const key of QUERY_KEYS) {
    const v = all[key];
    if (v === undefined || v === null || v === '') continue;
    if (key === 'sort' && v === 'newest') continue;
    params.set(key, String(v));
  }
  return params.toString();
}

/** the query without the phone (a saved view or a link in a log never holds one) */
export const withoutPhone = (query: CaseQuery): CaseQuery => {
  const rest = { ...query };
  delete rest.phone;
  return rest;
};

/** a keyset position: the last (or first) row's sort key and id, with the sort it belongs to */
export interface Cursor {
  key: number;
  id: string;
}

export function encodeCursor(sort: CaseSort, c: Cursor): string {
  return Buffer.from(JSON.stringify([sort, c.key, c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string, sort: CaseSort): Cursor | undefined {
  if (text.length > 200 || !/^[\w-]+$/.test(text)) return undefined;
  try {
    const json = Buffer.from(text, 'base64url').toString('utf8');
    // base64 decoding forgives stray characters: only a cursor this code wrote is taken
    if (Buffer.from(json, 'utf8').toString('base64url') !== text) return undefined;
    const v: unknown = JSON.parse(json);
    if (!Array.isArray(v) || v.length !== 3) return undefined;
    const [s, key, id] = v as unknown[];
    if (s !== sort || !Number.isSafeInteger(key) || typeof id !== 'string' || !/^[\w.:-]{1,64}$/.test(id)) return undefined;
    return { key: key as number, id };
  } catch {
    return undefined;
  }
}

/** the options of the filter form's selects, in Chinese */
export function filterOptions() {
  return {
    statuses: Object.entries(PETITION_STATUS_LABELS).map(([value, label]) => ({ value, label })),
    categories: CATEGORIES.map((value) => ({ value, label: CATEGORY_LABELS[value] })),
    channels: CHANNELS.map((value) => ({ value, label: CHANNEL_LABELS[value] })),
    warnings: WARNING_LEVELS.map((value) => ({ value, label: `${WARNING_RULES[value].label}及以上` })),
    sorts: CASE_SORTS.map((value) => ({ value, label: SORT_LABELS[value] })),
  };
}

const clip = (s: string) => ([...s].length > 20 ? `${[...s].slice(0, 20).join('')}…` : s);
