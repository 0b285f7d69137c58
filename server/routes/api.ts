/**
 * The REST API: everything the pages do, as JSON (described by /api/openapi.json). Staff sign in
 * with POST /api/login (a session cookie); every unsafe request carries the CSRF token from
 * GET /api/session in `x-csrf-token`. Public calls (submit, track, rate) are rate-limited, and
 * submitting answers the challenge of GET /api/challenge.
 */
import { Router, type Request, type Response } from 'express';
import { CHANNEL_LABELS } from '../data/petitions-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { ROLE_LABELS } from '../domain/roles.js';
import { HttpError } from '../http-error.js';
import { field, handle, locals, requireRole, sendCsv, sendXlsx, signIn, signOut, SIGN_IN_REFUSED, staffOf } from '../http/web.js';
import { categoryOptions, filesOf, portalChannel, ratingOptions } from './portal.js';
import type { AppContext } from '../app-context.js';
import { parseCaseQuery } from '../services/case-query.js';
import { timelineKindOf } from '../services/inspector-service.js';

const publicAccount = (s: StaffRecord) => ({ id: s.id, username: s.username, displayName: s.displayName, roles: s.roles, roleLabels: s.roles.map((r) => ROLE_LABELS[r]), unitId: s.unitId });

export function apiRoutes(ctx: AppContext): Router {
  const r = Router();
  const { petitionService, taskService, queueService, caseService, attachmentService, adminService: admin, challenges, limits, upload } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const body = (req: Request) => (typeof req.body === 'object' && req.body !== null ? req.body : {});

  // ---- session
  r.get('/api/session', (_req, res) => {
    const staff = staffOf(res);
    res.set('cache-control', 'no-store').json({ csrfToken: locals(res).csrfToken, staff: staff ? publicAccount(staff) : null });
  });
  r.post(
    '/api/login',
    limits.login,
    handle(async (req, res) => {
      const result = await ctx.staff.verifyLogin(field(body(req), 'username') ?? '', typeof req.body?.password === 'string' ? req.body.password : '');
      if (!result.ok) {
        // only the right password of a disabled account is told apart (its holder knows it exists)
        throw new HttpError(401, 'INVALID_CREDENTIALS', result.reason === 'inactive' ? '该账号已停用' : SIGN_IN_REFUSED);
      }
      await signIn(res, ctx.sessionOptions, result.staff, locals(res).sessionToken);
      await ctx.audit.append({ actor: result.staff.id, action: 'staff.signed-in' });
      // the token is bound to the session: the new one comes back
      res.json({ staff: publicAccount(result.staff), csrfToken: ctx.csrfTokenFor(res) });
    }),
  );
  r.post(
    '/api/logout',
    handle(async (_req, res) => {
      await signOut(res, ctx.sessionOptions);
      res.status(204).end();
    }),
  );

  // ---- public
  r.get('/api/challenge', (_req, res) => res.set('cache-control', 'no-store').json(challenges.issue()));
  r.get('/api/categories', (_req, res) => res.json(categoryOptions()));
  r.get('/api/townships', handle(async (_req, res) => res.json(await ctx.townshipOptions())));
  r.post(
    '/api/petitions',
    limits.portal,
    upload.petition,
    handle(async (req, res) => {
      const b = body(req);
      if (field(b, 'website')) throw new HttpError(400, 'INVALID_INPUT', '提交未通过验证', [{ field: 'challengeAnswer', message: '提交未通过验证' }]);
      const options = { channel: portalChannel(req), actor: 'petitioner', files: filesOf(req), requireAgreement: true, allowUrgent: false };
      if (!(await challenges.verify(b.challengeToken, b.challengeAnswer))) {
        // the fields' problems with the answer's, as the portal page reports them
        const { problems } = petitionService.check(b, options);
        throw new HttpError(400, 'INVALID_INPUT', problems.length ? '提交的内容有误,请按提示修改' : '验证答案不正确或已过期,请重新获取验证问题', [...problems, { field: 'challengeAnswer', message: '验证答案不正确或已过期' }]);
      }
      const p = await petitionService.submit(b, options);
      res.status(201).json({ trackingCode: p.trackingCode, status: p.status, createdAt: p.createdAt });
    }),
  );
  r.post(
    '/api/track',
    limits.portal,
    handle(async (req, res) => {
      const v = await petitionService.track(field(body(req), 'trackingCode'), field(body(req), 'phone'));
      res.set('cache-control', 'no-store').json({
        trackingCode: v.petition.trackingCode,
        title: v.petition.title,
        category: v.petition.category,
        categoryLabel: v.categoryLabel,
        status: v.petition.status,
        statusLabel: v.statusLabel,
        channel: v.petition.channel,
        createdAt: v.petition.createdAt,
        updatedAt: v.petition.updatedAt,
        ...(v.reply && { reply: v.reply }),
        ...(v.rejection && { rejection: v.rejection }),
        canRate: v.canRate,
        ...(v.mergedInto && { mergedInto: v.mergedInto }),
      });
    }),
  );
  r.get('/api/ratings', (_req, res) => res.json(ratingOptions()));
  r.post(
    '/api/rate',
    limits.portal,
    handle(async (req, res) => {
      const b = body(req);
      await petitionService.rate(field(b, 'trackingCode'), field(b, 'phone'), b.rating, b.ratingComment ?? '');
      res.status(202).json({ accepted: true });
    }),
  );
  r.get(
    '/api/replies',
    handle(async (req, res) => {
      const n = Number(req.query.page ?? 1);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new HttpError(400, 'INVALID_INPUT', 'page 须为正整数');
      res.json((await petitionService.listPublished(n)).map((p) => ({ title: p.title, text: p.maskedText, publishedAt: p.publishedAt })));
    }),
  );

  // ---- staff: tasks
  // the work queue (issue 15): the same list states as the page's (tab, scope, filters, sort, keyset
  // cursor); /api/tasks answers the page's tasks, /api/queue with every tab's count and the cursors
  const QUEUE_PAGE = { strict: true, limit: 100, maxLimit: 500 };
  const listQuery = (req: Request) => {
    if (req.query.phone !== undefined) throw new HttpError(400, 'INVALID_INPUT', '按手机号查找请用 POST /api/queue/phone-search(号码不放在网址中)', [{ field: 'phone', message: '按手机号查找请用 POST /api/queue/phone-search' }]);
    return req.query as Record<string, unknown>;
  };
  r.get(
    '/api/tasks',
    requireRole(),
    handle(async (req, res) => {
      const page = await queueService.list(me(res), listQuery(req), QUEUE_PAGE);
      if (page.next) res.set('link', `</api/tasks?${page.next}>; rel="next"`);
      res.json(page.items);
    }),
  );
  r.get('/api/queue', requireRole(), handle(async (req, res) => res.json(await queueService.list(me(res), listQuery(req), QUEUE_PAGE))));
  // by the petitioner's phone: a POST, so the number is in no address, history or access log
  r.post(
    '/api/queue/phone-search',
    requireRole('intake-operator', 'platform-reviewer'),
    handle(async (req, res) => {
      if (typeof body(req).phone !== 'string' || !body(req).phone.trim()) throw new HttpError(400, 'INVALID_INPUT', '请输入诉求人手机号码', [{ field: 'phone', message: '请输入 11 位手机号码' }]);
      res.json(await queueService.list(me(res), body(req), QUEUE_PAGE));
    }),
  );
  // the queue's saved views: the person's own
  r.get('/api/queue-views', requireRole(), handle(async (_req, res) => res.json(await queueService.views(me(res)))));
  r.post('/api/queue-views', requireRole(), handle(async (req, res) => res.status(201).json(await queueService.saveView(me(res), body(req)))));
  r.delete(
    '/api/queue-views/:id',
    requireRole(),
    handle(async (req, res) => {
      await queueService.deleteView(me(res), String(req.params.id));
      res.status(204).end();
    }),
  );
  const held = (action: (staff: StaffRecord, key: string, b: Record<string, unknown>) => Promise<void>) =>
    handle(async (req, res) => {
      await action(me(res), String(req.params.key), body(req));
      res.json({ task: await queueService.one(me(res), String(req.params.key)) });
    });
  r.post('/api/tasks/:key/claim', requireRole(), held((s, key) => queueService.claim(s, key)));
  r.post('/api/tasks/:key/release', requireRole(), held((s, key) => queueService.release(s, key)));
  r.post('/api/tasks/:key/assign', requireRole('unit-leader'), held((s, key, b) => queueService.assign(s, key, b.assignee)));
  r.post('/api/tasks/:key/priority', requireRole('intake-operator', 'platform-reviewer'), held((s, key, b) => queueService.setPriority(s, key, b.priority)));
  // open tasks nobody active can act on: for the platform office and those who oversee the platform
  r.get(
    '/api/unassignable-tasks',
    requireRole('intake-operator', 'platform-reviewer', 'city-leader', 'auditor', 'process-admin'),
    handle(async (_req, res) => res.json(await ctx.staffing.unassignableTasks())),
  );
  r.get(
    '/api/tasks/:key',
    requireRole(),
    handle(async (req, res) => {
      const task = await taskService.get(me(res), String(req.params.key));
      res.json({ ...task, ...(await queueService.one(me(res), task.key)) });
    }),
  );
  r.post(
    '/api/tasks/:key/complete',
    requireRole(),
    handle(async (req, res) => {
      const variables = body(req).variables;
      if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) throw new HttpError(400, 'INVALID_INPUT', '请求须为 { "variables": { … } }', [{ field: '', message: '请求须为 { "variables": { … } }' }]);
      // a 转办 to a unit without the people its tasks need is refused before the task is completed
      await ctx.staffing.checkDispatch(me(res), String(req.params.key), variables as Record<string, unknown>);
      res.json(await taskService.complete(me(res), String(req.params.key), variables));
    }),
  );
  r.post(
    '/api/attachments',
    requireRole(),
    upload.single,
    handle(async (req, res) => {
      const file = req.file ? { filename: req.file.originalname, content: req.file.buffer } : undefined;
      const record = await attachmentService.upload(me(res), { petitionId: field(body(req), 'petitionId'), purpose: field(body(req), 'purpose'), ...(file && { file }) });
      res.status(201).json(record);
    }),
  );
  r.get(
    '/api/attachments/:id',
    requireRole(),
    handle(async (req, res) => {
      const found = await attachmentService.read(me(res), String(req.params.id));
      res.set({ 'content-type': found.record.mediaType, 'cache-control': 'private, no-store' }).attachment(found.record.filename).send(found.content);
    }),
  );

  // ---- staff: cases
  // the list: filters, sort, search as query parameters (an unknown value: 400), keyset pages linked
  // in the Link header (rel next / prev); the body stays the array of the page's cases
  const caseQuery = (req: Request, res: Response) => {
    caseService.mayList(me(res));
    const { query, problems } = parseCaseQuery(req.query as Record<string, unknown>);
    if (problems.length) throw new HttpError(400, 'INVALID_INPUT', problems.map((p) => p.message).join(';'), problems);
    return query;
  };
  r.get(
    '/api/cases',
    requireRole(),
    handle(async (req, res) => {
      const page = await caseService.list(me(res), caseQuery(req, res));
      const links = [page.next && `</api/cases?${page.next}>; rel="next"`, page.prev && `</api/cases?${page.prev}>; rel="prev"`].filter(Boolean);
      if (links.length) res.set('link', links.join(', '));
      if (page.notices.length) res.set('x-notice', encodeURIComponent(page.notices.join(';')));
      res.set('cache-control', 'private, no-store').json(page.cases);
    }),
  );
  r.get('/api/cases/export.csv', requireRole(), handle(async (req, res) => sendCsv(res, 'wenzheng-cases.csv', caseService.exportCsv(me(res), caseQuery(req, res)))));
  r.get('/api/cases/export.xlsx', requireRole(), handle(async (req, res) => sendXlsx(res, 'wenzheng-cases.xlsx', caseService.exportXlsx(me(res), caseQuery(req, res)))));
  r.post('/api/cases/supervise', requireRole('platform-reviewer'), handle(async (req, res) => {
    res.json(await caseService.superviseMany(me(res), body(req)));
  }));
  r.get('/api/case-views', requireRole(), handle(async (_req, res) => res.json(await caseService.views(me(res)))));
  r.post('/api/case-views', requireRole(), handle(async (req, res) => res.status(201).json(await caseService.saveView(me(res), body(req)))));
  r.delete('/api/case-views/:id', requireRole(), handle(async (req, res) => {
    await caseService.deleteView(me(res), String(req.params.id));
    res.status(204).end();
  }));
  r.get(
    '/api/cases/:id',
    requireRole(),
    handle(async (req, res) => {
      const c = await caseService.get(me(res), String(req.params.id));
      res.json({ ...c, channelLabel: CHANNEL_LABELS[c.channel], tasks: await queueService.forPetition(me(res), c.id), ...(await ctx.invalidService.caseFlags(me(res), c)) });
    }),
  );
  r.post(
    '/api/cases/:id/identity',
    requireRole(),
    handle(async (req, res) => {
      const purpose = field(body(req), 'purpose') ?? 'api';
      if (!/^[a-z][a-z0-9-]{1,63}$/.test(purpose)) throw new HttpError(400, 'INVALID_INPUT', 'purpose 须为小写英文单词,如 contact-petitioner');
      res.set('cache-control', 'no-store').json(await caseService.readIdentity(me(res), String(req.params.id), purpose));
    }),
  );
  r.post('/api/cases/:id/extension-request', requireRole('unit-handler'), handle(async (req, res) => {
    await caseService.requestExtension(me(res), String(req.params.id), body(req));
    res.status(202).json({ accepted: true });
  }));
  r.post('/api/cases/:id/phone-rating', requireRole('intake-operator', 'platform-reviewer'), handle(async (req, res) => {
    const b = body(req);
    await petitionService.rateByPhone(me(res), await caseService.visibleCase(me(res), String(req.params.id)), b.rating, b.ratingComment);
    res.status(202).json({ accepted: true });
  }));
  // issue 15: similar petitions at screening (platform staff) and 归并 (the screener)
  r.get('/api/cases/:id/similar', requireRole('intake-operator', 'platform-reviewer'), handle(async (req, res) => {
    res.json(await ctx.mergeService.similar(me(res), String(req.params.id)));
  }));
  r.post('/api/cases/:id/merge', requireRole('intake-operator'), handle(async (req, res) => {
    res.json(await ctx.mergeService.merge(me(res), String(req.params.id), body(req)));
  }));
  // 第二十七条 附则: 恶意、虚假诉求 — the mark (the case closes, leaves the units' statistics) and its undo
  r.post('/api/cases/:id/malicious', requireRole('platform-reviewer'), handle(async (req, res) => {
    res.json(await ctx.invalidService.mark(me(res), String(req.params.id), body(req)));
  }));
  r.delete('/api/cases/:id/malicious', requireRole('platform-reviewer'), handle(async (req, res) => {
    res.json(await ctx.invalidService.unmark(me(res), String(req.params.id)));
  }));
  r.post('/api/cases/:id/supervise', requireRole('platform-reviewer'), handle(async (req, res) => {
    res.status(202).json(await caseService.supervise(me(res), String(req.params.id), body(req)));
  }));
  r.post('/api/cases/:id/urge', requireRole('intake-operator', 'platform-reviewer'), handle(async (req, res) => {
    res.status(202).json(await caseService.urge(me(res), String(req.params.id), body(req)));
  }));
  r.post('/api/cases/:id/delay-explanation', requireRole('unit-handler'), handle(async (req, res) => {
    await caseService.explainDelay(me(res), String(req.params.id), body(req));
    res.status(202).json({ accepted: true });
  }));

  // ---- hotline
  r.post(
    '/api/hotline',
    requireRole('intake-operator'),
    upload.petition,
    handle(async (req, res) => {
      const p = await petitionService.submit(body(req), { channel: 'hotline', actor: me(res).id, files: filesOf(req), requireAgreement: false, allowUrgent: true });
      res.status(201).json({ id: p.id, trackingCode: p.trackingCode, status: p.status });
    }),
  );

  // ---- deployments (process admins): through the deploy gate, all or nothing
  const deployResources = (resources: unknown) => {
    if (!Array.isArray(resources) || resources.length === 0 || resources.length > 20) {
      throw new HttpError(400, 'INVALID_INPUT', '请求须为 { "resources": [{ "name": "x.bpmn", "content": "<xml…>" }] },最多 20 个文件');
    }
    return resources.map((x: { name?: unknown; content?: unknown }) => ({ name: String(x?.name ?? ''), content: typeof x?.content === 'string' ? x.content : '' }));
  };
  r.post(
    '/api/deployments/preview',
    requireRole('process-admin'),
    handle(async (req, res) => res.json(await ctx.gate.preview(deployResources(body(req).resources)))),
  );
  const readers = requireRole('process-admin', 'auditor');
  r.get(
    '/api/processes',
    readers,
    handle(async (_req, res) => {
      const byProcess = new Map<string, unknown[]>();
      for (const d of await ctx.engine.listProcessDefinitions()) {
        const list = byProcess.get(d.processId) ?? [];
        list.push({ version: d.version, processDefinitionKey: d.processDefinitionKey, resourceName: d.resourceName, deployedAt: d.deployedAt, deployedBy: d.deployedBy ?? null });
        byProcess.set(d.processId, list);
      }
      res.json([...byProcess].map(([processId, versions]) => ({ processId, versions })));
    }),
  );
  r.get(
    '/api/processes/:processId/diff',
    readers,
    handle(async (req, res) => {
      const from = Number(field(req.query, 'from'));
      const to = Number(field(req.query, 'to'));
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1) throw new HttpError(400, 'INVALID_INPUT', 'from 和 to 须为版本号', [{ field: 'from', message: '须为版本号' }]);
      res.json({ processId: String(req.params.processId), from, to, ...(await ctx.gate.diff(String(req.params.processId), from, to)) });
    }),
  );
  r.get(
    '/api/processes/:processId/versions/:version',
    readers,
    handle(async (req, res) => {
      const version = Number(req.params.version);
      const def = Number.isInteger(version) ? (await ctx.engine.listProcessDefinitions({ processId: String(req.params.processId) })).find((d) => d.version === version) : undefined;
      if (!def) throw new HttpError(404, 'NOT_FOUND', '未找到该流程版本');
      res.json({ ...def, deployedBy: def.deployedBy ?? null, xml: await ctx.engine.getProcessDefinitionXml(def.processDefinitionKey) });
    }),
  );
  // ---- the inspector (auditors, process admins): read-only
  r.get(
    '/api/inspector/instances',
    readers,
    handle(async (req, res) => {
      const q = Object.fromEntries(['processId', 'version', 'state', 'unitId', 'category', 'overdue', 'from', 'to', 'page'].map((k) => [k, field(req.query, k)]).filter(([, v]) => v));
      res.json(await ctx.inspector.list(q));
    }),
  );
  // `?kind=elements|tasks|warnings|operator`: the timeline of that kind only
  r.get('/api/inspector/instances/:key', readers, handle(async (req, res) => res.json(await ctx.inspector.get(String(req.params.key), timelineKindOf(field(req.query, 'kind'))))));
  r.get(
    '/api/inspector/incidents',
    readers,
    handle(async (req, res) => {
      const state = field(req.query, 'state') ?? 'active';
      if (state !== 'active' && state !== 'resolved') throw new HttpError(400, 'INVALID_INPUT', 'state 须为 active 或 resolved', [{ field: 'state', message: '须为 active 或 resolved' }]);
      res.json(await ctx.engine.listIncidents({ state }));
    }),
  );
  // retrying an incident changes the run: process admins only
  r.post(
    '/api/inspector/incidents/:key/retry',
    requireRole('process-admin'),
    handle(async (req, res) => {
      await ctx.inspector.retryIncident(me(res).id, String(req.params.key));
      res.status(202).json({ retried: true });
    }),
  );

  r.post(
    '/api/deployments',
    requireRole('process-admin'),
    handle(async (req, res) => {
      const resources = body(req).resources;
      const confirm = body(req).confirmAffected;
      if (confirm !== undefined && typeof confirm !== 'boolean') throw new HttpError(400, 'INVALID_INPUT', 'confirmAffected 须为 true 或 false');
      const result = await ctx.gate.deploy(deployResources(resources), { deployedBy: me(res).username, confirmAffected: confirm === true });
      await ctx.audit.append({ actor: me(res).id, action: 'process.deployed', detail: { processes: result.processes.map((p) => ({ processId: p.processId, version: p.version, duplicate: p.duplicate })) } });
      res.status(201).json(result);
    }),
  );

  // ---- admin
  const units = requireRole('process-admin', 'admin');
  const accounts = requireRole('admin');
  r.get('/api/admin/units', units, handle(async (_req, res) => res.json(await admin.listUnits())));
  r.post('/api/admin/units', units, handle(async (req, res) => res.status(201).json(await admin.createUnit(me(res), body(req)))));
  r.get('/api/admin/units/:id', units, handle(async (req, res) => res.json(await admin.getUnit(String(req.params.id)))));
  r.patch('/api/admin/units/:id', units, handle(async (req, res) => res.json(await admin.updateUnit(me(res), String(req.params.id), body(req)))));
  r.post('/api/admin/units/:id/people', units, handle(async (req, res) => res.status(201).json(await admin.addPerson(me(res), String(req.params.id), body(req)))));
  r.delete('/api/admin/people/:id', units, handle(async (req, res) => {
    await admin.removePerson(me(res), Number(String(req.params.id)));
    res.status(204).end();
  }));
  r.get('/api/admin/calendar', units, handle(async (_req, res) => res.json(await admin.listOverrides())));
  r.put('/api/admin/calendar/:date', units, handle(async (req, res) => res.json(await admin.setOverride(me(res), { ...body(req), date: String(req.params.date) }))));
  r.delete('/api/admin/calendar/:date', units, handle(async (req, res) => {
    await admin.removeOverride(me(res), String(req.params.date));
    res.status(204).end();
  }));
  r.get('/api/admin/staff', accounts, handle(async (_req, res) => res.json((await admin.listStaff()).map((s) => ({ ...publicAccount(s), active: s.active, lockedUntil: s.lockedUntil })))));
  r.post('/api/admin/staff', accounts, handle(async (req, res) => res.status(201).json(publicAccount(await admin.createStaff(me(res), body(req))))));
  r.patch('/api/admin/staff/:id', accounts, handle(async (req, res) => res.json(publicAccount(await admin.updateStaff(me(res), String(req.params.id), body(req))))));
  r.put('/api/admin/staff/:id/password', accounts, handle(async (req, res) => {
    await admin.setPassword(me(res), String(req.params.id), body(req).password);
    res.status(204).end();
  }));
  r.post('/api/admin/staff/:id/unlock', accounts, handle(async (req, res) => {
    await admin.unlock(me(res), String(req.params.id));
    res.status(204).end();
  }));
  return r;
}
