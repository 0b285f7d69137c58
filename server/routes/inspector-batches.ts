/**
 * Batch operations of the inspector (issue 18): process admins start, pause, resume and cancel a
 * batch over the inspector's filter; auditors read batches and their results (readOnlyGuard refuses
 * their writes before these handlers).
 */
import { Router, type Request, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import type { ItemState } from '../data/batches-repository.js';
import { HttpError } from '../http-error.js';
import { STATE_LABELS, type BatchService } from '../services/batch-service.js';
import { field, handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';

const ITEM_STATES: ItemState[] = ['pending', 'done', 'failed', 'skipped'];
const ITEM_LABELS: Record<ItemState, string> = { pending: '待处理', done: '完成', failed: '失败', skipped: '跳过' };
/** items shown on a batch's page (the API pages through all of them) */
const PAGE_ITEMS = 200;

type Batch = Awaited<ReturnType<BatchService['get']>>;
const finishedOf = (b: Pick<Batch, 'counts'>) => b.counts.done + b.counts.skipped + b.counts.failed;
const kindLabel = (svc: BatchService, kind: string) => svc.kinds().find((k) => k.name === kind)?.label ?? kind;
const ID = /^[\w-]{1,64}$/;

export function inspectorBatchRoutes(ctx: AppContext): Router {
  const r = Router();
  const readers = requireRole('process-admin', 'auditor');
  const admins = requireRole('process-admin');
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const body = (req: Request) => (typeof req.body === 'object' && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {});
  const idOf = (req: Request) => {
    const id = String(req.params.id);
    if (!ID.test(id)) throw new HttpError(404, 'NOT_FOUND', '未找到该批量操作');
    return id;
  };
  const int = (req: Request, name: string, max: number): number | undefined => {
    const v = field(req.query, name);
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new HttpError(400, 'INVALID_INPUT', `${name} 须为 0–${max} 的整数`, [{ field: name, message: `须为 0–${max} 的整数` }]);
    return n;
  };

  r.get('/api/inspector/batches', readers, handle(async (_req, res) => res.json(await ctx.batchService.list())));
  r.post(
    '/api/inspector/batches',
    admins,
    handle(async (req, res) => {
      const b = body(req);
      res.status(201).json(await ctx.batchService.create(me(res).id, { kind: b.kind, filter: b.filter, params: b.params, reason: b.reason }));
    }),
  );
  r.get(
    '/api/inspector/batches/:id',
    readers,
    handle(async (req, res) => {
      const state = field(req.query, 'state');
      if (state && !(ITEM_STATES as string[]).includes(state)) throw new HttpError(400, 'INVALID_INPUT', `state 须为 ${ITEM_STATES.join('、')} 之一`, [{ field: 'state', message: '不正确' }]);
      const limit = int(req, 'limit', 1000);
      const offset = int(req, 'offset', 1_000_000);
      res.json(await ctx.batchService.get(idOf(req), { ...(state && { state: state as ItemState }), ...(limit !== undefined && { limit }), ...(offset !== undefined && { offset }) }));
    }),
  );
  for (const action of ['pause', 'resume', 'cancel'] as const) {
    r.post(
      `/api/inspector/batches/:id/${action}`,
      admins,
      handle(async (req, res) => res.json(await ctx.batchService[action](me(res).id, idOf(req)))),
    );
  }
  // ---- the pages: a list with progress, one batch with its results (process admins pause, resume, cancel)
  r.get(
    '/inspector/batches',
    readers,
    handle(async (_req, res) => {
      const batches = (await ctx.batchService.list()).map((b) => ({ ...b, kindLabel: kindLabel(ctx.batchService, b.kind), stateLabel: STATE_LABELS[b.state], finished: finishedOf(b) }));
      ctx.page(res, 'inspector-batches', { title: '批量操作', batches });
    }),
  );
  r.get(
    '/inspector/batches/:id',
    readers,
    handle(async (req, res) => {
      let state: string | undefined;
      try {
        state = field(req.query, 'state');
      } catch {
        state = 'invalid';
      }
      if (state && !(ITEM_STATES as string[]).includes(state)) throw new HttpError(400, 'INVALID_INPUT', '结果筛选不正确', [{ field: 'state', message: '不正确' }]);
      const b = await ctx.batchService.get(idOf(req), { limit: PAGE_ITEMS, ...(state && { state: state as ItemState }) });
      const shownOf = state ? b.counts[state as ItemState] : b.total;
      const done = { paused: '已暂停:当前一页执行完后停下。', resumed: '已继续执行。', canceled: '已取消:未执行的实例记为跳过。' }[String(req.query.done ?? '')];
      ctx.page(res, 'inspector-batch', {
        title: '批量操作',
        batch: { ...b, kindLabel: kindLabel(ctx.batchService, b.kind), stateLabel: STATE_LABELS[b.state] },
        finished: finishedOf(b),
        filterText: Object.entries(b.filter).map(([k, v]) => `${k}=${v}`).join(' ') || '(全部实例)',
        paramsText: Object.keys(b.params).length ? JSON.stringify(b.params) : '',
        mayAct: staffOf(res)?.roles.includes('process-admin') ?? false,
        itemState: state,
        itemTabs: ITEM_STATES.map((v) => ({ value: v, label: ITEM_LABELS[v], current: v === state })),
        items: b.items.map((i) => ({ ...i, stateLabel: ITEM_LABELS[i.state], note: i.error ?? (i.result ? JSON.stringify(i.result) : '') })),
        more: shownOf > b.items.length,
        shown: b.items.length,
        ...(done && { done }),
      });
    }),
  );
  // the inspector list's form: its filter, an operation (cancel, or migrate:<target definition key>), the mapping's lines, a reason
  r.post(
    '/inspector/batches',
    admins,
    handle(async (req, res) => {
      const b = body(req);
      const filter: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(b)) if (k.startsWith('filter.') && typeof v === 'string' && v) filter[k.slice('filter.'.length)] = v;
      const kindField = typeof b.kind === 'string' ? b.kind : '';
      const [kind, target] = kindField.startsWith('migrate:') ? ['migrate', kindField.slice('migrate:'.length)] : [kindField, undefined];
      const lines = typeof b.mapping === 'string' ? b.mapping.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : [];
      const mapping = lines.map((l) => {
        const [sourceElementId, targetElementId] = l.split(/\s*(?:->|→|=>|,)\s*/);
        return { sourceElementId, targetElementId };
      });
      const params = kind === 'migrate' ? { targetProcessDefinitionKey: target, mapping } : undefined;
      const made = await ctx.batchService.create(me(res).id, { kind, filter, params, reason: b.reason });
      res.redirect(303, `/inspector/batches/${encodeURIComponent(made.id)}`);
    }),
  );
  for (const [action, word] of [['pause', 'paused'], ['resume', 'resumed'], ['cancel', 'canceled']] as const) {
    r.post(
      `/inspector/batches/:id/${action}`,
      admins,
      handle(async (req, res) => {
        const id = idOf(req);
        await ctx.batchService[action](me(res).id, id);
        res.redirect(303, `/inspector/batches/${encodeURIComponent(id)}?done=${word}`);
      }),
    );
  }
  return r;
}
