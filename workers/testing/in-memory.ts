/**
 * In-memory implementations of the worker dependencies, for tests without a database or an engine.
 * They keep what was written in plain arrays and maps the tests read back, and follow the
 * idempotency rules of the real repositories (dedupe keys, unique keys).
 */
import { createWorkingCalendar, type WorkingCalendar } from '../../regulation/calendar/working-calendar.js';
import type { OutboxEntry } from '../../regulation/notifications.js';
import type { PublicationSource } from '../../regulation/publication.js';
import type { JobContext } from '../../engine/port.js';
import type { ReportFigures } from '../../regulation/report-figures.js';
import { periodOf, type PeriodRef } from '../../regulation/report-schedule.js';
import { fixtureFigures } from './report-figures-fixture.js';
import {
  staticCalendar,
  type AssessmentPeriodRef,
  type AssessmentResult,
  type Assessments,
  type UnitFigures,
  type KnowledgeEntryState,
  type KnowledgeStep,
  type KnowledgeStore,
  type Outbox,
  type PetitionDirectory,
  type Publications,
  type ReportIssuer,
  type ScoreLedger,
  type UnitDirectory,
  type UnitInfo,
  type UnitRole,
  type WorkerDeps,
  type WorkerLogger,
} from '../deps.js';

export class InMemoryOutbox implements Outbox {
  readonly entries: (OutboxEntry & { id: number })[] = [];
  async enqueue(entry: OutboxEntry) {
    const found = this.entries.find((e) => e.dedupeKey === entry.dedupeKey);
    if (found) return { id: found.id, created: false };
    const id = this.entries.length + 1;
    this.entries.push({ ...structuredClone(entry), id });
    return { id, created: true };
  }
}

type WarningEntry = Parameters<ScoreLedger['recordWarning']>[0];
type TransferEntry = Parameters<ScoreLedger['recordTransfer']>[0];

export class InMemoryLedger implements ScoreLedger {
  readonly warnings: WarningEntry[] = [];
  readonly transfers: Omit<TransferEntry, 'reason'>[] = [];
  readonly criticisms: { unitId: string; petitionId: string; deadlineSeq: number; reason: string; at: Date }[] = [];
  async recordWarning(entry: WarningEntry) {
    if (this.warnings.some((w) => w.petitionId === entry.petitionId && w.deadlineSeq === entry.deadlineSeq && w.level === entry.level)) return { created: false };
    this.warnings.push({ ...entry });
    return { created: true };
  }
  async recordTransfer(entry: TransferEntry) {
    if (this.transfers.some((t) => t.petitionId === entry.petitionId && t.deadlineSeq === entry.deadlineSeq)) return { created: false };
    const { reason, ...transfer } = entry;
    this.transfers.push(transfer);
    this.criticisms.push({ unitId: entry.unitId, petitionId: entry.petitionId, deadlineSeq: entry.deadlineSeq, reason, at: entry.at });
    return { created: true };
  }
  /** a unit's deductions in tenths */
  totalTenths(unitId?: string): number {
    return this.warnings.filter((w) => unitId === undefined || w.unitId === unitId).reduce((sum, w) => sum + w.points, 0);
  }
}

export class InMemoryPublications implements Publications {
  readonly rows = new Map<string, { petitionId: string; title: string; maskedText: string; publishedAt: Date }>();
  async publish(entry: { petitionId: string; title: string; maskedText: string; publishedAt: Date }) {
    const old = this.rows.get(entry.petitionId);
    if (old && old.title === entry.title && old.maskedText === entry.maskedText) return { created: false, updated: false };
    this.rows.set(entry.petitionId, { ...entry });
    return { created: !old, updated: !!old };
  }
}

export class InMemoryUnitDirectory implements UnitDirectory {
  constructor(
    readonly units: UnitInfo[],
    /** `${unitId}:${role}` → staff account reference; by default every unit has every role as `${role}-of-${unitId}` */
    readonly recipients?: Map<string, string>,
  ) {}
  async list() {
    return this.units.map((u) => ({ ...u }));
  }
  async recipient(unitId: string, role: UnitRole) {
    if (!this.units.some((u) => u.id === unitId)) return undefined;
    return this.recipients ? this.recipients.get(`${unitId}:${role}`) : `${role}-of-${unitId}`;
  }
}

/**
 * Petitions in memory: statuses as they were set, publication sources as the test registers them.
 * A petition without a registered source has a plain title and no identity (`{ title: '诉求 <id>' }`),
 * so scenarios that do not care about publication run; `strict: true` answers undefined instead, as
 * the app's store does for an unknown petition.
 */
export class InMemoryPetitionDirectory implements PetitionDirectory {
  readonly statuses = new Map<string, string[]>();
  /** the deadline in force passed with each status (按期办结), by petition and status */
  readonly deadlines = new Map<string, string>();
  /** petition ids whose identity was read (the app logs every such read) */
  readonly identityReads: string[] = [];
  constructor(
    readonly sources: Map<string, PublicationSource> = new Map(),
    readonly options: { strict?: boolean } = {},
  ) {}
  async setStatus(petitionId: string, status: string, _tx?: unknown, context?: { finishDueAt?: string }) {
    if (context?.finishDueAt) this.deadlines.set(`${petitionId}:${status}`, context.finishDueAt);
    const list = this.statuses.get(petitionId) ?? [];
    if (list[list.length - 1] !== status) list.push(status);
    this.statuses.set(petitionId, list);
  }
  async getPublicationSource(petitionId: string): Promise<PublicationSource | undefined> {
    const source = this.sources.get(petitionId);
    if (source) {
      this.identityReads.push(petitionId);
      return { ...source };
    }
    return this.options.strict ? undefined : { title: `诉求 ${petitionId}` };
  }
  /** 归并: kept case id → the petitions merged into it */
  readonly merged = new Map<string, { petitionId: string; trackingCode: string }[]>();
  async mergedFrom(petitionId: string) {
    return [...(this.merged.get(petitionId) ?? [])];
  }
  status(petitionId: string): string | undefined {
    const list = this.statuses.get(petitionId);
    return list?.[list.length - 1];
  }
}

/** the archive in memory: the schedule's edition once per period; figures from the fixture of the period */
export class InMemoryReports implements ReportIssuer {
  readonly issued: { reportId: number; edition: number; figures: ReportFigures; processInstanceKey: string; origin: 'schedule' }[] = [];
  figuresAsked: PeriodRef[] = [];
  async scheduled(ref: PeriodRef) {
    const r = this.issued.find((x) => x.figures.period.kind === ref.kind && x.figures.period.year === ref.year && x.figures.period.index === ref.index);
    return r && { reportId: r.reportId, edition: r.edition };
  }
  async figures(ref: PeriodRef) {
    this.figuresAsked.push(ref);
    return fixtureFigures(periodOf(ref));
  }
  async archiveScheduled(figures: ReportFigures, processInstanceKey: string) {
    const had = await this.scheduled(figures.period);
    if (had) return { ...had, created: false };
    const reportId = this.issued.length + 1;
    this.issued.push({ reportId, edition: 1, figures: structuredClone(figures), processInstanceKey, origin: 'schedule' });
    return { reportId, edition: 1, created: true };
  }
}

/** assessments in memory: the period's figures as the test gives them, what the workers saved */
export class InMemoryAssessments implements Assessments {
  readonly rows = new Map<string, { id: string; period: AssessmentPeriodRef; state: 'running' | 'done'; figures: UnitFigures[]; results?: AssessmentResult[]; decisionVersion?: number | null; doneAt?: Date }>();
  /** the figures `unitFigures` answers, by `kind:year:index` */
  readonly periodFigures = new Map<string, UnitFigures[]>();
  version: number | null = 1;
  add(id: string, period: AssessmentPeriodRef) {
    this.rows.set(id, { id, period, state: 'running', figures: [] });
  }
  async get(id: string) {
    const r = this.rows.get(id);
    return r && { id: r.id, period: { ...r.period }, state: r.state };
  }
  async createScheduled(a: { id: string; period: AssessmentPeriodRef }) {
    if (!this.rows.has(a.id)) this.add(a.id, a.period);
  }
  async unitFigures(p: AssessmentPeriodRef) {
    return structuredClone(this.periodFigures.get(`${p.kind}:${p.year}:${p.index}`) ?? []);
  }
  async saveFigures(id: string, rows: UnitFigures[]) {
    const r = this.rows.get(id);
    if (!r) throw new Error(`no assessment ${id}`);
    if (r.state === 'running') r.figures = structuredClone(rows);
  }
  async figures(id: string) {
    return structuredClone(this.rows.get(id)?.figures ?? []);
  }
  async decisionVersion() {
    return this.version;
  }
  async complete(id: string, results: AssessmentResult[], meta: { decisionVersion: number | null; at: Date }) {
    const r = this.rows.get(id);
    if (!r) throw new Error(`no assessment ${id}`);
    if (r.state === 'done') return { completed: false };
    Object.assign(r, { state: 'done', results: structuredClone(results), decisionVersion: meta.decisionVersion, doneAt: meta.at });
    return { completed: true };
  }
}

/** the knowledge base in memory: entries as the test adds them, each write's history row */
export class InMemoryKnowledge implements KnowledgeStore {
  readonly entries = new Map<string, KnowledgeEntryState & { publishedAt?: Date; reviewedAt?: Date }>();
  readonly history: { entryId: string; version: number; action: string; status: string; actor: string; at: Date; note: string | null }[] = [];
  add(entry: Partial<KnowledgeEntryState> & { id: string }) {
    this.entries.set(entry.id, { status: 'review', version: 1, question: '问题', answer: '答案', basis: '', validUntil: '2027-03-01', ownerUnitId: 'u-longnan', ...entry });
  }
  async get(id: string) {
    const e = this.entries.get(id);
    return e && { ...e };
  }
  async step(id: string, s: KnowledgeStep) {
    const e = this.entries.get(id);
    if (!e || !s.from.includes(e.status)) return { changed: false };
    e.status = s.to;
    if (s.validUntil !== undefined) e.validUntil = s.validUntil;
    if (s.published) e.publishedAt = s.at;
    if (s.published || s.reviewed) e.reviewedAt = s.at;
    this.history.push({ entryId: id, version: e.version, action: s.action, status: e.status, actor: s.actor, at: s.at, note: s.note ?? null });
    return { changed: true };
  }
  async revise(id: string, content: { question: string; answer: string; basis: string; validUntil: string | null }, h: { actor: string; at: Date; note?: string | null }) {
    const e = this.entries.get(id);
    if (!e || e.status !== 'draft') return { changed: false };
    Object.assign(e, content, { status: 'review', version: e.version + 1 });
    this.history.push({ entryId: id, version: e.version, action: 'renewed', status: 'review', actor: h.actor, at: h.at, note: h.note ?? null });
    return { changed: true };
  }
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

export class MemoryLogger implements WorkerLogger {
  readonly entries: LogEntry[] = [];
  info(obj: object, msg?: string) {
    this.entries.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string) {
    this.entries.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string) {
    this.entries.push({ level: 'error', obj, msg });
  }
}

export interface SettableClock {
  now(): Date;
  set(at: Date | string): void;
}

export function settableClock(start: Date | string): SettableClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at).getTime();
    },
  };
}

/** the units the tests use: two townships, a market-regulation department, an enterprise */
export const TEST_UNITS: UnitInfo[] = [
  { id: 'u-longnan', name: '龙南镇人民政府', kind: 'township', township: '360727100' },
  { id: 'u-dongjiang', name: '东江乡人民政府', kind: 'township', township: '360727200' },
  { id: 'u-market', name: '龙南市市场监督管理局', kind: 'department' },
  { id: 'u-housing', name: '龙南市住房和城乡建设局', kind: 'department' },
  { id: 'u-water', name: '龙南市自来水公司', kind: 'enterprise' },
];

export interface TestDeps extends WorkerDeps {
  clock: SettableClock;
  outbox: InMemoryOutbox;
  ledger: InMemoryLedger;
  publications: InMemoryPublications;
  units: InMemoryUnitDirectory;
  petitions: InMemoryPetitionDirectory;
  reports: InMemoryReports;
  logger: MemoryLogger;
  workingCalendar: WorkingCalendar;
  assessments: InMemoryAssessments;
  knowledge: InMemoryKnowledge;
}

/** every dependency in memory; the calendar is the official schedule without overrides */
export function createTestDeps(options: { now?: string; units?: UnitInfo[]; calendar?: WorkingCalendar } = {}): TestDeps {
  const workingCalendar = options.calendar ?? createWorkingCalendar({});
  return {
    workingCalendar,
    calendar: staticCalendar(workingCalendar),
    clock: settableClock(options.now ?? '2026-03-02T02:00:00.000Z'),
    outbox: new InMemoryOutbox(),
    ledger: new InMemoryLedger(),
    publications: new InMemoryPublications(),
    units: new InMemoryUnitDirectory(options.units ?? TEST_UNITS),
    petitions: new InMemoryPetitionDirectory(),
    reports: new InMemoryReports(),
    logger: new MemoryLogger(),
    config: { publicBaseUrl: 'https://wz.example.gov.cn' },
    assessments: new InMemoryAssessments(),
    knowledge: new InMemoryKnowledge(),
  };
}

let jobCounter = 0;

/** a job context as the engine gives it */
export function jobContext(type: string, headers: Record<string, string> = {}, jobKey?: string): JobContext {
  jobCounter += 1;
  return {
    jobKey: jobKey ?? `job-${jobCounter}`,
    type,
    processInstanceKey: 'pi-1',
    processId: 'unit-handling',
    elementId: `task-${type}`,
    headers,
    retries: 3,
  };
}
