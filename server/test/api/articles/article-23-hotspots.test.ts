/**
 * 第二十三条(二) 集中投诉、举报的热点, through the HTTP API as people use it: citizens submit on the
 * portal API over two months (the clock moved), the city's leaders read the last 30 days' hotspots —
 * the concentrated matters of regulation/hotspots-corpus.ts, with the trend against the 30 days
 * before, without a petition 归并 into another — and a platform reviewer starts 督办 from one: one
 * supervision for the hotspot's lead case (pressing twice starts one), waiting in the platform's
 * queue, its note listing the hotspot's cases, every case's timeline saying so.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createTestApp, taskOf, type TestApp } from '../../app-harness.js';
import { CORPUS, TOWNSHIP, type CorpusPetition } from '../../../../regulation/hotspots-corpus.js';
import { later, openFor, screenAndDispatch, staff, submit, taskDetail, type Case, type Staff } from './steps.js';

interface Hotspot {
  id: string;
  township: string | null;
  townshipName: string;
  words: string[];
  count: number;
  previousCount: number;
  trend: string;
  trendLabel: string;
  examples: { id: string; trackingCode: string; title: string }[];
  supervision?: { trackingCode: string };
}

const fields = (p: CorpusPetition) => ({ category: 'complaint', title: p.title, content: p.content, township: p.township });

describe('第二十三条(二) 热点:集中投诉举报的热点与督办', () => {
  let h: TestApp;
  let as: Staff;
  const byMatter = new Map<string, Case[]>();
  let mergedAway: Case;

  beforeAll(async () => {
    // Monday 2026-02-02, 10:00 in Longnan: two petitions about 渡江镇's water a month before
    h = await createTestApp({ start: '2026-02-02T02:00:00.000Z' });
    as = staff(h);
    const water = CORPUS.filter((p) => p.matter === 'water-outage');
    for (const p of water.slice(0, 2)) await submit(h, as, fields(p));
    // a month on: the corpus, one petition an hour from Monday 2026-03-02 08:00
    let at = Date.parse('2026-03-02T00:00:00.000Z');
    for (const p of CORPUS) {
      await later(h, new Date(at).toISOString());
      at += 3_600_000;
      const c = await submit(h, as, fields(p));
      byMatter.set(p.matter, [...(byMatter.get(p.matter) ?? []), c]);
    }
    // one more about the building site, merged (归并) at screening into the first: counted once
    await later(h, new Date(at).toISOString());
    mergedAway = await submit(h, as, { category: 'complaint', title: '金水湾工地夜里施工', content: '金水湾工地夜里施工噪音扰民,和前几天反映的是同一个工地。', township: TOWNSHIP.longnan });
    const intake = await as('intake');
    const site = byMatter.get('site-noise')!;
    expect((await intake.post(`/api/cases/${mergedAway.id}/merge`, { intoId: site[0].id })).status).toBe(200);
    // two of the site's cases are dispatched to 龙南镇: the 督办 goes to the unit handling the earliest
    for (const c of site.slice(1, 3)) await screenAndDispatch(h, as, c);
    await later(h, '2026-03-03T02:00:00.000Z');
  }, 300_000);
  afterAll(() => h?.close());

  it('given a month of petitions, when a city leader reads the hotspots of the last 30 days, then the four concentrated matters are there with their counts and trend, nothing else', async () => {
    const leader = await as('leader');
    const res = await leader.get('/api/hotspots').expect(200);
    expect(res.body.window).toMatchObject({ from: '2026-02-02', to: '2026-03-03', days: 30, previousFrom: '2026-01-03', previousTo: '2026-02-01' });
    // the February petitions are inside this window: the water hotspot holds all six
    const list = res.body.hotspots as Hotspot[];
    const codes = (matter: string) => byMatter.get(matter)!.map((c) => c.code).sort();
    expect(list.map((x) => [x.townshipName, x.count])).toEqual(
      expect.arrayContaining([
        ['龙南镇', 5],
        ['渡江镇', 6],
        ['杨村镇', 3],
        ['全市', 5],
      ]),
    );
    expect(list).toHaveLength(4);
    const site = list.find((x) => x.townshipName === '龙南镇')!;
    expect(site.words).toEqual(expect.arrayContaining(['施工', '工地', '噪音']));
    for (const e of site.examples) expect(codes('site-noise')).toContain(e.trackingCode);
    expect(site.examples.map((e) => e.trackingCode)).not.toContain(mergedAway.code);
    expect(site.examples[0].trackingCode).toBe(byMatter.get('site-noise')!.at(-1)!.code);
    expect(site).toMatchObject({ previousCount: 0, trend: 'new', trendLabel: '新出现' });

    // the window of March alone: 渡江镇's water rose from the two of February
    const march = (await leader.get('/api/hotspots?from=2026-03-01&to=2026-03-03').expect(200)).body;
    const water = (march.hotspots as Hotspot[]).find((x) => x.townshipName === '渡江镇')!;
    expect(water).toMatchObject({ count: 4, previousCount: 0, trend: 'new' });
    const spring = (await leader.get('/api/hotspots?from=2026-03-01&to=2026-03-31').expect(200)).body;
    expect((spring.hotspots as Hotspot[]).find((x) => x.townshipName === '渡江镇')).toMatchObject({ count: 4, previousCount: 2, trend: 'up', trendLabel: '上升' });

    // a township's: its own and the city's that reach it
    const yangcun = (await leader.get(`/api/hotspots?township=${TOWNSHIP.yangcun}`).expect(200)).body.hotspots as Hotspot[];
    expect(yangcun.map((x) => x.townshipName)).toEqual(['杨村镇']);
    const dongjiang = (await leader.get(`/api/hotspots?township=${TOWNSHIP.dongjiang}`).expect(200)).body.hotspots as Hotspot[];
    expect(dongjiang.map((x) => x.townshipName)).toEqual(['全市']);

    // auditors read; units do not; a bad window is refused with the field
    expect((await (await as('auditor')).get('/api/hotspots')).status).toBe(200);
    expect((await (await as('handler-longnan')).get('/api/hotspots')).status).toBe(403);
    const bad = await leader.get('/api/hotspots?from=2026-03-40');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toEqual(['from']);
  });

  it('given the building-site hotspot, when a platform reviewer presses 发起督办 twice, then one supervision waits in the platform’s queue for the earliest dispatched case, and each case’s timeline says so', async () => {
    const reviewer = await as('reviewer');
    const site = ((await reviewer.get('/api/hotspots').expect(200)).body.hotspots as Hotspot[]).find((x) => x.townshipName === '龙南镇')!;
    const window = { from: '2026-02-02', to: '2026-03-03' };

    // not the leader's nor the intake's to start; an unknown hotspot is not found
    expect((await (await as('leader')).post('/api/hotspots/supervise', { hotspotId: site.id, ...window })).status).toBe(403);
    expect((await (await as('intake')).post('/api/hotspots/supervise', { hotspotId: site.id, ...window })).status).toBe(403);
    expect((await reviewer.post('/api/hotspots/supervise', { hotspotId: '360783100:没有+这个', ...window })).status).toBe(404);

    const first = await reviewer.post('/api/hotspots/supervise', { hotspotId: site.id, ...window, note: '请龙南镇牵头协调' });
    expect(first.status).toBe(202);
    const lead = byMatter.get('site-noise')![1];
    expect(first.body).toMatchObject({ started: true, trackingCode: lead.code, petitionId: lead.id, cases: 5 });
    const again = await reviewer.post('/api/hotspots/supervise', { hotspotId: site.id, ...window });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ started: false, trackingCode: lead.code, processInstanceKey: first.body.processInstanceKey });
    await h.settle();

    expect(await openFor(reviewer, lead)).toContain('Task_ChooseSupervision');
    const queue = (await reviewer.get('/api/tasks?task=Task_ChooseSupervision').expect(200)).body as { petition?: { trackingCode: string } }[];
    expect(queue.filter((t) => t.petition?.trackingCode === lead.code)).toHaveLength(1);
    expect(queue).toHaveLength(1);
    const choose = await taskDetail(reviewer, 'Task_ChooseSupervision', lead);
    expect(choose.data).toMatchObject({ petitionId: lead.id, unitId: 'u-longnan', supervisionTrigger: '二' });
    for (const c of byMatter.get('site-noise')!) expect(choose.data.supervisionNote).toContain(c.code);
    expect(choose.data.supervisionNote).toMatch(/^请龙南镇牵头协调\n集中投诉热点:龙南镇「/);

    const timeline = async (c: Case) => (await reviewer.get(`/api/cases/${c.id}`).expect(200)).body.timeline as { action: string; detail: Record<string, unknown> }[];
    expect((await timeline(lead)).filter((e) => e.action === 'case.supervision-started').map((e) => e.detail)).toEqual([expect.objectContaining({ unitId: 'u-longnan', trigger: '二', cases: 5 })]);
    for (const c of byMatter.get('site-noise')!.filter((x) => x !== lead)) {
      expect((await timeline(c)).filter((e) => e.action === 'case.hotspot-supervised').map((e) => e.detail.lead)).toEqual([lead.code]);
    }
    expect((await timeline(mergedAway)).some((e) => e.action === 'case.hotspot-supervised')).toBe(false);
    const other = byMatter.get('site-noise')![3];
    expect((await reviewer.get(`/staff/cases/${other.id}`).expect(200)).text).toContain(`列入热点督办(第二十三条(二))`);

    // the list and the page say it was started; the unit of the lead case sees its supervision once the method is chosen
    const after = ((await reviewer.get('/api/hotspots').expect(200)).body.hotspots as Hotspot[]).find((x) => x.id === site.id)!;
    expect(after.supervision).toMatchObject({ trackingCode: lead.code });
    const page = (await reviewer.get('/staff/hotspots').expect(200)).text;
    expect(page).toContain('已发起督办');
    expect(page).toContain('新出现');
    expect((await taskOf(reviewer, 'Task_ChooseSupervision', lead.code)).petition.trackingCode).toBe(lead.code);
  });

  it('given a hotspot none of whose cases a unit handles yet, when 督办 is pressed, then it is refused and nothing starts', async () => {
    const reviewer = await as('reviewer');
    const bus = ((await reviewer.get('/api/hotspots').expect(200)).body.hotspots as Hotspot[]).find((x) => x.townshipName === '杨村镇')!;
    const res = await reviewer.post('/api/hotspots/supervise', { hotspotId: bus.id, from: '2026-02-02', to: '2026-03-03' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('NO_UNIT');
    for (const c of byMatter.get('school-bus')!) {
      expect((await reviewer.get(`/api/cases/${c.id}`).expect(200)).body.timeline.some((e: { action: string }) => e.action.includes('supervis'))).toBe(false);
    }
  });
});
