/**
 * The inspector's data (auditors, process admins; read-only): instances filtered by process,
 * version, state, unit, category, overdue level and start date; one instance with where its
 * tokens are now, the path it took, its incidents and pending timers, and one timeline of its
 * element events, the people's task actions and the 第二十六条 warnings. Variables are shown with
 * personal data masked. Everything comes from the engine port and the app's own logs, so the
 * timeline's element events are exactly the engine's history.
 */
import { EngineError } from '../../engine/errors.js';
import type { EnginePort, HistoryEvent, InstanceState, ProcessInstance } from '../../engine/port.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { OutboxRepository } from '../data/outbox-repository.js';
import type { ScoreLedgerRepository } from '../data/score-ledger-repository.js';
import { isCategory } from '../../regulation/categories.js';
import { maskPersonalData } from '../../regulation/masking.js';
import { NOTIFICATION_CHANNEL_LABELS } from '../../regulation/notifications.js';
import { OUTBOX_STATE_LABELS, type OutboxRecord } from '../domain/notifications.js';
import { taskDeadline } from '../../regulation/task-deadline.js';
import { isWarningLevel, type WarningLevel } from '../../regulation/warnings.js';
import { HttpError } from '../http-error.js';
import { createInspectorOperations } from './inspector-operations.js';
import type { StaffingService, UnassignableTask } from './staffing-service.js';

const STATES: readonly InstanceState[] = ['active', 'completed', 'canceled', 'incident'];
const PERSONAL_KEY = /^(petitioner(Name|Phone)|name|phone|mobile|idNumber|address)$/i;

export type TimelineEntry =
  | { kind: 'element'; at: Date; event: HistoryEvent }
  | { kind: 'task-action'; at: Date; actor: string; action: string; elementId?: string; detail: Record<string, unknown> | null }
  | { kind: 'warning'; at: Date; level: WarningLevel; points: number; reason: string }
  | { kind: 'operator-action'; at: Date; actor: string; action: string; detail: Record<string, unknown> | null };

/** the timeline's kinds by the names `?kind=` takes */
export const TIMELINE_KINDS = { elements: 'element', tasks: 'task-action', warnings: 'warning', operator: 'operator-action' } as const;
export type TimelineKind = keyof typeof TIMELINE_KINDS;

/** `?kind=`: one of the kinds, or all when absent; 400 otherwise */
export function timelineKindOf(v: string | undefined): TimelineKind | undefined {
  if (v === undefined || v === '') return undefined;
  if (!Object.hasOwn(TIMELINE_KINDS, v)) throw new HttpError(400, 'INVALID_INPUT', `kind 须为 ${Object.keys(TIMELINE_KINDS).join('、')} 之一`, [{ field: 'kind', message: `须为 ${Object.keys(TIMELINE_KINDS).join('、')} 之一` }]);
  return v as TimelineKind;
}

export interface InstanceSummary {
  processInstanceKey: string;
  processId: string;
  version: number;
  state: InstanceState;
  startedAt: Date;
  endedAt?: Date;
  petitionId?: string;
  trackingCode?: string;
  category?: string;
  unitId?: string;
  /** the warning level the case has reached by now */
  overdue?: WarningLevel;
}

/** a notification about the case and what became of it: sent, or only logged for want of a provider */
export interface NotificationView {
  id: number;
  template: string;
  channel: OutboxRecord['channel'];
  channelLabel: string;
  recipientKind: OutboxRecord['recipientKind'];
  state: OutboxRecord['state'];
  stateLabel: string;
  createdAt: Date;
  sentAt: Date | null;
  attempts: number;
}

const notificationView = (r: OutboxRecord): NotificationView => ({
  id: r.id,
  template: r.template,
  channel: r.channel,
  channelLabel: NOTIFICATION_CHANNEL_LABELS[r.channel] ?? r.channel,
  recipientKind: r.recipientKind,
  state: r.state,
  stateLabel: OUTBOX_STATE_LABELS[r.state] ?? r.state,
  createdAt: r.createdAt,
  sentAt: r.sentAt,
  attempts: r.attempts,
});

/** strings with personal data masked; keys that name a person's identity blanked */
export function maskVariables(value: unknown, key = ''): unknown {
  if (PERSONAL_KEY.test(key)) return '***';
  if (typeof value === 'string') return maskPersonalData(value);
  if (Array.isArray(value)) return value.map((v) => maskVariables(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskVariables(v, k)]));
  return value;
}

/** elements with a token now: activated and not yet completed or terminated (none once the instance ended) */
export function tokensOf(history: HistoryEvent[], state: InstanceState): { elementId: string; count: number }[] {
  if (state === 'completed' || state === 'canceled') return [];
  const open = new Map<string, number>();
  for (const e of history) {
    // the process itself is no element of its diagram
    if (e.elementType === 'bpmn:Process') continue;
    if (e.event === 'activated') open.set(e.elementId, (open.get(e.elementId) ?? 0) + 1);
    else if (e.event === 'completed' || e.event === 'terminated') open.set(e.elementId, Math.max(0, (open.get(e.elementId) ?? 0) - 1));
  }
  return [...open].filter(([, n]) => n > 0).map(([elementId, count]) => ({ elementId, count }));
}

function summary(i: ProcessInstance, now: Date): InstanceSummary {
  const v = i.variables;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const overdue = i.state === 'active' || i.state === 'incident' ? taskDeadline('', v, now).warning : undefined;
  return {
    processInstanceKey: i.processInstanceKey,
    processId: i.processId,
    version: i.version,
    state: i.state,
    startedAt: i.startedAt,
    ...(i.endedAt && { endedAt: i.endedAt }),
    ...(str('petitionId') && { petitionId: str('petitionId') }),
    ...(str('trackingCode') && { trackingCode: str('trackingCode') }),
    ...(str('category') && { category: str('category') }),
    ...(str('unitId') && { unitId: str('unitId') }),
    ...(overdue && { overdue }),
  };
}

export interface InspectorFilter {
  processId?: string;
  version?: string;
  state?: string;
  unitId?: string;
  category?: string;
  overdue?: string;
  from?: string;
  to?: string;
  page?: string;
}

const day = (v: string, field: string): Date => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00+08:00`))) throw new HttpError(400, 'INVALID_INPUT', `${field} 须为日期 YYYY-MM-DD`, [{ field, message: '须为日期 YYYY-MM-DD' }]);
  return new Date(`${v}T00:00:00+08:00`);
};

export function createInspectorService(deps: {
  engine: EnginePort;
  audit: AuditRepository;
  ledger: ScoreLedgerRepository;
  /** the case's notifications (none shown without it) */
  outbox?: Pick<OutboxRepository, 'listForPetition'>;
  /** open tasks nobody active can act on (none shown without it) */
  staffing?: Pick<StaffingService, 'unassignableTasks'>;
  clock: { now(): Date };
}) {
  const { engine } = deps;
  const operations = createInspectorOperations(deps);
  return {
    editVariables: operations.editVariables,
    cancel: operations.cancel,
    modify: operations.modify,
    checkMigration: operations.checkMigration,
    migrate: operations.migrate,
    /** instances, newest first, 50 a page; unit, category and overdue level are read from the instances' variables */
    async list(q: InspectorFilter): Promise<InstanceSummary[]> {
      const problems: { field: string; message: string }[] = [];
      const version = q.version ? Number(q.version) : undefined;
      if (version !== undefined && !(Number.isInteger(version) && version > 0)) problems.push({ field: 'version', message: '版本须为正整数' });
      if (q.state && !(STATES as readonly string[]).includes(q.state)) problems.push({ field: 'state', message: `状态须为 ${STATES.join('、')} 之一` });
      if (q.category && !isCategory(q.category)) problems.push({ field: 'category', message: '类别不正确' });
      if (q.overdue && !isWarningLevel(q.overdue)) problems.push({ field: 'overdue', message: '逾期等级须为 blue、yellow 或 red' });
      if (q.processId && !/^[\w.-]{1,191}$/.test(q.processId)) problems.push({ field: 'processId', message: '流程编号不正确' });
      const page = q.page ? Number(q.page) : 1;
      if (!(Number.isInteger(page) && page >= 1 && page <= 1000)) problems.push({ field: 'page', message: '页码须为正整数' });
      if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '筛选条件有误', problems);
      const from = q.from ? day(q.from, 'from') : undefined;
      // "to" is inclusive: instances started that day count
      const to = q.to ? new Date(day(q.to, 'to').getTime() + 86_400_000) : undefined;
      const now = deps.clock.now();
      const wanted = (s: InstanceSummary) => (!q.unitId || s.unitId === q.unitId) && (!q.category || s.category === q.category) && (!q.overdue || s.overdue === q.overdue);
      const out: InstanceSummary[] = [];
      const skip = (page - 1) * 50;
      let seen = 0;
      // the engine filters what it can; the rest is filtered here, scanning at most 5,000 instances
      for (let offset = 0; offset < 5_000 && out.length < 50; offset += 500) {
        const batch = await engine.listProcessInstances({ ...(q.processId && { processId: q.processId }), ...(version && { version }), ...(q.state && { state: q.state as InstanceState }), ...(from && { startedFrom: from }), ...(to && { startedTo: to }), limit: 500, offset });
        for (const i of batch) {
          const s = summary(i, now);
          if (!wanted(s)) continue;
          if (seen++ < skip) continue;
          if (out.length < 50) out.push(s);
        }
        if (batch.length < 500) break;
      }
      return out;
    },

    /** retry an open incident (process admins), audited; 404 when it is not open */
    async retryIncident(actorId: string, key: string) {
      const incident = (await engine.listIncidents({ state: 'active' })).find((i) => i.incidentKey === key);
      if (!incident) throw new HttpError(404, 'NOT_FOUND', '未找到该未解决的事故');
      try {
        await engine.retryIncident(key);
      } catch (err) {
        // Zeebe without secondary storage cannot tell the incident's key: say what to do instead
        if (err instanceof EngineError && err.code === 'INCIDENT_KEY_UNKNOWN') {
          throw new HttpError(409, 'INCIDENT_KEY_UNKNOWN', '无法在本平台解决该事故:Camunda 未配置二级存储,查不到事故编号。请在 Camunda Operate 中解决,或为 Camunda 配置二级存储后重试。');
        }
        throw err;
      }
      await deps.audit.append({ actor: actorId, action: 'incident.retried', petitionId: null, detail: { incidentKey: key, processInstanceKey: incident.processInstanceKey, elementId: incident.elementId } });
      return incident;
    },

    /** one instance; `kind`: its timeline of that kind only (tokens and path still from the whole history) */
    async get(key: string, kind?: TimelineKind) {
      const instance = typeof key === 'string' && /^[\w.:/-]{1,255}$/.test(key) ? await engine.getProcessInstance(key) : undefined;
      if (!instance) throw new HttpError(404, 'NOT_FOUND', '未找到该流程实例');
      const history = await engine.getHistory(instance.processInstanceKey);
      const s = summary(instance, deps.clock.now());
      const timeline: TimelineEntry[] = history.map((event) => ({ kind: 'element', at: event.at, event }));
      if (s.petitionId) {
        // this instance's user tasks: their keys are `<instance key>/<execution>`
        const mine = (a: { action: string; detail: Record<string, unknown> | null }) => a.action === 'task.completed' && String(a.detail?.userTaskKey ?? '').startsWith(`${instance.processInstanceKey}/`);
        for (const a of await deps.audit.listByPetition(s.petitionId)) {
          if (mine(a)) timeline.push({ kind: 'task-action', at: a.at, actor: a.actor, action: a.action, ...(typeof a.detail?.elementId === 'string' && { elementId: a.detail.elementId }), detail: a.detail });
        }
        for (const w of await deps.ledger.listForPetition(s.petitionId)) timeline.push({ kind: 'warning', at: w.at, level: w.level, points: w.points / 10, reason: w.reason });
      }
      for (const a of await operations.actionsOn({ processInstanceKey: instance.processInstanceKey, ...(s.petitionId && { petitionId: s.petitionId }) })) {
        timeline.push({ kind: 'operator-action', at: a.at, actor: a.actor, action: a.action, detail: a.detail });
      }
      // a stable order: by time, element events first among equals (they come in the engine's order)
      const rank = { element: 0, 'task-action': 1, warning: 2, 'operator-action': 3 } as const;
      timeline.sort((a, b) => a.at.getTime() - b.at.getTime() || rank[a.kind] - rank[b.kind]);
      const children = (await operations.childrenOf(instance)).map((c) => ({ processInstanceKey: c.processInstanceKey, processId: c.processId, version: c.version, state: c.state, startedAt: c.startedAt }));
      return {
        ...s,
        processDefinitionKey: instance.processDefinitionKey,
        ...(instance.parentProcessInstanceKey && { parentProcessInstanceKey: instance.parentProcessInstanceKey }),
        variables: maskVariables(instance.variables) as Record<string, unknown>,
        tokens: tokensOf(history, instance.state),
        path: history.filter((e) => e.event === 'completed').map((e) => e.elementId),
        incidents: await engine.listIncidents({ processInstanceKey: instance.processInstanceKey }),
        timers: await engine.listTimers(instance.processInstanceKey),
        timeline: kind ? timeline.filter((e) => e.kind === TIMELINE_KINDS[kind]) : timeline,
        children,
        // the case's notifications (on the instance that carries the petition, and its called processes)
        notifications: s.petitionId && deps.outbox ? (await deps.outbox.listForPetition(s.petitionId)).map(notificationView) : [],
        // this instance's open tasks nobody active can act on, and its case's in the processes it called
        unassignableTasks: deps.staffing
          ? (await deps.staffing.unassignableTasks()).filter((t) => t.processInstanceKey === instance.processInstanceKey || (s.petitionId !== undefined && t.petitionId === s.petitionId))
          : ([] as UnassignableTask[]),
      };
    },
  };
}

export type InspectorService = ReturnType<typeof createInspectorService>;
