/**
 * The external tasks the app's /engine-rest saw locked (issue 19), for a moment: a remote job makes a
 * few calls about its task — its store calls through the worker services, then its completion — and
 * each must know the task's lock holder, topic and case. Read once, they serve the job's next calls
 * for up to `ttlMs` and never past the lock's expiry; a completion, failure, BPMN error or unlock
 * through this app drops the entry. Another process can take the task only once the lock ran out,
 * so within the lock what was read stays true — except a cancellation of the case, which a call in
 * that window does not see (its writes are idempotent, as every remote write is).
 */
import type { LockedExternalTask } from '../../engine/port.js';

type Held = LockedExternalTask | NonNullable<Awaited<ReturnType<NonNullable<import('../../engine/port.js').ExternalTaskPort['getExternalTask']>>>>;

export interface HeldTaskCache {
  /** the task as read within `ttlMs`, while its lock holds at `now` (ms, the app's clock) */
  get(id: string, now: number): Held | undefined;
  put(task: Held): void;
  drop(id: string): void;
}

export function createHeldTaskCache(options: { ttlMs?: number; max?: number } = {}): HeldTaskCache {
  const ttlMs = options.ttlMs ?? 2_000;
  const max = options.max ?? 10_000;
  const entries = new Map<string, { task: Held; readAt: number }>();
  return {
    get(id, now) {
      const e = entries.get(id);
      if (!e) return undefined;
      const expiry = e.task.lockExpirationTime?.getTime();
      if (Date.now() - e.readAt > ttlMs || expiry === undefined || expiry <= now) {
        entries.delete(id);
        return undefined;
      }
      return e.task;
    },
    put(task) {
      if (!task.workerId || !task.lockExpirationTime) return;
      // bounded: a flood of jobs keeps only the newest
      if (entries.size >= max) entries.delete(entries.keys().next().value as string);
      entries.set(task.id, { task, readAt: Date.now() });
    },
    drop(id) {
      entries.delete(id);
    },
  };
}
