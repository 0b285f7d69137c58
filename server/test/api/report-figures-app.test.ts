/**
 * 第二十五条 (月报) and 第二十七条 附则 (恶意、虚假诉求) through the app, as citizens and staff act: a
 * month of petitions — three channels, five categories, four townships, three units; some not
 * accepted, some closed on time, some late, rated at several levels, one 重办, one 督办, one 归并, one
 * marked 恶意 — then the month's figures (`reportFigures.figures`) are compared with the counts this
 * test keeps of what it did. The deadlines are read from the case view before each 办结审核, so
 * 按期办结 is judged here against what staff saw, not against the projection.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, PETITION_FIELDS, PETITIONER, taskOf, type Person, type TestApp } from '../app-harness.js';
import { solveChallenge } from '../../domain/challenge.js';
import { REPLY, staff as staffOf, type Staff } from './articles/steps.js';
import { createScoreLedgerRepository } from '../../data/score-ledger-repository.js';
import type { ReportFiguresService } from '../../services/report-figures-service.js';
import { monthPeriod, periodRange, ratesOf, ZERO_COUNTS } from '../../../regulation/report-period.js';
import type { HotspotService } from '../../services/hotspot-service.js';
import { SATISFIED_RATINGS, type Rating } from '../../../regulation/ratings.js';
import type { SliceRow, VolumeCounts } from '../../../regulation/report-figures.js';

type Channel = 'web' | 'wechat' | 'hotline';

/** what the test did to a case, as it will count it */
interface Done {
  code: string;
  id: string;
  channel: Channel;
  category: string;
  township: string;
  unitId?: string;
  accepted?: boolean;
  rejected?: boolean;
  /** when the reply passed 办结审核, and the deadline the case view showed then */
  closedAt?: number;
  dueAt?: number;
  ratings: string[];
  redone?: boolean;
  merged?: boolean;
  malicious?: boolean;
  citizen?: Person;
}

const UNITS: Record<string, { handler: string; leader: string; name: string }> = {
  'u-longnan': { handler: 'handler-longnan', leader: 'leader-longnan', name: '龙南镇人民政府' },
  'u-wudang': { handler: 'handler-wudang', leader: 'leader-wudang', name: '武当镇人民政府' },
  'u-market': { handler: 'handler-market', leader: 'leader-market', name: '龙南市市场监督管理局' },
};
const MARCH = monthPeriod(2026, 3);
const APRIL_START = Date.parse('2026-03-31T16:00:00.000Z');

describe('第二十五条 月报 figures from a month of petitions handled through the HTTP API', () => {
  let h: TestApp;
  let as: Staff;
  let figures: ReportFiguresService;
  const cases: Done[] = [];

  beforeAll(async () => {
    h = await createTestApp();
    as = staffOf(h);
    figures = h.app.locals.reportFigures as ReportFiguresService;
  });
  afterAll(() => h.close());

  const now = () => h.t.clock.now().getTime();
  async function later(at: string) {
    h.t.clock.set(at);
    await h.settle();
  }

  /** a petition as its channel takes it: the portal (a WeChat browser says so), or the hotline operator */
  async function submit(channel: Channel, fields: Record<string, unknown>): Promise<Done> {
    const body = { ...PETITION_FIELDS, ...fields };
    let code: string;
    let citizen: Person | undefined;
    if (channel === 'hotline') {
      // the operator types what the caller says: no agreement box, as on the hotline page
      const hotline: Record<string, unknown> = { ...body, urgent: false };
      delete hotline.agree;
      const res = await (await as('intake')).post('/api/hotline', hotline);
      expect(res.status).toBe(201);
      code = res.body.trackingCode;
      citizen = await h.visitor();
    } else {
      citizen = await h.visitor();
      const challenge = await citizen.get('/api/challenge').expect(200);
      let req = citizen.agent.post('/api/petitions').set('x-csrf-token', citizen.csrf);
      if (channel === 'wechat') req = req.set('user-agent', 'Mozilla/5.0 (iPhone) MicroMessenger/8.0.50');
      const res = await req.send({ ...body, challengeToken: challenge.body.token, challengeAnswer: String(solveChallenge(challenge.body.question)) });
      expect(res.status).toBe(201);
      code = res.body.trackingCode;
    }
    await h.settle();
    const screen = await taskOf(await as('intake'), 'Task_ScreenPetition', code);
    const done: Done = { code, id: screen.petition.id, channel, category: String(body.category), township: typeof body.township === 'string' ? body.township : '', ratings: [], citizen };
    cases.push(done);
    return done;
  }

  async function reject(c: Done) {
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: false, outOfScopeItem: '四', rejectionNote: '属合同纠纷,可向人民法院起诉' }, c.code);
    c.rejected = true;
  }

  /** screened in scope, dispatched, signed (and, but for a consultation, the petitioner contacted) */
  async function dispatch(c: Done, unitId: string) {
    await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: false }, c.code);
    await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId, jointMode: 'single' }, c.code);
    c.accepted = true;
    c.unitId = unitId;
    const u = UNITS[unitId];
    await completeTask(h, await as(u.handler), 'Task_SignOrReturn', { returnRequested: false }, c.code);
    if (c.category !== 'consultation') {
      await completeTask(h, await as(u.handler), 'Task_ContactPetitioner', { contactedAt: new Date(now()).toISOString(), contactMethod: 'phone', contactSummary: '已电话联系诉求人' }, c.code);
    }
  }

  async function draft(c: Done) {
    const u = UNITS[c.unitId as string];
    await completeTask(h, await as(u.handler), 'Task_DraftReply', { reply: { ...REPLY, handlingUnit: u.name, publishable: false } }, c.code);
    await completeTask(h, await as(u.leader), 'Task_OASignOff', { signOffApproved: true }, c.code);
  }

  /** 办结审核 passed: the deadline the case view shows is noted first */
  async function approve(c: Done) {
    const view = (await (await as('reviewer')).get(`/api/cases/${c.id}`).expect(200)).body;
    expect(typeof view.finishDueAt).toBe('string');
    c.dueAt = Date.parse(view.finishDueAt);
    await completeTask(h, await as('reviewer'), 'Task_ReviewReply', { reviewApproved: true, reviewReason: '答复完整', publishable: false }, c.code);
    c.closedAt = now();
  }

  async function rate(c: Done, rating: Rating) {
    const res = await (c.citizen as Person).post('/api/rate', { trackingCode: c.code, phone: PETITIONER.petitionerPhone, rating });
    expect(res.status).toBe(202);
    await h.settle();
    c.ratings.push(rating);
  }

  /** the counts of VolumeCounts this test expects of some cases, as of the end of March */
  function count(list: Done[]): VolumeCounts {
    const closed = list.filter((c) => c.closedAt !== undefined && c.closedAt < APRIL_START);
    const rated = list.filter((c) => c.ratings.length > 0);
    return {
      received: list.length,
      accepted: list.filter((c) => c.accepted).length,
      rejected: list.filter((c) => c.rejected).length,
      closed: closed.length,
      closedOnTime: closed.filter((c) => (c.closedAt as number) <= (c.dueAt as number)).length,
      rated: rated.length,
      satisfied: rated.filter((c) => (SATISFIED_RATINGS as readonly string[]).includes(c.ratings[c.ratings.length - 1])).length,
      redone: list.filter((c) => c.redone).length,
    };
  }
  const counted = () => cases.filter((c) => !c.merged && !c.malicious);
  const countsOf = (r: SliceRow): VolumeCounts => ({ received: r.received, accepted: r.accepted, rejected: r.rejected, closed: r.closed, closedOnTime: r.closedOnTime, rated: r.rated, satisfied: r.satisfied, redone: r.redone });
  function expectSlices(rows: SliceRow[], keyOf: (c: Done) => string | undefined) {
    const groups = new Map<string, Done[]>();
    for (const c of counted()) {
      const k = keyOf(c);
      if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    expect(rows.filter((r) => r.received > 0).map((r) => r.key).sort()).toEqual([...groups.keys()].sort());
    for (const r of rows) {
      expect({ key: r.key, ...countsOf(r) }).toEqual({ key: r.key, ...(groups.has(r.key) ? count(groups.get(r.key) as Done[]) : ZERO_COUNTS) });
      expect(r.rates).toEqual(ratesOf(countsOf(r)));
    }
  }

  it('第二十五条 given a month of petitions, every figure of the 月报 equals the count made from what was done', async () => {
    // ---- 2 March, 09:00: petitions by three channels, about four townships
    const lamp = await submit('web', { category: 'complaint', title: '小区路灯不亮', township: '360783100' });
    const lamp2 = await submit('wechat', { category: 'complaint', title: '小区路灯还是不亮', township: '360783100' });
    const ask1 = await submit('web', { category: 'consultation', title: '办理居住证需要什么材料', township: '360783100' });
    const ask2 = await submit('hotline', { category: 'consultation', title: '社保卡补办在哪里办理', township: '360783101' });
    const late1 = await submit('wechat', { category: 'consultation', title: '老年人优待证怎么办理', township: '360783100' });
    const late2 = await submit('hotline', { category: 'consultation', title: '新生儿落户需要什么', township: '360783100' });
    const help = await submit('web', { category: 'help', title: '独居老人需要帮扶', township: '360783101' });
    const idea = await submit('wechat', { category: 'suggestion', title: '建议增设公交站点', township: '360783101' });
    const food = await submit('hotline', { category: 'other', title: '农贸市场秤不准', township: '' });
    const noisy = await submit('web', { category: 'complaint', title: '夜间施工噪音扰民', township: '360783101' });
    const redo = await submit('web', { category: 'consultation', title: '公积金提取流程', township: '360783100' });
    const supervised = await submit('hotline', { category: 'help', title: '道路积水无人处理', township: '360783101' });
    const marked = await submit('web', { category: 'complaint', title: '邻居种种不是', township: '360783100' });
    const april = await submit('wechat', { category: 'suggestion', title: '建议延长图书馆开放时间', township: '' });
    const out1 = await submit('web', { category: 'other', title: '合同纠纷请求处理', township: '360783102' });
    const out2 = await submit('hotline', { category: 'complaint', title: '民间借贷纠纷', township: '360783102' });
    const out3 = await submit('wechat', { category: 'other', title: '离婚财产分割', township: '' });
    await submit('web', { category: 'suggestion', title: '建议公园增加座椅', township: '360783102' });
    await submit('hotline', { category: 'help', title: '困难家庭求助', township: '360783100' });

    // not accepted (第八条)
    for (const c of [out1, out2, out3]) await reject(c);
    // 归并: the second petition about the same lamp is answered by the first
    await dispatch(lamp, 'u-longnan');
    const merge = await (await as('intake')).post(`/api/cases/${lamp2.id}/merge`, { intoId: lamp.id });
    expect(merge.status).toBe(200);
    lamp2.merged = true;

    // handled and answered on the same day: on time
    for (const [c, unit] of [[ask1, 'u-longnan'], [ask2, 'u-wudang'], [help, 'u-wudang'], [idea, 'u-wudang'], [food, 'u-market'], [noisy, 'u-wudang'], [redo, 'u-longnan']] as const) {
      await dispatch(c, unit);
      await draft(c);
      await approve(c);
    }
    await draft(lamp);
    await approve(lamp);
    for (const [c, unit] of [[late1, 'u-longnan'], [late2, 'u-longnan'], [supervised, 'u-wudang'], [marked, 'u-longnan'], [april, 'u-market']] as const) await dispatch(c, unit);

    // rated at several levels; one 不满意 sends its case back for one redo (第十七条、第十八条)
    await rate(ask1, 'very-satisfied');
    await rate(ask2, 'very-satisfied');
    await rate(help, 'satisfied');
    await rate(idea, 'satisfied');
    await rate(lamp, 'basically-satisfied');
    await rate(redo, 'unsatisfied');
    await completeTask(h, await as('handler-longnan'), 'Task_Redo', { redoOutcome: 'handle-again', redoReplyText: '已电话再次说明提取所需材料。' }, redo.code);
    redo.redone = true;
    await rate(redo, 'very-unsatisfied');

    // 督办 (第二十三条(一)) on a case the township handles
    const sup = await (await as('reviewer')).post(`/api/cases/${supervised.id}/supervise`, { supervisionTrigger: '一', supervisionNote: '市领导批示' });
    expect(sup.status).toBe(202);
    await h.settle();

    // ---- 恶意: the township's row before and after the mark
    const before = (await figures.figures(MARCH)).byUnit.find((r) => r.key === 'u-longnan') as SliceRow;
    const mark = await (await as('reviewer')).post(`/api/cases/${marked.id}/malicious`, { kind: 'malicious', reason: '反复捏造邻里矛盾骚扰他人', basis: '派出所核查回函' });
    expect(mark.status).toBe(200);
    await h.settle();
    marked.malicious = true;
    const after = (await figures.figures(MARCH)).byUnit.find((r) => r.key === 'u-longnan') as SliceRow;
    expect(after.received).toBe(before.received - 1);
    expect(after.accepted).toBe(before.accepted - 1);
    expect(after.rates.completion).toBeGreaterThan(before.rates.completion as number);
    // the case is closed and its process ended; the unit has nothing left to do on it
    const markedView = (await (await as('reviewer')).get(`/api/cases/${marked.id}`).expect(200)).body;
    expect(markedView).toMatchObject({ status: 'invalid', invalidMark: { kind: 'malicious', label: '恶意诉求', basis: '派出所核查回函' }, mayMarkInvalid: false, mayUnmarkInvalid: true });
    expect(markedView.tasks).toEqual([]);

    // ---- 10 March: two consultations answered after their deadline (2 working days, 第十三条)
    await later('2026-03-10T02:00:00.000Z');
    for (const c of [late1, late2]) {
      await draft(c);
      await approve(c);
    }
    await rate(late1, 'satisfied');

    // ---- 1 April: a March petition is answered only now
    await draft(april);
    await later('2026-04-01T02:00:00.000Z');
    await approve(april);

    // ---- the 月报 of March
    const f = await figures.figures(MARCH);
    expect(f.period.label).toBe('2026年3月');
    const expected = count(counted());
    const { rates, excluded, merged, ...totals } = f.totals;
    expect(totals).toEqual(expected);
    expect(rates).toEqual(ratesOf(expected));
    expect({ excluded, merged }).toEqual({ excluded: 1, merged: 1 });
    // on time and late both happened; the April answer is not closed in March
    expect(late1.closedAt as number).toBeGreaterThan(late1.dueAt as number);
    expect(expected.closed).toBeGreaterThan(expected.closedOnTime);
    expect(april.closedAt as number).toBeGreaterThanOrEqual(APRIL_START);

    expectSlices(f.byChannel, (c) => c.channel);
    expect(f.byChannel.map((r) => r.label)).toEqual(['网站', '微信公众号', '热线电话']);
    expectSlices(f.byCategory, (c) => c.category);
    expect(f.byCategory.map((r) => r.label)).toEqual(['咨询', '投诉', '举报', '求助', '建议', '其他']);
    expectSlices(f.byTownship, (c) => c.township);
    expect(Object.fromEntries(f.byTownship.map((r) => [r.key, r.label]))).toEqual({ '360783100': '龙南镇', '360783101': '武当镇', '360783102': '杨村镇', '': '未填写乡镇' });
    expectSlices(f.byUnit, (c) => c.unitId);
    expect(Object.fromEntries(f.byUnit.map((r) => [r.key, r.label]))).toEqual({ 'u-longnan': '龙南镇人民政府', 'u-wudang': '武当镇人民政府', 'u-market': '龙南市市场监督管理局' });

    // the five levels: each case's latest rating
    const latest = counted().filter((c) => c.ratings.length).map((c) => c.ratings[c.ratings.length - 1]);
    expect(f.satisfaction.map((s) => [s.label, s.count])).toEqual(
      (['very-satisfied', 'satisfied', 'basically-satisfied', 'unsatisfied', 'very-unsatisfied'] as const).map((r, i) => [['非常满意', '满意', '基本满意', '不满意', '非常不满意'][i], latest.filter((x) => x === r).length]),
    );

    // 督办 by item: the one started in March
    expect(f.supervision.map((s) => [s.item, s.count])).toEqual([['一', 1], ['二', 0], ['三', 0], ['四', 0], ['五', 0]]);

    // warnings: the ledger's March records of the counted cases (the marked one's never count)
    const ledger = createScoreLedgerRepository(h.t.db);
    const inMarch = (at: Date) => at.getTime() >= Date.parse('2026-02-28T16:00:00.000Z') && at.getTime() < APRIL_START;
    const records = (await Promise.all(counted().map((c) => ledger.listForPetition(c.id)))).flat().filter((r) => inMarch(r.at));
    const transfers = (await Promise.all(counted().map((c) => ledger.listTransfers(c.id)))).flat().filter((r) => inMarch(r.at));
    expect(records.length).toBeGreaterThan(0);
    expect(f.warnings).toEqual({
      blue: records.filter((r) => r.level === 'blue').length,
      yellow: records.filter((r) => r.level === 'yellow').length,
      red: records.filter((r) => r.level === 'red').length,
      deductionTenths: records.reduce((n, r) => n + r.points, 0),
      transfers: transfers.length,
      criticisms: transfers.length,
    });
    const longnan = f.unitsRanked.find((u) => u.key === 'u-longnan');
    expect(longnan?.warnings.deductionTenths).toBe(records.filter((r) => r.unitId === 'u-longnan').reduce((n, r) => n + r.points, 0));

    // ranked by 按期办结率, then 满意率, then received; no score before the assessment
    expect(f.unitsRanked.map((u) => u.rank)).toEqual(f.unitsRanked.map((_, i) => i + 1));
    expect(f.unitsRanked.every((u) => u.score === null)).toBe(true);
    const onTime = f.unitsRanked.map((u) => u.rates.onTime ?? -1);
    expect(onTime).toEqual([...onTime].sort((a, b) => b - a));

    // 环比 and 同比: nothing in February or in March 2025
    expect(f.previous.received).toEqual({ current: expected.received, previous: 0, change: null });
    expect(f.lastYear.received).toEqual({ current: expected.received, previous: 0, change: null });
    expect(f.previous.completion).toBeNull();
    // the month's hotspots are the clustering's (hotspot-service) over the month: here the petitions
    // share the form's text (路灯, 出行, 小区), so one city-wide hotspot of the counted cases
    const { from, to } = periodRange(MARCH);
    expect(f.hotspots).toEqual(await (h.app.locals.hotspotService as HotspotService).top(from, to, 10));
    expect(f.hotspots.length).toBeGreaterThan(0);
    const countedCodes = new Set(counted().map((c) => c.code));
    for (const spot of f.hotspots) {
      expect(spot.count).toBeLessThanOrEqual(countedCodes.size);
      for (const example of spot.examples) expect(countedCodes.has(example.trackingCode)).toBe(true);
    }

    // April's report counts the April answer as April's… no: it was received in March
    const april2026 = await figures.figures(monthPeriod(2026, 4));
    expect(april2026.totals.received).toBe(0);
    expect(april2026.previous.received).toEqual({ current: 0, previous: expected.received, change: -1 });

    // the day's window (the leaders' overview): 2 March, Shanghai
    const day = await figures.dayFigures(new Date('2026-03-01T16:00:00.000Z'), new Date('2026-03-02T16:00:00.000Z'));
    expect(day.totals.received).toBe(expected.received);
    expect(day.totals.closed).toBe(counted().filter((c) => c.closedAt !== undefined && c.closedAt < Date.parse('2026-03-02T16:00:00.000Z')).length);
  });
});

describe('第二十七条 附则 恶意、虚假诉求 through the HTTP API', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    h = await createTestApp();
    as = staffOf(h);
  });
  afterAll(() => h.close());

  const SENDER = { petitionerPhone: '13900007777' };
  async function submitAs(fields: Record<string, unknown>) {
    const citizen = await h.visitor();
    const challenge = await citizen.get('/api/challenge').expect(200);
    const res = await citizen.post('/api/petitions', { ...PETITION_FIELDS, ...SENDER, challengeToken: challenge.body.token, challengeAnswer: String(solveChallenge(challenge.body.question)), ...fields });
    expect(res.status).toBe(201);
    await h.settle();
    const task = await taskOf(await as('intake'), 'Task_ScreenPetition', res.body.trackingCode);
    return { code: res.body.trackingCode as string, id: task.petition.id as string, taskKey: task.key as string };
  }

  it('第二十七条 a mark needs a reviewer, a kind, a reason and a basis; a refused one changes nothing', async () => {
    const c = await submitAs({ title: '反映情况' });
    const reviewer = await as('reviewer');
    expect((await (await as('intake')).post(`/api/cases/${c.id}/malicious`, { kind: 'malicious', reason: '捏造', basis: '核查' })).status).toBe(403);
    const bad = await reviewer.post(`/api/cases/${c.id}/malicious`, { kind: 'spam', reason: '', basis: 'x'.repeat(201) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['basis', 'kind', 'reason']);
    const personal = await reviewer.post(`/api/cases/${c.id}/malicious`, { kind: 'false', reason: '冒用 13900001111 的名义', basis: '核查' });
    expect(personal.status).toBe(400);
    expect((await reviewer.get(`/api/cases/${c.id}`).expect(200)).body).toMatchObject({ status: 'screening', mayMarkInvalid: true, mayUnmarkInvalid: false });
    expect((await reviewer.delete(`/api/cases/${c.id}/malicious`)).status).toBe(409);
  });

  it('第二十七条 a sender with two marked petitions in 12 months is flagged at the next one’s screening, without the number; 撤销认定 puts a case back to screening', async () => {
    const reviewer = await as('reviewer');
    const first = await submitAs({ title: '第一次反映' });
    const second = await submitAs({ title: '第二次反映' });
    for (const [c, kind] of [[first, 'malicious'], [second, 'false']] as const) {
      const res = await reviewer.post(`/api/cases/${c.id}/malicious`, { kind, reason: '经核查所反映事项不存在', basis: '社区核查记录' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'invalid', kind });
    }
    await h.settle();
    // the marked ones left the queue: no screening task remains
    expect((await (await as('intake')).get(`/api/tasks?q=${first.code}`).expect(200)).body).toEqual([]);
    expect((await reviewer.post(`/api/cases/${first.id}/malicious`, { kind: 'malicious', reason: '再次', basis: '再次' })).status).toBe(409);

    h.t.clock.advance(3_600_000);
    const third = await submitAs({ title: '第三次反映' });
    const view = (await reviewer.get(`/api/cases/${third.id}`).expect(200)).body;
    expect(view.repeatedSender).toEqual({ count: 2, text: '该号码此前有 2 件被认定为恶意/虚假诉求' });
    const page = await (await as('intake')).get(`/staff/tasks/${encodeURIComponent(third.taskKey)}`).expect(200);
    expect(page.text).toContain('该号码此前有 2 件被认定为恶意/虚假诉求');
    expect(page.text).not.toContain(SENDER.petitionerPhone);
    const casePage = await reviewer.get(`/staff/cases/${third.id}`).expect(200);
    expect(casePage.text).toContain('该号码此前有 2 件被认定为恶意/虚假诉求');
    expect(casePage.text).toContain('认定为恶意、虚假诉求');
    // another sender is not flagged
    const other = await submitAs({ title: '别人的反映', petitionerPhone: '13900008888' });
    expect((await reviewer.get(`/api/cases/${other.id}`).expect(200)).body.repeatedSender).toBeUndefined();

    // 撤销认定: the first is screened again and no longer counts against the sender
    const undo = await reviewer.delete(`/api/cases/${first.id}/malicious`);
    expect(undo.status).toBe(200);
    expect(undo.body).toMatchObject({ status: 'submitted' });
    await h.settle();
    await taskOf(await as('intake'), 'Task_ScreenPetition', first.code);
    expect((await reviewer.get(`/api/cases/${third.id}`).expect(200)).body.repeatedSender).toBeUndefined();
    const timeline = (await reviewer.get(`/staff/cases/${first.id}`).expect(200)).text;
    expect(timeline).toContain('认定为恶意诉求并关闭(第二十七条):经核查所反映事项不存在;依据:社区核查记录');
    expect(timeline).toContain('撤销恶意、虚假诉求的认定,重新进入受理审查');
  });

  it('第二十七条 a reviewer marks through the case page’s form', async () => {
    const c = await submitAs({ title: '页面认定', petitionerPhone: '13900009999' });
    const reviewer = await as('reviewer');
    const page = await reviewer.get(`/staff/cases/${c.id}`).expect(200);
    expect(page.text).toContain(`action="/staff/cases/${c.id}/malicious"`);
    const empty = await reviewer.agent.post(`/staff/cases/${c.id}/malicious`).type('form').send({ _csrf: reviewer.csrf });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('请填写「认定理由」');
    const done = await reviewer.agent.post(`/staff/cases/${c.id}/malicious`).type('form').send({ _csrf: reviewer.csrf, kind: 'false', reason: '所述事实经核查不存在', basis: '现场核查记录' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('已认定并关闭该诉求');
    expect(done.text).toContain('已认定为虚假诉求');
    expect(done.text).toContain('撤销恶意、虚假诉求的认定');
  });
});
