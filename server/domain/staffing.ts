/**
 * Who can act on a user task, from the data: a task offered to candidate groups that no active staff
 * account belongs to sits silently — nobody sees it in a task list, nobody is warned (issue 12: 东江乡
 * had no 分管领导 account, so its OA 送签 went to nobody). The roles a unit must have come from the
 * diagrams themselves: every user task whose candidate groups are `=[unitGroup]` needs the unit's
 * 承办人, `=[unitLeaderGroup]` its 分管领导 (server/domain/roles.ts).
 */
import { candidateGroupsFor, GROUPS, type RoleId } from './roles.js';

/** the role whose active accounts act on a candidate group, and the unit for a unit group; undefined when no role does */
export function roleForGroup(group: string): { role: RoleId; unitId?: string } | undefined {
  if (group === GROUPS.platformIntake) return { role: 'intake-operator' };
  if (group === GROUPS.platformReviewer) return { role: 'platform-reviewer' };
  if (group === GROUPS.cityLeader) return { role: 'city-leader' };
  const unit = /^(unit|unit-leader):(.+)$/.exec(group);
  if (unit) return { role: unit[1] === 'unit' ? 'unit-handler' : 'unit-leader', unitId: unit[2] };
  return undefined;
}

/** a unit role the diagrams need, with the names of the user tasks offered to it */
export interface UnitRoleNeed {
  role: RoleId;
  tasks: string[];
}

const UNIT_VARIABLES: Record<string, RoleId> = { unitGroup: 'unit-handler', unitLeaderGroup: 'unit-leader' };

/**
 * The unit roles the diagrams' user tasks are offered to — from each task's `candidateGroups`
 * (`=[unitGroup]` → 承办人, `=[unitLeaderGroup]` → 分管领导) — with the tasks' names, in role order.
 */
export function unitRolesOfDiagrams(xmls: readonly string[]): UnitRoleNeed[] {
  const needs = new Map<RoleId, Set<string>>();
  for (const xml of xmls) {
    for (const task of xml.matchAll(/<bpmn:userTask\b([^>]*)>([\s\S]*?)<\/bpmn:userTask>/g)) {
      const groups = /candidateGroups="([^"]*)"/.exec(task[2])?.[1] ?? '';
      const name = /\bname="([^"]*)"/.exec(task[1])?.[1] ?? /\bid="([^"]*)"/.exec(task[1])?.[1] ?? '';
      for (const [variable, role] of Object.entries(UNIT_VARIABLES)) {
        if (new RegExp(`\\b${variable}\\b`).test(groups)) {
          if (!needs.has(role)) needs.set(role, new Set());
          needs.get(role)?.add(name);
        }
      }
    }
  }
  return (['unit-handler', 'unit-leader'] as RoleId[]).filter((r) => needs.has(r)).map((role) => ({ role, tasks: [...(needs.get(role) ?? [])] }));
}

export interface StaffLike {
  roles: readonly string[];
  unitId?: string | null;
  active: boolean;
}

/** the candidate groups at least one active account acts on */
export function staffedGroups(staff: readonly StaffLike[]): Set<string> {
  const groups = new Set<string>();
  for (const s of staff) if (s.active) for (const g of candidateGroupsFor(s)) groups.add(g);
  return groups;
}

/** whether nobody active can act on a task offered to these groups */
export function isUnassignable(candidateGroups: readonly string[], staffed: ReadonlySet<string>): boolean {
  return !candidateGroups.some((g) => staffed.has(g));
}
