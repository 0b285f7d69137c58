/**
 * The configured process engine and the job handlers, as `npm start` (the app) and `npm run
 * workers` (worker processes beside it) both open them: ENGINE=embedded (default) or ENGINE=zeebe.
 */
import type { Database } from '../engine/embedded/store/database.js';
import { createEmbeddedEngine } from '../engine/embedded/index.js';
import { systemClock, type Clock } from '../engine/clock.js';
import type { DeployResource, EnginePort, JobHandler } from '../engine/port.js';
import { zeebeRecordMigrations } from '../engine/zeebe/records-migrations.js';
import { createWorkers } from '../workers/registry.js';
import type { Assessments, KnowledgeStore, WorkerDeps } from '../workers/deps.js';
import { createWorkingCalendar, type WorkingCalendar, type WorkingCalendarOptions } from '../regulation/calendar/working-calendar.js';
import type { PetitionsRepositoryOptions } from './data/petitions-repository.js';
import type { Config } from './config.js';
import { createCalendarRepository } from './data/calendar-repository.js';
import { createPetitionDirectory, createUnitDirectory, type AppPetitionDirectory } from './data/directories.js';
import { createFormsRepository } from './data/forms-repository.js';
import { appMigrations } from './data/migrations.js';
import { createOutboxRepository } from './data/outbox-repository.js';
import { createPublicationRepository } from './data/publication-repository.js';
import { createScoreLedgerRepository } from './data/score-ledger-repository.js';
import { workerMigrations } from './data/worker-migrations.js';
import { reportServiceOn } from './services/report-service.js';
import type { Logger } from './logger.js';
import { createAssessmentStore } from './services/assessment-store.js';
import { createReportFiguresService, type ReportFiguresService } from './services/report-figures-service.js';
import { createHotspotReader } from './services/hotspot-service.js';
import { createPetitionKeywordsRepository } from './data/petition-keywords-repository.js';
import { createUnitsRepository } from './data/units-repository.js';
import { createKnowledgeStore } from './data/knowledge-store.js';

/** the app's tables, and the Zeebe adapter's records when it is the engine */
export function migrationsFor(config: Pick<Config, 'engine'>) {
  return [...appMigrations, ...workerMigrations, ...(config.engine === 'zeebe' ? zeebeRecordMigrations : [])];
}

const CALENDAR_TTL_MS = 1_000;

export interface WorkerDepsInput {
  db: Database;
  key: PetitionsRepositoryOptions['key'];
  log: Logger;
  config: Pick<Config, 'publicBaseUrl'>;
  clock?: Clock;
  engine?: Pick<EnginePort, 'listDecisionDefinitions'>;
  reportFigures?: ReportFiguresService;
}

/**
 * The job handlers' dependencies on the real stores, with what the worker services (issue 19:
 * server/routes/worker-services.ts) serve remote workers beyond WorkerDeps: the data the working
 * calendar is built from, and the publication's identity read logged as the calling credential.
 */
export interface AppWorkerDeps extends WorkerDeps {
  petitions: AppPetitionDirectory;
  assessments: Assessments;
  knowledge: KnowledgeStore;
  /** the overrides and complete years the calendar is built from (the same second's read as `calendar`) */
  calendarOptions(): Promise<WorkingCalendarOptions>;
}

/**
 * every job handler's dependencies, on the real stores (on the system clock unless a test passes its
 * fake one); `engine`: where the assessment reads the decision's version (none recorded without it);
 * `reportFigures`: the figures the reports and the assessment count from (the app passes its own, with
 * the hotspots)
 */
export function createWorkerDeps(deps: WorkerDepsInput): AppWorkerDeps {
  const { db, key, log, config, clock = systemClock } = deps;
  const now = () => clock.now().getTime();
  // the scheduled reports name the period's hotspots as the on-demand ones do
  const reports =
    deps.reportFigures ??
    createReportFiguresService({
      db,
      clock,
      hotspots: createHotspotReader({ keywords: createPetitionKeywordsRepository(db, { now }), units: createUnitsRepository(db) }).top,
    });
  const calendars = createCalendarRepository(db, { now });
  // the jobs of one step read the calendar within a second of each other (deadlines, warnings): one
  // read serves them, and an admin's change applies to the jobs a second later
  let cached: { at: number; loaded: Promise<{ options: WorkingCalendarOptions; calendar: WorkingCalendar }> } | undefined;
  const load = () => {
    if (!cached || Date.now() - cached.at >= CALENDAR_TTL_MS) {
      const loaded = calendars.loadOptions().then((options) => ({ options, calendar: createWorkingCalendar(options) }));
      cached = { at: Date.now(), loaded };
      loaded.catch(() => (cached = undefined));
    }
    return cached.loaded;
  };
  return {
    calendar: () => load().then((l) => l.calendar),
    calendarOptions: () => load().then((l) => l.options),
    clock,
    outbox: createOutboxRepository(db, { now }),
    ledger: createScoreLedgerRepository(db),
    publications: createPublicationRepository(db),
    units: createUnitDirectory(db),
    petitions: createPetitionDirectory({ db, key, clock }),
    reports: reportServiceOn(db, { clock, log, figures: reports }).issuer,
    logger: log.child({ part: 'workers' }),
    config: { publicBaseUrl: config.publicBaseUrl },
    assessments: createAssessmentStore({ db, unitFigures: (period) => reports.unitFigures(period), ...(deps.engine && { engine: deps.engine }) }),
    knowledge: createKnowledgeStore(db),
  };
}

/** every registered job handler, on the real stores (see createWorkerDeps) */
export function createJobHandlers(deps: WorkerDepsInput): Record<string, JobHandler> {
  return createWorkers(createWorkerDeps(deps));
}

/**
 * The engine: `app` runs everything (embedded: timers, jobs, messages; Zeebe: the task and
 * instance mirrors too); `workers` only takes jobs of the handlers registered with it.
 */
export async function openConfiguredEngine(config: Pick<Config, 'engine'> & Partial<Pick<Config, 'jobPollMs'>>, deps: { db: Database; log: Logger; role: 'app' | 'workers'; clock?: Clock }): Promise<EnginePort> {
  const { db, log, role, clock } = deps;
  const logger = log.child({ part: 'engine' });
  if (config.engine === 'embedded') return createEmbeddedEngine({ db, logger, jobsOnly: role === 'workers', ...(clock && { clock }), ...(config.jobPollMs !== undefined && { pollInterval: config.jobPollMs }) });
  // the SDK loads only here, configured from its own environment variables
  const [{ connectZeebe }, { createZeebeEngine }] = await Promise.all([import('../engine/zeebe/connect.js'), import('../engine/zeebe/index.js')]);
  const { grpc, rest } = await connectZeebe(log.child({ part: 'zeebe-sdk' }));
  const forms = createFormsRepository(db);
  // linked forms go to Zeebe with the diagrams that name them: the latest version of the form store
  const formsOf = async (ids: string[]): Promise<DeployResource[]> => {
    const found = await Promise.all(ids.map((id) => forms.get(id)));
    return found.filter((f) => f !== undefined).map((f) => ({ name: `${f.formId}.form`, content: JSON.stringify(f.schema) }));
  };
  return createZeebeEngine({ grpc, rest, db, logger, role, formsOf });
}
