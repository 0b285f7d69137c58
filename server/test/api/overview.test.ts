/**
 * The leaders' overview (驾驶舱; issue 16) through HTTP as a city leader opens it after signing in:
 * the landing page links to it; today's and this month's figures count the petitions received
 * (through the report figures); the board's colours come from the same counts as /api/board; the
 * 30-day trend is an inline SVG with no script. Who may not see it gets 403.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, submitPetition, type TestApp } from '../app-harness.js';

describe('the leaders\' overview (驾驶舱)', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
    const codes: string[] = [];
    for (const title of ['老街路灯不亮', '菜市场占道经营', '小区噪音扰民']) codes.push((await submitPetition(h, await h.visitor(), { title })).body.trackingCode);
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, codes[0]);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, codes[0]);
    await completeTask(h, await h.signIn('handler-longnan'), 'Task_SignOrReturn', { returnRequested: false }, codes[0]);
    // the next Thursday: the dispatched complaint is 2 working days past its Monday 03-09 deadline (yellow)
    h.t.clock.set('2026-03-11T16:30:00.000Z');
    await h.settle();
  }, 120_000);
  afterAll(() => h.close());

  it('a city leader lands on the task list, which links to the overview; the overview shows the month\'s figures, the board\'s colours and the trend as SVG', async () => {
    const leader = await h.signIn('leader');
    const landing = await leader.get('/staff');
    expect(landing.status).toBe(200);
    expect(landing.text).toContain('href="/staff/overview"');
    const page = await leader.get('/staff/overview');
    expect(page.status).toBe(200);
    const text = page.text.replace(/<svg[\s\S]*<\/svg>/, '');
    // this month: three received; the board: one yellow, as GET /api/board counts it
    expect(text).toMatch(/<th scope="row">收到<\/th><td class="num">0<\/td><td class="num"><strong>3<\/strong><\/td>/);
    expect(text).toContain('2026年3月');
    const board = (await leader.get('/api/board').expect(200)).body;
    expect(board.counts.totals).toMatchObject({ yellow: 1, red: 0 });
    expect(text).toMatch(/黄色预警 <strong>1<\/strong>/);
    expect(text).toMatch(/红黄预警最多[\s\S]*龙南镇人民政府/);
    // the trend: an SVG drawn on the server, described for screen readers; no script on the page
    expect(page.text).toMatch(/<svg[^>]*aria-label="[^"]+"/);
    expect(page.text).not.toMatch(/<script/i);
  });

  it('platform reviewers see it too; unit staff, intake, auditors and admins are refused', async () => {
    expect((await (await h.signIn('reviewer')).get('/staff/overview')).status).toBe(200);
    for (const who of ['handler-longnan', 'leader-longnan', 'intake', 'auditor', 'modeler', 'admin']) {
      expect([who, (await (await h.signIn(who)).get('/staff/overview')).status]).toEqual([who, 403]);
    }
    // unit staff are not offered the link either
    expect((await (await h.signIn('handler-longnan')).get('/staff')).text).not.toContain('href="/staff/overview"');
  });
});
