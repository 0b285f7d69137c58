/**
 * The regulation's scenarios run on the embedded engine: the four diagrams of processes/, every
 * worker of the registry, and the app's own stores — the calendar (official schedule + overrides),
 * the outbox, score ledger and publications, Longnan's units as seeded, petitions with encrypted
 * identity. Time moves only on the fake clock.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestEngine, type TestEngine } from '../../engine/test/harness.js';
import type { EnginePort, UserTask, Variables } from '../../engine/port.js';
import { appMigrations } from '../../server/data/migrations.js';
import { workerMigrations } from '../../server/data/worker-migrations.js';
import { createCalendarRepository, type CalendarRepository } from '../../server/data/calendar-repository.js';
import { createOutboxRepository, type OutboxRepository } from '../../server/data/outbox-repository.js';
import { createScoreLedgerRepository, type ScoreLedgerRepository } from '../../server/data/score-ledger-repository.js';
import { createPublicationRepository, type PublicationRepository } from '../../server/data/publication-repository.js';
import { createWorkers } from '../../workers/registry.js';
import { createPetitionDirectory, createUnitDirectory } from '../../server/data/directories.js';
import { createPetitionsRepository, type PetitionsRepository } from '../../server/data/petitions-repository.js';
import { createUnitsRepository, type UnitsRepository } from '../../server/data/units-repository.js';
import { seedDemoData } from '../../server/data/seed.js';
import { generateIdentityKey } from '../../server/domain/identity-crypto.js';

const processesDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Scenario {
  t: TestEngine;
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
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function createScenario(options: { start: string }): Promise<Scenario> {
  const t = await createTestEngine({ start: options.start, migrations: [...appMigrations, ...workerMigrations] });
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
    logger: silent,
    config: { publicBaseUrl: 'https://wz.longnan.example' },
  });
  for (const [type, handler] of Object.entries(workers)) t.engine.registerWorker(type, handler);

  const openTasks = () => t.engine.listUserTasks({ state: 'created' });
  const s: Scenario = {
    t,
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
      await t.idle();
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
      await t.idle();
    },
    async publish(name, petitionId, variables = {}) {
      await t.engine.publishMessage({ name, correlationKey: petitionId, variables });
      await t.idle();
    },
    async handling(petitionId) {
      const rows = (await t.db.sequelize.query(
        "SELECT id, variables FROM engine_instances WHERE process_id = 'unit-handling' ORDER BY started_at DESC, id DESC",
        { type: 'SELECT' as any },
      )) as { id: string; variables: string }[];
      const match = rows.map((r) => JSON.parse(r.variables)).find((v) => v.petitionId === petitionId);
      if (!match) throw new Error(`no unit-handling instance for ${petitionId}`);
      return match;
    },
    idle: () => t.idle(),
    close: () => t.close(),
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
