/**
 * Staff pages: sign-in, the task list, a task with its case and form (rendered by form-js in the
 * browser, checked again on the server when submitted through the API), cases with their history,
 * the petitioner's identity on request (logged), a unit's extension request and delay explanation
 * (at any time during handling), the CSV export, the hotline entry and attachments.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AuditRecord } from '../data/audit-repository.js';
import { CHANNEL_LABELS } from '../data/petitions-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError, known } from '../http-error.js';
import { field, handle, locals, requireRole, sendCsv, sendXlsx, signIn, signOut, SIGN_IN_REFUSED, staffOf } from '../http/web.js';
import { categoryOptions, filesOf } from './portal.js';
import type { AppContext } from '../app-context.js';
import { RATING_LABELS } from '../services/petition-service.js';
import { ratingOptions } from './portal.js';
import { filterOptions, parseCaseQuery, toQueryString, withoutPhone } from '../services/case-query.js';

const ACTION_LABELS: Record<string, (d: Record<string, unknown>) => string> = {
  'petition.submitted': (d) => `提交诉求(${CHANNEL_LABELS[d.channel as keyof typeof CHANNEL_LABELS] ?? ''})`,
  'task.completed': (d) => `完成「${d.task ?? ''}」`,
  'case.extension-requested': (d) => `申请延期 ${d.extensionDays ?? ''} 个工作日`,
  'case.delay-explained': () => '提交逾期情况说明',
  'case.supervision-started': (d) => `发起督办(第二十三条(${typeof d.trigger === 'string' ? d.trigger : ''}))`,
  'case.supervision-refused': (d) => `发起督办未成功(第二十三条(${typeof d.trigger === 'string' ? d.trigger : ''})):${SUPERVISION_REFUSALS[d.code as string] ?? '未能发起'}`,
  'case.urged': (d) => `催办(短信提醒分管领导)${typeof d.note === 'string' && d.note ? `:${d.note}` : ''}`,
  'petition.rated': () => '诉求人作出评价',
  'petition.rated-by-phone': (d) => `电话回访,录入诉求人评价:${RATING_LABELS[d.rating as keyof typeof RATING_LABELS] ?? ''}`,
  'identity.read-denied': () => '查看诉求人身份被拒绝',
};

/** why a 督办 of a selection was not started, as the timeline says it */
const SUPERVISION_REFUSALS: Record<string, string> = { NO_UNIT: '尚未转办到承办单位', ALREADY_SUPERVISED: '正在督办中', FAILED: '系统未能启动督办流程' };

export function staffRoutes(ctx: AppContext): Router {
  const r = Router();
  const { taskService, caseService, petitionService, staff: staffRepo, upload } = ctx;
  const { page } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;

  async function historyOf(records: AuditRecord[]) {
    const names = new Map<string, string>();
    const out: { at: Date; label: string }[] = [];
    for (const a of records) {
      const label = ACTION_LABELS[a.action]?.(a.detail ?? {}) ?? a.action;
      let who = a.actor === 'petitioner' ? '诉求人' : a.actor === 'system' ? '系统' : names.get(a.actor);
      if (who === undefined) {
        who = (await staffRepo.get(a.actor))?.displayName ?? a.actor;
        names.set(a.actor, who);
      }
      out.push({ at: a.at, label: `${who}:${label}` });
    }
    return out;
  }

  // ---- sign-in
  r.get('/login', (req, res) => {
    if (staffOf(res)) return res.redirect(303, '/staff');
    page(res, 'login', { title: '登录', next: safeNext(req.query.next), values: {} });
  });
  r.post(
    '/login',
    ctx.limits.login,
    handle(async (req, res) => {
      const username = field(req.body, 'username') ?? '';
      const result = await staffRepo.verifyLogin(username, typeof req.body?.password === 'string' ? req.body.password : '');
      if (!result.ok) {
        // the same answer as the API's: a locked account looks like a wrong password
        const message = result.reason === 'inactive' ? '该账号已停用' : SIGN_IN_REFUSED;
        return page(res, 'login', { title: '登录', next: safeNext(req.body?.next), values: { username }, errors: [{ field: 'username', message }], errorMessage: '登录失败' }, 401);
      }
      await signIn(res, ctx.sessionOptions, result.staff, locals(res).sessionToken);
      await ctx.audit.append({ actor: result.staff.id, action: 'staff.signed-in' });
      res.redirect(303, safeNext(req.body?.next) || '/staff');
    }),
  );
  r.post(
    '/logout',
    handle(async (_req, res) => {
      await signOut(res, ctx.sessionOptions);
      res.redirect(303, '/login');
    }),
  );

  // ---- tasks
  r.get(
    '/staff',
    requireRole(),
    handle(async (_req, res) => {
      const tasks = await taskService.list(me(res));
      // the platform office and city leaders are told of tasks nobody can act on (a unit without the person)
      const platform = me(res).roles.some((x) => x === 'intake-operator' || x === 'platform-reviewer' || x === 'city-leader');
      const unassignable = platform ? await ctx.staffing.unassignableTasks() : [];
      page(res, 'tasks', { title: '待办事项', tasks, unassignable, readOnly: me(res).roles.every((x) => x === 'auditor') });
    }),
  );
  r.get(
    '/staff/tasks/:key',
    requireRole(),
    handle(async (req, res) => {
      const task = await taskService.get(me(res), String(req.params.key));
      const history = task.petition ? await historyOf(await ctx.audit.listByPetition(task.petition.id)) : [];
      page(res, 'task', { title: task.name, task, history, formPage: true });
    }),
  );

  // ---- cases
  // the list: every state a URL (the filter form is a GET); an unknown value is left out and named
  // on the page (the API answers 400 for it); a search the account may not make is a 403 page
  const listPage = async (req: Request, res: Response, extra: Record<string, unknown> = {}, status = 200, listQuery?: string) => {
    const raw = listQuery === undefined ? (req.query as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(listQuery));
    const { query, problems } = parseCaseQuery(raw);
    let result;
    try {
      result = await caseService.list(me(res), query);
    } catch (err) {
      // a keyword search over too long a range: the list without the keyword, and why
      if (!(err instanceof HttpError && err.status === 400 && Array.isArray(err.details))) throw err;
      problems.push(...(err.details as { field: string; message: string }[]));
      result = await caseService.list(me(res), { ...query, q: undefined });
    }
    const exportQs = toQueryString(withoutPhone(query));
    const opts = filterOptions();
    const mark = (list: { value: string; label: string }[], v: unknown) => list.map((o) => ({ ...o, selected: o.value === String(v ?? '') }));
    const platform = me(res).roles.some((x) => x === 'intake-operator' || x === 'platform-reviewer');
    const filtersSet = (['status', 'category', 'unit', 'township', 'channel', 'urgent', 'warning', 'from', 'to', 'q', 'phone'] as const).filter((k) => query[k] !== undefined).length;
    page(
      res,
      'cases',
      {
        title: '诉求',
        cases: result.cases,
        query,
        // the phone never goes into a link (export, save, paging keep the search through the form)
        qs: toQueryString(withoutPhone(query)),
        next: result.next && (query.phone ? undefined : result.next),
        prev: result.prev && (query.phone ? undefined : result.prev),
        exportQs,
        phoneSearch: Boolean(query.phone),
        statuses: mark(opts.statuses, query.status),
        categories: mark(opts.categories, query.category),
        channels: mark(opts.channels, query.channel),
        warnings: mark(opts.warnings, query.warning),
        sorts: mark(opts.sorts, query.sort),
        urgentOptions: mark([{ value: 'true', label: '仅突发' }, { value: 'false', label: '非突发' }], query.urgent),
        units: (await caseService.filterUnits(me(res))).map((u) => ({ value: u.id, label: u.name, selected: u.id === query.unit })),
        townships: mark(await ctx.townshipOptions(), query.township),
        platform,
        maySupervise: me(res).roles.includes('platform-reviewer'),
        // an auditor changes nothing, not even a saved view of their own
        maySaveViews: !me(res).roles.every((x) => x === 'auditor'),
        views: (await caseService.views(me(res))).map((v) => ({ ...v, current: v.query === exportQs })),
        notices: result.notices,
        filtersSet,
        ...(problems.length && { errors: problems, errorMessage: '部分筛选条件无效,已忽略:' }),
        listQuery: exportQs,
        ...extra,
      },
      status,
    );
  };
  r.get('/staff/cases', requireRole(), handle(async (req, res) => listPage(req, res)));
  const caseQuery = (req: Request, res: Response) => {
    caseService.mayList(me(res));
    const { query, problems } = parseCaseQuery(req.query as Record<string, unknown>);
    if (problems.length) throw new HttpError(400, 'INVALID_INPUT', problems.map((p) => p.message).join(';'), problems);
    return query;
  };
  r.get('/staff/cases.csv', requireRole(), handle(async (req, res) => sendCsv(res, 'wenzheng-cases.csv', caseService.exportCsv(me(res), caseQuery(req, res)))));
  r.get('/staff/cases.xlsx', requireRole(), handle(async (req, res) => sendXlsx(res, 'wenzheng-cases.xlsx', caseService.exportXlsx(me(res), caseQuery(req, res)))));
  // 督办 for the ticked cases: the list again (the same query) with each case's outcome
  r.post(
    '/staff/cases/supervise',
    requireRole('platform-reviewer'),
    handle(async (req, res) => {
      const b = req.body ?? {};
      const listQuery = typeof b.list === 'string' ? b.list.slice(0, 1000) : '';
      try {
        const { results } = await caseService.superviseMany(me(res), { ids: b.ids, trigger: b.supervisionTrigger, note: b.supervisionNote });
        const started = results.filter((x) => x.outcome === 'started').length;
        await listPage(req, res, { results, done: `已为 ${started} 件诉求发起督办${results.length > started ? `,${results.length - started} 件未发起(原因见下)` : ''}` }, 200, listQuery);
      } catch (err) {
        if (err instanceof HttpError && err.status === 400) return listPage(req, res, { errors: err.details, errorMessage: err.message }, 400, listQuery);
        throw err;
      }
    }),
  );
  // a search by phone (platform roles): posted, so the number stays out of URLs, history and logs
  r.post(
    '/staff/cases/phone-search',
    requireRole('intake-operator', 'platform-reviewer'),
    handle(async (req, res) => {
      const list = typeof req.body?.list === 'string' ? req.body.list.slice(0, 1000) : '';
      const params = new URLSearchParams(list);
      params.delete('after');
      params.delete('before');
      params.set('phone', typeof req.body?.phone === 'string' ? req.body.phone : '');
      res.set('cache-control', 'no-store');
      await listPage(req, res, {}, 200, params.toString());
    }),
  );
  // saved views: the person's own
  r.post(
    '/staff/case-views',
    requireRole(),
    handle(async (req, res) => {
      const listQuery = typeof req.body?.query === 'string' ? req.body.query : '';
      try {
        await caseService.saveView(me(res), { name: req.body?.name, query: listQuery });
        res.redirect(303, `/staff/cases${listQuery ? `?${listQuery}` : ''}`);
      } catch (err) {
        if (err instanceof HttpError && (err.status === 400 || err.status === 409)) return listPage(req, res, { errors: err.details ?? [{ field: 'name', message: err.message }], errorMessage: err.message, viewName: req.body?.name }, err.status, listQuery.slice(0, 1000));
        throw err;
      }
    }),
  );
  r.post(
    '/staff/case-views/:id/delete',
    requireRole(),
    handle(async (req, res) => {
      await caseService.deleteView(me(res), String(req.params.id));
      res.redirect(303, '/staff/cases');
    }),
  );
  const casePage = async (res: Response, id: string, extra: Record<string, unknown> = {}, status = 200) => {
    const c = await caseService.get(me(res), id);
    const tasks = await taskService.forPetition(me(res), c.id);
    page(res, 'case', { title: c.title, c, tasks, channelLabel: CHANNEL_LABELS[c.channel], history: await historyOf(c.timeline), ratings: ratingOptions(), ...extra }, status);
  };
  r.get('/staff/cases/:id', requireRole(), handle(async (req, res) => casePage(res, String(req.params.id))));
  r.post(
    '/staff/cases/:id/identity',
    requireRole(),
    handle(async (req, res) => {
      const identity = await caseService.readIdentity(me(res), String(req.params.id), 'case-page');
      res.set('cache-control', 'no-store');
      await casePage(res, String(req.params.id), { identity });
    }),
  );
  const caseAction = (action: 'requestExtension' | 'explainDelay' | 'urge' | 'supervise' | 'rateByPhone', done: string) =>
    handle(async (req, res) => {
      try {
        const id = String(req.params.id);
        if (action === 'rateByPhone') await ctx.petitionService.rateByPhone(me(res), await caseService.visibleCase(me(res), id), req.body?.rating, req.body?.ratingComment);
        else await caseService[action](me(res), id, req.body ?? {});
        await casePage(res, id, { done });
      } catch (err) {
        if (err instanceof HttpError && (err.status === 400 || err.status === 409)) {
          return casePage(res, String(req.params.id), { errors: Array.isArray(err.details) ? err.details : [{ field: '', message: err.message }], errorMessage: err.message }, err.status);
        }
        throw err;
      }
    });
  r.post('/staff/cases/:id/extension', requireRole('unit-handler'), caseAction('requestExtension', '延期申请已提交,等待平台审核'));
  r.post('/staff/cases/:id/delay-explanation', requireRole('unit-handler'), caseAction('explainDelay', '情况说明已提交'));
  r.post('/staff/cases/:id/urge', requireRole('intake-operator', 'platform-reviewer'), caseAction('urge', '已催办:短信已发给承办单位分管领导'));
  r.post('/staff/cases/:id/phone-rating', requireRole('intake-operator', 'platform-reviewer'), caseAction('rateByPhone', '电话回访的评价已录入'));
  r.post('/staff/cases/:id/supervise', requireRole('platform-reviewer'), caseAction('supervise', '已发起督办,请在待办中选择督办方式'));

  // ---- hotline entry (intake operators)
  const hotlinePage = async (res: Response, data: Record<string, unknown>, status = 200) =>
    page(res, 'submit', { title: '热线录入', hotline: true, action: '/staff/hotline', categories: categoryOptions(), townships: await ctx.townshipOptions(), maxMb: ctx.uploadMaxMb, ...data }, status);
  const typedHotline = (body: Record<string, unknown> | undefined) => ({ ...body, confidential: body?.confidential === 'true', urgent: body?.urgent === 'true' });
  r.get('/staff/hotline', requireRole('intake-operator'), handle(async (_req, res) => hotlinePage(res, { values: {} })));
  r.post(
    '/staff/hotline',
    requireRole('intake-operator'),
    upload.petition,
    handle(async (req, res) => {
      try {
        const petition = await petitionService.submit(req.body ?? {}, { channel: 'hotline', actor: me(res).id, files: filesOf(req), requireAgreement: false, allowUrgent: true });
        page(res, 'submitted', { title: '已登记', petition, hotline: true }, 201);
      } catch (err) {
        if (err instanceof HttpError && err.status === 400 && Array.isArray(err.details)) return hotlinePage(res, { values: typedHotline(req.body), errors: err.details, errorMessage: err.message }, 400);
        throw err;
      }
    }),
    // a refused upload (too many files, one too large) shows the form again too, with what was typed
    (err: unknown, req: Request, res: Response, next: NextFunction) => {
      const e = known(err);
      if (!(e instanceof HttpError) || !Array.isArray(e.details) || err instanceof HttpError) return next(err);
      hotlinePage(res, { values: typedHotline(req.body), errors: e.details, errorMessage: e.message }, e.status).catch(next);
    },
  );

  // ---- attachments (a case's staff only)
  r.get(
    '/attachments/:id',
    requireRole(),
    handle(async (req, res) => {
      const found = await ctx.attachmentService.read(me(res), String(req.params.id));
      res.set({ 'content-type': found.record.mediaType, 'x-content-type-options': 'nosniff', 'cache-control': 'private, no-store' });
      res.attachment(found.record.filename).send(found.content);
    }),
  );
  return r;
}

/** a local path to go back to after sign-in (never another site) */
export function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(v) && v.length < 300 ? v : '';
}

