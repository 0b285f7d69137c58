/**
 * Steps of a case as the people involved take them, through the HTTP API only (shared by the
 * article-*-app tests): a citizen submits, the platform screens and dispatches to 龙南镇, the
 * township signs, replies, its leader signs off, the platform approves. Nothing here touches the
 * engine: a test that needs a step the API does not offer cannot use these.
 */
import { expect } from '@jest/globals';
import { completeTask, PETITIONER, submitPetition, taskOf, type Person, type TestApp } from '../app-harness.js';

export interface Case {
  citizen: Person;
  code: string;
  petitionId: string;
  handler: Person;
}

/** submitted on the website, screened in scope and dispatched to 龙南镇, signed by its handler */
export async function dispatchedAndSigned(h: TestApp, fields: Record<string, unknown> = {}): Promise<Case> {
  const citizen = await h.visitor();
  const submitted = await submitPetition(h, citizen, fields);
  expect(submitted.status).toBe(201);
  const code: string = submitted.body.trackingCode;
  const intake = await h.signIn('intake');
  await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
  await completeTask(h, intake, 'Task_DispatchPetition', { unitId: 'u-longnan', jointMode: 'single' }, code);
  const handler = await h.signIn('handler-longnan');
  const sign = await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, code);
  return { citizen, code, petitionId: sign.petition.id, handler };
}

/** the township's written reply (a consultation's: no investigation document), as the draft-reply form sends it */
export const consultationReply = (publishable: boolean) => ({
  handledAt: '2026-03-03T02:00:00.000Z',
  handlingUnit: '龙南镇人民政府',
  result: '已答复办理时间与所需材料。',
  legalBasis: '《龙南市便民服务指南》',
  contactRecord: '2026-03-03 电话联系诉求人',
  publishable,
  replyText: '您咨询的事项可在镇便民服务中心办理,需携带身份证。',
});

/** drafted by the handler, signed off by the leader in charge, waiting for the platform's 办结审核 */
export async function replySignedOff(h: TestApp, c: Case, reply: Record<string, unknown>) {
  await completeTask(h, c.handler, 'Task_DraftReply', { reply }, c.code);
  const leader = await h.signIn('leader-longnan');
  await completeTask(h, leader, 'Task_OASignOff', { signOffApproved: true, signOffOpinion: '同意答复' }, c.code);
}

/** what the petitioner sees when tracking */
export async function track(c: Case) {
  return (await c.citizen.post('/api/track', { trackingCode: c.code, phone: PETITIONER.petitionerPhone }).expect(200)).body;
}

/** the petitioner's rating through the public API */
export function rate(c: Case, rating: string, ratingComment = '') {
  return c.citizen.post('/api/rate', { trackingCode: c.code, phone: PETITIONER.petitionerPhone, rating, ratingComment });
}

export { taskOf };
