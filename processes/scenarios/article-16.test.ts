import { it, expect, afterEach } from '@jest/globals';
import { createScenario, dispatchAndSign, replyAndSignOff, sent, type Scenario } from './scenario.js';
import { describeOnEngines } from './engines.js';

describeOnEngines('第十六条 办结审核', (engine) => {
  let s: Scenario;
  afterEach(() => s?.close());

  it('第十六条 a reply that falls short goes back to the unit with the reason', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    await s.submit();
    await dispatchAndSign(s);
    await replyAndSignOff(s);

    // when
    await s.complete('Task_ReviewReply', { reviewApproved: false, reviewReason: '未列明法律依据' });

    // then
    expect(await s.open()).toEqual(['Task_DraftReply']);
    expect((await sent(s, 'review-refused')).map((m) => m.recipientKind)).toEqual(['unit-contact']);
  });

  it('第十六条、第二十条 an approved, publishable reply is published with personal data masked, and the petitioner gets the rating link', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit({ petitionerName: '张三', petitionerPhone: '13812345678' });
    await dispatchAndSign(s);
    await replyAndSignOff(s);

    // when
    await s.complete('Task_ReviewReply', { reviewApproved: true, publishable: true });

    // then
    const published = await s.publications.get(petitionId);
    expect(published?.maskedText).toContain('路灯');
    expect(published?.maskedText).not.toContain('13812345678');
    expect(published?.maskedText).not.toContain('张三');
    expect((await s.petitions.identityAccessLog(petitionId)).map((r) => r.purpose)).toEqual(['publication-masking']);
    expect(await s.status(petitionId)).toBe('replied');
    const [link] = await sent(s, 'reply-ready');
    expect(JSON.stringify(link.payload)).toContain('/rate/');
  });

  it('第二十条 a reply marked not for publication is never published', async () => {
    // given
    s = await createScenario({ engine, start: '2026-03-02T02:00:00.000Z' });
    const petitionId = await s.submit();
    await dispatchAndSign(s);
    await replyAndSignOff(s, { publishable: false });

    // when
    await s.complete('Task_ReviewReply', { reviewApproved: true, publishable: false });

    // then
    expect(await s.publications.get(petitionId)).toBeUndefined();
  });
});
