/**
 * The portal's guards in the database (migration 0801-portal-guards), shared by every app process:
 * - `createRateLimitStore`: an express-rate-limit store — a client's hits per limiter and window
 *   (`rate_limit_hits`); the count is one atomic UPDATE, so two processes never lose a hit;
 * - `createChallengeUses`: a challenge token's signature is taken once (`challenge_uses`), by
 *   whichever process sees the answer first.
 * Rows past their window or expiry are removed now and then by the writes themselves.
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { exec, insertIfAbsent, select, type Database } from './sql.js';

/** one in this many writes also removes what has expired */
const SWEEP_EVERY = 200;

export function createRateLimitStore(db: Database, deps: { name: string; now?: () => number }): Store {
  const now = deps.now ?? Date.now;
  let windowMs = 60_000;
  let writes = 0;
  const keyOf = (key: string) => `${deps.name}:${key}`.slice(0, 191);
  return {
    // the limiter's own options: its window
    init(options: Options) {
      windowMs = options.windowMs;
    },
    async increment(key: string): Promise<ClientRateLimitInfo> {
      const k = keyOf(key);
      return db.transaction(async (tx) => {
        const t = now();
        if (++writes % SWEEP_EVERY === 0) await exec(db, 'DELETE FROM rate_limit_hits WHERE reset_at < ?', [t], tx);
        // hits before reset_at: MySQL assigns left to right, so both CASEs read the old reset_at
        const bump = () => exec(db, 'UPDATE rate_limit_hits SET hits = CASE WHEN reset_at <= ? THEN 1 ELSE hits + 1 END, reset_at = CASE WHEN reset_at <= ? THEN ? ELSE reset_at END WHERE client_key = ?', [t, t, t + windowMs, k], tx);
        if ((await bump()) === 0 && !(await insertIfAbsent(db, 'rate_limit_hits', { client_key: k, hits: 1, reset_at: t + windowMs }, tx))) await bump();
        const [row] = await select<{ hits: number | string; reset_at: number | string }>(db, 'SELECT hits, reset_at FROM rate_limit_hits WHERE client_key = ?', [k], tx);
        return { totalHits: Number(row?.hits ?? 1), resetTime: new Date(Number(row?.reset_at ?? t + windowMs)) };
      });
    },
    async decrement(key: string) {
      await db.transaction((tx) => exec(db, 'UPDATE rate_limit_hits SET hits = hits - 1 WHERE client_key = ? AND hits > 0', [keyOf(key)], tx));
    },
    async resetKey(key: string) {
      await db.transaction((tx) => exec(db, 'DELETE FROM rate_limit_hits WHERE client_key = ?', [keyOf(key)], tx));
    },
  };
}

export interface ChallengeUses {
  /** true the first time a signature is used (in any process); false after */
  useOnce(signature: string, expiresAt: number): Promise<boolean>;
}

export function createChallengeUses(db: Database, deps: { now?: () => number } = {}): ChallengeUses {
  const now = deps.now ?? Date.now;
  let writes = 0;
  return {
    useOnce(signature, expiresAt) {
      return db.transaction(async (tx) => {
        if (++writes % SWEEP_EVERY === 0) await exec(db, 'DELETE FROM challenge_uses WHERE expires_at <= ?', [now()], tx);
        return insertIfAbsent(db, 'challenge_uses', { signature, expires_at: expiresAt }, tx);
      });
    },
  };
}
