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

/** the people of a case, each signed in once per test file */
export interface People {
  intake: Person;
  reviewer: Person;
  handler: Person;
  unitLeader: Person;
}

export async function signInAll(h: TestApp): Promise<People> {
  const [intake, reviewer, handler, unitLeader] = await Promise.all([h.signIn('intake'), h.signIn('reviewer'), h.signIn('handler-longnan'), h.signIn('leader-longnan')]);
  return { intake, reviewer, handler, unitLeader };
}

/** a citizen submits on the website; the platform's screening task shows the petition's id */
export async function submit(h: TestApp, intake: Person, fields: Record<string, unknown> = {}): Promise<Case> {
  const citizen = await h.visitor();
  const res = await submitPetition(h, citizen, fields);
  if (res.status !== 201) throw new Error(`submitting failed: ${res.status} ${JSON.stringify(res.body)}`);
  const code = res.body.trackingCode as string;
  const screen = await taskOf(intake, 'Task_ScreenPetition', code);
  return { code, id: screen.petition.id, citizen };
}

/** what the citizen sees when tracking with code and phone */
export async function track(c: Case) {
  return (await c.citizen.post('/api/track', { trackingCode: c.code, phone: PETITIONER.petitionerPhone }).expect(200)).body;
}

/** screened in scope (not major) and dispatched to one unit */
export async function screenAndDispatch(h: TestApp, intake: Person, c: Case, unitId = 'u-longnan') {
  await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, c.code);
  await completeTask(h, intake, 'Task_DispatchPetition', { unitId, jointMode: 'single' }, c.code);
}

/** the township signs and contacts the petitioner */
export async function signAndContact(h: TestApp, handler: Person, c: Case) {
  await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, c.code);
  await completeTask(h, handler, 'Task_ContactPetitioner', { contactedAt: '2026-03-02T06:00:00.000Z', contactMethod: 'phone', contactSummary: '已电话联系诉求人,约定现场查看' }, c.code);
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
export async function replyAndSignOff(h: TestApp, p: Pick<People, 'handler' | 'unitLeader'>, c: Case, reply: Record<string, unknown> = {}) {
  await completeTask(h, p.handler, 'Task_DraftReply', { reply: { ...REPLY, ...reply } }, c.code);
  await completeTask(h, p.unitLeader, 'Task_OASignOff', { signOffApproved: true }, c.code);
}

/** the notifications of a template queued for a case, oldest first */
export async function sent(h: TestApp, template: string, c: Pick<Case, 'id'>): Promise<OutboxRecord[]> {
  return (await h.outbox.list({ limit: 1000 })).filter((m) => m.template === template && m.payload.petitionId === c.id);
}

/** the element ids of the open tasks a person sees for a case */
export async function openFor(p: Person, c: Pick<Case, 'code'>): Promise<string[]> {
  const list = (await p.get('/api/tasks').expect(200)).body as { elementId: string; petition?: { trackingCode: string } }[];
  return list
    .filter((t) => t.petition?.trackingCode === c.code)
    .map((t) => t.elementId)
    .sort();
}

/** a task completion the server refuses, with its field problems */
export async function refused(p: Person, elementId: string, c: Pick<Case, 'code'>, variables: Record<string, unknown>) {
  const task = await taskOf(p, elementId, c.code);
  const res = await p.post(`/api/tasks/${encodeURIComponent(task.key)}/complete`, { variables });
  expect(res.status).toBe(400);
  return res.body as { error: { code: string; message: string; details?: { field: string; message: string }[] } };
}
