/**
 * Issue 18 on Zeebe's order of writes (the app's row commits first, then the broker's command): an
 * engine with that order stands in for the Zeebe adapter. A cancel the broker refuses leaves its item
 * failed, not done; a process that dies between an item's commit and its cancel is finished at the
 * next start (the start-up recheck of the items done last), with no instance canceled twice.
 * SQLite and MariaDB (the batch tables are real).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { EnginePort, InstanceState, ProcessInstance } from '../../../engine/port.js';
import { ConflictError } from '../../../engine/errors.js';
import { createDatabase, type Database } from '../../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../../engine/test/harness.js';
import { migrationsFor } from '../../engine-setup.js';
import { createAuditRepository } from '../../data/audit-repository.js';
import { createBatchesRepository } from '../../data/batches-repository.js';
import { createBatchService } from '../../services/batch-service.js';
import type { InstanceSummary } from '../../services/inspector-service.js';

const silent = { info() {}, warn() {}, error() {} };

/** instances in memory; cancel commits the app's writes first, then "sends" the command */
function zeebeOrderedEngine(db: Database, keys: string[]) {
  const states = new Map<string, InstanceState>(keys.map((k) => [k, 'active']));
  const cancels = new Map<string, number>();
  const behaviour: { refuse?: string; hangAfterCommit?: string } = {};
  const engine = {
    async getProcessInstance(key: string) {
      const state = states.get(key);
      return state && ({ processInstanceKey: key, processId: 'p', version: 1, state, variables: {}, startedAt: new Date() } as unknown as ProcessInstance);
    },
    async cancel(key: string, options: { transactional?: (tx: never) => Promise<void> } = {}) {
      if (options.transactional) await db.transaction((tx) => options.transactional!(tx as never));
      if (behaviour.refuse === key) throw new Error('broker unavailable');
      if (behaviour.hangAfterCommit === key) return new Promise<void>(() => undefined);
      if (states.get(key) !== 'active') throw new ConflictError(`process instance ${key} is not active`);
      states.set(key, 'canceled');
      cancels.set(key, (cancels.get(key) ?? 0) + 1);
    },
  };
  return { engine: engine as unknown as EnginePort, states, cancels, behaviour };
}

const inspectorOf = (keys: string[]) => ({
  async list(q: { page?: string }): Promise<InstanceSummary[]> {
    const page = Number(q.page ?? 1);
    return keys.slice((page - 1) * 50, page * 50).map((k) => ({ processInstanceKey: k }) as InstanceSummary);
  },
});

async function until(what: string, done: () => Promise<boolean>) {
  const end = Date.now() + 30_000;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('批量操作按 Zeebe 的写入顺序(先提交应用记录,再发命令)', () => {
  let target: { url: string; drop(): Promise<void> };
  let db: Database;
  beforeAll(async () => {
    target = await openTestDatabase();
    db = await createDatabase({ url: target.url, migrations: migrationsFor({ engine: 'embedded' }) });
    await db.migrate();
  });
  afterAll(async () => {
    await db.close();
    await target.drop();
  });

  it('given a cancel the broker refuses, then that item is failed with the reason and the others are done', async () => {
    const keys = Array.from({ length: 6 }, (_, i) => `z1-${i}`);
    const z = zeebeOrderedEngine(db, keys);
    z.behaviour.refuse = 'z1-2';
    const repo = createBatchesRepository(db);
    const service = createBatchService({ db, repo, audit: createAuditRepository(db), engine: z.engine, inspector: inspectorOf(keys), log: silent, pageSize: 4 });
    const b = await service.create('modeler', { kind: 'cancel', filter: { processId: 'p' }, reason: '测试' });
    await service.idle();
    const done = await service.get(b.id);
    expect(done).toMatchObject({ state: 'done', counts: { pending: 0, done: 5, failed: 1, skipped: 0 } });
    expect(done.items.find((i) => i.processInstanceKey === 'z1-2')).toMatchObject({ state: 'failed', error: 'broker unavailable' });
    expect(z.states.get('z1-2')).toBe('active');
  });

  it('given a process that dies between an item’s commit and its cancel, when the service starts again, then that instance is canceled, the batch finishes and no instance is canceled twice', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `z2-${i}`);
    const z = zeebeOrderedEngine(db, keys);
    z.behaviour.hangAfterCommit = 'z2-5';
    const repo = createBatchesRepository(db);
    const before = createBatchService({ db, repo, audit: createAuditRepository(db), engine: z.engine, inspector: inspectorOf(keys), log: silent, pageSize: 4 });
    const b = await before.create('modeler', { kind: 'cancel', filter: { processId: 'p' }, reason: '测试' });
    // the first process "dies" in the cancel of z2-5: its item committed, the command never went out
    await until('the item committed before the cancel', async () => (await repo.items(b.id, { state: 'done' })).some((i) => i.processInstanceKey === 'z2-5'));
    expect(z.states.get('z2-5')).toBe('active');

    delete z.behaviour.hangAfterCommit;
    const after = createBatchService({ db, repo, audit: createAuditRepository(db), engine: z.engine, inspector: inspectorOf(keys), log: silent, pageSize: 4 });
    expect(await after.resumeRunning()).toBe(1);
    await after.idle();
    expect((await after.get(b.id)).counts).toEqual({ pending: 0, done: 10, failed: 0, skipped: 0 });
    for (const k of keys) expect([k, z.cancels.get(k)]).toEqual([k, 1]);
  });
});
