/**
 * 第十五条 through the HTTP API: the unit's written reply lists when, who, the result, the legal basis
 * and how the petitioner was told; a complaint that was investigated carries its investigation
 * document, one that was not gives reason and basis; the unit's 分管领导 signs it off (OA 送签) or
 * sends it back, and only a signed reply reaches the platform — and, once approved, the petitioner
 * online. (processes/scenarios/article-15.test.ts proves the sign-off on the engine directly.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, type TestApp } from '../../app-harness.js';
import { openFor, refused, REPLY, screenAndDispatch, signAndContact, staff, submit, taskDetail, track, type Case, type Staff } from './steps.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')]);

describe('第十五条 书面答复、OA 送签与在线回复', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  async function contacted(fields: Record<string, unknown> = {}): Promise<Case> {
    const c = await submit(h, as, { category: 'complaint', ...fields });
    await screenAndDispatch(h, as, c);
    await signAndContact(h, as, c);
    return c;
  }

  it('第十五条(一)(三) 答复须列明办理时间、单位、结果、依据和回复情况;投诉类未调查的须说明理由和法律依据,调查的须上传调查受理文书', async () => {
    // given
    const c = await contacted();
    const handler = await as('handler-longnan');
    expect((await taskDetail(handler, 'Task_DraftReply', c)).article).toContain('第十五条');

    // when: an empty reply, then one investigated without its document, then one not investigated without reason
    const empty = await refused(handler, 'Task_DraftReply', c, { reply: {} });
    expect(new Set(empty.error.details?.map((d) => d.field))).toEqual(new Set(['reply.handledAt', 'reply.handlingUnit', 'reply.result', 'reply.legalBasis', 'reply.contactRecord', 'reply.investigation', 'reply.replyText']));
    for (const d of empty.error.details ?? []) expect(d.message).toMatch(/[\u4e00-\u9fff]/);
    const plain: Record<string, unknown> = { ...REPLY };
    delete plain.noInvestigationReason;
    delete plain.noInvestigationBasis;
    const noDocument = await refused(handler, 'Task_DraftReply', c, { reply: { ...plain, investigation: 'investigated' } });
    expect(noDocument.error.details?.map((d) => d.field)).toEqual(['reply.investigationDocument']);
    const noReason = await refused(handler, 'Task_DraftReply', c, { reply: { ...plain, investigation: 'not-investigated' } });
    expect(noReason.error.details?.map((d) => d.field).sort()).toEqual(['reply.noInvestigationBasis', 'reply.noInvestigationReason']);
    // a document of another case is refused
    const other = await contacted({ title: '另一件投诉' });
    const foreign = await upload(other);
    const wrongCase = await refused(handler, 'Task_DraftReply', c, { reply: { ...plain, investigation: 'investigated', investigationDocument: `attachment:${foreign}` } });
    expect(wrongCase.error.details).toEqual([{ field: 'reply.investigationDocument', message: expect.stringContaining('不属于本件诉求') }]);

    // when: the investigation document of this case is uploaded and named
    const doc = await upload(c);
    await completeTask(h, handler, 'Task_DraftReply', { reply: { ...plain, investigation: 'investigated', investigationDocument: `attachment:${doc}` } }, c.code);

    // then: it went on to the OA sign-off, and the document is on the case for the platform
    expect(await openFor(await as('leader-longnan'), c)).toEqual(['Task_OASignOff']);
    const seen = (await (await as('reviewer')).get(`/api/cases/${c.id}`).expect(200)).body;
    expect(seen.attachments).toContainEqual(expect.objectContaining({ id: doc, purpose: 'reply.investigationDocument', filename: '调查受理文书.pdf' }));
  });

  it('第十五条 答复经分管领导 OA 送签:退回的须写明修改意见并回到承办人重新起草,签发后才交平台审核,审核通过后在线回复诉求人', async () => {
    // given: the handler's first draft
    const c = await contacted();
    await completeTask(h, await as('handler-longnan'), 'Task_DraftReply', { reply: { ...REPLY, result: '已处理' } }, c.code);

    // then: the unit's 分管领导 — not the handler, not the platform — signs it, seeing the reply
    expect(await openFor(await as('handler-longnan'), c)).toEqual([]);
    expect(await openFor(await as('reviewer'), c)).toEqual([]);
    const signOff = await taskDetail(await as('leader-longnan'), 'Task_OASignOff', c);
    expect(signOff).toMatchObject({ formId: 'oa-sign-off', data: { reply: { result: '已处理', handlingUnit: '龙南镇人民政府' } } });
    expect(signOff.article).toContain('第十五条');

    // when: sent back — the opinion is required
    expect((await refused(await as('leader-longnan'), 'Task_OASignOff', c, { signOffApproved: false })).error.details?.map((d) => d.field)).toEqual(['signOffOpinion']);
    await completeTask(h, await as('leader-longnan'), 'Task_OASignOff', { signOffApproved: false, signOffOpinion: '办理结果不具体' }, c.code);

    // then: the handler redrafts, starting from the draft sent back
    const redraft = await taskDetail(await as('handler-longnan'), 'Task_DraftReply', c);
    expect(redraft.data).toMatchObject({ reply: { result: '已处理' }, signOffOpinion: '办理结果不具体' });
    expect(await openFor(await as('reviewer'), c)).toEqual([]);

    // when: the second draft is signed
    await completeTask(h, await as('handler-longnan'), 'Task_DraftReply', { reply: { ...REPLY, result: '已更换路灯 3 盏', replyText: '您反映的路灯问题已更换灯头 3 盏,恢复照明。' } }, c.code);
    await completeTask(h, await as('leader-longnan'), 'Task_OASignOff', { signOffApproved: true }, c.code);

    // then: the platform reviews the signed reply; approved, the petitioner reads it online
    const review = await taskDetail(await as('reviewer'), 'Task_ReviewReply', c);
    expect(review.data.reply.result).toBe('已更换路灯 3 盏');
    expect((await track(h, c)).reply).toBeUndefined();
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: false, publicationReason: '涉及具体住户,不宜公开' }, c.code);
    expect(await track(h, c)).toMatchObject({ status: 'replied', reply: { text: '您反映的路灯问题已更换灯头 3 盏,恢复照明。', handlingUnit: '龙南镇人民政府', handledAt: REPLY.handledAt } });
  });

  // A handler redrafting on the task page is shown why the reply came back: the 分管领导's 退回修改意见
  // (signOffOpinion) and the platform's 退回理由 (reviewReason), each only when it sent the reply back.
  it('第十五条 退回修改意见显示在承办人重新起草答复的表单上', async () => {
    const c = await contacted({ title: '路灯仍不亮' });
    await completeTask(h, await as('handler-longnan'), 'Task_DraftReply', { reply: REPLY }, c.code);
    await completeTask(h, await as('leader-longnan'), 'Task_OASignOff', { signOffApproved: false, signOffOpinion: '请补充更换时间' }, c.code);
    const { form } = await taskDetail(await as('handler-longnan'), 'Task_DraftReply', c);
    const texts = JSON.stringify(form.components.filter((x: { type: string }) => x.type === 'text'));
    expect(texts).toContain('signOffOpinion');
    expect(texts).toContain('reviewReason');
  });

  /** the handler uploads the investigation document of a case; answers its id */
  async function upload(c: Case): Promise<string> {
    const handler = await as('handler-longnan');
    const res = await handler.agent
      .post('/api/attachments')
      .set('x-csrf-token', handler.csrf)
      .field('petitionId', c.id)
      .field('purpose', 'reply.investigationDocument')
      .attach('file', PDF, { filename: '调查受理文书.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(201);
    return res.body.id;
  }
});
