/**
 * Remote workers' credentials (issue 19), admins only: the API (`/api/remote-workers`) and the page
 * (`/admin/remote-workers`). A credential's secret is shown once, when it is made; lists never carry
 * it or its hash. Revoking takes effect at once. Each credential's recent calls are listed, newest
 * first, a page at a time.
 */
import { Router, type Request, type Response } from 'express';
import { elementTemplates } from '../../workers/element-templates.js';
import { jobTypes } from '../../workers/registry.js';
import type { RemoteWorkerRecord } from '../data/remote-workers-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';

const PAGE = 50;

/** what a credential shows: never its secret or hash */
const publicCredential = (c: RemoteWorkerRecord) => ({
  id: c.id,
  name: c.name,
  topics: c.topics,
  createdBy: c.createdBy,
  createdAt: c.createdAt,
  revokedAt: c.revokedAt,
  revokedBy: c.revokedBy,
  lastUsedAt: c.lastUsedAt,
});

/** ?before=<call id> (keyset page) and ?limit */
function pageOf(req: Request): { beforeId?: number; limit: number } {
  const before = req.query.before;
  const limit = req.query.limit;
  const out: { beforeId?: number; limit: number } = { limit: PAGE };
  if (before !== undefined) {
    const n = Number(before);
    if (typeof before !== 'string' || !/^\d{1,15}$/.test(before) || n < 1) throw new HttpError(400, 'INVALID_INPUT', '翻页参数 before 不正确', [{ field: 'before', message: '须为调用记录编号' }]);
    out.beforeId = n;
  }
  if (limit !== undefined) {
    const n = Number(limit);
    if (typeof limit !== 'string' || !Number.isInteger(n) || n < 1 || n > 200) throw new HttpError(400, 'INVALID_INPUT', '每页条数须为 1–200', [{ field: 'limit', message: '须为 1–200' }]);
    out.limit = n;
  }
  return out;
}

export function remoteWorkerRoutes(ctx: AppContext): Router {
  const r = Router();
  const service = ctx.remoteWorkers;
  const admins = requireRole('admin');
  const me = (res: Response) => staffOf(res) as StaffRecord;
  // each job type with the name the modeler's templates give it
  const labels = new Map(elementTemplates().map((t) => [t.id.replace(/^wenzheng\./, ''), t.name]));
  const labelOf = (type: string) => labels.get(type) ?? type;
  const endpoint = () => `${ctx.publicBaseUrl.replace(/\/+$/, '')}/engine-rest`;
  /** how to use a new credential: a curl call and the settings of a remote worker */
  const usage = (c: RemoteWorkerRecord, secret: string) => ({
    baseUrl: endpoint(),
    curl: `curl -u '${c.id}:${secret}' -H 'content-type: application/json' -d '{"workerId":"worker-1","maxTasks":1,"asyncResponseTimeout":20000,"topics":[{"topicName":"${c.topics[0]}","lockDuration":60000}]}' ${endpoint()}/external-task/fetchAndLock`,
    env: [`ENGINE_REST_URL=${endpoint()}`, `ENGINE_REST_USER=${c.id}`, `ENGINE_REST_PASSWORD=${secret}`, `ENGINE_REST_TOPICS=${c.topics.join(',')}`],
  });

  // ---- API
  r.get('/api/remote-workers', admins, handle(async (_req, res) => res.json((await service.list()).map(publicCredential))));
  r.post(
    '/api/remote-workers',
    admins,
    handle(async (req, res) => {
      const { credential, secret } = await service.create(me(res), (req.body ?? {}) as Record<string, unknown>);
      res.status(201).json({ ...publicCredential(credential), secret, usage: usage(credential, secret) });
    }),
  );
  r.post('/api/remote-workers/:id/revoke', admins, handle(async (req, res) => res.json(publicCredential(await service.revoke(me(res), String(req.params.id))))));
  r.get(
    '/api/remote-workers/:id/calls',
    admins,
    handle(async (req, res) => {
      const page = pageOf(req);
      const calls = await service.listCalls(String(req.params.id), page);
      const next = calls.length === page.limit ? calls[calls.length - 1].id : null;
      if (next !== null) res.set('link', `</api/remote-workers/${encodeURIComponent(String(req.params.id))}/calls?before=${next}&limit=${page.limit}>; rel="next"`);
      res.json({ calls, next });
    }),
  );

  // ---- page
  const show = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const list = await service.list();
    ctx.page(
      res,
      'admin-remote-workers',
      {
        title: '远程作业凭据',
        values: {},
        jobTypes: jobTypes.map((value) => ({ value, label: labelOf(value) })),
        credentials: list.map((c) => ({ ...publicCredential(c), topicLabels: c.topics.map((t) => (labelOf(t) === t ? t : `${labelOf(t)}(${t})`)).join('、') })),
        endpoint: endpoint(),
        ...extra,
      },
      status,
    );
  };
  r.get('/admin/remote-workers', admins, handle(async (_req, res) => show(res)));
  r.post(
    '/admin/remote-workers',
    admins,
    handle(async (req, res) => {
      try {
        const { credential, secret } = await service.create(me(res), (req.body ?? {}) as Record<string, unknown>);
        await show(res, { created: { ...publicCredential(credential), secret, ...usage(credential, secret) }, done: `已创建凭据「${credential.name}」` });
      } catch (err) {
        if (err instanceof HttpError && err.status === 400) {
          const v = (req.body ?? {}) as Record<string, unknown>;
          const topics = v.topics === undefined ? [] : Array.isArray(v.topics) ? v.topics : [v.topics];
          return show(res, { errors: err.details, errorMessage: err.message, values: { name: v.name, topics } }, 400);
        }
        throw err;
      }
    }),
  );
  r.post(
    '/admin/remote-workers/:id/revoke',
    admins,
    handle(async (req, res) => {
      const c = await service.revoke(me(res), String(req.params.id));
      await show(res, { done: `已吊销凭据「${c.name}」,使用它的调用立即被拒绝` });
    }),
  );
  r.get(
    '/admin/remote-workers/:id/calls',
    admins,
    handle(async (req, res) => {
      const id = String(req.params.id);
      const credential = await service.get(id);
      const page = pageOf(req);
      const calls = await service.listCalls(id, page);
      ctx.page(res, 'admin-remote-worker-calls', {
        title: `调用记录 - ${credential.name}`,
        credential: { ...publicCredential(credential), topicLabels: credential.topics.map(labelOf).join('、') },
        calls: calls.map((c) => ({ ...c, ok: c.status < 400, detailText: c.detail ? JSON.stringify(c.detail) : '' })),
        next: calls.length === page.limit ? calls[calls.length - 1].id : null,
        first: page.beforeId !== undefined,
      });
    }),
  );
  return r;
}
