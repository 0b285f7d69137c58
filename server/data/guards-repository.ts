/**
 * The portal's guards in the database (migration 0801-portal-guards), shared by every app process:
 * - `createRateLimitStore`: an express-rate-limit store — a client's hits per limiter and window
 *   (`rate_limit_hits`); the count is one atomic UPDATE, so two processes never lose a hit;
 * - `createChallengeUses`: a challenge token's signature is taken once (`challenge_uses`), by
 *   whichever process sees the answer first.
 * Rows past their window or expiry are removed now and then by the writes themselves, in a
 * transaction of their own after the write: a sweep's range lock over the `reset_at` index taken inside a
 * hit's transaction met another process's hit on the same row in the opposite order (a deadlock on
 * MariaDB, answered as an HTTP 500 to a citizen). A write the database rolled back as a deadlock or a
 * lock-wait timeout is done again (it is the whole transaction); a sweep that meets one is left to
 * the next.
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import { isTransient, retryTransient } from '../../engine/embedded/transient.js';
import { exec, insertIfAbsent, select, type Database } from './sql.js';

/** one in this many writes is followed by removing what has expired */
const SWEEP_EVERY = 200;

/** remove what has expired, in its own transaction; a transient failure leaves it to the next sweep */
async function sweep(db: Database, sql: string, t: number): Promise<void> {
  try {
    await db.transaction((tx) => exec(db, sql, [t], tx));
  } catch (err) {
    if (!isTransient(err)) throw err;
  }
}

export function createRateLimitStore(db: Database, deps: { name: string; now?: () => number; sweepEvery?: number }): Store {
  const now = deps.now ?? Date.now;
  const sweepEvery = deps.sweepEvery ?? SWEEP_EVERY;
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
      const t = now();
      const info = await retryTransient(() =>
        db.transaction(async (tx) => {
          // hits before reset_at: MySQL assigns left to right, so both CASEs read the old reset_at
          const bump = () => exec(db, 'UPDATE rate_limit_hits SET hits = CASE WHEN reset_at <= ? THEN 1 ELSE hits + 1 END, reset_at = CASE WHEN reset_at <= ? THEN ? ELSE reset_at END WHERE client_key = ?', [t, t, t + windowMs, k], tx);
          if ((await bump()) === 0 && !(await insertIfAbsent(db, 'rate_limit_hits', { client_key: k, hits: 1, reset_at: t + windowMs }, tx))) await bump();
          const [row] = await select<{ hits: number | string; reset_at: number | string }>(db, 'SELECT hits, reset_at FROM rate_limit_hits WHERE client_key = ?', [k], tx);
          return { totalHits: Number(row?.hits ?? 1), resetTime: new Date(Number(row?.reset_at ?? t + windowMs)) };
        }),
      );
      if (++writes % sweepEvery === 0) await sweep(db, 'DELETE FROM rate_limit_hits WHERE reset_at < ?', t);
      return info;
    },
    async decrement(key: string) {
      await retryTransient(() => db.transaction((tx) => exec(db, 'UPDATE rate_limit_hits SET hits = hits - 1 WHERE client_key = ? AND hits > 0', [keyOf(key)], tx)));
    },
    async resetKey(key: string) {
      await retryTransient(() => db.transaction((tx) => exec(db, 'DELETE FROM rate_limit_hits WHERE client_key = ?', [keyOf(key)], tx)));
    },
  };
}

export interface ChallengeUses {
  /** true the first time a signature is used (in any process); false after */
  useOnce(signature: string, expiresAt: number): Promise<boolean>;
}

export function createChallengeUses(db: Database, deps: { now?: () => number; sweepEvery?: number } = {}): ChallengeUses {
  const now = deps.now ?? Date.now;
  const sweepEvery = deps.sweepEvery ?? SWEEP_EVERY;
  let writes = 0;
  return {
    async useOnce(signature, expiresAt) {
      // a retry after a deadlock is the same insert: the first to commit the signature has it
      const first = await retryTransient(() => db.transaction((tx) => insertIfAbsent(db, 'challenge_uses', { signature, expires_at: expiresAt }, tx)));
      if (++writes % sweepEvery === 0) await sweep(db, 'DELETE FROM challenge_uses WHERE expires_at <= ?', now());
      return first;
    },
  };
}
