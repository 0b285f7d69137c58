/**
 * The decision tables (issue 16; process admins and auditors read, process admins change): the list
 * of deployed decisions, a decision's versions with downloads, and the decision editor
 * (server/views/decision-edit.hbs + modeler/decision-editor/): 检查 (the deploy gate only), 部署 (a
 * new version through the gate), 试算 (the engine evaluates the deployed table), drafts per admin.
 * The JSON API under /api/decisions is what the editor uses; a `.dmn` file from disk is uploaded on
 * the list page through the same gate. 试算 is a POST, so auditors (read-only, readOnlyGuard) have
 * the tables, versions and downloads but not 试算.
 */
import { Router, type Request, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { field, handle, requireRole, staffOf } from '../http/web.js';
import { decisionIdOf } from '../services/decision-service.js';
import type { AppContext } from '../app-context.js';

export function decisionRoutes(ctx: AppContext): Router {
  const r = Router();
  const { decisionService: decisions, page } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const readers = requireRole('process-admin', 'auditor');
  const admins = requireRole('process-admin');
  const isAdmin = (res: Response) => me(res).roles.includes('process-admin');
  const idOf = (req: Request) => decisionIdOf(req.params.decisionId);
  const versionParam = (raw: unknown) => {
    const v = Number(raw);
    if (!Number.isInteger(v) || v < 1) throw new HttpError(400, 'INVALID_INPUT', '版本号不正确', [{ field: 'version', message: '须为正整数' }]);
    return v;
  };
  const body = (req: Request): Record<string, unknown> => (typeof req.body === 'object' && req.body !== null ? req.body : {});

  const listPage = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const mine = isAdmin(res) ? new Map((await decisions.drafts.listForStaff(me(res))).map((d) => [d.decisionId, d])) : new Map();
    const list = (await decisions.list()).map((d) => ({ ...d, draft: mine.get(d.decisionId) }));
    page(res, 'decisions', { title: '决策表', decisions: list, mayEdit: isAdmin(res), ...extra }, status);
  };
  r.get('/decisions', readers, handle(async (_req, res) => listPage(res)));

  // a .dmn file from disk (a new table, or a version made in the Camunda Modeler): the same gate as the editor
  r.post(
    '/decisions/upload',
    admins,
    ctx.upload.single,
    handle(async (req, res) => {
      const file = req.file;
      if (!file) return listPage(res, { uploadProblems: [], uploadMessage: '请选择要上传的 .dmn 文件' }, 400);
      if (!file.originalname.endsWith('.dmn')) return listPage(res, { uploadProblems: [], uploadMessage: '只能上传 .dmn 文件(流程图请在“流程”页上传)' }, 400);
      const resources = [{ name: file.originalname, content: file.buffer.toString('utf8') }];
      const problems = await ctx.gate.check(resources);
      if (problems.length) return listPage(res, { uploadProblems: problems, uploadMessage: `部署未通过检查,共 ${problems.length} 个问题,未部署任何内容` }, 400);
      const result = await ctx.gate.deploy(resources, { deployedBy: me(res).username });
      const deployed = result.decisions.map((d) => ({ decisionId: d.decisionId, name: d.name, version: d.version, duplicate: d.duplicate }));
      await ctx.audit.append({ actor: me(res).id, action: 'decision.deployed', detail: { resourceName: file.originalname, decisions: deployed.map((d) => ({ decisionId: d.decisionId, version: d.version, duplicate: d.duplicate })), via: 'upload' } });
      const done = deployed.map((d) => (d.duplicate ? `${d.name}(${d.decisionId})与第 ${d.version} 版相同,未产生新版本` : `${d.name}(${d.decisionId})已部署为第 ${d.version} 版`)).join(';');
      return listPage(res, { done }, 201);
    }),
  );

  r.get(
    '/decisions/:decisionId',
    readers,
    handle(async (req, res) => {
      const decisionId = idOf(req);
      const versions = await decisions.versions(decisionId);
      const draft = isAdmin(res) ? await decisions.drafts.get(me(res), decisionId).catch((err) => (err instanceof HttpError && err.status === 404 ? undefined : Promise.reject(err))) : undefined;
      page(res, 'decision', {
        title: `决策表 ${versions[0].name}`,
        decisionId,
        name: versions[0].name,
        versions: versions.map((v, i) => ({ ...v, latest: i === 0 })),
        mayEdit: isAdmin(res),
        draft: draft && { savedAt: draft.savedAt, baseVersion: draft.baseVersion },
      });
    }),
  );

  r.get(
    '/decisions/:decisionId/versions/:version/download',
    readers,
    handle(async (req, res) => {
      const v = await decisions.version(idOf(req), versionParam(req.params.version));
      // the version in the name: a downloaded older version is not mistaken for the current file
      const base = v.resourceName.replace(/\.dmn$/, '');
      res.attachment(v.version === v.latestVersion ? v.resourceName : `${base}-v${v.version}.dmn`);
      res.type('application/xml').send(v.xml);
    }),
  );

  r.get(
    '/decisions/:decisionId/edit',
    admins,
    handle(async (req, res) => {
      const decisionId = idOf(req);
      // ?version=N starts from an older version (deploying it makes it the newest again)
      const asked = field(req.query, 'version');
      const v = await decisions.version(decisionId, asked === undefined ? undefined : versionParam(asked));
      const draft = asked === undefined ? await decisions.drafts.get(me(res), decisionId).catch((err) => (err instanceof HttpError && err.status === 404 ? undefined : Promise.reject(err))) : undefined;
      const outline = await decisions.outline(decisionId);
      const versions = (await decisions.versions(decisionId)).map((x, i) => ({ ...x, latest: i === 0 }));
      const enc = encodeURIComponent(decisionId);
      page(res, 'decision-edit', {
        title: `编辑决策表 ${v.name}`,
        pageCss: 'decision-editor',
        wide: true,
        decisionId,
        name: v.name,
        version: v.version,
        latestVersion: v.latestVersion,
        versions,
        editor: {
          decisionId,
          resourceName: v.resourceName,
          version: v.version,
          latestVersion: v.latestVersion,
          xml: v.xml,
          draft: draft ? { xml: draft.xml, savedAt: draft.savedAt, baseVersion: draft.baseVersion } : null,
          inputs: outline.inputs,
          outputs: outline.outputs,
          csrf: res.locals.csrfToken,
          urls: {
            draft: `/api/decisions/${enc}/draft`,
            check: `/api/decisions/${enc}/check`,
            deploy: `/api/decisions/${enc}/deployments`,
            evaluate: `/api/decisions/${enc}/evaluate`,
            versions: `/decisions/${enc}`,
          },
        },
      });
    }),
  );

  // ---- the JSON API
  r.get('/api/decisions', readers, handle(async (_req, res) => res.json(await decisions.list())));
  r.get(
    '/api/decisions/:decisionId',
    readers,
    handle(async (req, res) => {
      const decisionId = idOf(req);
      const versions = await decisions.versions(decisionId);
      const outline = await decisions.outline(decisionId);
      res.json({ decisionId, name: versions[0].name, inputs: outline.inputs, outputs: outline.outputs, versions });
    }),
  );
  r.get('/api/decisions/:decisionId/versions/:version', readers, handle(async (req, res) => res.json(await decisions.version(idOf(req), versionParam(req.params.version)))));
  r.post('/api/decisions/:decisionId/check', admins, handle(async (req, res) => res.json(await decisions.check(idOf(req), body(req).xml))));
  r.post('/api/decisions/:decisionId/deployments', admins, handle(async (req, res) => res.status(201).json(await decisions.deploy(me(res), idOf(req), body(req).xml))));
  r.post('/api/decisions/:decisionId/evaluate', admins, handle(async (req, res) => res.json(await decisions.evaluate(idOf(req), body(req).variables))));
  r.get('/api/decisions/:decisionId/draft', admins, handle(async (req, res) => res.json(await decisions.drafts.get(me(res), idOf(req)))));
  r.put('/api/decisions/:decisionId/draft', admins, handle(async (req, res) => res.json(await decisions.drafts.save(me(res), idOf(req), body(req)))));
  r.delete(
    '/api/decisions/:decisionId/draft',
    admins,
    handle(async (req, res) => {
      await decisions.drafts.remove(me(res), idOf(req));
      res.status(204).end();
    }),
  );

  return r;
}
