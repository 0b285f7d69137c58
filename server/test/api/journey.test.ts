/**
 * A whole case through the HTTP API only, as the people involved do it: a citizen submits on the
 * website, the platform screens and dispatches it, the township's handler signs, contacts, drafts
 * the reply with the investigation document, the leader in charge signs it off, the platform
 * approves and publishes it, the citizen tracks it and rates it. Runs on SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, PETITIONER, submitPetition, taskOf, type TestApp } from '../app-harness.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')]);

describe('第六条至第二十一条 a complaint from web submission to rating, through the HTTP API', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(() => h.close());

  it('given a citizen on the website, when every person does their step, then the case is answered, published masked and rated', async () => {
    const citizen = await h.visitor();
    const submitted = await submitPetition(h, citizen, { content: '龙南镇某小区 3 栋旁的路灯已经一周不亮。我叫王小明,电话13900002222。' });
    expect(submitted.status).toBe(201);
    const code = submitted.body.trackingCode;
    expect(code).toMatch(/^WZ[2-9A-Z]{8}$/);

    const track = async () => (await citizen.post('/api/track', { trackingCode: code, phone: PETITIONER.petitionerPhone }).expect(200)).body;
    expect(await track()).toMatchObject({ status: 'screening', statusLabel: '受理审查中', category: 'complaint', channel: 'web', canRate: false });

    // 第七条、第九条: the platform screens and dispatches, with the suggested unit preselected
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false });
    const dispatch = await taskOf(intake, 'Task_DispatchPetition');
    const detail = (await intake.get(`/api/tasks/${encodeURIComponent(dispatch.key)}`).expect(200)).body;
    expect(detail.form.id).toBe('dispatch-petition');
    expect(detail.data.unitId).toBe('u-longnan');
    expect(detail.data.unitOptions).toContainEqual({ label: '龙南镇人民政府', value: 'u-longnan' });
    expect(detail.article).toContain('第九条');
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' });

    // 第十条、第十三条: the township signs and contacts within 2 working days
    const handler = await h.signIn('handler-longnan');
    const sign = await taskOf(handler, 'Task_SignOrReturn');
    expect(sign.petition.title).toBe('小区路灯不亮');
    expect(sign.deadline).toMatchObject({ label: '申请退回期限', dueAt: '2026-03-03T16:00:00.000Z', overdue: false });
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false });
    expect(await track()).toMatchObject({ status: 'handling', statusLabel: '办理中' });
    const contact = await taskOf(handler, 'Task_ContactPetitioner');
    expect(contact.deadline).toMatchObject({ label: '联系诉求人期限', dueAt: '2026-03-04T16:00:00.000Z' });
    // the unit may see this petitioner (not confidential), and the read is logged
    const petitionId = contact.petition.id;
    const identity = await handler.post(`/api/cases/${petitionId}/identity`, { purpose: 'contact-petitioner' }).expect(200);
    expect(identity.body).toEqual({ name: '王小明', phone: '13900002222' });
    await completeTask(h, handler, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人,约定次日现场查看' });

    // 第十五条: the reply with the investigation document, uploaded and checked
    const upload = await handler.agent
      .post('/api/attachments')
      .set('x-csrf-token', handler.csrf)
      .field('petitionId', petitionId)
      .field('purpose', 'reply.investigationDocument')
      .attach('file', PDF, { filename: '调查受理文书.pdf', contentType: 'application/pdf' });
    expect(upload.status).toBe(201);
    expect(upload.body).toMatchObject({ filename: '调查受理文书.pdf', mediaType: 'application/pdf', size: PDF.length });
    expect(upload.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    await completeTask(h, handler, 'Task_DraftReply', {
      reply: {
        handledAt: '2026-03-03T02:00:00.000Z',
        handlingUnit: '龙南镇人民政府',
        result: '已更换损坏的路灯灯头,恢复照明。',
        legalBasis: '《城市照明管理规定》第二十条',
        contactRecord: '2026-03-02 电话联系诉求人',
        investigation: 'investigated',
        investigationDocument: `attachment:${upload.body.id}`,
        publishable: true,
        replyText: '您反映的路灯问题已修复。诉求人王小明,电话13900002222。',
      },
    });

    // OA 送签 by the leader in charge, then 办结审核 by the platform (第十六条, 第二十条)
    const leader = await h.signIn('leader-longnan');
    await completeTask(h, leader, 'Task_OASignOff', { signOffApproved: true, signOffOpinion: '同意答复' });
    const reviewer = await h.signIn('reviewer');
    const review = await taskOf(reviewer, 'Task_ReviewReply');
    expect((await reviewer.get(`/api/tasks/${encodeURIComponent(review.key)}`).expect(200)).body.data.publishable).toBe(true);
    await completeTask(h, reviewer, 'Task_ReviewReply', { reviewApproved: true, reviewReason: '答复内容完整', publishable: true });

    const replied = await track();
    expect(replied).toMatchObject({ status: 'replied', canRate: true });
    expect(replied.reply.text).toContain('路灯问题已修复');
    // 第二十一条: published, with the petitioner's name and phone masked
    const published = (await citizen.get('/api/replies').expect(200)).body;
    expect(published).toHaveLength(1);
    expect(published[0].text).toContain('路灯问题已修复');
    expect(published[0].text).not.toContain('13900002222');
    expect(published[0].text).not.toContain('王小明');

    // 第十七条: the citizen rates through the API; the case closes
    const rating = await citizen.post('/api/rate', { trackingCode: code, phone: PETITIONER.petitionerPhone, rating: 'satisfied', ratingComment: '处理及时' });
    expect(rating.status).toBe(202);
    await h.settle();
    expect(await track()).toMatchObject({ status: 'closed', statusLabel: '已办结', canRate: false });
    // rating twice is refused
    expect((await citizen.post('/api/rate', { trackingCode: code, phone: PETITIONER.petitionerPhone, rating: 'unsatisfied' })).status).toBe(409);

    // the case's history names who did what
    const reviewerCase = (await reviewer.get(`/api/cases/${petitionId}`).expect(200)).body;
    expect(reviewerCase.timeline.map((e: { action: string }) => e.action)).toEqual([
      'petition.submitted',
      'task.completed',
      'task.completed',
      'task.completed',
      'task.completed',
      'task.completed',
      'task.completed',
      'task.completed',
      'petition.rated',
    ]);
    expect(reviewerCase.attachments).toHaveLength(1);
    // and the identity read is in the access log
    const log = await h.t.db.sequelize.query('SELECT staff_id, purpose FROM identity_access_log WHERE petition_id = ?', { replacements: [petitionId], type: 'SELECT' as any });
    expect(log).toContainEqual(expect.objectContaining({ purpose: 'contact-petitioner' }));
  });
});
