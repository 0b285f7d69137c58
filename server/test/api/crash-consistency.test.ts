/**
 * Writes that belong together commit together (issue 12, items 2–4), proven through the HTTP API: a
 * write of the request fails inside the database (a trigger stands in for a crash at that point),
 * and afterwards the request has left nothing behind — no petition without its process, no
 * completed task without its audit row, no task for a unit the case was not assigned to. Then the
 * same request, repeated once the database accepts it, is whole. Runs on SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { completeTask, createTestApp, submitPetition, taskOf, type TestApp } from '../app-harness.js';

describe('一次请求的写入要么全部生效,要么全部不生效', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(() => h.close());
  afterEach(() => h.t.db.sequelize.query('DROP TRIGGER IF EXISTS wz_injected_failure'));

  const count = async (sql: string, args: unknown[] = []) =>
    Number((await h.t.db.sequelize.query<{ n: number }>(sql, { type: QueryTypes.SELECT, replacements: args }))[0].n);

  /** the database refuses one kind of write, as a crash at that point of the request would cut it */
  async function failWrites(table: string, when: 'INSERT' | 'UPDATE', condition: string) {
    const sql =
      h.t.db.dialect === 'sqlite'
        ? `CREATE TRIGGER wz_injected_failure BEFORE ${when} ON ${table} WHEN ${condition} BEGIN SELECT RAISE(ABORT, 'injected failure'); END`
        : `CREATE TRIGGER wz_injected_failure BEFORE ${when} ON ${table} FOR EACH ROW BEGIN IF ${condition} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected failure'; END IF; END`;
    await h.t.db.sequelize.query(sql);
  }

  it('第六条 提交诉求:写审计时失败,则不留下诉求、流程和短信;再次提交则完整受理', async () => {
    const citizen = await h.visitor();
    const before = {
      petitions: await count('SELECT COUNT(*) AS n FROM petitions'),
      instances: await count("SELECT COUNT(*) AS n FROM engine_instances WHERE process_id = 'petition-lifecycle'"),
      outbox: await count('SELECT COUNT(*) AS n FROM outbox'),
    };
    await failWrites('audit_log', 'INSERT', "NEW.action = 'petition.submitted'");

    const cut = await submitPetition(h, citizen, { title: '路灯不亮(第一次提交)' });
    expect(cut.status).toBe(500);
    expect(await count('SELECT COUNT(*) AS n FROM petitions')).toBe(before.petitions);
    expect(await count("SELECT COUNT(*) AS n FROM engine_instances WHERE process_id = 'petition-lifecycle'")).toBe(before.instances);
    expect(await count('SELECT COUNT(*) AS n FROM outbox')).toBe(before.outbox);

    await h.t.db.sequelize.query('DROP TRIGGER wz_injected_failure');
    const again = await submitPetition(h, citizen, { title: '路灯不亮(再次提交)' });
    expect(again.status).toBe(201);
    const [p] = await h.t.db.sequelize.query<{ id: string; process_instance_key: string }>('SELECT id, process_instance_key FROM petitions WHERE tracking_code = ?', {
      type: QueryTypes.SELECT,
      replacements: [again.body.trackingCode],
    });
    expect(p.process_instance_key).toBeTruthy();
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'petition.submitted' AND petition_id = ?", [p.id])).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM outbox WHERE template = 'petition-received'")).toBe(1);
    await taskOf(await h.signIn('intake'), 'Task_ScreenPetition', again.body.trackingCode);
  });

  it('办理事项:写审计时失败,则事项仍待办、流程不前进;再次提交则完成并留有审计', async () => {
    const submitted = await submitPetition(h, await h.visitor(), { title: '占道经营' });
    const code = submitted.body.trackingCode;
    const intake = await h.signIn('intake');
    await failWrites('audit_log', 'INSERT', "NEW.action = 'task.completed'");

    const task = await taskOf(intake, 'Task_ScreenPetition', code);
    const cut = await intake.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables: { inScope: true, isMajor: false } });
    expect(cut.status).toBe(500);
    await h.settle();
    expect((await taskOf(intake, 'Task_ScreenPetition', code)).key).toBe(task.key);
    expect((await intake.get('/api/tasks').expect(200)).body.filter((t: { elementId: string }) => t.elementId === 'Task_DispatchPetition')).toEqual([]);

    await h.t.db.sequelize.query('DROP TRIGGER wz_injected_failure');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    const audits = await h.t.db.sequelize.query<{ detail: string }>("SELECT detail FROM audit_log WHERE action = 'task.completed'", { type: QueryTypes.SELECT });
    expect(audits.filter((a) => JSON.parse(a.detail).userTaskKey === task.key)).toHaveLength(1);
    await taskOf(intake, 'Task_DispatchPetition', code);
  });

  it('第九条 交办:给诉求登记承办单位时失败,则不产生该单位的待办;再次交办则单位和状态与待办一致', async () => {
    const submitted = await submitPetition(h, await h.visitor(), { title: '噪音扰民' });
    const code = submitted.body.trackingCode;
    const intake = await h.signIn('intake');
    const handler = await h.signIn('handler-longnan');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await failWrites('petitions', 'UPDATE', "NEW.unit_id = 'u-longnan'");

    // the unit's task is made in the dispatch's own transaction (the jobs between run inline): the
    // failing change fails the dispatch as a whole — the staff member is told and nothing moved
    const dispatch = await taskOf(intake, 'Task_DispatchPetition', code);
    const cut = await intake.post(`/api/tasks/${encodeURIComponent(dispatch.key)}/complete`, { variables: { unitId: 'u-longnan', jointMode: 'single' } });
    expect(cut.status).toBe(500);
    await h.settle();
    expect(await count("SELECT COUNT(*) AS n FROM engine_user_tasks WHERE element_id = 'Task_SignOrReturn' AND state = 'created'")).toBe(0);
    expect((await handler.get('/api/tasks').expect(200)).body).toEqual([]);
    expect((await taskOf(intake, 'Task_DispatchPetition', code)).key).toBe(dispatch.key);

    // once the database accepts it, the dispatch done again makes the task and assigns the case with it
    await h.t.db.sequelize.query('DROP TRIGGER wz_injected_failure');
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    const sign = await taskOf(handler, 'Task_SignOrReturn', code);
    const caseView = await handler.get(`/api/cases/${sign.petition.id}`).expect(200);
    expect(caseView.body).toMatchObject({ unitId: 'u-longnan', status: 'handling' });
  });
});
