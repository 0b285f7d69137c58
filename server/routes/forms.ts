/**
 * The form editor (issue 5, item 3): the versions of the user-task forms, through the form gate.
 *
 * API (described in openapi.ts): process admins and auditors read — an auditor checking a case wants
 * to see the form a task was done in, and every version of it —; only process admins check and save
 * (an auditor's POST is refused by readOnlyGuard before it gets here).
 *   GET  /api/forms                              the latest version of each form
 *   GET  /api/forms/:formId                      the latest schema and the version list
 *   GET  /api/forms/:formId/versions/:version    one version
 *   POST /api/forms/:formId/check                { schema } → problems, warnings; nothing saved
 *   POST /api/forms/:formId/versions             { schema, confirmWarnings? } → 201 { formId, version }
 * Pages (process admins, as the menu's 表单): /admin/forms (the list), /admin/forms/:formId (the
 * form-js editor with its preview and the versions; `?version=N` shows version N read-only).
 */
import { Router, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';

/** where a diagram uses a field, in Chinese (the form editor page shows the same) */
export const USE_LABELS: Record<string, string> = {
  condition: '顺序流条件',
  input: '输入映射',
  output: '输出映射',
  timer: '定时器',
  calledElement: '调用的流程',
  assignment: '办理人分配',
  loop: '多实例设置',
  correlationKey: '消息关联键',
  script: '脚本',
  expression: '表达式',
};

export function formRoutes(ctx: AppContext): Router {
  const r = Router();
  const forms = ctx.formService;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const readers = requireRole('process-admin', 'auditor');
  const admins = requireRole('process-admin');
  const versionOf = (v: unknown) => {
    const n = Number(v);
    if (!/^\d{1,9}$/.test(String(v)) || n < 1) throw new HttpError(404, 'NOT_FOUND', '未找到该表单版本');
    return n;
  };

  // ---- API
  r.get('/api/forms', readers, handle(async (_req, res) => res.json(await forms.list())));
  r.get('/api/forms/:formId', readers, handle(async (req, res) => res.json(await forms.get(String(req.params.formId)))));
  r.get('/api/forms/:formId/versions/:version', readers, handle(async (req, res) => res.json(await forms.getVersion(String(req.params.formId), versionOf(req.params.version)))));
  r.post('/api/forms/:formId/check', admins, handle(async (req, res) => res.json(await forms.check(String(req.params.formId), req.body))));
  r.post(
    '/api/forms/:formId/versions',
    admins,
    handle(async (req, res) => {
      const saved = await forms.save(me(res), String(req.params.formId), req.body);
      res.status(saved.created ? 201 : 200).json(saved);
    }),
  );

  // ---- pages
  r.get(
    '/admin/forms',
    admins,
    handle(async (_req, res) => ctx.page(res, 'admin-forms', { title: '表单', pageCss: 'form-editor', forms: await forms.list() })),
  );
  r.get(
    '/admin/forms/:formId',
    admins,
    handle(async (req, res) => {
      const formId = String(req.params.formId);
      const latest = await forms.get(formId);
      const asked = req.query.version;
      if (asked !== undefined && typeof asked !== 'string') throw new HttpError(404, 'NOT_FOUND', '未找到该表单版本');
      const shown = asked !== undefined && versionOf(asked) !== latest.version ? await forms.getVersion(formId, versionOf(asked)) : undefined;
      const saved = typeof req.query.saved === 'string' && /^\d{1,9}$/.test(req.query.saved) ? Number(req.query.saved) : undefined;
      ctx.page(res, 'admin-form', {
        title: `表单:${latest.title}`,
        pageCss: 'form-editor',
        // the editor's three columns need the room
        wide: true,
        form: latest,
        readOnly: Boolean(shown),
        shown: shown ?? latest,
        versions: latest.versions.map((v) => ({ ...v, latest: v.version === latest.version, current: v.version === (shown ?? latest).version })),
        ...(saved && { done: `已保存为第 ${saved} 版` }),
        useLabels: USE_LABELS,
      });
    }),
  );
  return r;
}
