/**
 * The demo data of a fresh database (Longnan's units, their people, demo staff of every role):
 * idempotent. A throw-away SQLite file, or a throw-away MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { generateIdentityKey, IdentityKeyError } from '../domain/identity-crypto.js';
import { ROLE_IDS } from '../domain/roles.js';
import { createUnitDirectory } from './directories.js';
import { LONGNAN_DEPARTMENTS, LONGNAN_ENTERPRISES, LONGNAN_TOWNSHIPS, LONGNAN_UNITS } from './longnan-units.js';
import { appMigrations } from './migrations.js';
import { DEMO_PASSWORD, seedDemoData } from './seed.js';
import { select } from './sql.js';
import { createStaffRepository } from './staff-repository.js';
import { createUnitsRepository } from './units-repository.js';
import { workerMigrations } from './worker-migrations.js';

const KEY = generateIdentityKey();
let target: { url: string; drop(): Promise<void> };
let db: Database;

beforeAll(async () => {
  target = await openTestDatabase();
  // as `npm start` migrates
  db = await createDatabase({ url: target.url, migrations: [...appMigrations, ...workerMigrations] });
  await db.migrate();
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

async function snapshot() {
  return {
    units: await select(db, 'SELECT * FROM units ORDER BY id'),
    people: await select(db, 'SELECT * FROM unit_people ORDER BY id'),
    staff: await select(db, 'SELECT * FROM staff ORDER BY id'),
  };
}

describe('the Longnan unit list', () => {
  it('has the 13 townships (8 镇, 5 乡) with distinct codes, departments and the two public-service enterprises', () => {
    expect(LONGNAN_TOWNSHIPS).toHaveLength(13);
    expect(LONGNAN_TOWNSHIPS.filter((u) => u.name.includes('镇人民政府'))).toHaveLength(8);
    expect(LONGNAN_TOWNSHIPS.filter((u) => u.name.includes('乡人民政府'))).toHaveLength(5);
    expect(new Set(LONGNAN_TOWNSHIPS.map((u) => u.township)).size).toBe(13);
    for (const u of LONGNAN_TOWNSHIPS) expect(u.township).toMatch(/^360783[12]\d{2}$/);
    expect(LONGNAN_DEPARTMENTS.find((u) => u.name === '龙南市市场监督管理局')?.duties).toContain('market-regulation');
    for (const name of ['住房和城乡建设局', '交通运输局', '自然资源局', '生态环境局', '水利局', '教育科技局', '卫生健康委员会', '人力资源和社会保障局', '城市管理局']) {
      expect(LONGNAN_DEPARTMENTS.some((u) => u.name === `龙南市${name}`)).toBe(true);
    }
    expect(LONGNAN_ENTERPRISES.map((u) => u.name)).toEqual(['龙南市自来水公司', '国网龙南市供电公司']);
    expect(new Set(LONGNAN_UNITS.map((u) => u.id)).size).toBe(LONGNAN_UNITS.length);
  });
});

describe('seedDemoData', () => {
  it('seeds every unit with its four people and demo staff of every role, and returns the credentials', async () => {
    const result = await seedDemoData(db, { key: KEY });
    // six platform accounts, and a 承办人 and a 分管领导 for every unit (the roles the diagrams offer unit tasks to)
    expect(result.created).toEqual({ units: LONGNAN_UNITS.length, people: LONGNAN_UNITS.length * 4, staff: 6 + LONGNAN_UNITS.length * 2 });
    const roles = new Set(result.credentials.flatMap((c) => c.roles));
    expect([...roles].sort()).toEqual([...ROLE_IDS].sort());
    expect(result.credentials.every((c) => c.password === DEMO_PASSWORD)).toBe(true);
    expect(result.credentials.map((c) => c.username)).toEqual([
      'intake',
      'reviewer',
      'leader',
      'auditor',
      'modeler',
      'admin',
      ...LONGNAN_UNITS.flatMap((u) => [`handler-${u.id.slice(2)}`, `leader-${u.id.slice(2)}`]),
    ]);
    for (const username of ['handler-longnan', 'leader-longnan', 'handler-dongjiang', 'leader-dongjiang', 'handler-market', 'leader-market']) {
      expect(result.credentials.map((c) => c.username)).toContain(username);
    }
    expect(result.credentials.find((c) => c.username === 'leader-dongjiang')).toMatchObject({ displayName: '东江乡分管领导(演示)', unitId: 'u-dongjiang', roleLabels: ['单位分管领导'] });
    expect(result.credentials.find((c) => c.username === 'handler-market')).toMatchObject({ displayName: '市场监督管理局承办人(演示)', unitId: 'u-market' });
    expect(result.credentials.find((c) => c.username === 'handler-longnan')).toMatchObject({ unitId: 'u-longnan', roleLabels: ['承办人'] });

    const units = createUnitsRepository(db);
    for (const u of LONGNAN_UNITS) {
      const people = await units.listPeople(u.id);
      expect(people.map((p) => p.role)).toEqual(['handler', 'contact', 'leader', 'head']);
      for (const p of people) expect(p.phone).toMatch(/^1380797\d{4}$/);
    }
    const phones = (await select<{ phone: string }>(db, 'SELECT phone FROM unit_people')).map((r) => r.phone);
    expect(new Set(phones).size).toBe(phones.length);

    // the unit accounts are their unit's 承办人 / 分管领导
    const staff = createStaffRepository(db);
    const handler = await staff.findByUsername('handler-longnan');
    const leader = await staff.findByUsername('leader-longnan');
    const people = await units.listPeople('u-longnan');
    expect(people.find((p) => p.role === 'handler')?.staffId).toBe(handler!.id);
    expect(people.find((p) => p.role === 'leader')?.staffId).toBe(leader!.id);
    for (const u of LONGNAN_UNITS) {
      const linked = (await units.listPeople(u.id)).filter((p) => p.staffId).map((p) => p.role);
      expect({ unit: u.id, linked }).toEqual({ unit: u.id, linked: ['handler', 'leader'] });
    }

    // the directory the workers use sees them
    const directory = createUnitDirectory(db);
    expect((await directory.list()).length).toBe(LONGNAN_UNITS.length);
    expect(await directory.recipient('u-dongjiang', 'head')).toMatch(/^unit-person:\d+$/);
  });

  it('lets the demo accounts sign in with the documented password', async () => {
    const staff = createStaffRepository(db);
    const login = await staff.verifyLogin('handler-longnan', DEMO_PASSWORD);
    expect(login.ok && login.staff).toMatchObject({ roles: ['unit-handler'], unitId: 'u-longnan' });
    expect((await staff.verifyLogin('admin', DEMO_PASSWORD)).ok).toBe(true);
    const dongjiang = await staff.verifyLogin('leader-dongjiang', DEMO_PASSWORD);
    expect(dongjiang.ok && dongjiang.staff).toMatchObject({ roles: ['unit-leader'], unitId: 'u-dongjiang' });
    expect((await staff.verifyLogin('handler-power', 'not the demo password')).ok).toBe(false);
  });

  it('changes nothing when run again', async () => {
    const before = await snapshot();
    const again = await seedDemoData(db, { key: KEY });
    expect(again.created).toEqual({ units: 0, people: 0, staff: 0 });
    expect(again.credentials).toHaveLength(6 + LONGNAN_UNITS.length * 2);
    expect(await snapshot()).toEqual(before);
  });

  it('keeps what an admin changed', async () => {
    const units = createUnitsRepository(db);
    await units.update('u-water', { name: '龙南市供水有限公司' });
    const [first] = await units.listPeople('u-jiahu');
    await units.removePerson(first.id);
    const before = await snapshot();
    expect((await seedDemoData(db, { key: KEY })).created).toEqual({ units: 0, people: 0, staff: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a bad identity key before writing anything', async () => {
    await expect(seedDemoData(db, { key: 'c2hvcnQ=' })).rejects.toThrow(IdentityKeyError);
  });
});
