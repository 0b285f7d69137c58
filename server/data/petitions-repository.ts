/**
 * Petitions (table `petitions`, migration 0301) with the petitioner's identity encrypted at rest
 * (server/domain/identity-crypto.ts) and every read of it logged (`identity_access_log`; 第十九条).
 *
 * - `create` validates the fields (第六条: channel and category), encrypts name and phone, keeps the
 *   phone's blind index, gives the petition a tracking code `WZ` + 8 characters (no 0/O, 1/I/L) and
 *   answers the petition without its identity.
 * - `findForTracking(code, phone)` answers the petition only when the phone is the petitioner's; an
 *   unknown code and a wrong phone take the same path (one query by code, one HMAC, one
 *   constant-time comparison) and give the same `undefined`.
 * - `readIdentity` decrypts for the platform office's roles; for a unit's staff only when the petition
 *   is assigned to their unit and is not confidential (第十九条); otherwise IdentityAccessDenied (and
 *   an `identity.read-denied` audit entry). Every successful read writes an `identity_access_log` row.
 * - Nothing here returns identity except `readIdentity` / `readIdentityAsSystem`; nothing here puts
 *   personal data into an error message.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { QueryTypes, UniqueConstraintError, type Transaction } from 'sequelize';
import { CATEGORIES, isCategory, type Category } from '../../regulation/categories.js';
import { createIdentityCipher, normalizeMainlandMobile, type IdentityKeyInput } from '../domain/identity-crypto.js';
import { STATUS_PATTERN } from '../../regulation/petition-status.js';
import { hasControlCharacters } from '../domain/text.js';
import { hasIdentityRole, hasUnitRole } from '../domain/roles.js';
import { createAuditRepository, SYSTEM_ACTOR } from './audit-repository.js';
import { exec, insertReturningId, select, toDate, withTx, type Database } from './sql.js';
import { createCaseFactsRepository } from './case-facts-repository.js';
import { searchPetitions, type CaseFilter, type CaseOrder } from './petition-search.js';
import { bool, CHANNEL_LABELS, CHANNELS, toPetition, type Channel, type Petition, type PetitionRow } from './petition-row.js';

export { CHANNEL_LABELS, CHANNELS, toPetition };
export type { Channel, Petition, PetitionRow };

export const LIMITS = { title: 100, content: 5000, name: 50 } as const;
export const INITIAL_STATUS = 'submitted';

/** tracking-code characters: digits 2–9 and capitals without I, L, O (nothing to confuse with 0, 1) */
export const TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const TRACKING_CODE = new RegExp(`^WZ[${TRACKING_ALPHABET}]{8}$`);

export interface PetitionInput {
  channel: Channel;
  category: Category;
  title: string;
  content: string;
  /** township code (统计用区划代码) of the place it happened; optional */
  township?: string | null;
  /** 突发 (第十四条) */
  urgent?: boolean;
  /** the petitioner asked for confidentiality (第十九条) */
  confidential?: boolean;
  petitionerName: string;
  /** a mainland mobile number */
  petitionerPhone: string;
}


/** what anyone may see of a petition: no title or content (第二十一条: nothing published before it is answered and approved), no identity, no tracking code */
export interface PublicPetition {
  id: string;
  channel: Channel;
  category: Category;
  township: string | null;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PetitionerIdentity {
  name: string;
  phone: string;
}

export interface IdentityReader {
  /** the staff account reading */
  staffId: string;
  /** why, as a word: `contact-petitioner`, `hotline-callback`, … (logged) */
  purpose: string;
  /** the reader's member unit (unit handlers and unit leaders) */
  unitId?: string | null;
  /** the reader's roles (server/domain/roles.ts) */
  roles: readonly string[];
}

export interface IdentityAccessRecord {
  id: number;
  petitionId: string;
  staffId: string;
  purpose: string;
  at: Date;
}

export type IdentityDenialReason = 'no-role' | 'not-assigned' | 'confidential';

const DENIAL_TEXT: Record<IdentityDenialReason, string> = {
  'no-role': 'the account has no role that may see a petitioner’s identity',
  'not-assigned': 'the petition is not assigned to the account’s unit',
  confidential: 'the petitioner asked for confidentiality: units see no identity (第十九条)',
};

/** a read of identity that the rules do not allow (the message names the petition id and the rule, nothing personal) */
export class IdentityAccessDenied extends Error {
  constructor(
    readonly petitionId: string,
    readonly reason: IdentityDenialReason,
  ) {
    super(`identity of petition ${petitionId} is not shown: ${DENIAL_TEXT[reason]}`);
    this.name = 'IdentityAccessDenied';
  }
}

export class PetitionInputError extends Error {
  constructor(
    message: string,
    /** the input field at fault */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PetitionInputError';
  }
}

export class PetitionNotFoundError extends Error {
  constructor(petitionId: string) {
    super(`petition ${JSON.stringify(petitionId)} not found`);
    this.name = 'PetitionNotFoundError';
  }
}

/** how a petition is created inside a wider transaction (the submission's: petition, audit, engine start) */
export interface CreateOptions {
  tx?: Transaction;
  /** ids drawn by the caller, who needs them before the row exists (the process's variables) */
  id?: string;
  trackingCode?: string;
  processInstanceKey?: string;
}

export type { CaseFilter, CaseOrder } from './petition-search.js';

export interface PetitionsRepository {
  create(input: PetitionInput, options?: CreateOptions): Promise<Petition>;
  get(id: string, tx?: Transaction): Promise<Petition | undefined>;
  /** several petitions in one read (a task list's cases): those found, by id */
  getMany(ids: readonly string[]): Promise<Map<string, Petition>>;
  /** the blind index a phone is searched by (never the number itself in a query or a log) */
  phoneIndex(phone: string): string;
  /** the petition of a tracking code (no proof of phone: for status-only answers such as Open311's) */
  findByTrackingCode(code: string): Promise<Petition | undefined>;
  /** the petition when `phone` is its petitioner's, else undefined — the same answer and work for an unknown code */
  findForTracking(code: string, phone: string): Promise<Petition | undefined>;
  /** petitions, newest first, optionally of one unit (with `coHandled`, also those it co-handles, 第十二条) or status */
  list(filter?: { unitId?: string; coHandled?: boolean; status?: string; limit?: number; offset?: number }): Promise<Petition[]>;
  /**
   * Petitions newest first, `limit` of them after the keyset `after` (the last row of the page before):
   * each page is one index range (created_at, id), so an export of every row costs what one page
   * costs, however deep it reaches (OFFSET re-reads and re-sorts what it skips).
   */
  scan(filter: { unitId?: string; coHandled?: boolean }, after: { createdAt: Date; id: string } | undefined, limit: number): Promise<Petition[]>;
  /**
   * The case list's keyset read (issue 15): the petitions matching every condition of `filter`, in
   * `order`, `limit` of them after the keyset `after` — or, with `backward`, the `limit` before it
   * (answered in the list's order). Each page is one range of an index led by the equality filter
   * (migration 1003) and ending in the sort key and id: no OFFSET.
   */
  search(filter: CaseFilter, page: { order: CaseOrder; after?: { key: number; id: string }; backward?: boolean; limit: number }): Promise<Petition[]>;
  /** 第十九条: reads of the identity that are not a decryption (a search by phone found these cases), logged as such */
  logIdentityAccess(petitionIds: readonly string[], staffId: string, purpose: string): Promise<void>;
  /** petitions, newest first, without anything personal or unpublished */
  listPublic(options?: { limit?: number; offset?: number }): Promise<PublicPetition[]>;
  /**
   * 第十二条: the co-handling units (协办单位) of a joint dispatch, replacing those of an earlier one
   * (an empty list: none). Idempotent.
   */
  setCoUnits(petitionId: string, unitIds: string[], tx?: Transaction): Promise<void>;
  /** the co-handling units of a petition, sorted */
  coUnits(petitionId: string, tx?: Transaction): Promise<string[]>;
  /** the status shown when tracking (`changed` false: it was); the reports' facts with it, `context.finishDueAt`: the deadline in force (按期办结) */
  setStatus(petitionId: string, status: string, tx?: Transaction, context?: { finishDueAt?: unknown }): Promise<{ changed: boolean }>;
  /** for the reports (case-facts-repository.ts), at the repository's clock: 受理 (第七条), a rating (第十七条), a 督办 started (第二十三条; once per task) */
  recordFact(petitionId: string, fact: { kind: 'accepted' } | { kind: 'rated'; rating: string } | { kind: 'supervised'; userTaskKey: string; item: string }, tx?: Transaction): Promise<void>;
  /** petitions created before `before` that no process instance handles (left by a crash before submissions were one transaction), oldest first */
  listWithoutProcess(before: Date, limit: number): Promise<Petition[]>;
  /** 撤销认定 (第二十七条 附则): the petition is handled again, from `submitted`, by a new process instance */
  replaceProcess(petitionId: string, processInstanceKey: string, tx?: Transaction): Promise<void>;
  /** link a petition to its process instance unless one is linked already: false when it was */
  linkProcess(petitionId: string, processInstanceKey: string, tx?: Transaction): Promise<boolean>;
  /** the petition's handling unit (null: none) and, when given, its process instance */
  assign(petitionId: string, unitId: string | null, processInstanceKey?: string | null, tx?: Transaction): Promise<Petition>;
  /** the decrypted identity, when the reader may see it (logged); IdentityAccessDenied otherwise */
  readIdentity(petitionId: string, reader: IdentityReader): Promise<PetitionerIdentity>;
  /** the decrypted identity for the system itself (publication masking, SMS), logged as staff `system` or `actor` (a remote worker's credential); undefined for an unknown petition */
  readIdentityAsSystem(petitionId: string, purpose: string, actor?: string): Promise<PetitionerIdentity | undefined>;
  /** the identity reads of a petition, oldest first */
  identityAccessLog(petitionId: string): Promise<IdentityAccessRecord[]>;
}

export interface PetitionsRepositoryOptions {
  /** the identity key: base64 text from the configuration, or its 32 bytes */
  key: IdentityKeyInput;
  clock?: { now(): Date };
}


interface IdentityRow {
  id: string;
  confidential: number | boolean | string;
  unit_id: string | null;
  petitioner_name_enc: string;
  petitioner_phone_enc: string;
}


/** a unit's cases (with `coHandled`, also those it co-handles, 第十二条), as conditions to add to */
function unitWhere(filter: { unitId?: string; coHandled?: boolean }): { where: string[]; params: unknown[] } {
  if (filter.unitId === undefined) return { where: [], params: [] };
  if (filter.coHandled) return { where: ['(unit_id = ? OR id IN (SELECT petition_id FROM petition_co_units WHERE unit_id = ?))'], params: [filter.unitId, filter.unitId] };
  return { where: ['unit_id = ?'], params: [filter.unitId] };
}


export const PETITION_COLS = // the columns a Petition is read from (PetitionRow)
  'id, tracking_code, channel, category, urgent, confidential, title, content, township, phone_index, status, unit_id, process_instance_key, merged_into, created_at, updated_at';

const TOWNSHIP_CODE = /^\d{9}(?:\d{3})?$/;
const PURPOSE = /^[a-z][a-z0-9-]{1,63}$/;
const ID = /^[\w.:-]{1,64}$/;

function checkText(value: unknown, field: string, label: string, max: number, singleLine: boolean): string {
  if (typeof value !== 'string') throw new PetitionInputError(`${label} must be text`, field);
  const t = singleLine ? value.trim().replace(/\s+/g, ' ') : value.replace(/\r\n?/g, '\n').trim();
  const n = [...t].length;
  if (n === 0) throw new PetitionInputError(`${label} must not be empty`, field);
  if (n > max) throw new PetitionInputError(`${label} must have at most ${max} characters (got ${n})`, field);
  if (hasControlCharacters(t)) throw new PetitionInputError(`${label} must not contain control characters`, field);
  return t;
}

function checkFlag(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new PetitionInputError(`${field} must be true or false`, field);
  return value;
}

interface CheckedInput {
  channel: Channel;
  category: Category;
  title: string;
  content: string;
  township: string | null;
  urgent: boolean;
  confidential: boolean;
  name: string;
  phone: string;
}

export function checkPetitionInput(input: unknown): CheckedInput {
  if (typeof input !== 'object' || input === null) throw new PetitionInputError('a petition needs channel, category, title, content, petitionerName and petitionerPhone');
  const i = input as Record<string, unknown>;
  if (!(CHANNELS as readonly unknown[]).includes(i.channel)) throw new PetitionInputError(`channel must be one of ${CHANNELS.join(', ')}`, 'channel');
  if (!isCategory(i.category)) throw new PetitionInputError(`category must be one of ${CATEGORIES.join(', ')}`, 'category');
  const title = checkText(i.title, 'title', 'title', LIMITS.title, true);
  const content = checkText(i.content, 'content', 'content', LIMITS.content, false);
  let township: string | null = null;
  if (i.township !== undefined && i.township !== null && i.township !== '') {
    if (typeof i.township !== 'string' || !TOWNSHIP_CODE.test(i.township.trim())) throw new PetitionInputError('township must be a 9- or 12-digit township code', 'township');
    township = i.township.trim();
  }
  const name = checkText(i.petitionerName, 'petitionerName', 'the petitioner’s name', LIMITS.name, true);
  const phone = normalizeMainlandMobile(i.petitionerPhone);
  if (phone === undefined) throw new PetitionInputError('the petitioner’s phone must be a mainland mobile number (11 digits starting 13–19)', 'petitionerPhone');
  return {
    channel: i.channel as Channel,
    category: i.category,
    title,
    content,
    township,
    urgent: checkFlag(i.urgent, 'urgent'),
    confidential: checkFlag(i.confidential, 'confidential'),
    name,
    phone,
  };
}

export function newTrackingCode(): string {
  let code = 'WZ';
  for (let k = 0; k < 8; k++) code += TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)];
  return code;
}

/** a tracking code as typed (lower case, spaces, dashes) in its stored form; undefined when it cannot be one */
export function normalizeTrackingCode(code: unknown): string | undefined {
  if (typeof code !== 'string' || code.length > 40) return undefined;
  const c = code.trim().toUpperCase().replace(/[\s-]/g, '');
  return TRACKING_CODE.test(c) ? c : undefined;
}

const context = (petitionId: string, field: 'name' | 'phone') => `petition:${petitionId}:${field}`;

export function createPetitionsRepository(db: Database, options: PetitionsRepositoryOptions): PetitionsRepository {
  const cipher = createIdentityCipher(options.key);
  const now = () => (options.clock ?? { now: () => new Date() }).now().getTime();
  const audit = createAuditRepository(db, { now });
  const facts = createCaseFactsRepository(db); // the reports' projection, written in each event's transaction
  const COLS = PETITION_COLS;
  const IDENTITY_COLS = 'id, confidential, unit_id, petitioner_name_enc, petitioner_phone_enc';

  async function getRow(id: string, tx?: Transaction): Promise<PetitionRow | undefined> {
    if (typeof id !== 'string' || !ID.test(id)) return undefined;
    const [row] = await select<PetitionRow>(db, `SELECT ${COLS} FROM petitions WHERE id = ?`, [id], tx);
    return row;
  }

  async function identityRow(id: string): Promise<IdentityRow | undefined> {
    if (typeof id !== 'string' || !ID.test(id)) return undefined;
    const [row] = await select<IdentityRow>(db, `SELECT ${IDENTITY_COLS} FROM petitions WHERE id = ?`, [id]);
    return row;
  }

  /** decrypt and log the read together: no identity leaves without its log row */
  async function decryptAndLog(row: IdentityRow, staffId: string, purpose: string): Promise<PetitionerIdentity> {
    const identity = { name: cipher.decrypt(row.petitioner_name_enc, context(row.id, 'name')), phone: cipher.decrypt(row.petitioner_phone_enc, context(row.id, 'phone')) };
    await db.transaction((tx) =>
      insertReturningId(db, 'INSERT INTO identity_access_log (petition_id, staff_id, purpose, at) VALUES (?, ?, ?, ?)', [row.id, staffId, purpose, now()], tx),
    );
    return identity;
  }

  function checkPurpose(purpose: unknown): string {
    if (typeof purpose !== 'string' || !PURPOSE.test(purpose)) throw new PetitionInputError('purpose must be a lower-case word such as "contact-petitioner"', 'purpose');
    return purpose;
  }

  const repo: PetitionsRepository = {
    async create(input, options = {}) {
      const p = checkPetitionInput(input);
      const id = options.id ?? randomUUID();
      if (!ID.test(id)) throw new PetitionInputError('id must be a petition id', 'id');
      const at = now();
      const nameEnc = cipher.encrypt(p.name, context(id, 'name'));
      const phoneEnc = cipher.encrypt(p.phone, context(id, 'phone'));
      const phoneIndex = cipher.phoneIndex(p.phone);
      for (let attempt = 1; ; attempt++) {
        const trackingCode = options.trackingCode ?? newTrackingCode();
        try {
          await withTx(db, options.tx, async (tx) => {
            await db.sequelize.query(
              `INSERT INTO petitions (id, tracking_code, channel, category, urgent, confidential, title, content, township,
                 petitioner_name_enc, petitioner_phone_enc, phone_index, status, unit_id, process_instance_key, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
              {
                replacements: [id, trackingCode, p.channel, p.category, p.urgent, p.confidential, p.title, p.content, p.township, nameEnc, phoneEnc, phoneIndex, INITIAL_STATUS, options.processInstanceKey ?? null, at, at],
                transaction: tx,
                type: QueryTypes.INSERT,
              },
            );
            await facts.received({ petitionId: id, receivedAt: new Date(at), channel: p.channel, category: p.category, township: p.township }, tx);
          });
          return {
            id,
            trackingCode,
            channel: p.channel,
            category: p.category,
            urgent: p.urgent,
            confidential: p.confidential,
            title: p.title,
            content: p.content,
            township: p.township,
            status: INITIAL_STATUS,
            unitId: null,
            processInstanceKey: options.processInstanceKey ?? null,
            mergedInto: null,
            createdAt: new Date(at),
            updatedAt: new Date(at),
          };
        } catch (err) {
          // a tracking code drawn twice (31^8 ≈ 8.5·10^11 codes): draw again (a caller's code: the caller does)
          if (err instanceof UniqueConstraintError && attempt < 5 && !options.trackingCode) continue;
          throw err;
        }
      }
    },

    async get(id, tx) {
      const row = await getRow(id, tx);
      return row && toPetition(row);
    },

    phoneIndex(phone) {
      return cipher.phoneIndex(phone);
    },

    async getMany(ids) {
      const found = new Map<string, Petition>();
      const valid = [...new Set(ids)].filter((id) => typeof id === 'string' && ID.test(id));
      for (let i = 0; i < valid.length; i += 200) {
        const part = valid.slice(i, i + 200);
        const rows = await select<PetitionRow>(db, `SELECT ${COLS} FROM petitions WHERE id IN (${part.map(() => '?').join(', ')})`, part);
        for (const r of rows) found.set(r.id, toPetition(r));
      }
      return found;
    },

    async findByTrackingCode(code) {
      const normalized = normalizeTrackingCode(code);
      if (!normalized) return undefined;
      const [row] = await select<PetitionRow>(db, `SELECT ${COLS} FROM petitions WHERE tracking_code = ?`, [normalized]);
      return row && toPetition(row);
    },

    async findForTracking(code, phone) {
      const normalized = normalizeTrackingCode(code);
      const [row] = await select<PetitionRow>(db, `SELECT ${COLS} FROM petitions WHERE tracking_code = ?`, [normalized ?? 'WZ-NONE']);
      // the same comparison whether or not the code exists: against a value that never matches when it does not
      const matches = cipher.phoneMatches(typeof phone === 'string' ? phone : '', row?.phone_index ?? '~'.repeat(43));
      return row && matches ? toPetition(row) : undefined;
    },

    async list(filter = {}) {
      const { where, params } = unitWhere(filter);
      if (filter.status !== undefined) {
        where.push('status = ?');
        params.push(filter.status);
      }
      const limit = Number.isFinite(filter.limit) ? Math.max(1, Math.min(Math.floor(filter.limit as number), 500)) : 100;
      const offset = Number.isFinite(filter.offset) ? Math.max(0, Math.floor(filter.offset as number)) : 0;
      const rows = await select<PetitionRow>(
        db,
        `SELECT ${COLS} FROM petitions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
        params,
      );
      return rows.map(toPetition);
    },

    async scan(filter, after, limit) {
      const { where, params } = unitWhere(filter);
      if (after) {
        where.push('(created_at < ? OR (created_at = ? AND id < ?))');
        params.push(after.createdAt.getTime(), after.createdAt.getTime(), after.id);
      }
      const n = Math.max(1, Math.min(Math.floor(limit), 5000));
      const rows = await select<PetitionRow>(db, `SELECT ${COLS} FROM petitions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${n}`, params);
      return rows.map(toPetition);
    },

    search(filter, page) {
      return searchPetitions(db, { phoneIndex: (phone) => cipher.phoneIndex(phone), columns: COLS }, filter, page);
    },

    async logIdentityAccess(petitionIds, staffId, purpose) {
      const p = checkPurpose(purpose);
      if (petitionIds.length === 0) return;
      const at = now();
      await db.transaction(async (tx) => {
        for (const id of petitionIds) await insertReturningId(db, 'INSERT INTO identity_access_log (petition_id, staff_id, purpose, at) VALUES (?, ?, ?, ?)', [id, staffId, p, at], tx);
      });
    },

    async listPublic(opts = {}) {
      const limit = Number.isFinite(opts.limit) ? Math.max(1, Math.min(Math.floor(opts.limit as number), 100)) : 20;
      const offset = Number.isFinite(opts.offset) ? Math.max(0, Math.floor(opts.offset as number)) : 0;
      const rows = await select<Pick<PetitionRow, 'id' | 'channel' | 'category' | 'township' | 'status' | 'created_at' | 'updated_at'>>(
        db,
        `SELECT id, channel, category, township, status, created_at, updated_at FROM petitions ORDER BY created_at DESC, id LIMIT ${limit} OFFSET ${offset}`,
      );
      return rows.map((r) => ({
        id: r.id,
        channel: r.channel as Channel,
        category: r.category as Category,
        township: r.township ?? null,
        status: r.status,
        createdAt: toDate(r.created_at),
        updatedAt: toDate(r.updated_at),
      }));
    },

    async setStatus(petitionId, status, outer, context) {
      if (typeof status !== 'string' || !STATUS_PATTERN.test(status)) throw new PetitionInputError('status must be a lower-case word such as "handling"', 'status');
      const at = now();
      const changed = await withTx(db, outer, async (tx) => {
        const n = await exec(db, 'UPDATE petitions SET status = ?, updated_at = ? WHERE id = ? AND status <> ?', [status, at, petitionId, status], tx);
        if (n > 0) await facts.statusChanged(petitionId, status, new Date(at), context, tx);
        return n;
      });
      if (changed > 0) return { changed: true };
      if (!(await getRow(petitionId, outer))) throw new PetitionNotFoundError(petitionId);
      return { changed: false };
    },

    async recordFact(petitionId, fact, outer) {
      const at = new Date(now());
      if (fact.kind === 'accepted') await facts.accepted(petitionId, at, outer);
      else if (fact.kind === 'rated') await facts.rated(petitionId, fact.rating, at, outer);
      else await facts.supervised(petitionId, fact.userTaskKey, fact.item, at, outer);
    },

    async setCoUnits(petitionId, unitIds, outer) {
      if (!Array.isArray(unitIds) || unitIds.some((u) => typeof u !== 'string' || u === '' || u.length > 64)) throw new PetitionInputError('unitIds must be unit ids', 'coUnitIds');
      await withTx(db, outer, async (tx) => {
        if (!(await getRow(petitionId, tx))) throw new PetitionNotFoundError(petitionId);
        const wanted = [...new Set(unitIds)].sort();
        const had = (await select<{ unit_id: string }>(db, 'SELECT unit_id FROM petition_co_units WHERE petition_id = ?', [petitionId], tx)).map((r) => r.unit_id);
        // only what changed: a repeated event writes nothing
        for (const u of had.filter((x) => !wanted.includes(x))) await exec(db, 'DELETE FROM petition_co_units WHERE petition_id = ? AND unit_id = ?', [petitionId, u], tx);
        for (const u of wanted.filter((x) => !had.includes(x))) {
          const [unit] = await select<{ id: string }>(db, 'SELECT id FROM units WHERE id = ?', [u], tx);
          if (!unit) throw new PetitionInputError(`unit ${JSON.stringify(u)} does not exist`, 'coUnitIds');
          await exec(db, 'INSERT INTO petition_co_units (petition_id, unit_id, assigned_at) VALUES (?, ?, ?)', [petitionId, u, now()], tx);
        }
      });
    },

    async coUnits(petitionId, tx) {
      const rows = await select<{ unit_id: string }>(db, 'SELECT unit_id FROM petition_co_units WHERE petition_id = ? ORDER BY unit_id', [petitionId], tx);
      return rows.map((r) => r.unit_id);
    },

    async listWithoutProcess(before, limit) {
      const n = Math.max(1, Math.min(Math.floor(limit), 500));
      const rows = await select<PetitionRow>(db, `SELECT ${COLS} FROM petitions WHERE process_instance_key IS NULL AND created_at < ? ORDER BY created_at, id LIMIT ${n}`, [before.getTime()]);
      return rows.map(toPetition);
    },

    async replaceProcess(petitionId, processInstanceKey, outer) {
      const n = await withTx(db, outer, (tx) => exec(db, 'UPDATE petitions SET process_instance_key = ?, status = ?, updated_at = ? WHERE id = ?', [processInstanceKey, INITIAL_STATUS, now(), petitionId], tx));
      if (n === 0) throw new PetitionNotFoundError(petitionId);
    },

    async linkProcess(petitionId, processInstanceKey, outer) {
      const n = await withTx(db, outer, (tx) =>
        exec(db, 'UPDATE petitions SET process_instance_key = ?, updated_at = ? WHERE id = ? AND process_instance_key IS NULL', [processInstanceKey, now(), petitionId], tx),
      );
      return n === 1;
    },

    async assign(petitionId, unitId, processInstanceKey, outer) {
      if (unitId !== null && (typeof unitId !== 'string' || unitId === '')) throw new PetitionInputError('unitId must be a unit id or null', 'unitId');
      if (processInstanceKey !== undefined && processInstanceKey !== null && (typeof processInstanceKey !== 'string' || processInstanceKey === '' || processInstanceKey.length > 255)) {
        throw new PetitionInputError('processInstanceKey must be a process instance key', 'processInstanceKey');
      }
      await withTx(db, outer, async (tx) => {
        if (unitId !== null) {
          const [unit] = await select<{ active: unknown }>(db, 'SELECT active FROM units WHERE id = ?', [unitId], tx);
          if (!unit) throw new PetitionInputError(`unit ${JSON.stringify(unitId)} does not exist`, 'unitId');
          if (!bool(unit.active)) throw new PetitionInputError(`unit ${JSON.stringify(unitId)} is not active`, 'unitId');
        }
        const changed =
          processInstanceKey === undefined
            ? await exec(db, 'UPDATE petitions SET unit_id = ?, updated_at = ? WHERE id = ?', [unitId, now(), petitionId], tx)
            : await exec(db, 'UPDATE petitions SET unit_id = ?, process_instance_key = ?, updated_at = ? WHERE id = ?', [unitId, processInstanceKey, now(), petitionId], tx);
        if (changed === 0) throw new PetitionNotFoundError(petitionId);
        await facts.assigned(petitionId, unitId, tx);
      });
      const row = await getRow(petitionId, outer);
      if (!row) throw new PetitionNotFoundError(petitionId);
      return toPetition(row);
    },

    async readIdentity(petitionId, reader) {
      if (typeof reader !== 'object' || reader === null) throw new PetitionInputError('readIdentity needs the reader { staffId, purpose, roles, unitId? }');
      const purpose = checkPurpose(reader.purpose);
      const { staffId } = reader;
      if (typeof staffId !== 'string' || !ID.test(staffId) || staffId === SYSTEM_ACTOR || staffId === 'petitioner') {
        throw new PetitionInputError('staffId must be a staff account id', 'staffId');
      }
      const roles = Array.isArray(reader.roles) ? reader.roles : [];
      const row = await identityRow(petitionId);
      if (!row) throw new PetitionNotFoundError(petitionId);

      let denial: IdentityDenialReason | undefined;
      if (!hasIdentityRole(roles)) {
        if (!hasUnitRole(roles)) denial = 'no-role';
        else if (typeof reader.unitId !== 'string' || row.unit_id === null || row.unit_id !== reader.unitId) denial = 'not-assigned';
        else if (bool(row.confidential)) denial = 'confidential';
      }
      if (denial) {
        await audit.append({ actor: staffId, action: 'identity.read-denied', petitionId: row.id, detail: { reason: denial, purpose } });
        throw new IdentityAccessDenied(row.id, denial);
      }
      return decryptAndLog(row, staffId, purpose);
    },

    async readIdentityAsSystem(petitionId, purpose, actor = SYSTEM_ACTOR) {
      const p = checkPurpose(purpose);
      const row = await identityRow(petitionId);
      return row && decryptAndLog(row, actor, p);
    },

    async identityAccessLog(petitionId) {
      const rows = await select<{ id: number | string; petition_id: string; staff_id: string; purpose: string; at: number | string }>(
        db,
        'SELECT id, petition_id, staff_id, purpose, at FROM identity_access_log WHERE petition_id = ? ORDER BY id',
        [petitionId],
      );
      return rows.map((r) => ({ id: Number(r.id), petitionId: r.petition_id, staffId: r.staff_id, purpose: r.purpose, at: toDate(r.at) }));
    },
  };
  return repo;
}
