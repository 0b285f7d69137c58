/**
 * Staff accounts and sign-in (migration 0301): a throw-away SQLite file, or a throw-away
 * MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes, scryptSync } from 'node:crypto';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { hashPassword, parsePasswordHash } from '../domain/passwords.js';
import { appMigrations } from './migrations.js';
import { exec, select } from './sql.js';
import { createStaffRepository, LOCKOUT_MS, MAX_FAILED_LOGINS, StaffInputError, StaffNotFoundError, type StaffRepository } from './staff-repository.js';
import { createUnitsRepository } from './units-repository.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let staff: StaffRepository;
let clock = Date.parse('2026-03-02T02:00:00.000Z');
const PASSWORD = 'longnan-demo-2026';

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  staff = createStaffRepository(db, { now: () => clock });
  await createUnitsRepository(db).create({ id: 'u-longnan', name: '龙南镇人民政府', kind: 'township', township: '360783100' });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('staff accounts', () => {
  it('creates an account with a hashed password and never hands the hash out', async () => {
    const created = await staff.create({ username: 'Intake', displayName: '受理员', password: PASSWORD, roles: ['intake-operator'] });
    expect(created).toEqual({
      id: expect.stringMatching(/^st-[0-9a-f]{16}$/),
      username: 'intake',
      displayName: '受理员',
      roles: ['intake-operator'],
      unitId: null,
      active: true,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: new Date(clock),
    });
    expect(await staff.findByUsername(' INTAKE ')).toEqual(created);
    expect(await staff.get(created.id)).toEqual(created);
    expect(JSON.stringify(created)).not.toMatch(/scrypt|password/i);
    const [row] = await select<{ password_hash: string }>(db, 'SELECT password_hash FROM staff WHERE id = ?', [created.id]);
    expect(parsePasswordHash(row.password_hash).N).toBe(2 ** 15);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('checks user names, display names, roles, units and passwords', async () => {
    const base = { username: 'someone', displayName: '某人', password: PASSWORD, roles: ['auditor' as const] };
    await expect(staff.create({ ...base, username: 'intake' })).rejects.toThrow(/taken/);
    await expect(staff.create({ ...base, username: 'system' })).rejects.toThrow(/reserved/);
    await expect(staff.create({ ...base, username: '1abc' })).rejects.toThrow(/username must be/);
    await expect(staff.create({ ...base, displayName: '' })).rejects.toThrow(/displayName/);
    await expect(staff.create({ ...base, roles: ['boss' as never] })).rejects.toThrow(StaffInputError);
    await expect(staff.create({ ...base, roles: ['unit-handler'] })).rejects.toThrow(/needs the account's unit/);
    await expect(staff.create({ ...base, roles: ['unit-handler'], unitId: 'u-nope' })).rejects.toThrow(/does not exist/);
    await expect(staff.create({ ...base, password: 'short' })).rejects.toThrow(/at least 8/);
    expect(await staff.findByUsername('someone')).toBeUndefined();
  });

  it('stores a hash made already (the seed: one hash for every demo account), and refuses a malformed one', async () => {
    const hash = await hashPassword(PASSWORD);
    await expect(staff.create({ username: 'prehashed-bad', displayName: '某人', password: PASSWORD, passwordHash: 'scrypt$1$2$3', roles: ['auditor'] })).rejects.toThrow(StaffInputError);
    const a = await staff.create({ username: 'prehashed-a', displayName: '甲', password: PASSWORD, passwordHash: hash, roles: ['auditor'] });
    expect((await staff.verifyLogin('prehashed-a', PASSWORD)).ok).toBe(true);
    expect((await staff.verifyLogin('prehashed-a', 'another password')).ok).toBe(false);
    await staff.update(a.id, { active: false });
  });

  it('lists accounts by unit and role, and updates them', async () => {
    const handler = await staff.create({ username: 'handler-longnan', displayName: '赵晓明', password: PASSWORD, roles: ['unit-handler'], unitId: 'u-longnan' });
    await staff.create({ username: 'auditor', displayName: '审计员', password: PASSWORD, roles: ['auditor'] });
    expect((await staff.list()).map((s) => s.username)).toEqual(['auditor', 'handler-longnan', 'intake']);
    expect((await staff.list({ unitId: 'u-longnan' })).map((s) => s.username)).toEqual(['handler-longnan']);
    expect((await staff.list({ role: 'auditor' })).map((s) => s.username)).toEqual(['auditor']);
    const updated = await staff.update(handler.id, { roles: ['unit-handler', 'unit-leader'], displayName: '赵晓明(兼)' });
    expect(updated).toMatchObject({ roles: ['unit-handler', 'unit-leader'], displayName: '赵晓明(兼)', unitId: 'u-longnan' });
    await expect(staff.update(handler.id, { unitId: null })).rejects.toThrow(/needs the account's unit/);
    await expect(staff.update('st-nope', { active: false })).rejects.toThrow(StaffNotFoundError);
    expect(await staff.get(handler.id)).toEqual(updated);
  });
});

describe('sign-in', () => {
  it('accepts the right password and refuses a wrong one or an unknown name alike', async () => {
    const ok = await staff.verifyLogin('intake', PASSWORD);
    expect(ok).toEqual({ ok: true, staff: expect.objectContaining({ username: 'intake', roles: ['intake-operator'] }) });
    expect(await staff.verifyLogin('intake', 'wrong-password')).toEqual({ ok: false, reason: 'invalid' });
    expect(await staff.verifyLogin('nobody', PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
    expect(await staff.verifyLogin('', '')).toEqual({ ok: false, reason: 'invalid' });
    // a success clears the count
    expect((await staff.findByUsername('intake'))?.failedLogins).toBe(1);
    await staff.verifyLogin('intake', PASSWORD);
    expect((await staff.findByUsername('intake'))?.failedLogins).toBe(0);
  });

  it(`locks an account for 15 minutes after ${MAX_FAILED_LOGINS} failures in a row, even for the right password`, async () => {
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) expect(await staff.verifyLogin('auditor', `wrong-${i}`)).toEqual({ ok: false, reason: 'invalid' });
    const locked = await staff.verifyLogin('auditor', 'wrong-5');
    expect(locked).toEqual({ ok: false, reason: 'locked', lockedUntil: new Date(clock + LOCKOUT_MS) });
    expect(await staff.verifyLogin('auditor', PASSWORD)).toEqual({ ok: false, reason: 'locked', lockedUntil: new Date(clock + LOCKOUT_MS) });
    clock += LOCKOUT_MS - 1000;
    expect((await staff.verifyLogin('auditor', PASSWORD)).ok).toBe(false);
    clock += 1000;
    expect((await staff.verifyLogin('auditor', PASSWORD)).ok).toBe(true);
    expect(await staff.findByUsername('auditor')).toMatchObject({ failedLogins: 0, lockedUntil: null });
  });

  it('lets an admin lift a lockout and set a new password', async () => {
    for (let i = 0; i < MAX_FAILED_LOGINS; i++) await staff.verifyLogin('auditor', 'wrong');
    expect((await staff.verifyLogin('auditor', PASSWORD)).ok).toBe(false);
    const account = await staff.findByUsername('auditor');
    await staff.unlock(account!.id);
    expect((await staff.verifyLogin('auditor', PASSWORD)).ok).toBe(true);
    await staff.setPassword(account!.id, 'a-new-password-2026');
    expect((await staff.verifyLogin('auditor', PASSWORD)).ok).toBe(false);
    expect((await staff.verifyLogin('auditor', 'a-new-password-2026')).ok).toBe(true);
    await expect(staff.setPassword(account!.id, 'short')).rejects.toThrow(StaffInputError);
    await expect(staff.unlock('st-nope')).rejects.toThrow(StaffNotFoundError);
  });

  it('refuses a deactivated account only once the password is right', async () => {
    const account = await staff.findByUsername('handler-longnan');
    await staff.update(account!.id, { active: false });
    expect(await staff.verifyLogin('handler-longnan', 'wrong-password')).toEqual({ ok: false, reason: 'invalid' });
    expect(await staff.verifyLogin('handler-longnan', PASSWORD)).toEqual({ ok: false, reason: 'inactive' });
    expect((await staff.list()).map((s) => s.username)).not.toContain('handler-longnan');
    await staff.update(account!.id, { active: true });
  });

  it('replaces a hash of older parameters at the next sign-in', async () => {
    const account = await staff.findByUsername('intake');
    const salt = randomBytes(16);
    const old = ['scrypt', 2 ** 14, 8, 1, salt.toString('base64url'), scryptSync(PASSWORD, salt, 32, { N: 2 ** 14, r: 8, p: 1 }).toString('base64url')].join('$');
    await db.transaction((tx) => exec(db, 'UPDATE staff SET password_hash = ? WHERE id = ?', [old, account!.id], tx));
    expect((await staff.verifyLogin('intake', PASSWORD)).ok).toBe(true);
    const [row] = await select<{ password_hash: string }>(db, 'SELECT password_hash FROM staff WHERE id = ?', [account!.id]);
    expect(row.password_hash).not.toBe(old);
    expect(parsePasswordHash(row.password_hash)).toMatchObject({ N: 2 ** 15, r: 8, p: 1 });
    expect((await staff.verifyLogin('intake', PASSWORD)).ok).toBe(true);
  });

  it('makes a corrupt stored hash an error, not a wrong password', async () => {
    const account = await staff.findByUsername('intake');
    await db.transaction((tx) => exec(db, 'UPDATE staff SET password_hash = ? WHERE id = ?', ['plain-text', account!.id], tx));
    await expect(staff.verifyLogin('intake', PASSWORD)).rejects.toThrow(/malformed/);
    await staff.setPassword(account!.id, PASSWORD);
    expect((await staff.verifyLogin('intake', PASSWORD)).ok).toBe(true);
  });
});
