import { randomBytes } from 'node:crypto';

let last = 0;
let seq = 0;

/** time-ordered unique keys: sortable by creation, unique across processes sharing a database */
export function newKey(): string {
  const now = Date.now();
  seq = now === last ? seq + 1 : 0;
  last = now;
  return `${now.toString(36)}${seq.toString(36).padStart(3, '0')}${randomBytes(4).toString('hex')}`;
}

/** index rows (jobs, tasks, timers, subscriptions) are keyed by instance + execution */
export function waitKey(instanceId: string, execId: string): string {
  return `${instanceId}/${execId}`;
}

export function execIdOf(key: string): string {
  return key.slice(key.indexOf('/') + 1);
}
