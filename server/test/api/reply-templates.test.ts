/**
 * Reply templates / 常用语 (issue 17) through HTTP: every staff account reads them by category (and
 * filled from a case it may open); a platform reviewer creates, edits and deletes them, each change
 * audited; bad input is a 400 naming each problem and changes nothing; the draft-reply task page
 * shows the case's category's templates filled from the case and the 第十五条 checklist.
 * Runs on SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { CATEGORIES } from '../../../regulation/categories.js';
import { submitPetition, taskOf, type Person, type TestApp, createTestApp } from '../app-harness.js';
import { dispatchedAndSigned, type Case } from './app-steps.js';

let h: TestApp;
let reviewer: Person;
let handler: Person;
let c: Case;

const count = async () => Number(((await h.t.db.sequelize.query('SELECT COUNT(*) AS n FROM reply_templates', { type: QueryTypes.SELECT })) as { n: number }[])[0]?.n);
const audited = async (action: string) =>
  (await h.t.db.sequelize.query('SELECT actor, action, detail FROM audit_log WHERE action = ? ORDER BY id', { type: QueryTypes.SELECT, replacements: [action] })) as { actor: string; detail: string }[];

beforeAll(async () => {
  h = await createTestApp();
  c = await dispatchedAndSigned(h, { category: 'consultation', title: '办理居住证需要哪些材料' });
  handler = c.handler;
  reviewer = await h.signIn('reviewer');
}, 120_000);

afterAll(() => h?.close());

describe('reply templates (常用语) through the API', () => {
  it('given a fresh app, when a unit handler lists them, then each category has its defaults, with what each covers of 第十五条; a category and a case narrow and fill them', async () => {
    const all = (await handler.get('/api/reply-templates').expect(200)).body;
    for (const cat of CATEGORIES) expect(all.items.some((t: { category: string }) => t.category === cat)).toBe(true);
    expect(all.items[0]).toMatchObject({ id: expect.any(String), categoryLabel: expect.any(String), checklist: { items: expect.any(Array), missing: expect.any(Array) } });

    const complaint = (await handler.get('/api/reply-templates?category=complaint').expect(200)).body;
    expect(complaint.category).toBe('complaint');
    expect(complaint.items.every((t: { category: string }) => t.category === 'complaint')).toBe(true);

    // the case's category, its placeholders filled: the unit's name, the tracking code, the title
    const forCase = (await handler.get(`/api/reply-templates?petitionId=${c.petitionId}`).expect(200)).body;
    expect(forCase.category).toBe('consultation');
    const policy = forCase.items.find((t: { title: string }) => t.title === '政策解答');
    expect(policy.body).toContain('{办理单位}');
    expect(policy.filled).toContain('龙南镇人民政府');
    expect(policy.filled).toContain(c.code);
    expect(policy.filled).toContain('办理居住证需要哪些材料');
    expect(policy.filled).not.toMatch(/\{(办理单位|查询编号|诉求标题|办理时间)\}/);

    // another unit's handler may not fill from this case: as if it did not exist
    const dj = await h.signIn('handler-dongjiang');
    expect((await dj.get(`/api/reply-templates?petitionId=${c.petitionId}`).expect(404)).body.error.code).toBe('NOT_FOUND');
  });

  it('given a platform reviewer, when they create, edit and delete a template, then each change shows in the list and is audited; a unit handler’s changes are refused', async () => {
    const made = await reviewer.post('/api/reply-templates', { category: 'help', title: '困难救助指引', body: '{办理单位}已于{办理时间}上门了解情况,依据《社会救助暂行办法》为您……' }).expect(201);
    expect(made.body).toMatchObject({ category: 'help', categoryLabel: '求助', title: '困难救助指引', checklist: { missing: ['办理结果'] } });
    const id = made.body.id as string;
    expect((await handler.get(`/api/reply-templates/${id}`).expect(200)).body.title).toBe('困难救助指引');

    const edited = await reviewer.put(`/api/reply-templates/${id}`, { category: 'help', title: '困难救助', body: '{办理单位}已电话联系您……' }).expect(200);
    expect(edited.body).toMatchObject({ title: '困难救助', body: '{办理单位}已电话联系您……' });

    const before = await count();
    expect((await handler.post('/api/reply-templates', { category: 'help', title: 'x', body: 'y' })).status).toBe(403);
    expect((await handler.put(`/api/reply-templates/${id}`, { category: 'help', title: 'x', body: 'y' })).status).toBe(403);
    expect((await handler.delete(`/api/reply-templates/${id}`)).status).toBe(403);
    expect((await (await h.signIn('auditor')).delete(`/api/reply-templates/${id}`)).status).toBe(403);
    expect(await count()).toBe(before);

    await reviewer.delete(`/api/reply-templates/${id}`).expect(204);
    await handler.get(`/api/reply-templates/${id}`).expect(404);
    await reviewer.delete(`/api/reply-templates/${id}`).expect(404);

    const reviewerId = (await reviewer.get('/api/session').expect(200)).body.staff.id;
    for (const action of ['reply-template.created', 'reply-template.updated', 'reply-template.deleted']) {
      const rows = await audited(action);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.actor).toBe(reviewerId);
      expect(JSON.parse(String(rows[0]?.detail))).toMatchObject({ templateId: id, category: 'help' });
    }
    expect(JSON.parse(String((await audited('reply-template.updated'))[0]?.detail))).toMatchObject({ title: '困难救助', titleBefore: '困难救助指引' });
  });

  it('given bad input, when a reviewer sends it, then the answer is a 400 naming each field’s problem and nothing changes; a second title in a category is a 409', async () => {
    const before = await count();
    const bad = await reviewer.post('/api/reply-templates', { category: 'weather', title: '   ', body: '请联系{承办人}:13812345678', extra: 1 }).expect(400);
    const fields = (bad.body.error.details as { field: string; message: string }[]).map((d) => `${d.field}: ${d.message}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^extra: 未知字段/),
        expect.stringMatching(/^category: 请选择诉求类别/),
        expect.stringMatching(/^title: 请填写模板名称/),
        expect.stringMatching(/^body: 模板内容中不能含有手机号码/),
      ]),
    );
    const unknown = await reviewer.post('/api/reply-templates', { category: 'other', title: '占位符', body: '您好,{诉求人}' }).expect(400);
    expect(unknown.body.error.details[0].message).toContain('未知的占位符 {诉求人}');
    expect(unknown.body.error.details[0].message).toContain('{办理单位}');
    await reviewer.post('/api/reply-templates', { category: 'other', title: 't', body: '长'.repeat(2001) }).expect(400);
    await reviewer.post('/api/reply-templates', ['not', 'an object']).expect(400);
    const dup = await reviewer.post('/api/reply-templates', { category: 'consultation', title: '政策解答', body: '……' }).expect(409);
    expect(dup.body.error.code).toBe('TEMPLATE_EXISTS');
    const policy = (await reviewer.get('/api/reply-templates?category=consultation').expect(200)).body.items.find((t: { title: string }) => t.title === '政策解答');
    await reviewer.put(`/api/reply-templates/${policy.id}`, { category: 'consultation', title: '政策解答', body: '' }).expect(400);
    await reviewer.get('/api/reply-templates?category=weather').expect(400);
    expect(await count()).toBe(before);
    expect((await reviewer.get(`/api/reply-templates/${policy.id}`).expect(200)).body.body).toBe(policy.body);
  });

  it('given the draft-reply task, when its handler opens the task page, then the side panel holds the 咨询 templates filled from the case and the 第十五条 checklist; another task has no panel', async () => {
    const html = { accept: 'text/html' };
    // (a 咨询 goes from 签收 straight to drafting the reply) the screening of another petition has no panel
    const intake = await h.signIn('intake');
    const other = await submitPetition(h, await h.visitor(), { category: 'consultation' });
    const screening = await taskOf(intake, 'Task_ScreenPetition', other.body.trackingCode);
    const screenPage = await intake.get(`/staff/tasks/${encodeURIComponent(screening.key)}`).set(html).expect(200);
    expect(screenPage.text).not.toContain('id="reply-helper"');
    const task = await taskOf(handler, 'Task_DraftReply', c.code);
    const page = await handler.get(`/staff/tasks/${encodeURIComponent(task.key)}`).set(html).expect(200);
    expect(page.text).toContain('id="reply-helper"');
    expect(page.text).toContain('咨询类答复模板');
    expect(page.text).toContain('政策解答');
    expect(page.text).not.toContain('投诉已解决');
    for (const label of ['办理时间', '办理单位', '办理结果', '法律法规政策依据', '回复诉求人情况']) expect(page.text).toContain(`${label}<span class="rh-note">`);
    expect(page.text).toContain('0/5');
    // the preview and the script's data: filled from the case
    expect(page.text).toContain(`${c.code}`);
    expect(page.text).toMatch(/龙南镇人民政府/);

    // the staff page lists them for everyone; forms only for reviewers
    const list = await handler.get('/staff/reply-templates').set(html).expect(200);
    expect(list.text).toContain('政策解答');
    expect(list.text).not.toContain('新增模板');
    expect((await reviewer.get('/staff/reply-templates?category=report').set(html).expect(200)).text).toContain('新增模板');
  });

  it('given the page’s forms, when a reviewer adds a template with a problem, then the page answers 400 with the text kept; a good one is added and shown', async () => {
    const html = { accept: 'text/html' };
    const before = await count();
    const refused = await reviewer.agent.post('/staff/reply-templates').set('x-csrf-token', reviewer.csrf).set(html).type('form').send({ category: 'report', title: '', body: '请回复{受理人}' }).expect(400);
    expect(refused.text).toContain('请填写模板名称');
    expect(refused.text).toContain('未知的占位符 {受理人}');
    expect(refused.text).toContain('请回复{受理人}');
    expect(await count()).toBe(before);
    const added = await reviewer.agent.post('/staff/reply-templates').set('x-csrf-token', reviewer.csrf).set(html).type('form').send({ category: 'report', title: '举报转交', body: '{办理单位}已将您的举报转交……' }).expect(303);
    expect(added.headers.location).toMatch(/^\/staff\/reply-templates\?done=created&category=report#tpl-/);
    const shown = await reviewer.get('/staff/reply-templates?category=report&done=created').set(html).expect(200);
    expect(shown.text).toContain('已新增模板');
    expect(shown.text).toContain('举报转交');
  });
});
