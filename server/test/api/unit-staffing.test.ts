/**
 * A user task whose candidate group has no active person must not sit silently (issue 12: 东江乡 had
 * no 分管领导 account, so its OA 送签 went to nobody and warned nobody). Through the HTTP API only:
 * every seeded unit has each role its tasks need; a dispatch to a unit lacking one is refused at the
 * unit field; an open task nobody active can act on is an alert for the platform on /staff and in the
 * inspector, and it clears when someone is added. Runs on SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, submitPetition, taskOf, type Person, type TestApp } from '../app-harness.js';

const html = { accept: 'text/html' };
const enc = encodeURIComponent;
const alertOf = (page: string) => /<div class="staff-alert" role="alert" id="unassignable-tasks">([\s\S]*?)<\/div>/.exec(page)?.[1];

interface Account {
  id: string;
  username: string;
  roles: string[];
  unitId: string | null;
  active: boolean;
}

describe('unit staffing', () => {
  let h: TestApp;
  let admin: Person;
  let intake: Person;
  const accounts = async (): Promise<Account[]> => (await admin.get('/api/admin/staff').expect(200)).body;
  const idOf = async (username: string) => (await accounts()).find((a) => a.username === username)?.id as string;
  const setActive = async (username: string, active: boolean) => admin.patch(`/api/admin/staff/${await idOf(username)}`, { active }).expect(200);

  /** a new petition screened by the platform: its code and the open 转办 task */
  async function screened(): Promise<string> {
    const submitted = await submitPetition(h, await h.visitor());
    expect(submitted.status).toBe(201);
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, submitted.body.trackingCode);
    return submitted.body.trackingCode;
  }

  beforeAll(async () => {
    h = await createTestApp();
    admin = await h.signIn('admin');
    intake = await h.signIn('intake');
  });
  afterAll(() => h.close());

  it('given the seeded units, then every one has an active 承办人 and 分管领导 account, which can sign in with the demo password', async () => {
    const units = (await admin.get('/api/admin/units').expect(200)).body as { id: string; name: string }[];
    expect(units.length).toBe(29);
    const all = await accounts();
    for (const u of units) {
      for (const role of ['unit-handler', 'unit-leader']) {
        expect({ unit: u.name, role, staffed: all.some((a) => a.active && a.unitId === u.id && a.roles.includes(role)) }).toEqual({ unit: u.name, role, staffed: true });
      }
    }
    // 东江乡's leader in charge, the account that was missing
    const leader = await h.signIn('leader-dongjiang');
    expect((await leader.get('/api/session').expect(200)).body.staff).toMatchObject({ username: 'leader-dongjiang', roles: ['unit-leader'], unitId: 'u-dongjiang' });
  });

  it('given a unit whose only 分管领导 is disabled, when the platform dispatches to it, then the dispatch is refused at the unit field, saying who is missing, and the task stays open; another unit is accepted', async () => {
    await setActive('leader-dongjiang', false);
    const code = await screened();
    const task = await taskOf(intake, 'Task_DispatchPetition', code);
    const refused = await intake.post(`/api/tasks/${enc(task.key)}/complete`, { variables: { unitId: 'u-dongjiang', jointMode: 'single' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('UNIT_NOT_STAFFED');
    expect(refused.body.error.details).toEqual([
      { field: 'unitId', message: '东江乡人民政府没有在岗的单位分管领导(负责「OA送签」)账号,转办后这些环节将无人办理。请系统管理员先为该单位开通账号,或选择其他单位。' },
    ]);
    await h.settle();
    expect((await taskOf(intake, 'Task_DispatchPetition', code)).key).toBe(task.key);
    // once the account is back, the same dispatch goes through
    await setActive('leader-dongjiang', true);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-dongjiang', jointMode: 'single' }, code);
    expect((await taskOf(await h.signIn('handler-dongjiang'), 'Task_SignOrReturn', code)).petition.trackingCode).toBe(code);
  });

  it('given a task offered to a unit whose only 承办人 is then disabled, then the platform sees an alert on /staff and the inspector on the instance page, and it clears when an account is added', async () => {
    const code = await screened();
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-nanheng', jointMode: 'single' }, code);
    const handler = await h.signIn('handler-nanheng');
    const sign = await taskOf(handler, 'Task_SignOrReturn', code);
    const reviewer = await h.signIn('reviewer');
    const leader = await h.signIn('leader');
    const auditor = await h.signIn('auditor');
    expect(alertOf((await reviewer.get('/staff').set(html).expect(200)).text)).toBeUndefined();

    await setActive('handler-nanheng', false);
    for (const p of [intake, reviewer, leader]) {
      const alert = alertOf((await p.get('/staff').set(html).expect(200)).text);
      expect(alert).toContain('有 1 项待办无人可办');
      expect(alert).toContain('「签收或申请退回」');
      expect(alert).toContain(code);
      expect(alert).toContain('缺少南亨乡人民政府的承办人');
    }
    // a unit's own pages carry no platform alert
    expect(alertOf((await (await h.signIn('handler-longnan')).get('/staff').set(html).expect(200)).text)).toBeUndefined();
    expect((await reviewer.get('/api/unassignable-tasks').expect(200)).body).toEqual([
      expect.objectContaining({ userTaskKey: sign.key, elementId: 'Task_SignOrReturn', name: '签收或申请退回', trackingCode: code, missing: '南亨乡人民政府的承办人' }),
    ]);
    expect((await (await h.signIn('handler-longnan')).get('/api/unassignable-tasks')).status).toBe(403);

    // the inspector: the list, the unit-handling instance's page and its API, and the case's lifecycle instance
    expect(alertOf((await auditor.get('/inspector').set(html).expect(200)).text)).toContain('「签收或申请退回」');
    const handling = ((await auditor.get('/api/inspector/instances?processId=unit-handling').expect(200)).body as { processInstanceKey: string; trackingCode?: string }[]).find((i) => i.trackingCode === code);
    const detail = (await auditor.get(`/api/inspector/instances/${enc(handling!.processInstanceKey)}`).expect(200)).body;
    expect(detail.unassignableTasks).toEqual([expect.objectContaining({ userTaskKey: sign.key, missing: '南亨乡人民政府的承办人' })]);
    expect(alertOf((await auditor.get(`/inspector/instances/${enc(handling!.processInstanceKey)}`).set(html).expect(200)).text)).toContain('缺少南亨乡人民政府的承办人');
    const lifecycle = ((await auditor.get('/api/inspector/instances?processId=petition-lifecycle').expect(200)).body as { processInstanceKey: string; trackingCode?: string }[]).find((i) => i.trackingCode === code);
    expect(alertOf((await auditor.get(`/inspector/instances/${enc(lifecycle!.processInstanceKey)}`).set(html).expect(200)).text)).toContain('「签收或申请退回」');

    // someone is added: the alert is gone everywhere, and the new 承办人 has the task
    await admin.post('/api/admin/staff', { username: 'nanheng-handler-2', displayName: '南亨乡承办人(新)', password: 'a long enough password', roles: ['unit-handler'], unitId: 'u-nanheng' }).expect(201);
    expect(alertOf((await reviewer.get('/staff').set(html).expect(200)).text)).toBeUndefined();
    expect(alertOf((await auditor.get(`/inspector/instances/${enc(handling!.processInstanceKey)}`).set(html).expect(200)).text)).toBeUndefined();
    expect((await reviewer.get('/api/unassignable-tasks').expect(200)).body).toEqual([]);
    const newcomer = h.agent();
    const s = await newcomer.get('/api/session').expect(200);
    await newcomer.post('/api/login').set('x-csrf-token', s.body.csrfToken).send({ username: 'nanheng-handler-2', password: 'a long enough password' }).expect(200);
    expect(((await newcomer.get('/api/tasks').expect(200)).body as { key: string }[]).map((t) => t.key)).toContain(sign.key);
  });
});
