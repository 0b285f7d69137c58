/**
 * 第二十四条(一) 催办 through the HTTP API: platform staff remind the unit's 分管领导 by SMS that a case
 * it handles is not answered yet, with one click; the SMS and its line on the case's timeline go
 * together, once a day per case. Nobody else may, and a case no unit handles needs no reminder.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createTestApp, type TestApp } from '../../app-harness.js';
import { renderTemplate } from '../../../../regulation/templates.js';
import { later, screenAndDispatch, sent, staff, submit, type Staff } from './steps.js';

describe('第二十四条(一) 催办', () => {
  let h: TestApp;
  let as: Staff;
  beforeAll(async () => {
    // Monday 2026-03-02, 10:00 in Longnan
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
  });
  afterAll(() => h?.close());

  it('given a case 龙南镇 handles, when the reviewer urges it, then its 分管领导 gets the SMS and the timeline shows who urged; a second click that day sends nothing, the next day one more', async () => {
    const c = await submit(h, as, { title: '催办:路灯不亮' });
    await screenAndDispatch(h, as, c);
    const reviewer = await as('reviewer');

    const urged = await reviewer.post(`/api/cases/${c.id}/urge`, { urgeNote: '群众多次来电' });
    expect(urged.status).toBe(202);
    const [sms] = await sent(h, 'case-urged', c);
    expect(sms).toMatchObject({ channel: 'sms', recipientKind: 'unit-leader', state: 'pending' });
    expect(sms.recipientRef).toMatch(/^unit-person:/);
    expect(renderTemplate(sms.template, sms.payload)).toBe(`【龙南问政】【催办】事项(查询码 ${c.code})尚未办结,请分管领导督促承办人抓紧办理并按期答复(第二十四条(一))。`);
    const page = await reviewer.get(`/staff/cases/${c.id}`).expect(200);
    expect(page.text).toContain('催办(短信提醒分管领导):群众多次来电');

    const again = await reviewer.post(`/api/cases/${c.id}/urge`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_URGED');
    expect(await sent(h, 'case-urged', c)).toHaveLength(1);

    // Tuesday: one more
    await later(h, '2026-03-03T01:00:00.000Z');
    expect((await (await as('intake')).post(`/api/cases/${c.id}/urge`, {})).status).toBe(202);
    expect(await sent(h, 'case-urged', c)).toHaveLength(2);
    // (a day later the reviewer signs in again)
    const timeline = (await (await as('reviewer')).get(`/api/cases/${c.id}`).expect(200)).body.timeline as { action: string }[];
    expect(timeline.filter((e) => e.action === 'case.urged')).toHaveLength(2);
  });

  it('given a case not yet dispatched, a unit handler, or a note that is not text, when urged, then it is refused and nothing is sent or written', async () => {
    const c = await submit(h, as, { title: '催办:尚未转办' });
    const reviewer = await as('reviewer');
    const early = await reviewer.post(`/api/cases/${c.id}/urge`, {});
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('NOT_HANDLING');

    await screenAndDispatch(h, as, c);
    expect((await (await as('handler-longnan')).post(`/api/cases/${c.id}/urge`, {})).status).toBe(403);
    const bad = await reviewer.post(`/api/cases/${c.id}/urge`, { urgeNote: 'x'.repeat(201) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'urgeNote', message: '催办说明最多 200 个字' }]);
    expect(await sent(h, 'case-urged', c)).toEqual([]);
    const timeline = (await reviewer.get(`/api/cases/${c.id}`).expect(200)).body.timeline as { action: string }[];
    expect(timeline.some((e) => e.action === 'case.urged')).toBe(false);
  });
});
