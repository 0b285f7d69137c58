/**
 * The member units and their people (migration 0301): a throw-away SQLite file, or a throw-away
 * MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { appMigrations } from './migrations.js';
import { createStaffRepository } from './staff-repository.js';
import { createUnitsRepository, personRef, UnitInputError, UnitNotFoundError, type UnitsRepository } from './units-repository.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let units: UnitsRepository;

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  units = createUnitsRepository(db);
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('units', () => {
  it('creates townships, departments and enterprises and reads them back as plain objects', async () => {
    const town = await units.create({ id: 'u-longnan', name: ' 龙南镇人民政府 ', kind: 'township', township: '360783100' });
    expect(town).toEqual({ id: 'u-longnan', name: '龙南镇人民政府', kind: 'township', township: '360783100', duties: [], active: true });
    await units.create({ id: 'u-market', name: '龙南市市场监督管理局', kind: 'department', duties: ['market-regulation', 'market-regulation', 'food-safety'] });
    await units.create({ id: 'u-water', name: '龙南市自来水公司', kind: 'enterprise' });
    const generated = await units.create({ name: '龙南市交通运输局', kind: 'department' });
    expect(generated.id).toMatch(/^u-[0-9a-f]{12}$/);

    expect(await units.get('u-market')).toEqual({
      id: 'u-market',
      name: '龙南市市场监督管理局',
      kind: 'department',
      township: null,
      duties: ['market-regulation', 'food-safety'],
      active: true,
    });
    const list = await units.list();
    expect(list.map((u) => u.kind)).toEqual(['township', 'department', 'department', 'enterprise']);
    expect((await units.list({ kind: 'enterprise' })).map((u) => u.id)).toEqual(['u-water']);
    expect((await units.findByTownship('360783100'))?.id).toBe('u-longnan');
    expect((await units.findByName('龙南市自来水公司'))?.id).toBe('u-water');
    expect(await units.get('nope')).toBeUndefined();
  });

  it('refuses bad input before writing anything', async () => {
    const bad: [Parameters<UnitsRepository['create']>[0], RegExp][] = [
      [{ name: '东江乡人民政府', kind: 'township' } as never, /township code/],
      [{ name: '东江乡人民政府', kind: 'township', township: '3607' }, /township code/],
      [{ name: '某局', kind: 'department', township: '360783201' }, /only a township unit/],
      [{ name: '某局', kind: 'ministry' as never }, /kind must be one of/],
      [{ name: '局', kind: 'department' }, /at least 2 characters/],
      [{ name: 'x'.repeat(101), kind: 'department' }, /at most 100/],
      [{ name: '<script>局', kind: 'department' }, /< >/],
      [{ name: '某局', kind: 'department', duties: ['Market Regulation'] }, /duty tag/],
      [{ id: 'U:bad', name: '某局', kind: 'department' }, /id must be/],
    ];
    const before = (await units.list({ includeInactive: true })).length;
    for (const [input, message] of bad) await expect(units.create(input)).rejects.toThrow(message);
    await expect(units.create({ name: '龙南镇人民政府', kind: 'department' })).rejects.toThrow(/named 龙南镇人民政府 exists/);
    await expect(units.create({ name: '另一个镇', kind: 'township', township: '360783100' })).rejects.toThrow(/code 360783100 exists/);
    await expect(units.create({ id: 'u-market', name: '又一个局', kind: 'department' })).rejects.toThrow(UnitInputError);
    expect((await units.list({ includeInactive: true })).length).toBe(before);
  });

  it('updates and deactivates a unit; inactive units leave the default list', async () => {
    const updated = await units.update('u-water', { name: '龙南市供水公司', duties: ['water-supply'] });
    expect(updated).toMatchObject({ id: 'u-water', name: '龙南市供水公司', kind: 'enterprise', duties: ['water-supply'], active: true });
    await units.update('u-water', { active: false });
    expect((await units.list()).map((u) => u.id)).not.toContain('u-water');
    expect((await units.list({ includeInactive: true })).map((u) => u.id)).toContain('u-water');
    await expect(units.update('u-water', { kind: 'township' })).rejects.toThrow(/township code/);
    await expect(units.update('u-water', { name: '龙南市市场监督管理局' })).rejects.toThrow(/exists already/);
    await expect(units.update('nope', { active: true })).rejects.toThrow(UnitNotFoundError);
    await units.update('u-water', { active: true, name: '龙南市自来水公司' });
  });
});

describe('unit people (承办人, 责任人, 分管领导, 主要领导)', () => {
  it('records people with work phones, ordered by role', async () => {
    const head = await units.addPerson('u-longnan', { role: 'head', name: '赵国平', phone: '138 0797 0104' });
    const contact = await units.addPerson('u-longnan', { role: 'contact', name: '赵建华', phone: '0797-3512345' });
    const handler = await units.addPerson('u-longnan', { role: 'handler', name: '赵晓明', phone: '+86 13807970101' });
    const leader = await units.addPerson('u-longnan', { role: 'leader', name: '赵志强', phone: '13807970103' });
    expect(head).toEqual({ id: head.id, unitId: 'u-longnan', role: 'head', name: '赵国平', phone: '13807970104', staffId: null });
    expect(contact.phone).toBe('0797-3512345');
    expect(handler.phone).toBe('13807970101');
    expect(new Set([head.id, contact.id, handler.id, leader.id]).size).toBe(4);
    expect((await units.listPeople('u-longnan')).map((p) => p.role)).toEqual(['handler', 'contact', 'leader', 'head']);
    expect(await units.getPerson(leader.id)).toEqual(leader);
  });

  it('refuses bad people and unknown units', async () => {
    await expect(units.addPerson('u-longnan', { role: 'boss' as never, name: '某人', phone: '13807970101' })).rejects.toThrow(/role must be one of/);
    await expect(units.addPerson('u-longnan', { role: 'handler', name: '', phone: '13807970101' })).rejects.toThrow(/must not be empty/);
    await expect(units.addPerson('u-longnan', { role: 'handler', name: '某人', phone: '12345' })).rejects.toThrow(/mainland mobile number or a landline/);
    await expect(units.addPerson('nope', { role: 'handler', name: '某人', phone: '13807970101' })).rejects.toThrow(UnitNotFoundError);
    await expect(units.addPerson('u-longnan', { role: 'handler', name: '某人', phone: '13807970101', staffId: 'st-nope' })).rejects.toThrow(/names no staff account/);
  });

  it('links a person to a staff account, updates and removes people', async () => {
    const staff = await createStaffRepository(db).create({ username: 'handler-longnan', displayName: '赵晓明', password: 'longnan-demo-2026', roles: ['unit-handler'], unitId: 'u-longnan' });
    const [handler] = await units.listPeople('u-longnan');
    const linked = await units.updatePerson(handler.id, { staffId: staff.id, phone: '13807970111' });
    expect(linked).toMatchObject({ role: 'handler', staffId: staff.id, phone: '13807970111' });
    expect(await units.getPerson(handler.id)).toEqual(linked);
    const extra = await units.addPerson('u-longnan', { role: 'handler', name: '赵二', phone: '13807970121' });
    expect(await units.removePerson(extra.id)).toBe(true);
    expect(await units.removePerson(extra.id)).toBe(false);
    await expect(units.updatePerson(extra.id, { name: '某人' })).rejects.toThrow(UnitNotFoundError);
  });

  it('finds the first person in a role of an active unit, and resolves its reference', async () => {
    const contact = await units.personInRole('u-longnan', 'contact');
    expect(contact?.name).toBe('赵建华');
    expect(personRef(contact!.id)).toBe(`unit-person:${contact!.id}`);
    expect(await units.resolvePersonRef(personRef(contact!.id))).toEqual(contact);
    expect(await units.resolvePersonRef('unit-person:999999')).toBeUndefined();
    expect(await units.resolvePersonRef('unit:u-longnan')).toBeUndefined();
    expect(await units.personInRole('u-market', 'contact')).toBeUndefined();
    await units.update('u-longnan', { active: false });
    expect(await units.personInRole('u-longnan', 'contact')).toBeUndefined();
    await units.update('u-longnan', { active: true });
  });
});
