/**
 * What the job workers need, as interfaces: the app wires the real ones (repositories over the
 * database, the calendar loaded with the admins' overrides, the petition store), tests wire the
 * in-memory ones of `workers/testing/`.
 */
import type { WorkingCalendar } from '../regulation/calendar/working-calendar.js';
import type { OutboxEntry } from '../regulation/notifications.js';
import type { PublicationSource } from '../regulation/publication.js';
import type { UnitInfo } from '../regulation/unit-suggestion.js';
import type { WarningLevel } from '../regulation/warnings.js';
import type { AppTransaction } from '../engine/port.js';

export type { UnitInfo, PublicationSource, OutboxEntry };

/**
 * The working calendar, loaded per job: the app passes e.g. `() => calendarRepository.loadCalendar()`
 * (or a cached version of it that the admin pages invalidate), so a holiday an admin adds applies to
 * the next deadline computed, without a restart. Tests pass `staticCalendar(createWorkingCalendar({}))`.
 */
export type CalendarSource = () => Promise<WorkingCalendar>;

export const staticCalendar =
  (calendar: WorkingCalendar): CalendarSource =>
  () =>
    Promise.resolve(calendar);

export interface WorkerClock {
  now(): Date;
}

export interface WorkerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** the outbox (server/data/outbox-repository.ts): idempotent by dedupeKey */
export interface Outbox {
  enqueue(entry: OutboxEntry, tx?: AppTransaction): Promise<{ id: number; created: boolean }>;
}

/** the 第二十六条 records (server/data/score-ledger-repository.ts): idempotent by their unique keys */
export interface ScoreLedger {
  /** once per (petitionId, deadlineSeq, level) */
  recordWarning(entry: {
    unitId: string;
    petitionId: string;
    deadlineSeq: number;
    level: WarningLevel;
    /** tenths of a point: 5, 10, 30 */
    points: number;
    reason: string;
    at: Date;
  }, tx?: AppTransaction): Promise<{ created: boolean }>;
  /** the transfer to 市政府督查室 and its one 通报批评, once per (petitionId, deadlineSeq) */
  recordTransfer(entry: { petitionId: string; deadlineSeq: number; unitId: string; reason: string; at: Date }, tx?: AppTransaction): Promise<{ created: boolean }>;
}

/** published replies (server/data/publication-repository.ts): one per petition, idempotent */
export interface Publications {
  publish(entry: { petitionId: string; title: string; maskedText: string; publishedAt: Date }, tx?: AppTransaction): Promise<{ created: boolean; updated: boolean }>;
}

export type UnitRole = 'contact' | 'leader' | 'head';

/** the member units (第五条: each names a 分管领导, a 责任人 and 承办人) */
export interface UnitDirectory {
  list(): Promise<UnitInfo[]>;
  /**
   * the reference (`unit-person:<id>` of the unit's people table — never a phone or a name) of the unit's person in a role:
   * 责任人 `contact`, 分管领导 `leader`, 主要领导 `head`; undefined when none is recorded
   */
  recipient(unitId: string, role: UnitRole): Promise<string | undefined>;
}

/** the app's petitions, over its encrypted store */
export interface PetitionDirectory {
  /**
   * the petition's status shown to the petitioner when tracking; `context.finishDueAt`: the handling
   * deadline in force (the reports' 按期办结 compares the reply with it, 第二十五条)
   */
  setStatus(petitionId: string, status: string, tx?: AppTransaction, context?: { finishDueAt?: string }): Promise<void>;
  /** what a publication must mask: the petition's title, the petitioner's name and phone, the address (a logged read of identity) */
  getPublicationSource(petitionId: string): Promise<PublicationSource | undefined>;
  /**
   * 归并 (issue 15): the petitions merged into this case, whose petitioners are told what its
   * petitioner is told (their own tracking codes: never an identity)
   */
  mergedFrom(petitionId: string, tx?: AppTransaction): Promise<{ petitionId: string; trackingCode: string }[]>;
}

export interface WorkerConfig {
  /** the portal's public address, for the evaluation link `${publicBaseUrl}/rate/${trackingCode}` */
  publicBaseUrl: string;
}

export interface WorkerDeps {
  calendar: CalendarSource;
  clock: WorkerClock;
  outbox: Outbox;
  ledger: ScoreLedger;
  publications: Publications;
  units: UnitDirectory;
  petitions: PetitionDirectory;
  logger: WorkerLogger;
  config: WorkerConfig;
}
