/**
 * Database answers that mean "nothing was done, do it again": a deadlock or a lock-wait timeout on
 * MySQL/MariaDB (the engine's transaction is rolled back whole by the caller), a busy or locked
 * SQLite file (another process holds the write lock past busy_timeout). Several engines on one
 * database (the app and `npm run workers` processes) meet them under load; a job's transaction
 * that failed so is retried rather than left locked until its timeout.
 */

const CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
const ERRNOS = new Set([1213, 1205]);

export function isTransient(err: unknown): boolean {
  // Sequelize wraps the driver's error as `parent` / `original`
  for (let e = err as Record<string, unknown> | undefined, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    if (typeof e.code === 'string' && CODES.has(e.code)) return true;
    if (typeof e.errno === 'number' && ERRNOS.has(e.errno)) return true;
    if (typeof e.message === 'string' && /SQLITE_BUSY|SQLITE_LOCKED|Deadlock found|Lock wait timeout exceeded/.test(e.message)) return true;
    e = (e.parent ?? e.original) as Record<string, unknown> | undefined;
  }
  return false;
}

/** how long to wait before attempt n+1: short and spread, so two losers do not collide again */
export function transientBackoff(attempt: number): number {
  return Math.min(1_000, 10 * 2 ** attempt) * (0.5 + Math.random());
}

/**
 * `fn` again while the database answers with a transient error, up to `attempts` times; `fn` must
 * be a whole transaction (its rollback undid everything it did).
 */
export async function retryTransient<T>(fn: () => Promise<T>, options: { attempts?: number; onRetry?: (err: unknown, attempt: number) => void } = {}): Promise<T> {
  const attempts = options.attempts ?? 8;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || attempt >= attempts) throw err;
      options.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, transientBackoff(attempt)));
    }
  }
}
