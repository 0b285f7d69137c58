/**
 * 第二十三条 督办 started by the platform from a case, through the HTTP API: the platform reviewer
 * names the item — (一) a city leader's 批示, (二) a hotspot, (三) overdue, (五) other — and the
 * supervision process starts for the unit handling the case (the reviewer then chooses the method,
 * 第二十四条); the timeline says who started it and why. (processes/scenarios/article-23.test.ts proves
 * the supervision diagram itself.)
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createTestApp, type TestApp } from '../../app-harness.js';
import { openFor, screenAndDispatch, staff, submit, taskDetail, type Staff } from './steps.js';

describe('第二十三条 督办 from a case', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    // Monday 2026-03-02, 10:00 in Longnan
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  it('given a case 龙南镇 handles, when the reviewer starts a 督办 for a hotspot, then the supervision of 龙南镇 waits for the method, the timeline says so, and a second start is refused', async () => {
    const c = await submit(h, as, { title: '督办:菜市场占道经营' });
    await screenAndDispatch(h, as, c);
    const reviewer = await as('reviewer');

    const started = await reviewer.post(`/api/cases/${c.id}/supervise`, { supervisionTrigger: '二', supervisionNote: '本月同类投诉 12 件' });
    expect(started.status).toBe(202);
    expect(typeof started.body.processInstanceKey).toBe('string');
    await h.settle();
    expect(await openFor(reviewer, c)).toContain('Task_ChooseSupervision');
    const choose = await taskDetail(reviewer, 'Task_ChooseSupervision', c);
    expect(choose.data).toMatchObject({ petitionId: c.id, unitId: 'u-longnan', supervisionTrigger: '二', supervisionNote: '本月同类投诉 12 件' });
    const timeline = (await reviewer.get(`/api/cases/${c.id}`).expect(200)).body.timeline as { action: string; detail: Record<string, unknown> }[];
    expect(timeline.filter((e) => e.action === 'case.supervision-started').map((e) => e.detail)).toEqual([{ unitId: 'u-longnan', trigger: '二' }]);
    expect((await reviewer.get(`/staff/cases/${c.id}`).expect(200)).text).toContain('发起督办(第二十三条(二))');

    const again = await reviewer.post(`/api/cases/${c.id}/supervise`, { supervisionTrigger: '五' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_SUPERVISED');
  });

  it('given a case not yet dispatched, an intake operator, or 第二十三条(四) named, when a 督办 is started, then it is refused and nothing starts', async () => {
    const c = await submit(h, as, { title: '督办:尚未转办' });
    const reviewer = await as('reviewer');
    const early = await reviewer.post(`/api/cases/${c.id}/supervise`, { supervisionTrigger: '一' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('NO_UNIT');
    await screenAndDispatch(h, as, c);
    expect((await (await as('intake')).post(`/api/cases/${c.id}/supervise`, { supervisionTrigger: '一' })).status).toBe(403);
    const four = await reviewer.post(`/api/cases/${c.id}/supervise`, { supervisionTrigger: '四' });
    expect(four.status).toBe(400);
    expect(four.body.error.details.map((d: { field: string }) => d.field)).toEqual(['supervisionTrigger']);
    await h.settle();
    expect(await openFor(reviewer, c)).not.toContain('Task_ChooseSupervision');
    const timeline = (await reviewer.get(`/api/cases/${c.id}`).expect(200)).body.timeline as { action: string }[];
    expect(timeline.some((e) => e.action === 'case.supervision-started')).toBe(false);
  });
});
