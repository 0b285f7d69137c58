/**
 * Issue 13, defect 4: two app processes on one database (each with its own connections, engine and
 * memory, as behind a load balancer) hold nothing that matters per process: the portal's rate limit
 * counts the hits at both, a challenge answered at one is a replay at the other, and a form saved
 * through one is what the other shows tasks with and checks deployments against.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../app.js';
import { solveChallenge } from '../../domain/challenge.js';
import { createTestApp, openSecondApp, PETITION_FIELDS, submitPetition, taskOf, type SecondApp, type TestApp } from '../app-harness.js';

describe('the portal rate limit across two app processes', () => {
  let h: TestApp;
  let second: SecondApp;
  beforeAll(async () => {
    h = await createTestApp({ app: { portalRateLimit: 4 } });
    second = await openSecondApp(h, { portalRateLimit: 4 });
  });
  afterAll(async () => {
    await second?.close();
    await h?.close();
  });

  it('given a limit of 4 per client, when one client alternates between the two processes, then its 5th request is refused, whichever process gets it', async () => {
    const atFirst = await h.visitor();
    const atSecond = await second.visitor();
    const track = (p: typeof atFirst) => p.post('/api/track', { trackingCode: 'LN000000', phone: '13900002222' });
    const statuses: number[] = [];
    for (const p of [atFirst, atSecond, atFirst, atSecond]) statuses.push((await track(p)).status);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    const fifth = await track(atFirst);
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe('RATE_LIMITED');
    expect((await track(atSecond)).status).toBe(429);
  });
});

describe('challenges and forms across two app processes', () => {
  let h: TestApp;
  let second: SecondApp;
  beforeAll(async () => {
    h = await createTestApp();
    second = await openSecondApp(h);
  });
  afterAll(async () => {
    await second?.close();
    await h?.close();
  });

  it('given a challenge answered in a submission to one process, when the same answer is replayed to the other, then it is refused and no second petition is made', async () => {
    const visitor = await h.visitor();
    const challenge = (await visitor.get('/api/challenge').expect(200)).body;
    const fields = { ...PETITION_FIELDS, challengeToken: challenge.token, challengeAnswer: String(solveChallenge(challenge.question)) };
    const first = await visitor.post('/api/petitions', fields);
    expect(first.status).toBe(201);
    const replayer = await second.visitor();
    const replay = await replayer.post('/api/petitions', fields);
    expect(replay.status).toBe(400);
    expect(replay.body.error.details).toEqual([expect.objectContaining({ field: 'challengeAnswer' })]);
  });

  it('given a form saved through one process, when a task with that form is opened and a diagram naming a new form is checked through the other, then the other serves the saved version and knows the new form', async () => {
    const modeler = await h.signIn('modeler');
    const before = (await modeler.get('/api/forms/screen-petition').expect(200)).body;
    const schema = {
      ...before.schema,
      components: before.schema.components.map((c: { key?: string }) => (c.key === 'inScope' ? { ...c, label: '是否属于平台受理范围(第七条,已修订)' } : c)),
    };
    expect((await modeler.post('/api/forms/screen-petition/versions', { schema }).expect(201)).body.version).toBe(2);
    // a new form, saved as a copy of another under a new id
    const signOrReturn = (await modeler.get('/api/forms/sign-or-return').expect(200)).body.schema;
    await modeler.post('/api/forms/sign-or-return-v2/versions', { schema: { ...signOrReturn, id: 'sign-or-return-v2' } }).expect(201);

    // a case waiting to be screened: the intake operator opens it through the other process
    const citizen = await h.visitor();
    const submitted = await submitPetition(h, citizen);
    expect(submitted.status).toBe(201);
    const intake = await second.signIn('intake');
    const task = await taskOf(intake, 'Task_ScreenPetition', submitted.body.trackingCode);
    const opened = (await intake.get(`/api/tasks/${encodeURIComponent(task.key)}`).expect(200)).body;
    expect(opened.form.components.find((c: { key?: string }) => c.key === 'inScope').label).toBe('是否属于平台受理范围(第七条,已修订)');

    const modelerAtSecond = await second.signIn('modeler');
    const xml = readFileSync(join(projectRoot, 'processes', 'unit-handling.bpmn'), 'utf8').replace('formId="sign-or-return"', 'formId="sign-or-return-v2"');
    const preview = await modelerAtSecond.post('/api/deployments/preview', { resources: [{ name: 'unit-handling.bpmn', content: xml }] });
    expect(JSON.stringify(preview.body)).not.toContain('form-exists');
    expect(preview.status).toBe(200);
  });
});
