/**
 * Petitions with the petitioner's identity encrypted at rest and every read logged (第十九条): a
 * throw-away SQLite file, or a throw-away MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { createIdentityCipher, generateIdentityKey, IdentityDecryptError } from '../domain/identity-crypto.js';
import { createAuditRepository } from './audit-repository.js';
import { appMigrations } from './migrations.js';
import {
  createPetitionsRepository,
  IdentityAccessDenied,
  PetitionInputError,
  PetitionNotFoundError,
  TRACKING_CODE,
  type Petition,
  type PetitionInput,
  type PetitionsRepository,
} from './petitions-repository.js';
import { exec, select } from './sql.js';
import { createUnitsRepository } from './units-repository.js';

const KEY = generateIdentityKey();
const NAME = '张三丰';
const PHONE = '13812345678';
let now = Date.parse('2026-03-02T02:00:00.000Z');
const clock = { now: () => new Date(now) };

let target: { url: string; drop(): Promise<void> };
let db: Database;
let petitions: PetitionsRepository;

const input = (extra: Partial<PetitionInput> = {}): PetitionInput => ({
  channel: 'web',
  category: 'complaint',
  title: '小区路灯长期不亮',
  content: '龙翔路 8 号小区的路灯坏了三个月。\n请尽快修复。',
  township: '360783100',
  petitionerName: NAME,
  petitionerPhone: PHONE,
  ...extra,
});

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  petitions = createPetitionsRepository(db, { key: KEY, clock });
  const units = createUnitsRepository(db);
  await units.create({ id: 'u-longnan', name: '龙南镇人民政府', kind: 'township', township: '360783100' });
  await units.create({ id: 'u-dongjiang', name: '东江乡人民政府', kind: 'township', township: '360783201' });
  await units.create({ id: 'u-closed', name: '已撤销单位', kind: 'department', active: false });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

const PLATFORM = { staffId: 'st-intake', purpose: 'contact-petitioner', roles: ['intake-operator'] };
const REVIEWER = { staffId: 'st-reviewer', purpose: 'review-reply', roles: ['platform-reviewer'] };
const LONGNAN = { staffId: 'st-handler-longnan', purpose: 'contact-petitioner', roles: ['unit-handler'], unitId: 'u-longnan' };
const DONGJIANG = { staffId: 'st-handler-dongjiang', purpose: 'contact-petitioner', roles: ['unit-handler'], unitId: 'u-dongjiang' };

describe('submitting a petition', () => {
  let petition: Petition;

  it('stores it with the identity encrypted and answers it without the identity', async () => {
    petition = await petitions.create(input({ petitionerPhone: '+86 138-1234-5678', urgent: true }));
    expect(petition).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      trackingCode: expect.stringMatching(TRACKING_CODE),
      channel: 'web',
      category: 'complaint',
      urgent: true,
      confidential: false,
      title: '小区路灯长期不亮',
      content: '龙翔路 8 号小区的路灯坏了三个月。\n请尽快修复。',
      township: '360783100',
      status: 'submitted',
      unitId: null,
      processInstanceKey: null,
      mergedInto: null,
      createdAt: new Date(now),
      updatedAt: new Date(now),
    });
    expect(petition.trackingCode).toMatch(/^WZ[2-9A-HJKMNP-Z]{8}$/);
    expect(JSON.stringify(petition)).not.toContain(NAME);
    expect(JSON.stringify(petition)).not.toContain('12345678');
    expect(await petitions.get(petition.id)).toEqual(petition);

    const [row] = await select<Record<string, string>>(db, 'SELECT * FROM petitions WHERE id = ?', [petition.id]);
    expect(row.petitioner_name_enc).toMatch(/^v1:/);
    expect(row.petitioner_phone_enc).toMatch(/^v1:/);
    const raw = JSON.stringify(row);
    expect(raw).not.toContain(NAME);
    expect(raw).not.toContain(PHONE);
    expect(row.phone_index).toBe(createIdentityCipher(KEY).phoneIndex(PHONE));
  });

  it('validates every field and names none of the personal data in its errors', async () => {
    const bad: [Partial<PetitionInput>, string, RegExp][] = [
      [{ category: 'praise' as never }, 'category', /category must be one of consultation, complaint, report, help, suggestion, other/],
      [{ channel: 'email' as never }, 'channel', /channel must be one of web, wechat, hotline/],
      [{ title: ' ' }, 'title', /must not be empty/],
      [{ title: '路'.repeat(101) }, 'title', /at most 100 characters \(got 101\)/],
      [{ content: '字'.repeat(5001) }, 'content', /at most 5000/],
      [{ content: 'a\u0000b' }, 'content', /control characters/],
      [{ petitionerName: '张'.repeat(51) }, 'petitionerName', /at most 50/],
      [{ petitionerName: '' }, 'petitionerName', /must not be empty/],
      [{ petitionerPhone: '0797-3512345' }, 'petitionerPhone', /mainland mobile/],
      [{ petitionerPhone: '12812345678' }, 'petitionerPhone', /mainland mobile/],
      [{ township: '龙南镇' }, 'township', /township code/],
      [{ confidential: 'yes' as never }, 'confidential', /true or false/],
    ];
    const [{ n: before }] = await select<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM petitions');
    for (const [extra, field, message] of bad) {
      let error: unknown;
      try {
        await petitions.create(input(extra));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(PetitionInputError);
      expect((error as PetitionInputError).field).toBe(field);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(NAME);
      expect((error as Error).message).not.toMatch(/0797|1281234|3512345/);
    }
    await expect(petitions.create(null as never)).rejects.toThrow(PetitionInputError);
    expect((await petitions.create(input({ title: '路'.repeat(100), content: '字'.repeat(5000), petitionerName: '张'.repeat(50) }))).title).toHaveLength(100);
    const [{ n: after }] = await select<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM petitions');
    expect(Number(after)).toBe(Number(before) + 1);
  });

  it('gives every petition its own tracking code', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 25; i++) codes.add((await petitions.create(input({ channel: 'wechat' }))).trackingCode);
    expect(codes.size).toBe(25);
  });

  it('reads several petitions at once: those found by id, an unknown or malformed id left out', async () => {
    const other = await petitions.create(input({ title: '另一件诉求' }));
    const found = await petitions.getMany([petition.id, other.id, petition.id, '00000000-0000-4000-8000-000000000000', "x' OR 1=1 --"]);
    expect([...found.keys()].sort()).toEqual([petition.id, other.id].sort());
    expect(found.get(other.id)).toEqual(await petitions.get(other.id));
    expect(await petitions.getMany([])).toEqual(new Map());
  });

  describe('tracking by code and phone', () => {
    it('finds the petition with its phone, however the code and phone are typed', async () => {
      expect((await petitions.findForTracking(petition.trackingCode, PHONE))?.id).toBe(petition.id);
      const typed = `${petition.trackingCode.slice(0, 5).toLowerCase()}-${petition.trackingCode.slice(5).toLowerCase()}`;
      expect((await petitions.findForTracking(` ${typed} `, '138 1234 5678'))?.id).toBe(petition.id);
    });

    it('gives nothing for a wrong phone, an unknown code or a malformed one — the same way', async () => {
      // every statement sent, through Sequelize or (SQLite) the driver directly
      const queries: string[] = [];
      const original = db.sequelize.query.bind(db.sequelize);
      (db.sequelize as any).query = (sql: string, ...rest: unknown[]) => {
        queries.push(sql);
        return (original as any)(sql, ...rest);
      };
      const raw = db.raw;
      const rawAll = raw?.all.bind(raw);
      if (raw && rawAll) raw.all = ((sql: string, ...rest: unknown[]) => (queries.push(sql), (rawAll as any)(sql, ...rest))) as typeof raw.all;
      try {
        expect(await petitions.findForTracking(petition.trackingCode, '13812345679')).toBeUndefined();
        const wrongPhone = queries.splice(0);
        expect(await petitions.findForTracking('WZ22222222', PHONE)).toBeUndefined();
        const unknownCode = queries.splice(0);
        expect(await petitions.findForTracking('nonsense', 'not a phone')).toBeUndefined();
        const malformed = queries.splice(0);
        expect(wrongPhone).toHaveLength(1);
        expect(unknownCode).toEqual(wrongPhone);
        expect(malformed).toEqual(wrongPhone);
      } finally {
        (db.sequelize as any).query = original;
        if (raw && rawAll) raw.all = rawAll;
      }
      expect(await petitions.findForTracking(petition.trackingCode, '')).toBeUndefined();
      expect(await petitions.findForTracking(undefined as never, undefined as never)).toBeUndefined();
    });
  });
});

describe('status, assignment and lists', () => {
  it('sets the status shown when tracking, once', async () => {
    const p = await petitions.create(input());
    now += 60_000;
    expect(await petitions.setStatus(p.id, 'screening')).toEqual({ changed: true });
    expect(await petitions.setStatus(p.id, 'screening')).toEqual({ changed: false });
    expect(await petitions.get(p.id)).toMatchObject({ status: 'screening', updatedAt: new Date(now) });
    await expect(petitions.setStatus(p.id, 'Not A Status')).rejects.toThrow(PetitionInputError);
    await expect(petitions.setStatus('no-such-petition', 'handling')).rejects.toThrow(PetitionNotFoundError);
  });

  it('assigns the handling unit and the process instance', async () => {
    const p = await petitions.create(input());
    const assigned = await petitions.assign(p.id, 'u-longnan', 'pi-42');
    expect(assigned).toMatchObject({ unitId: 'u-longnan', processInstanceKey: 'pi-42' });
    expect(await petitions.assign(p.id, 'u-dongjiang')).toMatchObject({ unitId: 'u-dongjiang', processInstanceKey: 'pi-42' });
    expect(await petitions.assign(p.id, null)).toMatchObject({ unitId: null });
    await expect(petitions.assign(p.id, 'u-nope', 'pi-42')).rejects.toThrow(/does not exist/);
    await expect(petitions.assign(p.id, 'u-closed')).rejects.toThrow(/not active/);
    await expect(petitions.assign('no-such-petition', 'u-longnan')).rejects.toThrow(PetitionNotFoundError);
    const mine = await petitions.create(input());
    await petitions.assign(mine.id, 'u-longnan', 'pi-43');
    expect((await petitions.list({ unitId: 'u-longnan' })).map((x) => x.id)).toEqual([mine.id]);
  });

  it('keeps the co-handling units of a joint dispatch, replaced by the next dispatch (第十二条)', async () => {
    const p = await petitions.create(input());
    await petitions.assign(p.id, 'u-longnan', 'pi-44');
    expect(await petitions.coUnits(p.id)).toEqual([]);
    await petitions.setCoUnits(p.id, ['u-dongjiang', 'u-dongjiang']);
    await petitions.setCoUnits(p.id, ['u-dongjiang']);
    expect(await petitions.coUnits(p.id)).toEqual(['u-dongjiang']);
    // the co-handling unit lists it only when asked for the cases it co-handles
    expect((await petitions.list({ unitId: 'u-dongjiang' })).map((x) => x.id)).not.toContain(p.id);
    expect((await petitions.list({ unitId: 'u-dongjiang', coHandled: true })).map((x) => x.id)).toContain(p.id);
    expect((await petitions.list({ unitId: 'u-longnan', coHandled: true })).map((x) => x.id)).toContain(p.id);
    await petitions.setCoUnits(p.id, []);
    expect(await petitions.coUnits(p.id)).toEqual([]);
    await expect(petitions.setCoUnits(p.id, ['u-nope'])).rejects.toThrow(/does not exist/);
    await expect(petitions.setCoUnits('no-such-petition', ['u-dongjiang'])).rejects.toThrow(PetitionNotFoundError);
  });

  it('lists for the public nothing personal or unpublished', async () => {
    const list = await petitions.listPublic({ limit: 5 });
    expect(list).toHaveLength(5);
    for (const p of list) {
      expect(Object.keys(p).sort()).toEqual(['category', 'channel', 'createdAt', 'id', 'status', 'township', 'updatedAt']);
    }
    const text = JSON.stringify(await petitions.listPublic({ limit: 100 }));
    expect(text).not.toContain(NAME);
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain('路灯');
    expect(text).not.toMatch(/WZ[2-9A-Z]{8}/);
  });
});

describe('reading the identity (第十九条)', () => {
  let open: Petition;
  let confidential: Petition;
  let unassigned: Petition;

  beforeAll(async () => {
    open = await petitions.assign((await petitions.create(input())).id, 'u-longnan', 'pi-1');
    confidential = await petitions.assign((await petitions.create(input({ confidential: true, petitionerName: '李四', petitionerPhone: '13900001111' }))).id, 'u-longnan', 'pi-2');
    unassigned = await petitions.create(input());
  });

  const log = async (id: string) => (await petitions.identityAccessLog(id)).map((r) => `${r.staffId}/${r.purpose}`);
  const denials = async (id: string) => (await createAuditRepository(db).listByPetition(id)).filter((a) => a.action === 'identity.read-denied');

  it('shows the platform office any petition, confidential ones too, and logs each read', async () => {
    expect(await petitions.readIdentity(open.id, PLATFORM)).toEqual({ name: NAME, phone: PHONE });
    expect(await petitions.readIdentity(confidential.id, REVIEWER)).toEqual({ name: '李四', phone: '13900001111' });
    expect(await petitions.readIdentity(unassigned.id, PLATFORM)).toEqual({ name: NAME, phone: PHONE });
    expect(await log(open.id)).toEqual(['st-intake/contact-petitioner']);
    expect(await log(confidential.id)).toEqual(['st-reviewer/review-reply']);
    const [entry] = await petitions.identityAccessLog(open.id);
    expect(entry).toEqual({ id: expect.any(Number), petitionId: open.id, staffId: 'st-intake', purpose: 'contact-petitioner', at: new Date(now) });
  });

  it('shows a unit the identity of a petition assigned to it, logged', async () => {
    expect(await petitions.readIdentity(open.id, LONGNAN)).toEqual({ name: NAME, phone: PHONE });
    expect(await petitions.readIdentity(open.id, { ...LONGNAN, roles: ['unit-leader'], staffId: 'st-leader-longnan', purpose: 'sign-off' })).toEqual({ name: NAME, phone: PHONE });
    expect(await log(open.id)).toEqual(['st-intake/contact-petitioner', 'st-handler-longnan/contact-petitioner', 'st-leader-longnan/sign-off']);
  });

  it('refuses another unit, a confidential petition, an unassigned one and roles without identity — refusals audited, nothing logged as read', async () => {
    const refused = async (id: string, reader: typeof LONGNAN | typeof PLATFORM, reason: string) => {
      let error: unknown;
      try {
        await petitions.readIdentity(id, reader);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(IdentityAccessDenied);
      expect((error as IdentityAccessDenied).reason).toBe(reason);
      expect((error as Error).message).not.toContain(NAME);
      expect((error as Error).message).not.toContain('李四');
    };
    const readsBefore = [await log(open.id), await log(confidential.id), await log(unassigned.id)];
    await refused(open.id, DONGJIANG, 'not-assigned');
    await refused(confidential.id, LONGNAN, 'confidential');
    await refused(confidential.id, { ...LONGNAN, roles: ['unit-leader'] }, 'confidential');
    await refused(unassigned.id, LONGNAN, 'not-assigned');
    await refused(open.id, { ...LONGNAN, unitId: undefined }, 'not-assigned');
    for (const role of ['auditor', 'city-leader', 'admin', 'process-admin']) await refused(open.id, { ...PLATFORM, roles: [role] }, 'no-role');
    expect([await log(open.id), await log(confidential.id), await log(unassigned.id)]).toEqual(readsBefore);
    expect((await denials(open.id)).map((a) => [a.actor, a.detail])).toEqual([
      ['st-handler-dongjiang', { reason: 'not-assigned', purpose: 'contact-petitioner' }],
      ['st-handler-longnan', { reason: 'not-assigned', purpose: 'contact-petitioner' }],
      ...['auditor', 'city-leader', 'admin', 'process-admin'].map(() => ['st-intake', { reason: 'no-role', purpose: 'contact-petitioner' }]),
    ]);
    expect(await denials(confidential.id)).toHaveLength(2);
  });

  it('refuses bad readers and unknown petitions', async () => {
    await expect(petitions.readIdentity(open.id, { ...PLATFORM, purpose: 'Because I want to' })).rejects.toThrow(/purpose/);
    await expect(petitions.readIdentity(open.id, { ...PLATFORM, staffId: 'system' })).rejects.toThrow(/staffId/);
    await expect(petitions.readIdentity('no-such-petition', PLATFORM)).rejects.toThrow(PetitionNotFoundError);
  });

  it('reads for the system (publication masking) logged as staff "system"', async () => {
    expect(await petitions.readIdentityAsSystem(confidential.id, 'publication-masking')).toEqual({ name: '李四', phone: '13900001111' });
    expect((await log(confidential.id)).at(-1)).toBe('system/publication-masking');
    expect(await petitions.readIdentityAsSystem('no-such-petition', 'publication-masking')).toBeUndefined();
  });

  it('cannot decrypt with another key or a value moved from another petition, and logs no read then', async () => {
    const other = createPetitionsRepository(db, { key: generateIdentityKey(), clock });
    const before = await log(open.id);
    await expect(other.readIdentity(open.id, PLATFORM)).rejects.toThrow(IdentityDecryptError);
    expect(await log(open.id)).toEqual(before);

    // a ciphertext copied from one row to another does not decrypt there
    const [src] = await select<{ petitioner_name_enc: string }>(db, 'SELECT petitioner_name_enc FROM petitions WHERE id = ?', [confidential.id]);
    await db.transaction((tx) => exec(db, 'UPDATE petitions SET petitioner_name_enc = ? WHERE id = ?', [src.petitioner_name_enc, unassigned.id], tx));
    let error: unknown;
    try {
      await petitions.readIdentity(unassigned.id, PLATFORM);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IdentityDecryptError);
    expect((error as Error).message).not.toContain('李四');
  });

  it('refuses a malformed key at once', () => {
    expect(() => createPetitionsRepository(db, { key: 'too-short' })).toThrow(/IDENTITY_KEY/);
  });
});
