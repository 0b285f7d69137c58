/**
 * The knowledge base (知识库, issue 17): entries staff write or the platform proposes from an approved
 * reply, their history, the office's synonyms, and search — for staff (the screening form's
 * suggestions from a petition's text, the reply's 「插入答复」), for citizens (published entries) and
 * for the API. Review and publication run in the `knowledge-review` process (knowledge-flow-service).
 *
 * Search runs on an in-memory index (server/domain/knowledge-search.ts) in each app process: loaded
 * from the published entries' stored words on the first search, then caught up from
 * `knowledge_changes` at most once a second (another process's writes) and at once after this
 * process's own writes. The same code on SQLite and MySQL.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { CATEGORY_LABELS, isCategory } from '../../regulation/categories.js';
import {
  chinaDay,
  defaultValidUntil,
  isKnowledgeStatus,
  KNOWLEDGE_ACTIONS,
  KNOWLEDGE_STATUS_LABELS,
  mayEditContent,
  parseContent,
  parseSynonyms,
  type ContentProblem,
  type KnowledgeAction,
  type KnowledgeContent,
} from '../../regulation/knowledge.js';
import type { AuditRepository } from '../data/audit-repository.js';
import { SYNONYMS_CHANGE, type KnowledgeEntry, type KnowledgeHistoryRow, type KnowledgeRepository } from '../data/knowledge-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import type { Petition } from '../data/petition-row.js';
import { createKnowledgeIndex, indexTerms, type KnowledgeIndex } from '../domain/knowledge-search.js';
import { HttpError } from '../http-error.js';

export interface KnowledgeServiceDeps {
  repo: KnowledgeRepository;
  units: Pick<UnitsRepository, 'list' | 'get'>;
  audit: Pick<AuditRepository, 'append'>;
  clock: { now(): Date };
  log: Logger;
  /** a case the account may open (404/403 otherwise): the suggestions read its text */
  visible(staff: StaffRecord, petitionId: string): Promise<Petition>;
  /** how long the index trusts itself before it looks for other processes' writes */
  catchUpMs?: number;
  index?: KnowledgeIndex;
}

/** a search result as staff and the API see it */
export interface KnowledgeItem {
  id: string;
  question: string;
  answer: string;
  basis: string;
  ownerUnitId: string;
  ownerUnitName: string;
  categories: string[];
  townships: string[];
  validUntil: string | null;
  score: number;
}

const READ_ROLES = ['intake-operator', 'platform-reviewer', 'unit-handler', 'unit-leader', 'city-leader', 'auditor'] as const;
const UNIT_ROLES = ['unit-handler', 'unit-leader'] as const;
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MAX_QUERY = 200;
const LOAD_PAGE = 5000;
/**
 * Suggestions shown unasked (screening, the portal) leave out entries scoring below this share of the
 * best: below it they share a common word (办理, 城区) with the text, not its matter.
 */
export const SUGGESTION_SHARE = 0.4;

export const mayReadKnowledge = (s: Pick<StaffRecord, 'roles'> | undefined) => Boolean(s?.roles.some((r) => (READ_ROLES as readonly string[]).includes(r)));
export const isKnowledgeReviewer = (s: Pick<StaffRecord, 'roles'>) => s.roles.includes('platform-reviewer');
/** the platform, or the entry's own unit */
export const mayWriteEntry = (s: Pick<StaffRecord, 'roles' | 'unitId'>, ownerUnitId: string) =>
  isKnowledgeReviewer(s) || (s.unitId === ownerUnitId && s.roles.some((r) => (UNIT_ROLES as readonly string[]).includes(r)));

function inputError(problems: ContentProblem[], message = '提交的内容有误'): HttpError {
  return new HttpError(400, 'INVALID_INPUT', message, problems);
}

/** a query from outside input: trimmed text of 1–200 characters */
export function parseQuery(raw: unknown, field = 'q'): string {
  if (typeof raw !== 'string' || !raw.trim()) throw inputError([{ field, message: '请输入要查找的问题' }], '请输入要查找的问题');
  const q = raw.trim();
  if ([...q].length > MAX_QUERY) throw inputError([{ field, message: `问题不超过 ${MAX_QUERY} 字` }]);
  return q;
}

export function parseLimit(raw: unknown, max: number, dflt: number): number {
  if (raw === undefined || raw === '') return dflt;
  const n = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : typeof raw === 'number' ? raw : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max) throw inputError([{ field: 'limit', message: `条数为 1–${max}` }]);
  return n;
}

export function createKnowledgeService(deps: KnowledgeServiceDeps) {
  const { repo, units, audit, clock, log } = deps;
  const index = deps.index ?? createKnowledgeIndex();
  const catchUpMs = deps.catchUpMs ?? 1000;
  let loading: Promise<void> | undefined;
  let lastSeq = 0;
  let checkedAt = 0;

  async function apply(entryId: string) {
    const row = await repo.indexRow(entryId);
    if (row?.published) index.replace(row);
    else index.remove(entryId);
  }

  async function load() {
    const started = Date.now();
    // the sequence first: a write during the load is caught up afterwards (applying twice is harmless)
    lastSeq = await repo.lastChange();
    index.setSynonyms((await repo.synonyms()).groups);
    let after = '';
    for (;;) {
      const rows = await repo.publishedForIndex(after, LOAD_PAGE);
      for (const r of rows) index.replace(r);
      if (rows.length < LOAD_PAGE) break;
      after = rows[rows.length - 1].id;
    }
    checkedAt = Date.now();
    log.info({ entries: index.size, ms: Date.now() - started }, 'knowledge index loaded');
  }

  /** the index, loaded and caught up with every process's writes (at most `catchUpMs` old) */
  async function ready(): Promise<KnowledgeIndex> {
    if (!loading) loading = load().catch((err) => ((loading = undefined), Promise.reject(err)));
    await loading;
    if (Date.now() - checkedAt >= catchUpMs) {
      checkedAt = Date.now();
      // a few back: on MySQL a transaction that took a lower sequence may commit after a higher one was read
      const changes = await repo.changesAfter(Math.max(0, lastSeq - 20));
      for (const c of changes) if (c.seq > lastSeq - 20) await apply(c.entryId);
      if (changes.length) lastSeq = Math.max(lastSeq, changes[changes.length - 1].seq);
      if (changes.some((c) => c.entryId === SYNONYMS_CHANGE)) index.setSynonyms((await repo.synonyms()).groups);
    }
    return index;
  }

  async function unitNames(): Promise<Map<string, string>> {
    return new Map((await units.list({ includeInactive: true })).map((u) => [u.id, u.name]));
  }

  async function townshipCodes(): Promise<string[]> {
    return (await units.list({ kind: 'township' })).map((u) => u.township).filter((t): t is string => Boolean(t));
  }

  async function items(hits: { id: string; score: number }[]): Promise<KnowledgeItem[]> {
    const entries = new Map((await repo.getMany(hits.map((h) => h.id))).map((e) => [e.id, e]));
    const names = await unitNames();
    return hits
      .map((h): KnowledgeItem | undefined => {
        const e = entries.get(h.id);
        // an entry retired by another process since the index last looked
        if (!e || e.status !== 'published') return undefined;
        return { id: e.id, question: e.question, answer: e.answer, basis: e.basis, ownerUnitId: e.ownerUnitId, ownerUnitName: names.get(e.ownerUnitId) ?? e.ownerUnitId, categories: e.categories, townships: e.townships, validUntil: e.validUntil, score: Math.round(h.score * 1000) / 1000 };
      })
      .filter((i): i is KnowledgeItem => i !== undefined);
  }

  function mayRead(staff: StaffRecord) {
    if (!mayReadKnowledge(staff)) throw new HttpError(403, 'FORBIDDEN', '您的账号无权查看知识库');
  }

  async function found(id: unknown): Promise<KnowledgeEntry> {
    if (typeof id !== 'string' || !ID.test(id)) throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
    const e = await repo.get(id);
    if (!e) throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
    return e;
  }

  /** a unit's staff read their own unit's entries in every status, and every published one */
  function mayReadEntry(staff: StaffRecord, e: KnowledgeEntry) {
    mayRead(staff);
    const unitOnly = !staff.roles.some((r) => ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'].includes(r));
    if (unitOnly && e.status !== 'published' && e.ownerUnitId !== staff.unitId) throw new HttpError(403, 'FORBIDDEN', '该条目属于其他单位,发布前不能查看');
  }

  async function content(raw: unknown): Promise<KnowledgeContent> {
    const { content, problems } = parseContent(raw, { townships: await townshipCodes(), today: chinaDay(clock.now()) });
    if (!content) throw inputError(problems);
    return content;
  }

  async function ownerFor(staff: StaffRecord, raw: unknown): Promise<string> {
    if (!isKnowledgeReviewer(staff)) {
      if (!staff.unitId || !mayWriteEntry(staff, staff.unitId)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员和承办单位可以编写知识条目');
      if (raw !== undefined && raw !== null && raw !== '' && raw !== staff.unitId) throw new HttpError(403, 'FORBIDDEN', '只能为本单位编写知识条目');
      return staff.unitId;
    }
    if (typeof raw !== 'string' || !(await units.get(raw))) throw inputError([{ field: 'ownerUnitId', message: '请选择负责该条目的单位' }]);
    return raw;
  }

  const terms = (c: Pick<KnowledgeContent, 'question' | 'answer' | 'basis'>) => ({ questionTerms: indexTerms(c.question), answerTerms: indexTerms(`${c.answer} ${c.basis}`) });

  const service = {
    index: () => ready(),
    /** after a write of this process, its index at once (others catch up within a second) */
    changed: (entryId: string) => apply(entryId).catch((err) => log.warn({ err, entryId }, 'knowledge index not updated')),
    terms,

    /** published entries best matching a question (staff) */
    async search(staff: StaffRecord, raw: Record<string, unknown>): Promise<{ items: KnowledgeItem[] }> {
      mayRead(staff);
      const q = parseQuery(raw.q);
      const limit = parseLimit(raw.limit, 50, 10);
      const category = raw.category === undefined || raw.category === '' ? undefined : raw.category;
      if (category !== undefined && !isCategory(category)) throw inputError([{ field: 'category', message: '类别不正确' }]);
      const township = raw.township === undefined || raw.township === '' ? undefined : raw.township;
      if (township !== undefined && (typeof township !== 'string' || !(await townshipCodes()).includes(township))) throw inputError([{ field: 'township', message: '乡镇不正确' }]);
      const idx = await ready();
      return { items: await items(idx.search(q, { limit, category, township: township as string | undefined })) };
    },

    /** the entries a petition's text suggests (the screening form; the reply's drafting) */
    async suggestions(staff: StaffRecord, petitionId: unknown): Promise<{ items: KnowledgeItem[] }> {
      mayRead(staff);
      if (typeof petitionId !== 'string' || !ID.test(petitionId)) throw inputError([{ field: 'petitionId', message: '请指明诉求' }]);
      const p = await deps.visible(staff, petitionId);
      const idx = await ready();
      const text = `${p.title} ${p.content}`.slice(0, 400);
      return { items: await items(idx.search(text, { limit: 5, township: p.township ?? undefined, minShare: SUGGESTION_SHARE })) };
    },

    /** the public's search (the portal's 「可能已有答案」, the public pages, the API): published entries */
    async publicSearch(raw: Record<string, unknown>): Promise<{ items: (Omit<KnowledgeItem, 'ownerUnitId' | 'score' | 'categories' | 'townships' | 'validUntil'> & { url: string })[] }> {
      const q = parseQuery(raw.q);
      const limit = parseLimit(raw.limit, 20, 5);
      const idx = await ready();
      return { items: (await items(idx.search(q, { limit, minShare: SUGGESTION_SHARE }))).map((i) => ({ id: i.id, question: i.question, answer: i.answer, basis: i.basis, ownerUnitName: i.ownerUnitName, url: `/knowledge/${i.id}` })) };
    },

    /** one published entry for the public page (404 for any other) */
    async publicEntry(id: unknown): Promise<{ id: string; question: string; answer: string; basis: string; ownerUnitName: string; publishedAt: Date | null; updatedAt: Date; categories: string[] }> {
      const e = await found(id);
      if (e.status !== 'published') throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
      const u = await units.get(e.ownerUnitId);
      return { id: e.id, question: e.question, answer: e.answer, basis: e.basis, ownerUnitName: u?.name ?? e.ownerUnitId, publishedAt: e.publishedAt, updatedAt: e.updatedAt, categories: e.categories.map((c) => CATEGORY_LABELS[c] ?? c) };
    },

    /** the staff list: a unit's staff see their own unit's entries and the published ones */
    async list(staff: StaffRecord, raw: Record<string, unknown>) {
      mayRead(staff);
      const status = raw.status === undefined || raw.status === '' ? undefined : raw.status;
      if (status !== undefined && !isKnowledgeStatus(status)) throw inputError([{ field: 'status', message: '状态不正确' }]);
      let unitId = raw.unit === undefined || raw.unit === '' ? undefined : String(raw.unit);
      const unitOnly = !staff.roles.some((r) => ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'].includes(r));
      if (unitOnly && status !== 'published') unitId = staff.unitId ?? '-';
      const q = raw.q === undefined || raw.q === '' ? undefined : parseQuery(raw.q);
      const limit = parseLimit(raw.limit, 200, 50);
      const page = raw.page === undefined || raw.page === '' ? 1 : parseLimit(raw.page, 9999, 1);
      const { entries, total } = await repo.list({ status, unitId, q, limit, offset: (page - 1) * limit });
      const names = await unitNames();
      return { total, page, limit, entries: entries.map((e) => ({ ...e, ownerUnitName: names.get(e.ownerUnitId) ?? e.ownerUnitId, statusLabel: KNOWLEDGE_STATUS_LABELS[e.status] })) };
    },

    async get(staff: StaffRecord, id: unknown): Promise<KnowledgeEntry & { ownerUnitName: string; statusLabel: string; history: (KnowledgeHistoryRow & { actionLabel: string })[]; mayEdit: boolean }> {
      const e = await found(id);
      mayReadEntry(staff, e);
      const names = await unitNames();
      const history = (await repo.history(e.id)).map((h) => ({ ...h, actionLabel: KNOWLEDGE_ACTIONS[h.action] ?? h.action }));
      return { ...e, ownerUnitName: names.get(e.ownerUnitId) ?? e.ownerUnitId, statusLabel: KNOWLEDGE_STATUS_LABELS[e.status], history, mayEdit: mayEditContent(e.status) && mayWriteEntry(staff, e.ownerUnitId) };
    },

    /** a new draft (the platform names its unit; a unit's staff write for their own) */
    async create(staff: StaffRecord, raw: unknown, opts: { action?: KnowledgeAction; sourcePetitionId?: string | null } = {}): Promise<KnowledgeEntry> {
      const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const ownerUnitId = await ownerFor(staff, body.ownerUnitId);
      const c = await content(raw);
      const now = clock.now();
      const entry = await repo.create(
        {
          id: randomUUID(),
          status: 'draft',
          version: 1,
          ...c,
          validUntil: c.validUntil ?? defaultValidUntil(chinaDay(now)),
          ownerUnitId,
          sourcePetitionId: opts.sourcePetitionId ?? null,
          createdBy: staff.id,
          createdAt: now,
          ...terms(c),
        },
        { action: opts.action ?? 'created' },
      );
      await audit.append({ actor: staff.id, action: 'knowledge.created', ...(opts.sourcePetitionId && { petitionId: opts.sourcePetitionId }), detail: { entryId: entry.id, ownerUnitId } });
      log.info({ entryId: entry.id, ownerUnitId }, 'knowledge entry created');
      return entry;
    },

    /** a draft's content changed (a new version); entries in review or published change through their review */
    async update(staff: StaffRecord, id: unknown, raw: unknown): Promise<KnowledgeEntry> {
      const e = await found(id);
      mayReadEntry(staff, e);
      if (!mayWriteEntry(staff, e.ownerUnitId)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员和该条目的单位可以修改');
      if (!mayEditContent(e.status)) throw new HttpError(409, 'NOT_EDITABLE', `条目${KNOWLEDGE_STATUS_LABELS[e.status]},不能直接修改`);
      const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const expect = body.version === undefined ? e.version : Number(body.version);
      const c = await content(raw);
      const next = await repo.update(e.id, expect, { ...c, validUntil: c.validUntil ?? e.validUntil, status: e.status, ...terms(c) }, { action: 'edited', actor: staff.id, at: clock.now() });
      if (!next) throw new HttpError(409, 'CHANGED', '条目已被他人修改,请刷新后再改');
      await audit.append({ actor: staff.id, action: 'knowledge.edited', detail: { entryId: e.id, version: next.version } });
      return next;
    },

    async synonyms(staff: StaffRecord) {
      mayRead(staff);
      return repo.synonyms();
    },

    /** the office's synonym groups, replaced (platform reviewers); every process's index takes them within a second */
    async replaceSynonyms(staff: StaffRecord, raw: unknown): Promise<{ groups: string[][] }> {
      if (!isKnowledgeReviewer(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以维护同义词');
      const body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>).groups : undefined;
      const { groups, problems } = parseSynonyms(body);
      if (!groups) throw inputError(problems);
      const now = clock.now();
      await repo.replaceSynonyms(groups, staff.id, now);
      await audit.append({ actor: staff.id, action: 'knowledge.synonyms', detail: { groups: groups.length } });
      (await ready()).setSynonyms(groups);
      return { groups };
    },
  };
  return service;
}

export type KnowledgeService = ReturnType<typeof createKnowledgeService>;
