/**
 * The case-facts projection's data layer (第二十五条): the rows the petitions repository writes with
 * each event, repeated events changing nothing more, the counts "as of" a period's end, and the
 * petitions from before the projection brought in once. SQLite, or MariaDB when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { generateIdentityKey } from '../domain/identity-crypto.js';
import { createAuditRepository } from './audit-repository.js';
import { createCaseFactsRepository, type CaseFactsRepository } from './case-facts-repository.js';
import { appMigrations } from './migrations.js';
import { createPetitionsRepository, type PetitionInput, type PetitionsRepository } from './petitions-repository.js';
import { exec, select } from './sql.js';

let now = Date.parse('2026-03-02T02:00:00.000Z');
const clock = { now: () => new Date(now) };
const HOUR = 3_600_000;
let target: { url: string; drop(): Promise<void> };
let db: Database;
let petitions: PetitionsRepository;
let facts: CaseFactsRepository;

const input = (extra: Partial<PetitionInput> = {}): PetitionInput => ({
  channel: 'web',
  category: 'complaint',
  title: '路灯不亮',
  content: '新圳村路灯不亮。',
  township: '360783100',
  petitionerName: '张三',
  petitionerPhone: '13812345678',
  ...extra,
});

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  await db.transaction((tx) => exec(db, "INSERT INTO units (id, name, kind, township, duties, active) VALUES ('u-longnan', '龙南镇人民政府', 'township', '360783100', '[]', 1)", [], tx));
  petitions = createPetitionsRepository(db, { key: generateIdentityKey(), clock });
  facts = createCaseFactsRepository(db);
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

const MARCH = { from: new Date('2026-02-28T16:00:00.000Z'), to: new Date('2026-03-31T16:00:00.000Z') };
const APRIL_START = new Date('2026-03-31T16:00:00.000Z');

describe('case facts', () => {
  it('第二十五条 given a petition’s events, each repeated, then its row counts each once, as of the period’s end', async () => {
    const p = await petitions.create(input());
    await petitions.recordFact(p.id, { kind: 'accepted' });
    await petitions.recordFact(p.id, { kind: 'accepted' });
    now += HOUR;
    await petitions.setStatus(p.id, 'replied', undefined, { finishDueAt: new Date(now + HOUR).toISOString() });
    await petitions.setStatus(p.id, 'replied', undefined, { finishDueAt: new Date(now - HOUR).toISOString() });
    await petitions.recordFact(p.id, { kind: 'rated', rating: 'unsatisfied' });
    await petitions.setStatus(p.id, 'redo');
    await petitions.setStatus(p.id, 'redo');
    await facts.supervised(p.id, 'task-1', '四', new Date(now));
    await facts.supervised(p.id, 'task-1', '四', new Date(now));
    // the redo's answer goes back (replied again: no second 办结), rated again after March
    await petitions.setStatus(p.id, 'replied');
    now = APRIL_START.getTime() + HOUR;
    await petitions.recordFact(p.id, { kind: 'rated', rating: 'satisfied' });

    const [row] = await select<Record<string, unknown>>(db, 'SELECT * FROM case_facts WHERE petition_id = ?', [p.id]);
    expect(row).toMatchObject({ on_time: 1, redo_count: 1, supervision_count: 1, supervision_items: '四', first_rating: 'unsatisfied', rating: 'satisfied' });
    const march = await facts.totals(MARCH.from, MARCH.to);
    // March's report: rated 不满意 (the later 满意 came in April), redone, closed on time
    expect(march).toMatchObject({ received: 1, accepted: 1, closed: 1, closedOnTime: 1, rated: 1, satisfied: 0, redone: 1, excluded: 0, merged: 0 });
    const later = await facts.totals(MARCH.from, new Date(APRIL_START.getTime() + 2 * HOUR));
    expect(later).toMatchObject({ rated: 1, satisfied: 1 });
    expect((await facts.supervisionsByItem(MARCH.from, MARCH.to)).get('四')).toBe(1);
    const slices = await facts.slices(MARCH.from, MARCH.to);
    expect(slices.ratings).toEqual(new Map([['unsatisfied', 1]]));
    expect(slices.township.map((s) => [s.key, s.received])).toEqual([['360783100', 1]]);
  });

  it('第二十七条 given a marked petition, then it is excluded and only once marked; 撤销认定 counts it again', async () => {
    now = Date.parse('2026-03-10T02:00:00.000Z');
    const p = await petitions.create(input({ petitionerPhone: '13812340000' }));
    const mark = { kind: 'false' as const, reason: '不实', basis: '核查', by: 'reviewer', at: new Date(now), previousStatus: 'handling', canceledProcess: true };
    expect(await facts.markInvalid(p.id, mark)).toBe(true);
    expect(await facts.markInvalid(p.id, mark)).toBe(false);
    expect(await facts.invalidMark(p.id)).toMatchObject({ kind: 'false', previousStatus: 'handling', canceledProcess: true });
    const next = await petitions.create(input({ petitionerPhone: '13812340000' }));
    expect(await facts.markedCountForSenderOf(next.id, new Date(now - 365 * 24 * HOUR), new Date(now + HOUR))).toBe(1);
    expect((await facts.totals(MARCH.from, MARCH.to)).excluded).toBe(1);
    expect(await facts.unmarkInvalid(p.id)).toBe(true);
    expect(await facts.unmarkInvalid(p.id)).toBe(false);
    expect((await facts.totals(MARCH.from, MARCH.to)).excluded).toBe(0);
  });

  it('第二十五条 given petitions from before the projection, then they are brought in once from their status and the audit log', async () => {
    now = Date.parse('2026-03-12T02:00:00.000Z');
    const audit = createAuditRepository(db, { now: () => now });
    const answered = await petitions.create(input({ category: 'consultation' }));
    await petitions.assign(answered.id, 'u-longnan');
    await petitions.setStatus(answered.id, 'closed');
    await audit.append({ actor: 'intake', action: 'task.completed', petitionId: answered.id, detail: { elementId: 'Task_ScreenPetition', outcome: { inScope: true } } });
    await audit.append({ actor: 'reviewer', action: 'task.completed', petitionId: answered.id, detail: { elementId: 'Task_ReviewReply', outcome: { reviewApproved: true } } });
    await audit.append({ actor: 'petitioner', action: 'petition.rated', petitionId: answered.id, detail: { rating: 'very-satisfied' } });
    const rejected = await petitions.create(input());
    await petitions.setStatus(rejected.id, 'rejected');
    await exec(db, 'DELETE FROM case_facts WHERE petition_id IN (?, ?)', [answered.id, rejected.id]);

    const brought = await facts.backfill({ finishDueOf: async () => now + HOUR, pageSize: 2 });
    expect(brought).toBe(2);
    expect(await facts.backfill({ finishDueOf: async () => null })).toBe(0);
    const rows = await select<Record<string, unknown>>(db, 'SELECT petition_id, unit_id, accepted_ms, rejected_ms, closed_ms, on_time, rating FROM case_facts WHERE petition_id IN (?, ?)', [answered.id, rejected.id]);
    const byId = new Map(rows.map((r) => [r.petition_id, r]));
    expect(byId.get(answered.id)).toMatchObject({ unit_id: 'u-longnan', rejected_ms: null, on_time: 1, rating: 'very-satisfied' });
    expect(Number(byId.get(answered.id)?.closed_ms)).toBe(now);
    expect(byId.get(rejected.id)).toMatchObject({ accepted_ms: null, closed_ms: null, rating: null });
    expect(Number(byId.get(rejected.id)?.rejected_ms)).toBe(now);
  });
});
