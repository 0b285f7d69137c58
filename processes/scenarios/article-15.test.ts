import { it, expect, afterEach } from '@jest/globals';
import { createScenario, dispatchAndSign, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第十五条 书面答复与 OA 送签', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  it('第十五条 the reply is signed off by the unit’s 分管领导; one sent back is redrafted before it reaches the platform', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await s.submit({ category: 'complaint' });
    await dispatchAndSign(s);
    await s.complete('Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00Z', contactMethod: 'phone', contactSummary: '已沟通' });
    await s.complete('Task_DraftReply', { reply: { result: '已处理', legalBasis: '—', contactRecord: '电话', handledAt: '2026-03-03T02:00:00Z', handlingUnit: '龙南镇' } });

    // when: the leader sends it back, then signs the second draft
    const signOff = await s.task('Task_OASignOff');
    expect([signOff.candidateGroups, signOff.formId]).toEqual([['unit-leader:u-longnan'], 'oa-sign-off']);
    await s.complete('Task_OASignOff', { signOffApproved: false, signOffOpinion: '办理结果不具体' });
    expect(await s.open()).toEqual(['Task_DraftReply']);
    await s.complete('Task_DraftReply', { reply: { result: '已更换路灯 3 盏', legalBasis: '《城市照明管理规定》', contactRecord: '电话', handledAt: '2026-03-03T02:00:00Z', handlingUnit: '龙南镇' } });
    await s.complete('Task_OASignOff', { signOffApproved: true });

    // then
    const review = await s.task('Task_ReviewReply');
    expect([review.candidateGroups, (review.variables.reply as any).result]).toEqual([['platform-reviewer'], '已更换路灯 3 盏']);
  });
});
