/**
 * The workers' tables (migrations 0201…): a throw-away SQLite file, or a throw-away MariaDB/MySQL
 * database when DB_URL is set (`npm run test:mariadb`). Every write a retried job repeats is
 * idempotent by its unique key.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { createWorkingCalendar } from '../../regulation/calendar/working-calendar.js';
import { OutboxDispatcher, type Channel, type OutgoingMessage } from '../domain/notifications.js';
import { createWorkers } from '../../workers/registry.js';
import { staticCalendar } from '../../workers/deps.js';
import { InMemoryPetitionDirectory, InMemoryReports, InMemoryUnitDirectory, jobContext, MemoryLogger, settableClock, TEST_UNITS } from '../../workers/testing/in-memory.js';
import { createOutboxRepository, type OutboxRepository } from './outbox-repository.js';
import { createPublicationRepository, type PublicationRepository } from './publication-repository.js';
import { createScoreLedgerRepository, type ScoreLedgerRepository } from './score-ledger-repository.js';
import { appMigrations } from './migrations.js';
import { workerMigrations } from './worker-migrations.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let outbox: OutboxRepository;
let ledger: ScoreLedgerRepository;
let publications: PublicationRepository;
const NOW = Date.parse('2026-03-02T02:00:00.000Z');

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: [...appMigrations, ...workerMigrations] });
  await db.migrate();
  outbox = createOutboxRepository(db, { now: () => NOW });
  ledger = createScoreLedgerRepository(db);
  publications = createPublicationRepository(db);
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

const entry = (dedupeKey: string, extra: Partial<Parameters<OutboxRepository['enqueue']>[0]> = {}) => ({
  channel: 'sms' as const,
  recipientKind: 'petitioner' as const,
  recipientRef: 'p-1',
  template: 'petition-received',
  payload: { petitionId: 'p-1', trackingCode: 'LN1' },
  dedupeKey,
  ...extra,
});

describe('outbox', () => {
  it('enqueues a pending row once per dedupe key and reads it back as a plain object', async () => {
    const first = await outbox.enqueue(entry('o:1'));
    const again = await outbox.enqueue(entry('o:1', { template: 'reply-ready' }));
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(await outbox.get(first.id)).toEqual({
      id: first.id,
      channel: 'sms',
      recipientKind: 'petitioner',
      recipientRef: 'p-1',
      template: 'petition-received',
      payload: { petitionId: 'p-1', trackingCode: 'LN1' },
      dedupeKey: 'o:1',
      state: 'pending',
      attempts: 0,
      createdAt: new Date(NOW),
      sentAt: null,
      lastError: null,
    });
    expect((await outbox.byDedupeKey('o:1'))?.id).toBe(first.id);
  });

  it('enqueues concurrently without doubling', async () => {
    const results = await Promise.all([1, 2, 3, 4].map(() => outbox.enqueue(entry('o:race'))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
  });

  it('refuses personal data, unknown channels and recipients', async () => {
    await expect(outbox.enqueue(entry('o:bad1', { payload: { petitionerPhone: '13812345678' } }))).rejects.toThrow('personal data');
    await expect(outbox.enqueue(entry('o:bad2', { recipientRef: '13812345678' }))).rejects.toThrow('personal data');
    await expect(outbox.enqueue(entry('o:bad3', { channel: 'fax' as never }))).rejects.toThrow('unknown channel');
    await expect(outbox.enqueue(entry('o:bad4', { recipientKind: 'mayor' as never }))).rejects.toThrow('unknown recipient kind');
    expect(await outbox.byDedupeKey('o:bad1')).toBeUndefined();
  });

  it('claims a row once per attempt and marks it sent or failed', async () => {
    const { id } = await outbox.enqueue(entry('o:claim'));
    expect(await outbox.claim([{ id, attempts: 0 }])).toEqual(new Set([id]));
    expect(await outbox.claim([{ id, attempts: 0 }])).toEqual(new Set());
    await outbox.record([{ id, state: 'failed', error: 'gateway timeout', final: false }]);
    expect(await outbox.get(id)).toMatchObject({ state: 'pending', attempts: 1, lastError: 'gateway timeout' });
    expect(await outbox.claim([{ id, attempts: 1 }])).toEqual(new Set([id]));
    await outbox.record([{ id, state: 'sent', at: new Date(NOW + 1000) }]);
    expect(await outbox.get(id)).toMatchObject({ state: 'sent', attempts: 2, lastError: null, sentAt: new Date(NOW + 1000) });
    expect(await outbox.claim([{ id, attempts: 2 }])).toEqual(new Set());
  });

  it('claims and records a batch in one transaction each: the rows still pending are taken, each outcome lands on its row', async () => {
    const a = await outbox.enqueue(entry('o:batch-a'));
    const b = await outbox.enqueue(entry('o:batch-b'));
    const c = await outbox.enqueue(entry('o:batch-c'));
    await outbox.claim([{ id: b.id, attempts: 0 }]);
    expect(await outbox.claim([a, b, c].map(({ id }) => ({ id, attempts: 0 })))).toEqual(new Set([a.id, c.id]));
    await outbox.record([
      { id: a.id, state: 'logged' },
      { id: c.id, state: 'failed', error: 'x'.repeat(5000), final: true },
    ]);
    expect(await outbox.get(a.id)).toMatchObject({ state: 'logged', sentAt: null });
    const failed = await outbox.get(c.id);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed!.lastError!.length).toBeLessThan(5000);
  });
});

describe('OutboxDispatcher over the outbox table', () => {
  it('sends every pending row once and leaves none pending', async () => {
    const sent: OutgoingMessage[] = [];
    let failNext = 1;
    const sms: Channel = {
      name: 'sms',
      async send(m) {
        if (failNext-- > 0) throw new Error('try later');
        sent.push(m);
      },
    };
    const logger = new MemoryLogger();
    const d = new OutboxDispatcher({ outbox, channels: { sms, email: sms, wechat: sms, log: sms }, logger, clock: { now: () => new Date(NOW) } });
    const first = await d.dispatchOnce();
    expect(first.retrying).toBe(1);
    await d.dispatchOnce();
    expect(await outbox.pending(100)).toEqual([]);
    expect(new Set(sent.map((m) => m.id)).size).toBe(sent.length);
    expect(sent.every((m) => m.text.startsWith('【龙南问政】'))).toBe(true);
    expect((await outbox.list({ state: 'sent' })).length).toBe(sent.length + 1);
  });
});

describe('score ledger', () => {
  const warning = (level: 'blue' | 'yellow' | 'red', points: number, deadlineSeq = 1) => ({
    unitId: 'u-longnan',
    petitionId: 'p-led',
    deadlineSeq,
    level,
    points,
    reason: `${level} 预警`,
    at: new Date(NOW),
  });

  it('records each level once per deadline: a never-handled case costs 4.5 points', async () => {
    expect(await ledger.recordWarning(warning('blue', 5))).toEqual({ created: true });
    expect(await ledger.recordWarning(warning('blue', 5))).toEqual({ created: false });
    await ledger.recordWarning(warning('yellow', 10));
    await ledger.recordWarning(warning('red', 30));
    await ledger.recordWarning(warning('red', 30));
    expect(await ledger.totalTenthsForUnit('u-longnan')).toBe(45);
    expect((await ledger.listForPetition('p-led')).map((r) => [r.level, r.points, r.deadlineSeq])).toEqual([
      ['blue', 5, 1],
      ['yellow', 10, 1],
      ['red', 30, 1],
    ]);
    // a new deadline (extension) may be warned again
    expect(await ledger.recordWarning(warning('blue', 5, 2))).toEqual({ created: true });
    expect(await ledger.totalTenthsForUnit('u-longnan', { from: new Date(NOW), to: new Date(NOW + 1) })).toBe(50);
    expect(await ledger.totalTenthsForUnit('u-longnan', { to: new Date(NOW) })).toBe(0);
    expect(await ledger.totalTenthsForUnit('u-none')).toBe(0);
  });

  it('records a transfer and exactly one criticism per deadline', async () => {
    const t = { petitionId: 'p-tr', deadlineSeq: 1, unitId: 'u-longnan', reason: '超期 7 个工作日以上且未说明原因', at: new Date(NOW) };
    const results = await Promise.all([ledger.recordTransfer(t), ledger.recordTransfer(t), ledger.recordTransfer(t)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await ledger.listTransfers('p-tr')).toEqual([{ id: expect.any(Number), petitionId: 'p-tr', deadlineSeq: 1, unitId: 'u-longnan', at: new Date(NOW) }]);
    expect(await ledger.listCriticisms({ petitionId: 'p-tr' })).toEqual([
      { id: expect.any(Number), unitId: 'u-longnan', petitionId: 'p-tr', deadlineSeq: 1, reason: t.reason, at: new Date(NOW) },
    ]);
    await ledger.recordTransfer({ ...t, deadlineSeq: 2 });
    expect((await ledger.listCriticisms({ unitId: 'u-longnan', petitionId: 'p-tr' })).map((c) => c.deadlineSeq)).toEqual([1, 2]);
  });

  it('refuses bad entries', async () => {
    await expect(ledger.recordWarning({ ...warning('blue', 5), level: 'green' as never })).rejects.toThrow('unknown level');
    await expect(ledger.recordWarning({ ...warning('blue', 5), points: 0.5 })).rejects.toThrow('whole tenths');
    await expect(ledger.recordTransfer({ petitionId: '', deadlineSeq: 1, unitId: 'u', reason: 'r', at: new Date() })).rejects.toThrow('petitionId');
  });
});

describe('publications', () => {
  it('publishes once, changes nothing on a retry, replaces the text of a new reply', async () => {
    const e = { petitionId: 'p-pub', title: '**反映路灯不亮', maskedText: '办理结果:已修复。', publishedAt: new Date(NOW) };
    expect(await publications.publish(e)).toEqual({ created: true, updated: false });
    expect(await publications.publish({ ...e, publishedAt: new Date(NOW + 5000) })).toEqual({ created: false, updated: false });
    expect(await publications.get('p-pub')).toEqual(e);
    expect(await publications.publish({ ...e, maskedText: '办理结果:重办后已更换。', publishedAt: new Date(NOW + 9000) })).toEqual({ created: false, updated: true });
    expect(await publications.get('p-pub')).toMatchObject({ maskedText: '办理结果:重办后已更换。', publishedAt: new Date(NOW + 9000) });
    expect((await publications.list()).map((p) => p.petitionId)).toContain('p-pub');
  });

  it('refuses text that still holds a phone number', async () => {
    await expect(publications.publish({ petitionId: 'p-leak', title: 't', maskedText: '请联系13812345678', publishedAt: new Date(NOW) })).rejects.toThrow('still contains');
    expect(await publications.get('p-leak')).toBeUndefined();
  });
});

describe('the workers over the real repositories', () => {
  it('a never-handled case: warnings, transfer and notifications land once each in the tables', async () => {
    const clock = settableClock('2026-03-02T02:00:00.000Z');
    const petitions = new InMemoryPetitionDirectory();
    const workers = createWorkers({
      calendar: staticCalendar(createWorkingCalendar({})),
      clock,
      outbox,
      ledger,
      publications,
      units: new InMemoryUnitDirectory(TEST_UNITS),
      petitions,
      reports: new InMemoryReports(),
      logger: new MemoryLogger(),
      config: { publicBaseUrl: 'https://wz.example.gov.cn' },
    });
    let vars: Record<string, any> = { petitionId: 'p-case', trackingCode: 'LN9', category: 'complaint', unitId: 'u-dongjiang' };
    vars = { ...vars, ...(await workers['compute-deadlines'](vars, jobContext('compute-deadlines', { stage: 'dispatch' }))) };
    await workers.notify(vars, jobContext('notify', { template: 'case-dispatched', to: 'unit-contact' }, 'case-notify-1'));
    await workers.notify(vars, jobContext('notify', { template: 'case-dispatched', to: 'unit-contact' }, 'case-notify-1'));
    for (const level of ['blue', 'yellow', 'red'] as const) {
      clock.set(vars[`${level}At`]);
      await workers['raise-warning'](vars, jobContext('raise-warning', { level }));
      await workers['raise-warning'](vars, jobContext('raise-warning', { level }));
    }
    clock.set(vars.transferAt);
    await workers['transfer-to-inspection'](vars, jobContext('transfer-to-inspection'));
    await workers['transfer-to-inspection'](vars, jobContext('transfer-to-inspection'));

    expect(await ledger.totalTenthsForUnit('u-dongjiang')).toBe(45);
    expect(await ledger.listCriticisms({ petitionId: 'p-case' })).toHaveLength(1);
    const rows = (await outbox.list({ limit: 1000 })).filter((r) => r.payload.petitionId === 'p-case');
    expect(rows.map((r) => [r.template, r.recipientKind, r.recipientRef])).toEqual([
      ['case-dispatched', 'unit-contact', 'contact-of-u-dongjiang'],
      ['warning-blue', 'unit-contact', 'contact-of-u-dongjiang'],
      ['warning-yellow', 'unit-leader', 'leader-of-u-dongjiang'],
      ['warning-red', 'unit-head', 'head-of-u-dongjiang'],
      ['inspection-transfer', 'inspection-office', 'inspection-office'],
    ]);
  });
});
