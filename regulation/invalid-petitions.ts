/**
 * 第二十七条 (附则): a petition the platform finds 恶意 (malicious: an attack, harassment) or 虚假
 * (false: made-up facts) is closed and kept out of every unit's statistics (docs/requirements.md).
 * A sender whose earlier petitions were so found is flagged when they write again, so the screener
 * knows — never with the number, never refused for it.
 */
export const INVALID_KINDS = ['malicious', 'false'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

export const INVALID_KIND_LABELS: Record<InvalidKind, string> = { malicious: '恶意诉求', false: '虚假诉求' };

export function isInvalidKind(value: unknown): value is InvalidKind {
  return typeof value === 'string' && (INVALID_KINDS as readonly string[]).includes(value);
}

/** the reason and the basis (依据) the reviewer gives: required, at most this many characters each */
export const INVALID_TEXT_MAX = 200;

/** a repeated sender: at least this many of the phone's petitions marked … */
export const REPEAT_SENDER_THRESHOLD = 2;
/** … within this many months before the new petition */
export const REPEAT_SENDER_MONTHS = 12;

/** the start of the look-back window of a petition received at `receivedAt` (calendar months back, day clipped) */
export function repeatWindowStart(receivedAt: Date): Date {
  const d = new Date(receivedAt.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - REPEAT_SENDER_MONTHS);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** the flag's number, when the count makes a repeated sender; undefined otherwise */
export function repeatedSender(markedInWindow: number): number | undefined {
  return Number.isInteger(markedInWindow) && markedInWindow >= REPEAT_SENDER_THRESHOLD ? markedInWindow : undefined;
}

/** what the screening task and the case page say (the number of marked cases, never the phone) */
export function repeatedSenderText(count: number): string {
  return `该号码此前有 ${count} 件被认定为恶意/虚假诉求`;
}
