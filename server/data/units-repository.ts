/**
 * The member units 成员单位 (第五条: 乡镇, 市直部门, 公共服务企事业单位) and their people — 承办人
 * `handler`, 责任人 `contact`, 分管领导 `leader`, 主要领导 `head` — with work phones (tables `units`,
 * `unit_people` of migration 0301). Plain SQL, plain objects out; bad input throws UnitInputError
 * before anything is written. Units are deactivated, never deleted (cases and scores refer to them).
 */
import { randomBytes } from 'node:crypto';
import { normalizeMainlandMobile } from '../domain/identity-crypto.js';
import { UNIT_ID_PATTERN } from '../domain/roles.js';
import type { UnitKind } from '../../regulation/unit-suggestion.js';
import { exec, insertReturningId, select, type Database } from './sql.js';
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';

export const UNIT_KINDS: readonly UnitKind[] = ['township', 'department', 'enterprise'];
export const UNIT_KIND_LABELS: Record<UnitKind, string> = { township: '乡镇', department: '市直部门', enterprise: '公共服务企事业单位' };

export const PERSON_ROLES = ['handler', 'contact', 'leader', 'head'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];
export const PERSON_ROLE_LABELS: Record<PersonRole, string> = { handler: '承办人', contact: '责任人', leader: '分管领导', head: '主要领导' };

export interface UnitRecord {
  id: string;
  name: string;
  kind: UnitKind;
  /** the township code (统计用区划代码) a township unit covers; null for the others */
  township: string | null;
  /** duty tags a dispatch rule may match (e.g. `market-regulation`) */
  duties: string[];
  active: boolean;
}

export interface UnitInput {
  /** lower-case letters, digits and dashes (it becomes part of the candidate group `unit:<id>`); generated when absent */
  id?: string;
  name: string;
  kind: UnitKind;
  township?: string | null;
  duties?: string[];
  active?: boolean;
}

export type UnitPatch = Partial<Omit<UnitInput, 'id'>>;

export interface UnitPersonRecord {
  id: number;
  unitId: string;
  role: PersonRole;
  name: string;
  /** a mainland mobile (11 digits) or a landline `0797-1234567` */
  phone: string;
  staffId: string | null;
}

export interface UnitPersonInput {
  role: PersonRole;
  name: string;
  phone: string;
  staffId?: string | null;
}

export type UnitPersonPatch = Partial<UnitPersonInput>;

export class UnitInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnitInputError';
  }
}

export class UnitNotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'UnitNotFoundError';
  }
}

export interface UnitsRepository {
  /** the units by kind (townships, departments, enterprises) then name; active ones unless `includeInactive` */
  list(filter?: { kind?: UnitKind; includeInactive?: boolean }): Promise<UnitRecord[]>;
  get(id: string): Promise<UnitRecord | undefined>;
  findByName(name: string): Promise<UnitRecord | undefined>;
  findByTownship(code: string): Promise<UnitRecord | undefined>;
  create(input: UnitInput): Promise<UnitRecord>;
  update(id: string, patch: UnitPatch): Promise<UnitRecord>;
  /** a unit's people, by role (承办人, 责任人, 分管领导, 主要领导) then id */
  listPeople(unitId: string): Promise<UnitPersonRecord[]>;
  getPerson(personId: number): Promise<UnitPersonRecord | undefined>;
  addPerson(unitId: string, input: UnitPersonInput): Promise<UnitPersonRecord>;
  updatePerson(personId: number, patch: UnitPersonPatch): Promise<UnitPersonRecord>;
  removePerson(personId: number): Promise<boolean>;
  /** the first person (lowest id) of an active unit in a role, or undefined */
  personInRole(unitId: string, role: PersonRole): Promise<UnitPersonRecord | undefined>;
  /** the person a `unit-person:<id>` reference (UnitDirectory.recipient) names — for the channels that send to them */
  resolvePersonRef(ref: string): Promise<UnitPersonRecord | undefined>;
}

export const personRef = (personId: number) => `unit-person:${personId}`;
const PERSON_REF = /^unit-person:([1-9]\d{0,15})$/;

const TOWNSHIP_CODE = /^\d{9}(?:\d{3})?$/;
const DUTY = /^[a-z][a-z0-9-]{0,31}$/;
const LANDLINE = /^(0\d{2,3})[-\s]?(\d{7,8})$/;
const KIND_ORDER = "CASE kind WHEN 'township' THEN 0 WHEN 'department' THEN 1 ELSE 2 END";
const ROLE_ORDER = "CASE role WHEN 'handler' THEN 0 WHEN 'contact' THEN 1 WHEN 'leader' THEN 2 ELSE 3 END";

interface UnitRow {
  id: string;
  name: string;
  kind: string;
  township: string | null;
  duties: string;
  active: number | boolean | string;
}

interface PersonRow {
  id: number | string;
  unit_id: string;
  role: string;
  name: string;
  phone: string;
  staff_id: string | null;
}

const bool = (v: unknown) => Boolean(Number(v));

function parseDuties(text: string): string[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

function toUnit(r: UnitRow): UnitRecord {
  return { id: r.id, name: r.name, kind: r.kind as UnitKind, township: r.township ?? null, duties: parseDuties(r.duties), active: bool(r.active) };
}

function toPerson(r: PersonRow): UnitPersonRecord {
  return { id: Number(r.id), unitId: r.unit_id, role: r.role as PersonRole, name: r.name, phone: r.phone, staffId: r.staff_id ?? null };
}

/** whether text holds a control character (or < >, which no name needs) */
function hasControlOrAngle(t: string): boolean {
  for (const ch of t) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 || c === 0x7f || ch === '<' || ch === '>') return true;
  }
  return false;
}

function text(value: unknown, what: string, min: number, max: number): string {
  if (typeof value !== 'string') throw new UnitInputError(`${what} must be text`);
  const t = value.trim().replace(/\s+/g, ' ');
  const n = [...t].length;
  if (n < min) throw new UnitInputError(min <= 1 ? `${what} must not be empty` : `${what} must have at least ${min} characters`);
  if (n > max) throw new UnitInputError(`${what} must have at most ${max} characters (got ${n})`);
  if (hasControlOrAngle(t)) throw new UnitInputError(`${what} must not contain control characters or < >`);
  return t;
}

function checkKind(kind: unknown): UnitKind {
  if (!(UNIT_KINDS as readonly unknown[]).includes(kind)) throw new UnitInputError(`kind must be one of ${UNIT_KINDS.join(', ')} (got ${JSON.stringify(kind)})`);
  return kind as UnitKind;
}

function checkTownship(kind: UnitKind, township: unknown): string | null {
  if (kind !== 'township') {
    if (township !== undefined && township !== null && township !== '') throw new UnitInputError('only a township unit (乡镇) has a township code');
    return null;
  }
  if (typeof township !== 'string' || !TOWNSHIP_CODE.test(township.trim())) {
    throw new UnitInputError('a township unit (乡镇) needs its township code: the 9- or 12-digit 统计用区划代码 (e.g. 360783100)');
  }
  return township.trim();
}

function checkDuties(duties: unknown): string[] {
  if (duties === undefined || duties === null) return [];
  if (!Array.isArray(duties)) throw new UnitInputError('duties must be a list of duty tags');
  if (duties.length > 20) throw new UnitInputError('a unit has at most 20 duty tags');
  for (const d of duties) if (typeof d !== 'string' || !DUTY.test(d)) throw new UnitInputError(`duty tag ${JSON.stringify(d)} must be lower-case letters, digits and dashes (e.g. market-regulation)`);
  return [...new Set(duties as string[])];
}

function checkActive(active: unknown): boolean {
  if (active === undefined) return true;
  if (typeof active !== 'boolean') throw new UnitInputError('active must be true or false');
  return active;
}

/** a unit person's work phone: a mainland mobile (normalised to 11 digits) or a landline with area code (`0797-1234567`) */
export function normalizeWorkPhone(phone: unknown): string {
  if (typeof phone !== 'string') throw new UnitInputError('phone must be text');
  const mobile = normalizeMainlandMobile(phone);
  if (mobile) return mobile;
  const landline = LANDLINE.exec(phone.trim().replace(/[()（）]/g, ''));
  if (landline) return `${landline[1]}-${landline[2]}`;
  throw new UnitInputError('phone must be a mainland mobile number or a landline with its area code (e.g. 0797-1234567)');
}

function checkPersonRole(role: unknown): PersonRole {
  if (!(PERSON_ROLES as readonly unknown[]).includes(role)) throw new UnitInputError(`role must be one of ${PERSON_ROLES.join(', ')} (got ${JSON.stringify(role)})`);
  return role as PersonRole;
}

function newUnitId(): string {
  return `u-${randomBytes(6).toString('hex')}`;
}

export function createUnitsRepository(db: Database): UnitsRepository {
  const UNIT_COLS = 'id, name, kind, township, duties, active';
  const PERSON_COLS = 'id, unit_id, role, name, phone, staff_id';

  async function getUnit(id: string, tx?: Transaction): Promise<UnitRecord | undefined> {
    if (typeof id !== 'string') return undefined;
    const [row] = await select<UnitRow>(db, `SELECT ${UNIT_COLS} FROM units WHERE id = ?`, [id], tx);
    return row && toUnit(row);
  }

  async function getPerson(personId: number, tx?: Transaction): Promise<UnitPersonRecord | undefined> {
    if (!Number.isSafeInteger(personId) || personId <= 0) return undefined;
    const [row] = await select<PersonRow>(db, `SELECT ${PERSON_COLS} FROM unit_people WHERE id = ?`, [personId], tx);
    return row && toPerson(row);
  }

  async function checkStaff(staffId: unknown, tx: Transaction): Promise<string | null> {
    if (staffId === undefined || staffId === null || staffId === '') return null;
    if (typeof staffId !== 'string') throw new UnitInputError('staffId must be a staff account id');
    const [row] = await select<{ id: string }>(db, 'SELECT id FROM staff WHERE id = ?', [staffId], tx);
    if (!row) throw new UnitInputError('staffId names no staff account');
    return staffId;
  }

  /** a unique name or township code taken: a clear message instead of the driver's */
  async function uniqueClash(err: unknown, name: string, township: string | null): Promise<never> {
    if (err instanceof UniqueConstraintError) {
      const byName = await repo.findByName(name);
      if (byName) throw new UnitInputError(`a unit named ${name} exists already`);
      if (township) throw new UnitInputError(`a township unit for code ${township} exists already`);
      throw new UnitInputError('a unit with this id exists already');
    }
    throw err;
  }

  const repo: UnitsRepository = {
    async list(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (!filter.includeInactive) {
        where.push('active = ?');
        params.push(true);
      }
      if (filter.kind !== undefined) {
        where.push('kind = ?');
        params.push(checkKind(filter.kind));
      }
      const rows = await select<UnitRow>(
        db,
        `SELECT ${UNIT_COLS} FROM units${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${KIND_ORDER}, township, id`,
        params,
      );
      return rows.map(toUnit);
    },

    get: (id) => getUnit(id),

    async findByName(name) {
      if (typeof name !== 'string') return undefined;
      const [row] = await select<UnitRow>(db, `SELECT ${UNIT_COLS} FROM units WHERE name = ?`, [name.trim()]);
      return row && toUnit(row);
    },

    async findByTownship(code) {
      if (typeof code !== 'string') return undefined;
      const [row] = await select<UnitRow>(db, `SELECT ${UNIT_COLS} FROM units WHERE township = ?`, [code.trim()]);
      return row && toUnit(row);
    },

    async create(input) {
      if (typeof input !== 'object' || input === null) throw new UnitInputError('create needs { name, kind, township?, duties?, active? }');
      const id = input.id ?? newUnitId();
      if (typeof id !== 'string' || !UNIT_ID_PATTERN.test(id)) throw new UnitInputError('id must be 1–64 lower-case letters, digits and dashes, starting with a letter or digit');
      const name = text(input.name, 'name', 2, 100);
      const kind = checkKind(input.kind);
      const township = checkTownship(kind, input.township);
      const duties = checkDuties(input.duties);
      const active = checkActive(input.active);
      try {
        await db.transaction((tx) =>
          db.sequelize.query('INSERT INTO units (id, name, kind, township, duties, active) VALUES (?, ?, ?, ?, ?, ?)', {
            replacements: [id, name, kind, township, JSON.stringify(duties), active],
            transaction: tx,
            type: QueryTypes.INSERT,
          }),
        );
      } catch (err) {
        await uniqueClash(err, name, township);
      }
      return { id, name, kind, township, duties, active };
    },

    async update(id, patch) {
      if (typeof patch !== 'object' || patch === null) throw new UnitInputError('update needs the fields to change');
      const current = await getUnit(id);
      if (!current) throw new UnitNotFoundError(`unit ${JSON.stringify(id)}`);
      const name = patch.name === undefined ? current.name : text(patch.name, 'name', 2, 100);
      const kind = patch.kind === undefined ? current.kind : checkKind(patch.kind);
      const township = checkTownship(kind, patch.township === undefined ? (kind === current.kind ? current.township : undefined) : patch.township);
      const duties = patch.duties === undefined ? current.duties : checkDuties(patch.duties);
      const active = patch.active === undefined ? current.active : checkActive(patch.active);
      try {
        await db.transaction((tx) =>
          exec(db, 'UPDATE units SET name = ?, kind = ?, township = ?, duties = ?, active = ? WHERE id = ?', [name, kind, township, JSON.stringify(duties), active, id], tx),
        );
      } catch (err) {
        await uniqueClash(err, name, township);
      }
      return { id, name, kind, township, duties, active };
    },

    async listPeople(unitId) {
      const rows = await select<PersonRow>(db, `SELECT ${PERSON_COLS} FROM unit_people WHERE unit_id = ? ORDER BY ${ROLE_ORDER}, id`, [unitId]);
      return rows.map(toPerson);
    },

    getPerson: (personId) => getPerson(personId),

    async addPerson(unitId, input) {
      if (typeof input !== 'object' || input === null) throw new UnitInputError('addPerson needs { role, name, phone, staffId? }');
      const role = checkPersonRole(input.role);
      const name = text(input.name, 'name', 1, 50);
      const phone = normalizeWorkPhone(input.phone);
      return db.transaction(async (tx) => {
        if (!(await getUnit(unitId, tx))) throw new UnitNotFoundError(`unit ${JSON.stringify(unitId)}`);
        const staffId = await checkStaff(input.staffId, tx);
        const id = await insertReturningId(db, 'INSERT INTO unit_people (unit_id, role, name, phone, staff_id) VALUES (?, ?, ?, ?, ?)', [unitId, role, name, phone, staffId], tx);
        return { id, unitId, role, name, phone, staffId };
      });
    },

    async updatePerson(personId, patch) {
      if (typeof patch !== 'object' || patch === null) throw new UnitInputError('updatePerson needs the fields to change');
      return db.transaction(async (tx) => {
        const current = await getPerson(personId, tx);
        if (!current) throw new UnitNotFoundError(`unit person ${personId}`);
        const next: UnitPersonRecord = {
          ...current,
          role: patch.role === undefined ? current.role : checkPersonRole(patch.role),
          name: patch.name === undefined ? current.name : text(patch.name, 'name', 1, 50),
          phone: patch.phone === undefined ? current.phone : normalizeWorkPhone(patch.phone),
          staffId: patch.staffId === undefined ? current.staffId : await checkStaff(patch.staffId, tx),
        };
        await exec(db, 'UPDATE unit_people SET role = ?, name = ?, phone = ?, staff_id = ? WHERE id = ?', [next.role, next.name, next.phone, next.staffId, personId], tx);
        return next;
      });
    },

    async removePerson(personId) {
      if (!Number.isSafeInteger(personId) || personId <= 0) return false;
      return db.transaction(async (tx) => (await exec(db, 'DELETE FROM unit_people WHERE id = ?', [personId], tx)) > 0);
    },

    async personInRole(unitId, role) {
      checkPersonRole(role);
      const [row] = await select<PersonRow>(
        db,
        `SELECT p.id, p.unit_id, p.role, p.name, p.phone, p.staff_id FROM unit_people p JOIN units u ON u.id = p.unit_id
         WHERE p.unit_id = ? AND p.role = ? AND u.active = ? ORDER BY p.id LIMIT 1`,
        [unitId, role, true],
      );
      return row && toPerson(row);
    },

    async resolvePersonRef(ref) {
      const m = typeof ref === 'string' ? PERSON_REF.exec(ref) : null;
      return m ? getPerson(Number(m[1])) : undefined;
    },
  };
  return repo;
}
