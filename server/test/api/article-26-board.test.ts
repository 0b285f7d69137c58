/**
 * 第二十六条 on the 红黄蓝 board, through the HTTP API as staff see it: two complaints dispatched
 * on Monday 03-02 (龙南镇 and 东江乡), both due Monday 03-09 24:00; the fake clock moves and the real
 * workers raise the warnings (blue Tuesday 03-10 24:00, yellow Wednesday 03-11, red Friday 03-13,
 * the transfer to 督查室 Wednesday 03-18). The board follows: the rows, their working days overdue,
 * colour, deductions and explanation; the 催办 reaches the person the colour names (the outbox row's
 * recipient kind), once a day per level; a unit sees only its own; who may not look gets 403.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { completeTask, createTestApp, submitPetition, type Person, type TestApp } from '../app-harness.js';

const BLUE = '2026-03-10T16:30:00.000Z';
const YELLOW = '2026-03-11T16:30:00.000Z';
const RED = '2026-03-13T16:30:00.000Z';
const SEVEN = '2026-03-18T16:30:00.000Z';

interface Row {
  petitionId: string;
  trackingCode: string;
  unitId: string;
  task: { name: string; elementId: string };
  dueLabel: string;
  overdueDays: number;
  level?: string;
  colour?: string;
  transferredAt?: string;
  explanation?: { text: string };
  deductions: { level: string; points: string }[];
  deductionPoints: string;
  urge?: { level: string; recipientKind: string };
}

describe('第二十六条 红黄蓝预警看板 through the HTTP API', () => {
  let h: TestApp;
  /** the reviewer, signed in again after each move of the clock (sessions last hours) */
  let reviewer: Person;
  let codeA: string;
  let codeC: string;
  let caseA: string;

  async function dispatched(unitId: string, handler: string, title: string) {
    const citizen = await h.visitor();
    const submitted = await submitPetition(h, citizen, { category: 'complaint', title });
    expect(submitted.status).toBe(201);
    const code: string = submitted.body.trackingCode;
    const intake = await h.signIn('intake');
    await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
    await completeTask(h, intake, 'Task_DispatchPetition', { unitId, jointMode: 'single' }, code);
    const sign = await completeTask(h, await h.signIn(handler), 'Task_SignOrReturn', { returnRequested: false }, code);
    return { code, id: sign.petition.id as string };
  }
  async function at(instant: string) {
    h.t.clock.set(instant);
    await h.settle();
    reviewer = await h.signIn('reviewer');
  }
  async function board(p: Person, qs = '') {
    const res = await p.get(`/api/board${qs ? `?${qs}` : ''}`);
    expect(res.status).toBe(200);
    return res.body as { scope: string; rows: Row[]; counts: { units: { unitId: string; blue: number; yellow: number; red: number; transfer: number; overdue: number }[]; totals: Record<string, number> }; transfers: { petitionId: string }[]; criticisms: { petitionId: string; reason: string }[] };
  }
  const rowOf = (b: { rows: Row[] }, code: string) => b.rows.find((r) => r.trackingCode === code);
  const urges = async (petitionId: string) => (await h.outbox.list({ limit: 1000 })).filter((m) => m.template === 'case-urged' && m.payload.petitionId === petitionId);

  beforeAll(async () => {
    h = await createTestApp();
    const a = await dispatched('u-longnan', 'handler-longnan', '老街路灯不亮');
    const c = await dispatched('u-dongjiang', 'handler-dongjiang', '村道路面破损');
    codeA = a.code;
    caseA = a.id;
    codeC = c.code;
    reviewer = await h.signIn('reviewer');
  }, 120_000);
  afterAll(() => h.close());

  it('第二十六条 given cases not yet due, the board is empty', async () => {
    const b = await board(reviewer);
    expect(b.scope).toBe('city');
    expect(b.rows).toEqual([]);
    expect(b.counts.totals).toEqual({ blue: 0, yellow: 0, red: 0, transfer: 0, overdue: 0 });
  });

  it('第二十六条 given one working day overdue, both cases are blue with 0.5 deducted, and a blue 催办 reaches the unit\'s 责任人', async () => {
    await at(BLUE);
    const b = await board(reviewer);
    const a = rowOf(b, codeA)!;
    expect(a).toMatchObject({ unitId: 'u-longnan', level: 'blue', colour: 'blue', overdueDays: 1, deductionPoints: '0.5', urge: { level: 'blue', recipientKind: 'unit-contact' } });
    expect(a.deductions).toEqual([expect.objectContaining({ level: 'blue', points: '0.5' })]);
    expect(rowOf(b, codeC)).toMatchObject({ unitId: 'u-dongjiang', colour: 'blue', overdueDays: 1 });
    expect(b.counts.units).toEqual(expect.arrayContaining([expect.objectContaining({ unitId: 'u-longnan', blue: 1, yellow: 0, red: 0 }), expect.objectContaining({ unitId: 'u-dongjiang', blue: 1 })]));
    expect(b.counts.totals).toMatchObject({ blue: 2, yellow: 0, red: 0, transfer: 0 });

    const urged = await reviewer.post('/api/board/urge', { petitionId: caseA, level: 'blue' });
    expect(urged.status).toBe(202);
    expect(urged.body).toMatchObject({ level: 'blue', recipientKind: 'unit-contact' });
    const sent = await urges(caseA);
    expect(sent.map((m) => m.recipientKind)).toEqual(['unit-contact']);
    expect(sent[0].recipientRef).toMatch(/^unit-person:\d+$/);
    // once a day per level; a level the case has not reached is refused, nothing sent
    expect((await reviewer.post('/api/board/urge', { petitionId: caseA, level: 'blue' })).body.error.code).toBe('ALREADY_URGED');
    const above = await reviewer.post('/api/board/urge', { petitionId: caseA, level: 'red' });
    expect(above.status).toBe(409);
    expect(above.body.error.code).toBe('LEVEL_NOT_REACHED');
    expect(await urges(caseA)).toHaveLength(1);
  });

  it('第二十六条 given two working days overdue, the case is yellow (1.5 deducted) and the 催办 reaches the 分管领导', async () => {
    await at(YELLOW);
    const a = rowOf(await board(reviewer), codeA)!;
    expect(a).toMatchObject({ colour: 'yellow', overdueDays: 2, deductionPoints: '1.5', urge: { level: 'yellow', recipientKind: 'unit-leader' } });
    expect((await reviewer.post('/api/board/urge', { petitionId: caseA, level: 'yellow' })).status).toBe(202);
    expect((await urges(caseA)).map((m) => m.recipientKind)).toEqual(['unit-contact', 'unit-leader']);
    // the yellow filter and the unit filter narrow the list
    expect((await board(reviewer, 'colour=yellow')).rows.map((r) => r.trackingCode).sort()).toEqual([codeA, codeC].sort());
    expect((await board(reviewer, 'colour=blue')).rows).toEqual([]);
    expect((await board(reviewer, 'unit=u-dongjiang')).rows.map((r) => r.trackingCode)).toEqual([codeC]);
  });

  it('第二十六条 given four working days overdue, the case is red (4.5 deducted) and the 催办 reaches the 主要领导', async () => {
    await at(RED);
    const a = rowOf(await board(reviewer), codeA)!;
    expect(a).toMatchObject({ colour: 'red', overdueDays: 4, deductionPoints: '4.5', urge: { level: 'red', recipientKind: 'unit-head' } });
    expect(a.deductions.map((d) => [d.level, d.points])).toEqual([['blue', '0.5'], ['yellow', '1'], ['red', '3']]);
    const urged = await reviewer.post('/api/board/urge', { petitionId: caseA, level: 'red', urgeNote: '请主要领导过问' });
    expect(urged.status).toBe(202);
    expect((await urges(caseA)).map((m) => m.recipientKind)).toEqual(['unit-contact', 'unit-leader', 'unit-head']);
    const sms = (await urges(caseA))[2];
    expect(sms.payload).toMatchObject({ urgeLevel: 'red', trackingCode: codeA });
  });

  it('第二十六条 given seven working days overdue, the case without an explanation is transferred to 督查室 and criticised; the explained one is not', async () => {
    // 东江乡 explains its delay; 龙南镇 does not
    const handlerC = await h.signIn('handler-dongjiang');
    const c = rowOf(await board(handlerC), codeC)!;
    expect((await handlerC.post(`/api/cases/${c.petitionId}/delay-explanation`, { delayExplanation: '村道改造需交通部门立项,已报送' })).status).toBe(202);
    await h.settle();
    await at(SEVEN);
    const b = await board(reviewer);
    expect(rowOf(b, codeA)).toMatchObject({ colour: 'transfer', level: 'red', overdueDays: 7 });
    expect(rowOf(b, codeA)!.transferredAt).toBeDefined();
    expect(rowOf(b, codeC)).toMatchObject({ colour: 'red', overdueDays: 7, explanation: { text: '村道改造需交通部门立项,已报送' } });
    expect(rowOf(b, codeC)!.transferredAt).toBeUndefined();
    expect(b.transfers.map((t) => t.petitionId)).toEqual([caseA]);
    expect(b.criticisms.map((x) => x.petitionId)).toEqual([caseA]);
    expect(b.counts.totals).toMatchObject({ red: 2, transfer: 1 });
    expect((await board(reviewer, 'colour=transfer')).rows.map((r) => r.trackingCode)).toEqual([codeA]);
  });

  it('第二十六条 a unit sees only its own cases and records; another unit, or an account that handles no cases, is refused', async () => {
    const handlerA = await h.signIn('handler-longnan');
    const own = await board(handlerA);
    expect(own.scope).toBe('unit');
    expect(own.rows.map((r) => r.trackingCode)).toEqual([codeA]);
    expect(own.counts.units.map((u) => u.unitId)).toEqual(['u-longnan']);
    // a unit's people see the colour, not the 催办 (the platform urges)
    expect(own.rows[0].urge).toBeUndefined();
    const leaderA = await h.signIn('leader-longnan');
    expect((await board(leaderA)).rows.map((r) => r.trackingCode)).toEqual([codeA]);
    const handlerC = await h.signIn('handler-dongjiang');
    const c = await board(handlerC);
    expect(c.rows.map((r) => r.trackingCode)).toEqual([codeC]);
    expect(c.transfers).toEqual([]);
    expect(c.criticisms).toEqual([]);
    expect((await handlerC.get('/api/board?unit=u-longnan')).status).toBe(403);
    expect((await handlerC.post('/api/board/urge', { petitionId: caseA, level: 'red' })).status).toBe(403);
    // a city leader sees the city and does not urge; process admins and admins do not see the board
    const leader = await h.signIn('leader');
    expect((await board(leader)).rows).toHaveLength(2);
    expect((await board(leader)).rows.every((r) => r.urge === undefined)).toBe(true);
    expect((await leader.post('/api/board/urge', { petitionId: caseA, level: 'red' })).status).toBe(403);
    expect((await (await h.signIn('modeler')).get('/api/board')).status).toBe(403);
    expect((await (await h.signIn('admin')).get('/api/board')).status).toBe(403);
    expect((await h.agent().get('/api/board')).status).toBe(401);
    expect((await reviewer.get('/api/board?colour=green')).status).toBe(400);
  });

  it('第二十六条 the board page lists the cases with their colour in words, and its 催办 form sends the SMS', async () => {
    const page = await reviewer.get('/staff/board');
    expect(page.status).toBe(200);
    expect(page.text).toContain('移交督查室');
    expect(page.text).toContain(codeA);
    expect(page.text).toContain('催办主要领导');
    // a new day (03-18): the red 催办 goes out once from the form; a second click that day is refused, nothing sent
    const form = { _csrf: reviewer.csrf, petitionId: caseA, level: 'red', back: '/staff/board?colour=transfer' };
    const first = await reviewer.agent.post('/staff/board/urge').type('form').send(form);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/staff/board?colour=transfer&notice=urged-red');
    expect((await reviewer.get(first.headers.location)).text).toContain('短信已发给承办单位主要领导');
    const again = await reviewer.agent.post('/staff/board/urge').type('form').send(form);
    expect(again.headers.location).toBe('/staff/board?colour=transfer&notice=ALREADY_URGED');
    expect((await reviewer.get(again.headers.location)).text).toContain('今天已向该人员催办过');
    expect((await urges(caseA)).map((m) => m.recipientKind)).toEqual(['unit-contact', 'unit-leader', 'unit-head', 'unit-head']);
    // the case's timeline names who was reminded
    expect((await reviewer.get(`/staff/cases/${caseA}`)).text).toContain('催办(短信提醒主要领导)');
  });
});
