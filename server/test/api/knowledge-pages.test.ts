/**
 * 知识库 (issue 17), the staff pages through HTTP: the list (full-text search of the published
 * entries, filters for the rest), an entry with its history (who changed what, the question's and
 * answer's changes marked), a draft written and edited through the page's form (a bad input shows
 * the problem beside its field and changes nothing), the office's synonyms, and who sees what:
 * a unit sees its own drafts and the published entries, auditors read and change nothing, accounts
 * without a knowledge role get 403. And the screening task's panel 「知识库中可能的答案」.
 * 提交审核 and 停用 from an entry's page run the review process (knowledge-review): an entry the
 * page submitted is published by the platform's 审核 task, a draft or a published entry is retired
 * with a reason.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { completeTask, createTestApp, submitPetition, taskOf, type Person, type TestApp } from '../app-harness.js';

const html = { accept: 'text/html' };
const enc = encodeURIComponent;

/** the text of the element with that id (tags stripped) */
function textById(page: string, id: string): string {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</(span|p|div|ul|aside)>`).exec(page);
  return m ? m[1].replace(/<[^>]+>/g, '').trim() : '';
}

/** a form post as the page's browser sends it (repeated fields for checkboxes) */
function postForm(p: Person, path: string, fields: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  return p.agent.post(path).set('x-csrf-token', p.csrf).set(html).type('form').send(body.toString());
}

const PUBLISHED = {
  question: '外地户籍在城区怎么办理居住证?',
  answer: '携带身份证和租房合同或房产证明,到居住地派出所户籍窗口申请,材料齐全的 15 个工作日内办结。',
  basis: '《居住证暂行条例》第九条',
  categories: ['consultation'],
  townships: ['360783100'],
};
const DRAFT_LONGNAN = { question: '龙南镇老街停车位如何申请?', answer: '向龙南镇人民政府城管办提出申请。', basis: '' };
const DRAFT_DONGJIANG = { question: '东江乡村道维修找哪个部门?', answer: '向东江乡人民政府交通办反映。', basis: '' };

describe('知识库 staff pages', () => {
  let h: TestApp;
  let reviewer: Person;
  let intake: Person;
  let handlerLongnan: Person;
  let handlerDongjiang: Person;
  let auditor: Person;
  let cityLeader: Person;
  let modeler: Person;
  let published: string;
  let draftLongnan: string;
  let draftDongjiang: string;

  const rows = async (table: string) => Number(((await h.t.db.sequelize.query(`SELECT COUNT(*) AS n FROM ${table}`, { type: QueryTypes.SELECT })) as { n: number }[])[0].n);

  beforeAll(async () => {
    h = await createTestApp();
    [reviewer, intake, handlerLongnan, handlerDongjiang, auditor, cityLeader, modeler] = await Promise.all(
      ['reviewer', 'intake', 'handler-longnan', 'handler-dongjiang', 'auditor', 'leader', 'modeler'].map((u) => h.signIn(u)),
    );
    published = (await reviewer.post('/api/knowledge', { ...PUBLISHED, ownerUnitId: 'u-longnan' }).expect(201)).body.id;
    // published as the office publishes: 提交审核 on its page, then the platform's 审核 task approves it
    await postForm(reviewer, `/staff/knowledge/${published}/submit`, { _csrf: reviewer.csrf }).expect(303).expect('location', `/staff/knowledge/${published}?done=submitted`);
    await completeTask(h, reviewer, 'Task_ReviewEntry', { knowledgeApproved: true });
    draftLongnan = (await handlerLongnan.post('/api/knowledge', DRAFT_LONGNAN).expect(201)).body.id;
    draftDongjiang = (await handlerDongjiang.post('/api/knowledge', DRAFT_DONGJIANG).expect(201)).body.id;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('given published entries and drafts, when a platform reviewer opens the list, searches and filters it, then the search finds the published entry by its words and the filters show the drafts of each unit, each with its status', async () => {
    const all = (await reviewer.get('/staff/knowledge').set(html).expect(200)).text;
    for (const q of [PUBLISHED.question, DRAFT_LONGNAN.question, DRAFT_DONGJIANG.question]) expect(all).toContain(q);
    expect(all).toContain('knowledge-status-published">已发布');
    expect(all).toContain('knowledge-status-draft">草稿');
    expect(textById(all, 'knowledge-count')).toBe('共 3 条');

    // full text: other words than the question's, the published entry only
    const found = (await reviewer.get(`/staff/knowledge?q=${enc('居住证要带什么材料')}`).set(html).expect(200)).text;
    expect(found).toContain(`href="/staff/knowledge/${published}"`);
    expect(found).not.toContain(DRAFT_LONGNAN.question);
    expect(textById(found, 'knowledge-count')).toContain('最相关的 1 条');

    const drafts = (await reviewer.get('/staff/knowledge?status=draft&unit=u-dongjiang').set(html).expect(200)).text;
    expect(drafts).toContain(DRAFT_DONGJIANG.question);
    expect(drafts).not.toContain(DRAFT_LONGNAN.question);
    expect(drafts).not.toContain(PUBLISHED.question);

    // a bad filter: the page again, the problem said beside the field
    const bad = await reviewer.get('/staff/knowledge?status=lost').set(html).expect(400);
    expect(textById(bad.text, 'error-status')).toBe('状态不正确');
  });

  it('given a unit handler, when they open the list and the entries, then they see their own unit’s drafts and the published entries, not another unit’s draft (403), and the menu links the knowledge base', async () => {
    const list = (await handlerLongnan.get('/staff/knowledge').set(html).expect(200)).text;
    expect(list).toContain(DRAFT_LONGNAN.question);
    expect(list).toContain(PUBLISHED.question);
    expect(list).not.toContain(DRAFT_DONGJIANG.question);
    expect(list).toContain('<a href="/staff/knowledge">知识库</a>');
    expect(list).not.toContain('name="unit"');
    await handlerLongnan.get(`/staff/knowledge/${draftDongjiang}`).set(html).expect(403);
    await handlerLongnan.get(`/staff/knowledge/${draftDongjiang}/edit`).set(html).expect(403);
    await handlerDongjiang.get(`/staff/knowledge/${published}`).set(html).expect(200);
    // the published entry is no longer a draft: not edited directly, even by its unit
    await handlerLongnan.get(`/staff/knowledge/${published}/edit`).set(html).expect(409);
  });

  it('given a handler writing a draft through the form, when they leave the question empty, then the page answers 400 with the problem beside the question and what they typed kept, and no entry is made', async () => {
    const before = await rows('knowledge_entries');
    const res = await postForm(handlerLongnan, '/staff/knowledge', { _csrf: handlerLongnan.csrf, question: '', answer: '周一至周五到镇政府一楼窗口办理。', categories: ['consultation', 'help'], validUntil: '2020-01-01' }).expect(400);
    expect(textById(res.text, 'error-question')).toBe('请填写问题');
    expect(textById(res.text, 'error-validUntil')).toBe('有效期应晚于今天');
    expect(res.text).toContain('周一至周五到镇政府一楼窗口办理。');
    expect(res.text).toMatch(/value="help" checked/);
    expect(await rows('knowledge_entries')).toBe(before);
  });

  it('given a draft written and then edited through the form, when its page is opened, then it shows its content with the township’s name and, in its history, who wrote and who changed it, with the answer’s removed and added words marked', async () => {
    const created = await postForm(handlerLongnan, '/staff/knowledge', {
      _csrf: handlerLongnan.csrf,
      question: '龙南镇哪里可以办理老年优待证?',
      answer: '到龙南镇便民服务中心办理,需带身份证和一寸照片。',
      basis: '《江西省老年人权益保障条例》',
      categories: ['consultation'],
      townships: ['360783100'],
      validUntil: '2027-06-30',
    }).expect(303);
    const id = /\/staff\/knowledge\/([0-9a-f-]{36})\?done=created/.exec(created.headers.location)?.[1] as string;
    expect(id).toBeTruthy();
    const form = (await handlerLongnan.get(`/staff/knowledge/${id}/edit`).set(html).expect(200)).text;
    expect(form).toContain('name="version" value="1"');

    // an edit with a bad date changes nothing
    await postForm(handlerLongnan, `/staff/knowledge/${id}`, { _csrf: handlerLongnan.csrf, version: '1', question: '龙南镇哪里可以办理老年优待证?', answer: '改了', validUntil: '明年' }).expect(400);
    expect((await handlerLongnan.get(`/api/knowledge/${id}`).expect(200)).body).toMatchObject({ version: 1, answer: '到龙南镇便民服务中心办理,需带身份证和一寸照片。' });

    await postForm(handlerLongnan, `/staff/knowledge/${id}`, {
      _csrf: handlerLongnan.csrf,
      version: '1',
      question: '龙南镇哪里可以办理老年优待证?',
      answer: '到龙南镇便民服务中心办理,需带身份证和户口簿。',
      basis: '《江西省老年人权益保障条例》',
      categories: ['consultation'],
      townships: ['360783100'],
      validUntil: '2027-06-30',
    }).expect(303).expect('location', `/staff/knowledge/${id}?done=saved`);

    const page = (await reviewer.get(`/staff/knowledge/${id}`).set(html).expect(200)).text;
    expect(page).toContain('负责单位</dt><dd>龙南镇人民政府</dd>');
    expect(page).toContain('乡镇</dt><dd>龙南镇</dd>');
    expect(page).toContain('第 2 版');
    expect(page).toContain('有效期至</dt><dd>2027-06-30');
    expect(page).toMatch(/<strong>修改<\/strong> <span class="muted">· 第 2 版 · 草稿<\/span><\/div>\s*<div class="muted">龙南镇承办人\(演示\) ·/);
    expect(page).toContain('<strong>新建</strong>');
    expect(page).toContain('<del>一寸照片</del>');
    expect(page).toContain('<ins>户口簿</ins>');
    // the reviewer may edit a draft of any unit; the auditor sees no edit button
    expect(page).toContain(`href="/staff/knowledge/${id}/edit"`);
    const asAuditor = (await auditor.get(`/staff/knowledge/${id}`).set(html).expect(200)).text;
    expect(asAuditor).not.toContain(`/staff/knowledge/${id}/edit`);

    // an edit against an old version: refused, the form again with what was typed
    const stale = await postForm(handlerLongnan, `/staff/knowledge/${id}`, { _csrf: handlerLongnan.csrf, version: '1', question: '龙南镇哪里可以办理老年优待证?', answer: '旧版本上的修改' }).expect(409);
    expect(stale.text).toContain('条目已被他人修改');
    expect(stale.text).toContain('旧版本上的修改');
    expect((await handlerLongnan.get(`/api/knowledge/${id}`).expect(200)).body.version).toBe(2);
  });

  it('given the synonyms page, when a platform reviewer saves groups one per line, then search finds an entry by a synonym; a bad line is refused beside the field and changes nothing; others only read them', async () => {
    const empty = (await reviewer.get('/staff/knowledge/synonyms').set(html).expect(200)).text;
    expect(empty).toContain('name="groups"');
    await postForm(reviewer, '/staff/knowledge/synonyms', { _csrf: reviewer.csrf, groups: '居住证 暂住证\n医保 医疗保险' }).expect(303).expect('location', '/staff/knowledge/synonyms?done=synonyms');
    const saved = (await reviewer.get('/staff/knowledge/synonyms?done=synonyms').set(html).expect(200)).text;
    expect(saved).toContain('居住证 暂住证\n医保 医疗保险');
    expect(saved).toContain('同义词已保存');
    const bySynonym = (await intake.get(`/staff/knowledge?q=${enc('暂住证')}`).set(html).expect(200)).text;
    expect(bySynonym).toContain(`href="/staff/knowledge/${published}"`);

    const bad = await postForm(reviewer, '/staff/knowledge/synonyms', { _csrf: reviewer.csrf, groups: '居住证 暂住证\n单独' }).expect(400);
    expect(textById(bad.text, 'error-groups')).toContain('第 2 组:至少两个不同的词');
    expect(bad.text).toContain('居住证 暂住证\n单独');
    expect((await reviewer.get('/api/knowledge-synonyms').expect(200)).body.groups).toEqual([['居住证', '暂住证'], ['医保', '医疗保险']]);

    const readOnly = (await handlerLongnan.get('/staff/knowledge/synonyms').set(html).expect(200)).text;
    expect(readOnly).not.toContain('name="groups"');
    expect(readOnly).toContain('居住证 暂住证');
    await postForm(handlerLongnan, '/staff/knowledge/synonyms', { _csrf: handlerLongnan.csrf, groups: '甲 乙' }).expect(403);
  });

  it('given a unit’s draft, when its handler presses 提交审核 and the platform approves it, then it is 审核中 and then 已发布 and found by search; a draft with a phone number in it is refused on its page; 停用 needs a reason and takes the entry out of search', async () => {
    const draft = (await handlerLongnan.post('/api/knowledge', { question: '龙南镇的公租房怎么申请?', answer: '携带户口簿和收入证明到龙南镇人民政府民政办申请,每年 3 月、9 月集中受理。', basis: '《龙南市公共租赁住房管理办法》' }).expect(201)).body.id as string;
    const before = (await handlerLongnan.get(`/staff/knowledge/${draft}`).set(html).expect(200)).text;
    expect(before).toContain('>提交审核</button>');
    await postForm(handlerLongnan, `/staff/knowledge/${draft}/submit`, { _csrf: handlerLongnan.csrf }).expect(303).expect('location', `/staff/knowledge/${draft}?done=submitted`);
    const inReview = (await handlerLongnan.get(`/staff/knowledge/${draft}?done=submitted`).set(html).expect(200)).text;
    expect(inReview).toContain('knowledge-status-review">审核中');
    expect(inReview).toContain('已提交审核');
    expect(inReview).not.toContain('>提交审核</button>');
    expect(inReview).not.toContain(`/staff/knowledge/${draft}/edit`);
    await completeTask(h, reviewer, 'Task_ReviewEntry', { knowledgeApproved: true });
    const live = (await handlerLongnan.get(`/staff/knowledge/${draft}`).set(html).expect(200)).text;
    expect(live).toContain('knowledge-status-published">已发布');
    expect(live).toMatch(/<strong>审核通过并发布<\/strong>[\s\S]*审核员\(演示\)/);
    expect((await intake.get(`/staff/knowledge?q=${enc('公租房申请')}`).set(html).expect(200)).text).toContain(`href="/staff/knowledge/${draft}"`);

    // personal data left in a draft: 提交审核 refused on the page, still a draft
    const withPhone = (await handlerLongnan.post('/api/knowledge', { question: '低保怎么申请?', answer: '请联系张科长 13912345678 办理。' }).expect(201)).body.id as string;
    const refused = await postForm(handlerLongnan, `/staff/knowledge/${withPhone}/submit`, { _csrf: handlerLongnan.csrf }).expect(400);
    expect(refused.text).toContain('条目还不能提交审核,请先修改');
    expect(refused.text).toContain('答案中含有疑似个人信息');
    expect((await handlerLongnan.get(`/api/knowledge/${withPhone}`).expect(200)).body.status).toBe('draft');

    // 停用 without a reason: refused beside the field; with one: retired, out of search, the reason in the history
    const noReason = await postForm(handlerLongnan, `/staff/knowledge/${draft}/retire`, { _csrf: handlerLongnan.csrf, reason: '' }).expect(400);
    expect(textById(noReason.text, 'error-reason')).toBe('请写明停用理由');
    expect(noReason.text).toMatch(/<details class="panel knowledge-retire" open>/);
    await postForm(handlerDongjiang, `/staff/knowledge/${draft}/retire`, { _csrf: handlerDongjiang.csrf, reason: '不是本单位的' }).expect(403);
    const retired = await postForm(handlerLongnan, `/staff/knowledge/${draft}/retire`, { _csrf: handlerLongnan.csrf, reason: '公租房改由市住建局统一受理' }).expect(303);
    expect(retired.headers.location).toMatch(new RegExp(`^/staff/knowledge/${draft}\\?done=retir(ed|ing)$`));
    await h.settle();
    const gone = (await handlerLongnan.get(`/staff/knowledge/${draft}`).set(html).expect(200)).text;
    expect(gone).toContain('knowledge-status-retired">已停用');
    expect(gone).toContain('意见:公租房改由市住建局统一受理');
    expect(gone).not.toContain('停用条目');
    expect((await intake.get(`/staff/knowledge?q=${enc('公租房申请')}`).set(html).expect(200)).text).not.toContain(`href="/staff/knowledge/${draft}"`);
  });

  it('given an auditor and a city leader, when they read and try to change entries and synonyms through the pages, then they read everything and every change is refused with nothing written', async () => {
    const tables = ['knowledge_entries', 'knowledge_history', 'knowledge_synonyms', 'knowledge_changes', 'audit_log'];
    const before = await Promise.all(tables.map(rows));
    for (const p of [auditor, cityLeader]) {
      const list = (await p.get('/staff/knowledge').set(html).expect(200)).text;
      expect(list).toContain(DRAFT_DONGJIANG.question);
      expect(list).not.toContain('/staff/knowledge/new');
      await p.get(`/staff/knowledge/${draftLongnan}`).set(html).expect(200);
      await p.get('/staff/knowledge/new').set(html).expect(403);
      await p.get(`/staff/knowledge/${draftLongnan}/edit`).set(html).expect(403);
      await postForm(p, '/staff/knowledge', { _csrf: p.csrf, ...DRAFT_LONGNAN, ownerUnitId: 'u-longnan' }).expect(403);
      await postForm(p, `/staff/knowledge/${draftLongnan}`, { _csrf: p.csrf, version: '1', question: '改掉', answer: '改掉' }).expect(403);
      await postForm(p, '/staff/knowledge/synonyms', { _csrf: p.csrf, groups: '甲 乙' }).expect(403);
      await postForm(p, `/staff/knowledge/${draftLongnan}/submit`, { _csrf: p.csrf }).expect(403);
      await postForm(p, `/staff/knowledge/${published}/retire`, { _csrf: p.csrf, reason: '审计不应能停用' }).expect(403);
    }
    expect(await Promise.all(tables.map(rows))).toEqual(before);
    // no knowledge role: no menu link, 403; signed out: to the sign-in page
    const home = (await modeler.get('/staff').set(html).expect(200)).text;
    expect(home).not.toContain('href="/staff/knowledge"');
    await modeler.get('/staff/knowledge').set(html).expect(403);
    await h.agent().get('/staff/knowledge').set(html).expect(303);
  });

  it('given a published entry on 居住证, when a petition asks about it and the screener opens 审查受理范围, then the panel 「知识库中可能的答案」 beside the form names the entry with a short answer, its basis, unit and link', async () => {
    const citizen = await h.visitor();
    const code = (await submitPetition(h, citizen, { category: 'consultation', title: '想问居住证怎么办', content: '我是外地户籍,在龙南城区租房,想办理居住证,请问需要什么材料,去哪里办?' })).body.trackingCode;
    const task = await taskOf(intake, 'Task_ScreenPetition', code);
    const page = (await intake.get(`/staff/tasks/${enc(task.key)}`).set(html).expect(200)).text;
    expect(page).toContain('知识库中可能的答案');
    const panel = /<aside class="panel knowledge-suggestions"[\s\S]*?<\/aside>/.exec(page)?.[0] ?? '';
    expect(panel).toContain(`href="/staff/knowledge/${published}"`);
    expect(panel).toContain(PUBLISHED.question);
    expect(panel).toContain('依据:《居住证暂行条例》第九条');
    expect(panel).toContain('龙南镇人民政府');
    // the form is still there, before the panel (under it on a phone)
    expect(page.indexOf('id="task-form"')).toBeLessThan(page.indexOf('knowledge-suggestions'));

    // nothing near: the panel says so, and links the search with the petition's title
    const other = (await submitPetition(h, await h.visitor(), { title: '夜间施工噪音', content: '工地每天夜里十二点后还在打桩,吵得无法入睡。', township: '360783201', petitionerPhone: '13900005555' })).body.trackingCode;
    const quiet = (await intake.get(`/staff/tasks/${enc((await taskOf(intake, 'Task_ScreenPetition', other)).key)}`).set(html).expect(200)).text;
    expect(textById(quiet, 'no-suggestions')).toBe('知识库已发布的条目中没有与该诉求相近的问题。');
    expect(quiet).toContain(`href="/staff/knowledge?q=${enc('夜间施工噪音')}"`);
  });
});
