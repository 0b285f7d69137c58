/**
 * 第二十六条 through the app: a unit that explained its delay in time — on the case page or through
 * POST /api/cases/:id/delay-explanation — is not transferred to 市政府督查室 nor criticised when the
 * case reaches 7 complete working days overdue; the warnings it earned stand. Time moves only on
 * the harness's fake clock.
 */
import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestApp, type TestApp } from '../app-harness.js';
import { createScoreLedgerRepository } from '../../data/score-ledger-repository.js';
import { dispatchedAndSigned } from './app-steps.js';

// a complaint dispatched Monday 03-02 is due Monday 03-09 24:00; red (4 complete working days past
// it) is Friday 03-13 24:00, the transfer (7) Wednesday 03-18 24:00
const RED = '2026-03-13T16:00:00.000Z';
const SEVEN = '2026-03-18T16:00:00.000Z';

describe('第二十六条 超期说明 through the HTTP API and the case page', () => {
  let h: TestApp;
  beforeEach(async () => {
    h = await createTestApp();
  });
  afterEach(() => h.close());

  const ledger = () => createScoreLedgerRepository(h.t.db);
  async function at(instant: string) {
    h.t.clock.set(instant);
    await h.settle();
  }
  const sent = async (template: string) => (await h.outbox.list({ limit: 1000 })).filter((m) => m.template === template).map((m) => m.recipientKind);

  it('第二十六条 given no explanation, a case 7 working days overdue goes to 督查室 with one 通报批评', async () => {
    const c = await dispatchedAndSigned(h, { category: 'complaint' });

    await at(RED);
    await at(SEVEN);

    expect(await ledger().listTransfers(c.petitionId)).toHaveLength(1);
    expect(await ledger().listCriticisms({ petitionId: c.petitionId })).toHaveLength(1);
    expect(await sent('inspection-transfer')).toEqual(['inspection-office']);
  });

  it('第二十六条 given the handler files an explanation through the API, the case is not transferred and the platform is told', async () => {
    const c = await dispatchedAndSigned(h, { category: 'complaint' });
    await at(RED);

    // days later: the handler signs in again (sessions last hours)
    const handler = await h.signIn('handler-longnan');
    const filed = await handler.post(`/api/cases/${c.petitionId}/delay-explanation`, { delayExplanation: '涉及供电、市政两个部门,需协调后施工' });
    expect(filed.status).toBe(202);
    await h.settle();
    await at(SEVEN);

    expect(await ledger().listTransfers(c.petitionId)).toEqual([]);
    expect(await ledger().listCriticisms({ petitionId: c.petitionId })).toEqual([]);
    expect(await sent('inspection-transfer')).toEqual([]);
    expect(await sent('delay-explained')).toEqual(['platform']);
    // the warnings earned before stand: 0.5 + 1 + 3
    expect(await ledger().totalTenthsForUnit('u-longnan')).toBe(45);
  });

  it('第二十六条 given the handler files an explanation on the case page, the case is not transferred', async () => {
    const c = await dispatchedAndSigned(h, { category: 'complaint' });
    await at(RED);

    const handler = await h.signIn('handler-longnan');
    const page = await handler.agent
      .post(`/staff/cases/${c.petitionId}/delay-explanation`)
      .type('form')
      .send({ _csrf: handler.csrf, delayExplanation: '施工单位进场延误,已协调下周完成' });
    expect(page.status).toBe(200);
    expect(page.text).toContain('情况说明已提交');
    await h.settle();
    await at(SEVEN);

    expect(await ledger().listTransfers(c.petitionId)).toEqual([]);
    expect(await ledger().listCriticisms({ petitionId: c.petitionId })).toEqual([]);
  });
});
