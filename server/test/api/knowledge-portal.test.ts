/**
 * 公开知识库 on the portal (issue 17), through HTTP as a browser without JavaScript asks: the search
 * page is a GET form, its results link to each published entry's page (question, answer, policy
 * basis, unit, date); a draft is nowhere — its page is 404 like an unknown id; an empty or too long
 * question is said beside the box; the pages and the public API are rate-limited per visitor. The
 * submit page carries the (hidden) 「可能已有答案」 box its script fills.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';
import { DRAFT_PARKING, PUBLISHED_MEDICAL, PUBLISHED_RESIDENCE, seedKnowledge } from '../knowledge-seed.js';

const html = (agent: request.Agent | request.SuperTest<request.Test>, path: string) => agent.get(path).set('accept', 'text/html');

describe('公开知识库 pages', () => {
  let h: TestApp;
  let medical: string;
  let residence: string;
  let draft: string;

  beforeAll(async () => {
    h = await createTestApp();
    [medical, residence, draft] = await seedKnowledge(h.t.db, [PUBLISHED_MEDICAL, PUBLISHED_RESIDENCE, DRAFT_PARKING], h.t.clock.now());
  });
  afterAll(() => h.close());

  it('知识库 given the portal, the home page and every public page link the knowledge base; the page without a question is the search box alone, a GET form', async () => {
    const home = await html(h.agent(), '/').expect(200);
    expect(home.text).toContain('href="/knowledge"');
    expect(home.text).toContain('公开知识库');
    const page = await html(h.agent(), '/knowledge').expect(200);
    expect(page.text).toMatch(/<form method="get" action="\/knowledge"[^>]*role="search"/);
    expect(page.text).toContain('name="q"');
    expect(page.text).not.toContain('kb-item');
    // the submit page has the box the script fills, hidden until it has something
    const submit = await html(h.agent(), '/submit').expect(200);
    expect(submit.text).toMatch(/<section class="kb-suggest" data-kb-suggest hidden/);
  });

  it('知识库 given published entries and a draft, when a citizen searches, then the published entry that answers is listed with the first lines of its answer and its unit, linking to its page; the draft never', async () => {
    const res = await html(h.agent(), `/knowledge?q=${encodeURIComponent('新生儿怎么办医保')}`).expect(200);
    expect(res.text).toContain('新生儿医保怎么办理参保登记?');
    expect(res.text).toContain(`href="/knowledge/${medical}"`);
    expect(res.text).toContain('新生儿出生后 90 日内');
    expect(res.text).toContain('龙南市人力资源和社会保障局');
    // the search box keeps the question
    expect(res.text).toContain('value="新生儿怎么办医保"');

    // the draft's own words find nothing on the portal, nor in the public API
    const parking = await html(h.agent(), `/knowledge?q=${encodeURIComponent('停车位夜间收费标准')}`).expect(200);
    expect(parking.text).not.toContain(draft);
    expect(parking.text).not.toContain(DRAFT_PARKING.question);
    expect(parking.text).not.toContain(DRAFT_PARKING.answer);
    expect((await html(h.agent(), `/knowledge?q=${encodeURIComponent('火星移民')}`).expect(200)).text).toContain('没有找到相关答复');
    const api = await h.agent().get(`/api/public/knowledge/search?q=${encodeURIComponent('停车位夜间收费标准')}`).expect(200);
    expect(api.body.items.map((i: { id: string }) => i.id)).not.toContain(draft);
    const found = await h.agent().get(`/api/public/knowledge/search?q=${encodeURIComponent('居住证 材料')}&limit=3`).expect(200);
    expect(found.body.items[0]).toEqual({ id: residence, question: PUBLISHED_RESIDENCE.question, answer: PUBLISHED_RESIDENCE.answer, basis: PUBLISHED_RESIDENCE.basis, ownerUnitName: '龙南镇人民政府', url: `/knowledge/${residence}` });
  });

  it('知识库 given a published entry, its page shows the question, the answer, the policy basis, the unit and the date — and nothing of who wrote it', async () => {
    const res = await html(h.agent(), `/knowledge/${medical}`).expect(200);
    for (const text of ['新生儿医保怎么办理参保登记?', '也可在“赣服通”手机端在线办理。', '政策依据', '《江西省城乡居民基本医疗保险实施办法》第十二条', '答复单位', '龙南市人力资源和社会保障局', '发布日期', '2026-03-02']) {
      expect(res.text).toContain(text);
    }
    expect(res.text).toContain('<title>新生儿医保怎么办理参保登记? - 龙南市网络问政平台</title>');
    // the author and reviewer are staff accounts, not for the public
    expect(res.text).not.toMatch(/\bseed\b/);
  });

  it('知识库 given a draft’s id, an unknown id or no id at all, the entry page is 404', async () => {
    for (const id of [draft, '00000000-0000-4000-8000-000000000000', 'abc']) {
      const res = await html(h.agent(), `/knowledge/${id}`);
      expect(res.status).toBe(404);
      expect(res.text).toContain('未找到该知识条目');
      expect(res.text).not.toContain('停车位');
    }
    const api = await h.agent().get(`/api/public/knowledge/${draft}`).expect(404);
    expect(api.body.error.message).toBe('未找到该知识条目');
  });

  it('知识库 given an empty or too long question, the page says what is wrong beside the box (400) and keeps what was typed; the API says the same', async () => {
    const empty = await html(h.agent(), '/knowledge?q=%20%20');
    expect(empty.status).toBe(400);
    expect(empty.text).toMatch(/<span id="kb-q-error" class="field-error" role="alert">请输入要查找的问题<\/span>/);
    const long = '医'.repeat(201);
    const tooLong = await html(h.agent(), `/knowledge?q=${encodeURIComponent(long)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain('问题不超过 200 字');
    expect(tooLong.text).toContain(`value="${long}"`);
    // a repeated parameter is not a question either
    expect((await html(h.agent(), '/knowledge?q=a&q=b')).status).toBe(400);
    const api = await h.agent().get('/api/public/knowledge/search').expect(400);
    expect(api.body.error.message).toBe('请输入要查找的问题');
    expect((await h.agent().get('/api/public/knowledge/search?q=x&limit=99').expect(400)).body.error.details).toEqual([{ field: 'limit', message: '条数为 1–20' }]);
  });

  it('知识库 the pages and the public API count against the visitor’s limit and say so in their headers', async () => {
    for (const path of ['/knowledge?q=医保', `/knowledge/${medical}`, '/api/public/knowledge/search?q=医保']) {
      const res = await h.agent().get(path).expect(200);
      expect(res.headers['ratelimit-policy']).toMatch(/^\d+;w=60/);
    }
  });
});

describe('公开知识库 rate limit', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp({ app: { knowledgeRateLimit: 3 } });
    await seedKnowledge(h.t.db, [PUBLISHED_MEDICAL], h.t.clock.now());
  });
  afterAll(() => h.close());

  it('知识库 given a visitor who asks more often than the limit, the next search is refused with 429 and a message, on the page and in the API', async () => {
    const agent = h.agent();
    for (let i = 0; i < 3; i++) await agent.get(`/api/public/knowledge/search?q=${encodeURIComponent(`医保 ${i}`)}`).expect(200);
    const api = await agent.get('/api/public/knowledge/search?q=医保').expect(429);
    expect(api.body.error).toMatchObject({ code: 'RATE_LIMITED', message: '操作过于频繁,请稍后再试' });
    const page = await html(agent, '/knowledge?q=医保').expect(429);
    expect(page.text).toContain('操作过于频繁,请稍后再试');
  });
});
