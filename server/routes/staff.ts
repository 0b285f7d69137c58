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
import { PRIORITIES, PRIORITY_LABELS, QUEUE_SORT_LABELS, QUEUE_SORTS, QUEUE_TAB_LABELS, QUEUE_TABS, queueQueryString, type Priority } from '../../regulation/work-queue.js';
import { WARNING_LABELS } from '../../regulation/task-deadline.js';
import { RECIPIENT_LABELS } from '../../regulation/board.js';
import { hasIdentityRole } from '../domain/roles.js';
import { ratingOptions } from './portal.js';
import { maySeeSimilar } from '../services/merge-service.js';
import { screeningSuggestions } from './knowledge-pages.js';
import { INVALID_KIND_LABELS, INVALID_KINDS, type InvalidKind } from '../../regulation/invalid-petitions.js';
import { filterOptions, parseCaseQuery, toQueryString, withoutPhone } from '../services/case-query.js';

const ACTION_LABELS: Record<string, (d: Record<string, unknown>, names?: Map<string, string>) => string> = {
  'petition.submitted': (d) => `提交诉求(${CHANNEL_LABELS[d.channel as keyof typeof CHANNEL_LABELS] ?? ''})`,
  'task.completed': (d) => `完成「${d.task ?? ''}」`,
  'case.extension-requested': (d) => `申请延期 ${d.extensionDays ?? ''} 个工作日`,
  'case.delay-explained': () => '提交逾期情况说明',
  'case.supervision-started': (d) => `发起督办(第二十三条(${typeof d.trigger === 'string' ? d.trigger : ''}))`,
  'case.supervision-refused': (d) => `发起督办未成功(第二十三条(${typeof d.trigger === 'string' ? d.trigger : ''})):${SUPERVISION_REFUSALS[d.code as string] ?? '未能发起'}`,
  'case.marked-invalid': (d) => `认定为${INVALID_KIND_LABELS[d.kind as InvalidKind] ?? '恶意或虚假诉求'}并关闭(第二十七条):${typeof d.reason === 'string' ? d.reason : ''}${typeof d.basis === 'string' && d.basis ? `;依据:${d.basis}` : ''}`,
  'case.unmarked-invalid': (d) => `撤销恶意、虚假诉求的认定${d.restarted ? ',重新进入受理审查' : ''}`,
  'case.urged': (d) => `催办(短信提醒${RECIPIENT_LABELS[d.recipientKind as keyof typeof RECIPIENT_LABELS] ?? '分管领导'})${typeof d.note === 'string' && d.note ? `:${d.note}` : ''}`,
  // 第二十三条(二): a case of a hotspot whose 督办 was started on its lead case
  'case.hotspot-supervised': (d) => `列入热点督办(第二十三条(二)):「${typeof d.hotspot === 'string' ? d.hotspot : ''}」,主办诉求 ${typeof d.lead === 'string' ? d.lead : ''}`,
  'petition.rated': () => '诉求人作出评价',
  'petition.rated-by-phone': (d) => `电话回访,录入诉求人评价:${RATING_LABELS[d.rating as keyof typeof RATING_LABELS] ?? ''}`,
  'identity.read-denied': () => '查看诉求人身份被拒绝',
  'task.claimed': (d) => `认领「${d.task ?? ''}」`,
  'task.released': (d) => `退回认领「${d.task ?? ''}」`,
  'task.assigned': (d, names) => `将「${d.task ?? ''}」指派给 ${names?.get(String(d.to)) ?? ''}`,
  'task.priority-set': (d) => `将「${d.task ?? ''}」的优先级设为${PRIORITY_LABELS[d.priority as Priority] ?? ''}`,
  // 归并 (issue 15): the other petition's tracking code, nothing personal
  'petition.merged': (d) => (typeof d.into === 'string' ? `归并到诉求 ${d.into},由该件一并答复` : `诉求 ${typeof d.from === 'string' ? d.from : ''} 归并到本件,一并答复`),
  'petition.merged-rated': (d) => `归并诉求 ${typeof d.from === 'string' ? d.from : ''} 的诉求人作出评价:${RATING_LABELS[d.rating as keyof typeof RATING_LABELS] ?? ''}`,
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
      const to = a.action === 'task.assigned' && typeof a.detail?.to === 'string' ? a.detail.to : undefined;
      if (to && !names.has(to)) names.set(to, (await staffRepo.get(to))?.displayName ?? to);
      const label = ACTION_LABELS[a.action]?.(a.detail ?? {}, names) ?? a.action;
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

  // ---- tasks: the work queue (tabs, filters, sort, keyset pages; every state a link)
  const queuePage = async (req: Request, res: Response, raw: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) => {
    const staff = me(res);
    const q = await ctx.queueService.list(staff, raw);
    const platform = staff.roles.some((x) => x === 'intake-operator' || x === 'platform-reviewer' || x === 'city-leader');
    // the platform office and city leaders are told of tasks nobody can act on (a unit without the person)
    const unassignable = platform ? await ctx.staffing.unassignableTasks() : [];
    const link = (change: Record<string, string | undefined>) => {
      const qs = queueQueryString({ ...q.query, after: undefined, before: undefined }, { scope: q.defaultScope }, change);
      return `/staff${qs ? `?${qs}` : ''}`;
    };
    const current = link({});
    const tabs = QUEUE_TABS.map((tab) => ({ tab, label: QUEUE_TAB_LABELS[tab], count: q.counts[tab], href: link({ tab, colour: undefined }), active: q.query.tab === tab }));
    const colours = (['red', 'yellow', 'blue'] as const).map((c) => ({ colour: c, label: WARNING_LABELS[c], count: q.counts[c], href: link({ tab: 'overdue', colour: c }), active: q.query.tab === 'overdue' && q.query.colour === c }));
    const kinds = await ctx.queueService.taskKinds();
    page(
      res,
      'tasks',
      {
        title: '待办事项',
        q,
        tabs,
        colours,
        current,
        scopes: q.mayScopeAll ? [{ label: '本岗位', href: link({ scope: 'mine' }), active: q.query.scope === 'mine' }, { label: '全市', href: link({ scope: 'all' }), active: q.query.scope === 'all' }] : [],
        filters: {
          categories: categoryOptions(),
          channels: Object.entries(CHANNEL_LABELS).map(([value, label]) => ({ value, label })),
          townships: await ctx.townshipOptions(),
          kinds: kinds.map((k) => ({ value: k.elementId, label: k.name })),
          sorts: QUEUE_SORTS.map((value) => ({ value, label: QUEUE_SORT_LABELS[value] })),
        },
        filtered: Boolean(q.query.q || q.query.category || q.query.channel || q.query.township || q.query.task || q.query.unitId || q.query.phone),
        clear: link({ q: undefined, category: undefined, channel: undefined, township: undefined, task: undefined, unitId: undefined }),
        ...(q.next && { next: `/staff?${q.next}` }),
        ...(q.prev && { prev: `/staff?${q.prev}` }),
        mayPhoneSearch: hasIdentityRole(staff.roles),
        priorities: PRIORITIES.map((value) => ({ value, label: PRIORITY_LABELS[value] })),
        unassignable,
        readOnly: staff.roles.every((x) => x === 'auditor'),
        ...(q.problems.length && { errors: q.problems, errorMessage: '部分查询条件有误,已忽略' }),
        views: (await ctx.queueService.views(staff)).map((v) => ({ ...v, current: `/staff${v.query ? `?${v.query}` : ''}` === current })),
        listQuery: current.slice('/staff?'.length),
        maySaveViews: !staff.roles.every((x) => x === 'auditor'),
        ...noticeOf(req),
        ...extra,
      },
      status,
    );
  };
  // (a phone number in the address is not searched: it would stay in the history and the access logs)
  r.get('/staff', requireRole(), handle(async (req, res) => queuePage(req, res, { ...(req.query as Record<string, unknown>), phone: undefined })));
  // by the petitioner's phone (platform office only): a POST, so the number stays out of addresses and logs
  r.post('/staff/queue/phone', requireRole('intake-operator', 'platform-reviewer'), handle(async (req, res) => queuePage(req, res, (req.body ?? {}) as Record<string, unknown>, { phoneSearch: true })));
  // the queue's saved views: the person's own
  r.post(
    '/staff/queue-views',
    requireRole(),
    handle(async (req, res) => {
      const listQuery = typeof req.body?.query === 'string' ? req.body.query : '';
      try {
        await ctx.queueService.saveView(me(res), { name: req.body?.name, query: listQuery });
        res.redirect(303, `/staff${listQuery ? `?${listQuery}` : ''}`);
      } catch (err) {
        if (!(err instanceof HttpError) || (err.status !== 400 && err.status !== 409)) throw err;
        const raw = Object.fromEntries(new URLSearchParams(listQuery.slice(0, 1000)));
        return queuePage(req, res, { ...raw, phone: undefined }, { errors: err.details ?? [{ field: 'name', message: err.message }], errorMessage: err.message, viewName: req.body?.name }, err.status);
      }
    }),
  );
  r.post(
    '/staff/queue-views/:id/delete',
    requireRole(),
    handle(async (req, res) => {
      await ctx.queueService.deleteView(me(res), String(req.params.id));
      res.redirect(303, '/staff');
    }),
  );
  // 认领, 退回认领, 指派, 优先级: back to the list (or the task) the form was on
  const holdAction = (action: (staff: StaffRecord, key: string, body: Record<string, unknown>) => Promise<void>, done: string) =>
    handle(async (req, res) => {
      const key = String(req.params.key);
      const back = safeNext(req.body?.back) || `/staff/tasks/${encodeURIComponent(key)}`;
      try {
        await action(me(res), key, (req.body ?? {}) as Record<string, unknown>);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404) throw err;
        const notice = err.status === 403 ? 'denied' : err.status === 400 ? 'invalid' : err.code === 'TASK_DONE' ? 'done' : 'changed';
        return res.redirect(303, withNotice(back, notice));
      }
      res.redirect(303, withNotice(back, done));
    });
  r.post('/staff/tasks/:key/claim', requireRole(), holdAction((s, key) => ctx.queueService.claim(s, key), 'claimed'));
  r.post('/staff/tasks/:key/release', requireRole(), holdAction((s, key) => ctx.queueService.release(s, key), 'released'));
  r.post('/staff/tasks/:key/assign', requireRole('unit-leader'), holdAction((s, key, b) => ctx.queueService.assign(s, key, b.assignee), 'assigned'));
  r.post('/staff/tasks/:key/priority', requireRole('intake-operator', 'platform-reviewer'), holdAction((s, key, b) => ctx.queueService.setPriority(s, key, b.priority), 'priority'));
  const taskPage = async (res: Response, key: string, extra: Record<string, unknown> = {}, status = 200) => {
    const found = await taskService.get(me(res), key);
    const held = await ctx.queueService.one(me(res), found.key);
    // a task someone else holds is theirs to complete
    const task = { ...found, mayAct: found.mayAct && (held?.mayAct ?? true) };
    const history = task.petition ? await historyOf(await ctx.audit.listByPetition(task.petition.id)) : [];
    const assignees = held ? await ctx.queueService.assignees(me(res), held) : [];
    const priorities = PRIORITIES.map((value) => ({ value, label: PRIORITY_LABELS[value], selected: held?.priority === value }));
    // issue 15: at screening the platform sees the similar petitions beside the form; the screener may merge
    const similar = task.petition && task.elementId === 'Task_ScreenPetition' && maySeeSimilar(me(res)) ? await ctx.mergeService.similar(me(res), task.petition.id) : undefined;
    const mayMerge = Boolean(similar && task.mayAct && me(res).roles.includes('intake-operator'));
    // 第二十七条 附则: at screening, a sender whose earlier petitions were marked 恶意/虚假
    const repeatedSender = task.petition && task.elementId === 'Task_ScreenPetition' ? (await ctx.invalidService.caseFlags(me(res), task.petition)).repeatedSender : undefined;
    // issue 17: at screening, the published knowledge entries the petition's text suggests
    const knowledge = task.petition && task.elementId === 'Task_ScreenPetition' ? await screeningSuggestions(ctx, me(res), task.petition.id) : undefined;
    // issue 17 (templates helper): beside the draft-reply form, templates, the 第十五条 checklist, knowledge search
    const replyHelper = task.petition && task.formId === 'draft-reply' && task.mayAct ? await ctx.replyTemplateService.panel(task.petition, task.data.reply) : undefined;
    page(res, 'task', { title: task.name, task, held, assignees, priorities, history, formPage: true, ...(similar && { similar, mayMerge }), ...(repeatedSender && { repeatedSender }), ...(knowledge && { knowledge }), ...(replyHelper && { replyHelper }), ...extra }, status);
  };
  r.get('/staff/tasks/:key', requireRole(), handle(async (req, res) => taskPage(res, String(req.params.key), noticeOf(req))));
  r.post(
    '/staff/tasks/:key/merge',
    requireRole('intake-operator'),
    handle(async (req, res) => {
      const key = String(req.params.key);
      const task = await taskService.get(me(res), key);
      try {
        if (!task.petition) throw new HttpError(409, 'NOT_SCREENING', '该事项不是受理审查,不能归并');
        const merged = await ctx.mergeService.merge(me(res), task.petition.id, req.body ?? {});
        res.redirect(303, `/staff/cases/${encodeURIComponent(merged.mergedIntoId)}?merged=${encodeURIComponent(merged.trackingCode)}`);
      } catch (err) {
        if (err instanceof HttpError && [400, 404, 409].includes(err.status)) {
          return taskPage(res, key, { errors: Array.isArray(err.details) ? err.details : [{ field: '', message: err.message }], errorMessage: err.message }, err.status);
        }
        throw err;
      }
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
    const tasks = await ctx.queueService.forPetition(me(res), c.id);
    // 归并: the case that answers this one, or those it answers (links to cases the account may open)
    const mergedInto = c.mergedInto ? await ctx.petitions.get(c.mergedInto) : undefined;
    const mergedFrom = (await ctx.mergeService.mergedFrom(c.id)).map((p) => ({ id: p.id, trackingCode: p.trackingCode }));
    // 第二十七条 附则: the mark, the repeated-sender flag, the reviewer's form
    const invalid = await ctx.invalidService.caseFlags(me(res), c);
    const invalidKinds = INVALID_KINDS.map((value) => ({ value, label: INVALID_KIND_LABELS[value] }));
    page(res, 'case', { title: c.title, c, tasks, channelLabel: CHANNEL_LABELS[c.channel], history: await historyOf(c.timeline), ratings: ratingOptions(), ...(mergedInto && { mergedInto: { id: mergedInto.id, trackingCode: mergedInto.trackingCode } }), mergedFrom, invalid, invalidKinds, ...extra }, status);
  };
  r.get(
    '/staff/cases/:id',
    requireRole(),
    handle(async (req, res) => {
      // after a 归并 (POST, then here): which petition this case now answers too
      const merged = typeof req.query.merged === 'string' && /^WZ[A-Z0-9]{8}$/.test(req.query.merged) ? req.query.merged : undefined;
      await casePage(res, String(req.params.id), merged ? { done: `已将诉求 ${merged} 归并到本件,由本件一并答复;已短信告知该诉求人` } : {});
    }),
  );
  r.post(
    '/staff/cases/:id/identity',
    requireRole(),
    handle(async (req, res) => {
      const identity = await caseService.readIdentity(me(res), String(req.params.id), 'case-page');
      res.set('cache-control', 'no-store');
      await casePage(res, String(req.params.id), { identity });
    }),
  );
  const caseAction = (action: 'requestExtension' | 'explainDelay' | 'urge' | 'supervise' | 'rateByPhone' | 'markInvalid' | 'unmarkInvalid', done: string) =>
    handle(async (req, res) => {
      try {
        const id = String(req.params.id);
        if (action === 'markInvalid') await ctx.invalidService.mark(me(res), id, req.body ?? {});
        else if (action === 'unmarkInvalid') await ctx.invalidService.unmark(me(res), id);
        else if (action === 'rateByPhone') await ctx.petitionService.rateByPhone(me(res), await caseService.visibleCase(me(res), id), req.body?.rating, req.body?.ratingComment);
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
  r.post('/staff/cases/:id/malicious', requireRole('platform-reviewer'), caseAction('markInvalid', '已认定并关闭该诉求,不计入承办单位的统计'));
  r.post('/staff/cases/:id/malicious/undo', requireRole('platform-reviewer'), caseAction('unmarkInvalid', '已撤销认定,该诉求重新计入统计'));

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

/** what a 认领 / 退回认领 / 指派 / 优先级 form's answer says on the page it returns to (a code in the link: no text from outside) */
const NOTICES: Record<string, { message: string; error?: true }> = {
  claimed: { message: '已认领,该事项由您办理' },
  released: { message: '已退回认领,本单位人员均可认领' },
  assigned: { message: '已指派' },
  priority: { message: '优先级已设置' },
  denied: { message: '您的账号无权进行该操作', error: true },
  invalid: { message: '请选择本单位能办理该事项的人员', error: true },
  done: { message: '该事项已经办理', error: true },
  changed: { message: '该事项已被他人认领或认领人已变化,请刷新后再试', error: true },
};

function withNotice(path: string, code: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}notice=${code}`;
}

/** the notice a page was sent back with */
export function noticeOf(req: Request): { done?: string; errorMessage?: string } {
  const n = typeof req.query.notice === 'string' ? NOTICES[req.query.notice] : undefined;
  if (!n) return {};
  return n.error ? { errorMessage: n.message } : { done: n.message };
}

/** a local path to go back to after sign-in (never another site) */
export function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(v) && v.length < 300 ? v : '';
}

