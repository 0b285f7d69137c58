/**
 * The unit assessments and 通报 templates (migration 1601): a throw-away SQLite file, or a throw-away
 * MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { ZERO_WARNINGS, type AssessmentFigures } from '../../regulation/assessment.js';
import { DEFAULT_TEMPLATES } from '../../regulation/notice-template.js';
import { createAssessmentsRepository, type AssessmentsRepository } from './assessments-repository.js';
import { appMigrations } from './migrations.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let repo: AssessmentsRepository;
const now = Date.parse('2026-04-02T02:00:00.000Z');
const Q1 = { kind: 'quarter' as const, year: 2026, index: 1 };

const figures = (received: number): AssessmentFigures => ({
  received,
  accepted: received,
  rejected: 0,
  closed: received,
  closedOnTime: received,
  rated: 0,
  satisfied: 0,
  redone: 0,
  rates: { acceptance: received ? 1 : null, completion: received ? 1 : null, onTime: received ? 1 : null, satisfaction: null, redo: received ? 0 : null },
  warnings: { ...ZERO_WARNINGS, blue: 1, deductionTenths: 5 },
});

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  repo = createAssessmentsRepository(db, { now: () => now });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('assessments (第二十七条)', () => {
  it('numbers the editions of a period; records the results once; a done assessment is never written again', async () => {
    const a = await db.transaction((tx) => repo.create({ id: 'a-1', period: Q1, requestedBy: 'reviewer-1', at: new Date(now), processInstanceKey: 'pi-1' }, tx));
    expect(a).toMatchObject({ edition: 1, state: 'running' });
    expect((await repo.runningOf(Q1))?.id).toBe('a-1');
    const rows = [
      { unitId: 'u-b', unitName: '东江乡人民政府', figures: figures(3) },
      { unitId: 'u-a', unitName: '龙南镇人民政府', figures: figures(5) },
      { unitId: 'u-c', unitName: '龙南市市场监督管理局', figures: figures(0) },
    ];
    await repo.saveFigures('a-1', rows.slice(0, 1));
    await repo.saveFigures('a-1', rows);
    expect((await repo.units('a-1')).map((u) => u.unitId).sort()).toEqual(['u-a', 'u-b', 'u-c']);
    const results = [
      { unitId: 'u-a', score: 92.35, rank: 1, standing: 'praise' as const },
      { unitId: 'u-b', score: -3.5, rank: 2, standing: 'criticism' as const },
      { unitId: 'u-c', score: null, rank: null, standing: null },
    ];
    expect(await db.transaction((tx) => repo.complete('a-1', results, { decisionVersion: 2, at: new Date(now + 1000) }, tx))).toEqual({ completed: true });
    const done = await repo.get('a-1');
    expect(done).toMatchObject({ state: 'done', decisionVersion: 2, doneAt: new Date(now + 1000), processInstanceKey: 'pi-1', requestedBy: 'reviewer-1', period: Q1 });
    const units = await repo.units('a-1');
    expect(units.map((u) => [u.unitId, u.score, u.rank, u.standing])).toEqual([
      ['u-a', 92.35, 1, 'praise'],
      ['u-b', -3.5, 2, 'criticism'],
      ['u-c', null, null, null],
    ]);
    expect(units[0].figures).toEqual(figures(5));

    expect(await repo.complete('a-1', [{ unitId: 'u-a', score: 1, rank: 3, standing: null }], { decisionVersion: 3, at: new Date(now + 2000) })).toEqual({ completed: false });
    await repo.saveFigures('a-1', []);
    expect(await repo.units('a-1')).toEqual(units);
    expect((await repo.get('a-1'))?.decisionVersion).toBe(2);
    expect(await repo.runningOf(Q1)).toBeUndefined();

    const b = await db.transaction((tx) => repo.create({ id: 'a-2', period: Q1, requestedBy: 'reviewer-1', at: new Date(now + 5000) }, tx));
    expect(b.edition).toBe(2);
    const other = await db.transaction((tx) => repo.create({ id: 'a-3', period: { kind: 'month', year: 2026, index: 3 }, requestedBy: 'reviewer-1', at: new Date(now + 6000) }, tx));
    expect(other.edition).toBe(1);
    expect((await repo.list()).map((x) => x.id)).toEqual(['a-3', 'a-2', 'a-1']);
  });

  it('refuses a second row with the same period and edition', async () => {
    await db.transaction((tx) => repo.create({ id: 'b-1', period: { kind: 'month', year: 2025, index: 12 }, requestedBy: 'r', at: new Date(now) }, tx));
    await expect(
      db.transaction(async (tx) => {
        await db.sequelize.query("INSERT INTO assessments (id, period_kind, period_year, period_index, edition, state, requested_by, requested_at) VALUES ('b-2', 'month', 2025, 12, 1, 'running', 'r', 1)", { transaction: tx });
      }),
    ).rejects.toThrow();
  });
});

describe('通报 templates', () => {
  it('none saved: none answered; saved: the newest, with who and when', async () => {
    expect(await repo.getTemplate('praise')).toBeUndefined();
    await repo.saveTemplate('praise', DEFAULT_TEMPLATES.praise, 'reviewer-1');
    const changed = { ...DEFAULT_TEMPLATES.praise, title: '关于{{期间}}表扬的通报' };
    await repo.saveTemplate('praise', changed, 'reviewer-2');
    expect(await repo.getTemplate('praise')).toEqual({ kind: 'praise', template: changed, updatedBy: 'reviewer-2', updatedAt: new Date(now) });
    expect(await repo.getTemplate('criticism')).toBeUndefined();
  });
});
