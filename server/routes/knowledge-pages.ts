/**
 * The knowledge base's staff pages (知识库, issue 17): `/staff/knowledge` — the list (full-text
 * search of the published entries; status and unit filters for the rest), an entry with its
 * history (each version and review step, who and when, what changed in the question and answer),
 * the form to write a draft and to edit one, and the office's synonyms (platform reviewers change
 * them). Everything goes through the knowledge service, which decides who may read and write what.
 */
import { Router, type Request, type Response } from 'express';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../../regulation/categories.js';
import { chinaDay, isExpired, KNOWLEDGE_STATUS_LABELS, KNOWLEDGE_STATUSES, LIMITS } from '../../regulation/knowledge.js';
import type { KnowledgeHistoryRow } from '../data/knowledge-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { diffText } from '../domain/text-diff.js';
import { HttpError } from '../http-error.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';
import { isKnowledgeReviewer, mayReadKnowledge, mayWriteEntry } from '../services/knowledge-service.js';

const READERS = ['intake-operator', 'platform-reviewer', 'unit-handler', 'unit-leader', 'city-leader', 'auditor'] as const;
const WRITERS = ['platform-reviewer', 'unit-handler', 'unit-leader'] as const;
/** the roles that read every unit's entries (the others: their own unit's, and the published ones) */
const WHOLE_CITY = ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'];

const DONE: Record<string, string> = {
  created: '草稿已保存。编辑完成后可提交审核。',
  saved: '修改已保存,形成新的版本。',
  synonyms: '同义词已保存,搜索在一秒内按新的同义词查找。',
  submitted: '已提交审核,由平台审核员审核;审核期间条目不能修改。',
  retired: '条目已停用,不再出现在搜索和建议中。',
  retiring: '已提交停用,审核流程停用后条目即不再出现在搜索和建议中。',
};

const SHORT = 120;
const short = (t: string, n = SHORT) => ([...t].length > n ? `${[...t].slice(0, n).join('')}…` : t);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
/** one or many values of a form field (checkboxes) */
const many = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);

export function knowledgePageRoutes(ctx: AppContext): Router {
  const r = Router();
  const { knowledgeService: knowledge } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const wholeCity = (s: StaffRecord) => s.roles.some((x) => WHOLE_CITY.includes(x));
  /** whether the account may write a new draft at all (the platform; a unit's handler or leader) */
  const mayCreate = (s: StaffRecord) => isKnowledgeReviewer(s) || Boolean(s.unitId && mayWriteEntry(s, s.unitId));

  async function unitNames() {
    return new Map((await ctx.adminService.listUnits()).map((u) => [u.id, u.name]));
  }
  /** the townships by their own names (龙南镇, not 龙南镇人民政府: the place, not its government) */
  async function townships() {
    return (await ctx.townshipOptions()).map((t) => ({ value: t.value, label: t.label.replace(/人民政府$/, '') }));
  }
  async function townshipNames() {
    return new Map((await townships()).map((t) => [t.value, t.label]));
  }
  async function staffNames(ids: string[]) {
    const names = new Map<string, string>([['system', '系统']]);
    for (const id of new Set(ids)) if (!names.has(id)) names.set(id, (await ctx.staff.get(id))?.displayName ?? id);
    return names;
  }

  /** a 400 from the service shown on the page (anything else is the error page) */
  const shown = (err: unknown, statuses = [400]) => {
    if (err instanceof HttpError && statuses.includes(err.status)) return { errors: err.details, errorMessage: err.message, status: err.status };
    throw err;
  };

  // ---- the list: search (published entries, by relevance) or the filtered list
  r.get(
    '/staff/knowledge',
    requireRole(...READERS),
    handle(async (req, res) => {
      const staff = me(res);
      const q = req.query as Record<string, unknown>;
      const filter = { q: str(q.q).trim(), status: str(q.status), unit: wholeCity(staff) ? str(q.unit) : '', page: str(q.page) };
      const names = await unitNames();
      const today = chinaDay(ctx.clock.now());
      let view: Record<string, unknown> = {};
      let status = 200;
      try {
        if (filter.q && (!filter.status || filter.status === 'published')) {
          // full text (BM25, the office's synonyms) over the published entries, best first
          const { items } = await knowledge.search(staff, { q: filter.q, limit: '30' });
          const found = items.filter((i) => !filter.unit || i.ownerUnitId === filter.unit);
          view = {
            searched: true,
            total: found.length,
            entries: found.map((i) => ({ ...i, status: 'published', statusLabel: KNOWLEDGE_STATUS_LABELS.published, answerShort: short(i.answer), expired: isExpired(i.validUntil, today) })),
          };
        } else {
          const list = await knowledge.list(staff, { status: filter.status, unit: filter.unit, q: filter.q, page: filter.page, limit: '30' });
          const pages = Math.max(1, Math.ceil(list.total / list.limit));
          const link = (page: number) => `/staff/knowledge?${new URLSearchParams({ ...(filter.q && { q: filter.q }), ...(filter.status && { status: filter.status }), ...(filter.unit && { unit: filter.unit }), page: String(page) })}`;
          view = {
            total: list.total,
            entries: list.entries.map((e) => ({ ...e, answerShort: short(e.answer), expired: e.status === 'published' && isExpired(e.validUntil, today) })),
            pager: pages > 1 ? { page: list.page, pages, prev: list.page > 1 ? link(list.page - 1) : undefined, next: list.page < pages ? link(list.page + 1) : undefined } : undefined,
          };
        }
      } catch (err) {
        const e = shown(err);
        view = { errors: e.errors, errorMessage: e.errorMessage, entries: [], total: 0 };
        status = e.status;
      }
      ctx.page(
        res,
        'knowledge-list',
        {
          title: '知识库',
          filter,
          statuses: KNOWLEDGE_STATUSES.map((value) => ({ value, label: KNOWLEDGE_STATUS_LABELS[value], selected: value === filter.status })),
          units: wholeCity(staff) ? [...names].map(([value, label]) => ({ value, label, selected: value === filter.unit })) : undefined,
          unitOnly: !wholeCity(staff),
          mayCreate: mayCreate(staff),
          mayEditSynonyms: isKnowledgeReviewer(staff),
          ...view,
        },
        status,
      );
    }),
  );

  // ---- the office's synonyms (read by every reader; changed by platform reviewers)
  async function synonymsPage(res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const staff = me(res);
    const s = await knowledge.synonyms(staff);
    const names = s.updatedBy ? await staffNames([s.updatedBy]) : new Map<string, string>();
    ctx.page(
      res,
      'knowledge-synonyms',
      { title: '知识库同义词', text: s.groups.map((g) => g.join(' ')).join('\n'), groups: s.groups.length, updatedBy: s.updatedBy ? names.get(s.updatedBy) : undefined, updatedAt: s.updatedAt, mayEdit: isKnowledgeReviewer(staff), ...extra },
      status,
    );
  }
  r.get('/staff/knowledge/synonyms', requireRole(...READERS), handle(async (req, res) => synonymsPage(res, { done: DONE[str(req.query.done)] })));
  r.post(
    '/staff/knowledge/synonyms',
    requireRole('platform-reviewer'),
    handle(async (req, res) => {
      const text = str(req.body?.groups);
      try {
        await knowledge.replaceSynonyms(me(res), { groups: text });
      } catch (err) {
        const e = shown(err);
        return synonymsPage(res, { text, errors: e.errors, errorMessage: e.errorMessage }, e.status);
      }
      res.redirect(303, '/staff/knowledge/synonyms?done=synonyms');
    }),
  );

  // ---- a draft: written, edited
  async function formPage(res: Response, data: { entry?: { id: string; version: number; ownerUnitName: string }; values: Record<string, unknown>; errors?: unknown; errorMessage?: string }, status = 200) {
    const staff = me(res);
    const v = data.values;
    const cats = many(v.categories);
    const towns = many(v.townships);
    const units = isKnowledgeReviewer(staff) && !data.entry ? (await ctx.adminService.listUnits()).filter((u) => u.active) : [];
    ctx.page(
      res,
      'knowledge-form',
      {
        title: data.entry ? '修改知识条目' : '新建知识条目',
        entry: data.entry,
        action: data.entry ? `/staff/knowledge/${data.entry.id}` : '/staff/knowledge',
        values: v,
        limits: LIMITS,
        categories: CATEGORIES.map((value) => ({ value, label: CATEGORY_LABELS[value], checked: cats.includes(value) })),
        townships: (await townships()).map((t) => ({ ...t, checked: towns.includes(t.value) })),
        units: units.map((u) => ({ value: u.id, label: u.name, selected: u.id === v.ownerUnitId })),
        ownUnit: !isKnowledgeReviewer(staff) && !data.entry ? (await unitNames()).get(staff.unitId ?? '') : undefined,
        errors: data.errors,
        errorMessage: data.errorMessage,
      },
      status,
    );
  }
  const contentOf = (b: Record<string, unknown>) => ({
    question: str(b.question),
    answer: str(b.answer),
    basis: str(b.basis),
    categories: many(b.categories),
    townships: many(b.townships),
    validUntil: str(b.validUntil),
  });

  r.get(
    '/staff/knowledge/new',
    requireRole(...WRITERS),
    handle(async (_req, res) => {
      if (!mayCreate(me(res))) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员和承办单位可以编写知识条目');
      await formPage(res, { values: {} });
    }),
  );
  r.post(
    '/staff/knowledge',
    requireRole(...WRITERS),
    handle(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const values = { ...contentOf(b), ownerUnitId: str(b.ownerUnitId) };
      try {
        const entry = await knowledge.create(me(res), { ...values, ...(!isKnowledgeReviewer(me(res)) && { ownerUnitId: undefined }) });
        res.redirect(303, `/staff/knowledge/${entry.id}?done=created`);
      } catch (err) {
        const e = shown(err);
        await formPage(res, { values, errors: e.errors, errorMessage: e.errorMessage }, e.status);
      }
    }),
  );

  /** the entry as the edit form needs it: 403 for those who may not write it, 409 once it left 草稿 */
  async function editable(staff: StaffRecord, id: string) {
    const e = await knowledge.get(staff, id);
    if (!mayWriteEntry(staff, e.ownerUnitId)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员和该条目的单位可以修改');
    if (!e.mayEdit) throw new HttpError(409, 'NOT_EDITABLE', `条目${e.statusLabel},不能直接修改`);
    return e;
  }
  r.get(
    '/staff/knowledge/:id/edit',
    requireRole(...WRITERS),
    handle(async (req, res) => {
      const e = await editable(me(res), String(req.params.id));
      await formPage(res, { entry: e, values: { ...e, validUntil: e.validUntil ?? '' } });
    }),
  );
  r.post(
    '/staff/knowledge/:id',
    requireRole(...WRITERS),
    handle(async (req, res) => {
      const id = String(req.params.id);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const e = await editable(me(res), id);
      const values = contentOf(b);
      try {
        await knowledge.update(me(res), id, { ...values, version: str(b.version) || e.version });
        res.redirect(303, `/staff/knowledge/${id}?done=saved`);
      } catch (err) {
        const shownErr = shown(err, [400, 409]);
        // changed by someone else meanwhile: the form keeps what was typed, now against the current version
        const current = shownErr.status === 409 ? await knowledge.get(me(res), id) : e;
        await formPage(res, { entry: current, values, errors: shownErr.errors, errorMessage: shownErr.errorMessage }, shownErr.status);
      }
    }),
  );

  // ---- an entry with its history; 提交审核 and 停用 (the review process: knowledge-flow-service)
  async function entryPage(res: Response, id: string, extra: Record<string, unknown> = {}, status = 200) {
    const staff = me(res);
    const e = await knowledge.get(staff, id);
    const towns = await townshipNames();
    const actors = await staffNames([...e.history.map((h) => h.actor), e.createdBy]);
    const today = chinaDay(ctx.clock.now());
    const writer = mayWriteEntry(staff, e.ownerUnitId);
    ctx.page(
      res,
      'knowledge-entry',
      {
        title: short(e.question, 30),
        entry: {
          ...e,
          categoriesText: e.categories.map((c: Category) => CATEGORY_LABELS[c] ?? c).join('、'),
          townshipsText: e.townships.map((t) => towns.get(t) ?? t).join('、'),
          expired: isExpired(e.validUntil, today),
          createdByName: actors.get(e.createdBy),
        },
        maySubmit: writer && e.status === 'draft',
        mayRetire: writer && (e.status === 'draft' || e.status === 'published'),
        history: historyView(e.history, actors),
        ...extra,
      },
      status,
    );
  }
  r.get('/staff/knowledge/:id', requireRole(...READERS), handle(async (req: Request, res) => entryPage(res, String(req.params.id), { done: DONE[str(req.query.done)] })));

  /** a step of the review from the entry page: its refusals (400, 409) shown on the page, the typed reason kept */
  const flowStep = (step: (staff: StaffRecord, id: string, body: Record<string, unknown>) => Promise<{ status: string }>, done: (status: string) => string) =>
    handle(async (req, res) => {
      const id = String(req.params.id);
      const b = (req.body ?? {}) as Record<string, unknown>;
      try {
        const next = await step(me(res), id, b);
        res.redirect(303, `/staff/knowledge/${id}?done=${done(next.status)}`);
      } catch (err) {
        const e = shown(err, [400, 409]);
        await entryPage(res, id, { errors: e.errors, errorMessage: e.errorMessage, reason: str(b.reason), retireOpen: 'reason' in b }, e.status);
      }
    });
  r.post('/staff/knowledge/:id/submit', requireRole(...WRITERS), flowStep((s, id) => ctx.knowledgeFlow.submit(s, id), () => 'submitted'));
  // a published entry is retired by its review process's 停用 step (a moment later); a draft at once
  r.post('/staff/knowledge/:id/retire', requireRole(...WRITERS), flowStep((s, id, b) => ctx.knowledgeFlow.retire(s, id, { reason: str(b.reason) }), (status) => (status === 'retired' ? 'retired' : 'retiring')));
  return r;
}

/** the history newest first; a row whose content differs from the one before it shows what changed */
function historyView(rows: (KnowledgeHistoryRow & { actionLabel: string })[], actors: Map<string, string>) {
  const fields = [
    ['question', '问题'],
    ['answer', '答案'],
    ['basis', '政策依据'],
  ] as const;
  return rows
    .map((h, i) => {
      const before = i > 0 ? rows[i - 1] : undefined;
      const changes = before
        ? fields.filter(([f]) => before[f] !== h[f]).map(([f, label]) => ({ label, parts: diffText(before[f], h[f]) }))
        : [];
      const validUntil = before && before.validUntil !== h.validUntil ? { from: before.validUntil ?? '长期', to: h.validUntil ?? '长期' } : undefined;
      return { ...h, actorName: actors.get(h.actor) ?? h.actor, statusLabel: KNOWLEDGE_STATUS_LABELS[h.status], changes, validUntil, first: i === 0 };
    })
    .reverse();
}

/**
 * The screening form's panel 「知识库中可能的答案」: the published entries the petition's text suggests
 * (none for an account that may not read the knowledge base). A failed search leaves the panel
 * out rather than the task page: screening goes on without it.
 */
export async function screeningSuggestions(ctx: Pick<AppContext, 'knowledgeService'>, staff: StaffRecord, petitionId: string) {
  if (!mayReadKnowledge(staff)) return undefined;
  try {
    const { items } = await ctx.knowledgeService.suggestions(staff, petitionId);
    // an object, not the list: the panel shows (saying there is nothing near) when the list is empty
    return { items: items.map((i) => ({ ...i, answerShort: short(i.answer, 90), basisShort: short(i.basis, 60) })) };
  } catch (err) {
    if (err instanceof HttpError && err.status < 500) return undefined;
    throw err;
  }
}
