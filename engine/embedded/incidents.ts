/**
 * Incidents listed and retried: a job gets its retries back, any other replays the event that failed.
 */
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { Incident } from '../port.js';
import { assertName, parseJson } from './checks.js';
import type { Core } from './core.js';
import type { PendingEvent } from './ctx.js';
import type { HistoryRecord, Wait } from './run-types.js';
import { inTx } from './transaction.js';
import { type IncidentRow, whereOf } from './store/store.js';

export async function listIncidents(core: Core, filter: { processInstanceKey?: string; state?: 'active' | 'resolved' } = {}): Promise<Incident[]> {
  const { where, args } = whereOf([
    ['instance_id = ?', filter.processInstanceKey],
    ['state = ?', filter.state],
  ]);
  const rows = await core.store.select<IncidentRow>(`SELECT * FROM engine_incidents ${where} ORDER BY created_at, id`, args);
  return rows.map((r) => ({
    incidentKey: r.id,
    processInstanceKey: r.instance_id,
    processId: r.process_id,
    elementId: r.element_id,
    ...(r.job_id && { jobKey: r.job_id }),
    errorType: r.error_type,
    errorMessage: r.error_message,
    state: r.state,
    createdAt: new Date(r.created_at),
  }));
}

export async function retryIncident(core: Core, incidentKey: string, options: { retries?: number } = {}) {
  assertName(incidentKey, 'incidentKey');
  const retries = options.retries ?? 1;
  if (!Number.isInteger(retries) || retries < 1) throw new InvalidArgumentError('retries must be a whole number ≥ 1');
  await inTx(core, async (ctx) => {
    const inc = await core.store.one<IncidentRow>('SELECT * FROM engine_incidents WHERE id = ?', [incidentKey], ctx.tx);
    if (!inc) throw new NotFoundError(`incident ${incidentKey} not found`);
    if (inc.state !== 'active') throw new ConflictError(`incident ${incidentKey} is already resolved`);
    const now = core.now();
    const n = await core.store.exec("UPDATE engine_incidents SET state = 'resolved', resolved_at = ? WHERE id = ? AND state = 'active'", [now, inc.id], ctx.tx);
    if (n !== 1) throw new ConflictError(`incident ${incidentKey} is already resolved`);
    const resolved: HistoryRecord = { elementId: inc.element_id, elementType: 'incident', event: 'incident-resolved', at: now, detail: { incidentKey: inc.id } };
    const open = await core.store.one<{ n: number }>("SELECT COUNT(*) AS n FROM engine_incidents WHERE instance_id = ? AND state = 'active'", [inc.instance_id], ctx.tx);
    if (Number(open?.n ?? 0) === 0) {
      await core.store.exec("UPDATE engine_instances SET state = 'active' WHERE id = ? AND state = 'incident'", [inc.instance_id], ctx.tx);
    }
    if (inc.job_id) {
      await core.store.exec("UPDATE engine_jobs SET state = 'activatable', retries = ?, not_before = ?, error_message = NULL WHERE id = ?", [retries, now, inc.job_id], ctx.tx);
      await core.store.appendHistory(inc.instance_id, [resolved], ctx.tx);
      ctx.effects.push(() => core.scheduleJobs(0));
      return;
    }
    const pending = parseJson<PendingEvent | { kind: 'call'; execId: string } | null>(inc.pending_event, null);
    if (!pending) return;
    if (pending.kind === 'call') {
      const row = await core.store.getInstance(inc.instance_id, ctx.tx);
      const wait = parseJson<Wait[]>(row?.waits ?? null, []).find((w) => w.execId === pending.execId);
      if (!row || wait?.kind !== 'call') return;
      const def = await core.store.latestDefinition(wait.processId, ctx.tx);
      if (!def) {
        await core.childIncident(ctx, row, wait, `no process '${wait.processId}' is deployed to call`);
        return;
      }
      await core.store.appendHistory(inc.instance_id, [resolved], ctx.tx);
      await core.startInstance(ctx, def, await core.modelOf(def.id, ctx.tx), wait.variables, undefined, { id: row.id, execId: wait.execId });
      return;
    }
    await core.withInstance(ctx, inc.instance_id, pending, [resolved]);
  });
}
