/**
 * The app on the Zeebe adapter, with Camunda replaced at the SDK's boundary (engine/test/zeebe-fake.ts):
 * the diagrams go through the deploy gate to Zeebe with their listeners and linked forms, a portal
 * submission starts the instance through gRPC, the task Camunda makes (a `creating` listener job)
 * is in the intake operator's task list, and completing it in the app is Camunda's REST completion.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { QueryTypes } from 'sequelize';
import type { Express } from 'express';
import { createFakeClock } from '../../../engine/clock.js';
import { createDatabase, type Database } from '../../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../../engine/test/harness.js';
import { fakeBroker, type FakeBroker } from '../../../engine/test/zeebe-fake.js';
import { createZeebeEngine, type ZeebeEngine } from '../../../engine/zeebe/index.js';
import { createApp, projectRoot } from '../../app.js';
import { createCalendarRepository } from '../../data/calendar-repository.js';
import { createFormsRepository } from '../../data/forms-repository.js';
import { createPetitionsRepository } from '../../data/petitions-repository.js';
import { DEMO_PASSWORD, seedDemoData } from '../../data/seed.js';
import { createFormGate } from '../../deploy/form-gate.js';
import { generateIdentityKey } from '../../domain/identity-crypto.js';
import { createJobHandlers, migrationsFor } from '../../engine-setup.js';
import { createLogger } from '../../logger.js';
import { importFormFiles } from '../../services/form-service.js';
import { person as personOf, submitPetition, type Person } from '../app-harness.js';

describe('the app on the Zeebe adapter (Camunda replaced at the SDK boundary)', () => {
  const clock = createFakeClock('2026-03-02T02:00:00.000Z');
  let db: Database;
  let drop: () => Promise<void>;
  let broker: FakeBroker;
  let engine: ZeebeEngine;
  let app: Express;
  let key: string;

  const person = async (username?: string): Promise<Person> => {
    const agent = request.agent(app);
    let csrf = (await agent.get('/api/session').expect(200)).body.csrfToken;
    if (username) csrf = (await agent.post('/api/login').set('x-csrf-token', csrf).send({ username, password: DEMO_PASSWORD }).expect(200)).body.csrfToken;
    return personOf(agent, csrf);
  };

  beforeAll(async () => {
    const target = await openTestDatabase();
    drop = target.drop;
    db = await createDatabase({ url: target.url, migrations: migrationsFor({ engine: 'zeebe' }) });
    await db.migrate();
    key = generateIdentityKey();
    const now = () => clock.now().getTime();
    await seedDemoData(db, { key, now });
    broker = fakeBroker();
    const formsRepo = createFormsRepository(db, { now });
    engine = createZeebeEngine({
      grpc: broker.grpc,
      rest: broker.rest,
      db,
      clock,
      formsOf: async (ids) => (await Promise.all(ids.map((id) => formsRepo.get(id)))).filter((f) => f !== undefined).map((f) => ({ name: `${f.formId}.form`, content: JSON.stringify(f.schema) })),
    });
    const log = createLogger('silent');
    for (const [type, handler] of Object.entries(createJobHandlers({ db, key, log, config: { publicBaseUrl: 'https://wz.longnan.example' } }))) engine.registerWorker(type, handler);
    await engine.open();
    const { forms } = await importFormFiles({ repo: formsRepo, gate: createFormGate({ engine }), dir: join(projectRoot, 'forms') });
    const calendar = createCalendarRepository(db, { now });
    app = createApp({
      engine,
      db,
      log,
      key,
      secret: 'the session secret of this test app, long enough',
      deployed: [],
      forms,
      clock,
      calendar: () => calendar.loadCalendar(),
      options: { portalRateLimit: 10_000, loginRateLimit: 10_000, engineKind: 'zeebe' },
    });
    // as main.ts deploys them: the diagrams and, beside them, the decision tables they call
    const files = (dir: string, ext: string) => readdirSync(join(projectRoot, dir)).filter((f) => f.endsWith(ext)).map((name) => ({ name, content: readFileSync(join(projectRoot, dir, name), 'utf8') }));
    await app.locals.gate.deploy([...files('processes', '.bpmn'), ...files('decisions', '.dmn')], { deployedBy: 'start-up', confirmAffected: true });
  });
  afterAll(async () => {
    await app.locals.gate.close();
    await engine.close();
    await db.close();
    await drop();
  });

  it('given the diagrams deployed through the gate, then Zeebe got each with its listeners and the forms they link, and /health names the engine', async () => {
    const sent = broker.calls.find((c) => c[0] === 'deployResources')![1] as string[];
    expect(sent.filter((n) => n.endsWith('.bpmn')).sort()).toEqual(['evaluation.bpmn', 'knowledge-review.bpmn', 'office-reports.bpmn', 'petition-lifecycle.bpmn', 'supervision.bpmn', 'unit-assessment.bpmn', 'unit-handling.bpmn']);
    expect(sent).toEqual(expect.arrayContaining(['screen-petition.form', 'dispatch-petition.form', 'sign-or-return.form']));
    const health = await request(app).get('/health').expect(200);
    expect(health.body.engine).toBe('zeebe');
    expect(health.body.history).toMatch(/二级存储/);
    expect((await engine.listProcessDefinitions()).map((d) => d.processId).sort()).toEqual(['evaluation', 'knowledge-review', 'office-reports', 'petition-lifecycle', 'supervision', 'unit-assessment', 'unit-handling']);
  });

  it('given a portal submission, when Camunda makes the screening task, then the intake operator sees it and completing it in the app completes it in Camunda', async () => {
    // when: a citizen submits
    // the projection commits inside the listener job: nothing is left to wait for
    const res = await submitPetition({ settle: async () => {} }, await person());
    expect(res.status).toBe(201);
    const [, started] = broker.calls.find((c) => c[0] === 'createProcessInstance')!;
    expect(started).toEqual(expect.objectContaining({ bpmnProcessId: 'petition-lifecycle', variables: expect.objectContaining({ trackingCode: res.body.trackingCode }) }));
    const petitionId = started.variables.petitionId as string;
    // identity stays in the app: the engine's variables carry the case id, not the petitioner
    expect(JSON.stringify(started.variables)).not.toContain('王小明');

    // and Camunda makes the task: its creating listener job
    // a linked form arrives as the key Zeebe gave the deployed form
    const [{ form_key: formKey }] = await db.sequelize.query<{ form_key: string }>("SELECT form_key FROM zeebe_forms WHERE form_id = 'screen-petition'", { type: QueryTypes.SELECT });
    await broker.deliverListener(
      broker.listenerJob('CREATING', '2251799813700001', {
        processInstanceKey: '2251799813690001',
        elementId: 'Task_ScreenPetition',
        variables: { ...started.variables },
        userTask: { userTaskKey: '2251799813700001', candidateGroups: ['platform-intake'], candidateUsers: [], dueDate: '2026-03-03T16:00:00.000Z', formKey },
      }),
    );

    // then: the intake operator's list has it, the case is being screened
    const intake = await person('intake');
    const list = (await intake.get('/api/tasks').expect(200)).body as { key: string; elementId: string; name: string; formId?: string; petition?: { trackingCode: string } }[];
    expect(list.map((t) => [t.elementId, t.name, t.formId, t.petition?.trackingCode])).toEqual([['Task_ScreenPetition', '审查受理范围', 'screen-petition', res.body.trackingCode]]);
    expect((await createPetitionsRepository(db, { key, clock }).get(petitionId))?.status).toBe('screening');

    // when: completed in the app
    const done = await intake.post(`/api/tasks/${list[0].key}/complete`, { variables: { inScope: true, isMajor: false } });
    expect(done.status).toBe(200);
    // then: Camunda's REST completion with the form's values; the task leaves the list once Camunda's completing listener says so
    expect(broker.calls).toContainEqual(['completeUserTask', { userTaskKey: '2251799813700001', variables: expect.objectContaining({ inScope: true, isMajor: false }) }]);
    await broker.deliverListener(broker.listenerJob('COMPLETING', '2251799813700001', { elementId: 'Task_ScreenPetition', variables: { ...started.variables } }));
    expect((await intake.get('/api/tasks').expect(200)).body).toEqual([]);
    expect((await engine.getHistory('2251799813690001')).map((e) => [e.elementId, e.event])).toEqual([
      ['petition-lifecycle', 'activated'],
      ['Task_ScreenPetition', 'activated'],
      ['petition-lifecycle', 'variables-updated'],
      ['Task_ScreenPetition', 'completed'],
    ]);
  });

  it('given a job that failed its last retry, then the process admin sees the incident, and retrying it without Camunda’s search is refused in Chinese with nothing changed', async () => {
    // given: Camunda hands a job of the first-step deadlines to the app's worker, and it fails for the last time
    await broker.deliver(broker.job('compute-deadlines', { retries: 1, elementId: 'Task_ComputeFirstStep', customHeaders: { stage: 'no-such-stage' } }));
    expect(broker.acks.slice(-1)[0]).toEqual(['fail', expect.objectContaining({ retries: 0 })]);
    const admin = await person('modeler');
    const incidents = (await admin.get('/api/inspector/incidents').expect(200)).body as { incidentKey: string; elementId: string; errorType: string }[];
    const incident = incidents.find((i) => i.elementId === 'Task_ComputeFirstStep')!;
    expect(incident).toEqual(expect.objectContaining({ errorType: 'JOB_NO_RETRIES' }));

    // when: retried while Camunda has no secondary storage
    broker.setIncidentSearch(async () => {
      throw Object.assign(new Error('The search API requires secondary storage'), { status: 403 });
    });
    const res = await admin.post(`/api/inspector/incidents/${encodeURIComponent(incident.incidentKey)}/retry`);

    // then
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual(expect.objectContaining({ code: 'INCIDENT_KEY_UNKNOWN', message: expect.stringMatching(/二级存储/) }));
    expect(broker.calls.filter((c) => c[0] === 'updateJobRetries' || c[0] === 'resolveIncident')).toEqual([]);
    expect((await engine.listIncidents({ state: 'active' })).map((i) => i.incidentKey)).toContain(incident.incidentKey);
  });
});
