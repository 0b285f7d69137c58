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
import type { ReportFigures } from '../regulation/report-figures.js';
import type { PeriodRef } from '../regulation/report-schedule.js';
import type { AppTransaction } from '../engine/port.js';
import type { AssessmentFigures, Standing } from '../regulation/assessment.js';
import type { ReportKind } from '../regulation/report-figures.js';
import type { KnowledgeAction, KnowledgeEntryCore, KnowledgeStatus } from '../regulation/knowledge.js';

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

/**
 * 第二十五条: the archive of issued 月报 and 季报 (server/services/report-service.ts). The job computes
 * the figures first (a long read: never inside a write transaction), then archives them with its
 * completion; the schedule's edition of a period is made once.
 */
export interface ReportIssuer {
  /** the schedule's edition of the period, when it made one already (a retried job) */
  scheduled(ref: PeriodRef): Promise<{ reportId: number; edition: number } | undefined>;
  /** the period's figures as of now */
  figures(ref: PeriodRef): Promise<ReportFigures>;
  /** archive them as the schedule's edition (`created` false: it was there) */
  archiveScheduled(figures: ReportFigures, processInstanceKey: string, tx?: AppTransaction): Promise<{ reportId: number; edition: number; created: boolean }>;
}

/** 第二十七条: an assessment's period (a month or quarter, China time) */
export interface AssessmentPeriodRef {
  kind: ReportKind;
  year: number;
  /** month 1–12 or quarter 1–4 */
  index: number;
}

/** a unit's figures for the period, as the assessment takes them */
export interface UnitFigures extends AssessmentFigures {
  unitId: string;
  unitName: string;
}

export interface AssessmentResult {
  unitId: string;
  /** null: not assessed (nothing in the period) */
  score: number | null;
  rank: number | null;
  standing: Standing;
}

/**
 * The unit assessments (server/data/assessments-repository.ts) and the period's figures (第二十五条's
 * report figures). Once done an assessment never changes: `complete` leaves a done one as it is.
 */
export interface Assessments {
  /** the assessment's period and state; undefined when there is none with that id */
  get(assessmentId: string, tx?: AppTransaction): Promise<{ id: string; period: AssessmentPeriodRef; state: 'running' | 'done' } | undefined>;
  /**
   * a new running assessment of the period, requested by the schedule (the quarter's timer): the next
   * edition; nothing when one with this id exists already (a retried job)
   */
  createScheduled(assessment: { id: string; period: AssessmentPeriodRef; at: Date; processInstanceKey: string }, tx?: AppTransaction): Promise<void>;
  /** every unit's figures for the period (those of the directory and any other with a case in it) */
  unitFigures(period: AssessmentPeriodRef): Promise<UnitFigures[]>;
  /** the figures as taken, replacing those of an earlier attempt; a done assessment is not changed */
  saveFigures(assessmentId: string, rows: UnitFigures[], tx?: AppTransaction): Promise<void>;
  /** the figures saved by `saveFigures` */
  figures(assessmentId: string, tx?: AppTransaction): Promise<UnitFigures[]>;
  /** the version of the decision `unit-assessment` deployed now, when the engine tells it */
  decisionVersion(): Promise<number | null>;
  /** scores, ranks and 通报 standings, and the assessment done; false when it was done already */
  complete(assessmentId: string, results: AssessmentResult[], meta: { decisionVersion: number | null; at: Date }, tx?: AppTransaction): Promise<{ completed: boolean }>;
}

/** an entry of the knowledge base (知识库, issue 17) as the review process's workers see it */
export type KnowledgeEntryState = KnowledgeEntryCore;

/** one step of an entry's review, written with its history row */
export interface KnowledgeStep {
  /** the statuses the step moves from: in any other the entry is left as it is (a retried job finds it done) */
  from: readonly KnowledgeStatus[];
  to: KnowledgeStatus;
  action: KnowledgeAction;
  /** a staff id, or `system` */
  actor: string;
  at: Date;
  note?: string | null;
  /** publication: `published_at` (and `reviewed_at`) set to `at` */
  published?: boolean;
  /** a review's outcome: `reviewed_at` set to `at` */
  reviewed?: boolean;
  validUntil?: string;
}

/**
 * The knowledge base's entries (server/data/knowledge-store.ts over the app's knowledge repository):
 * every write appends the entry's history row and the change its search indexes catch up from.
 */
export interface KnowledgeStore {
  get(entryId: string, tx?: AppTransaction): Promise<KnowledgeEntryState | undefined>;
  /** the step, when the entry is in one of `from` (`changed` false otherwise) */
  step(entryId: string, step: KnowledgeStep, tx?: AppTransaction): Promise<{ changed: boolean }>;
  /**
   * the owner unit's revised content as a new version and the entry back in review (复核后提交审核),
   * when the entry is a draft (`changed` false otherwise: a retried job finds it in review)
   */
  revise(
    entryId: string,
    content: { question: string; answer: string; basis: string; validUntil: string | null },
    h: { actor: string; at: Date; note?: string | null },
    tx?: AppTransaction,
  ): Promise<{ changed: boolean }>;
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
  reports: ReportIssuer;
  logger: WorkerLogger;
  config: WorkerConfig;
  /**
   * 第二十七条 assessments: the app and `npm run workers` wire them (server/engine-setup.ts); a set-up
   * without them (the case scenarios) fails an assessment's jobs, saying so
   */
  assessments?: Assessments;
  /**
   * the knowledge base (issue 17): the app and `npm run workers` wire it (server/engine-setup.ts); a
   * set-up without it (the case scenarios) fails the review process's jobs, saying so
   */
  knowledge?: KnowledgeStore;
}
