/**
 * Hotspots' data (第二十三条(二)): each petition's keywords as one row, a window's rows oldest first
 * by one index range, the cases no hotspot counts (恶意/虚假, 归并), the one-off walk that brings in the
 * petitions from before the table (resumable: it goes on where it stopped, and a second start does
 * nothing), and one 督办 per hotspot and window. SQLite, or MariaDB when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import type { EnginePort } from '../../engine/port.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { generateIdentityKey } from '../domain/identity-crypto.js';
import { createLogger } from '../logger.js';
import { createHotspotService, keywordsOf } from '../services/hotspot-service.js';
import { createAuditRepository } from './audit-repository.js';
import { appMigrations } from './migrations.js';
import { createPetitionKeywordsRepository, type PetitionKeywordsRepository } from './petition-keywords-repository.js';
import { createPetitionsRepository, type PetitionInput, type PetitionsRepository } from './petitions-repository.js';
import { select } from './sql.js';
import { createUnitsRepository } from './units-repository.js';

let now = Date.parse('2026-03-02T02:00:00.000Z');
const clock = { now: () => new Date(now) };
let target: { url: string; drop(): Promise<void> };
let db: Database;
let petitions: PetitionsRepository;
let keywords: PetitionKeywordsRepository;

const input = (extra: Partial<PetitionInput> = {}): PetitionInput => ({
  channel: 'web',
  category: 'complaint',
  title: '渡江镇圩镇停水',
  content: '渡江镇圩镇自来水停水三天,没有通知。',
  township: '360783107',
  petitionerName: '张三',
  petitionerPhone: '13812345678',
  ...extra,
});

const service = () =>
  createHotspotService({
    keywords,
    units: createUnitsRepository(db),
    // the walk and the reads touch no process
    engine: {} as EnginePort,
    audit: createAuditRepository(db, { now: () => now }),
    clock,
    log: createLogger('silent'),
    transaction: (work) => db.transaction(work),
    underSupervision: async () => false,
  });

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  petitions = createPetitionsRepository(db, { key: generateIdentityKey(), clock });
  keywords = createPetitionKeywordsRepository(db, { now: () => now });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('petition keywords', () => {
  it('stores a petition’s keywords as one row and reads a window’s rows oldest first, without what no hotspot counts', async () => {
    const a = await petitions.create(input());
    now += 60_000;
    const b = await petitions.create(input({ title: '又停水了', content: '圩镇又停水,自来水一滴都没有。' }));
    now += 60_000;
    const c = await petitions.create(input({ title: '停水', content: '停水停水' }));
    await db.transaction(async (tx) => {
      for (const p of [b, a, c]) await keywords.record(p, keywordsOf(p.title, p.content), tx);
    });
    const rows = await keywords.inWindow(new Date(a.createdAt.getTime()), new Date(c.createdAt.getTime() + 1));
    expect(rows.map((r) => r.petitionId)).toEqual([a.id, b.id, c.id]);
    expect(rows[0]).toMatchObject({ township: '360783107', receivedMs: a.createdAt.getTime() });
    expect(rows[0].words).toEqual(keywordsOf(a.title, a.content));
    expect(rows[0].words).toContain('停水');
    expect((await keywords.inWindow(new Date(a.createdAt.getTime() + 1), new Date(c.createdAt.getTime()))).map((r) => r.petitionId)).toEqual([b.id]);

    await petitions.setStatus(b.id, 'merged');
    await petitions.setStatus(c.id, 'invalid');
    expect([...(await keywords.notCounted(a.createdAt, new Date(now + 1)))].sort()).toEqual([b.id, c.id].sort());
    expect((await keywords.cases([a.id, 'no-such'])).map((x) => [x.trackingCode, x.title, x.status])).toEqual([[a.trackingCode, a.title, 'submitted']]);
  });

  it('reads a window by one index range', async () => {
    const sqlite = db.sequelize.getDialect() === 'sqlite';
    const plan = JSON.stringify(
      await db.sequelize.query(`${sqlite ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} SELECT petition_id, township, received_ms, words FROM petition_keywords WHERE received_ms >= ? AND received_ms < ? ORDER BY received_ms, township, petition_id`, {
        replacements: [0, 1],
        type: QueryTypes.SELECT,
      }),
    );
    expect(plan).toContain('petition_keywords_window');
    expect(plan).not.toMatch(/TEMP B-TREE|filesort/i);
  });

  it('brings in the petitions from before the table once, a page at a time, going on where it stopped', async () => {
    await db.sequelize.query('DELETE FROM petition_keywords');
    for (let i = 0; i < 4; i++) {
      now += 60_000;
      await petitions.create(input({ title: `校车超载 ${i}`, content: '杨村镇中心小学校车超载。', township: '360783102' }));
    }
    const total = Number(((await select<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM petitions'))[0]).n);
    // a walk cut after its first page: where it got to is saved with that page
    const [first] = await keywords.backfillPage(null, 1);
    await db.transaction(async (tx) => {
      await keywords.replace(first, keywordsOf(first.title, first.content), tx);
      await keywords.saveBackfill({ ms: first.createdAt.getTime(), id: first.id }, false, tx);
    });
    expect(await keywords.backfillState()).toMatchObject({ afterId: first.id, done: false });
    expect(await service().backfill()).toBe(total - 1);
    const rows = await select<{ petition_id: string }>(db, 'SELECT petition_id FROM petition_keywords');
    expect(rows).toHaveLength(total);
    expect((await keywords.backfillState()).done).toBe(true);
    // a second start: nothing to do
    expect(await service().backfill()).toBe(0);
  });

  it('records one 督办 per hotspot and window: the second is refused and changes nothing', async () => {
    const row = { hotspotKey: '360783107:停水+圩镇|2026-02-01|2026-03-02', hotspotId: '360783107:停水+圩镇', fromDay: '2026-02-01', toDay: '2026-03-02', petitionId: 'p-1', processInstanceKey: 'pi-1', caseCount: 4, words: ['停水', '圩镇'], startedBy: 'reviewer' };
    expect(await db.transaction((tx) => keywords.recordSupervision(row, tx))).toBe(true);
    expect(await db.transaction((tx) => keywords.recordSupervision({ ...row, petitionId: 'p-2' }, tx))).toBe(false);
    expect(await keywords.supervision(row.hotspotKey)).toMatchObject({ petitionId: 'p-1', words: ['停水', '圩镇'], caseCount: 4 });
    expect((await keywords.supervisionsOf([row.hotspotId])).map((s) => s.petitionId)).toEqual(['p-1']);
  });
});
