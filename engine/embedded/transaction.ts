/**
 * One engine transaction: a permit first (MySQL/MariaDB: at most maxTransactions open at once), the
 * after-commit effects once it committed, the in-memory undos when it rolled back.
 */
import type { Core } from './core.js';
import type { Ctx } from './ctx.js';

export async function inTx<T>(core: Core, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const effects: (() => void)[] = [];
  const rollbacks: (() => void)[] = [];
  let result: T;
  // a permit: a free one, or handed over by a transaction that ends
  if (core.txOpen < core.txPermits) core.txOpen++;
  else await new Promise<void>((resolve) => core.txWaiting.push(resolve));
  try {
    result = await core.db.transaction((tx) => fn({ tx, effects, rollbacks }));
  } catch (err) {
    for (const undo of rollbacks) undo();
    throw err;
  } finally {
    const next = core.txWaiting.shift();
    if (next) next();
    else core.txOpen--;
  }
  for (const effect of effects) {
    try {
      effect();
    } catch (err) {
      core.log.error({ err }, 'after-commit effect failed');
    }
  }
  return result;
}
