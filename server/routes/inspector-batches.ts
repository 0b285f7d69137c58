/**
 * Batch operations of the inspector (issue 18): process admins start, pause, resume and cancel a
 * batch over the inspector's filter; auditors read batches and their results (readOnlyGuard refuses
 * their writes before these handlers).
 */
import { Router, type Request, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import type { ItemState } from '../data/batches-repository.js';
import { HttpError } from '../http-error.js';
import { field, handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';

const ITEM_STATES: ItemState[] = ['pending', 'done', 'failed', 'skipped'];
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
  return r;
}
