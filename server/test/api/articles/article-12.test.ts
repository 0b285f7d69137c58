/**
 * 第十二条 through the HTTP API: a matter of unclear responsibility is settled by quick coordination
 * on one unit; a matter spanning several units gets a lead unit and co-handling units, which are
 * told by SMS. (processes/scenarios/article-12.test.ts proves the same on the engine directly.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, PETITIONER, type TestApp } from '../../app-harness.js';
import { openFor, refused, sent, staff, submit, taskDetail, type Case, type Staff } from './steps.js';

describe('第十二条 快速协调与共同办理', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  async function screened(fields: Record<string, unknown>): Promise<Case> {
    const c = await submit(h, as, fields);
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: false }, c.code);
    return c;
  }

  /** the outbox reference of a unit's 责任人, as the process admin's unit page lists them */
  async function contactOf(unitId: string) {
    const unit = (await (await as('modeler')).get(`/api/admin/units/${unitId}`).expect(200)).body;
    const contact = unit.people.find((x: { role: string }) => x.role === 'contact');
    return `unit-person:${contact.id}`;
  }

  it('第十二条第二款 涉及多个单位职责的,确定牵头单位和协办单位共同办理,协办单位收到短信', async () => {
    // given: a matter of the township, the market regulator and the water company
    const c = await screened({ title: '小区自来水浑浊', content: '小区自来水浑浊,周边餐馆仍在使用。' });

    // when: the operator picks joint handling without naming the co-handling units, then with them
    const none = await refused(await as('intake'), 'Task_DispatchPetition', c, { unitId: 'u-longnan', jointMode: 'joint' });
    expect(none.error.details?.map((d) => d.field)).toEqual(['coUnitIds']);
    expect(none.error.details?.[0].message).toMatch(/[\u4e00-\u9fff]/);
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'joint', coUnitIds: ['u-market', 'u-water'], coordinationNote: '镇政府牵头,市场监管局、自来水公司协办' }, c.code);

    // then: each co-handling unit's 责任人 is told, naming the lead unit
    const joint = await sent(h, 'case-joint', c);
    expect(joint.map((m) => m.recipientRef).sort()).toEqual([await contactOf('u-market'), await contactOf('u-water')].sort());
    expect(joint.map((m) => m.payload.unitName)).toEqual(['龙南镇人民政府', '龙南镇人民政府']);
    // the lead unit handles it; a co-handling unit has no task of its own
    expect(await openFor(await as('handler-longnan'), c)).toEqual(['Task_SignOrReturn']);
    expect(await openFor(await as('handler-market'), c)).toEqual([]);
    expect((await (await as('handler-longnan')).get(`/api/cases/${c.id}`).expect(200)).body.unitId).toBe('u-longnan');
  });

  // A co-handling unit told by SMS to 配合共同办理 can open the case it is to help with — read-only:
  // no task, no upload, no extension, and not the petitioner's identity (第十九条: that is the lead
  // unit's, for a case assigned to it). A unit the dispatch did not name still sees nothing.
  it('第十二条第二款 协办单位可以查看共同办理的事项', async () => {
    const c = await screened({ title: '农贸市场噪声扰民', content: '农贸市场凌晨装卸噪声扰民。' });
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'joint', coUnitIds: ['u-market'], coordinationNote: '镇政府牵头,市场监管局协办' }, c.code);
    expect((await sent(h, 'case-joint', c)).length).toBe(1);
    const market = await as('handler-market');
    const seen = (await market.get(`/api/cases/${c.id}`).expect(200)).body;
    expect(seen).toMatchObject({ title: '农贸市场噪声扰民', unitId: 'u-longnan', coUnits: [{ id: 'u-market', name: expect.any(String) }], coHandling: true, mayReadIdentity: false, mayRequestExtension: false, tasks: [] });
    expect(JSON.stringify(seen)).not.toContain(PETITIONER.petitionerPhone);
    expect(((await market.get('/api/cases').expect(200)).body as { id: string }[]).map((x) => x.id)).toContain(c.id);
    expect((await market.get(`/staff/cases/${c.id}`).expect(200)).text).toContain('协办单位');
    // read-only, and no identity
    expect((await market.post(`/api/cases/${c.id}/identity`, { purpose: 'contact-petitioner' }).expect(403)).body.error.code).toBe('IDENTITY_DENIED');
    expect((await market.post(`/api/cases/${c.id}/extension-request`, { extensionDays: 3, extensionReason: '需协调' }).expect(403)).body.error.message).toContain('承办单位');
    const upload = await market.agent.post('/api/attachments').set('x-csrf-token', market.csrf).field('petitionId', c.id).field('purpose', 'reply.investigationDocument').attach('file', Buffer.from('%PDF-1.4\n%%EOF\n'), { filename: '说明.pdf', contentType: 'application/pdf' });
    expect(upload.status).toBe(403);
    expect(upload.body.error.message).toContain('协办单位');
    // the lead unit sees the co-handling unit; a unit not named sees nothing
    expect((await (await as('handler-longnan')).get(`/api/cases/${c.id}`).expect(200)).body).toMatchObject({ coUnits: [{ id: 'u-market' }], coHandling: false });
    await (await as('handler-dongjiang')).get(`/api/cases/${c.id}`).expect(404);
  });

  it('第十二条第一款 职责不清的一般事项经快速协调确定一个承办单位,协调情况随事项交给该单位', async () => {
    // given
    const c = await screened({ title: '街边广告牌松动', content: '街边广告牌松动,存在安全隐患。' });

    // when: quick coordination settles on the market regulator
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId: 'u-market', jointMode: 'coordinated', coordinationNote: '经与住建局、镇政府快速协调,由市场监管局办理' }, c.code);

    // then: one unit handles it, with the coordination on record; nobody else is told
    const sign = await taskDetail(await as('handler-market'), 'Task_SignOrReturn', c);
    expect(sign.data).toMatchObject({ jointMode: 'coordinated', coordinationNote: '经与住建局、镇政府快速协调,由市场监管局办理' });
    expect(await sent(h, 'case-joint', c)).toEqual([]);
    const timeline = (await (await as('reviewer')).get(`/api/cases/${c.id}`).expect(200)).body.timeline;
    expect(timeline).toContainEqual(expect.objectContaining({ action: 'task.completed', detail: expect.objectContaining({ elementId: 'Task_DispatchPetition', outcome: expect.objectContaining({ unitId: 'u-market', jointMode: 'coordinated' }) }) }));
  });
});
