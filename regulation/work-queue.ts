/**
 * The staff work queue's plain rules (issue 15): its tabs, sorts and priorities, and the one reading
 * of a list state from a URL's query — the same for the page and the API, so every list a person
 * sees is a link they can keep, send or save as a view. Nothing here reads a database.
 */
import { CATEGORIES, type Category } from './categories.js';
import { WARNING_LEVELS, type WarningLevel } from './warnings.js';

/** 我的待办, 本单位待认领, 即将超期 (due within one working day), 已超期 (by colour), 已办, and every open task */
export const QUEUE_TABS = ['all', 'mine', 'unclaimed', 'soon', 'overdue', 'done'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];
export const QUEUE_TAB_LABELS: Record<QueueTab, string> = {
  all: '全部待办',
  mine: '我的待办',
  unclaimed: '待认领',
  soon: '即将超期',
  overdue: '已超期',
  done: '已办',
};

export const QUEUE_SORTS = ['due', 'received', 'priority'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
export const QUEUE_SORT_LABELS: Record<QueueSort, string> = { due: '按期限', received: '按收到时间', priority: '按优先级' };

/** set by the platform office: 紧急 first, then 优先, then 普通 */
export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PRIORITY_LABELS: Record<Priority, string> = { normal: '普通', high: '优先', urgent: '紧急' };
/** the order a priority sorts in (ascending: the most urgent first) */
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2 };
export const priorityOfRank = (rank: number): Priority => (PRIORITIES.find((p) => PRIORITY_RANK[p] === rank) ?? 'normal');

/** who may see the whole city's queue instead of their own groups' (they see every case anyway) */
export const QUEUE_SCOPES = ['mine', 'all'] as const;
export type QueueScope = (typeof QUEUE_SCOPES)[number];

export const CHANNEL_CODES = ['web', 'wechat', 'hotline'] as const;

export interface QueueQuery {
  tab: QueueTab;
  scope: QueueScope;
  sort: QueueSort;
  /** 已超期 narrowed to one colour */
  colour?: WarningLevel;
  category?: Category;
  channel?: (typeof CHANNEL_CODES)[number];
  /** township code (统计用区划代码) */
  township?: string;
  unitId?: string;
  /** a task kind: the element id */
  task?: string;
  /** a tracking code (exact) or words of the title or content */
  q?: string;
  /** platform roles only: the petitioner's mobile number (the search is logged, the number is not) */
  phone?: string;
  /** keyset paging: an opaque cursor of the last row seen (after) or the first (before) */
  after?: string;
  before?: string;
  limit: number;
}

export interface QueueProblem {
  field: string;
  message: string;
}

const one = (v: unknown): string | undefined => (Array.isArray(v) ? (v.length ? one(v[v.length - 1]) : undefined) : typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * A list state from a query string. Unknown values are problems (the API answers 400; the page
 * shows them and the list without that filter); missing ones take their default.
 */
export function parseQueueQuery(raw: Record<string, unknown>, defaults: { scope: QueueScope; limit?: number; maxLimit?: number }): { query: QueueQuery; problems: QueueProblem[] } {
  const problems: QueueProblem[] = [];
  const pick = <T extends string>(name: string, allowed: readonly T[], label: string): T | undefined => {
    const v = one(raw[name]);
    if (v === undefined) return undefined;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    problems.push({ field: name, message: `${label}不正确` });
    return undefined;
  };
  const match = (name: string, re: RegExp, label: string): string | undefined => {
    const v = one(raw[name]);
    if (v === undefined) return undefined;
    if (re.test(v)) return v;
    problems.push({ field: name, message: `${label}不正确` });
    return undefined;
  };
  const query: QueueQuery = {
    tab: pick('tab', QUEUE_TABS, '列表') ?? 'all',
    scope: pick('scope', QUEUE_SCOPES, '范围') ?? defaults.scope,
    sort: pick('sort', QUEUE_SORTS, '排序方式') ?? 'due',
    limit: defaults.limit ?? 50,
  };
  const colour = pick('colour', WARNING_LEVELS, '预警颜色');
  if (colour) query.colour = colour;
  const category = pick('category', CATEGORIES, '诉求类别');
  if (category) query.category = category;
  const channel = pick('channel', CHANNEL_CODES, '渠道');
  if (channel) query.channel = channel;
  const township = match('township', /^\d{9,12}$/, '乡镇(街道)');
  if (township) query.township = township;
  const unitId = match('unit', /^[a-z0-9][a-z0-9-]{0,63}$/, '承办单位');
  if (unitId) query.unitId = unitId;
  const task = match('task', /^[A-Za-z_][\w-]{0,127}$/, '事项类型');
  if (task) query.task = task;
  const q = one(raw.q);
  if (q !== undefined) {
    // eslint-disable-next-line no-control-regex
    if (q.length > 50 || /[\u0000-\u001f\u007f]/.test(q)) problems.push({ field: 'q', message: '搜索词不超过 50 个字' });
    else query.q = q;
  }
  const phone = one(raw.phone);
  if (phone !== undefined) {
    const digits = phone.replace(/[\s-]/g, '').replace(/^\+?86/, '');
    if (/^1[3-9]\d{9}$/.test(digits)) query.phone = digits;
    else problems.push({ field: 'phone', message: '请输入 11 位手机号码' });
  }
  const after = match('after', /^[A-Za-z0-9_-]{1,400}$/, '翻页位置');
  const before = match('before', /^[A-Za-z0-9_-]{1,400}$/, '翻页位置');
  if (after) query.after = after;
  else if (before) query.before = before;
  const limit = one(raw.limit);
  if (limit !== undefined) {
    const n = Number(limit);
    const max = defaults.maxLimit ?? 100;
    if (Number.isInteger(n) && n >= 1 && n <= max) query.limit = n;
    else problems.push({ field: 'limit', message: `每页条数应为 1–${max}` });
  }
  return { query, problems };
}

/** the query string of a list state (defaults left out, so equal states have equal links) */
export function queueQueryString(query: Partial<QueueQuery>, defaults: { scope: QueueScope }, change: Partial<Record<keyof QueueQuery, string | number | undefined>> = {}): string {
  const merged: Record<string, unknown> = { ...query, ...change };
  const params = new URLSearchParams();
  const put = (name: string, key: string, dflt?: unknown) => {
    const v = merged[key];
    if (v !== undefined && v !== '' && v !== dflt) params.set(name, String(v));
  };
  put('tab', 'tab', 'all');
  put('scope', 'scope', defaults.scope);
  put('sort', 'sort', 'due');
  put('colour', 'colour');
  put('category', 'category');
  put('channel', 'channel');
  put('township', 'township');
  put('unit', 'unitId');
  put('task', 'task');
  put('q', 'q');
  put('after', 'after');
  put('before', 'before');
  return params.toString();
}

/** a tracking code typed into the search box (case and spaces forgiven) */
export function trackingCodeIn(q: string): string | undefined {
  const code = q.replace(/\s/g, '').toUpperCase();
  return /^WZ[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/.test(code) ? code : undefined;
}
