/**
 * 第二十七条: a first quarter of two townships, as the people involved act through the HTTP API (shared
 * by the assessment's API and browser tests): 龙南镇 answers a consultation on time and its petitioner
 * never rates; 东江乡 answers one late (blue and yellow warnings: 1.5 points) and is rated 非常满意.
 * Leaves the clock at 2026-04-01, the quarter over.
 */
import { expect } from '@jest/globals';
import { completeTask, PETITIONER, submitPetition, type Person, type TestApp } from '../app-harness.js';
import { consultationReply } from './app-steps.js';

export interface UnitCase {
  citizen: Person;
  code: string;
  handler: Person;
}

/** a consultation submitted on the website, screened, dispatched to `unit` and signed by its handler */
export async function dispatched(h: TestApp, unit: 'longnan' | 'dongjiang', title: string): Promise<UnitCase> {
  const citizen = await h.visitor();
  const submitted = await submitPetition(h, citizen, { category: 'consultation', title });
  expect(submitted.status).toBe(201);
  const code: string = submitted.body.trackingCode;
  const intake = await h.signIn('intake');
  await completeTask(h, intake, 'Task_ScreenPetition', { inScope: true, isMajor: false }, code);
  await completeTask(h, intake, 'Task_DispatchPetition', { unitId: `u-${unit}`, jointMode: 'single' }, code);
  const handler = await h.signIn(`handler-${unit}`);
  await completeTask(h, handler, 'Task_SignOrReturn', { returnRequested: false }, code);
  return { citizen, code, handler };
}

/** replied by the handler, signed off by the unit's leader, approved by the platform (办结); each signs in then (sessions last hours) */
export async function closed(h: TestApp, unit: 'longnan' | 'dongjiang', c: UnitCase) {
  await completeTask(h, await h.signIn(`handler-${unit}`), 'Task_DraftReply', { reply: { ...consultationReply(true), handlingUnit: unit === 'longnan' ? '龙南镇人民政府' : '东江乡人民政府' } }, c.code);
  await completeTask(h, await h.signIn(`leader-${unit}`), 'Task_OASignOff', { signOffApproved: true, signOffOpinion: '同意答复' }, c.code);
  await completeTask(h, await h.signIn('reviewer'), 'Task_ReviewReply', { reviewApproved: true, reviewReason: '答复完整', publishable: true }, c.code);
}

/** the quarter (see above); the app must start on 2026-03-02 */
export async function firstQuarterOfTwoTownships(h: TestApp): Promise<void> {
  // 龙南镇: dispatched Monday 03-02 and answered the same day (due Wednesday 03-04 24:00)
  const ln = await dispatched(h, 'longnan', '办理居住证需要什么材料');
  await closed(h, 'longnan', ln);
  // 东江乡: dispatched the same day, answered on Saturday 03-07, after blue (03-05) and yellow (03-06)
  const dj = await dispatched(h, 'dongjiang', '新生儿医保怎么办理');
  h.t.clock.set('2026-03-07T02:00:00.000Z');
  await h.settle();
  await closed(h, 'dongjiang', dj);
  expect((await dj.citizen.post('/api/rate', { trackingCode: dj.code, phone: PETITIONER.petitionerPhone, rating: 'very-satisfied' })).status).toBe(202);
  await h.settle();
  // the quarter is over; 龙南镇's petitioner never rated (the rating window closed)
  h.t.clock.set('2026-04-01T02:00:00.000Z');
  await h.settle();
}
