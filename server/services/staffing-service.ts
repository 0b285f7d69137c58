/**
 * Whether the people the diagrams need are there (issue 12, item 10): a dispatch to a unit that lacks
 * a role its tasks are offered to is refused — the case stays with the platform, which can pick
 * another unit or have an account opened, instead of going to a unit where a step sits unseen while
 * the unit's deadlines run (第二十六条 charges the unit for the delay) — and an open task whose
 * candidate groups have no active account is an alert for the platform (/staff) and the inspector.
 * Everything is computed from the data each time (open tasks against active accounts), so an alert
 * clears as soon as someone is added or re-enabled.
 */
import type { EnginePort, UserTask } from '../../engine/port.js';
import type { StaffRecord, StaffRepository } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import { mayActOn, ROLE_LABELS, type RoleId } from '../domain/roles.js';
import { isUnassignable, roleForGroup, staffedGroups, unitRolesOfDiagrams, type UnitRoleNeed } from '../domain/staffing.js';
import { HttpError } from '../http-error.js';
import type { WorkItemsRepository } from '../data/work-items-repository.js';

/** an open user task nobody active can act on, and who is missing */
export interface UnassignableTask {
  userTaskKey: string;
  processInstanceKey: string;
  processId: string;
  elementId: string;
  name: string;
  createdAt: Date;
  candidateGroups: string[];
  petitionId?: string;
  trackingCode?: string;
  /** in words, e.g. 东江乡人民政府的单位分管领导 */
  missing: string;
}

export interface StaffingServiceDeps {
  engine: Pick<EnginePort, 'listUserTasks' | 'getUserTask' | 'listProcessDefinitions' | 'getProcessDefinitionXml'>;
  staff: Pick<StaffRepository, 'list'>;
  units: Pick<UnitsRepository, 'list'>;
  /** the work queue's open tasks: the alert reads the groups nobody staffs there, not every open task */
  queue?: Pick<WorkItemsRepository, 'openGroups' | 'openInGroups'>;
}

export function createStaffingService(deps: StaffingServiceDeps) {
  const { engine } = deps;

  // the latest version of each process, read again only when a new version is deployed
  let seen = '';
  let needs: UnitRoleNeed[] = [];
  async function unitRolesNeeded(): Promise<UnitRoleNeed[]> {
    const latest = new Map<string, { key: string; version: number }>();
    for (const d of await engine.listProcessDefinitions()) {
      const had = latest.get(d.processId);
      if (!had || d.version > had.version) latest.set(d.processId, { key: d.processDefinitionKey, version: d.version });
    }
    const keys = [...latest.values()].map((l) => l.key).sort().join(',');
    if (keys !== seen) {
      const xmls: string[] = [];
      for (const l of latest.values()) xmls.push((await engine.getProcessDefinitionXml(l.key)) ?? '');
      needs = unitRolesOfDiagrams(xmls);
      seen = keys;
    }
    return needs;
  }

  async function unitNames(): Promise<Map<string, string>> {
    return new Map((await deps.units.list()).map((u) => [u.id, u.name]));
  }

  function describeMissing(groups: readonly string[], names: Map<string, string>): string {
    const parts = groups.map((g) => {
      const r = roleForGroup(g);
      if (!r) return `候选组 ${g}`;
      return r.unitId ? `${names.get(r.unitId) ?? r.unitId}的${ROLE_LABELS[r.role]}` : ROLE_LABELS[r.role];
    });
    return [...new Set(parts)].join('、') || '(未指定候选组)';
  }

  const service = {
    unitRolesNeeded,

    /** the roles the diagrams need that no active account of the unit holds, with the tasks they would leave unattended */
    async missingUnitRoles(unitId: string): Promise<(UnitRoleNeed & { roleLabel: string })[]> {
      const active = await deps.staff.list({ unitId });
      const has = (role: RoleId) => active.some((s) => s.active && s.unitId === unitId && s.roles.includes(role));
      return (await unitRolesNeeded()).filter((n) => !has(n.role)).map((n) => ({ ...n, roleLabel: ROLE_LABELS[n.role] }));
    },

    /**
     * Before a 转办 completes: the unit chosen must have an active account for every role the
     * diagrams offer its tasks to, or the dispatch is refused (400, at the unit field). Other tasks,
     * and what the task service answers anyway (unknown task, not the account's, done, bad unit), pass.
     */
    async checkDispatch(staff: StaffRecord, key: string, submitted: Record<string, unknown>): Promise<void> {
      if (typeof key !== 'string' || !/^[\w.:/-]{1,255}$/.test(key)) return;
      const task: UserTask | undefined = await engine.getUserTask(key);
      if (!task || task.state !== 'created' || task.formId !== 'dispatch-petition' || !mayActOn(staff, task.candidateGroups)) return;
      const unitId = submitted.unitId;
      if (typeof unitId !== 'string') return;
      const names = await unitNames();
      if (!names.has(unitId)) return;
      const missing = await service.missingUnitRoles(unitId);
      if (!missing.length) return;
      const roles = missing.map((m) => `${m.roleLabel}(负责「${m.tasks.join('」「')}」)`).join('和');
      throw new HttpError(400, 'UNIT_NOT_STAFFED', '承办单位缺少办理人员,不能转办', [
        { field: 'unitId', message: `${names.get(unitId)}没有在岗的${roles}账号,转办后这些环节将无人办理。请系统管理员先为该单位开通账号,或选择其他单位。` },
      ]);
    },

    /** open user tasks that no active account can act on (of one process instance, when given), oldest first */
    async unassignableTasks(filter: { processInstanceKey?: string } = {}): Promise<UnassignableTask[]> {
      const staffed = staffedGroups(await deps.staff.list());
      if (deps.queue && !filter.processInstanceKey) {
        // every platform page shows this: read the few tasks of unstaffed groups, not every open task
        const unstaffed = (await deps.queue.openGroups()).filter((g) => !staffed.has(g));
        const items = (await deps.queue.openInGroups(unstaffed, 200)).filter((i) => isUnassignable(i.groups, staffed));
        if (!items.length) return [];
        const names = await unitNames();
        return items.map((i) => ({
          userTaskKey: i.userTaskKey,
          processInstanceKey: i.processInstanceKey,
          processId: i.processId,
          elementId: i.elementId,
          name: i.name,
          createdAt: i.createdAt,
          candidateGroups: i.groups,
          ...(i.petitionId && { petitionId: i.petitionId }),
          ...(i.trackingCode && { trackingCode: i.trackingCode }),
          missing: describeMissing(i.groups, names),
        }));
      }
      const open = await engine.listUserTasks({ state: 'created', ...(filter.processInstanceKey && { processInstanceKey: filter.processInstanceKey }) });
      if (!open.length) return [];
      const stuck = open.filter((t) => isUnassignable(t.candidateGroups, staffed));
      if (!stuck.length) return [];
      const names = await unitNames();
      return stuck
        .map((t) => ({
          userTaskKey: t.userTaskKey,
          processInstanceKey: t.processInstanceKey,
          processId: t.processId,
          elementId: t.elementId,
          name: t.name ?? t.elementId,
          createdAt: t.createdAt,
          candidateGroups: t.candidateGroups,
          ...(typeof t.variables.petitionId === 'string' && { petitionId: t.variables.petitionId }),
          ...(typeof t.variables.trackingCode === 'string' && { trackingCode: t.variables.trackingCode }),
          missing: describeMissing(t.candidateGroups, names),
        }))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },
  };
  return service;
}

export type StaffingService = ReturnType<typeof createStaffingService>;
