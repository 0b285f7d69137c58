/**
 * The steps people take on a case, through the HTTP API only, for the article-by-article API tests
 * (server/test/api/articles/article-NN.test.ts): a citizen submits and tracks, the platform screens
 * and dispatches, a unit signs, contacts, drafts and signs its reply off, the platform reviews. What
 * the tests read besides HTTP answers is the outbox (the SMS the workers queued) and the clock.
 */
import { expect } from '@jest/globals';
import type { OutboxRecord } from '../../../domain/notifications.js';
import { completeTask, PETITIONER, submitPetition, taskOf, type Person, type TestApp } from '../../app-harness.js';

export interface Case {
  /** the tracking code the citizen got */
  code: string;
  /** the petition's id, as staff see it */
  id: string;
  citizen: Person;
}

/**
 * The staff, each signed in when first needed and again once their session would have ended (2
 * hours without a request, 12 hours in all) because the test moved the clock on: `as('intake')`.
 */
export type Staff = (username: string) => Promise<Person>;

export function staff(h: TestApp): Staff {
  const sessions = new Map<string, { person: Person; signedInAt: number; usedAt: number }>();
  return async (username) => {
    const now = h.t.clock.now().getTime();
    let s = sessions.get(username);
    if (!s || now - s.usedAt > 90 * 60_000 || now - s.signedInAt > 11 * 3600_000) {
      s = { person: await h.signIn(username), signedInAt: now, usedAt: now };
      sessions.set(username, s);
    }
    s.usedAt = now;
    return s.person;
  };
}

/** a citizen submits on the website; the platform's screening task shows the petition's id */
export async function submit(h: TestApp, as: Staff, fields: Record<string, unknown> = {}): Promise<Case> {
  const citizen = await h.visitor();
  const res = await submitPetition(h, citizen, fields);
  if (res.status !== 201) throw new Error(`submitting failed: ${res.status} ${JSON.stringify(res.body)}`);
  const code = res.body.trackingCode as string;
  const screen = await taskOf(await as('intake'), 'Task_ScreenPetition', code);
  return { code, id: screen.petition.id, citizen };
}

/** what the citizen sees when tracking with code and phone (in a new browser session: days may have passed) */
export async function track(h: TestApp, c: Pick<Case, 'code'>) {
  const citizen = await h.visitor();
  return (await citizen.post('/api/track', { trackingCode: c.code, phone: PETITIONER.petitionerPhone }).expect(200)).body;
}

/** time passes: the clock moves on to `at`, and the timers and jobs due by then run */
export async function later(h: TestApp, at: string) {
  h.t.clock.set(at);
  await h.settle();
}

/** screened in scope (not major) and dispatched to one unit */
export async function screenAndDispatch(h: TestApp, as: Staff, c: Case, unitId = 'u-longnan') {
  await completeTask(h, await as('intake'), 'Task_ScreenPetition', { inScope: true, isMajor: false }, c.code);
  await completeTask(h, await as('intake'), 'Task_DispatchPetition', { unitId, jointMode: 'single' }, c.code);
}

/** the unit (龙南镇 unless said) signs and contacts the petitioner */
export async function signAndContact(h: TestApp, as: Staff, c: Case, handler = 'handler-longnan') {
  await completeTask(h, await as(handler), 'Task_SignOrReturn', { returnRequested: false }, c.code);
  await completeTask(h, await as(handler), 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人,约定现场查看' }, c.code);
}

/** a complete written reply (第十五条) of a complaint that was not investigated, with reason and basis */
export const REPLY = {
  handledAt: '2026-03-03T02:00:00.000Z',
  handlingUnit: '龙南镇人民政府',
  result: '已修复小区路灯,恢复照明。',
  legalBasis: '《城市照明管理规定》第二十条',
  contactRecord: '2026-03-02 电话告知诉求人处理进度',
  investigation: 'not-investigated',
  noInvestigationReason: '属设施维修事项,已直接修复,无需立案调查',
  noInvestigationBasis: '《城市照明管理规定》第二十条',
  publishable: true,
  replyText: '您反映的小区路灯不亮问题已修复。',
};

/** the reply drafted by the handler and signed off by the unit's 分管领导: it reaches the platform's 办结审核 */
export async function replyAndSignOff(h: TestApp, as: Staff, c: Case, reply: Record<string, unknown> = {}) {
  await completeTask(h, await as('handler-longnan'), 'Task_DraftReply', { reply: { ...REPLY, ...reply } }, c.code);
  await completeTask(h, await as('leader-longnan'), 'Task_OASignOff', { signOffApproved: true }, c.code);
}

/** the notifications of a template queued for a case, oldest first */
export async function sent(h: TestApp, template: string, c: Pick<Case, 'id'>): Promise<OutboxRecord[]> {
  return (await h.outbox.list({ limit: 1000 })).filter((m) => m.template === template && m.payload.petitionId === c.id);
}

/** the element ids of the open tasks a person sees for a case */
export async function openFor(p: Person, c: Pick<Case, 'code'>): Promise<string[]> {
  const list = (await p.get(`/api/tasks?q=${c.code}`).expect(200)).body as { elementId: string; petition?: { trackingCode: string } }[];
  return list
    .filter((t) => t.petition?.trackingCode === c.code)
    .map((t) => t.elementId)
    .sort();
}

/** one open task as its page shows it: the task, its form and the form's data */
export async function taskDetail(p: Person, elementId: string, c: Pick<Case, 'code'>) {
  const task = await taskOf(p, elementId, c.code);
  return (await p.get(`/api/tasks/${encodeURIComponent(task.key)}`).expect(200)).body;
}

/** a task completion the server refuses, with its field problems */
export async function refused(p: Person, elementId: string, c: Pick<Case, 'code'>, variables: Record<string, unknown>) {
  const task = await taskOf(p, elementId, c.code);
  const res = await p.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables });
  expect(res.status).toBe(400);
  return res.body as { error: { code: string; message: string; details?: { field: string; message: string }[] } };
}
