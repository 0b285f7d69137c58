/**
 * The regulation's scenarios, on the embedded engine and (engines.ts) on Zeebe: the four diagrams
 * of processes/, every worker of the registry, and the app's own stores — the calendar (official
 * schedule + overrides), the outbox, score ledger and publications, Longnan's units as seeded,
 * petitions with encrypted identity. Time moves only on the fake clock; on Zeebe, idle() pins the
 * broker's clock to it and waits until the broker is quiet. Scenarios read the engine only
 * through the port.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEngine, openTestDatabase } from '../../engine/test/harness.js';
import { createFakeClock, type FakeClock } from '../../engine/clock.js';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import type { EnginePort, UserTask, Variables } from '../../engine/port.js';
import { zeebeRecordMigrations } from '../../engine/zeebe/records-migrations.js';
import type { ScenarioEngine } from './engines.js';
import { appMigrations } from '../../server/data/migrations.js';
import { workerMigrations } from '../../server/data/worker-migrations.js';
import { createCalendarRepository, type CalendarRepository } from '../../server/data/calendar-repository.js';
import { createOutboxRepository, type OutboxRepository } from '../../server/data/outbox-repository.js';
import { createScoreLedgerRepository, type ScoreLedgerRepository } from '../../server/data/score-ledger-repository.js';
import { createPublicationRepository, type PublicationRepository } from '../../server/data/publication-repository.js';
import { createWorkers, workerOptions } from '../../workers/registry.js';
import { createPetitionDirectory, createUnitDirectory } from '../../server/data/directories.js';
import { createPetitionsRepository, type PetitionsRepository } from '../../server/data/petitions-repository.js';
import { createUnitsRepository, type UnitsRepository } from '../../server/data/units-repository.js';
import { seedDemoData } from '../../server/data/seed.js';
import { generateIdentityKey } from '../../server/domain/identity-crypto.js';
import { createLogger } from '../../server/logger.js';
import { startWorkerEngines, urlOf, workerEnginesWanted } from '../../server/test/worker-engines.js';
import { reportServiceOn } from '../../server/services/report-service.js';
import { remoteWorkersWanted, startRemoteWorkerSet } from '../../server/test/remote-workers.js';
import { createApp } from '../../server/app.js';

const processesDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const formsDir = join(processesDir, '..', 'forms');

export interface Scenario {
  /** which engine runs it */
  kind: ScenarioEngine;
  clock: FakeClock;
  db: Database;
  engine: EnginePort;
  outbox: OutboxRepository;
  ledger: ScoreLedgerRepository;
  publications: PublicationRepository;
  calendar: CalendarRepository;
  petitions: PetitionsRepository;
  units: UnitsRepository;
  /** submit a petition (stored with its petitioner) and start petition-lifecycle for it */
  submit(variables?: Variables & { petitionerName?: string; petitionerPhone?: string; confidential?: boolean }): Promise<string>;
  /** the petition's status as the petitioner sees it */
  status(petitionId: string): Promise<string | undefined>;
  /** the open user task of an element (any instance), or a failed test */
  task(elementId: string): Promise<UserTask>;
  /** open user tasks' element ids */
  open(): Promise<string[]>;
  complete(elementId: string, variables?: Variables): Promise<void>;
  publish(name: string, petitionId: string, variables?: Variables): Promise<void>;
  /** the variables of the unit-handling instance of a petition (the latest) */
  handling(petitionId: string): Promise<Variables>;
  /** the instances of a process, newest first */
  instances(processId: string): Promise<{ processInstanceKey: string; state: string; variables: Variables }[]>;
  /** when an element of an instance completed (a service task's job, a user task, an event) */
  completedAt(processInstanceKey: string, elementId: string): Promise<string[]>;
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Opened {
  engine: EnginePort;
  clock: FakeClock;
  db: Database;
  idle(): Promise<void>;
  close(): Promise<void>;
}

const migrations = [...appMigrations, ...workerMigrations];

async function openEmbedded(start: string): Promise<Opened> {
  const t = await createTestEngine({ start, migrations });
  return { engine: t.engine, clock: t.clock, db: t.db, idle: () => t.idle(), close: () => t.close() };
}

/** a fresh records database per scenario against the broker of the run; the instances it started are canceled at the end */
async function openZeebe(start: string): Promise<Opened> {
  const [{ connectZeebe }, { createZeebeEngine }] = await Promise.all([import('../../engine/zeebe/connect.js'), import('../../engine/zeebe/index.js')]);
  const clock = createFakeClock(start);
  const target = await openTestDatabase();
  const db = await createDatabase({ url: target.url, migrations: [...migrations, ...zeebeRecordMigrations] });
  await db.migrate();
  // the SDK's own logging goes to the silent test logger
  const { grpc, rest } = await connectZeebe(createLogger('silent'));
  const forms = new Map(readdirSync(formsDir).filter((f) => f.endsWith('.form')).map((f) => [f.replace(/\.form$/, ''), readFileSync(join(formsDir, f), 'utf8')]));
  const engine = createZeebeEngine({
    grpc,
    rest,
    db,
    clock,
    controlClock: true,
    formsOf: async (ids) => ids.filter((id) => forms.has(id)).map((id) => ({ name: `${id}.form`, content: forms.get(id)! })),
  });
  await engine.open();
  return {
    engine,
    clock,
    db,
    idle: () => engine.idle(),
    async close() {
      // the broker outlives the scenario: what it started must not run on into the next one
      for (const i of await engine.listProcessInstances({ state: 'active', limit: 500 })) await engine.cancel(i.processInstanceKey).catch(() => undefined);
      await engine.close();
      await db.close();
      await target.drop();
    },
  };
}

export async function createScenario(options: { start: string; engine?: ScenarioEngine }): Promise<Scenario> {
  const kind = options.engine ?? 'embedded';
  const t = kind === 'zeebe' ? await openZeebe(options.start) : await openEmbedded(options.start);
  const files = readdirSync(processesDir).filter((f) => f.endsWith('.bpmn'));
  await t.engine.deploy(files.map((name) => ({ name, content: readFileSync(join(processesDir, name), 'utf8') })));
  const now = () => t.clock.now().getTime();
  const outbox = createOutboxRepository(t.db, { now });
  const ledger = createScoreLedgerRepository(t.db);
  const publications = createPublicationRepository(t.db);
  const calendar = createCalendarRepository(t.db, { now: () => t.clock.now() });
  const key = generateIdentityKey();
  await seedDemoData(t.db, { key, now, accounts: false });
  const petitions = createPetitionsRepository(t.db, { key, clock: t.clock });
  const units = createUnitsRepository(t.db);
  const silent = { info() {}, warn() {}, error() {} };
  const workers = createWorkers({
    calendar: () => calendar.loadCalendar(),
    clock: t.clock,
    outbox,
    ledger,
    publications,
    units: createUnitDirectory(units),
    petitions: createPetitionDirectory(petitions),
    reports: reportServiceOn(t.db, { clock: t.clock, log: silent }).issuer,
    logger: silent,
    config: { publicBaseUrl: 'https://wz.longnan.example' },
  });
  // SCENARIO_WORKERS=N (embedded engine): the jobs are done by N worker engines as `npm run workers`
  // starts them, none by the scenario's engine; idle() waits for all of them
  const workerCount = kind === 'embedded' ? workerEnginesWanted() : 0;
  const workerEngines = workerCount
    ? await startWorkerEngines({ count: workerCount, url: urlOf(t.db), key, clock: t.clock, app: t.engine, appIdle: () => t.idle() })
    : undefined;
  // SCENARIO_REMOTE_WORKERS=N (embedded engine, issue 19): every job taken by N remote workers on
  // the app's /engine-rest (camunda-external-task-client-js, as `npm run workers` with
  // ENGINE_REST_URL); the app around the scenario's engine serves them
  const remoteCount = kind === 'embedded' && !workerEngines ? remoteWorkersWanted() : 0;
  const remoteApp = remoteCount
    ? createApp({ engine: t.engine, db: t.db, log: createLogger('silent'), key, secret: 'the session secret of this scenario, long enough', deployed: [], clock: t.clock, calendar: () => calendar.loadCalendar() })
    : undefined;
  const remote = remoteApp ? await startRemoteWorkerSet({ count: remoteCount, app: remoteApp, clock: t.clock, engine: t.engine, appIdle: () => t.idle() }) : undefined;
  if (!workerEngines && !remote) for (const [type, handler] of Object.entries(workers)) t.engine.registerWorker(type, handler, workerOptions(type));
  const idle = () => (workerEngines ? workerEngines.settle() : remote ? remote.settle() : t.idle());

  const openTasks = () => t.engine.listUserTasks({ state: 'created' });
  const s: Scenario = {
    kind,
    clock: t.clock,
    db: t.db,
    engine: t.engine,
    outbox,
    ledger,
    publications,
    calendar,
    petitions,
    units,
    async submit(variables = {}) {
      const { petitionerName = '李四', petitionerPhone = '13900001111', confidential = false, ...rest } = variables;
      const input = { category: 'complaint', urgent: false, township: '360783100', channel: 'web', title: '小区路灯不亮', ...rest } as Variables;
      const petition = await petitions.create({
        channel: input.channel as any,
        category: input.category as any,
        title: String(input.title),
        content: '小区 3 栋旁的路灯已经一周不亮。',
        township: (input.township as string) ?? null,
        urgent: Boolean(input.urgent),
        confidential,
        petitionerName,
        petitionerPhone,
      });
      await t.engine.start('petition-lifecycle', { ...input, petitionId: petition.id, trackingCode: petition.trackingCode });
      await idle();
      return petition.id;
    },
    async status(petitionId) {
      return (await petitions.get(petitionId))?.status;
    },
    async task(elementId) {
      const found = (await openTasks()).filter((x) => x.elementId === elementId);
      if (found.length !== 1) {
        // say what the engine is stuck on: a failing job or an incident explains a missing task
        const jobs = (await t.engine.listJobs()).filter((j) => j.errorMessage || j.state !== 'activatable');
        const incidents = await t.engine.listIncidents({ state: 'active' });
        throw new Error(
          `expected one open task ${elementId}, found ${found.length} (open: ${(await s.open()).join(', ')}; ` +
            `jobs: ${JSON.stringify(jobs.map((j) => [j.elementId, j.state, j.errorMessage]))}; incidents: ${JSON.stringify(incidents.map((i) => [i.elementId, i.errorMessage]))})`,
        );
      }
      return found[0];
    },
    async open() {
      return (await openTasks()).map((x) => x.elementId).sort();
    },
    async complete(elementId, variables = {}) {
      const task = await s.task(elementId);
      await t.engine.completeUserTask(task.userTaskKey, variables);
      await idle();
    },
    async publish(name, petitionId, variables = {}) {
      await t.engine.publishMessage({ name, correlationKey: petitionId, variables });
      await idle();
    },
    async handling(petitionId) {
      const match = (await s.instances('unit-handling')).map((i) => i.variables).find((v) => v.petitionId === petitionId);
      if (!match) throw new Error(`no unit-handling instance for ${petitionId}`);
      return match;
    },
    async instances(processId) {
      return (await t.engine.listProcessInstances({ processId, limit: 500 })).map((i) => ({ processInstanceKey: i.processInstanceKey, state: i.state, variables: i.variables }));
    },
    async completedAt(processInstanceKey, elementId) {
      // the embedded adapter records every element; on Zeebe a service task shows as its job
      const done = kind === 'zeebe' ? ['completed', 'job-completed'] : ['completed'];
      return (await t.engine.getHistory(processInstanceKey)).filter((e) => e.elementId === elementId && done.includes(e.event)).map((e) => e.at.toISOString());
    },
    idle,
    async close() {
      await workerEngines?.close();
      await remote?.close();
      await remoteApp?.locals.gate.close();
      await t.close();
    },
  };
  return s;
}

/** dispatch a screened, in-scope petition to a unit and sign it there */
export async function dispatchAndSign(s: Scenario, unitId = 'u-longnan') {
  await s.complete('Task_ScreenPetition', { inScope: true, isMajor: false });
  await s.complete('Task_DispatchPetition', { unitId, jointMode: 'single' });
  await s.complete('Task_SignOrReturn', { returnRequested: false });
}

/** from a signed complaint to the platform's 办结审核: contact, reply, OA sign-off */
export async function replyAndSignOff(s: Scenario, reply: Record<string, unknown> = {}) {
  await s.complete('Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人' });
  await s.complete('Task_DraftReply', {
    reply: {
      handledAt: '2026-03-03T02:00:00Z',
      handlingUnit: '龙南镇人民政府',
      result: '已修复小区路灯,恢复照明。',
      legalBasis: '《城市照明管理规定》第二十条',
      contactRecord: '2026-03-02 电话告知诉求人处理进度',
      publishable: true,
      replyText: '您反映的小区路灯不亮问题已修复。联系人张三,电话13812345678。',
      ...reply,
    },
  });
  await s.complete('Task_OASignOff', { signOffApproved: true });
}

/** the outbox rows of a template, oldest first */
export async function sent(s: Scenario, template: string) {
  return (await s.outbox.list({ limit: 1000 })).filter((m) => m.template === template);
}
