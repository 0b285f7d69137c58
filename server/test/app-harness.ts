/**
 * The whole app on a throw-away database (SQLite file, or MariaDB when DB_URL is set): the four
 * diagrams and decision tables deployed, every worker registered on the real stores, Longnan's units and the demo
 * accounts seeded, the fake clock. Tests act only through HTTP (supertest agents, one per person);
 * `settle()` lets the engine run what the last request started (jobs, timers due on the fake
 * clock) — the scheduler's work, done on demand (the case's projection commits with each event).
 * With SCENARIO_WORKERS=N the app's engine has no job handlers and N worker engines do the jobs
 * (worker-engines.ts).
 */
import { createPetitionMergesRepository } from '../data/petition-merges-repository.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createEmbeddedEngine } from '../../engine/embedded/index.js';
import { createDatabase } from '../../engine/embedded/store/database.js';
import { createTestEngine, type TestEngine } from '../../engine/test/harness.js';
import { createApp, projectRoot, type AppOptions } from '../app.js';
import { createCalendarRepository } from '../data/calendar-repository.js';
import { createFormsRepository } from '../data/forms-repository.js';
import { createFormGate } from '../deploy/form-gate.js';
import { importFormFiles } from '../services/form-service.js';
import { appMigrations } from '../data/migrations.js';
import { createOutboxRepository, type OutboxRepository } from '../data/outbox-repository.js';
import { createPublicationRepository } from '../data/publication-repository.js';
import { createScoreLedgerRepository } from '../data/score-ledger-repository.js';
import { DEMO_PASSWORD, seedDemoData } from '../data/seed.js';
import { workerMigrations } from '../data/worker-migrations.js';
import { createPetitionDirectory, createUnitDirectory } from '../data/directories.js';
import { createPetitionsRepository } from '../data/petitions-repository.js';
import { createUnitsRepository } from '../data/units-repository.js';
import { solveChallenge } from '../domain/challenge.js';
import { generateIdentityKey } from '../domain/identity-crypto.js';
import { createLogger } from '../logger.js';
import { createWorkers, workerOptions } from '../../workers/registry.js';
import { reportServiceOn, type ReportFiguresSource } from '../services/report-service.js';
import { startWorkerEngines, urlOf, workerEnginesWanted, type WorkerEngines } from './worker-engines.js';
import { remoteWorkersWanted, startRemoteWorkerSet } from './remote-workers.js';
import { createAssessmentStore } from '../services/assessment-store.js';
import { createReportFiguresService } from '../services/report-figures-service.js';
import { createKnowledgeStore } from '../data/knowledge-store.js';

export { urlOf };

export { DEMO_PASSWORD };

export interface TestApp {
  app: Express;
  t: TestEngine;
  /** the PII key the app encrypts petitioners' identities with */
  key: string;
  outbox: OutboxRepository;
  /** a person's browser: keeps cookies */
  agent(): request.Agent;
  /** an agent signed in as a demo account, with its CSRF token */
  signIn(username: string): Promise<Person>;
  /** an anonymous visitor with a CSRF token */
  visitor(): Promise<Person>;
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface Person {
  agent: request.Agent;
  csrf: string;
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
}

/** a person's agent that sends its CSRF token with every change */
export const person = (agent: request.Agent, csrf: string): Person => ({
  agent,
  csrf,
  get: (path) => agent.get(path),
  post: (path, body) => agent.post(path).set('x-csrf-token', csrf).send(body ?? {}),
  patch: (path, body) => agent.patch(path).set('x-csrf-token', csrf).send(body ?? {}),
  put: (path, body) => agent.put(path).set('x-csrf-token', csrf).send(body ?? {}),
  delete: (path) => agent.delete(path).set('x-csrf-token', csrf),
});

export const PETITIONER = { petitionerName: '王小明', petitionerPhone: '13900002222' };

/** a staff member signed in on `app` (the session's CSRF token first, then the sign-in's) */
async function signInTo(app: Parameters<typeof request.agent>[0], username: string): Promise<Person> {
  const agent = request.agent(app);
  const s = await agent.get('/api/session').expect(200);
  const res = await agent.post('/api/login').set('x-csrf-token', s.body.csrfToken).send({ username, password: DEMO_PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return person(agent, res.body.csrfToken);
}

export async function createTestApp(options: { start?: string; app?: AppOptions; reportFigures?: ReportFiguresSource; remoteJobTypes?: string[] } = {}): Promise<TestApp> {
  const t = await createTestEngine({ start: options.start ?? '2026-03-02T01:00:00.000Z', migrations: [...appMigrations, ...workerMigrations] });
  const dir = join(projectRoot, 'processes');
  // the diagrams and, as main.ts deploys them beside the diagrams, the decision tables (decisions/)
  const tables = join(projectRoot, 'decisions');
  await t.engine.deploy([
    ...readdirSync(dir).filter((f) => f.endsWith('.bpmn')).map((name) => ({ name, content: readFileSync(join(dir, name), 'utf8') })),
    ...readdirSync(tables).filter((f) => f.endsWith('.dmn')).map((name) => ({ name, content: readFileSync(join(tables, name), 'utf8') })),
  ]);
  const key = generateIdentityKey();
  const now = () => t.clock.now().getTime();
  await seedDemoData(t.db, { key, now });
  const outbox = createOutboxRepository(t.db, { now });
  const calendar = createCalendarRepository(t.db, { now });
  const silent = { info() {}, warn() {}, error() {} };
  const workers = createWorkers({
    calendar: () => calendar.loadCalendar(),
    clock: t.clock,
    outbox,
    ledger: createScoreLedgerRepository(t.db),
    publications: createPublicationRepository(t.db),
    units: createUnitDirectory(createUnitsRepository(t.db)),
    petitions: createPetitionDirectory(createPetitionsRepository(t.db, { key, clock: t.clock }), createPetitionMergesRepository(t.db)),
    reports: reportServiceOn(t.db, { clock: t.clock, log: silent, ...(options.reportFigures && { figures: options.reportFigures }) }).issuer,
    logger: silent,
    config: { publicBaseUrl: 'https://wz.longnan.example' },
    assessments: createAssessmentStore({ db: t.db, engine: t.engine, unitFigures: (period) => createReportFiguresService({ db: t.db, clock: t.clock }).unitFigures(period) }),
    knowledge: createKnowledgeStore(t.db),
  });
  // SCENARIO_WORKERS=N: the jobs are the worker engines' (below), none the app's
  const workerCount = workerEnginesWanted();
  // SCENARIO_REMOTE_WORKERS=N (issue 19): every job is the remote workers' (below), none the app's
  const remoteCount = remoteWorkersWanted();
  // remoteJobTypes (issue 19): left to remote workers on /engine-rest, as REMOTE_JOB_TYPES does in main.ts
  if (!workerCount && !remoteCount) for (const [type, handler] of Object.entries(workers)) if (!options.remoteJobTypes?.includes(type)) t.engine.registerWorker(type, handler, workerOptions(type));
  // forms/ as version 1 of each form, as main.ts does at start
  const { forms } = await importFormFiles({ repo: createFormsRepository(t.db, { now }), gate: createFormGate({ engine: t.engine }), dir: join(projectRoot, 'forms') });
  const app = createApp({
    engine: t.engine,
    db: t.db,
    log: createLogger('silent'),
    key,
    secret: 'the session secret of this test app, long enough',
    deployed: [],
    forms,
    clock: t.clock,
    calendar: () => calendar.loadCalendar(),
    ...(options.reportFigures && { reportFigures: options.reportFigures }),
    options: { portalRateLimit: 10_000, loginRateLimit: 10_000, ...options.app },
  });

  const workerEngines: WorkerEngines | undefined = workerCount
    ? await startWorkerEngines({ count: workerCount, url: urlOf(t.db), key, clock: t.clock, app: t.engine, appIdle: () => t.idle() })
    : undefined;
  const remote = remoteCount ? await startRemoteWorkerSet({ count: remoteCount, app, clock: t.clock, engine: t.engine, appIdle: () => t.idle() }) : undefined;

  const harness: TestApp = {
    app,
    t,
    key,
    outbox,
    agent: () => request.agent(app),
    async visitor() {
      const agent = request.agent(app);
      const s = await agent.get('/api/session').expect(200);
      return person(agent, s.body.csrfToken);
    },
    signIn: (username) => signInTo(app, username),
    async settle() {
      if (workerEngines) return workerEngines.settle();
      if (remote) return remote.settle();
      for (let i = 0; i < 20; i++) {
        await t.idle();
        if ((await t.engine.listJobs()).every((j) => j.state !== 'activatable' || (j.notBefore && j.notBefore > t.clock.now()))) return;
      }
    },
    async close() {
      await app.locals.gate.close();
      await workerEngines?.close();
      await remote?.close();
      await t.close();
    },
  };
  return harness;
}

/** the fields of a valid public submission (without the challenge) */
export const PETITION_FIELDS = {
  category: 'complaint',
  title: '小区路灯不亮',
  content: '龙南镇某小区 3 栋旁的路灯已经一周不亮,夜间出行不便。',
  township: '360783100',
  agree: true,
  ...PETITIONER,
};

/** a public submission through the API, with the challenge answered */
export async function submitPetition(h: Pick<TestApp, 'settle'>, visitor: Person, fields: Record<string, unknown> = {}) {
  const challenge = await visitor.get('/api/challenge').expect(200);
  const res = await visitor.post('/api/petitions', {
    ...PETITION_FIELDS,
    challengeToken: challenge.body.token,
    challengeAnswer: String(solveChallenge(challenge.body.question)),
    ...fields,
  });
  await h.settle();
  return res;
}

/** the one open task of an element a person sees in their task list (of the case with that tracking code, when given) */
export async function taskOf(p: Person, elementId: string, trackingCode?: string) {
  // found as staff find it: the queue searched by tracking code and narrowed to the task kind
  const list = await p.get(`/api/tasks?task=${encodeURIComponent(elementId)}${trackingCode ? `&q=${trackingCode}` : ''}`).expect(200);
  const found = list.body.filter((x: { elementId: string; petition?: { trackingCode: string } }) => x.elementId === elementId && (!trackingCode || x.petition?.trackingCode === trackingCode));
  if (found.length !== 1) throw new Error(`expected one ${elementId} task, found ${found.length}: ${list.body.map((x: { elementId: string }) => x.elementId).join(', ')}`);
  return found[0];
}

/** complete a person's task through the API, then let the engine move on */
export async function completeTask(h: Pick<TestApp, 'settle'>, p: Person, elementId: string, variables: Record<string, unknown>, trackingCode?: string) {
  const task = await taskOf(p, elementId, trackingCode);
  const res = await p.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables });
  if (res.status !== 200) throw new Error(`completing ${elementId} failed: ${res.status} ${JSON.stringify(res.body)}`);
  await h.settle();
  return task;
}

export interface SecondApp {
  app: Express;
  visitor(): Promise<Person>;
  signIn(username: string): Promise<Person>;
  close(): Promise<void>;
}

/**
 * Another app process beside `h` on the same database: its own connections, its own embedded
 * engine (no job handlers, as with WORKERS_IN_APP=false) and its own in-process state; the same
 * secret and fake clock. Jobs are run by `h.settle()`.
 */
export async function openSecondApp(h: TestApp, options: AppOptions = {}): Promise<SecondApp> {
  const db = await createDatabase({ url: urlOf(h.t.db), migrations: [...appMigrations, ...workerMigrations] });
  const engine = createEmbeddedEngine({ db, clock: h.t.clock, background: false });
  await engine.open();
  const calendar = createCalendarRepository(db, { now: () => h.t.clock.now().getTime() });
  const app = createApp({
    engine,
    db,
    log: createLogger('silent'),
    key: h.key,
    secret: 'the session secret of this test app, long enough',
    deployed: [],
    // as main.ts: forms/ brought in at start (the first app did; nothing new here) and the latest versions read
    forms: (await importFormFiles({ repo: createFormsRepository(db), gate: createFormGate({ engine }), dir: join(projectRoot, 'forms') })).forms,
    clock: h.t.clock,
    calendar: () => calendar.loadCalendar(),
    options: { portalRateLimit: 10_000, loginRateLimit: 10_000, ...options },
  });
  const visitor = async () => {
    const agent = request.agent(app);
    const s = await agent.get('/api/session').expect(200);
    return person(agent, s.body.csrfToken);
  };
  return {
    app,
    visitor,
    signIn: (username) => signInTo(app, username),
    async close() {
      await app.locals.gate.close();
      await engine.close();
      await db.close();
    },
  };
}
