/**
 * Demo data for a fresh database (issue 4: "`npm start` on a fresh clone seeds Longnan's townships and
 * a set of departments with demo staff of every role"):
 *
 * - the units of `longnan-units.ts`, each with a 承办人, 责任人, 分管领导 and 主要领导 — demo names and demo
 *   phones `1380797UURR` (UU: the unit's place in the list, RR: 01 承办人, 02 责任人, 03 分管领导,
 *   04 主要领导);
 * - demo staff accounts of every role, all with the one demo password DEMO_PASSWORD:
 *
 *   | user name | role | unit |
 *   |---|---|---|
 *   | `intake` | intake-operator 受理员 | |
 *   | `reviewer` | platform-reviewer 审核员 | |
 *   | `leader` | city-leader 市领导 | |
 *   | `auditor` | auditor 审计员 | |
 *   | `modeler` | process-admin 流程管理员 | |
 *   | `admin` | admin 系统管理员 | |
 *   | `handler-<unit>`, `leader-<unit>` | unit-handler 承办人, unit-leader 分管领导 | every unit |
 *
 *   `<unit>` is the unit's id without `u-`: `handler-longnan`, `leader-dongjiang`, `handler-market`…
 *   Every unit gets both, because the diagrams offer unit tasks to both (`=[unitGroup]`: 签收、联系、
 *   办理…; `=[unitLeaderGroup]`: OA 送签) — a unit without one left its OA 送签 with nobody (issue 12).
 *   The unit accounts are linked to their unit's 承办人 / 分管领导 person.
 *
 * Idempotent: a unit is added when no unit has its id, name or township code; a unit's people only
 * when the unit has nobody recorded yet; an account when its user name is free. A second run changes
 * nothing, and nothing an admin changed is overwritten. No petitions are seeded: a petition starts
 * its process instance when it is submitted.
 *
 * The demo password is public: change it (or deactivate the demo accounts) before real use. The
 * demo accounts made in one run share one hash of it: sixty scrypt hashes would add seconds to every
 * start, and a per-account salt protects nothing when the password is published.
 */
import { parseIdentityKey, type IdentityKeyInput } from '../domain/identity-crypto.js';
import { hashPassword } from '../domain/passwords.js';
import { ROLE_LABELS, type RoleId } from '../domain/roles.js';
import { LONGNAN_UNITS, type SeedUnit } from './longnan-units.js';
import { createStaffRepository } from './staff-repository.js';
import { createUnitsRepository, type PersonRole } from './units-repository.js';
import type { Database } from './sql.js';

export const DEMO_PASSWORD = 'longnan-demo-2026';

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: RoleId[];
  unitId?: string;
  /** the unit person this account is (承办人 / 分管领导) */
  person?: PersonRole;
}

/** the platform's accounts: one per role that belongs to no unit */
export const PLATFORM_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'intake', displayName: '受理员(演示)', roles: ['intake-operator'] },
  { username: 'reviewer', displayName: '审核员(演示)', roles: ['platform-reviewer'] },
  { username: 'leader', displayName: '市领导(演示)', roles: ['city-leader'] },
  { username: 'auditor', displayName: '审计员(演示)', roles: ['auditor'] },
  { username: 'modeler', displayName: '流程管理员(演示)', roles: ['process-admin'] },
  { username: 'admin', displayName: '系统管理员(演示)', roles: ['admin'] },
];

/** 龙南镇人民政府 → 龙南镇, 龙南市市场监督管理局 → 市场监督管理局 */
const shortName = (name: string) => name.replace(/^龙南市(?=.)/, '').replace(/人民政府$/, '') || name;

/** a 承办人 and a 分管领导 account for each unit: `handler-<unit>`, `leader-<unit>` (<unit>: the id without `u-`) */
export function unitAccounts(units: readonly SeedUnit[]): DemoAccount[] {
  return units.flatMap((u) => {
    const slug = u.id.replace(/^u-/, '');
    return [
      { username: `handler-${slug}`, displayName: `${shortName(u.name)}承办人(演示)`, roles: ['unit-handler'], unitId: u.id, person: 'handler' },
      { username: `leader-${slug}`, displayName: `${shortName(u.name)}分管领导(演示)`, roles: ['unit-leader'], unitId: u.id, person: 'leader' },
    ] satisfies DemoAccount[];
  });
}

/** the demo accounts of Longnan's units and the platform */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [...PLATFORM_ACCOUNTS, ...unitAccounts(LONGNAN_UNITS)];

const SURNAMES = [...'赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜'];
const GIVEN: Record<PersonRole, string> = { handler: '晓明', contact: '建华', leader: '志强', head: '国平' };
const ROLE_DIGITS: Record<PersonRole, string> = { handler: '01', contact: '02', leader: '03', head: '04' };
const PERSON_ROLES: PersonRole[] = ['handler', 'contact', 'leader', 'head'];

/** the demo people of the unit at `index` in the seed list */
export function demoPeople(index: number): { role: PersonRole; name: string; phone: string }[] {
  const surname = SURNAMES[index % SURNAMES.length];
  const uu = String(index + 1).padStart(2, '0').slice(-2);
  return PERSON_ROLES.map((role) => ({ role, name: `${surname}${GIVEN[role]}`, phone: `1380797${uu}${ROLE_DIGITS[role]}` }));
}

export interface SeedCredential {
  username: string;
  password: string;
  displayName: string;
  roles: RoleId[];
  /** the roles in Chinese, for the start-up banner */
  roleLabels: string[];
  unitId: string | null;
}

export interface SeedResult {
  /** what this run added (all zero on a second run) */
  created: { units: number; people: number; staff: number };
  /** the demo accounts and their password, to print at start-up */
  credentials: SeedCredential[];
}

export interface SeedOptions {
  /** the identity key of the configuration: checked here, so a bad key stops `npm start` before serving */
  key: IdentityKeyInput;
  now?: () => number;
  /** the units to seed (default: Longnan's) */
  units?: readonly SeedUnit[];
  /** also the demo staff accounts (default true; scenario tests need only the units and their people) */
  accounts?: boolean;
}

export async function seedDemoData(db: Database, options: SeedOptions): Promise<SeedResult> {
  if (!Buffer.isBuffer(options.key)) parseIdentityKey(options.key);
  const units = createUnitsRepository(db);
  const staff = createStaffRepository(db, { now: options.now });
  const created = { units: 0, people: 0, staff: 0 };
  const seedUnits = options.units ?? LONGNAN_UNITS;

  for (const u of seedUnits) {
    if ((await units.get(u.id)) || (await units.findByName(u.name)) || (u.township && (await units.findByTownship(u.township)))) continue;
    await units.create({ id: u.id, name: u.name, kind: u.kind, township: u.township ?? null, duties: u.duties ?? [] });
    created.units++;
  }

  const accounts = [...PLATFORM_ACCOUNTS, ...unitAccounts(seedUnits)];
  const accountIds = new Map<string, string>();
  let passwordHash: Promise<string> | undefined;
  for (const a of options.accounts === false ? [] : accounts) {
    // an account of a unit that is not there (an admin removed it) is left out
    if (a.unitId && !(await units.get(a.unitId))) continue;
    let account = await staff.findByUsername(a.username);
    if (!account) {
      passwordHash ??= hashPassword(DEMO_PASSWORD);
      account = await staff.create({ username: a.username, displayName: a.displayName, password: DEMO_PASSWORD, passwordHash: await passwordHash, roles: a.roles, unitId: a.unitId ?? null });
      created.staff++;
    }
    accountIds.set(a.username, account.id);
  }

  for (const [index, u] of seedUnits.entries()) {
    if (!(await units.get(u.id))) continue;
    if ((await units.listPeople(u.id)).length > 0) continue;
    for (const person of demoPeople(index)) {
      const account = accounts.find((a) => a.unitId === u.id && a.person === person.role);
      await units.addPerson(u.id, { ...person, staffId: account ? (accountIds.get(account.username) ?? null) : null });
      created.people++;
    }
  }

  const credentials: SeedCredential[] = accounts.filter((a) => accountIds.has(a.username)).map((a) => ({
    username: a.username,
    password: DEMO_PASSWORD,
    displayName: a.displayName,
    roles: [...a.roles],
    roleLabels: a.roles.map((r) => ROLE_LABELS[r]),
    unitId: a.unitId ?? null,
  }));
  return { created, credentials };
}
