/**
 * Reply templates / 常用语 (issue 17): `/api/reply-templates` (every staff account reads; platform
 * reviewers create, edit, delete) and the page `/staff/reply-templates` (the same, with forms). The
 * draft-reply task's side panel is rendered by the task page (staff.ts) from the service's `panel`.
 */
import { Router, type Request, type Response } from 'express';
import { CATEGORIES, CATEGORY_LABELS, isCategory } from '../../regulation/categories.js';
import { PLACEHOLDER_HINTS, REPLY_PLACEHOLDERS, TEMPLATE_LIMITS } from '../../regulation/reply-templates.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';
import { mayEditReplyTemplates } from '../services/reply-template-service.js';

const DONE: Record<string, string> = { created: '已新增模板', updated: '已保存模板', deleted: '已删除模板' };

export function replyTemplateRoutes(ctx: AppContext): Router {
  const r = Router();
  const service = ctx.replyTemplateService;
  const me = (res: Response) => staffOf(res) as StaffRecord;

  // ---- the API
  r.get('/api/reply-templates', requireRole(), handle(async (req, res) => res.json(await service.list(me(res), req.query as Record<string, unknown>))));
  r.get('/api/reply-templates/:id', requireRole(), handle(async (req, res) => res.json(await service.get(String(req.params.id)))));
  r.post('/api/reply-templates', requireRole('platform-reviewer'), handle(async (req, res) => res.status(201).json(await service.create(me(res), req.body))));
  r.put('/api/reply-templates/:id', requireRole('platform-reviewer'), handle(async (req, res) => res.json(await service.update(me(res), String(req.params.id), req.body))));
  r.delete(
    '/api/reply-templates/:id',
    requireRole('platform-reviewer'),
    handle(async (req, res) => {
      await service.remove(me(res), String(req.params.id));
      res.status(204).end();
    }),
  );

  // ---- the page: by category; a reviewer's forms, a refused one shown again with what was typed
  async function page(req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200) {
    const q = req.query as Record<string, unknown>;
    const category = isCategory(q.category) ? q.category : undefined;
    const { items } = await service.list(me(res), category ? { category } : {});
    const groups = CATEGORIES.filter((c) => !category || c === category).map((c) => ({
      category: c,
      label: CATEGORY_LABELS[c],
      templates: items.filter((t) => t.category === c).map((t) => ({ ...t, categories: CATEGORIES.map((v) => ({ value: v, label: CATEGORY_LABELS[v], selected: v === t.category })) })),
    }));
    const draft = (extra.draft ?? {}) as Record<string, unknown>;
    ctx.page(
      res,
      'reply-templates',
      {
        title: '答复模板',
        groups,
        filters: [{ value: '', label: '全部', selected: !category }, ...CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c], selected: c === category }))],
        newCategories: CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c], selected: c === (draft.category ?? category) })),
        placeholders: REPLY_PLACEHOLDERS.map((name) => ({ name: `{${name}}`, hint: PLACEHOLDER_HINTS[name] })),
        limits: TEMPLATE_LIMITS,
        mayEdit: mayEditReplyTemplates(me(res)),
        done: DONE[String(q.done ?? '')],
        ...extra,
      },
      status,
    );
  }
  /** a form's change: back to the list (at the template) when done; the page with the problems when refused */
  const change = (work: (req: Request, res: Response) => Promise<{ id?: string; done: string; category?: string }>) =>
    handle(async (req, res) => {
      try {
        const out = await work(req, res);
        const qs = new URLSearchParams({ done: out.done, ...(out.category && { category: out.category }) });
        res.redirect(303, `/staff/reply-templates?${qs}${out.id ? `#tpl-${encodeURIComponent(out.id)}` : ''}`);
      } catch (err) {
        if (!(err instanceof HttpError) || ![400, 404, 409].includes(err.status)) throw err;
        const body = (req.body ?? {}) as Record<string, unknown>;
        await page(req, res, { errors: Array.isArray(err.details) ? err.details : undefined, errorMessage: err.message, ...(!req.params.id && { draft: body, openNew: true }) }, err.status);
      }
    });
  const fields = (req: Request) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    return { category: b.category, title: b.title, body: b.body };
  };

  r.get('/staff/reply-templates', requireRole(), handle(async (req, res) => page(req, res)));
  r.post('/staff/reply-templates', requireRole('platform-reviewer'), change(async (req, res) => {
    const t = await service.create(me(res), fields(req));
    return { id: t.id, done: 'created', category: t.category };
  }));
  r.post('/staff/reply-templates/:id', requireRole('platform-reviewer'), change(async (req, res) => {
    const t = await service.update(me(res), String(req.params.id), fields(req));
    return { id: t.id, done: 'updated', category: t.category };
  }));
  r.post('/staff/reply-templates/:id/delete', requireRole('platform-reviewer'), change(async (req, res) => {
    await service.remove(me(res), String(req.params.id));
    return { done: 'deleted' };
  }));
  return r;
}
