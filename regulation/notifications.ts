/**
 * The notification rules a worker applies when it decides to notify: the channels a message can
 * leave through, the channel each recipient is reached through by default, and the rule that an
 * outbox payload carries no personal data (addresses and identity never enter the outbox or the
 * logs). Sending — the channels' providers and the OutboxDispatcher — is the app's
 * (server/domain/notifications.ts).
 */
import { looksPersonal } from './masking.js';
import type { Payload, RecipientKind } from './templates.js';

export const CHANNEL_NAMES = ['sms', 'wechat', 'email', 'log'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const NOTIFICATION_CHANNEL_LABELS: Record<ChannelName, string> = { sms: '短信', wechat: '微信', email: '电子邮件', log: '日志' };

/** the channel a recipient is reached through by default */
export const DEFAULT_CHANNEL: Record<RecipientKind, ChannelName> = {
  petitioner: 'sms',
  'unit-contact': 'sms',
  'unit-leader': 'sms',
  'unit-head': 'sms',
  platform: 'email',
  'inspection-office': 'email',
  'city-leaders': 'email',
};

/** payload keys that would carry identity: refused in the outbox */
const PERSONAL_KEYS = /^(phone|mobile|tel|telephone|name|petitionerName|petitionerPhone|idNumber|idCard|address|email)$/i;

/** throws when a payload carries personal data (a forbidden key, or a value that looks like a phone, ID number or e-mail) */
export function assertNoPersonalData(payload: Payload): void {
  for (const [k, v] of Object.entries(payload)) {
    if (PERSONAL_KEYS.test(k)) throw new Error(`outbox payload must not carry personal data (field "${k}")`);
    if (typeof v === 'string' && looksPersonal(v)) throw new Error(`outbox payload must not carry personal data (field "${k}" looks like a phone, ID number or e-mail)`);
  }
}

/** a message to put in the outbox */
export interface OutboxEntry {
  channel: ChannelName;
  recipientKind: RecipientKind;
  recipientRef: string;
  template: string;
  payload: Payload;
  /** the same key twice is one message: a retried job never doubles a notification */
  dedupeKey: string;
}
