/**
 * The 红黄蓝 board (第二十六条): what colour a late case shows, who a 催办 of each colour reaches, and
 * how the board names them. The colour is the 第二十六条 level the case has reached (its warning
 * instants, the same the warning timers wait for); 移交督查室 is shown on top of red once a transfer
 * is recorded. Plain rules: no database, no HTTP.
 */
import { TRANSFER_OVERDUE_DAYS, WARNING_LEVELS, WARNING_RULES, isWarningLevel, type WarningLevel, type WarningRecipient } from './warnings.js';

/** the board's filters: a level, or the cases transferred to 市政府督查室 */
export const BOARD_COLOURS = ['blue', 'yellow', 'red', 'transfer'] as const;
export type BoardColour = (typeof BOARD_COLOURS)[number];

export const isBoardColour = (v: unknown): v is BoardColour => typeof v === 'string' && (BOARD_COLOURS as readonly string[]).includes(v);

/**
 * Labels that say the colour in words (a chip is never colour alone) and a mark of its own shape, so
 * the levels stay apart in grey print and for colour-blind readers.
 */
export const BOARD_COLOUR_LABELS: Record<BoardColour, { label: string; short: string; mark: string }> = {
  blue: { label: '蓝色预警', short: '蓝', mark: '●' },
  yellow: { label: '黄色预警', short: '黄', mark: '▲' },
  red: { label: '红色预警', short: '红', mark: '■' },
  transfer: { label: '移交督查室', short: '督', mark: '◆' },
};

/** a unit person's role (units-repository `PersonRole`) each recipient kind is */
export type UnitPersonRole = 'contact' | 'leader' | 'head';

export const RECIPIENT_ROLE: Record<WarningRecipient, UnitPersonRole> = { 'unit-contact': 'contact', 'unit-leader': 'leader', 'unit-head': 'head' };

export const RECIPIENT_LABELS: Record<WarningRecipient, string> = { 'unit-contact': '承办单位责任人', 'unit-leader': '分管领导', 'unit-head': '主要领导' };

/** 第二十六条: a 催办 at a level reaches the person the article names for it (蓝 → 责任人, 黄 → 分管领导, 红 → 主要领导) */
export function urgeRecipient(level: WarningLevel): { kind: WarningRecipient; role: UnitPersonRole; label: string } {
  const kind = WARNING_RULES[level].recipient;
  return { kind, role: RECIPIENT_ROLE[kind], label: RECIPIENT_LABELS[kind] };
}

export interface WarningInstants {
  blueAt?: Date;
  yellowAt?: Date;
  redAt?: Date;
}

/** the highest level whose instant is reached at `now` */
export function levelAt(instants: WarningInstants, now: Date): WarningLevel | undefined {
  const t = now.getTime();
  const reached = (d?: Date) => d !== undefined && d.getTime() <= t;
  return reached(instants.redAt) ? 'red' : reached(instants.yellowAt) ? 'yellow' : reached(instants.blueAt) ? 'blue' : undefined;
}

/** whether a 催办 at `level` fits a case at `reached`: the article names the person by the colour reached, never above it */
export function mayUrgeAt(level: WarningLevel, reached: WarningLevel | undefined): boolean {
  return reached !== undefined && WARNING_LEVELS.indexOf(level) <= WARNING_LEVELS.indexOf(reached);
}

/** ≥ 7 working days overdue and no explanation on file: the case is due for 督查室 (the transfer worker records it) */
export function dueForTransfer(overdueDays: number, explained: boolean): boolean {
  return overdueDays >= TRANSFER_OVERDUE_DAYS && !explained;
}

export function parseUrgeLevel(v: unknown): WarningLevel | undefined {
  return isWarningLevel(v) ? v : undefined;
}

export interface UnitColourCounts {
  blue: number;
  yellow: number;
  red: number;
  transfer: number;
  /** every late task of the unit, coloured or not yet (less than one working day past, or another deadline) */
  overdue: number;
}

/** the worst first: most red, then yellow, then blue, then transfers; ties by name */
export function compareUnitsByWarnings<T extends UnitColourCounts & { unitName: string }>(a: T, b: T): number {
  return b.red - a.red || b.yellow - a.yellow || b.blue - a.blue || b.transfer - a.transfer || b.overdue - a.overdue || a.unitName.localeCompare(b.unitName, 'zh-CN');
}
