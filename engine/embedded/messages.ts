/**
 * Messages: published, correlated to subscriptions (once per process), starting message-start
 * processes, buffered for their time to live and expired.
 */
import { ConflictError, InvalidArgumentError } from '../errors.js';
import type { PublishMessageRequest, PublishMessageResult } from '../port.js';
import { assertName, assertVariables, parseJson } from './checks.js';
import type { Core } from './core.js';
import type { Ctx } from './ctx.js';
import { execIdOf, newKey } from './keys.js';
import { inTx } from './transaction.js';
import type { MessageRow, SubscriptionRow } from './store/store.js';

export async function publishMessage(core: Core, request: PublishMessageRequest): Promise<PublishMessageResult> {
  if (!request || typeof request !== 'object') throw new InvalidArgumentError('a message needs a name and a correlation key');
  const name = assertName(request.name, 'message name');
  if (typeof request.correlationKey !== 'string') throw new InvalidArgumentError('correlationKey must be a string');
  const ttl = request.timeToLive ?? 0;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) throw new InvalidArgumentError('timeToLive must be a number of milliseconds ≥ 0');
  if (request.messageId !== undefined && typeof request.messageId !== 'string') throw new InvalidArgumentError('messageId must be a string');
  if (request.transactional !== undefined && typeof request.transactional !== 'function') throw new InvalidArgumentError('transactional must be a function');
  const variables = assertVariables(request.variables);
  const key = request.correlationKey;
  const starts = (await core.getMessageStarts()).get(name) ?? [];

  return inTx(core, async (ctx) => {
    const now = core.now();
    if (request.messageId) {
      const dup = await core.store.one<MessageRow>(
        'SELECT * FROM engine_messages WHERE name = ? AND correlation_key = ? AND message_id = ? AND expires_at > ?',
        [name, key, request.messageId, now],
        ctx.tx,
      );
      if (dup) throw new ConflictError(`a message '${name}' with id '${request.messageId}' is already published for correlation key '${key}'`, 'ALREADY_EXISTS');
    }
    const subs = await core.store.select<SubscriptionRow>(
      'SELECT * FROM engine_subscriptions WHERE message_name = ? AND correlation_key = ? ORDER BY created_at, id',
      [name, key],
      ctx.tx,
    );
    const correlatedProcesses = new Set<string>();
    const correlated: string[] = [];
    for (const sub of subs) {
      // Zeebe correlates a message at most once per process
      if (correlatedProcesses.has(sub.process_id)) continue;
      // another publication may have taken this subscription meanwhile (MySQL, several app processes)
      if ((await core.store.exec('DELETE FROM engine_subscriptions WHERE id = ?', [sub.id], ctx.tx)) !== 1) continue;
      correlatedProcesses.add(sub.process_id);
      await core.withInstance(ctx, sub.instance_id, { kind: 'complete', execId: execIdOf(sub.id), output: variables });
      correlated.push(sub.instance_id);
    }
    for (const s of starts) {
      if (correlatedProcesses.has(s.processId)) continue;
      const def = await core.store.definition(s.definitionId, ctx.tx);
      if (!def) continue;
      correlatedProcesses.add(s.processId);
      const model = await core.modelOf(def.id, ctx.tx);
      correlated.push(await core.startInstance(ctx, def, model, variables, { elementId: s.elementId, variables }));
    }
    const messageKey = newKey();
    if (ttl > 0) {
      await core.store.insert(
        'engine_messages',
        {
          id: messageKey,
          name,
          correlation_key: key,
          message_id: request.messageId ?? null,
          variables: JSON.stringify(variables),
          published_at: now,
          expires_at: now + ttl,
          correlated_process_ids: JSON.stringify([...correlatedProcesses]),
        },
        ctx.tx,
      );
    }
    const result = { messageKey, correlatedInstanceKeys: correlated, buffered: ttl > 0 };
    if (request.transactional) await request.transactional(ctx.tx, result);
    return result;
  });
}

export async function findBufferedMessage(core: Core, ctx: Ctx, name: string, key: string, processId: string) {
  const rows = await core.store.select<MessageRow>(
    'SELECT * FROM engine_messages WHERE name = ? AND correlation_key = ? AND expires_at > ? ORDER BY published_at, id',
    [name, key, core.now()],
    ctx.tx,
  );
  return rows.find((m) => !parseJson<string[]>(m.correlated_process_ids, []).includes(processId));
}

export async function markCorrelated(core: Core, ctx: Ctx, msg: MessageRow, processId: string) {
  const ids = [...parseJson<string[]>(msg.correlated_process_ids, []), processId];
  await core.store.exec('UPDATE engine_messages SET correlated_process_ids = ? WHERE id = ?', [JSON.stringify(ids), msg.id], ctx.tx);
}

export async function expireMessages(core: Core): Promise<number> {
  // a read first: the timer loop runs after every new timer, and most passes have nothing to expire
  const now = core.now();
  const due = await core.store.one<{ n: number }>('SELECT COUNT(*) AS n FROM engine_messages WHERE expires_at <= ?', [now]);
  if (!Number(due?.n ?? 0)) return 0;
  return inTx(core, (ctx) => core.store.exec('DELETE FROM engine_messages WHERE expires_at <= ?', [now], ctx.tx));
}
