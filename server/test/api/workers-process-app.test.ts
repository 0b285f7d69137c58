/**
 * Issue 13, defect 1: the app with WORKERS_IN_APP=false beside an `npm run workers` process on one
 * database. The user tasks a job creates are created in the workers process's transaction; what
 * the app shows for them (the case's status, the unit it is assigned to) must come from the
 * database, not from an event only the workers process saw. Driven through the app's HTTP API;
 * the workers process is bin/database-workers.ts's startWorkers (its engine polls the shared tables).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { startWorkers, type RunningWorkers } from '../../../bin/database-workers.js';
import { createTestApp, openSecondApp, PETITIONER, submitPetition, taskOf, urlOf, type Person, type SecondApp, type TestApp } from '../app-harness.js';

/** resolves when `check` answers something truthy; fails after `ms` with the last answer */
async function until<T>(check: () => Promise<T>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the app beside a workers process (WORKERS_IN_APP=false)', () => {
  let h: TestApp;
  let app: SecondApp;
  let workers: RunningWorkers;
  beforeAll(async () => {
    // h migrates, deploys and seeds the database; its own engine is never run here
    h = await createTestApp();
    app = await openSecondApp(h);
    workers = await startWorkers({ DB_URL: urlOf(h.t.db), ENGINE: 'embedded', LOG_LEVEL: 'silent', PII_KEY: h.key, JOB_TIMEOUT_SECONDS: '60' });
  });
  afterAll(async () => {
    await workers?.stop();
    await app?.close();
    await h?.close();
  });

  it('given tasks created by jobs in the workers process, when the petitioner tracks the case and the unit’s handler opens it, then the app shows it screened and assigned', async () => {
    const citizen = await app.visitor();
    const submitted = await submitPetition({ settle: async () => undefined }, citizen);
    expect(submitted.status).toBe(201);
    const code: string = submitted.body.trackingCode;
    const status = async () => (await citizen.post('/api/track', { trackingCode: code, phone: PETITIONER.petitionerPhone }).expect(200)).body.status as string;
    // the notification job runs in the workers process, which then creates the screening task
    await until(async () => (await status()) === 'screening');

    const intake = await app.signIn('intake');
    const complete = async (p: Person, elementId: string, variables: Record<string, unknown>) => {
      const task = await until(() => taskOf(p, elementId, code).catch(() => undefined));
      const res = await p.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables });
      expect([res.status, res.body.error]).toEqual([200, undefined]);
      return task;
    };
    await complete(intake, 'Task_ScreenPetition', { inScope: true, isMajor: false });
    const dispatch = await complete(intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' });
    const petitionId: string = dispatch.petition.id;

    // the unit's first task follows jobs (deadlines, notification) in the workers process
    const handler = await app.signIn('handler-longnan');
    await until(async () => (await handler.get(`/api/cases/${encodeURIComponent(petitionId)}`)).status === 200);
    expect(await status()).toBe('handling');
  });
});
