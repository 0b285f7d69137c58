/**
 * The audit log (table `audit_log`, migration 0301; issue 4: "an append-only audit log of who did
 * what to which case"). The repository can only append and read: there is no update or delete.
 * (On MySQL/MariaDB a deployment may also grant the app's user only INSERT and SELECT on this
 * table.) `detail` is a JSON object without personal data — a value that looks like a phone, an ID
 * number or an e-mail address, or a key such as `phone` or `name`, is refused.
 */
import { looksPersonal } from '../../regulation/masking.js';
import type { Transaction } from 'sequelize';
import { insertReturningId, select, toDate, withTx, type Database } from './sql.js';

/** a staff account id, or one of the actors that are not staff */
export type AuditActor = string;
export const PETITIONER_ACTOR = 'petitioner';
export const SYSTEM_ACTOR = 'system';

export interface AuditEntry {
  /** the staff account id, `petitioner` or `system` */
  actor: AuditActor;
  /** what was done, e.g. `petition.submitted`, `task.completed`, `identity.read-denied` */
  action: string;
  petitionId?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditRecord {
  id: number;
  actor: AuditActor;
  action: string;
  petitionId: string | null;
  detail: Record<string, unknown> | null;
  at: Date;
}

export class AuditInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditInputError';
  }
}

export interface AuditRepository {
  /** in the caller's transaction when given: the entry commits with what it records */
  append(entry: AuditEntry, tx?: Transaction): Promise<AuditRecord>;
  /** a case's entries, oldest first */
  listByPetition(petitionId: string): Promise<AuditRecord[]>;
  /** entries, newest first, optionally of one actor or action; `beforeId` pages back */
  list(filter?: { actor?: string; action?: string; beforeId?: number; limit?: number }): Promise<AuditRecord[]>;
}

const ACTOR = /^[a-z][a-z0-9._:-]{0,63}$/;
const ACTION = /^[a-z][a-z0-9._-]{0,63}$/;
const ID = /^[\w.:-]{1,64}$/;
const PERSONAL_KEYS = /^(phone|mobile|tel|telephone|name|petitionerName|petitionerPhone|idNumber|idCard|address|email)$/i;
const MAX_DETAIL = 16_000;

function checkDetail(value: unknown, path: string, depth: number): void {
  if (depth > 8) throw new AuditInputError('audit detail is nested too deeply');
  if (typeof value === 'string') {
    if (looksPersonal(value)) throw new AuditInputError(`audit detail must not carry personal data (${path} looks like a phone, ID number or e-mail)`);
    return;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkDetail(v, `${path}[${i}]`, depth + 1));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (PERSONAL_KEYS.test(k)) throw new AuditInputError(`audit detail must not carry personal data (field ${path}.${k})`);
      checkDetail(v, `${path}.${k}`, depth + 1);
    }
    return;
  }
  throw new AuditInputError(`audit detail ${path} is not JSON`);
}

interface AuditRow {
  id: number | string;
  actor: string;
  action: string;
  petition_id: string | null;
  detail: string | null;
  at: number | string;
}

function toRecord(r: AuditRow): AuditRecord {
  let detail: Record<string, unknown> | null = null;
  if (r.detail !== null && r.detail !== '') {
    try {
      detail = JSON.parse(r.detail) as Record<string, unknown>;
    } catch {
      detail = null;
    }
  }
  return { id: Number(r.id), actor: r.actor, action: r.action, petitionId: r.petition_id ?? null, detail, at: toDate(r.at) };
}

export function createAuditRepository(db: Database, options: { now?: () => number } = {}): AuditRepository {
  const now = options.now ?? Date.now;
  const COLS = 'id, actor, action, petition_id, detail, at';

  return {
    async append(entry, tx) {
      if (typeof entry !== 'object' || entry === null) throw new AuditInputError('append needs { actor, action, petitionId?, detail? }');
      const { actor, action } = entry;
      if (typeof actor !== 'string' || !ACTOR.test(actor)) throw new AuditInputError('actor must be a staff account id, "petitioner" or "system"');
      if (typeof action !== 'string' || !ACTION.test(action)) throw new AuditInputError('action must be a lower-case word such as "petition.submitted"');
      const petitionId = entry.petitionId ?? null;
      if (petitionId !== null && (typeof petitionId !== 'string' || !ID.test(petitionId))) throw new AuditInputError('petitionId must be a petition id');
      const detail = entry.detail ?? null;
      if (detail !== null && (typeof detail !== 'object' || Array.isArray(detail))) throw new AuditInputError('detail must be an object');
      if (detail !== null) checkDetail(detail, 'detail', 0);
      const json = detail === null ? null : JSON.stringify(detail);
      if (json !== null && json.length > MAX_DETAIL) throw new AuditInputError(`audit detail is longer than ${MAX_DETAIL} characters`);
      const at = now();
      const id = await withTx(db, tx, (t) =>
        insertReturningId(db, 'INSERT INTO audit_log (actor, action, petition_id, detail, at) VALUES (?, ?, ?, ?, ?)', [actor, action, petitionId, json, at], t),
      );
      return { id, actor, action, petitionId, detail: json === null ? null : (JSON.parse(json) as Record<string, unknown>), at: new Date(at) };
    },

    async listByPetition(petitionId) {
      const rows = await select<AuditRow>(db, `SELECT ${COLS} FROM audit_log WHERE petition_id = ? ORDER BY id`, [petitionId]);
      return rows.map(toRecord);
    },

    async list(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.actor !== undefined) {
        where.push('actor = ?');
        params.push(filter.actor);
      }
      if (filter.action !== undefined) {
        where.push('action = ?');
        params.push(filter.action);
      }
      if (filter.beforeId !== undefined) {
        where.push('id < ?');
        params.push(filter.beforeId);
      }
      const limit = Number.isFinite(filter.limit) ? Math.max(1, Math.min(Math.floor(filter.limit as number), 1000)) : 100;
      const rows = await select<AuditRow>(db, `SELECT ${COLS} FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`, params);
      return rows.map(toRecord);
    },
  };
}
