/**
 * Each page's journey, per role, as a browser without JavaScript sends it (form posts with the
 * page's CSRF field): the citizen's portal, the hotline entry, the task list and case pages of the
 * platform and a unit (identity on request, extension request, delay explanation), the rating page,
 * and the admin pages. Runs on SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import { solveChallenge } from '../../domain/challenge.js';
import { completeTask, createTestApp, DEMO_PASSWORD, PETITIONER, submitPetition, taskOf, type TestApp } from '../app-harness.js';

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** a browser on the pages: GET a page, then post its form with the CSRF field it carries */
async function browser(h: TestApp) {
  const agent = request.agent(h.app);
  let csrf = csrfOf((await agent.get('/track').expect(200)).text);
  return {
    agent,
    async get(path: string) {
      const res = await agent.get(path).set('accept', 'text/html');
      if (res.type === 'text/html') csrf = csrfOf(res.text) || csrf;
      return res;
    },
    async post(path: string, form: Record<string, string | string[]>) {
      const res = await agent.post(path).type('form').set('accept', 'text/html').send({ ...form, _csrf: csrf });
      if (res.type === 'text/html') csrf = csrfOf(res.text) || csrf;
      await h.settle();
      return res;
    },
    async login(username: string, password = DEMO_PASSWORD) {
      await this.get('/login');
      const res = await this.post('/login', { username, password, next: '' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/staff');
      // a new session: a new token
      await this.get('/staff');
      return res;
    },
    get csrf() {
      return csrf;
    },
  };
}

describe('pages, per role', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(() => h.close());

  it('第六条 given a citizen on a phone, when they submit on the portal page with a photo, then they get a tracking code and can track it with their phone', async () => {
    const citizen = await browser(h);
    const form = await citizen.get('/submit');
    expect(form.status).toBe(200);
    expect(form.text).toContain('我要反映');
    expect(form.text).toContain('龙南镇人民政府');
    const question = /验证:([^<]+?) <span/.exec(form.text)?.[1] ?? '';
    const token = /name="challengeToken" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR'), Buffer.alloc(64, 1)]);
    const res = await citizen.agent
      .post(`/submit?_csrf=${encodeURIComponent(citizen.csrf)}`)
      .set('accept', 'text/html')
      .set('user-agent', 'Mozilla/5.0 (iPhone) MicroMessenger/8.0')
      .field('category', 'help')
      .field('title', '独居老人需要帮助')
      .field('content', '东江乡某村一位独居老人行动不便,希望村里帮助购买生活用品。')
      .field('township', '360783203')
      .field('petitionerName', '赵大妈')
      .field('petitionerPhone', '13700001234')
      .field('agree', 'true')
      .field('challengeToken', token)
      .field('challengeAnswer', String(solveChallenge(question)))
      .attach('attachments', png, '现场照片.png');
    expect(res.status).toBe(201);
    const code = /id="tracking-code">(WZ[0-9A-Z]{8})</.exec(res.text)?.[1];
    expect(code).toBeDefined();
    await h.settle();

    const tracked = await citizen.post('/track', { trackingCode: code as string, phone: '13700001234' });
    expect(tracked.status).toBe(200);
    expect(tracked.text).toContain('独居老人需要帮助');
    expect(tracked.text).toContain('受理审查中');
    // the WeChat H5 page is the 公众号 channel (第六条)
    const intake = await h.signIn('intake');
    const cases = (await intake.get('/api/cases').expect(200)).body;
    const mine = cases.find((c: { trackingCode: string }) => c.trackingCode === code);
    expect(mine).toMatchObject({ channel: 'wechat', category: 'help', township: '360783203' });
    const detail = (await intake.get(`/api/cases/${mine.id}`).expect(200)).body;
    expect(detail.attachments).toEqual([expect.objectContaining({ filename: '现场照片.png', mediaType: 'image/png', purpose: 'petition', uploadedBy: 'petitioner' })]);

    for (const path of ['/rules', '/replies', '/', '/track']) {
      const page = await citizen.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(page.text).toContain('lang="zh-CN"');
    }
    expect((await citizen.get('/rules')).text).toContain('第十三条');
  });

  it('given an intake operator, when they enter a hotline call on the page, then the petition is registered with channel hotline and the caller can track it', async () => {
    const operator = await browser(h);
    await operator.login('intake');
    const page = await operator.get('/staff/hotline');
    expect(page.status).toBe(200);
    expect(page.text).toContain('热线录入');
    expect(page.text).toContain('突发事项');
    const res = await operator.agent
      .post(`/staff/hotline?_csrf=${encodeURIComponent(operator.csrf)}`)
      .set('accept', 'text/html')
      .field('category', 'consultation')
      .field('title', '咨询社保卡补办流程')
      .field('content', '来电人咨询社保卡丢失后如何补办。')
      .field('petitionerName', '钱先生')
      .field('petitionerPhone', '13600005678')
      .field('urgent', 'true');
    expect(res.status).toBe(201);
    const code = /id="tracking-code">(WZ[0-9A-Z]{8})</.exec(res.text)?.[1] as string;
    await h.settle();
    const caller = await h.visitor();
    const track = (await caller.post('/api/track', { trackingCode: code, phone: '13600005678' }).expect(200)).body;
    expect(track).toMatchObject({ channel: 'hotline', category: 'consultation', title: '咨询社保卡补办流程' });
    const intake = await h.signIn('intake');
    const c = (await intake.get('/api/cases').expect(200)).body.find((x: { trackingCode: string }) => x.trackingCode === code);
    expect(c.urgent).toBe(true);
  });

  it('第十条、第十四条、第十九条、第二十六条 given a dispatched complaint, when the township handler works on the pages, then the task list shows its deadline and article, the case page reveals the petitioner on request, and the extension request and delay explanation reach the process', async () => {
    const citizen = await h.visitor();
    const submitted = await submitPetition(h, citizen, { title: '菜市场占道经营' });
    const code = submitted.body.trackingCode;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);

    const handler = await browser(h);
    await handler.login('handler-longnan');
    const list = await handler.get('/staff');
    expect(list.status).toBe(200);
    expect(list.text).toContain('签收或申请退回');
    expect(list.text).toContain('菜市场占道经营');
    expect(list.text).toContain('申请退回期限');
    expect(list.text).toContain('第十条');
    const key = decodeURIComponent(/href="\/staff\/tasks\/([^"]+)"/.exec(list.text)?.[1] ?? '');
    const task = await handler.get(`/staff/tasks/${encodeURIComponent(key)}`);
    expect(task.status).toBe(200);
    expect(task.text).toContain('id="task-form-schema"');
    expect(task.text).toContain('"id":"sign-or-return"');
    // hashed once the assets are built (server/http/assets.ts)
    expect(task.text).toMatch(/<script type="module" src="\/assets\/task-form(-[A-Z2-7]{8})?\.js">/);

    const petitionId = /href="\/staff\/cases\/([^"]+)"/.exec(task.text)?.[1] as string;
    const casePage = await handler.get(`/staff/cases/${petitionId}`);
    expect(casePage.text).toContain('查看诉求人联系方式');
    expect(casePage.text).not.toContain(PETITIONER.petitionerPhone);
    const revealed = await handler.post(`/staff/cases/${petitionId}/identity`, {});
    expect(revealed.status).toBe(200);
    expect(revealed.text).toContain(PETITIONER.petitionerPhone);
    expect(revealed.headers['cache-control']).toContain('no-store');

    const handlerApi = await h.signIn('handler-longnan');
    await completeTask(h, handlerApi, 'Task_SignOrReturn', { returnRequested: false }, code);
    const ext = await handler.post(`/staff/cases/${petitionId}/extension`, { extensionDays: '3', extensionReason: '需要协调市场监管部门共同处理' });
    expect(ext.status).toBe(200);
    expect(ext.text).toContain('延期申请已提交');
    const reviewer = await h.signIn('reviewer');
    const review = await taskOf(reviewer, 'Task_ReviewExtension', code);
    expect((await reviewer.get(`/api/tasks/${encodeURIComponent(review.key)}`).expect(200)).body.data).toMatchObject({ extensionDays: 3, extensionReason: '需要协调市场监管部门共同处理' });
    const explained = await handler.post(`/staff/cases/${petitionId}/delay-explanation`, { delayExplanation: '涉及多个部门,正在协调' });
    expect(explained.text).toContain('情况说明已提交');
    const bad = await handler.post(`/staff/cases/${petitionId}/extension`, { extensionDays: '99', extensionReason: '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('延期天数须为 1–30 个工作日');
    expect(bad.text).toContain('请填写「延期理由」');
    const history = await handler.get(`/staff/cases/${petitionId}`);
    expect(history.text).toContain('申请延期 3 个工作日');
    expect(history.text).toContain('提交逾期情况说明');
    expect(submitted.status).toBe(201);

    const csv = await handler.get('/staff/cases.csv');
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('菜市场占道经营');
    expect(csv.text).not.toContain(PETITIONER.petitionerPhone);
  });

  it('第十七条 given an answered case, when the citizen rates on the rating page, then the rating is taken once', async () => {
    const citizen = await h.visitor();
    const submitted = await submitPetition(h, citizen, { category: 'consultation', title: '咨询入学政策', content: '咨询今年小学入学的条件。' });
    const code = submitted.body.trackingCode;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
    const handler = await h.signIn('handler-longnan');
    await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, code);
    await completeTask(h, handler, 'Task_DraftReply', {
      reply: { handledAt: '2026-03-02T08:00:00.000Z', handlingUnit: '龙南镇人民政府', result: '已电话答复入学条件', legalBasis: '《义务教育法》第十二条', contactRecord: '电话答复', replyText: '入学条件见教育局公告。', publishable: false },
    }, code);
    await completeTask(h, await h.signIn('leader-longnan'), 'Task_OASignOff', { signOffApproved: true, signOffOpinion: '同意' }, code);
    await completeTask(h, await h.signIn('reviewer'), 'Task_ReviewReply', { reviewApproved: true, reviewReason: '答复清楚', publishable: false }, code);

    const page = await browser(h);
    const tracked = await page.post('/track', { trackingCode: code, phone: PETITIONER.petitionerPhone });
    expect(tracked.text).toContain('入学条件见教育局公告。');
    expect(tracked.text).toContain(`href="/rate/${code}"`);
    const form = await page.get(`/rate/${code}`);
    expect(form.text).toContain('非常满意');
    const wrongPhone = await page.post(`/rate/${code}`, { phone: '13911112222', rating: 'satisfied' });
    expect(wrongPhone.status).toBe(404);
    const rated = await page.post(`/rate/${code}`, { phone: PETITIONER.petitionerPhone, rating: 'very-satisfied', ratingComment: '很满意' });
    expect(rated.status).toBe(200);
    expect(rated.text).toContain('感谢您的评价');
    const count = (html: string, text: string) => html.split(text).length - 1;
    expect(count(wrongPhone.text, '查询编号或手机号码不正确')).toBe(1);
    const wrongTrack = await page.post('/track', { trackingCode: code, phone: '13911112222' });
    expect(wrongTrack.status).toBe(404);
    expect(count(wrongTrack.text, '查询编号或手机号码不正确')).toBe(1);
    // the SMS link opened again: rated, no form — and not which rating (the link proves no phone)
    const reopened = await page.get(`/rate/${code}`);
    expect(reopened.status).toBe(200);
    expect(reopened.text).toContain('该诉求已评价。');
    expect(reopened.text).not.toContain('非常满意</strong>');
    expect(reopened.text).not.toContain(`action="/rate/${code}"`);
    expect(reopened.text).not.toContain('不在评价期内');
    const again = await page.post(`/rate/${code}`, { phone: PETITIONER.petitionerPhone, rating: 'unsatisfied' });
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/该诉求已评价:<strong>非常满意<\/strong>/);
    expect(again.text).not.toContain(`action="/rate/${code}"`);
    // 第二十条: a reply not for publication is not published
    expect((await page.get('/replies')).text).not.toContain('入学条件见教育局公告');
  });

  it('第五条 given a process admin and an admin, when they keep units, people, the calendar and accounts on the admin pages, then the changes take effect and are audited', async () => {
    const modeler = await browser(h);
    await modeler.login('modeler');
    expect((await modeler.get('/admin/units')).text).toContain('龙南镇人民政府');
    const created = await modeler.post('/admin/units', { name: '龙南市园林绿化服务中心', kind: 'enterprise', township: '', duties: 'greening, street-trees' });
    expect(created.status).toBe(200);
    expect(created.text).toContain('已新增单位 龙南市园林绿化服务中心');
    const unitId = /href="\/admin\/units\/([^"]+)">龙南市园林绿化服务中心</.exec(created.text)?.[1] as string;
    const person = await modeler.post(`/admin/units/${unitId}/people`, { role: 'leader', name: '孙志强', phone: '13807970001' });
    expect(person.text).toContain('已添加 孙志强');
    expect(person.text).toContain('分管领导');
    const duplicate = await modeler.post('/admin/units', { name: '龙南市园林绿化服务中心', kind: 'department' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.text).toContain('输入有误');

    const cal = await modeler.post('/admin/calendar', { date: '2027-01-01', workday: 'false', label: '元旦', source: '国办发明电〔2026〕8号' });
    expect(cal.status).toBe(200);
    expect(cal.text).toContain('2027-01-01');
    expect(cal.text).toContain('元旦');
    const removed = await modeler.post('/admin/calendar/2027-01-01/delete', {});
    expect(removed.text).toContain('已删除 2027-01-01 的调整');
    // process admins keep no accounts
    expect((await modeler.get('/admin/staff')).status).toBe(403);

    const admin = await browser(h);
    await admin.login('admin');
    const account = await admin.post('/admin/staff', { username: 'handler-greening', displayName: '园林中心承办人', password: 'a-long-password-2026', roles: ['unit-handler'], unitId });
    expect(account.status).toBe(200);
    expect(account.text).toContain('已新增账号 handler-greening');
    const newcomer = await browser(h);
    await newcomer.login('handler-greening', 'a-long-password-2026');
    expect((await newcomer.get('/staff')).text).toContain('暂无待办事项');
    const staffId = (await (await h.signIn('admin')).get('/api/admin/staff').expect(200)).body.find((s: { username: string }) => s.username === 'handler-greening').id;
    const edited = await admin.post(`/admin/staff/${staffId}`, { roles: ['unit-handler', 'unit-leader'], unitId });
    expect(edited.text).toContain('已更新账号 handler-greening');
    expect(edited.text).toContain('承办人、单位分管领导');
    // changed roles end the account's sessions; a new password signs in
    expect((await newcomer.get('/staff')).status).toBe(303);
    expect((await admin.post(`/admin/staff/${staffId}/password`, { password: 'short' })).text).toContain('密码至少 8 个字符');
    expect((await admin.post(`/admin/staff/${staffId}/password`, { password: 'another-long-password-2026' })).text).toContain('已重设密码');
    await newcomer.login('handler-greening', 'another-long-password-2026');
    const disabled = await admin.post(`/admin/staff/${staffId}`, { active: 'false' });
    expect(disabled.text).toContain('已更新账号 handler-greening');
    // a disabled account's session ends at once
    const after = await newcomer.get('/staff');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);

    const actions = (await h.t.db.sequelize.query("SELECT action FROM audit_log WHERE action LIKE 'admin.%' ORDER BY id", { type: 'SELECT' as any })) as unknown as { action: string }[];
    expect(actions.map((a) => a.action)).toEqual(['admin.unit-created', 'admin.person-added', 'admin.calendar-set', 'admin.calendar-removed', 'admin.staff-created', 'admin.staff-updated', 'admin.staff-password-set', 'admin.staff-updated']);

    // signing out ends the session
    const out = await admin.post('/logout', {});
    expect(out.status).toBe(303);
    expect((await admin.get('/admin/staff')).status).toBe(303);
  });
});

describe('the next-year notice on staff pages', () => {
  it('第十三条 given 1 November without next year’s official schedule, when a process admin opens a page, then one line says deadlines of that year count Mon–Fri and links to the calendar; staff who cannot enter it and the portal see nothing (issue 15)', async () => {
    const h = await createTestApp({ start: '2026-11-02T01:00:00.000Z' });
    try {
      const modeler = await browser(h);
      await modeler.login('modeler');
      for (const path of ['/staff', '/rules']) {
        const notice = /<p class="notice[^"]*" role="status">([\s\S]*?)<\/p>/.exec((await modeler.get(path)).text)?.[1] ?? '';
        expect(notice).toContain('2027 年法定节假日安排尚未录入');
        expect(notice).toContain('href="/admin/calendar"');
      }
      const intake = await browser(h);
      await intake.login('intake');
      expect((await intake.get('/staff')).text).not.toContain('法定节假日安排尚未录入');
      expect((await intake.get('/rules')).text).not.toContain('法定节假日安排尚未录入');
      expect((await request(h.app).get('/rules')).text).not.toContain('法定节假日安排尚未录入');
    } finally {
      await h.close();
    }
  });
});
