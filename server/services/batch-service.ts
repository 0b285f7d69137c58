/**
 * Batch operations over the inspector's filter (issue 18): a process admin names a kind (cancel,
 * set-variables …), a filter as the inspector lists instances, parameters and a reason. The filter
 * is resolved once and its instances become the batch's items; a runner works them in small pages
 * in the background, re-reading the batch's state between pages (so a pause or a cancel takes
 * effect there), and the app starts it again at start-up for every running batch — a restart goes
 * on with the pending items, and an item is finished once (see BatchKind). One audit entry per
 * change of a batch's state; each instance's outcome is its item's row.
 */
import type { Logger } from 'pino';
import type { EnginePort } from '../../engine/port.js';
import { AuditInputError, type AuditRepository } from '../data/audit-repository.js';
import type { BatchesRepository, BatchRecord, BatchState, ItemState } from '../data/batches-repository.js';
import type { Database } from '../data/sql.js';
import { HttpError } from '../http-error.js';
import { DEFAULT_KINDS, ItemTaken, type BatchKind } from './batch-kinds.js';
import type { InspectorFilter, InspectorService } from './inspector-service.js';

/** the inspector's filter fields a batch takes (its page is the batch's business) */
const FILTER_FIELDS = ['processId', 'version', 'state', 'unitId', 'category', 'overdue', 'from', 'to'] as const;
/** the inspector lists 50 a page and scans at most 5,000 instances */
const LIST_PAGE = 50;
export const MAX_BATCH_ITEMS = 5_000;

export interface BatchInput {
  kind?: unknown;
  filter?: unknown;
  params?: unknown;
  reason?: unknown;
}

export interface BatchServiceDeps {
  db: Database;
  repo: BatchesRepository;
  audit: AuditRepository;
  engine: EnginePort;
  inspector: Pick<InspectorService, 'list'>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  kinds?: Record<string, BatchKind>;
  /** instances per page (default 25) */
  pageSize?: number;
  /** awaited before each page (tests hold a batch between pages with it) */
  beforePage?: (batchId: string) => Promise<void>;
}

const bad = (field: string, message: string) => new HttpError(400, 'INVALID_INPUT', message, [{ field, message }]);

export function createBatchService(deps: BatchServiceDeps) {
  const { repo, audit, engine, log } = deps;
  const kinds = deps.kinds ?? DEFAULT_KINDS;
  const pageSize = deps.pageSize ?? 25;
  const loops = new Map<string, Promise<void>>();
  /** batches resumed while their loop was on its way out: started again when it ends */
  const again = new Set<string>();
  let stopping = false;

  function parseFilter(raw: unknown): InspectorFilter {
    if (raw === undefined || raw === null) return {};
    if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('filter', '筛选条件须为对象');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (!(FILTER_FIELDS as readonly string[]).includes(k)) throw bad(`filter.${k}`, `不支持的筛选条件 ${k}`);
      if (v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string' && typeof v !== 'number') throw bad(`filter.${k}`, '须为文字或数字');
      out[k] = String(v).trim();
    }
    return out;
  }

  /** every instance the inspector lists for the filter, in its order (400 when none or too many) */
  async function resolve(filter: InspectorFilter): Promise<string[]> {
    const keys: string[] = [];
    for (let page = 1; ; page++) {
      const rows = await deps.inspector.list({ ...filter, page: String(page) });
      keys.push(...rows.map((r) => r.processInstanceKey));
      if (keys.length > MAX_BATCH_ITEMS) throw bad('filter', `符合条件的实例超过 ${MAX_BATCH_ITEMS} 个,请缩小筛选范围`);
      if (rows.length < LIST_PAGE) break;
    }
    if (!keys.length) throw bad('filter', '没有符合筛选条件的实例');
    return [...new Set(keys)];
  }

  async function changeState(actor: string, id: string, to: BatchState, from: BatchState[], action: string, extra: Record<string, unknown> = {}): Promise<BatchRecord> {
    const batch = await repo.get(id);
    if (!batch) throw new HttpError(404, 'NOT_FOUND', '未找到该批量操作');
    const changed = await deps.db.transaction(async (tx) => {
      if (!(await repo.setState(id, to, from, tx))) return false;
      if (to === 'canceled') await repo.skipPending(id, tx);
      await audit.append({ actor, action, detail: { batchId: id, kind: batch.kind, from: batch.state, to, ...extra } }, tx);
      return true;
    });
    if (!changed) throw new HttpError(409, 'CONFLICT', `批量操作当前为「${STATE_LABELS[batch.state]}」,不能${ACTION_LABELS[action] ?? '变更'}`);
    return (await repo.get(id))!;
  }

  async function applyOne(batch: BatchRecord, kind: BatchKind, key: string) {
    const finish = (outcome: Parameters<typeof repo.finishItem>[2], tx?: Parameters<typeof repo.finishItem>[3]) => repo.finishItem(batch.id, key, outcome, tx);
    try {
      await kind.apply(key, batch.params, { engine, batchId: batch.id, reason: batch.reason, finish, redo: (outcome) => repo.redoItem(batch.id, key, outcome) });
    } catch (err) {
      if (err instanceof ItemTaken) return;
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ batchId: batch.id, processInstanceKey: key, err: message }, 'batch item failed');
      await finish({ state: 'failed', error: message });
    }
  }

  /** work a batch until it is done, paused, canceled, or the service stops */
  function work(id: string) {
    if (stopping) return;
    if (loops.has(id)) {
      again.add(id);
      return;
    }
    const loop = (async () => {
      try {
        for (;;) {
          if (deps.beforePage) await deps.beforePage(id);
          if (stopping) return;
          const batch = await repo.get(id);
          if (!batch || batch.state !== 'running') return;
          const kind = kinds[batch.kind];
          if (!kind) {
            log.error({ batchId: id, kind: batch.kind }, 'batch of an unknown kind: left running');
            return;
          }
          const keys = await repo.nextPending(id, pageSize);
          if (!keys.length) {
            await deps.db.transaction(async (tx) => {
              if (!(await repo.setState(id, 'done', ['running'], tx))) return;
              const done = (await repo.get(id, tx))!;
              await audit.append({ actor: 'system', action: 'batch.done', detail: { batchId: id, kind: batch.kind, total: done.total, ...done.counts } }, tx);
            });
            log.info({ batchId: id }, 'batch done');
            return;
          }
          for (const key of keys) {
            if (stopping) return;
            await applyOne(batch, kind, key);
          }
        }
      } catch (err) {
        log.error({ err, batchId: id }, 'batch runner stopped on an error; it goes on at the next start');
      } finally {
        loops.delete(id);
        if (again.delete(id)) work(id);
      }
    })();
    loops.set(id, loop);
  }

  return {
    kinds: () => Object.entries(kinds).map(([name, k]) => ({ name, label: k.label })),

    /** check everything, list the instances, store the batch with its items and start it */
    async create(actor: string, input: BatchInput): Promise<BatchRecord> {
      const kindName = typeof input.kind === 'string' ? input.kind : '';
      const kind = kinds[kindName];
      if (!kind) throw bad('kind', `操作类型须为 ${Object.keys(kinds).join('、')} 之一`);
      const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
      if (!reason) throw bad('reason', '须填写操作原因');
      if (reason.length > 500) throw bad('reason', '操作原因不超过 500 字');
      const params = await kind.params(input.params, engine);
      const filter = parseFilter(input.filter);
      const keys = await resolve(filter);
      const id = await deps.db
        .transaction(async (tx) => {
          const made = await repo.create({ kind: kindName, params, filter: filter as Record<string, string>, reason, createdBy: actor, keys }, tx);
          await audit.append({ actor, action: 'batch.created', detail: { batchId: made, kind: kindName, total: keys.length, filter: { ...filter }, reason } }, tx);
          return made;
        })
        .catch((err) => {
          // the audit log takes no personal data: a reason carrying a phone number is refused, nothing stored
          if (err instanceof AuditInputError) throw bad('reason', '操作原因不得含电话、身份证号等个人信息');
          throw err;
        });
      log.info({ batchId: id, kind: kindName, total: keys.length }, 'batch created');
      work(id);
      return (await repo.get(id))!;
    },

    list: () => repo.list(),

    /** a batch with its progress and a page of its items' outcomes */
    async get(id: string, page: { offset?: number; limit?: number; state?: ItemState } = {}) {
      const batch = await repo.get(id);
      if (!batch) throw new HttpError(404, 'NOT_FOUND', '未找到该批量操作');
      return { ...batch, items: await repo.items(id, page) };
    },

    pause: (actor: string, id: string) => changeState(actor, id, 'paused', ['running'], 'batch.paused'),
    async resume(actor: string, id: string) {
      const b = await changeState(actor, id, 'running', ['paused'], 'batch.resumed');
      work(id);
      return b;
    },
    cancel: (actor: string, id: string) => changeState(actor, id, 'canceled', ['running', 'paused'], 'batch.canceled'),

    /**
     * start-up: the items each unfinished batch finished last are rechecked (a crash after an item's
     * commit and before the engine's change, on Zeebe), then every running batch goes on in the background
     */
    async resumeRunning(): Promise<number> {
      const ids = await repo.idsInState('running');
      for (const id of [...ids, ...(await repo.idsInState('paused'))]) {
        const batch = await repo.get(id);
        const kind = batch && kinds[batch.kind];
        if (!batch || !kind?.recheck) continue;
        for (const item of await repo.lastDone(id, pageSize)) {
          try {
            if (await kind.recheck(item.processInstanceKey, batch.params, engine)) log.warn({ batchId: id, processInstanceKey: item.processInstanceKey }, 'a batch item done before a crash had no effect yet: finished now');
          } catch (err) {
            log.error({ err, batchId: id, processInstanceKey: item.processInstanceKey }, 'rechecking a batch item failed');
          }
        }
      }
      for (const id of ids) work(id);
      if (ids.length) log.info({ batches: ids.length }, 'running batches resumed');
      return ids.length;
    },

    /** resolves when no batch is being worked in this process */
    async idle(): Promise<void> {
      while (loops.size) await Promise.all([...loops.values()]);
    },

    /** stop after the item in hand (shutdown); the batches stay running for the next start */
    async stop(): Promise<void> {
      stopping = true;
      await Promise.all([...loops.values()]);
    },
  };
}

export type BatchService = ReturnType<typeof createBatchService>;

export const STATE_LABELS: Record<BatchState, string> = { running: '进行中', paused: '已暂停', done: '已完成', canceled: '已取消' };
const ACTION_LABELS: Record<string, string> = { 'batch.paused': '暂停', 'batch.resumed': '继续', 'batch.canceled': '取消' };
