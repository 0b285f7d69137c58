/**
 * `notify` (headers `template`, `to`; optional `channel`): outbox rows, one per recipient (`to:
 * co-units` gives one per co-handling unit, 第十二条). The payload holds the template's fields taken
 * from the process variables — plus the evaluation link, and the (lead) unit's name where the template
 * shows them — and nothing personal. Each row's dedupe key is the job's key (and the unit, for
 * co-units), so a retried job adds no second row.
 */
import { CHANNEL_NAMES, DEFAULT_CHANNEL, type ChannelName } from '../regulation/notifications.js';
import { getTemplate, missingFields, ratingUrl, renderTemplate, type Payload } from '../regulation/templates.js';
import { requireId, VariableError, type Vars } from '../regulation/variables.js';
import type { WorkerDeps } from './deps.js';
import { atCompletion, defineJob, headerOneOf, optionalHeader, requireHeader, type JobHandler } from './job.js';
import { NOTIFY_TARGETS, recipientsFor } from './recipients.js';

function scalar(name: string, v: unknown): Payload[string] | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new VariableError(`variable "${name}" must be text, a number or true/false to be shown in a notification (got ${JSON.stringify(v)})`);
}

export function createNotify(deps: Pick<WorkerDeps, 'outbox' | 'units' | 'logger' | 'config' | 'petitions'>): JobHandler {
  return defineJob('notify', async (variables: Vars, ctx) => {
    const template = getTemplate(requireHeader(ctx, 'template'));
    const to = headerOneOf(ctx, 'to', NOTIFY_TARGETS);
    const channelHeader = optionalHeader(ctx, 'channel');
    if (channelHeader !== undefined && !(CHANNEL_NAMES as readonly string[]).includes(channelHeader)) {
      throw new VariableError(`task header "channel" must be one of ${CHANNEL_NAMES.join(', ')} (got ${JSON.stringify(channelHeader)})`);
    }
    if (!ctx.jobKey) throw new VariableError('the job has no key');

    const petitionId = requireId(variables, 'petitionId');
    const recipients = await recipientsFor(to, variables, deps);

    const available: Vars = { ...variables };
    if (typeof variables.trackingCode === 'string' && variables.trackingCode !== '') available.ratingUrl = ratingUrl(deps.config.publicBaseUrl, variables.trackingCode);
    const unitId = typeof variables.unitId === 'string' ? variables.unitId : undefined;
    const lead = unitId ? (await deps.units.list()).find((u) => u.id === unitId) : undefined;
    if (lead) available.unitName = lead.name;

    const payload: Payload = { petitionId };
    for (const field of [...template.fields, ...(template.optional ?? [])]) {
      const v = scalar(field, available[field]);
      if (v !== undefined) payload[field] = v;
    }
    const missing = missingFields(template, payload);
    if (missing.length) throw new VariableError(`template ${template.id} needs the variable(s) ${missing.join(', ')}`);
    renderTemplate(template.id, payload);

    // 归并 (issue 15): what the kept case's petitioner is told, every petitioner merged into it is told
    // too, with their own tracking code and rating link (the payload is theirs: their outbox rows)
    const rows: { recipient: (typeof recipients)[number]; payload: Payload; dedupeKey: string }[] = recipients.map((recipient) => ({
      recipient,
      payload,
      dedupeKey: to === 'co-units' ? `notify:${ctx.jobKey}:${recipient.unit?.id}` : `notify:${ctx.jobKey}`,
    }));
    if (to === 'petitioner') {
      for (const m of await deps.petitions.mergedFrom(petitionId)) {
        const own: Payload = { ...payload, petitionId: m.petitionId };
        if ('trackingCode' in payload) own.trackingCode = m.trackingCode;
        if ('ratingUrl' in payload) own.ratingUrl = ratingUrl(deps.config.publicBaseUrl, m.trackingCode);
        rows.push({ recipient: { recipientKind: 'petitioner', recipientRef: m.petitionId }, payload: own, dedupeKey: `notify:${ctx.jobKey}:merged:${m.petitionId}` });
      }
    }

    for (const { recipient, payload, dedupeKey } of rows) {
      const channel = (channelHeader as ChannelName | undefined) ?? DEFAULT_CHANNEL[recipient.recipientKind];
      await atCompletion(ctx, async (tx) => {
        const { id, created } = await deps.outbox.enqueue(
          {
            channel,
            recipientKind: recipient.recipientKind,
            recipientRef: recipient.recipientRef,
            template: template.id,
            payload,
            dedupeKey,
          },
          tx,
        );
        deps.logger.info({ jobKey: ctx.jobKey, outboxId: id, created, template: template.id, recipientKind: recipient.recipientKind, channel }, 'notification queued');
      });
    }
  });
}
