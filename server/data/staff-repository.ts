/**
 * Staff accounts (table `staff`, migration 0301): user name, display name, scrypt password hash,
 * roles (server/domain/roles.ts), the member unit of unit staff, active flag, and the sign-in
 * lockout — after 5 failed sign-ins in a row the account is locked for 15 minutes (issue 4: login
 * throttling). Records never carry the password hash.
 */
import { randomBytes } from 'node:crypto';
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { checkNewPassword, dummyPasswordHash, hashPassword, needsRehash, parsePasswordHash, PasswordHashFormatError, PasswordPolicyError, verifyPassword } from '../domain/passwords.js';
import { checkRoles, RoleError, type RoleId } from '../domain/roles.js';
import { exec, select, toDateOrNull, toDate, type Database } from './sql.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

/** user names the audit log uses for actors that are not staff */
const RESERVED_USERNAMES = new Set(['system', 'petitioner', 'admin-system', 'root']);
const USERNAME = /^[a-z][a-z0-9._-]{1,63}$/;

export interface StaffRecord {
  id: string;
  username: string;
  displayName: string;
  roles: RoleId[];
  unitId: string | null;
  active: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
}

export interface StaffInput {
  username: string;
  displayName: string;
  password: string;
  /**
   * hashPassword(password), made already: stored instead of hashing again (the seed's demo accounts
   * share one hash of the one public demo password). Never taken from a request.
   */
  passwordHash?: string;
  roles: RoleId[];
  unitId?: string | null;
  active?: boolean;
}

export type StaffPatch = Partial<Pick<StaffInput, 'displayName' | 'roles' | 'unitId' | 'active'>>;

export type LoginResult =
  | { ok: true; staff: StaffRecord }
  /**
   * `invalid`: unknown user name or wrong password (the same answer for both); `locked`: too many
   * failures, try again after `lockedUntil`; `inactive`: the right password of a disabled account
   */
  | { ok: false; reason: 'invalid' | 'locked' | 'inactive'; lockedUntil?: Date };

export class StaffInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaffInputError';
  }
}

export class StaffNotFoundError extends Error {
  constructor(id: string) {
    super(`staff account ${JSON.stringify(id)} not found`);
    this.name = 'StaffNotFoundError';
  }
}

export interface StaffRepository {
  create(input: StaffInput): Promise<StaffRecord>;
  get(id: string): Promise<StaffRecord | undefined>;
  findByUsername(username: string): Promise<StaffRecord | undefined>;
  /** accounts by user name; active ones unless `includeInactive` */
  list(filter?: { unitId?: string; role?: RoleId; includeInactive?: boolean }): Promise<StaffRecord[]>;
  update(id: string, patch: StaffPatch): Promise<StaffRecord>;
  setPassword(id: string, password: string): Promise<void>;
  /** lift a lockout (an admin's action) */
  unlock(id: string): Promise<void>;
  /**
   * Check a sign-in. Counts failures; the 5th in a row locks the account for 15 minutes (during
   * which even the right password is refused). A success clears the count, and stores a new hash
   * when the stored one was made with older parameters. An unknown user name costs the same time as
   * a wrong password.
   */
  verifyLogin(username: string, password: string): Promise<LoginResult>;
}

interface StaffRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string;
  unit_id: string | null;
  active: number | boolean | string;
  failed_logins: number | string;
  locked_until: number | string | null;
  created_at: number | string;
}

function parseRoles(text: string): RoleId[] {
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? (v.filter((r) => typeof r === 'string') as RoleId[]) : [];
  } catch {
    return [];
  }
}

function toRecord(r: StaffRow): StaffRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    roles: parseRoles(r.roles),
    unitId: r.unit_id ?? null,
    active: Boolean(Number(r.active)),
    failedLogins: Number(r.failed_logins),
    lockedUntil: toDateOrNull(r.locked_until),
    createdAt: toDate(r.created_at),
  };
}

export function normalizeUsername(username: unknown): string | undefined {
  if (typeof username !== 'string') return undefined;
  const u = username.trim().toLowerCase();
  return USERNAME.test(u) ? u : undefined;
}

function checkUsername(username: unknown): string {
  const u = normalizeUsername(username);
  if (!u) throw new StaffInputError('username must be 2–64 characters: a lower-case letter, then letters, digits, dot, dash or underscore');
  if (RESERVED_USERNAMES.has(u)) throw new StaffInputError(`username ${u} is reserved`);
  return u;
}

function checkDisplayName(name: unknown): string {
  if (typeof name !== 'string') throw new StaffInputError('displayName must be text');
  const t = name.trim().replace(/\s+/g, ' ');
  const n = [...t].length;
  if (n === 0) throw new StaffInputError('displayName must not be empty');
  if (n > 50) throw new StaffInputError(`displayName must have at most 50 characters (got ${n})`);
  if (hasControlOrAngle(t)) throw new StaffInputError('displayName must not contain control characters or < >');
  return t;
}

/** whether text holds a control character (or < >, which no name needs) */
function hasControlOrAngle(t: string): boolean {
  for (const ch of t) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x20 || c === 0x7f || ch === '<' || ch === '>') return true;
  }
  return false;
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RoleError || err instanceof PasswordPolicyError || err instanceof PasswordHashFormatError) throw new StaffInputError(err.message);
    throw err;
  }
}

const newStaffId = () => `st-${randomBytes(8).toString('hex')}`;

export function createStaffRepository(db: Database, options: { now?: () => number } = {}): StaffRepository {
  const now = options.now ?? Date.now;
  const COLS = 'id, username, display_name, password_hash, roles, unit_id, active, failed_logins, locked_until, created_at';

  async function row(where: 'id' | 'username', value: string, tx?: Transaction): Promise<StaffRow | undefined> {
    const [r] = await select<StaffRow>(db, `SELECT ${COLS} FROM staff WHERE ${where} = ?`, [value], tx);
    return r;
  }

  async function checkUnit(unitId: unknown, tx?: Transaction): Promise<string | null> {
    if (unitId === undefined || unitId === null || unitId === '') return null;
    if (typeof unitId !== 'string') throw new StaffInputError('unitId must be a unit id');
    const [u] = await select<{ id: string }>(db, 'SELECT id FROM units WHERE id = ?', [unitId], tx);
    if (!u) throw new StaffInputError(`unit ${JSON.stringify(unitId)} does not exist`);
    return unitId;
  }

  const repo: StaffRepository = {
    async create(input) {
      if (typeof input !== 'object' || input === null) throw new StaffInputError('create needs { username, displayName, password, roles, unitId? }');
      const username = checkUsername(input.username);
      const displayName = checkDisplayName(input.displayName);
      const unitIdGiven = input.unitId ?? null;
      const roles = wrap(() => checkRoles(input.roles, unitIdGiven));
      wrap(() => checkNewPassword(input.password));
      if (input.active !== undefined && typeof input.active !== 'boolean') throw new StaffInputError('active must be true or false');
      const active = input.active ?? true;
      const unitId = await checkUnit(unitIdGiven);
      if (input.passwordHash !== undefined) wrap(() => parsePasswordHash(input.passwordHash));
      const passwordHash = input.passwordHash ?? (await hashPassword(input.password));
      const id = newStaffId();
      const createdAt = now();
      try {
        await db.transaction((tx) =>
          db.sequelize.query(`INSERT INTO staff (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL, ?)`, {
            replacements: [id, username, displayName, passwordHash, JSON.stringify(roles), unitId, active, createdAt],
            transaction: tx,
            type: QueryTypes.INSERT,
          }),
        );
      } catch (err) {
        if (err instanceof UniqueConstraintError) throw new StaffInputError(`username ${username} is taken`);
        throw err;
      }
      return { id, username, displayName, roles, unitId, active, failedLogins: 0, lockedUntil: null, createdAt: new Date(createdAt) };
    },

    async get(id) {
      if (typeof id !== 'string') return undefined;
      const r = await row('id', id);
      return r && toRecord(r);
    },

    async findByUsername(username) {
      const u = normalizeUsername(username);
      if (!u) return undefined;
      const r = await row('username', u);
      return r && toRecord(r);
    },

    async list(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (!filter.includeInactive) {
        where.push('active = ?');
        params.push(true);
      }
      if (filter.unitId !== undefined) {
        where.push('unit_id = ?');
        params.push(filter.unitId);
      }
      const rows = await select<StaffRow>(db, `SELECT ${COLS} FROM staff${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY username`, params);
      const records = rows.map(toRecord);
      return filter.role ? records.filter((s) => s.roles.includes(filter.role as RoleId)) : records;
    },

    async update(id, patch) {
      if (typeof patch !== 'object' || patch === null) throw new StaffInputError('update needs the fields to change');
      const current = await repo.get(id);
      if (!current) throw new StaffNotFoundError(id);
      const displayName = patch.displayName === undefined ? current.displayName : checkDisplayName(patch.displayName);
      const unitIdGiven = patch.unitId === undefined ? current.unitId : patch.unitId;
      const roles = wrap(() => checkRoles(patch.roles ?? current.roles, unitIdGiven));
      if (patch.active !== undefined && typeof patch.active !== 'boolean') throw new StaffInputError('active must be true or false');
      const active = patch.active ?? current.active;
      const unitId = await checkUnit(unitIdGiven);
      await db.transaction((tx) =>
        exec(db, 'UPDATE staff SET display_name = ?, roles = ?, unit_id = ?, active = ? WHERE id = ?', [displayName, JSON.stringify(roles), unitId, active, id], tx),
      );
      return { ...current, displayName, roles, unitId, active };
    },

    async setPassword(id, password) {
      wrap(() => checkNewPassword(password));
      const hash = await hashPassword(password);
      const changed = await db.transaction((tx) => exec(db, 'UPDATE staff SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?', [hash, id], tx));
      if (changed === 0) throw new StaffNotFoundError(id);
    },

    async unlock(id) {
      await db.transaction((tx) => exec(db, 'UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ?', [id], tx));
      // MySQL counts only rows that changed: an account that was not locked is still found
      if (!(await repo.get(id))) throw new StaffNotFoundError(id);
    },

    async verifyLogin(username, password) {
      const u = normalizeUsername(username);
      const found = u ? await row('username', u) : undefined;
      if (!found) {
        // an unknown name costs one scrypt, as a known one does
        await verifyPassword(typeof password === 'string' ? password : '', await dummyPasswordHash());
        return { ok: false, reason: 'invalid' };
      }
      const at = now();
      const lockedUntil = found.locked_until === null ? null : Number(found.locked_until);
      if (lockedUntil !== null && lockedUntil > at) {
        await verifyPassword('', await dummyPasswordHash());
        return { ok: false, reason: 'locked', lockedUntil: new Date(lockedUntil) };
      }
      const good = await verifyPassword(typeof password === 'string' ? password : '', found.password_hash);
      if (!good) {
        return db.transaction(async (tx): Promise<LoginResult> => {
          await exec(db, 'UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = ?', [found.id], tx);
          const [r] = await select<{ failed_logins: number | string }>(db, 'SELECT failed_logins FROM staff WHERE id = ?', [found.id], tx);
          if (Number(r.failed_logins) >= MAX_FAILED_LOGINS) {
            const until = at + LOCKOUT_MS;
            await exec(db, 'UPDATE staff SET failed_logins = 0, locked_until = ? WHERE id = ?', [until, found.id], tx);
            return { ok: false, reason: 'locked', lockedUntil: new Date(until) };
          }
          return { ok: false, reason: 'invalid' };
        });
      }
      if (!Number(found.active)) return { ok: false, reason: 'inactive' };
      // a hash of older parameters is replaced (a password set under older rules is kept as it is)
      const rehash = needsRehash(found.password_hash) ? await hashPassword(password).catch(() => undefined) : undefined;
      await db.transaction(async (tx) => {
        await exec(db, 'UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = ? AND (failed_logins <> 0 OR locked_until IS NOT NULL)', [found.id], tx);
        if (rehash) await exec(db, 'UPDATE staff SET password_hash = ? WHERE id = ? AND password_hash = ?', [rehash, found.id, found.password_hash], tx);
      });
      return { ok: true, staff: { ...toRecord(found), failedLogins: 0, lockedUntil: null } };
    },
  };
  return repo;
}
