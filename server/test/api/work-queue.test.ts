/**
 * The staff work queue through the HTTP API (issue 15), as intake staff, unit handlers, a unit's
 * leader and the platform use it: tabs with their counts, filters, search by tracking code, keyword
 * and (the platform only, logged) phone, sort and keyset pages; 认领, 退回认领, 指派 and priority,
 * each on the case's timeline; and time moving on — 即将超期, 已超期 and the 蓝/黄/红 colours.
 * Cases are submitted and moved only through the API; the clock is the harness's.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createAuditRepository } from '../../data/audit-repository.js';
import type { QueueService } from '../../services/queue-service.js';
import { createTestApp, completeTask, DEMO_PASSWORD, PETITIONER, taskOf, type Person, type TestApp } from '../app-harness.js';
import { later, screenAndDispatch, signAndContact, staff, submit, type Case, type Staff } from './articles/steps.js';

interface Item {
  key: string;
  elementId: string;
  priority: string;
  assignee?: { id: string; name: string };
  mayAct: boolean;
  mayClaim: boolean;
  deadline: { dueAt?: string; warning?: string; overdue: boolean };
  petition?: { trackingCode: string; title: string };
}
interface Page {
  items: Item[];
  counts: Record<string, number>;
  next?: string;
  prev?: string;
}

describe('the work queue', () => {
  let h: TestApp;
  let as: Staff;
  let market: Case;
  let lamp: Case;
  let consult: Case;
  let river: Case;
  const queue = async (p: Person, qs = '') => (await p.get(`/api/queue${qs ? `?${qs}` : ''}`).expect(200)).body as Page;
  const codes = (page: Page) => page.items.map((i) => i.petition?.trackingCode);

  beforeAll(async () => {
    // Monday 2026-03-02, 10:00 in Longnan
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
    market = await submit(h, as, { title: '菜市场门口占道经营', content: '早高峰车辆无法通行' });
    h.t.clock.set('2026-03-02T02:10:00.000Z');
    lamp = await submit(h, as, { title: '小区路灯不亮', content: '已经一周不亮' });
    h.t.clock.set('2026-03-02T02:20:00.000Z');
    consult = await submit(h, as, { category: 'consultation', title: '咨询公积金提取', content: '如何办理', petitionerPhone: '13911112222' });
    h.t.clock.set('2026-03-02T02:30:00.000Z');
    river = await submit(h, as, { title: '河道垃圾堆积', content: '东江乡河道' });
    await screenAndDispatch(h, as, market);
    await screenAndDispatch(h, as, lamp);
    await screenAndDispatch(h, as, river, 'u-dongjiang');
  }, 120_000);
  afterAll(() => h?.close());

  it("given cases at 龙南镇 and 东江乡, when each unit's handler opens the queue, then each sees its own tasks and counts only", async () => {
    const longnan = await queue(await as('handler-longnan'));
    expect(codes(longnan).sort()).toEqual([market.code, lamp.code].sort());
    expect(longnan.counts).toMatchObject({ all: 2, unclaimed: 2, mine: 0, done: 0 });
    const dongjiang = await queue(await as('handler-dongjiang'));
    expect(codes(dongjiang)).toEqual([river.code]);
    expect(dongjiang.counts.all).toBe(1);
    // the city's queue is not theirs to look at, nor another unit's case by its code
    expect((await (await as('handler-dongjiang')).get('/api/queue?scope=all')).status).toBe(400);
    expect((await (await as('handler-dongjiang')).get(`/api/tasks?q=${market.code}`).expect(200)).body).toEqual([]);
    // the platform's intake queue holds the consultation still waiting to be screened; the city's every open task
    const intake = await queue(await as('intake'));
    expect(codes(intake)).toEqual([consult.code]);
    const city = await queue(await as('reviewer'), 'scope=all');
    expect(codes(city).sort()).toEqual([market.code, lamp.code, consult.code, river.code].sort());
    expect(city.counts.all).toBe(4);
  });

  it('given the city queue, when the platform searches and filters, then a tracking code, a word of the text, a category and a task kind each narrow it', async () => {
    const reviewer = await as('reviewer');
    expect(codes(await queue(reviewer, `scope=all&q=${market.code.toLowerCase()}`))).toEqual([market.code]);
    expect(codes(await queue(reviewer, `scope=all&q=${encodeURIComponent('一周不亮')}`))).toEqual([lamp.code]);
    expect(codes(await queue(reviewer, 'scope=all&category=consultation'))).toEqual([consult.code]);
    expect(codes(await queue(reviewer, 'scope=all&task=Task_ScreenPetition'))).toEqual([consult.code]);
    // a word with LIKE's own characters is looked for as written
    expect(codes(await queue(reviewer, `scope=all&q=${encodeURIComponent('100%_')}`))).toEqual([]);
    // a filter staff did not choose from the list is refused, and changes nothing
    const bad = await reviewer.get('/api/queue?category=bogus&sort=sideways');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['category', 'sort']);
  });

  it('given the city queue one task a page, when the platform pages on and back by received time, then every task shows once, in order', async () => {
    const reviewer = await as('reviewer');
    const seen: string[] = [];
    let page = await queue(reviewer, 'scope=all&sort=received&limit=1');
    seen.push(...codes(page).map(String));
    while (page.next) {
      page = await queue(reviewer, `${page.next}&limit=1`);
      seen.push(...codes(page).map(String));
    }
    expect(seen).toEqual([market.code, lamp.code, consult.code, river.code]);
    expect(page.prev).toBeDefined();
    const back = await queue(reviewer, `${page.prev}&limit=1`);
    expect(codes(back)).toEqual([consult.code]);
  });

  it('given a petitioner who calls, when the platform looks them up by phone, then their cases show, the search is logged without the number, and a unit may not', async () => {
    const intake = await as('intake');
    const found = (await intake.post('/api/queue/phone-search', { phone: '139 1111 2222' }).expect(200)).body as Page;
    expect(codes(found)).toEqual([consult.code]);
    const all = (await intake.post('/api/queue/phone-search', { phone: PETITIONER.petitionerPhone, scope: 'all' }).expect(200)).body as Page;
    expect(codes(all).sort()).toEqual([market.code, lamp.code, river.code].sort());
    const logged = await createAuditRepository(h.t.db, { now: () => h.t.clock.now().getTime() }).list({ action: 'identity.phone-searched' });
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(logged)).not.toMatch(/1391111|13900002222/);
    expect((await (await as('handler-longnan')).post('/api/queue/phone-search', { phone: '13911112222' })).status).toBe(403);
    // the number never goes into an address
    expect((await intake.get('/api/queue?phone=13911112222')).status).toBe(400);
  });

  it("given 龙南镇's sign-off tasks, when a handler claims one, the leader hands it to a colleague and the holder gives it back, then only the holder may complete it and the timeline tells each step", async () => {
    const admin = await as('admin');
    await admin.post('/api/admin/staff', { username: 'handler2-longnan', displayName: '龙南镇承办人乙', password: DEMO_PASSWORD, roles: ['unit-handler'], unitId: 'u-longnan' }).expect(201);
    const first = await as('handler-longnan');
    const second = await as('handler2-longnan');
    const leader = await as('leader-longnan');
    const sign = await taskOf(first, 'Task_SignOrReturn', market.code);

    const claimed = (await first.post(`/api/tasks/${encodeURIComponent(sign.key)}/claim`).expect(200)).body.task as Item;
    expect(claimed.assignee?.name).toBe('龙南镇承办人(演示)');
    expect((await second.post(`/api/tasks/${encodeURIComponent(sign.key)}/claim`)).status).toBe(409);
    expect((await queue(first, 'tab=mine')).items.map((i) => i.key)).toEqual([sign.key]);
    expect((await queue(second)).counts).toMatchObject({ unclaimed: 1, mine: 0 });
    // the other handler cannot complete a task someone holds
    const refused = await second.post(`/api/tasks/${encodeURIComponent(sign.key)}/complete`, { variables: { returnRequested: false } });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('TASK_HELD');

    // the leader sees the unit's tasks (to hand them on) and gives this one to the second handler
    expect(codes(await queue(leader)).sort()).toEqual([market.code, lamp.code].sort());
    const secondId = ((await second.get('/api/session').expect(200)).body.staff as { id: string }).id;
    expect((await first.post(`/api/tasks/${encodeURIComponent(sign.key)}/assign`, { assignee: secondId })).status).toBe(403);
    expect((await leader.post(`/api/tasks/${encodeURIComponent(sign.key)}/assign`, { assignee: 'nobody' })).status).toBe(400);
    const handed = (await leader.post(`/api/tasks/${encodeURIComponent(sign.key)}/assign`, { assignee: secondId }).expect(200)).body.task as Item;
    expect(handed.assignee?.id).toBe(secondId);
    expect((await queue(first, 'tab=mine')).items).toEqual([]);
    // the holder gives it back to the unit; then the first handler completes it
    await second.post(`/api/tasks/${encodeURIComponent(sign.key)}/release`).expect(200);
    expect((await second.post(`/api/tasks/${encodeURIComponent(sign.key)}/release`)).status).toBe(409);
    await completeTask(h, first, 'Task_SignOrReturn', { returnRequested: false }, market.code);
    expect(codes(await queue(first, 'tab=done'))).toEqual([market.code]);
    expect((await queue(first)).counts.done).toBe(1);

    const timeline = (await (await as('reviewer')).get(`/api/cases/${market.id}`).expect(200)).body.timeline as { action: string; actor: string }[];
    expect(timeline.map((e) => e.action).filter((a) => a.startsWith('task.'))).toEqual(['task.completed', 'task.completed', 'task.claimed', 'task.assigned', 'task.released', 'task.completed']);
    const page = (await (await as('reviewer')).get(`/staff/cases/${market.id}`).expect(200)).text;
    expect(page).toContain('认领「签收或申请退回」');
    expect(page).toContain('指派给 龙南镇承办人乙');
    expect(page).toContain('退回认领「签收或申请退回」');
  });

  it('given two cases at 龙南镇, when the platform marks one 紧急, then it leads the priority sort, and only the platform may set priority', async () => {
    const reviewer = await as('reviewer');
    const handler = await as('handler-longnan');
    const lampTask = await taskOf(handler, 'Task_SignOrReturn', lamp.code);
    expect((await handler.post(`/api/tasks/${encodeURIComponent(lampTask.key)}/priority`, { priority: 'urgent' })).status).toBe(403);
    expect((await reviewer.post(`/api/tasks/${encodeURIComponent(lampTask.key)}/priority`, { priority: 'soon' })).status).toBe(400);
    await reviewer.post(`/api/tasks/${encodeURIComponent(lampTask.key)}/priority`, { priority: 'urgent' }).expect(200);
    const sorted = await queue(handler, 'sort=priority');
    expect(sorted.items[0].key).toBe(lampTask.key);
    expect(sorted.items[0].priority).toBe('urgent');
    const timeline = (await reviewer.get(`/api/cases/${lamp.id}`).expect(200)).body.timeline as { action: string; detail: Record<string, unknown> }[];
    expect(timeline.filter((e) => e.action === 'task.priority-set').map((e) => e.detail.priority)).toEqual(['urgent']);
  });

  it('given deadlines passing, when the clock moves on, then 即将超期, 已超期 and the blue, yellow and red warnings are counted and listed', async () => {
    const handler = await as('handler-dongjiang');
    await signAndContact(h, as, river, 'handler-dongjiang');
    const draft = await taskOf(handler, 'Task_DraftReply', river.code);
    const due = Date.parse(draft.deadline.dueAt);
    // the working day before the finish deadline: 即将超期
    await later(h, new Date(due - 12 * 3600_000).toISOString());
    let page = await queue(await as('handler-dongjiang'), 'tab=soon');
    expect(page.items.map((i) => i.key)).toEqual([draft.key]);
    expect(page.counts).toMatchObject({ soon: 1, overdue: 0 });
    // four working days late: red (and no longer blue or yellow)
    await later(h, new Date(due + 7 * 86_400_000).toISOString());
    page = await queue(await as('handler-dongjiang'), 'tab=overdue&colour=red');
    expect(page.items.map((i) => [i.key, i.deadline.warning])).toEqual([[draft.key, 'red']]);
    expect(page.counts).toMatchObject({ overdue: 1, red: 1, yellow: 0, blue: 0, soon: 0 });
    expect((await queue(await as('handler-dongjiang'), 'tab=overdue&colour=blue')).items).toEqual([]);
  });

  it('given a list a handler opens every morning, when they save it as a view, then it is theirs alone and opens the same list', async () => {
    const handler = await as('handler-longnan');
    const saved = (await handler.post('/api/queue-views', { name: '超期红色', query: 'tab=overdue&colour=red&after=abc' }).expect(201)).body as { id: number; query: string };
    // the page position is not part of a view
    expect(saved.query).toBe('tab=overdue&colour=red');
    expect((await handler.post('/api/queue-views', { name: '超期红色', query: 'tab=mine' })).status).toBe(409);
    expect((await handler.post('/api/queue-views', { name: '全市', query: 'scope=all' })).status).toBe(400);
    expect((await handler.post('/api/queue-views', { name: '', query: 'sort=nowhere' })).body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'sort']);
    expect(((await handler.get('/api/queue-views').expect(200)).body as { name: string }[]).map((v) => v.name)).toEqual(['超期红色']);
    expect((await queue(handler, saved.query)).items.every((i) => i.deadline.warning === 'red')).toBe(true);
    // another person neither sees nor deletes it
    const other = await as('handler-dongjiang');
    expect((await other.get('/api/queue-views').expect(200)).body).toEqual([]);
    expect((await other.delete(`/api/queue-views/${saved.id}`)).status).toBe(404);
    await handler.delete(`/api/queue-views/${saved.id}`).expect(204);
    expect((await handler.get('/api/queue-views').expect(200)).body).toEqual([]);
  });

  it('given a database whose open tasks came before the work queue, when the app starts, then they are brought in once', async () => {
    const before = (await queue(await as('reviewer'), 'scope=all')).counts.all;
    expect(before).toBeGreaterThan(0);
    await h.t.db.sequelize.query('DELETE FROM work_items');
    await h.t.db.sequelize.query('DELETE FROM work_queue_marks');
    expect((await queue(await as('reviewer'), 'scope=all')).counts.all).toBe(0);
    const queueService = h.app.locals.queueService as QueueService;
    expect(await queueService.backfill()).toBe(before);
    expect((await queue(await as('reviewer'), 'scope=all')).counts.all).toBe(before);
    // once: a second start brings in nothing
    expect(await queueService.backfill()).toBe(0);
  });
});
