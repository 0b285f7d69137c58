/**
 * The form editor's API and pages through HTTP (issue 5, item 3): forms/ comes in as version 1 of
 * each form; a process admin's save is the next version (an identical schema makes none), a schema
 * the form gate refuses answers 400 with every problem and saves nothing, dropping a field a
 * deployed diagram's condition uses answers 409 FIELD_IN_USE until confirmed; a task opened after a
 * save shows the new version; auditors read, they and unit handlers cannot save. SQLite and MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { completeTask, createTestApp, submitPetition, taskOf, type Person, type TestApp } from '../app-harness.js';

type Schema = { id: string; type: string; components: Record<string, unknown>[] } & Record<string, unknown>;

describe('the form editor: versions of the user-task forms behind the form gate', () => {
  let h: TestApp;
  let modeler: Person;
  let auditor: Person;
  let handler: Person;

  const latest = async (formId: string) => (await modeler.get(`/api/forms/${formId}`).expect(200)).body as { version: number; schema: Schema; versions: { version: number; deployedBy: string }[] };
  const count = async () => Number(((await h.t.db.sequelize.query('SELECT COUNT(*) AS n FROM form_versions', { type: QueryTypes.SELECT })) as { n: number }[])[0].n);
  const relabel = (schema: Schema, key: string, label: string): Schema => ({ ...schema, components: schema.components.map((c) => (c.key === key ? { ...c, label } : c)) });

  beforeAll(async () => {
    h = await createTestApp();
    modeler = await h.signIn('modeler');
    auditor = await h.signIn('auditor');
    handler = await h.signIn('handler-longnan');
  });
  afterAll(() => h.close());

  it('given a fresh database, when the app starts, then every file of forms/ is version 1 by start-up, listed with its title', async () => {
    const list = (await modeler.get('/api/forms').expect(200)).body as { formId: string; title: string; version: number; deployedBy: string }[];
    expect(list).toHaveLength(18);
    expect(list.every((f) => f.version === 1 && f.deployedBy === 'start-up')).toBe(true);
    expect(list.find((f) => f.formId === 'sign-or-return')).toMatchObject({ title: '签收或申请退回', version: 1 });
    const one = await latest('sign-or-return');
    expect(one.versions).toEqual([{ version: 1, deployedBy: 'start-up', deployedAt: expect.any(String) }]);
    expect(one.schema.components.map((c) => c.key).filter(Boolean)).toEqual(['returnRequested', 'returnReason', 'returnBasis']);
    await modeler.get('/api/forms/no-such-form').expect(404);
    await modeler.get('/api/forms/sign-or-return/versions/2').expect(404);
    await modeler.get('/api/forms/sign-or-return/versions/abc').expect(404);
  });

  it('given a changed label, when saved, then it is version 2 (audited); saving it again makes no version', async () => {
    const before = await latest('sign-or-return');
    const changed = relabel(before.schema, 'returnReason', '申请退回的具体理由');
    const checked = await modeler.post('/api/forms/sign-or-return/check', { schema: changed }).expect(200);
    expect(checked.body).toMatchObject({ problems: [], warnings: [], removed: [], unchanged: false, latestVersion: 1 });
    expect(await count()).toBe(18);

    const saved = await modeler.post('/api/forms/sign-or-return/versions', { schema: changed });
    expect([saved.status, saved.body]).toEqual([201, { formId: 'sign-or-return', version: 2, created: true }]);
    const after = await latest('sign-or-return');
    expect(after.version).toBe(2);
    expect(after.versions.map((v) => [v.version, v.deployedBy])).toEqual([[2, 'modeler'], [1, 'start-up']]);
    expect(after.schema.components.find((c) => c.key === 'returnReason')?.label).toBe('申请退回的具体理由');
    expect((await modeler.get('/api/forms/sign-or-return/versions/1').expect(200)).body.schema).toEqual(before.schema);
    const audited = (await h.t.db.sequelize.query("SELECT actor, detail FROM audit_log WHERE action = 'form.saved'", { type: QueryTypes.SELECT })) as { actor: string; detail: string }[];
    expect(audited).toHaveLength(1);
    expect(JSON.parse(audited[0].detail)).toMatchObject({ formId: 'sign-or-return', version: 2 });

    // identical (keys in another order too): no new version
    const again = await modeler.post('/api/forms/sign-or-return/versions', { schema: Object.fromEntries(Object.entries(changed).reverse()) });
    expect([again.status, again.body]).toEqual([200, { formId: 'sign-or-return', version: 2, created: false }]);
    expect((await modeler.post('/api/forms/sign-or-return/check', { schema: changed }).expect(200)).body.unchanged).toBe(true);
    expect(await count()).toBe(19);
  });

  it('given a schema with an unknown component, a duplicate key and a field without a key, when saved, then 400 lists every problem and nothing is saved', async () => {
    const before = await latest('review-return');
    const bad: Schema = {
      ...before.schema,
      components: [...before.schema.components, { type: 'slider', id: 'Field_slider', key: 'level' }, { type: 'textfield', id: 'Field_dup', key: 'returnApproved', label: '重复' }, { type: 'number', id: 'Field_nokey', label: '天数' }],
    };
    const n = await count();
    const res = await modeler.post('/api/forms/review-return/versions', { schema: bad });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('FORM_REJECTED');
    expect(res.body.error.message).toBe('表单未通过检查,共 3 个问题,未保存');
    expect(res.body.error.details).toEqual([
      expect.objectContaining({ componentId: 'Field_slider', rule: 'component-type', message: expect.stringContaining('「slider」不受支持') }),
      expect.objectContaining({ componentId: 'Field_nokey', rule: 'key', message: expect.stringContaining('缺少键') }),
      expect.objectContaining({ key: 'returnApproved', rule: 'key', message: expect.stringContaining('键「returnApproved」重复') }),
    ]);
    // the check says the same, and nothing is saved either way
    expect((await modeler.post('/api/forms/review-return/check', { schema: bad }).expect(200)).body.problems).toHaveLength(3);
    for (const body of [{ schema: [] }, { schema: { type: 'default' } }, {}, { schema: before.schema, confirmWarnings: 'yes' }]) await modeler.post('/api/forms/review-return/versions', body).expect(400);
    await modeler.post('/api/forms/bad%20id/versions', { schema: { type: 'default', components: [] } }).expect(400);
    expect(await count()).toBe(n);
    expect((await latest('review-return')).version).toBe(1);
  });

  it('given a field the deployed diagram’s condition uses, when a new version drops it, then 409 FIELD_IN_USE lists each use; confirmed, it is saved', async () => {
    const before = await latest('review-return');
    const without: Schema = { ...before.schema, components: before.schema.components.filter((c) => c.key !== 'returnApproved') };
    const checked = (await modeler.post('/api/forms/review-return/check', { schema: without }).expect(200)).body;
    expect(checked.problems).toEqual([]);
    expect(checked.removed).toEqual(['returnApproved']);
    const use = { field: 'returnApproved', processId: 'unit-handling', version: 1, elementId: 'Flow_ReturnApproved', where: 'condition', expression: '=returnApproved = true' };
    expect(checked.warnings).toEqual(expect.arrayContaining([use]));

    const n = await count();
    const refused = await modeler.post('/api/forms/review-return/versions', { schema: without });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('FIELD_IN_USE');
    expect(refused.body.error.message).toContain('returnApproved');
    expect(refused.body.error.details).toEqual(checked.warnings);
    expect(await count()).toBe(n);

    const confirmed = await modeler.post('/api/forms/review-return/versions', { schema: without, confirmWarnings: true });
    expect([confirmed.status, confirmed.body]).toEqual([201, { formId: 'review-return', version: 2, created: true }]);
    const audited = (await h.t.db.sequelize.query("SELECT detail FROM audit_log WHERE action = 'form.saved' ORDER BY id DESC", { type: QueryTypes.SELECT })) as { detail: string }[];
    expect(JSON.parse(audited[0].detail)).toMatchObject({ formId: 'review-return', version: 2, removedFields: ['returnApproved'], confirmedWarnings: expect.arrayContaining([{ field: 'returnApproved', processId: 'unit-handling', elementId: 'Flow_ReturnApproved', where: 'condition' }]) });
    // putting it back is no warning: nothing is dropped
    expect((await modeler.post('/api/forms/review-return/versions', { schema: before.schema }).expect(201)).body.version).toBe(3);
  });

  it('given the saved version 2 of sign-or-return, when a handler opens a new 签收 task, then its form is version 2 (API and page)', async () => {
    const citizen = await h.visitor();
    expect((await submitPetition(h, citizen, { title: '表单版本测试诉求' })).status).toBe(201);
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false });
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' });
    const task = await taskOf(handler, 'Task_SignOrReturn');
    const detail = (await handler.get(`/api/tasks/${encodeURIComponent(task.key)}`).expect(200)).body;
    expect(detail.form.components.find((c: { key?: string }) => c.key === 'returnReason').label).toBe('申请退回的具体理由');
    const page = await handler.get(`/staff/tasks/${encodeURIComponent(task.key)}`).set('accept', 'text/html').expect(200);
    expect(page.text).toContain('申请退回的具体理由');
    // and a submission is checked against it
    await handler.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables: { returnRequested: true } }).expect(400);
  });

  it('given an auditor and a unit handler, when they save, then they are refused and nothing changes; the auditor may read', async () => {
    const n = await count();
    const schema = relabel((await latest('sign-or-return')).schema, 'returnBasis', '审计员改的');
    await auditor.get('/api/forms').expect(200);
    await auditor.get('/api/forms/sign-or-return').expect(200);
    await auditor.get('/api/forms/sign-or-return/versions/1').expect(200);
    const refused = await auditor.post('/api/forms/sign-or-return/versions', { schema });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'READ_ONLY']);
    expect((await auditor.post('/api/forms/sign-or-return/check', { schema })).status).toBe(403);
    for (const path of ['/api/forms', '/api/forms/sign-or-return']) await handler.get(path).expect(403);
    expect((await handler.post('/api/forms/sign-or-return/versions', { schema })).status).toBe(403);
    await (await h.visitor()).agent.get('/api/forms').expect(401);
    expect(await count()).toBe(n);
    expect((await latest('sign-or-return')).version).toBe(2);
  });

  it('given a new form id, when a process admin saves a form, then it is version 1 and the deploy gate knows it', async () => {
    const schema = { type: 'default', components: [{ type: 'textfield', id: 'Field_note', key: 'note', label: '备注' }] };
    expect((await modeler.post('/api/forms/extra-note/versions', { schema }).expect(201)).body).toEqual({ formId: 'extra-note', version: 1, created: true });
    expect((await latest('extra-note')).schema.id).toBe('extra-note');
    expect(h.app.locals.gate).toBeDefined();
    const xml = `<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" id="D" targetNamespace="http://bpmn.io/schema/bpmn"><bpmn:process id="note-check" isExecutable="true"><bpmn:userTask id="Task_Note" name="备注"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="platform-reviewer" /><zeebe:formDefinition formId="extra-note" /></bpmn:extensionElements></bpmn:userTask></bpmn:process></bpmn:definitions>`;
    const preview = (await modeler.post('/api/deployments/preview', { resources: [{ name: 'note-check.bpmn', content: xml }] }).expect(200)).body;
    expect(preview.problems.filter((p: { rule: string }) => p.rule === 'wenzheng/form-exists')).toEqual([]);
  });

  it('serves the pages: the list, the editor with its versions, an older version read-only', async () => {
    const list = await modeler.get('/admin/forms').set('accept', 'text/html').expect(200);
    expect(list.text).toContain('签收或申请退回');
    expect(list.text).toContain('第 2 版');
    // hashed once the assets are built (server/http/assets.ts)
    expect(list.text).toMatch(/\/assets\/form-editor(-[A-Z2-7]{8})?\.css/);
    const editor = await modeler.get('/admin/forms/sign-or-return').set('accept', 'text/html').expect(200);
    expect(editor.text).toContain('id="form-editor"');
    expect(editor.text).toContain('data-mode="edit"');
    expect(editor.text).toContain('申请退回的具体理由');
    expect(editor.text).toContain('/admin/forms/sign-or-return?version=1');
    const old = await modeler.get('/admin/forms/sign-or-return?version=1').set('accept', 'text/html').expect(200);
    expect(old.text).toContain('data-mode="view"');
    expect(old.text).toContain('正在查看第 1 版');
    await modeler.get('/admin/forms/sign-or-return?version=7').set('accept', 'text/html').expect(404);
    await modeler.get('/admin/forms/no-such-form').set('accept', 'text/html').expect(404);
    await auditor.get('/admin/forms').set('accept', 'text/html').expect(403);
  });
});
