/**
 * Staff sessions (table `sessions`, migration 0402). The cookie carries 32 random bytes; the table
 * keeps their SHA-256. A session ends at its absolute expiry, after `idleMs` without a request, or
 * at sign-out; `touch` moves `last_seen_at` at most once a minute (a write per request would queue
 * behind every SQLite transaction).
 */
import { createHash, randomBytes } from 'node:crypto';
import { exec, select, type Database } from './sql.js';

export interface SessionRecord {
  staffId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface SessionsRepository {
  /** a new session for the account: answers the cookie value (never stored) */
  create(staffId: string): Promise<{ token: string; expiresAt: Date }>;
  /** the live session of a cookie value, undefined when unknown, expired or idle too long */
  find(token: string): Promise<SessionRecord | undefined>;
  destroy(token: string): Promise<void>;
  /** every session of an account (a password change, a disabled account) */
  destroyForStaff(staffId: string): Promise<number>;
  /** remove expired rows */
  sweep(): Promise<number>;
}

export interface SessionsOptions {
  now?: () => number;
  /** absolute lifetime (default 12 h) */
  ttlMs?: number;
  /** ends after this long without a request (default 2 h) */
  idleMs?: number;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createSessionsRepository(db: Database, options: SessionsOptions = {}): SessionsRepository {
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? 12 * 3600_000;
  const idle = options.idleMs ?? 2 * 3600_000;
  return {
    async create(staffId) {
      const token = randomBytes(32).toString('base64url');
      const at = now();
      await db.transaction((tx) =>
        exec(db, 'INSERT INTO sessions (id_hash, staff_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)', [hashToken(token), staffId, at, at, at + ttl], tx),
      );
      return { token, expiresAt: new Date(at + ttl) };
    },
    async find(token) {
      if (typeof token !== 'string' || !TOKEN.test(token)) return undefined;
      const id = hashToken(token);
      const [row] = await select<{ staff_id: string; created_at: unknown; last_seen_at: unknown; expires_at: unknown }>(
        db,
        'SELECT staff_id, created_at, last_seen_at, expires_at FROM sessions WHERE id_hash = ?',
        [id],
      );
      if (!row) return undefined;
      const at = now();
      const lastSeen = Number(row.last_seen_at);
      if (Number(row.expires_at) <= at || lastSeen + idle <= at) {
        await db.transaction((tx) => exec(db, 'DELETE FROM sessions WHERE id_hash = ?', [id], tx));
        return undefined;
      }
      if (at - lastSeen > 60_000) await db.transaction((tx) => exec(db, 'UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?', [at, id], tx));
      return { staffId: row.staff_id, createdAt: new Date(Number(row.created_at)), lastSeenAt: new Date(Math.max(at, lastSeen)), expiresAt: new Date(Number(row.expires_at)) };
    },
    async destroy(token) {
      if (typeof token !== 'string' || !TOKEN.test(token)) return;
      await db.transaction((tx) => exec(db, 'DELETE FROM sessions WHERE id_hash = ?', [hashToken(token)], tx));
    },
    destroyForStaff: (staffId) => db.transaction((tx) => exec(db, 'DELETE FROM sessions WHERE staff_id = ?', [staffId], tx)),
    sweep: () => db.transaction((tx) => exec(db, 'DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?', [now(), now() - idle], tx)),
  };
}
