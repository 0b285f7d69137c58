/**
 * 第八条 through the HTTP API: the intake operator screens a petition out with the 第八条 item that
 * applies; the petitioner learns why when tracking and by SMS, and for item (二) the number to call.
 * (processes/scenarios/article-08.test.ts proves the same on the engine directly.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, PETITIONER, type TestApp } from '../../app-harness.js';
import { openFor, refused, sent, staff, submit, track, type Staff } from './steps.js';

describe('第八条 不予受理', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  it('第八条第(二)项 属 110 处理的事项不予受理:须选定情形和应拨打的专线,诉求人查询和短信都被告知原因并请拨打 110,事项结束', async () => {
    // given: a citizen reports a burglary on the website
    const c = await submit(h, as, { category: 'help', title: '家中被盗', content: '昨晚家中被盗,门锁被撬。' });
    expect(await track(h, c)).toMatchObject({ status: 'screening' });

    // when: the operator says only "out of scope", the form asks for the item, the note and (item 二) the number
    const noItem = await refused(await as('intake'), 'Task_ScreenPetition', c, { inScope: false });
    expect(noItem.error.details?.map((d) => d.field).sort()).toEqual(['outOfScopeItem', 'rejectionNote']);
    for (const d of noItem.error.details ?? []) expect(d.message).toMatch(/[\u4e00-\u9fff]/);
    const noNumber = await refused(await as('intake'), 'Task_ScreenPetition', c, { inScope: false, outOfScopeItem: '二', rejectionNote: '属于警务类紧急事项' });
    expect(noNumber.error.details?.map((d) => d.field)).toEqual(['emergencyNumber']);
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: false, outOfScopeItem: '二', emergencyNumber: '110', rejectionNote: '属于警务类紧急事项,请直接报警' }, c.code);

    // then: tracking says 不予受理, which item, the note and the number to call
    expect(await track(h, c)).toMatchObject({
      status: 'rejected',
      statusLabel: '不予受理',
      rejection: { item: '二', emergencyNumber: '110', note: '属于警务类紧急事项,请直接报警' },
      canRate: false,
    });
    // the petitioner's SMS names the reason and 110
    const [sms] = await sent(h, 'petition-rejected', c);
    expect(sms).toMatchObject({ recipientKind: 'petitioner', payload: { trackingCode: c.code, outOfScopeItem: '二', emergencyNumber: '110' } });
    // the tracking page a citizen opens says the same
    const page = await c.citizen.agent.post('/track').type('form').send({ _csrf: c.citizen.csrf, trackingCode: c.code, phone: PETITIONER.petitionerPhone });
    expect(page.status).toBe(200);
    expect(page.text).toContain('不予受理');
    expect(page.text).toContain('请拨打 110');
    // and nobody has anything left to do on it
    expect(await openFor(await as('intake'), c)).toEqual([]);
    expect(await openFor(await as('reviewer'), c)).toEqual([]);
    const reviewerCase = (await (await as('reviewer')).get(`/api/cases/${c.id}`).expect(200)).body;
    expect(reviewerCase).toMatchObject({ status: 'rejected', statusLabel: '不予受理' });
    expect(reviewerCase.tasks).toEqual([]);
    expect((await h.t.engine.getProcessInstance(reviewerCase.processInstanceKey))?.state).toBe('completed');
  });

  it('第八条第(四)项 依法应通过诉讼等途径解决的事项不予受理:告知理由,不要求拨打专线', async () => {
    // given
    const c = await submit(h, as, { category: 'complaint', title: '合同纠纷', content: '与装修公司的合同纠纷,要求退款。' });

    // when
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: false, outOfScopeItem: '四', rejectionNote: '属合同纠纷,可向人民法院起诉' }, c.code);

    // then
    const seen = await track(h, c);
    expect(seen).toMatchObject({ status: 'rejected', rejection: { item: '四', note: '属合同纠纷,可向人民法院起诉' } });
    expect(seen.rejection.emergencyNumber).toBeUndefined();
    const [sms] = await sent(h, 'petition-rejected', c);
    expect(sms.payload).toMatchObject({ outOfScopeItem: '四' });
    expect(sms.payload.emergencyNumber).toBeUndefined();
  });
});
