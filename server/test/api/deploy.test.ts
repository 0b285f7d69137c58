/**
 * The deploy gate through the API: a process admin deploys diagrams; a diagram that does not parse,
 * that Zeebe 8.8 would refuse, that names a job type without a worker or a form that does not
 * exist, that leaves a user task to nobody, or that repeats a process id of another file in the
 * same deployment is rejected with every problem and its element, and nothing is deployed.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../app.js';
import { withAdapterListeners } from '../../../engine/zeebe/listeners.js';
import { createTestApp, submitPetition, type Person, type TestApp } from '../app-harness.js';

const diagram = (name: string) => readFileSync(join(projectRoot, 'processes', name), 'utf8');

describe('the deploy gate (issue 5: every way a diagram arrives)', () => {
  let h: TestApp;
  let modeler: Person;
  const definitions = async () =>
    Number(((await h.t.db.sequelize.query('SELECT COUNT(*) AS n FROM engine_process_definitions', { type: 'SELECT' as any })) as unknown as { n: number }[])[0].n);
  /** a rejected deployment: 400 with problems, and no new definition */
  async function rejected(resources: { name: string; content: string }[]) {
    const before = await definitions();
    const res = await modeler.post('/api/deployments', { resources });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('DEPLOY_REJECTED');
    expect(await definitions()).toBe(before);
    return res.body.error.details as { resourceName: string; elementId?: string; rule: string; message: string }[];
  }

  beforeAll(async () => {
    h = await createTestApp();
    modeler = await h.signIn('modeler');
  });
  afterAll(() => h.close());

  it('given malformed XML, when deployed, then it is rejected as not BPMN', async () => {
    const problems = await rejected([{ name: 'broken.bpmn', content: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x"' }]);
    expect(problems).toEqual([expect.objectContaining({ resourceName: 'broken.bpmn', rule: 'xml', message: expect.stringContaining('不是有效的 BPMN XML') })]);
  });

  it('given an element Zeebe 8.8 does not run, when deployed, then camunda-compat names it', async () => {
    const xml = diagram('evaluation.bpmn').replace(
      /<bpmn:exclusiveGateway id="Gateway_FirstUnsatisfied"([^>]*)>([\s\S]*?)<\/bpmn:exclusiveGateway>/,
      '<bpmn:complexGateway id="Gateway_FirstUnsatisfied"$1>$2</bpmn:complexGateway>',
    );
    expect(xml).toContain('bpmn:complexGateway');
    const problems = await rejected([{ name: 'evaluation.bpmn', content: xml }]);
    expect(problems).toContainEqual(expect.objectContaining({ elementId: 'Gateway_FirstUnsatisfied', rule: 'camunda-compat/element-type' }));
  });

  it('given a job type no worker is registered for, a form that does not exist and a user task for nobody, when deployed, then each is named with its element', async () => {
    const xml = diagram('unit-handling.bpmn')
      .replace('type="check-return-request"', 'type="check-return-requests"')
      .replace('formId="sign-or-return"', 'formId="sign-or-retrun"')
      .replace('<zeebe:assignmentDefinition candidateGroups="platform-reviewer" /><zeebe:formDefinition formId="review-return" />', '<zeebe:formDefinition formId="review-return" />');
    const problems = await rejected([{ name: 'unit-handling.bpmn', content: xml }]);
    const ours = problems.filter((p) => p.rule.startsWith('wenzheng/'));
    // grouped by rule (the canvas runs the same rules, diagram-lint/lint-rules.mjs)
    expect(ours).toHaveLength(3);
    expect(ours).toEqual(expect.arrayContaining([
      expect.objectContaining({ elementId: 'Task_SignOrReturn', rule: 'wenzheng/form-exists', message: '表单「sign-or-retrun」不存在' }),
      expect.objectContaining({ elementId: 'Task_CheckReturnWindow', rule: 'wenzheng/job-type-registered', message: expect.stringContaining('任务类型「check-return-requests」没有已注册的处理程序') }),
      expect.objectContaining({ elementId: 'Task_ReviewReturn', rule: 'wenzheng/user-task-assigned' }),
    ]));
  });

  it('given the same process id in two files of one deployment, when deployed, then it is rejected naming both files', async () => {
    const problems = await rejected([
      { name: 'evaluation.bpmn', content: diagram('evaluation.bpmn') },
      { name: 'evaluation-copy.bpmn', content: diagram('evaluation.bpmn') },
    ]);
    expect(problems).toEqual([expect.objectContaining({ resourceName: 'evaluation-copy.bpmn', elementId: 'evaluation', rule: 'duplicate-process-id', message: expect.stringContaining('evaluation.bpmn') })]);
  });

  it('given a changed diagram that passes, when deployed, then it becomes the next version; the unchanged one stays; others may not deploy', async () => {
    const changed = diagram('evaluation.bpmn').replace('name="满意度评价与重办"', 'name="满意度评价与重办(修订)"');
    const res = await modeler.post('/api/deployments', { resources: [{ name: 'evaluation.bpmn', content: changed }, { name: 'supervision.bpmn', content: diagram('supervision.bpmn') }] });
    expect(res.status).toBe(201);
    expect(res.body.processes).toEqual([
      expect.objectContaining({ processId: 'evaluation', version: 2, duplicate: false }),
      expect.objectContaining({ processId: 'supervision', version: 1, duplicate: true }),
    ]);
    for (const who of ['admin', 'reviewer', 'auditor']) expect((await (await h.signIn(who)).post('/api/deployments', { resources: [{ name: 'evaluation.bpmn', content: changed }] })).status).toBe(403);
    expect((await modeler.post('/api/deployments', { resources: 'x' })).status).toBe(400);
    expect((await modeler.post('/api/deployments', { resources: [{ name: '../evil.bpmn', content: changed }] })).body.error.details[0].message).toContain('文件名');
  });

  it('given several versions, when a process admin or an auditor lists them, then each names who deployed it and when, and its XML can be read', async () => {
    const list = (await modeler.get('/api/processes').expect(200)).body as { processId: string; versions: { version: number; deployedBy: string | null }[] }[];
    const evaluation = list.find((p) => p.processId === 'evaluation');
    expect(evaluation?.versions.map((v) => [v.version, v.deployedBy])).toEqual([
      [2, 'modeler'],
      [1, null],
    ]);
    const auditor = await h.signIn('auditor');
    const v1 = (await auditor.get('/api/processes/evaluation/versions/1').expect(200)).body;
    expect(v1.xml).toContain('name="满意度评价与重办"');
    expect((await auditor.get('/api/processes/evaluation/versions/9')).status).toBe(404);
    expect((await (await h.signIn('handler-longnan')).get('/api/processes')).status).toBe(403);
  });

  it('given instances waiting at an element a new version removes, when deployed, then the preview counts them, deploying needs a confirmation, and they stay on their version', async () => {
    const visitor = await h.visitor();
    await submitPetition(h, visitor);
    await submitPetition(h, visitor);
    const renamed = diagram('petition-lifecycle.bpmn').replace(/Task_ScreenPetition/g, 'Task_ScreenPetitionV2');
    const resources = [{ name: 'petition-lifecycle.bpmn', content: renamed }];

    const preview = (await modeler.post('/api/deployments/preview', { resources }).expect(200)).body;
    expect(preview.problems).toEqual([]);
    expect(preview.changes).toEqual([
      { processId: 'petition-lifecycle', fromVersion: 1, added: ['Task_ScreenPetitionV2'], removed: [{ elementId: 'Task_ScreenPetition', waiting: 2 }], affectedInstances: 2 },
    ]);
    const before = await definitions();
    const refused = await modeler.post('/api/deployments', { resources });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'AFFECTED_INSTANCES', message: expect.stringContaining('删除了 2 个运行中实例正在等待的环节') });
    expect(await definitions()).toBe(before);

    const deployed = await modeler.post('/api/deployments', { resources, confirmAffected: true });
    expect(deployed.status).toBe(201);
    expect(deployed.body.processes[0]).toMatchObject({ processId: 'petition-lifecycle', version: 2 });
    // the waiting instances stay on version 1, a new petition runs on version 2
    await submitPetition(h, visitor);
    const waiting = await h.t.engine.countWaiting('petition-lifecycle');
    expect(waiting).toEqual(expect.arrayContaining([
      { version: 1, elementId: 'Task_ScreenPetition', instances: 2 },
      { version: 2, elementId: 'Task_ScreenPetitionV2', instances: 1 },
    ]));
  });

  it('given two versions, when they are compared, then the elements added, removed and changed are named', async () => {
    const v2 = diagram('supervision.bpmn').replace('name="选择督办方式"', 'name="确定督办方式"');
    expect(v2).not.toBe(diagram('supervision.bpmn'));
    await modeler.post('/api/deployments', { resources: [{ name: 'supervision.bpmn', content: v2 }] }).expect(201);
    const auditor = await h.signIn('auditor');
    const diff = (await auditor.get('/api/processes/supervision/diff?from=1&to=2').expect(200)).body;
    expect(diff).toEqual({ processId: 'supervision', from: 1, to: 2, added: [], removed: [], changed: ['Task_ChooseSupervision'] });
    // the renamed task of the earlier test: removed, added, and the flows into and out of it changed
    const renamed = (await auditor.get('/api/processes/petition-lifecycle/diff?from=1&to=2').expect(200)).body;
    expect(renamed.added).toEqual(['Task_ScreenPetitionV2']);
    expect(renamed.removed).toEqual(['Task_ScreenPetition']);
    expect(renamed.changed.length).toBeGreaterThan(0);
    expect(renamed.changed.every((id: string) => id.startsWith('Flow_'))).toBe(true);
    expect((await auditor.get('/api/processes/supervision/diff?from=1&to=7')).status).toBe(404);
    expect((await auditor.get('/api/processes/supervision/diff?from=x&to=2')).status).toBe(400);
  });

  it('given a version deployed from the modeler, when the app starts again with the files on disk, then the unchanged files are not deployed over it and a changed file is', async () => {
    const files = ['petition-lifecycle.bpmn', 'unit-handling.bpmn', 'evaluation.bpmn', 'supervision.bpmn'].map((name) => ({ name, content: diagram(name) }));
    const { toDeploy, known } = await h.app.locals.gate.notYetDeployed(files);
    expect(toDeploy).toEqual([]);
    // evaluation.bpmn on disk is version 1; version 2 came from the modeler and stays the newest
    expect(known).toContainEqual({ name: 'evaluation.bpmn', processId: 'evaluation', version: 1, latest: 2 });
    const edited = { name: 'supervision.bpmn', content: diagram('supervision.bpmn').replace('name="督办"', 'name="督办(修订)"') };
    expect(edited.content).not.toBe(diagram('supervision.bpmn'));
    expect((await h.app.locals.gate.notYetDeployed([edited])).toDeploy.map((r: { name: string }) => r.name)).toEqual(['supervision.bpmn']);
  });

  it('given the diagrams with the task and execution listeners the Zeebe adapter adds, when checked, then Camunda 8.8 accepts them', async () => {
    const files = ['petition-lifecycle.bpmn', 'unit-handling.bpmn', 'evaluation.bpmn', 'supervision.bpmn'];
    const resources = await Promise.all(files.map(async (name) => ({ name, content: (await withAdapterListeners(diagram(name))).xml })));
    expect(resources.every((r) => r.content.includes('<zeebe:taskListeners>') || !r.content.includes('<zeebe:userTask'))).toBe(true);
    expect(resources.every((r) => /<zeebe:executionListener eventType="start" retries="3" type="wenzheng-instance-start" \/>/.test(r.content) && r.content.includes('type="wenzheng-instance-end"'))).toBe(true);
    expect(await h.app.locals.gate.check(resources)).toEqual([]);
  });

  it('given the diagrams in processes/, when checked, then they pass the gate (start-up deploys through it)', async () => {
    const files = ['petition-lifecycle.bpmn', 'unit-handling.bpmn', 'evaluation.bpmn', 'supervision.bpmn'];
    expect(await h.app.locals.gate.check(files.map((name) => ({ name, content: diagram(name) })))).toEqual([]);
  });
});
