/**
 * In-memory implementations of the worker dependencies, for tests without a database or an engine.
 * They keep what was written in plain arrays and maps the tests read back, and follow the
 * idempotency rules of the real repositories (dedupe keys, unique keys).
 */
import { createWorkingCalendar, type WorkingCalendar } from '../../regulation/calendar/working-calendar.js';
import type { OutboxEntry } from '../../regulation/notifications.js';
import type { PublicationSource } from '../../regulation/publication.js';
import type { JobContext } from '../../engine/port.js';
import {
  staticCalendar,
  type Outbox,
  type PetitionDirectory,
  type Publications,
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
  logger: MemoryLogger;
  workingCalendar: WorkingCalendar;
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
    logger: new MemoryLogger(),
    config: { publicBaseUrl: 'https://wz.example.gov.cn' },
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
