/**
 * Notifications leave through the outbox (ARCHITECTURE "Data"): a worker writes a row in the same
 * job that decided to notify, and the OutboxDispatcher sends pending rows through a channel and marks
 * them sent or failed, so a crash neither loses nor doubles one. A row handed to the logging channel
 * (no provider configured for its channel) is marked `logged`: it reached nobody, and the pages say so.
 *
 * Channels: the logging channel is the default (it logs the template, the recipient kind and
 * reference, never a phone or a name); SMS, WeChat and e-mail channels post to a provider gateway
 * and are chosen by configuration (`createChannels`). A channel resolves the recipient reference
 * (a petition id, a unit id, an office name) to an address itself, through `resolveAddress`, which
 * the app implements over its encrypted store: addresses never enter the outbox or the logs.
 * The channel names, each recipient's default channel and the no-personal-data rule are the
 * regulation's (regulation/notifications.ts).
 */
import type { ChannelName, OutboxEntry } from '../../regulation/notifications.js';
import { renderTemplate, TemplateError, type Payload, type RecipientKind } from '../../regulation/templates.js';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** a message handed to a channel */
export interface OutgoingMessage {
  /** the outbox row's id */
  id: number;
  channel: ChannelName;
  recipientKind: RecipientKind;
  /** a petition id, a unit id, or an office name — never an address */
  recipientRef: string;
  template: string;
  /** the rendered Chinese text */
  text: string;
  payload: Payload;
}

/** what became of a message a channel took: `sent` to a provider, or only `logged` (it reached nobody) */
export type Delivery = 'sent' | 'logged';

export interface Channel {
  readonly name: ChannelName;
  /** resolves when the message is handed over (nothing, or `sent`: a provider took it); throws when it was not */
  send(message: OutgoingMessage): Promise<Delivery | void>;
}

/** the channel is used without its provider configuration */
export class ChannelNotConfiguredError extends Error {
  constructor(readonly channel: ChannelName) {
    super(`notification channel "${channel}" is not configured`);
    this.name = 'ChannelNotConfiguredError';
  }
}

/** the default channel: writes a log line instead of sending */
export class LoggingChannel implements Channel {
  readonly name: ChannelName;
  constructor(
    private readonly logger: Logger,
    /** the channel name it stands in for (rows keep their channel; the log says which) */
    name: ChannelName = 'log',
  ) {
    this.name = name;
  }
  async send(message: OutgoingMessage): Promise<Delivery> {
    this.logger.info(
      { outboxId: message.id, channel: message.channel, template: message.template, recipientKind: message.recipientKind, recipientRef: message.recipientRef },
      'notification (logged, not sent)',
    );
    return 'logged';
  }
}

export interface ProviderConfig {
  /** the provider gateway's URL; the message is POSTed there as JSON */
  endpoint: string;
  /** sent as `Authorization: Bearer <token>` */
  token?: string;
  /** the address (mobile number, WeChat openid, e-mail) of a recipient; undefined when there is none */
  resolveAddress(recipientKind: RecipientKind, recipientRef: string): Promise<string | undefined>;
  /** ms before a request is abandoned (default 10 000) */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface SmsConfig extends ProviderConfig {
  /** the SMS signature registered with the provider, e.g. 龙南问政 */
  signName?: string;
}

export interface WechatConfig extends ProviderConfig {
  /** the official account's template message id */
  templateId?: string;
}

export interface EmailConfig extends ProviderConfig {
  from: string;
}

abstract class ProviderChannel<C extends ProviderConfig> implements Channel {
  abstract readonly name: ChannelName;
  constructor(protected readonly config?: C) {}

  protected abstract body(to: string, message: OutgoingMessage): Record<string, unknown>;

  async send(message: OutgoingMessage): Promise<Delivery> {
    const config = this.config;
    if (!config?.endpoint) throw new ChannelNotConfiguredError(this.name);
    const to = await config.resolveAddress(message.recipientKind, message.recipientRef);
    // the error names the reference, never an address
    if (!to) throw new Error(`no ${this.name} address for ${message.recipientKind} ${message.recipientRef}`);
    const doFetch = config.fetch ?? fetch;
    const res = await doFetch(config.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(config.token && { authorization: `Bearer ${config.token}` }) },
      body: JSON.stringify(this.body(to, message)),
      signal: AbortSignal.timeout(config.timeoutMs ?? 10_000),
    });
    // the response body may echo the address: only the status is reported
    if (!res.ok) throw new Error(`${this.name} provider answered HTTP ${res.status}`);
    return 'sent';
  }
}

export class SmsChannel extends ProviderChannel<SmsConfig> {
  readonly name = 'sms' as const;
  protected body(to: string, m: OutgoingMessage) {
    return { to, text: m.text, template: m.template, sign: this.config?.signName, reference: `outbox-${m.id}` };
  }
}

export class WechatChannel extends ProviderChannel<WechatConfig> {
  readonly name = 'wechat' as const;
  protected body(to: string, m: OutgoingMessage) {
    return { touser: to, template_id: this.config?.templateId, text: m.text, template: m.template, reference: `outbox-${m.id}` };
  }
}

export class EmailChannel extends ProviderChannel<EmailConfig> {
  readonly name = 'email' as const;
  protected body(to: string, m: OutgoingMessage) {
    return { from: this.config?.from, to, subject: `龙南问政:${m.template}`, text: m.text, reference: `outbox-${m.id}` };
  }
}

export interface ChannelsConfig {
  sms?: SmsConfig;
  wechat?: WechatConfig;
  email?: EmailConfig;
}

/** one channel per name: the configured providers, the logging channel for everything else (the default) */
export function createChannels(config: ChannelsConfig, logger: Logger): Record<ChannelName, Channel> {
  return {
    sms: config.sms ? new SmsChannel(config.sms) : new LoggingChannel(logger, 'sms'),
    wechat: config.wechat ? new WechatChannel(config.wechat) : new LoggingChannel(logger, 'wechat'),
    email: config.email ? new EmailChannel(config.email) : new LoggingChannel(logger, 'email'),
    log: new LoggingChannel(logger, 'log'),
  };
}

/** `logged`: handed to the logging channel for want of a provider — written to the log, sent to nobody */
export type OutboxState = 'pending' | 'sent' | 'logged' | 'failed';

/** the states in Chinese, for the pages */
export const OUTBOX_STATE_LABELS: Record<OutboxState, string> = {
  pending: '等待发送',
  sent: '已发送',
  logged: '未发出:未配置发送服务,仅写入日志',
  failed: '发送失败',
};

export interface OutboxRecord extends OutboxEntry {
  id: number;
  state: OutboxState;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  lastError: string | null;
}

/** what the dispatcher needs of the outbox table */
export interface OutboxStore {
  /** pending rows, oldest first */
  pending(limit: number): Promise<OutboxRecord[]>;
  /**
   * take rows for one attempt each, together: attempts + 1 for every row still pending with the
   * attempts read; answers the ids taken (a row another dispatcher took is left out)
   */
  claim(rows: { id: number; attempts: number }[]): Promise<Set<number>>;
  /** the attempts' outcomes, recorded together */
  record(outcomes: OutboxOutcome[]): Promise<void>;
}

/**
 * What one attempt came to: `sent` (at), `logged` (the logging channel only: no sent time), or a
 * failure — `final` makes the row failed, otherwise it stays pending for the next run.
 */
export type OutboxOutcome = { id: number; state: 'sent'; at: Date } | { id: number; state: 'logged' } | { id: number; state: 'failed'; error: string; final: boolean };

export interface DispatcherOptions {
  outbox: OutboxStore;
  channels: Partial<Record<ChannelName, Channel>>;
  logger: Logger;
  clock?: { now(): Date };
  /** attempts before a row is failed for good (default 5) */
  maxAttempts?: number;
  /** rows per run (default 50) */
  batchSize?: number;
}

export interface DispatchResult {
  sent: number;
  /** written to the log only: no provider for their channel */
  logged: number;
  /** failed for good */
  failed: number;
  /** failed this time, tried again next run */
  retrying: number;
}

export class OutboxDispatcher {
  private readonly maxAttempts: number;
  private readonly batchSize: number;
  private readonly clock: { now(): Date };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(private readonly options: DispatcherOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.batchSize = options.batchSize ?? 50;
    this.clock = options.clock ?? { now: () => new Date() };
  }

  /** send what is pending now, once */
  async dispatchOnce(): Promise<DispatchResult> {
    const result: DispatchResult = { sent: 0, logged: 0, failed: 0, retrying: 0 };
    const rows = await this.options.outbox.pending(this.batchSize);
    if (!rows.length) return result;
    // one transaction takes the batch and one records what became of it (not two per message)
    const taken = await this.options.outbox.claim(rows.map((r) => ({ id: r.id, attempts: r.attempts })));
    const outcomes: OutboxOutcome[] = [];
    try {
      await this.attempt(rows.filter((r) => taken.has(r.id)), outcomes, result);
    } finally {
      if (outcomes.length) await this.options.outbox.record(outcomes);
    }
    return result;
  }

  private async attempt(rows: OutboxRecord[], outcomes: OutboxOutcome[], result: DispatchResult) {
    for (const row of rows) {
      const attempt = row.attempts + 1;
      const log = { outboxId: row.id, channel: row.channel, template: row.template, recipientKind: row.recipientKind, attempt };
      let text: string;
      try {
        text = renderTemplate(row.template, row.payload);
      } catch (err) {
        outcomes.push({ id: row.id, state: 'failed', error: (err as Error).message, final: true });
        this.options.logger.error({ ...log, err: (err as Error).message }, 'notification cannot be rendered');
        result.failed += 1;
        continue;
      }
      const channel = this.options.channels[row.channel];
      if (!channel) {
        outcomes.push({ id: row.id, state: 'failed', error: `no channel "${row.channel}"`, final: true });
        this.options.logger.error(log, 'notification has no channel');
        result.failed += 1;
        continue;
      }
      try {
        const delivery = await channel.send({ id: row.id, channel: row.channel, recipientKind: row.recipientKind, recipientRef: row.recipientRef, template: row.template, text, payload: row.payload });
        if (delivery === 'logged') {
          outcomes.push({ id: row.id, state: 'logged' });
          result.logged += 1;
        } else {
          outcomes.push({ id: row.id, state: 'sent', at: this.clock.now() });
          result.sent += 1;
        }
      } catch (err) {
        const message = (err as Error)?.message ?? String(err);
        const final = err instanceof ChannelNotConfiguredError || err instanceof TemplateError || attempt >= this.maxAttempts;
        outcomes.push({ id: row.id, state: 'failed', error: message, final });
        this.options.logger.warn({ ...log, err: message, final }, final ? 'notification failed' : 'notification failed, will retry');
        if (final) result.failed += 1;
        else result.retrying += 1;
      }
    }
  }

  /** dispatch every `intervalMs` until stop() */
  start(intervalMs = 5_000): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = () => {
      this.running = this.dispatchOnce()
        .catch((err) => this.options.logger.error({ err: (err as Error)?.message ?? String(err) }, 'outbox dispatch failed'))
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(tick, intervalMs);
            this.timer.unref?.();
          }
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
