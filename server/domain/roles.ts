/**
 * Staff roles (SPEC "Actors"; issue 4) and the engine candidate groups each may act on. The diagrams
 * use exactly these groups: `platform-intake` (受理、转办), `platform-reviewer` (退回、延期、办结审核、
 * 督办), `city-leader` (批示), `unit:<unitId>` (the unit's 承办人) and `unit-leader:<unitId>` (its 分管领导,
 * OA 送签) — the last two from the variables `unitGroup` / `unitLeaderGroup` (docs/process-contract.md).
 *
 * Roles that act on no user task: `auditor` (reads everything a case shows, changes nothing),
 * `process-admin` (diagrams, forms, units, calendar) and `admin` (accounts). Separation of duties:
 * an admin completes no task unless also given a working role.
 */

export const ROLE_IDS = ['intake-operator', 'platform-reviewer', 'unit-handler', 'unit-leader', 'city-leader', 'auditor', 'process-admin', 'admin'] as const;
export type RoleId = (typeof ROLE_IDS)[number];

export const ROLE_LABELS: Record<RoleId, string> = {
  'intake-operator': '受理员',
  'platform-reviewer': '审核员',
  'unit-handler': '承办人',
  'unit-leader': '单位分管领导',
  'city-leader': '市领导',
  auditor: '审计员',
  'process-admin': '流程管理员',
  admin: '系统管理员',
};

/** roles that belong to a member unit: an account with one of them must name its unit */
export const UNIT_ROLES: readonly RoleId[] = ['unit-handler', 'unit-leader'];

/**
 * roles of the platform office (市"五型"办) that handle the petitioner directly and so may read the
 * identity of any petition, confidential ones included (第十九条: contact then goes through the
 * platform office). Everyone else — units (only their assigned, non-confidential cases), city
 * leaders, auditors, admins — sees no identity by role.
 */
export const IDENTITY_ROLES: readonly RoleId[] = ['intake-operator', 'platform-reviewer'];

/** roles that change nothing */
export const READ_ONLY_ROLES: readonly RoleId[] = ['auditor'];

export const GROUPS = {
  platformIntake: 'platform-intake',
  platformReviewer: 'platform-reviewer',
  cityLeader: 'city-leader',
} as const;

/** `unit:<unitId>`: the unit's handlers (承办人) */
export const unitGroup = (unitId: string) => `unit:${unitId}`;
/** `unit-leader:<unitId>`: the unit's leader in charge (分管领导) */
export const unitLeaderGroup = (unitId: string) => `unit-leader:${unitId}`;

export function isRoleId(value: unknown): value is RoleId {
  return typeof value === 'string' && (ROLE_IDS as readonly string[]).includes(value);
}

export class RoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoleError';
  }
}

/** a unit id as it may appear in a candidate group: no `:` and no spaces */
export const UNIT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/**
 * The roles of an account, checked: known ids, no duplicates, at least one, and a unit for a unit
 * role. Answers them in the order of ROLE_IDS.
 */
export function checkRoles(roles: unknown, unitId?: string | null): RoleId[] {
  if (!Array.isArray(roles) || roles.length === 0) throw new RoleError(`roles must be a non-empty list of ${ROLE_IDS.join(', ')}`);
  for (const r of roles) if (!isRoleId(r)) throw new RoleError(`unknown role ${JSON.stringify(r)} (known: ${ROLE_IDS.join(', ')})`);
  const set = new Set(roles as RoleId[]);
  if (set.size !== roles.length) throw new RoleError('roles must not repeat');
  const needsUnit = UNIT_ROLES.filter((r) => set.has(r));
  if (needsUnit.length && (typeof unitId !== 'string' || !UNIT_ID_PATTERN.test(unitId))) {
    throw new RoleError(`role ${needsUnit.join(', ')} needs the account's unit`);
  }
  return ROLE_IDS.filter((r) => set.has(r));
}

export interface Actor {
  roles: readonly string[];
  /** the member unit of a unit handler / unit leader */
  unitId?: string | null;
}

/** the candidate groups whose user tasks the account may see and complete */
export function candidateGroupsFor(actor: Actor): string[] {
  const groups: string[] = [];
  const has = (r: RoleId) => actor.roles.includes(r);
  if (has('intake-operator')) groups.push(GROUPS.platformIntake);
  if (has('platform-reviewer')) groups.push(GROUPS.platformReviewer);
  if (has('city-leader')) groups.push(GROUPS.cityLeader);
  const unitId = actor.unitId;
  if (typeof unitId === 'string' && UNIT_ID_PATTERN.test(unitId)) {
    if (has('unit-handler')) groups.push(unitGroup(unitId));
    if (has('unit-leader')) groups.push(unitLeaderGroup(unitId));
  }
  return groups;
}

/** whether the account may act on a task offered to any of `taskGroups` */
export function mayActOn(actor: Actor, taskGroups: readonly string[]): boolean {
  const mine = new Set(candidateGroupsFor(actor));
  return taskGroups.some((g) => mine.has(g));
}

/** whether the account's roles alone let it read any petitioner's identity (platform office) */
export function hasIdentityRole(roles: readonly string[]): boolean {
  return roles.some((r) => (IDENTITY_ROLES as readonly string[]).includes(r));
}

/** whether the account has a unit role */
export function hasUnitRole(roles: readonly string[]): boolean {
  return roles.some((r) => (UNIT_ROLES as readonly string[]).includes(r));
}
