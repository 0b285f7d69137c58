/**
 * 第九条 through the HTTP API: 属地办理 — the dispatch form suggests the township where it happened
 * and the township's handlers get the case; a major matter goes to a 信息专报 (platform reviewer) and a
 * city leader's 批示 before it is dispatched, and the 批示's limit then bounds the unit's deadline.
 * (processes/scenarios/article-09.test.ts proves the same on the engine directly.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, taskOf, type TestApp } from '../../app-harness.js';
import { openFor, refused, sent, signAndContact, staff, submit, taskDetail, track, type Staff } from './steps.js';

describe('第九条 属地办理、部门指导;信息专报与市领导批示', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    // Monday 2026-03-02, 10:00 in Longnan
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  it('第九条 属地办理:转办时建议事发乡镇为承办单位,转办后该乡镇承办人收到事项和短信,其他单位看不到', async () => {
    // given: a complaint about something in 东江乡
    const c = await submit(h, as, { township: '360783201', title: '东江乡集市占道经营' });
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: false }, c.code);

    // when: the operator opens the dispatch form
    const detail = await taskDetail(await as('intake'), 'Task_DispatchPetition', c);

    // then: the township is suggested (and preselected), every unit can be chosen
    expect(detail.article).toContain('第九条');
    expect(detail.data).toMatchObject({ suggestedUnitId: 'u-dongjiang', unitId: 'u-dongjiang' });
    expect(detail.data.unitOptions).toEqual(expect.arrayContaining([{ label: '龙南镇人民政府', value: 'u-longnan' }, expect.objectContaining({ value: 'u-dongjiang' }), expect.objectContaining({ value: 'u-market' })]));

    // when: dispatched to the suggestion
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-dongjiang', jointMode: 'single' }, c.code);

    // then: 东江乡's handler has it to sign, with the case; 龙南镇 sees nothing of it
    const dongjiang = await h.signIn('handler-dongjiang');
    expect(await openFor(dongjiang, c)).toEqual(['Task_SignOrReturn']);
    expect((await dongjiang.get(`/api/cases/${c.id}`).expect(200)).body).toMatchObject({ unitId: 'u-dongjiang', status: 'handling' });
    expect(await openFor(await as('handler-longnan'), c)).toEqual([]);
    await (await as('handler-longnan')).get(`/api/cases/${c.id}`).expect(404);
    // the unit's contact is told by SMS, with the deadlines (第十条, 第十三条)
    const [sms] = await sent(h, 'case-dispatched', c);
    expect(sms).toMatchObject({ recipientKind: 'unit-contact', payload: { trackingCode: c.code, returnDueAt: '2026-03-03T16:00:00.000Z', firstStepDueAt: '2026-03-04T16:00:00.000Z', finishDueAt: '2026-03-09T16:00:00.000Z' } });
    expect(await track(h, c)).toMatchObject({ status: 'handling', statusLabel: '办理中' });
  });

  it('第九条 重大事项先形成信息专报、经市领导批示后再转办;批示时限短于类别时限的,按批示时限办结', async () => {
    // given: a complaint of overall importance
    const c = await submit(h, as, { title: '多个小区停水三天', content: '龙南镇多个小区已停水三天,无人处理。' });

    // when: the operator marks it major
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: true }, c.code);

    // then: the platform reviewer writes the 信息专报; nothing can be dispatched yet
    expect(await openFor(await as('intake'), c)).toEqual([]);
    expect(await openFor(await as('reviewer'), c)).toEqual(['Task_SubmitSpecialReport']);
    expect((await taskOf(await as('reviewer'), 'Task_SubmitSpecialReport', c.code)).article).toContain('第九条');
    expect((await refused(await as('reviewer'), 'Task_SubmitSpecialReport', c, {})).error.details?.map((d) => d.field)).toEqual(['specialReportSummary']);
    await completeTask(h, await as('reviewer'), 'Task_SubmitSpecialReport', { specialReportSummary: '龙南镇多个小区停水三天,涉及约 2000 户', specialReportTo: '分管副市长' }, c.code);

    // then: the city leader (and only a city leader) has the 批示 to give, with the 信息专报 before them
    expect(await openFor(await as('reviewer'), c)).toEqual([]);
    expect(await openFor(await as('leader'), c)).toEqual(['Task_LeaderInstruction']);
    const seen = await taskDetail(await as('leader'), 'Task_LeaderInstruction', c);
    expect(seen.data.specialReportSummary).toBe('龙南镇多个小区停水三天,涉及约 2000 户');
    // a limit out of range is refused with a Chinese message
    const bad = await refused(await as('leader'), 'Task_LeaderInstruction', c, { leaderInstruction: '请尽快解决', leaderLimitDays: 0 });
    expect(bad.error.details?.map((d) => d.field)).toEqual(['leaderLimitDays']);
    expect(bad.error.details?.[0].message).toMatch(/[\u4e00-\u9fff]/);
    await completeTask(h, await as('leader'), 'Task_LeaderInstruction', { leaderInstruction: '请龙南镇三日内恢复供水', leaderLimitDays: 3 }, c.code);

    // when: the platform dispatches it, and the township signs and contacts
    expect(await openFor(await as('intake'), c)).toEqual(['Task_DispatchPetition']);
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, c.code);
    // the township handles it with the 批示 in hand
    expect((await taskDetail(await as('handler-longnan'), 'Task_SignOrReturn', c)).data).toMatchObject({ leaderInstruction: '请龙南镇三日内恢复供水', leaderLimitDays: 3 });
    await signAndContact(h, as, c);

    // then: 3 working days from Monday 03-02 is Thursday 03-05, earlier than the complaint's 5 (Monday 03-09)
    const [sms] = await sent(h, 'case-dispatched', c);
    expect(sms.payload.finishDueAt).toBe('2026-03-05T16:00:00.000Z');
    const draft = await taskOf(await as('handler-longnan'), 'Task_DraftReply', c.code);
    expect(draft.deadline).toMatchObject({ label: '办结期限', dueAt: '2026-03-05T16:00:00.000Z', overdue: false });
  });

  // The forms show the 信息专报 to the city leader who gives the 批示 on it (leader-instruction) and
  // the 批示 to the unit that must handle the matter by it (sign-or-return, draft-reply).
  it('第九条 市领导批示的表单上显示信息专报内容,承办单位签收和答复的表单上显示市领导批示', async () => {
    const c = await submit(h, as, { title: '学校周边交通拥堵', content: '城区学校周边上下学时段交通拥堵。' });
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: true }, c.code);
    await completeTask(h, await as('reviewer'), 'Task_SubmitSpecialReport', { specialReportSummary: '城区学校周边交通拥堵' }, c.code);
    const shows = async (who: string, elementId: string, variable: string) => {
      const { form } = await taskDetail(await as(who), elementId, c);
      return JSON.stringify(form.components.filter((x: { type: string }) => x.type === 'text')).includes(variable);
    };
    expect(await shows('leader', 'Task_LeaderInstruction', 'specialReportSummary')).toBe(true);
    await completeTask(h, await as('leader'), 'Task_LeaderInstruction', { leaderInstruction: '五日内拿出方案', leaderLimitDays: 5 }, c.code);
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, c.code);
    expect(await shows('handler-longnan', 'Task_SignOrReturn', 'leaderInstruction')).toBe(true);
    await signAndContact(h, as, c);
    expect(await shows('handler-longnan', 'Task_DraftReply', 'leaderInstruction')).toBe(true);
  });

  // While a unit handles the case its deadlines live in the unit-handling call activity, not in the
  // petition-lifecycle instance: the case (GET /api/cases/:id) shows the finish deadline from there.
  it('第九条 批示时限决定的办结期限显示在事项页上', async () => {
    const c = await submit(h, as, { title: '城区主干道积水', content: '城区主干道雨后积水严重。' });
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: true }, c.code);
    await completeTask(h, await as('reviewer'), 'Task_SubmitSpecialReport', { specialReportSummary: '城区主干道积水' }, c.code);
    await completeTask(h, await as('leader'), 'Task_LeaderInstruction', { leaderInstruction: '三日内处理', leaderLimitDays: 3 }, c.code);
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, c.code);
    for (const who of ['reviewer', 'handler-longnan', 'leader']) expect((await (await as(who)).get(`/api/cases/${c.id}`).expect(200)).body.finishDueAt).toBe('2026-03-05T16:00:00.000Z');
    // and on the unit's case page
    expect((await (await as('handler-longnan')).get(`/staff/cases/${c.id}`).expect(200)).text).toMatch(/办结期限<\/dt><dd>2026-03-05 24:00</);
  });
});
