/**
 * 第十七条 回访 through the HTTP API: a petitioner who never opened the SMS link rates the answer on
 * the phone; platform staff record it, and it counts as the petitioner's own — the case closes on
 * a satisfied rating, the timeline says who heard it, and the link then finds it rated.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, PETITIONER, type TestApp } from '../../app-harness.js';
import { replyAndSignOff, screenAndDispatch, signAndContact, staff, submit, track, type Case, type Staff } from './steps.js';

describe('第十七条 电话回访', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    // Monday 2026-03-02, 10:00 in Longnan
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  async function answered(title: string): Promise<Case> {
    const c = await submit(h, as, { title });
    await screenAndDispatch(h, as, c);
    await signAndContact(h, as, c);
    await replyAndSignOff(h, as, c);
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: true }, c.code);
    expect((await track(h, c)).status).toBe('replied');
    return c;
  }

  it('given an answered case, when the reviewer records a satisfied rating heard on the phone, then the case closes, the timeline names who heard it, and the link finds it rated', async () => {
    const c = await answered('回访:路灯不亮');
    const reviewer = await as('reviewer');
    const recorded = await reviewer.post(`/api/cases/${c.id}/phone-rating`, { rating: 'satisfied', ratingComment: '电话回访,诉求人表示满意' });
    expect(recorded.status).toBe(202);
    await h.settle();
    expect((await track(h, c)).status).toBe('closed');
    const timeline = (await reviewer.get(`/api/cases/${c.id}`).expect(200)).body.timeline as { action: string; actor: string; detail: Record<string, unknown> }[];
    const entry = timeline.find((e) => e.action === 'petition.rated-by-phone');
    expect(entry).toMatchObject({ detail: { rating: 'satisfied' } });
    expect(entry?.actor).toMatch(/^st-/);
    expect((await reviewer.get(`/staff/cases/${c.id}`).expect(200)).text).toContain('电话回访,录入诉求人评价:满意');
    const late = await c.citizen.post('/api/rate', { trackingCode: c.code, phone: PETITIONER.petitionerPhone, rating: 'unsatisfied' });
    expect(late.status).toBe(409);
    // the SMS link, opened after the phone call, says it is rated (no form that can only fail)
    const link = await c.citizen.get(`/rate/${c.code}`).expect(200);
    expect(link.text).toContain('该诉求已评价。');
    expect(link.text).not.toContain(`action="/rate/${c.code}"`);
  });

  it('given a unit handler, a case not answered yet, or no rating, when a phone rating is recorded, then it is refused and the case is as it was', async () => {
    const c = await submit(h, as, { title: '回访:尚未答复' });
    await screenAndDispatch(h, as, c);
    const reviewer = await as('reviewer');
    expect((await (await as('handler-longnan')).post(`/api/cases/${c.id}/phone-rating`, { rating: 'satisfied' })).status).toBe(403);
    const early = await reviewer.post(`/api/cases/${c.id}/phone-rating`, { rating: 'satisfied' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('NOT_RATABLE');
    const bad = await reviewer.post(`/api/cases/${c.id}/phone-rating`, { rating: 'great' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'rating', message: '请选择满意度' }]);
    expect((await track(h, c)).status).toBe('handling');
    const timeline = (await reviewer.get(`/api/cases/${c.id}`).expect(200)).body.timeline as { action: string }[];
    expect(timeline.some((e) => e.action === 'petition.rated-by-phone')).toBe(false);
  });
});
