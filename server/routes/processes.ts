/**
 * The processes (process admins and auditors read; process admins edit): the list of deployed
 * processes, a process's versions with who deployed each and links to their differences and
 * instances, and the modeler (server/views/process-edit.hbs + modeler/modeler/). The modeler's
 * drafts are kept per admin and process (`/api/processes/:processId/draft`); deploying goes through
 * `/api/deployments` (the deploy gate) like every other way a diagram arrives.
 */
import { Router, type Request, type Response } from 'express';
import type { ProcessDefinition } from '../../engine/port.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { field, handle, requireRole, staffOf } from '../http/web.js';
import { elementTemplates } from '../../workers/element-templates.js';
import type { AppContext } from '../app-context.js';

const PROCESS_ID = /^[\w.-]{1,191}$/;
const MAX_XML = 2 * 1024 * 1024;

/** the process's name in its diagram (`<bpmn:process id="…" name="…">`), or its id */
export function processName(xml: string | undefined, processId: string): string {
  if (!xml) return processId;
  const tag = new RegExp(`<(?:\\w+:)?process\\b[^>]*\\bid="${processId.replace(/[.]/g, '\\.')}"[^>]*>`).exec(xml)?.[0];
  const name = tag && /\bname="([^"]*)"/.exec(tag)?.[1];
  return name ? name.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : processId;
}

/** running instances (active or with an incident) of a process per version, counted up to `cap` */
async function runningByVersion(engine: AppContext['engine'], processId: string, cap = 10_000): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const state of ['active', 'incident'] as const) {
    for (let offset = 0; offset < cap; offset += 500) {
      const batch = await engine.listProcessInstances({ processId, state, limit: 500, offset });
      for (const i of batch) counts.set(i.version, (counts.get(i.version) ?? 0) + 1);
      if (batch.length < 500) break;
    }
  }
  return counts;
}

export function processRoutes(ctx: AppContext): Router {
  const r = Router();
  const { engine, drafts, page } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const readers = requireRole('process-admin', 'auditor');
  const admins = requireRole('process-admin');
  const isAdmin = (res: Response) => me(res).roles.includes('process-admin');

  const processIdOf = (req: Request) => {
    const id = String(req.params.processId);
    if (!PROCESS_ID.test(id)) throw new HttpError(400, 'INVALID_INPUT', '流程编号不正确', [{ field: 'processId', message: '流程编号只含字母、数字、点、横线或下划线' }]);
    return id;
  };

  /** the versions of a process, newest first; 404 when it was never deployed */
  const versionsOf = async (processId: string): Promise<ProcessDefinition[]> => {
    const defs = (await engine.listProcessDefinitions({ processId })).sort((a, b) => b.version - a.version);
    if (!defs.length) throw new HttpError(404, 'NOT_FOUND', `未找到流程 ${processId}`);
    return defs;
  };

  const listPage = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const latest = new Map<string, ProcessDefinition & { count: number }>();
    for (const d of await engine.listProcessDefinitions()) {
      const seen = latest.get(d.processId);
      if (!seen || d.version > seen.version) latest.set(d.processId, { ...d, count: (seen?.count ?? 0) + 1 });
      else seen.count += 1;
    }
    const mine = isAdmin(res) ? new Map((await drafts.listForStaff(me(res).id)).map((d) => [d.processId, d])) : new Map();
    const processes = await Promise.all(
      [...latest.values()]
        .sort((a, b) => a.processId.localeCompare(b.processId))
        .map(async (d) => ({
          ...d,
          name: processName(await engine.getProcessDefinitionXml(d.processDefinitionKey), d.processId),
          running: [...(await runningByVersion(engine, d.processId)).values()].reduce((n, c) => n + c, 0),
          draft: mine.get(d.processId),
        })),
    );
    page(res, 'processes', { title: '流程', processes, mayEdit: isAdmin(res), ...extra }, status);
  };
  r.get('/processes', readers, handle(async (_req, res) => listPage(res)));

  // a .bpmn file from disk (a new process, or a version made elsewhere): the same gate as the modeler
  r.post(
    '/processes/upload',
    admins,
    ctx.upload.single,
    handle(async (req, res) => {
      const file = req.file;
      const refuse = (problems: { resourceName?: string; elementId?: string; rule?: string; message: string }[], message: string, status = 400) =>
        listPage(res, { uploadProblems: problems, uploadMessage: message }, status);
      if (!file) return refuse([], '请选择要上传的 .bpmn 文件');
      // the gate takes .dmn too: decision tables have their own page
      if (!file.originalname.endsWith('.bpmn')) return refuse([{ resourceName: file.originalname.slice(0, 100), rule: 'input', message: '文件名须以 .bpmn 结尾(决策表请在“决策表”页上传)' }], '部署未通过检查,未部署任何内容');
      const resources = [{ name: file.originalname, content: file.buffer.toString('utf8') }];
      const { problems, changes } = await ctx.gate.preview(resources);
      if (problems.length) return refuse(problems, `部署未通过检查,共 ${problems.length} 个问题,未部署任何内容`);
      const affected = changes.reduce((n, c) => n + c.affectedInstances, 0);
      if (affected > 0 && req.body?.confirmAffected !== 'yes') {
        return refuse(changes.flatMap((c) => c.removed.filter((r) => r.waiting).map((r) => ({ resourceName: file.originalname, elementId: r.elementId, message: `${r.waiting} 个运行中实例正在此等待` }))), `新版本删除了 ${affected} 个运行中实例正在等待的环节;这些实例将继续按原版本运行。勾选“确认”后再上传`, 409);
      }
      const result = await ctx.gate.deploy(resources, { deployedBy: me(res).username, confirmAffected: affected > 0 });
      await ctx.audit.append({ actor: me(res).id, action: 'process.deployed', detail: { processes: result.processes.map((p) => ({ processId: p.processId, version: p.version, duplicate: p.duplicate })), via: 'upload' } });
      const done = result.processes.map((p) => (p.duplicate ? `${p.processId} 与第 ${p.version} 版相同,未产生新版本` : `${p.processId} 已部署为第 ${p.version} 版`)).join(';');
      return listPage(res, { done }, 201);
    }),
  );

  r.get(
    '/processes/:processId',
    readers,
    handle(async (req, res) => {
      const processId = processIdOf(req);
      const defs = await versionsOf(processId);
      const running = await runningByVersion(engine, processId);
      const versions = defs.map((d, i) => ({ ...d, running: running.get(d.version) ?? 0, previous: defs[i + 1]?.version, latest: i === 0 }));
      const draft = isAdmin(res) ? await drafts.get(me(res).id, processId) : undefined;
      page(res, 'process', {
        title: `流程 ${processId}`,
        processId,
        name: processName(await engine.getProcessDefinitionXml(defs[0].processDefinitionKey), processId),
        versions,
        mayEdit: isAdmin(res),
        draft: draft && { savedAt: draft.savedAt, baseVersion: draft.baseVersion },
      });
    }),
  );

  r.get(
    '/processes/:processId/edit',
    admins,
    handle(async (req, res) => {
      const processId = processIdOf(req);
      const defs = await versionsOf(processId);
      // ?version=N starts from an older version (deploying it makes it the newest again)
      const asked = field(req.query, 'version');
      const base = asked === undefined ? defs[0] : defs.find((d) => String(d.version) === asked);
      if (!base) throw new HttpError(404, 'NOT_FOUND', `未找到流程 ${processId} 的第 ${asked} 版`);
      const xml = (await engine.getProcessDefinitionXml(base.processDefinitionKey)) ?? '';
      const draft = asked === undefined ? await drafts.get(me(res).id, processId) : undefined;
      const enc = encodeURIComponent(processId);
      const { jobTypes, formIds } = await ctx.lintInputs();
      page(res, 'process-edit', {
        title: `编辑流程 ${processId}`,
        pageCss: 'modeler',
        wide: true,
        processId,
        name: processName(xml, processId),
        version: base.version,
        latestVersion: defs[0].version,
        modeler: {
          processId,
          resourceName: base.resourceName,
          version: base.version,
          xml,
          draft: draft ? { xml: draft.xml, savedAt: draft.savedAt, baseVersion: draft.baseVersion } : null,
          jobTypes,
          formIds,
          templates: elementTemplates(),
          csrf: res.locals.csrfToken,
          urls: { draft: `/api/processes/${enc}/draft`, preview: '/api/deployments/preview', deploy: '/api/deployments', versions: `/processes/${enc}` },
        },
      });
    }),
  );

  // ---- the drafts (JSON)
  r.get(
    '/api/processes/:processId/draft',
    admins,
    handle(async (req, res) => {
      const draft = await drafts.get(me(res).id, processIdOf(req));
      if (!draft) throw new HttpError(404, 'NOT_FOUND', '没有该流程的草稿');
      res.json({ processId: draft.processId, baseVersion: draft.baseVersion, savedAt: draft.savedAt, xml: draft.xml });
    }),
  );
  r.put(
    '/api/processes/:processId/draft',
    admins,
    handle(async (req, res) => {
      const processId = processIdOf(req);
      const body = typeof req.body === 'object' && req.body !== null ? req.body : {};
      const problems: { field: string; message: string }[] = [];
      const xml = body.xml;
      if (typeof xml !== 'string' || !xml.trimStart().startsWith('<')) problems.push({ field: 'xml', message: '须为 BPMN XML 文本' });
      else if (Buffer.byteLength(xml) > MAX_XML) problems.push({ field: 'xml', message: '流程图超过 2 MB' });
      const baseVersion = body.baseVersion ?? null;
      if (baseVersion !== null && !(Number.isInteger(baseVersion) && baseVersion > 0)) problems.push({ field: 'baseVersion', message: '须为版本号或 null' });
      if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '草稿未保存:内容有误', problems);
      const saved = await drafts.save({ staffId: me(res).id, processId, baseVersion, xml });
      res.json({ processId, baseVersion: saved.baseVersion, savedAt: saved.savedAt });
    }),
  );
  r.delete(
    '/api/processes/:processId/draft',
    admins,
    handle(async (req, res) => {
      if (!(await drafts.remove(me(res).id, processIdOf(req)))) throw new HttpError(404, 'NOT_FOUND', '没有该流程的草稿');
      res.status(204).end();
    }),
  );
  // the templates the modeler offers (one per registered worker)
  r.get('/api/element-templates', readers, (_req, res) => res.json(elementTemplates()));

  return r;
}
