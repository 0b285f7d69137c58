/**
 * Similar petitions at screening and 归并 through the HTTP API (issue 15): the platform sees the
 * petitions of the same phone or of the same township with similar text (never the phone or the
 * name), the screener merges a later petition into the earlier open one, the kept case is answered,
 * and both petitioners are told, track and rate — each with their own code; the merged petitioner's
 * rating is recorded on their petition and never reaches the kept case's evaluation.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, PETITIONER, type TestApp, createTestApp } from '../app-harness.js';
import { createPetitionMergesRepository } from '../../data/petition-merges-repository.js';
import { select } from '../../data/sql.js';
import { replyAndSignOff, screenAndDispatch, sent, signAndContact, staff, submit, track, type Case, type Staff } from './articles/steps.js';

const OTHER_PHONE = '13900003333';
const OTHER = { petitionerName: '李小红', petitionerPhone: OTHER_PHONE };

describe('similar petitions and 归并', () => {
  let h: TestApp;
  let as: Staff;
  let a: Case;
  let b: Case;
  let c: Case;
  let d: Case;
  beforeAll(async () => {
    // Monday 2026-03-02, 10:00 in Longnan
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
    a = await submit(h, as, { title: '新圳村路灯不亮', content: '龙南镇新圳村村口的路灯坏了一个月,晚上出行不便,请维修路灯。' });
    h.t.clock.set('2026-03-02T03:00:00.000Z');
    b = await submit(h, as, { title: '新圳村村口路灯坏了', content: '新圳村村口路灯一直不亮,希望尽快维修。', ...OTHER });
    h.t.clock.set('2026-03-02T04:00:00.000Z');
    c = await submit(h, as, { title: '菜市场缺斤短两', content: '龙南镇菜市场有商家缺斤短两,请市场监管部门查处。', ...OTHER, petitionerPhone: '13900004444' });
    d = await submit(h, as, { title: '学校门口交通拥堵', content: '东江乡中心小学门口放学时段交通拥堵。', township: '360783101', ...OTHER });
  });
  afterAll(() => h?.close());

  const trackAs = async (x: Case, phone: string) => (await (await h.visitor()).post('/api/track', { trackingCode: x.code, phone }).expect(200)).body;
  const timeline = async (x: Case) => (await (await as('reviewer')).get(`/api/cases/${x.id}`).expect(200)).body.timeline as { action: string; detail: Record<string, unknown> }[];

  it('given a petition at screening, then the platform sees the same phone and the similar text of the township, not another matter, and nothing personal', async () => {
    const res = await (await as('intake')).get(`/api/cases/${b.id}/similar`).expect(200);
    const byCode = new Map((res.body as { trackingCode: string; reasons: string[]; reason: string; mergeable: boolean }[]).map((x) => [x.trackingCode, x]));
    expect(byCode.get(a.code)).toMatchObject({ reasons: ['similar-text'], mergeable: true });
    expect(byCode.get(a.code)?.reason).toMatch(/^同一乡镇且内容相近.相似度 0\.\d\d.$/);
    expect(byCode.get(d.code)).toMatchObject({ reasons: ['same-phone'], reason: '同一手机号', mergeable: false });
    expect(byCode.has(c.code)).toBe(false);
    expect(JSON.stringify(res.body)).not.toMatch(/1390000|王小明|李小红/);
    expect((await (await as('reviewer')).get(`/api/cases/${b.id}/similar`)).status).toBe(200);
    // a unit never sees the platform's candidates (nor another's cases)
    expect((await (await as('handler-longnan')).get(`/api/cases/${b.id}/similar`)).status).toBe(403);
    // the screening page shows them beside the form, with the merge button
    const page = await (await as('intake')).get(`/staff/tasks/${encodeURIComponent((await taskKey(b)) ?? '')}`).expect(200);
    expect(page.text).toContain('相似诉求');
    expect(page.text).toContain(a.code);
    expect(page.text).toContain('归并到此件');
  });

  async function taskKey(x: Case): Promise<string | undefined> {
    const list = (await (await as('intake')).get('/api/tasks').expect(200)).body as { key: string; elementId: string; petition?: { trackingCode: string } }[];
    return list.find((t) => t.elementId === 'Task_ScreenPetition' && t.petition?.trackingCode === x.code)?.key;
  }

  it('given bad requests, then each is refused with a Chinese message and nothing changes', async () => {
    const intake = await as('intake');
    const bad = await intake.post(`/api/cases/${b.id}/merge`, {});
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'intoId', message: '请选择要归并到的诉求' }]);
    expect((await intake.post(`/api/cases/${b.id}/merge`, { intoId: b.id })).body.error).toMatchObject({ code: 'MERGE_SELF', message: '不能把诉求归并到它自身' });
    expect((await intake.post(`/api/cases/${b.id}/merge`, { intoId: 'no-such-case' })).status).toBe(404);
    const later = await intake.post(`/api/cases/${a.id}/merge`, { intoId: b.id });
    expect(later.status).toBe(409);
    expect(later.body.error.code).toBe('MERGE_TARGET_LATER');
    // only the platform's screener merges
    expect((await (await as('reviewer')).post(`/api/cases/${b.id}/merge`, { intoId: a.id })).status).toBe(403);
    expect((await (await as('handler-longnan')).post(`/api/cases/${b.id}/merge`, { intoId: a.id })).status).toBe(403);
    expect((await trackAs(b, OTHER_PHONE)).status).toBe('screening');
    expect(await taskKey(b)).toBeDefined();
  });

  it('given the screener merges, then the later petition ends merged with its link, both timelines say so, and its petitioner gets an SMS', async () => {
    const res = await (await as('intake')).post(`/api/cases/${b.id}/merge`, { intoId: a.id });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ petitionId: b.id, trackingCode: b.code, mergedIntoId: a.id, mergedIntoCode: a.code });
    await h.settle();
    const [row] = await select<{ status: string; merged_into: string; merged_at: number | string }>(h.t.db, 'SELECT status, merged_into, merged_at FROM petitions WHERE id = ?', [b.id]);
    expect(row).toMatchObject({ status: 'merged', merged_into: a.id });
    expect(await taskKey(b)).toBeUndefined();
    expect((await timeline(b)).find((e) => e.action === 'petition.merged')?.detail).toEqual({ into: a.code });
    expect((await timeline(a)).find((e) => e.action === 'petition.merged')?.detail).toEqual({ from: b.code });
    const sms = await sent(h, 'petition-merged', b);
    expect(sms.map((m) => [m.recipientKind, m.recipientRef, m.payload])).toEqual([['petitioner', b.id, { petitionId: b.id, trackingCode: b.code, mergedIntoCode: a.code }]]);
    const tracked = await trackAs(b, OTHER_PHONE);
    expect(tracked).toMatchObject({ status: 'merged', mergedInto: { trackingCode: a.code }, canRate: false });
    // nothing into a merged case, and a merged one is no longer at screening
    expect((await (await as('intake')).post(`/api/cases/${d.id}/merge`, { intoId: b.id })).body.error.code).toBe('MERGE_TARGET_ENDED');
    expect((await (await as('intake')).post(`/api/cases/${b.id}/merge`, { intoId: a.id })).body.error.code).toBe('NOT_SCREENING');
    // the reports count it
    const merges = createPetitionMergesRepository(h.t.db);
    expect(await merges.countMerges(new Date('2026-03-01T16:00:00.000Z'), new Date('2026-03-02T16:00:00.000Z'))).toBe(1);
    expect(await merges.countMerges(new Date('2026-03-02T16:00:00.000Z'), new Date('2026-03-03T16:00:00.000Z'))).toBe(0);
  });

  it('given the kept case is answered, then both petitioners are told with their own link, see the answer, and each rates once; the merged rating stays out of the kept evaluation', async () => {
    await screenAndDispatch(h, as, a);
    await signAndContact(h, as, a);
    await replyAndSignOff(h, as, a);
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: true, publishable: true }, a.code);
    expect((await sent(h, 'reply-ready', a)).map((m) => m.payload.ratingUrl)).toEqual([expect.stringMatching(new RegExp(`/rate/${a.code}$`))]);
    expect((await sent(h, 'reply-ready', b)).map((m) => [m.recipientRef, m.payload.trackingCode, m.payload.ratingUrl])).toEqual([[b.id, b.code, expect.stringMatching(new RegExp(`/rate/${b.code}$`))]]);
    const tracked = await trackAs(b, OTHER_PHONE);
    expect(tracked).toMatchObject({ status: 'merged', canRate: true, reply: { text: '您反映的小区路灯不亮问题已修复。' } });
    expect(tracked.statusLabel).toBe('已归并办理:已答复');

    const visitor = await h.visitor();
    expect((await visitor.post('/api/rate', { trackingCode: b.code, phone: OTHER_PHONE, rating: 'unsatisfied' })).status).toBe(202);
    expect((await visitor.post('/api/rate', { trackingCode: b.code, phone: OTHER_PHONE, rating: 'satisfied' })).status).toBe(409);
    await h.settle();
    // the kept case still waits for its own petitioner: no redo from the merged petitioner's rating
    expect((await track(h, a)).status).toBe('replied');
    expect((await visitor.post('/api/rate', { trackingCode: a.code, phone: PETITIONER.petitionerPhone, rating: 'satisfied' })).status).toBe(202);
    await h.settle();
    expect((await track(h, a)).status).toBe('closed');
    expect((await timeline(b)).find((e) => e.action === 'petition.rated')?.detail).toEqual({ rating: 'unsatisfied', mergedInto: a.code });
    expect((await timeline(a)).find((e) => e.action === 'petition.merged-rated')?.detail).toEqual({ rating: 'unsatisfied', from: b.code });
    expect((await timeline(a)).filter((e) => e.action === 'petition.rated').map((e) => e.detail.rating)).toEqual(['satisfied']);
    const casePage = await (await as('reviewer')).get(`/staff/cases/${a.id}`).expect(200);
    expect(casePage.text).toContain(`诉求 ${b.code} 归并到本件,一并答复`);
    expect(casePage.text).toContain(`归并诉求 ${b.code} 的诉求人作出评价:不满意`);
  });
});
