/**
 * The inspector's pages (auditors and process admins; read-only but for a process admin's retry of
 * an incident): the instances filtered, one instance drawn on its own version's diagram (tokens,
 * path taken, incidents, pending timers) with its timeline and masked variables, the incidents, and
 * the difference between two versions of a process drawn on both diagrams. The data comes from
 * ctx.inspector, the engine port and the deploy gate (as the JSON API serves it); the diagrams are
 * drawn in the browser by the viewer bundle (modeler/viewer/) from `<script type="application/json">` data.
 */
import { Router, type Response } from 'express';
import type { Incident, InstanceState, ProcessDefinition } from '../../engine/port.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { CATEGORIES, CATEGORY_LABELS, type Category } from '../../regulation/categories.js';
import { formatShanghai } from '../../regulation/format.js';
import { maskPersonalData } from '../../regulation/masking.js';
import { ELEMENT_TYPE_LABELS, VARIABLE_LABELS } from '../../regulation/process-variables.js';
import { WARNING_LEVELS, WARNING_RULES, type WarningLevel } from '../../regulation/warnings.js';
import { HttpError } from '../http-error.js';
import { field, handle, requireRole, staffOf } from '../http/web.js';
import { maskVariables, TIMELINE_KINDS, timelineKindOf, type InspectorFilter, type TimelineEntry, type TimelineKind } from '../services/inspector-service.js';
import type { AppContext } from '../app-context.js';

export const STATE_LABELS: Record<InstanceState, string> = { active: '进行中', completed: '已完成', incident: '事故', canceled: '已取消' };
const STATE_ORDER: InstanceState[] = ['active', 'completed', 'incident', 'canceled'];
const OVERDUE_LABELS: Record<WarningLevel, string> = { blue: '蓝', yellow: '黄', red: '红' };

const RECIPIENT_LABELS: Record<string, string> = {
  petitioner: '诉求人',
  'unit-contact': '承办单位联系人',
  'unit-leader': '单位分管领导',
  'unit-head': '单位主要领导',
  platform: '平台',
  'inspection-office': '市政府督查室',
  'city-leaders': '市领导',
};

/** the engine's history events, as people read them */
const EVENT_LABELS: Record<string, string> = {
  activated: '进入',
  completed: '完成',
  terminated: '中止',
  taken: '经过连线',
  'timer-fired': '定时器触发',
  'message-correlated': '收到消息',
  'job-created': '创建作业',
  'job-completed': '作业完成',
  'job-failed': '作业失败',
  'job-error-thrown': '抛出业务错误',
  incident: '发生事故',
  'incident-resolved': '事故已解决',
  'variables-updated': '变量更新',
  canceled: '实例取消',
  migrated: '迁移到新版本',
};

const FILTER_FIELDS = ['processId', 'version', 'state', 'unitId', 'category', 'overdue', 'from', 'to', 'page'] as const;
type FilterField = (typeof FILTER_FIELDS)[number];
type Problem = { field: string; message: string };

const enc = encodeURIComponent;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (v: string) => DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00+08:00`)) && new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v;

const decodeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#10;/g, ' ').replace(/&amp;/g, '&');

/** id → name of a diagram's elements (the process, flows and lanes too), read from the start tags' attributes */
export function elementNames(xml: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of xml.matchAll(/<[\w:-]+((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g)) {
    const attr = (n: string) => new RegExp(`\\s${n}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(m[1]);
    const id = attr('id');
    const name = attr('name');
    if (!id || !name) continue;
    const key = decodeXml(id[1] ?? id[2]);
    if (!names.has(key)) names.set(key, decodeXml(name[1] ?? name[2]).trim());
  }
  return names;
}

/** booleans and lists of an outcome, in words */
function valueText(v: unknown): string {
  if (v === true) return '是';
  if (v === false) return '否';
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const TIMELINE_KIND_LABELS: Record<TimelineKind, string> = { elements: '环节', tasks: '办理', warnings: '预警', operator: '运维操作' };
const OPERATOR_ACTION_LABELS: Record<string, string> = { 'instance.variables-edited': '修改变量', 'instance.canceled': '取消实例', 'instance.modified': '修改令牌', 'instance.migrated': '迁移版本', 'incident.retried': '重试事故' };

/** an operator's action as the timeline shows it: what, why, each changed variable before → after (as audited: masked) */
function operatorActionRow(e: Extract<TimelineEntry, { kind: 'operator-action' }>) {
  const d = e.detail ?? {};
  const changes = Array.isArray(d.changes) ? (d.changes as { variable: string; before: unknown; after: unknown }[]) : [];
  return {
    kind: 'operator-action',
    at: e.at,
    action: e.action,
    actionLabel: OPERATOR_ACTION_LABELS[e.action] ?? e.action,
    reason: typeof d.reason === 'string' ? maskPersonalData(d.reason) : '',
    changes: [
      ...changes.map((c) => ({ name: c.variable, before: c.before === null ? '(空)' : valueText(c.before), after: c.after === null ? '(空)' : valueText(c.after) })),
      // a migration: the version before → after; a modification: what was terminated → activated
      ...(e.action === 'instance.migrated' ? [{ name: '版本', before: `第 ${String((d.before as { version?: unknown })?.version ?? '?')} 版`, after: `第 ${String((d.after as { version?: unknown })?.version ?? '?')} 版` }] : []),
      ...(e.action === 'instance.modified'
        ? [{ name: '令牌', before: ((d.terminate as { elementId?: string; elementInstanceKey?: string }[]) ?? []).map((t) => t.elementId ?? t.elementInstanceKey).join('、') || '(无)', after: ((d.activate as string[]) ?? []).join('、') || '(无)' }]
        : []),
    ],
    elementId: typeof d.elementId === 'string' ? d.elementId : undefined,
  };
}

export function inspectorRoutes(ctx: AppContext): Router {
  const r = Router();
  const readers = requireRole('process-admin', 'auditor');
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const isProcessAdmin = (res: Response) => me(res).roles.includes('process-admin');

  /** one request's look-ups: a definition's XML and names are read once */
  function lookups() {
    const xmls = new Map<string, Promise<string | undefined>>();
    const xmlOf = (processDefinitionKey: string) => {
      if (!xmls.has(processDefinitionKey)) xmls.set(processDefinitionKey, ctx.engine.getProcessDefinitionXml(processDefinitionKey));
      return xmls.get(processDefinitionKey) as Promise<string | undefined>;
    };
    const namesOf = async (processDefinitionKey: string) => {
      const xml = await xmlOf(processDefinitionKey);
      return xml ? elementNames(xml) : new Map<string, string>();
    };
    const staffNames = new Map<string, Promise<string>>();
    const staffName = (id: string) => {
      if (id === 'system') return Promise.resolve('系统');
      if (!staffNames.has(id)) staffNames.set(id, ctx.staff.get(id).then((s) => s?.displayName ?? id));
      return staffNames.get(id) as Promise<string>;
    };
    return { xmlOf, namesOf, staffName };
  }

  /** the deployed processes, each with the name of its latest version's diagram: "诉求全流程(petition-lifecycle)" */
  async function processOptions(defs: ProcessDefinition[], look: ReturnType<typeof lookups>) {
    const latest = new Map<string, ProcessDefinition>();
    for (const d of defs) if (!latest.has(d.processId) || (latest.get(d.processId) as ProcessDefinition).version < d.version) latest.set(d.processId, d);
    const out: { value: string; label: string; name: string }[] = [];
    for (const [processId, d] of [...latest].sort(([a], [b]) => a.localeCompare(b))) {
      const name = (await look.namesOf(d.processDefinitionKey)).get(processId) ?? '';
      out.push({ value: processId, name, label: name ? `${name}(${processId})` : processId });
    }
    return out;
  }

  // ---- the instances, filtered
  r.get(
    '/inspector',
    readers,
    handle(async (req, res) => {
      const look = lookups();
      const problems: Problem[] = [];
      const values: Partial<Record<FilterField, string>> = {};
      for (const k of FILTER_FIELDS) {
        try {
          const v = field(req.query, k);
          if (v && v.length > 100) problems.push({ field: k, message: '内容过长' });
          else if (v) values[k] = v;
        } catch (err) {
          if (!(err instanceof HttpError)) throw err;
          problems.push({ field: k, message: '只能填写一次' });
        }
      }
      const [defs, units] = await Promise.all([ctx.engine.listProcessDefinitions(), ctx.adminService.listUnits()]);
      const processes = await processOptions(defs, look);
      const unitNames = new Map(units.map((u) => [u.id, u.name]));
      const processNames = new Map(processes.map((p) => [p.value, p.name]));
      // what the inspector service cannot know: which processes and units exist; dates checked together
      const mine = new Set<FilterField>();
      const flag = (k: FilterField, message: string) => {
        problems.push({ field: k, message });
        mine.add(k);
      };
      if (values.processId && !processNames.has(values.processId)) flag('processId', '未找到该流程');
      if (values.unitId && !unitNames.has(values.unitId)) flag('unitId', '未找到该单位');
      for (const k of ['from', 'to'] as const) if (values[k] && !isDay(values[k] as string)) flag(k, '须为日期,格式 YYYY-MM-DD');
      if (values.from && values.to && !mine.has('from') && !mine.has('to') && values.to < values.from) flag('to', '截止日期不能早于起始日期');
      const passed: InspectorFilter = Object.fromEntries(Object.entries(values).filter(([k]) => !mine.has(k as FilterField) && !problems.some((p) => p.field === k)));
      let instances: Awaited<ReturnType<typeof ctx.inspector.list>> = [];
      try {
        instances = await ctx.inspector.list(passed);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 400 || !Array.isArray(err.details)) throw err;
        // the service names states and levels by their ids: the page's words instead
        const reworded: Record<string, string> = { state: '状态须为 进行中、已完成、事故、已取消 之一', overdue: '逾期等级须为 蓝、黄、红 之一' };
        for (const d of err.details as Problem[]) problems.push({ field: d.field, message: reworded[d.field] ?? d.message });
      }
      const order = (p: Problem) => FILTER_FIELDS.indexOf(p.field as FilterField);
      problems.sort((a, b) => order(a) - order(b));
      const pageNo = problems.length ? 1 : Number(values.page ?? 1);
      const query = (page: number) => {
        const q = new URLSearchParams(Object.entries(values).filter(([k]) => k !== 'page') as [string, string][]);
        if (page > 1) q.set('page', String(page));
        const s = q.toString();
        return `/inspector${s ? `?${s}` : ''}`;
      };
      const rows = problems.length
        ? []
        : instances.map((i) => ({
            key: i.processInstanceKey,
            href: `/inspector/instances/${enc(i.processInstanceKey)}`,
            processId: i.processId,
            processName: processNames.get(i.processId) ?? '',
            version: i.version,
            state: i.state,
            stateLabel: STATE_LABELS[i.state],
            trackingCode: i.trackingCode,
            categoryLabel: i.category ? (CATEGORY_LABELS[i.category as Category] ?? i.category) : '',
            unitName: i.unitId ? (unitNames.get(i.unitId) ?? i.unitId) : '',
            overdue: i.overdue,
            overdueLabel: i.overdue ? `${WARNING_RULES[i.overdue].label}预警` : '',
            startedAt: i.startedAt,
            endedAt: i.endedAt,
          }));
      ctx.page(
        res,
        'inspector',
        {
          title: '实例监督',
          // every open task nobody active can act on, whatever the filter
          unassignable: await ctx.staffing.unassignableTasks(),
          values,
          processes: processes.map((p) => ({ ...p, selected: p.value === values.processId })),
          states: STATE_ORDER.map((s) => ({ value: s, label: STATE_LABELS[s], selected: s === values.state })),
          units: units.map((u) => ({ value: u.id, label: u.active === false ? `${u.name}(已停用)` : u.name, selected: u.id === values.unitId })),
          categories: CATEGORIES.map((c) => ({ value: c, label: CATEGORY_LABELS[c], selected: c === values.category })),
          overdueLevels: WARNING_LEVELS.map((l) => ({ value: l, label: OVERDUE_LABELS[l], selected: l === values.overdue })),
          rows,
          // 批量操作 over this filter (process admins): cancel, or migrate to another version of the process
          ...(isProcessAdmin(res) &&
            !problems.length &&
            rows.length > 0 && {
              batch: {
                filter: Object.entries(values).filter(([k]) => k !== 'page').map(([name, value]) => ({ name, value })),
                versions: values.processId
                  ? defs.filter((d) => d.processId === values.processId && String(d.version) !== values.version).sort((a, b) => b.version - a.version).map((d) => ({ key: d.processDefinitionKey, version: d.version }))
                  : [],
              },
            }),
          errors: problems.length ? problems : undefined,
          errorMessage: problems.length ? '筛选条件有误,请按提示修改' : undefined,
          ...(pageNo > 1 && { prev: query(pageNo - 1) }),
          ...(rows.length === 50 && { next: query(pageNo + 1) }),
          pageNo,
        },
        problems.length ? 400 : 200,
      );
    }),
  );

  // ---- one instance on its version's diagram
  r.get(
    '/inspector/instances/:key',
    readers,
    handle(async (req, res) => {
      const look = lookups();
      let kind: TimelineKind | undefined;
      try {
        kind = timelineKindOf(field(req.query, 'kind'));
      } catch {
        kind = undefined;
      }
      const detail = await ctx.inspector.get(String(req.params.key));
      const xml = await look.xmlOf(detail.processDefinitionKey);
      const names = xml ? elementNames(xml) : new Map<string, string>();
      const nameOf = (id: string) => names.get(id) ?? '';
      const defs = await ctx.engine.listProcessDefinitions({ processId: detail.processId });
      const previous = defs.filter((d) => d.version < detail.version).sort((a, b) => b.version - a.version)[0];
      const units = await ctx.adminService.listUnits();
      const incidents = detail.incidents.map((i) => incidentRow(i, nameOf, isProcessAdmin(res)));
      const timers = detail.timers.map((t, n) => ({ n: n + 1, elementId: t.elementId, elementName: nameOf(t.elementId), dueAt: t.dueAt }));
      const timeline = [];
      // the filter shows one kind; the diagram's path below still reads the whole timeline
      for (const e of detail.timeline) {
        if (kind && e.kind !== TIMELINE_KINDS[kind]) continue;
        if (e.kind === 'element') {
          const ev = e.event;
          const message = typeof ev.detail?.message === 'string' ? maskPersonalData(ev.detail.message) : typeof ev.detail?.code === 'string' ? `错误代码 ${ev.detail.code}` : '';
          timeline.push({ kind: 'element', at: e.at, event: ev.event, eventLabel: EVENT_LABELS[ev.event] ?? ev.event, typeLabel: ELEMENT_TYPE_LABELS[ev.elementType] ?? '', elementId: ev.elementId, elementName: ev.elementType === 'bpmn:Process' ? '流程实例' : nameOf(ev.elementId), message, flow: ev.elementType === 'bpmn:SequenceFlow' });
        } else if (e.kind === 'task-action') {
          const outcome = maskVariables(e.detail?.outcome ?? {}) as Record<string, unknown>;
          timeline.push({
            kind: 'task-action',
            at: e.at,
            actor: await look.staffName(e.actor),
            task: typeof e.detail?.task === 'string' ? e.detail.task : nameOf(e.elementId ?? ''),
            elementId: e.elementId,
            outcome: Object.entries(outcome && typeof outcome === 'object' ? outcome : {}).map(([k, v]) => ({ name: k, label: Object.hasOwn(VARIABLE_LABELS, k) ? VARIABLE_LABELS[k] : '', value: valueText(v) })),
          });
        } else if (e.kind === 'warning') {
          timeline.push({ kind: 'warning', at: e.at, level: e.level, levelLabel: `${WARNING_RULES[e.level].label}预警`, points: e.points, reason: maskPersonalData(e.reason) });
        } else {
          timeline.push({ ...operatorActionRow(e), actor: await look.staffName(e.actor) });
        }
      }
      const tokens = detail.tokens.map((t) => ({ ...t, elementName: nameOf(t.elementId) }));
      const path = [...new Set(detail.path)].filter((id) => id !== detail.processId);
      const flows = [...new Set(detail.timeline.filter((e) => e.kind === 'element' && e.event.elementType === 'bpmn:SequenceFlow' && (e.event.event as string) === 'taken').map((e) => (e.kind === 'element' ? e.event.elementId : '')))];
      const retried = req.query.retried === '1';
      ctx.page(res, 'inspector-instance', {
        title: `流程实例 ${detail.processInstanceKey}`,
        pageCss: 'viewer',
        i: detail,
        processName: names.get(detail.processId) ?? '',
        stateLabel: STATE_LABELS[detail.state],
        categoryLabel: detail.category ? (CATEGORY_LABELS[detail.category as Category] ?? detail.category) : '',
        unitName: detail.unitId ? (units.find((u) => u.id === detail.unitId)?.name ?? detail.unitId) : '',
        overdueLabel: detail.overdue ? `${WARNING_RULES[detail.overdue].label}预警` : '',
        diffHref: previous ? `/processes/${enc(detail.processId)}/diff?from=${previous.version}&to=${detail.version}` : undefined,
        previousVersion: previous?.version,
        parentHref: detail.parentProcessInstanceKey ? `/inspector/instances/${enc(detail.parentProcessInstanceKey)}` : undefined,
        tokens,
        pathNames: path.map((id) => ({ elementId: id, elementName: nameOf(id) })).filter((p) => !flows.includes(p.elementId)),
        incidents,
        openIncidents: incidents.filter((i) => i.state === 'active').length,
        timers,
        timeline,
        kindFilters: [{ value: '', label: '全部' }, ...Object.keys(TIMELINE_KINDS).map((k) => ({ value: k, label: TIMELINE_KIND_LABELS[k as TimelineKind] }))].map((f) => ({
          ...f,
          href: `/inspector/instances/${enc(detail.processInstanceKey)}${f.value ? `?kind=${f.value}` : ''}#timeline-panel`,
          current: (kind ?? '') === f.value,
        })),
        children: detail.children.map((c) => ({ ...c, href: `/inspector/instances/${enc(c.processInstanceKey)}`, stateLabel: STATE_LABELS[c.state] })),
        mayOperate: isProcessAdmin(res) && (detail.state === 'active' || detail.state === 'incident'),
        operationsAction: `/inspector/instances/${enc(detail.processInstanceKey)}`,
        // 迁移: the process's other versions, newest first
        otherVersions: defs.filter((d) => d.version !== detail.version).sort((a, b) => b.version - a.version).map((d) => d.version),
        activeElements: [...new Set(detail.tokens.map((t) => t.elementId))].map((id) => ({ elementId: id, elementName: nameOf(id) })),
        notifications: detail.notifications.map((n) => ({ ...n, recipientLabel: RECIPIENT_LABELS[n.recipientKind] ?? n.recipientKind })),
        variablesJson: JSON.stringify(detail.variables, null, 2),
        hasDiagram: Boolean(xml),
        done: retried ? '已重试该事故;引擎将重新执行出错的环节。' : req.query.done === 'variables' ? '已修改变量,并记入审计日志。' : req.query.done === 'canceled' ? '已取消该流程实例,并记入审计日志。' : req.query.done === 'modified' ? '已修改令牌,并记入审计日志。' : req.query.done === 'migrated' ? '已迁移到新版本,定时器已按新版本重新计算,并记入审计日志。' : undefined,
        viewer: {
          mode: 'instance',
          xml: xml ?? '',
          tokens: detail.tokens,
          path,
          flows,
          incidents: detail.incidents.filter((i) => i.state === 'active').map((i) => ({ elementId: i.elementId, message: maskPersonalData(i.errorMessage) })),
          timers: timers.map((t) => ({ n: t.n, elementId: t.elementId, due: formatShanghai(t.dueAt) })),
        },
      });
    }),
  );

  function incidentRow(i: Incident, nameOf: (id: string) => string, mayRetry: boolean) {
    return {
      incidentKey: i.incidentKey,
      processInstanceKey: i.processInstanceKey,
      instanceHref: `/inspector/instances/${enc(i.processInstanceKey)}`,
      processId: i.processId,
      elementId: i.elementId,
      elementName: nameOf(i.elementId),
      errorType: i.errorType,
      errorMessage: maskPersonalData(i.errorMessage),
      state: i.state,
      stateLabel: i.state === 'active' ? '未解决' : '已解决',
      createdAt: i.createdAt,
      retryAction: `/inspector/incidents/${enc(i.incidentKey)}/retry`,
      mayRetry: mayRetry && i.state === 'active',
    };
  }

  // ---- the incidents
  r.get(
    '/inspector/incidents',
    readers,
    handle(async (req, res) => {
      const look = lookups();
      let state: string;
      try {
        state = field(req.query, 'state') ?? 'active';
      } catch {
        state = '';
      }
      if (state !== 'active' && state !== 'resolved') {
        return ctx.page(res, 'inspector-incidents', { title: '事故', incidents: [], errors: [{ field: 'state', message: '状态须为「未解决」或「已解决」' }], errorMessage: '筛选条件有误' }, 400);
      }
      const list = await ctx.engine.listIncidents({ state });
      // element names from the diagram of each instance's own version
      const instances = new Map<string, Promise<string | undefined>>();
      const definitionOf = (key: string) => {
        if (!instances.has(key)) instances.set(key, ctx.engine.getProcessInstance(key).then((p) => p?.processDefinitionKey));
        return instances.get(key) as Promise<string | undefined>;
      };
      const incidents = [];
      for (const i of list.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())) {
        const def = await definitionOf(i.processInstanceKey);
        const names = def ? await look.namesOf(def) : new Map<string, string>();
        incidents.push(incidentRow(i, (id) => names.get(id) ?? '', isProcessAdmin(res)));
      }
      ctx.page(res, 'inspector-incidents', {
        title: '事故',
        incidents,
        resolved: state === 'resolved',
        done: req.query.retried === '1' ? '已重试该事故;引擎将重新执行出错的环节。' : undefined,
      });
    }),
  );

  // retrying changes the run: process admins only (readOnlyGuard refuses auditors before this); as POST /api/inspector/incidents/:key/retry, audited
  r.post(
    '/inspector/incidents/:key/retry',
    requireRole('process-admin'),
    handle(async (req, res) => {
      const key = String(req.params.key);
      const back = field(req.body, 'back') ?? 'instance';
      if (back !== 'instance' && back !== 'incidents') throw new HttpError(400, 'INVALID_INPUT', '返回页面不正确', [{ field: 'back', message: '须为 instance 或 incidents' }]);
      const incident = await ctx.inspector.retryIncident(me(res).id, key);
      res.redirect(303, back === 'incidents' ? '/inspector/incidents?retried=1' : `/inspector/instances/${enc(incident.processInstanceKey)}?retried=1`);
    }),
  );

  // ---- two versions of a process, side by side
  r.get(
    '/processes/:processId/diff',
    readers,
    handle(async (req, res) => {
      const processId = String(req.params.processId);
      const defs = /^[\w.-]{1,191}$/.test(processId) ? await ctx.engine.listProcessDefinitions({ processId }) : [];
      if (!defs.length) throw new HttpError(404, 'NOT_FOUND', '未找到该流程');
      const versions = defs.map((d) => d.version).sort((a, b) => a - b);
      const latest = versions[versions.length - 1];
      const problems: Problem[] = [];
      const versionOf = (k: 'from' | 'to', fallback: number) => {
        let v: string | undefined;
        try {
          v = field(req.query, k);
        } catch {
          problems.push({ field: k, message: '只能填写一次' });
          return fallback;
        }
        // without versions: the latest against the one before it
        if (v === undefined || v === '') return fallback;
        if (!/^\d{1,6}$/.test(v) || Number(v) < 1) problems.push({ field: k, message: `${k === 'from' ? '原版本' : '新版本'}须为正整数版本号` });
        return Number(v);
      };
      const to = versionOf('to', latest);
      const from = versionOf('from', versions.filter((v) => v < to).pop() ?? to);
      const base = { title: `${processId} 版本对比`, processId, versionOptions: versions, from, to, pageCss: 'viewer' };
      if (problems.length) return ctx.page(res, 'process-diff', { ...base, errors: problems, errorMessage: '版本号有误' }, 400);
      for (const v of [from, to]) if (!versions.includes(v)) throw new HttpError(404, 'NOT_FOUND', `未找到流程 ${processId} 的第 ${v} 版`);
      const defOf = (v: number) => defs.find((d) => d.version === v) as ProcessDefinition;
      const [xmlFrom, xmlTo, diff] = await Promise.all([ctx.engine.getProcessDefinitionXml(defOf(from).processDefinitionKey), ctx.engine.getProcessDefinitionXml(defOf(to).processDefinitionKey), ctx.gate.diff(processId, from, to)]);
      const namesFrom = elementNames(xmlFrom ?? '');
      const namesTo = elementNames(xmlTo ?? '');
      const item = (names: Map<string, string>) => (id: string) => ({ elementId: id, elementName: names.get(id) ?? '' });
      ctx.page(res, 'process-diff', {
        ...base,
        processName: namesTo.get(processId) ?? namesFrom.get(processId) ?? '',
        fromDef: defOf(from),
        toDef: defOf(to),
        added: diff.added.map(item(namesTo)),
        removed: diff.removed.map(item(namesFrom)),
        changed: diff.changed.map((id) => ({ elementId: id, elementName: namesTo.get(id) ?? '', oldName: namesFrom.get(id) !== namesTo.get(id) ? (namesFrom.get(id) ?? '') : '' })),
        same: !diff.added.length && !diff.removed.length && !diff.changed.length,
        viewer: { mode: 'diff', from: { version: from, xml: xmlFrom ?? '' }, to: { version: to, xml: xmlTo ?? '' }, added: diff.added, removed: diff.removed, changed: diff.changed },
      });
    }),
  );

  return r;
}
