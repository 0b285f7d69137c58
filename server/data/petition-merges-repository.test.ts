/**
 * 归并's data (issue 15): candidates by the phone's blind index and by township within a window,
 * the merge link, the petitions merged into a case and the count of merges for the reports; and the
 * candidate reads are index ranges (a million petitions are not scanned). SQLite, or MariaDB when
 * DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { generateIdentityKey } from '../domain/identity-crypto.js';
import { appMigrations } from './migrations.js';
import { createPetitionMergesRepository, type PetitionMergesRepository } from './petition-merges-repository.js';
import { createPetitionsRepository, type PetitionInput, type PetitionsRepository } from './petitions-repository.js';

let now = Date.parse('2026-03-02T02:00:00.000Z');
const clock = { now: () => new Date(now) };
const DAY = 86_400_000;
let target: { url: string; drop(): Promise<void> };
let db: Database;
let petitions: PetitionsRepository;
let merges: PetitionMergesRepository;

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
  petitions = createPetitionsRepository(db, { key: generateIdentityKey(), clock });
  merges = createPetitionMergesRepository(db, { now: () => now });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('petition merges', () => {
  it('finds the same phone and the same township within the window, not the petition itself, others, or merged ones; links a merge once; counts merges', async () => {
    const old = await petitions.create(input({ township: '360783201' }));
    now += 40 * DAY;
    const a = await petitions.create(input());
    now += DAY;
    const samePhoneElsewhere = await petitions.create(input({ township: '360783201' }));
    const sameTownship = await petitions.create(input({ petitionerPhone: '13900001111' }));
    const unrelated = await petitions.create(input({ petitionerPhone: '13900002222', township: '360783201' }));
    now += DAY;
    const b = await petitions.create(input({ petitionerPhone: '13900001111' }));
    const window = { from: new Date(now - 30 * DAY), to: new Date(now + 30 * DAY) };

    const found = await merges.similarCandidates(b.id, window);
    expect(found.samePhone.map((p) => p.id)).toEqual([sameTownship.id]);
    expect(found.sameTownship.map((p) => p.id).sort()).toEqual([a.id, sameTownship.id].sort());
    const ofA = await merges.similarCandidates(a.id, { from: new Date(now - 31 * DAY), to: new Date(now + 30 * DAY) });
    expect(ofA.samePhone.map((p) => p.id)).toEqual([samePhoneElsewhere.id]);
    expect([...ofA.samePhone, ...ofA.sameTownship].map((p) => p.id)).not.toContain(old.id);
    expect([...ofA.samePhone, ...ofA.sameTownship].map((p) => p.id)).not.toContain(unrelated.id);

    expect(await merges.merge(b.id, a.id)).toBe(true);
    expect(await merges.merge(b.id, a.id)).toBe(false);
    await expect(merges.merge(a.id, a.id)).rejects.toThrow('intoId');
    expect(await petitions.get(b.id)).toMatchObject({ status: 'merged', mergedInto: a.id });
    expect((await merges.mergedFrom(a.id)).map((p) => p.id)).toEqual([b.id]);
    expect((await merges.similarCandidates(sameTownship.id, window)).sameTownship.map((p) => p.id)).toEqual([a.id]);
    expect(await merges.countMerges(new Date(now), new Date(now + 1))).toBe(1);
    expect(await merges.countMerges(new Date(now + 1), new Date(now + DAY))).toBe(0);
    await expect(merges.similarCandidates('no-such', window)).rejects.toThrow('not found');
  });

  it('reads candidates by index ranges, not by scanning the table', async () => {
    const sqlite = db.sequelize.getDialect() === 'sqlite';
    const explain = async (sql: string) =>
      JSON.stringify(await db.sequelize.query(`${sqlite ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${sql}`, { replacements: ['x', 0, 1, 'y'], type: QueryTypes.SELECT }));
    const township = await explain('SELECT id FROM petitions WHERE township = ? AND created_at >= ? AND created_at <= ? AND id <> ? AND merged_into IS NULL ORDER BY created_at DESC LIMIT 200');
    const phone = await explain('SELECT id FROM petitions WHERE phone_index = ? AND created_at >= ? AND created_at <= ? AND id <> ? AND merged_into IS NULL ORDER BY created_at DESC LIMIT 20');
    expect(township).toContain('petitions_township_created');
    expect(phone).toContain('petitions_phone_index');
  });
});
