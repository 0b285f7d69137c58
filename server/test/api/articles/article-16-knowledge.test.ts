/**
 * 第十六条 and the knowledge base (知识库, issue 17) through the HTTP API: a 咨询 reply the platform
 * approves at 办结审核 becomes a draft entry (personal data masked, 第二十条), goes through the review
 * process (processes/knowledge-review.bpmn) to publication, and the next similar petition finds it at
 * screening and on the portal; past its valid-until (the clock moved on) it is back with its unit for
 * 复核 and gone from the public search, and the unit's revision goes through review again.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, taskOf, type Person, type TestApp } from '../../app-harness.js';
import { remoteWorkersWanted } from '../../remote-workers.js';
import { later, replyAndSignOff, screenAndDispatch, staff, submit, type Case, type Staff } from './steps.js';

interface Entry {
  id: string;
  status: string;
  version: number;
  question: string;
  answer: string;
  basis: string;
  ownerUnitId: string;
  validUntil: string;
  sourcePetitionId: string | null;
  history: { action: string; actor: string; status: string; version: number; note: string | null }[];
}

const ASKER = { petitionerName: '张三', petitionerPhone: '13812345678' };

/** what the public search lists for a question */
async function publicIds(h: TestApp, q: string): Promise<string[]> {
  const res = await (await h.visitor()).get(`/api/public/knowledge/search?q=${encodeURIComponent(q)}`).expect(200);
  return (res.body.items as { id: string }[]).map((i) => i.id);
}

/** another app process's write reaches the index within a second: wait for the condition, not a time */
async function eventually(check: () => Promise<boolean>, what: string, ms = 5000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('第十六条 知识库:办结审核通过的答复转为知识条目,审核发布,到期退回单位复核', () => {
  let h: TestApp;
  let as: Staff;
  let c: Case;
  let entry: Entry;
  const idOf = async (p: Person) => (await p.get('/api/session').expect(200)).body.staff.id as string;
  const get = async (p: Person, id: string) => (await p.get(`/api/knowledge/${id}`).expect(200)).body as Entry;

  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  it('第十六条、第二十条 同意办结并「转为知识库条目」:生成隐去个人信息的草稿;经审核流程发布后,新的相似诉求在受理时和门户上都能查到', async () => {
    // given: a 咨询 answered by 龙南镇, its reply naming the petitioner
    c = await submit(h, as, { category: 'consultation', title: '新生儿医保怎么办理', content: '我叫张三,孩子刚出生,想问新生儿医保在哪里办理、需要带什么材料?', ...ASKER });
    await screenAndDispatch(h, as, c);
    // (a 咨询 goes from 签收 straight to the reply: 第十三条(一))
    await completeTask(h, await as('handler-longnan'), 'Task_SignOrReturn', { returnRequested: false }, c.code);
    await replyAndSignOff(h, as, c, {
      result: '新生儿出生后 90 日内,可到户籍所在地乡镇便民服务中心办理城乡居民医保参保登记,携带出生医学证明和户口簿。',
      replyText: '张三您好,您咨询的新生儿医保办理问题已答复,如有疑问请拨打 13812345678 以外的服务热线 0797-3512345。',
      legalBasis: '《赣州市城乡居民基本医疗保险实施办法》第十条',
    });
    const reviewer = await as('reviewer');
    const unit = await as('handler-longnan');
    // a reply not yet through 办结审核 is not turned into an entry
    expect((await reviewer.post(`/api/cases/${c.id}/knowledge`).expect(409)).body.error.code).toBe('REPLY_NOT_APPROVED');

    // when: the reviewer approves the reply and ticks 转为知识库条目
    await completeTask(h, reviewer, 'Task_ReviewReply', { reviewApproved: true, publishable: true, proposeKnowledge: true }, c.code);

    // then: a draft of 龙南镇, masked, proposed from the case — one per case
    const drafts = (await unit.get('/api/knowledge?status=draft').expect(200)).body.entries as Entry[];
    const mine = drafts.filter((e) => e.sourcePetitionId === c.id);
    expect(mine).toHaveLength(1);
    entry = await get(unit, mine[0].id);
    expect(entry).toMatchObject({ status: 'draft', version: 1, ownerUnitId: 'u-longnan', basis: '《赣州市城乡居民基本医疗保险实施办法》第十条' });
    expect(entry.question).toContain('新生儿医保');
    expect(entry.answer).toContain('乡镇便民服务中心办理');
    for (const text of [entry.question, entry.answer]) {
      expect(text).not.toContain('张三');
      expect(text).not.toContain('13812345678');
    }
    expect(entry.history.map((x) => [x.action, x.actor])).toEqual([['proposed', await idOf(reviewer)]]);
    expect((await unit.post(`/api/cases/${c.id}/knowledge`).expect(409)).body.error).toMatchObject({ code: 'ALREADY_PROPOSED', details: { entryId: entry.id } });

    // when: the unit submits it; a second submission is refused
    expect((await unit.post(`/api/knowledge/${entry.id}/submit`).expect(200)).body.status).toBe('review');
    expect((await unit.post(`/api/knowledge/${entry.id}/submit`).expect(409)).body.error.code).toBe('NOT_DRAFT');
    await h.settle();

    // then: the platform's 审核知识条目 shows the entry as it is; the decision is required
    const review = await taskOf(reviewer, 'Task_ReviewEntry');
    const detail = (await reviewer.get(`/api/tasks/${encodeURIComponent(review.key)}`).expect(200)).body;
    expect(detail.article).toContain('第十六条');
    expect(detail.data).toMatchObject({ entryId: entry.id, question: entry.question, answer: entry.answer, ownerUnitName: '龙南镇人民政府' });
    const bad = await reviewer.post(`/api/tasks/${encodeURIComponent(review.key)}/complete`, { variables: {} }).expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['knowledgeApproved']);

    // when: approved
    await completeTask(h, reviewer, 'Task_ReviewEntry', { knowledgeApproved: true });

    // then: published by the process, the reviewer on record, its valid-until a year on
    entry = await get(unit, entry.id);
    expect(entry).toMatchObject({ status: 'published', validUntil: '2027-03-02' });
    expect(entry.history.map((x) => [x.action, x.actor])).toEqual([
      ['proposed', await idOf(reviewer)],
      ['submitted', await idOf(unit)],
      ['published', await idOf(reviewer)],
    ]);

    // when: a new, similar 咨询 comes in
    const next = await submit(h, as, { category: 'consultation', title: '孩子出生后医保在哪办', content: '宝宝刚出生,新生儿医保在哪里办理?要带什么材料?' });

    // then: the screener sees the entry suggested, and a citizen finds it on the portal
    const suggested = (await (await as('intake')).get(`/api/knowledge/suggestions?petitionId=${next.id}`).expect(200)).body.items as { id: string }[];
    expect(suggested.map((s) => s.id)).toContain(entry.id);
    // the screening page itself, beside the form
    const intake = await as('intake');
    const screening = await taskOf(intake, 'Task_ScreenPetition', next.code);
    const page = (await intake.get(`/staff/tasks/${encodeURIComponent(screening.key)}`).expect(200)).text;
    expect(page).toContain('知识库中可能的答案');
    expect(page).toContain(`/staff/knowledge/${entry.id}`);
    expect(await publicIds(h, '新生儿医保在哪里办理')).toContain(entry.id);
    // and the portal's public page of the entry
    expect((await (await h.visitor()).get(`/knowledge/${entry.id}`).expect(200)).text).toContain(entry.question);
  });

  it('第十六条(约定) 有效期届满的条目退回负责单位复核,不再对外提供;单位修订后重新审核,也可停用', async () => {
    // when: the clock passes the valid-until (the day ends at 24:00 China time)
    await later(h, '2027-03-02T15:59:00.000Z');
    expect((await get(await as('handler-longnan'), entry.id)).status).toBe('published');
    await later(h, '2027-03-02T16:00:01.000Z');

    // then: a draft again, with its unit: a 复核 task in the unit's queue, gone from the public search
    const unit = await as('handler-longnan');
    entry = await get(unit, entry.id);
    expect(entry.status).toBe('draft');
    expect(entry.history.at(-1)).toMatchObject({ action: 'expired', actor: 'system', note: '有效期至 2027-03-02' });
    const queue = (await unit.get('/api/queue').expect(200)).body.items as { elementId: string; name: string }[];
    expect(queue.filter((t) => t.elementId === 'Task_ReviseEntry').map((t) => t.name)).toEqual(['复核知识条目']);
    await eventually(async () => !(await publicIds(h, '新生儿医保在哪里办理')).includes(entry.id), 'the expired entry leaves the public search');
    // another unit's handler has no such task
    expect(((await (await as('handler-dongjiang')).get('/api/queue').expect(200)).body.items as { elementId: string }[]).some((t) => t.elementId === 'Task_ReviseEntry')).toBe(false);

    // when: the unit revises it — a valid-until not after today is refused, nothing changes
    const task = await taskOf(unit, 'Task_ReviseEntry');
    const revised = { knowledgeRevision: 'submit', question: '新生儿如何办理城乡居民医保?', answer: '出生后 90 日内到户籍所在地乡镇便民服务中心办理,携带出生医学证明和户口簿。', basis: entry.basis, validUntil: '2027-03-02' };
    const refused = await unit.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables: revised }).expect(400);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual(['validUntil']);
    expect((await get(unit, entry.id)).version).toBe(1);
    await completeTask(h, unit, 'Task_ReviseEntry', { ...revised, validUntil: '2028-03-31' });

    // then: a new version in review, the unit's handler on record
    entry = await get(unit, entry.id);
    expect(entry).toMatchObject({ status: 'review', version: 2, question: revised.question, validUntil: '2028-03-31' });
    expect(entry.history.at(-1)).toMatchObject({ action: 'renewed', actor: await idOf(unit), version: 2 });

    // when: the reviewer returns it with a reason, and the unit retires it at its 复核
    await completeTask(h, await as('reviewer'), 'Task_ReviewEntry', { knowledgeApproved: false, knowledgeReturnReason: '请补充办理地点的联系电话' });
    expect((await get(unit, entry.id)).history.at(-1)).toMatchObject({ action: 'returned', note: '请补充办理地点的联系电话' });
    const again = await taskOf(unit, 'Task_ReviseEntry');
    expect((await unit.get(`/api/tasks/${encodeURIComponent(again.key)}`).expect(200)).body.data).toMatchObject({ knowledgeReturnReason: '请补充办理地点的联系电话', question: revised.question });
    await completeTask(h, unit, 'Task_ReviseEntry', { knowledgeRevision: 'retire', retireReason: '政策调整,另行发布' });

    // then: retired, and nothing more to do
    entry = await get(unit, entry.id);
    expect(entry.status).toBe('retired');
    expect(entry.history.at(-1)).toMatchObject({ action: 'retired', actor: await idOf(unit), note: '政策调整,另行发布' });
    expect((await unit.post(`/api/knowledge/${entry.id}/retire`, { reason: '重复' }).expect(409)).body.error.code).toBe('ALREADY_RETIRED');
    expect((await unit.post(`/api/knowledge/${entry.id}/retire`, {}).expect(400)).body.error.details[0].field).toBe('reason');
  });

  it('停用 a published entry through its review process; a draft without a process at once', async () => {
    // given: an entry the reviewer writes and publishes
    const reviewer = await as('reviewer');
    const created = (await reviewer.post('/api/knowledge', { ownerUnitId: 'u-longnan', question: '居住证怎么办理?', answer: '到辖区派出所户籍窗口申请。', basis: '《居住证暂行条例》' }).expect(201)).body as Entry;
    await reviewer.post(`/api/knowledge/${created.id}/submit`).expect(200);
    await h.settle();
    await completeTask(h, reviewer, 'Task_ReviewEntry', { knowledgeApproved: true });
    expect((await get(reviewer, created.id)).status).toBe('published');
    // published by a job: with remote workers (SCENARIO_REMOTE_WORKERS) in another process, whose write the index catches up with
    await eventually(async () => (await publicIds(h, '居住证怎么办理')).includes(created.id), 'the published entry in the public search');

    // when: another unit tries, then its own unit retires it
    expect((await (await as('handler-dongjiang')).post(`/api/knowledge/${created.id}/retire`, { reason: '不需要' }).expect(403)).body.error.code).toBe('FORBIDDEN');
    const res = await (await as('handler-longnan')).post(`/api/knowledge/${created.id}/retire`, { reason: '政策已废止' }).expect(200);
    await h.settle();

    // then
    const e = await get(reviewer, created.id);
    // the app's own worker retires it in the request's transaction; a remote worker after the answer
    expect([remoteWorkersWanted() ? 'retired' : res.body.status, e.status]).toEqual(['retired', 'retired']);
    expect(e.history.at(-1)).toMatchObject({ action: 'retired', actor: await idOf(await as('handler-longnan')), note: '政策已废止' });
    expect(await publicIds(h, '居住证怎么办理')).not.toContain(created.id);

    // a draft never submitted is retired at once
    const draft = (await reviewer.post('/api/knowledge', { ownerUnitId: 'u-longnan', question: '暂住登记在哪里办?', answer: '派出所。' }).expect(201)).body as Entry;
    expect((await reviewer.post(`/api/knowledge/${draft.id}/retire`, { reason: '与已有条目重复' }).expect(200)).body.status).toBe('retired');
  });
});
