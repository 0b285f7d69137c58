/**
 * The staff work queue (issue 15): the user tasks kept in `work_items` as the engine creates and
 * ends them (projected in the engine's transaction, on both adapters), listed by tab, filter, sort
 * and keyset page with every tab's count, and held inside a unit — 认领 (claim), 退回认领 (release),
 * 指派 by the unit's leader — with the platform office setting priority. Each of those is audited
 * with the change it records, in one transaction.
 *
 * Who sees which queue: an account its own candidate groups' tasks (server/domain/roles.ts), a
 * unit's leader also its handlers' (to hand them on); the platform office, city leaders and
 * auditors may look at the whole city's (`scope=all`), as they see every case. A search by the
 * petitioner's phone is the platform's only, and written to the audit log without the number.
 */
import type { Transaction } from 'sequelize';
import type { EnginePort, UserTask, UserTaskEvent } from '../../engine/port.js';
import type { AuditRepository } from '../data/audit-repository.js';
import { CaseViewExists, type CaseView, type CaseViewsRepository } from '../data/case-views-repository.js';
import type { Petition, PetitionsRepository } from '../data/petitions-repository.js';
import type { StaffRecord, StaffRepository } from '../data/staff-repository.js';
import type { Cursor, NewWorkItem, QueueCounts, QueueFilter, QueueScopeSql, WorkItem, WorkItemsRepository } from '../data/work-items-repository.js';
import { CATEGORY_LABELS, type Category } from '../../regulation/categories.js';
import { statusLabel } from '../../regulation/petition-status.js';
import { deadlineAt, taskInstants, WARNING_LABELS } from '../../regulation/task-deadline.js';
import { parseQueueQuery, PRIORITIES, PRIORITY_LABELS, queueQueryString, trackingCodeIn, type Priority, type QueueProblem, type QueueQuery, type QueueScope } from '../../regulation/work-queue.js';
import { candidateGroupsFor, hasIdentityRole, mayActOn, unitGroup } from '../domain/roles.js';
import { HttpError } from '../http-error.js';
import type { Logger } from '../logger.js';
import { articlesOf, type TaskView } from './task-service.js';

export interface QueueItemView extends TaskView {
  priority: Priority;
  priorityLabel: string;
  assignee?: { id: string; name: string };
  /** 认领, 退回认领, 指派, 优先级: what the account may do with it here */
  mayClaim: boolean;
  mayRelease: boolean;
  mayAssign: boolean;
  maySetPriority: boolean;
  completedAt?: Date;
}

export interface QueuePage {
  query: QueueQuery;
  /** what in the query was not understood (the list is shown without it) */
  problems: QueueProblem[];
  items: QueueItemView[];
  counts: QueueCounts;
  /** the query strings of the next and previous pages */
  next?: string;
  prev?: string;
  /** may look at the whole city's queue */
  mayScopeAll: boolean;
  defaultScope: QueueScope;
}

export interface QueueServiceDeps {
  engine: EnginePort;
  /** the person's saved views of the queue (table queue_views) */
  views: CaseViewsRepository;
  workItems: WorkItemsRepository;
  petitions: PetitionsRepository;
  staff: StaffRepository;
  audit: AuditRepository;
  docs: () => Promise<Map<string, string>>;
  clock: { now(): Date };
  /** the end of the next working day from `now` (即将超期) */
  soonAfter(now: Date): Promise<Date>;
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  log: Logger;
}

const CITY_WIDE = ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'];
const PRIORITY_SETTERS = ['intake-operator', 'platform-reviewer'];

/** the groups whose queue an account looks at: its own, and a unit leader its handlers' */
export function queueGroupsFor(staff: StaffRecord): string[] {
  const groups = candidateGroupsFor(staff);
  if (staff.roles.includes('unit-leader') && staff.unitId && !groups.includes(unitGroup(staff.unitId))) groups.push(unitGroup(staff.unitId));
  return groups;
}

const isLeaderOf = (staff: StaffRecord, item: Pick<WorkItem, 'groups'>) => staff.roles.includes('unit-leader') && staff.unitId !== null && item.groups.includes(unitGroup(staff.unitId));

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string | undefined): Cursor | undefined {
  if (!s) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length >= 2 && v.length <= 3 && v.every((x) => (typeof x === 'number' && Number.isSafeInteger(x)) || (typeof x === 'string' && x.length <= 64))) return v as Cursor;
  } catch {
    // not a cursor of ours: the first page
  }
  return undefined;
}

/** the queue row of a task as the engine told it, with the case it belongs to (read in the same transaction) */
export function workItemOf(task: UserTask, petition: Petition | undefined): NewWorkItem {
  const instants = taskInstants(task.elementId, task.variables, task.dueDate);
  const date = (iso?: string) => (iso ? new Date(iso) : undefined);
  return {
    userTaskKey: task.userTaskKey,
    processInstanceKey: task.processInstanceKey,
    processId: task.processId,
    elementId: task.elementId,
    name: task.name ?? task.elementId,
    ...(task.formId && { formId: task.formId }),
    groups: task.candidateGroups,
    ...(petition && {
      petitionId: petition.id,
      trackingCode: petition.trackingCode,
      category: petition.category,
      channel: petition.channel,
      township: petition.township,
      unitId: petition.unitId,
    }),
    urgent: petition?.urgent ?? false,
    ...(petition && { searchText: `${petition.title}\n${petition.content}` }),
    receivedAt: petition?.createdAt ?? task.createdAt,
    createdAt: task.createdAt,
    ...(instants.dueAt && { dueAt: date(instants.dueAt), dueLabel: instants.label }),
    ...(instants.blueAt && { blueAt: date(instants.blueAt) }),
    ...(instants.yellowAt && { yellowAt: date(instants.yellowAt) }),
    ...(instants.redAt && { redAt: date(instants.redAt) }),
    // a 突发 case (第十四条) starts 紧急; the platform may change it
    priority: petition?.urgent ? 'urgent' : 'normal',
  };
}

/**
 * The queue's projector: a task's row written with the engine's change, in every process whose
 * engine creates or ends user tasks (the app, and `npm run workers`, whose jobs create tasks too).
 * Attach it after the case's own projection (task-events.ts): the row copies the case's unit.
 */
export function createWorkQueueProjector(deps: { workItems: WorkItemsRepository; petitions: Pick<PetitionsRepository, 'get'>; clock: { now(): Date } }) {
  return async function project(event: UserTaskEvent, tx: Transaction) {
    const key = event.task.userTaskKey;
    if (event.type === 'created') {
      const petitionId = event.task.variables.petitionId;
      const petition = typeof petitionId === 'string' ? await deps.petitions.get(petitionId, tx) : undefined;
      await deps.workItems.open(workItemOf(event.task, petition), tx);
    } else if (event.type === 'completed') await deps.workItems.finish(key, { at: event.task.endedAt ?? deps.clock.now() }, tx);
    else await deps.workItems.remove(key, tx);
  };
}

export function createQueueService(deps: QueueServiceDeps) {
  const { workItems, petitions, audit } = deps;
  const project = createWorkQueueProjector(deps);

  function scopeOf(staff: StaffRecord, query: QueueQuery): QueueScopeSql {
    return query.scope === 'all' ? 'all' : { groups: queueGroupsFor(staff) };
  }

  const mayScopeAll = (staff: StaffRecord) => staff.roles.some((r) => CITY_WIDE.includes(r));
  // an account that acts on no task (an auditor) looks at the city's
  const defaultScope = (staff: StaffRecord): QueueScope => (mayScopeAll(staff) && candidateGroupsFor(staff).length === 0 ? 'all' : 'mine');

  async function views(staff: StaffRecord, items: WorkItem[]): Promise<QueueItemView[]> {
    const docs = await deps.docs();
    const found = await petitions.getMany(items.map((i) => i.petitionId).filter((id): id is string => typeof id === 'string'));
    const names = new Map<string, string>();
    for (const id of new Set(items.map((i) => i.assignee).filter((a): a is string => typeof a === 'string'))) names.set(id, (await deps.staff.get(id))?.displayName ?? id);
    const now = deps.clock.now();
    return items.map((item) => {
      const petition = item.petitionId ? found.get(item.petitionId) : undefined;
      const documentation = docs.get(`${item.processId}/${item.elementId}`);
      const articles = articlesOf(documentation);
      const deadline = deadlineAt(
        { ...(item.dueAt && { dueAt: item.dueAt.toISOString(), label: item.dueLabel }), blueAt: item.blueAt?.toISOString(), yellowAt: item.yellowAt?.toISOString(), redAt: item.redAt?.toISOString() },
        now,
      );
      const open = item.state === 'open';
      const inGroup = mayActOn(staff, item.groups);
      return {
        key: item.userTaskKey,
        name: item.name,
        elementId: item.elementId,
        processId: item.processId,
        ...(item.formId && { formId: item.formId }),
        createdAt: item.createdAt,
        state: open ? 'created' : 'completed',
        ...(articles && { article: articles }),
        ...(documentation && { documentation }),
        deadline,
        ...(deadline.warning && { warningLabel: WARNING_LABELS[deadline.warning] }),
        ...(petition && { petition: { ...petition, categoryLabel: CATEGORY_LABELS[petition.category as Category], statusLabel: statusLabel(petition.status) } }),
        mayAct: open && inGroup && (!item.assignee || item.assignee === staff.id),
        priority: item.priority,
        priorityLabel: PRIORITY_LABELS[item.priority],
        ...(item.assignee && { assignee: { id: item.assignee, name: names.get(item.assignee) ?? item.assignee } }),
        mayClaim: open && inGroup && !item.assignee,
        mayRelease: open && Boolean(item.assignee) && (item.assignee === staff.id || isLeaderOf(staff, item)),
        mayAssign: open && isLeaderOf(staff, item),
        maySetPriority: open && staff.roles.some((r) => PRIORITY_SETTERS.includes(r)),
        ...(item.completedAt && { completedAt: item.completedAt }),
      };
    });
  }

  /** the task when the account may hand it on or prioritise it (404 as for a task it cannot see) */
  async function heldItem(staff: StaffRecord, key: unknown): Promise<WorkItem> {
    const item = typeof key === 'string' && /^[\w.:/-]{1,64}$/.test(key) ? await workItems.get(key) : undefined;
    const sees = item && (mayActOn(staff, item.groups) || isLeaderOf(staff, item) || staff.roles.some((r) => PRIORITY_SETTERS.includes(r)));
    if (!item || !sees) throw new HttpError(404, 'NOT_FOUND', '未找到该待办事项');
    if (item.state !== 'open') throw new HttpError(409, 'TASK_DONE', '该事项已经办理');
    return item;
  }

  /** a change of who holds a task or its priority, with its audit entry, in one transaction */
  async function change(staff: StaffRecord, item: WorkItem, action: string, detail: Record<string, unknown>, write: (tx: Transaction) => Promise<boolean>, refused: string) {
    await deps.transaction(async (tx) => {
      if (!(await write(tx))) throw new HttpError(409, 'CONFLICT', refused);
      await audit.append({ actor: staff.id, action, petitionId: item.petitionId ?? null, detail: { task: item.name, elementId: item.elementId, userTaskKey: item.userTaskKey, ...detail } }, tx);
    });
    deps.log.info({ userTaskKey: item.userTaskKey, staffId: staff.id, action }, 'work item changed');
  }

  let kinds: { at: number; list: Promise<{ elementId: string; name: string }[]> } | undefined;

  const service = {
    project,
    /** the kinds of open task for the filter (read at most once a minute) */
    taskKinds(): Promise<{ elementId: string; name: string }[]> {
      const now = Date.now();
      if (!kinds || now - kinds.at > 60_000) kinds = { at: now, list: workItems.kinds() };
      return kinds.list;
    },
    attach(engine: EnginePort) {
      return engine.projectUserTasks(project);
    },

    /** once per database: the open tasks from before the queue existed (or from a projector that was not attached) */
    async backfill(): Promise<number> {
      if (await workItems.marked('backfill')) return 0;
      const open = await deps.engine.listUserTasks({ state: 'created' });
      for (const task of open) {
        await deps.transaction(async (tx) => {
          const petitionId = task.variables.petitionId;
          const petition = typeof petitionId === 'string' ? await petitions.get(petitionId, tx) : undefined;
          await workItems.open(workItemOf(task, petition), tx);
        });
      }
      await workItems.mark('backfill', deps.clock.now());
      if (open.length) deps.log.info({ tasks: open.length }, 'work queue: open tasks brought in');
      return open.length;
    },

    /**
     * A page of the account's queue. `raw`: the query string's values (and, for the platform's phone
     * search, the form's). Problems leave their filter out; `strict` (the API) refuses them instead.
     */
    async list(staff: StaffRecord, raw: Record<string, unknown>, options: { strict?: boolean; maxLimit?: number; limit?: number } = {}): Promise<QueuePage> {
      const dflt = defaultScope(staff);
      const { query, problems } = parseQueueQuery(raw, { scope: dflt, ...(options.limit && { limit: options.limit }), ...(options.maxLimit && { maxLimit: options.maxLimit }) });
      if (query.scope === 'all' && !mayScopeAll(staff)) {
        problems.push({ field: 'scope', message: '您的账号只能查看本岗位的待办' });
        query.scope = 'mine';
      }
      if (query.phone && !hasIdentityRole(staff.roles)) {
        if (options.strict) throw new HttpError(403, 'FORBIDDEN', '只有平台工作人员可以按手机号查找');
        problems.push({ field: 'phone', message: '只有平台工作人员可以按手机号查找' });
        delete query.phone;
      }
      if (options.strict && problems.length) throw new HttpError(400, 'INVALID_INPUT', '查询条件有误', problems);
      const filter: QueueFilter = {
        tab: query.tab,
        sort: query.sort,
        ...(query.tab === 'overdue' && query.colour && { colour: query.colour }),
        ...(query.category && { category: query.category }),
        ...(query.channel && { channel: query.channel }),
        ...(query.township && { township: query.township }),
        ...(query.unitId && { unitId: query.unitId }),
        ...(query.task && { task: query.task }),
      };
      if (query.q) {
        const code = trackingCodeIn(query.q);
        if (code) filter.trackingCode = code;
        else filter.keyword = query.q;
      }
      if (query.phone) {
        filter.phoneIndex = petitions.phoneIndex(query.phone);
        // who looked for whom is the platform's record; the number itself is not written anywhere
        await audit.append({ actor: staff.id, action: 'identity.phone-searched', detail: { list: 'tasks' } });
      }
      const now = deps.clock.now();
      const at = { now: now.getTime(), soonMs: (await deps.soonAfter(now)).getTime(), staffId: staff.id };
      const scope = scopeOf(staff, query);
      const after = decodeCursor(query.after);
      const before = after ? undefined : decodeCursor(query.before);
      let result: Awaited<ReturnType<WorkItemsRepository['pageAndCounts']>>;
      try {
        result = await workItems.pageAndCounts(scope, filter, at, { ...(after && { after }), ...(before && { before }), limit: query.limit });
      } catch (err) {
        // a cursor of another sort (an edited link): the first page
        if (!(err instanceof RangeError)) throw err;
        result = await workItems.pageAndCounts(scope, filter, at, { limit: query.limit });
      }
      const { counts } = result;
      const base = { ...query, after: undefined, before: undefined };
      return {
        query,
        problems,
        items: await views(staff, result.items),
        counts,
        // a phone search is not a link (the number would sit in the address and in browser history)
        ...(result.next && !query.phone && { next: queueQueryString(base, { scope: dflt }, { after: encodeCursor(result.next) }) }),
        ...(result.prev && !query.phone && { prev: queueQueryString(base, { scope: dflt }, { before: encodeCursor(result.prev) }) }),
        mayScopeAll: mayScopeAll(staff),
        defaultScope: dflt,
      };
    },

    /** one task as the queue shows it (undefined when the account does not see it) */
    async one(staff: StaffRecord, userTaskKey: string): Promise<QueueItemView | undefined> {
      const item = await workItems.get(userTaskKey);
      if (!item) return undefined;
      const groups = new Set(queueGroupsFor(staff));
      const sees = staff.roles.includes('auditor') || item.groups.some((g) => groups.has(g)) || staff.roles.some((r) => PRIORITY_SETTERS.includes(r));
      return sees ? (await views(staff, [item]))[0] : undefined;
    },

    /** the open tasks of a case the account may see (auditors and the city-wide roles: every one) */
    async forPetition(staff: StaffRecord, petitionId: string): Promise<QueueItemView[]> {
      const items = await workItems.openOfPetition(petitionId);
      const groups = new Set(queueGroupsFor(staff));
      const seesAll = staff.roles.includes('auditor');
      return views(staff, items.filter((i) => seesAll || i.groups.some((g) => groups.has(g))));
    },

    /** a held task may be completed by its holder only (409 for anyone else of the group) */
    async checkHolder(staff: StaffRecord, userTaskKey: string): Promise<void> {
      const item = await workItems.get(userTaskKey);
      if (item?.assignee && item.assignee !== staff.id) {
        const holder = (await deps.staff.get(item.assignee))?.displayName ?? '他人';
        throw new HttpError(409, 'TASK_HELD', `该事项已由 ${holder} 认领,请其退回认领或由单位领导改派后再办理`);
      }
    },

    /** the account's own completion, recorded with the engine's (task-service's transactional hook) */
    finishedBy(userTaskKey: string, staff: StaffRecord, tx: Transaction) {
      return workItems.finish(userTaskKey, { by: staff.id, at: deps.clock.now() }, tx);
    },

    async claim(staff: StaffRecord, key: unknown): Promise<void> {
      const item = await heldItem(staff, key);
      if (!mayActOn(staff, item.groups)) throw new HttpError(403, 'FORBIDDEN', '您的账号不能办理该事项,不能认领');
      await change(staff, item, 'task.claimed', {}, (tx) => workItems.claim(item.userTaskKey, staff.id, deps.clock.now(), tx), '该事项已被他人认领');
    },

    /** 退回认领: the holder, or the unit's leader, gives it back to the group */
    async release(staff: StaffRecord, key: unknown): Promise<void> {
      const item = await heldItem(staff, key);
      if (!item.assignee) throw new HttpError(409, 'CONFLICT', '该事项尚无人认领');
      if (item.assignee !== staff.id && !isLeaderOf(staff, item)) throw new HttpError(403, 'FORBIDDEN', '只有认领人或单位领导可以退回认领');
      await change(staff, item, 'task.released', { from: item.assignee }, (tx) => workItems.hand(item.userTaskKey, item.assignee!, null, deps.clock.now(), tx), '该事项的认领人已变化,请刷新后再试');
    },

    /** 指派: the unit's leader gives a task of the unit to one of its people who may act on it */
    async assign(staff: StaffRecord, key: unknown, to: unknown): Promise<void> {
      const item = await heldItem(staff, key);
      if (!isLeaderOf(staff, item)) throw new HttpError(403, 'FORBIDDEN', '只有本单位分管领导可以指派');
      const target = typeof to === 'string' && /^[\w-]{1,128}$/.test(to) ? await deps.staff.get(to) : undefined;
      if (!target || !target.active || target.unitId !== staff.unitId || !mayActOn(target, item.groups)) {
        throw new HttpError(400, 'INVALID_INPUT', '请选择本单位能办理该事项的人员', [{ field: 'assignee', message: '请选择本单位能办理该事项的人员' }]);
      }
      if (item.assignee === target.id) return;
      await change(staff, item, 'task.assigned', { to: target.id, ...(item.assignee && { from: item.assignee }) }, (tx) => workItems.hand(item.userTaskKey, item.assignee ?? null, target.id, deps.clock.now(), tx), '该事项的认领人已变化,请刷新后再试');
    },

    /** the unit's people a leader may give a task to */
    async assignees(staff: StaffRecord, item: Pick<QueueItemView, 'mayAssign'>): Promise<{ id: string; name: string }[]> {
      if (!item.mayAssign || !staff.unitId) return [];
      return (await deps.staff.list({ unitId: staff.unitId, role: 'unit-handler' })).filter((s) => s.active).map((s) => ({ id: s.id, name: s.displayName }));
    },

    async setPriority(staff: StaffRecord, key: unknown, priority: unknown): Promise<void> {
      if (!staff.roles.some((r) => PRIORITY_SETTERS.includes(r))) throw new HttpError(403, 'FORBIDDEN', '只有平台工作人员可以设置优先级');
      if (!(PRIORITIES as readonly unknown[]).includes(priority)) throw new HttpError(400, 'INVALID_INPUT', '请选择优先级', [{ field: 'priority', message: '请选择优先级' }]);
      const item = await heldItem(staff, key);
      if (item.priority === priority) return;
      await change(staff, item, 'task.priority-set', { priority, from: item.priority }, (tx) => workItems.setPriority(item.userTaskKey, priority as Priority, tx), '该事项已经办理');
    },


    /** the person's saved views (a name for a list link) */
    views(staff: StaffRecord): Promise<CaseView[]> {
      return deps.views.list(staff.id);
    },

    /** save a list state under a name: the query checked as a list link is, without page position or phone */
    async saveView(staff: StaffRecord, input: unknown): Promise<CaseView> {
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const problems: QueueProblem[] = [];
      const name = typeof b.name === 'string' ? b.name.trim() : '';
      // eslint-disable-next-line no-control-regex
      if (!name || name.length > 40 || /[\u0000-\u001f\u007f]/.test(name)) problems.push({ field: 'name', message: '请填写视图名称(不超过 40 个字)' });
      const raw = typeof b.query === 'string' && b.query.length <= 1000 ? b.query.replace(/^\?/, '') : undefined;
      if (raw === undefined) problems.push({ field: 'query', message: '「query」须为列表的查询字符串(最长 1000 个字符)' });
      const parsed = parseQueueQuery(Object.fromEntries(new URLSearchParams(raw ?? '')), { scope: defaultScope(staff) });
      problems.push(...parsed.problems);
      if (parsed.query.scope === 'all' && !mayScopeAll(staff)) problems.push({ field: 'scope', message: '您的账号只能查看本岗位的待办' });
      if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '视图有误,请按提示修改', problems);
      if ((await deps.views.count(staff.id)) >= 50) throw new HttpError(409, 'TOO_MANY_VIEWS', '每人最多保存 50 个视图,请先删除不用的');
      const query = queueQueryString({ ...parsed.query, after: undefined, before: undefined, phone: undefined }, { scope: defaultScope(staff) });
      try {
        return await deps.views.create(staff.id, name, query);
      } catch (err) {
        if (err instanceof CaseViewExists) throw new HttpError(409, 'VIEW_EXISTS', `已有名为「${name}」的视图`);
        throw err;
      }
    },

    async deleteView(staff: StaffRecord, id: unknown): Promise<void> {
      const n = typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : NaN;
      if (!(await deps.views.remove(staff.id, n))) throw new HttpError(404, 'NOT_FOUND', '未找到该视图');
    },
  };
  return service;
}

export type QueueService = ReturnType<typeof createQueueService>;
