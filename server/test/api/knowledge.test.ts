/**
 * The knowledge base's API (知识库, issue 17) through HTTP as staff and citizens use it: drafts
 * written by the platform and by a unit (for its own unit only), bad input refused with nothing
 * changed, a unit's view of other units' drafts, versions and their history, two edits at once; the
 * search — Chinese words, relevance, the office's synonyms, filters — for staff, for a case's text and
 * for the public (published entries only); and a second app process on the same database that finds
 * what the first one published, as the index catches up from the change sequence.
 *
 * Publication is the review process's step (the 第十六条 knowledge test drives it); here entries are
 * published by the repository's own status write, so that search is tested apart from the review.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createKnowledgeRepository } from '../../data/knowledge-repository.js';
import type { KnowledgeService } from '../../services/knowledge-service.js';
import { createTestApp, openSecondApp, submitPetition, type Person, type SecondApp, type TestApp } from '../app-harness.js';

const HUKOU = {
  question: '新生儿落户需要哪些材料?',
  answer: '新生儿办理户口登记,由监护人持《出生医学证明》、父母双方户口簿和居民身份证、结婚证到户籍所在地派出所办理。',
  basis: '《中华人民共和国户口登记条例》第七条',
  categories: ['consultation'],
};
const SHEBAO = {
  question: '灵活就业人员怎样参加城镇职工养老保险?',
  answer: '持居民身份证到县社保局窗口或通过赣服通办理灵活就业人员参保登记,按月或按年缴费。',
  basis: '《江西省灵活就业人员参加基本养老保险办法》',
  categories: ['consultation'],
};
const LONGNAN = '360783100';

describe('the knowledge base through HTTP', () => {
  let h: TestApp;
  let reviewer: Person;
  let handler: Person;
  let other: Person;
  let second: SecondApp | undefined;
  const repo = () => createKnowledgeRepository(h.t.db);
  const service = () => h.app.locals.knowledgeService as KnowledgeService;

  /** seeding only: the review process publishes in the app (see the 第十六条 knowledge test) */
  async function publish(id: string) {
    await repo().setStatus(id, 'published', { action: 'published', actor: 'st-test', at: h.t.clock.now() }, { published: true, reviewed: true });
    await service().changed(id);
  }

  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T01:00:00.000Z' });
    reviewer = await h.signIn('reviewer');
    handler = await h.signIn('handler-longnan');
    other = await h.signIn('handler-dongjiang');
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await h.close();
  });

  it('a unit writes drafts for its own unit, the platform names the unit; bad input is refused with every problem and changes nothing', async () => {
    const own = await handler.post('/api/knowledge', { ...HUKOU, townships: [LONGNAN] }).expect(201);
    expect(own.body).toMatchObject({ status: 'draft', version: 1, ownerUnitId: 'u-longnan', townships: [LONGNAN], question: HUKOU.question });
    // a year's validity unless given
    expect(own.body.validUntil).toBe('2027-03-02');
    expect((await handler.post('/api/knowledge', { ...HUKOU, ownerUnitId: 'u-dongjiang' })).status).toBe(403);

    const before = (await reviewer.get('/api/knowledge').expect(200)).body.total;
    const bad = await reviewer.post('/api/knowledge', { question: '', answer: 'x'.repeat(4001), categories: ['gossip'], townships: ['999'], validUntil: '2026-02-30', ownerUnitId: 'u-longnan' }).expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['answer', 'categories', 'question', 'townships', 'validUntil']);
    expect((await reviewer.post('/api/knowledge', { ...HUKOU })).status).toBe(400);
    expect((await reviewer.get('/api/knowledge').expect(200)).body.total).toBe(before);

    const platform = await reviewer.post('/api/knowledge', { ...SHEBAO, ownerUnitId: 'u-longnan', validUntil: '2026-12-31' }).expect(201);
    expect(platform.body).toMatchObject({ ownerUnitId: 'u-longnan', validUntil: '2026-12-31' });
  });

  it('an edit makes a new version recorded with who changed what; an edit of an old version is refused; another unit sees none of the drafts', async () => {
    const created = (await handler.post('/api/knowledge', { ...HUKOU, question: '外地人员落户龙南需要什么条件?' }).expect(201)).body;
    const edited = await handler.put(`/api/knowledge/${created.id}`, { ...HUKOU, question: '外地人员在龙南落户需要什么条件?', version: 1 }).expect(200);
    expect(edited.body.version).toBe(2);
    const stale = await reviewer.put(`/api/knowledge/${created.id}`, { ...HUKOU, version: 1 });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'CHANGED']);
    const read = (await reviewer.get(`/api/knowledge/${created.id}`).expect(200)).body;
    expect(read.history.map((r: { action: string; version: number; question: string }) => [r.action, r.version, r.question])).toEqual([
      ['created', 1, '外地人员落户龙南需要什么条件?'],
      ['edited', 2, '外地人员在龙南落户需要什么条件?'],
    ]);
    expect(read.history[1].actor).toBe(read.updatedBy);
    expect((await other.get(`/api/knowledge/${created.id}`)).status).toBe(403);
    expect((await other.put(`/api/knowledge/${created.id}`, { ...HUKOU })).status).toBe(403);
    const otherList = (await other.get('/api/knowledge').expect(200)).body;
    expect(otherList.entries.filter((e: { ownerUnitId: string }) => e.ownerUnitId === 'u-longnan')).toEqual([]);
  });

  it('search finds a published entry by its words, a paraphrase and a synonym the office adds; drafts and retired entries are never found', async () => {
    const hukou = (await handler.post('/api/knowledge', { ...HUKOU, townships: [LONGNAN] }).expect(201)).body;
    const shebao = (await reviewer.post('/api/knowledge', { ...SHEBAO, ownerUnitId: 'u-longnan' }).expect(201)).body;
    // a draft is nowhere to be found
    expect((await reviewer.get(`/api/knowledge/search?q=${encodeURIComponent('新生儿落户')}`).expect(200)).body.items.map((i: { id: string }) => i.id)).not.toContain(hukou.id);
    await publish(hukou.id);
    await publish(shebao.id);

    const search = async (q: string, extra = '') => (await reviewer.get(`/api/knowledge/search?q=${encodeURIComponent(q)}${extra}`).expect(200)).body.items as { id: string; ownerUnitName: string }[];
    expect((await search('刚出生的小孩落户要带什么材料'))[0]?.id).toBe(hukou.id);
    expect((await search('灵活就业的人怎么交养老保险'))[0]?.id).toBe(shebao.id);
    expect((await search('新生儿落户'))[0].ownerUnitName).toBe('龙南镇人民政府');
    // a township filter keeps city-wide entries and those of the township; a category filter too
    expect((await search('新生儿落户', `&township=360783101`)).map((i) => i.id)).not.toContain(hukou.id);
    expect((await search('养老保险', `&township=360783101`)).map((i) => i.id)).toContain(shebao.id);
    expect((await search('新生儿落户', '&category=complaint')).map((i) => i.id)).not.toContain(hukou.id);

    // 打零工 is how people say it: no word of any entry until the office says it means 灵活就业
    expect((await search('打零工')).map((i) => i.id)).not.toContain(shebao.id);
    const bad = await reviewer.put('/api/knowledge-synonyms', { groups: [['打零工']] }).expect(400);
    expect(bad.body.error.details[0].field).toBe('groups[0]');
    await reviewer.put('/api/knowledge-synonyms', { groups: [['灵活就业', '打零工', '零工'], ['宝宝', '新生儿', '婴儿']] }).expect(200);
    expect((await search('打零工'))[0]?.id).toBe(shebao.id);
    expect((await reviewer.get('/api/knowledge-synonyms').expect(200)).body.groups).toEqual([['灵活就业', '打零工', '零工'], ['宝宝', '新生儿', '婴儿']]);
    expect((await handler.put('/api/knowledge-synonyms', { groups: [] })).status).toBe(403);

    // the public: published entries only, with a link and no unit ids
    const pub = (await (await h.visitor()).get(`/api/public/knowledge/search?q=${encodeURIComponent('宝宝落户要什么材料')}`).expect(200)).body.items;
    expect(pub[0]).toEqual({ id: hukou.id, question: HUKOU.question, answer: HUKOU.answer, basis: HUKOU.basis, ownerUnitName: '龙南镇人民政府', url: `/knowledge/${hukou.id}` });
    expect((await (await h.visitor()).get(`/api/public/knowledge/${hukou.id}`).expect(200)).body.question).toBe(HUKOU.question);

    // retired: gone from every search
    await repo().setStatus(hukou.id, 'retired', { action: 'retired', actor: 'st-test', at: h.t.clock.now() });
    await service().changed(hukou.id);
    expect((await search('新生儿落户')).map((i) => i.id)).not.toContain(hukou.id);
    expect((await (await h.visitor()).get(`/api/public/knowledge/${hukou.id}`)).status).toBe(404);
  });

  it('a case\'s text suggests the entries that answer it, for whoever may open the case', async () => {
    const entry = (await reviewer.post('/api/knowledge', { question: '小区路灯不亮找哪个部门?', answer: '小区内路灯由物业服务企业维护;市政道路路灯由市城市管理局负责,可拨打 12345 报修。', basis: '《龙南市城市照明管理办法》', ownerUnitId: 'u-longnan' }).expect(201)).body;
    await publish(entry.id);
    const code = (await submitPetition(h, await h.visitor())).body.trackingCode;
    const list = (await reviewer.get(`/api/cases?q=${code}`).expect(200)).body;
    const petitionId = (list.items ?? list.cases ?? list)[0].id;
    const items = (await (await h.signIn('intake')).get(`/api/knowledge/suggestions?petitionId=${petitionId}`).expect(200)).body.items;
    expect(items[0]).toMatchObject({ id: entry.id, question: '小区路灯不亮找哪个部门?' });
    expect((await other.get(`/api/knowledge/suggestions?petitionId=${petitionId}`)).status).toBe(404);
    expect((await reviewer.get('/api/knowledge/suggestions?petitionId=nope')).status).toBe(400);
  });

  it('bad queries get a clear message', async () => {
    for (const q of ['', '   ', 'x'.repeat(201)]) {
      const res = await reviewer.get(`/api/knowledge/search?q=${encodeURIComponent(q)}`);
      expect([q.length, res.status, res.body.error.details[0].field]).toEqual([q.length, 400, 'q']);
    }
    expect((await reviewer.get('/api/knowledge/search?q=%E6%88%B7%E5%8F%A3&limit=0')).status).toBe(400);
    expect((await reviewer.get('/api/knowledge/search?q=%E6%88%B7%E5%8F%A3&category=gossip')).status).toBe(400);
    expect((await reviewer.get('/api/knowledge?status=lost')).status).toBe(400);
    expect((await (await h.visitor()).get('/api/public/knowledge/search')).status).toBe(400);
  });

  it('a second app process on the same database finds what the first published, within a second', async () => {
    second = await openSecondApp(h);
    const asker = await second.signIn('reviewer');
    const q = encodeURIComponent('农村危房改造补助怎么申请');
    // the second process's index is loaded before the entry exists
    expect((await asker.get(`/api/knowledge/search?q=${q}`).expect(200)).body.items.map((i: { question: string }) => i.question)).not.toContain('农村危房改造补助怎么申请?');
    const entry = (await reviewer.post('/api/knowledge', { question: '农村危房改造补助怎么申请?', answer: '由农户向村委会提出书面申请,经乡镇审核、住建局审批后按标准补助。', basis: '《农村危房改造补助资金管理办法》', ownerUnitId: 'u-longnan' }).expect(201)).body;
    await publish(entry.id);
    let found: string[] = [];
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && !found.includes(entry.id); ) {
      found = (await asker.get(`/api/knowledge/search?q=${q}`).expect(200)).body.items.map((i: { id: string }) => i.id);
      if (!found.includes(entry.id)) await new Promise((r) => setTimeout(r, 100));
    }
    expect(found[0]).toBe(entry.id);
  });
});
