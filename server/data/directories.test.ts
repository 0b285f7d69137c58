/**
 * The real UnitDirectory and PetitionDirectory of workers/deps.ts over the app's tables: a throw-away
 * SQLite file, or a throw-away MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { generateIdentityKey } from '../domain/identity-crypto.js';
import { preparePublication } from '../../regulation/publication.js';
import { suggestUnit } from '../../regulation/unit-suggestion.js';
import { unitRecipient } from '../../workers/recipients.js';
import { MemoryLogger } from '../../workers/testing/in-memory.js';
import { createPetitionDirectory, createUnitDirectory, PUBLICATION_PURPOSE } from './directories.js';
import { appMigrations } from './migrations.js';
import { createPetitionsRepository, type PetitionsRepository } from './petitions-repository.js';
import { createUnitsRepository, type UnitsRepository } from './units-repository.js';

const KEY = generateIdentityKey();
let target: { url: string; drop(): Promise<void> };
let db: Database;
let units: UnitsRepository;
let petitions: PetitionsRepository;

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  units = createUnitsRepository(db);
  petitions = createPetitionsRepository(db, { key: KEY });
  await units.create({ id: 'u-longnan', name: '龙南镇人民政府', kind: 'township', township: '360783100' });
  await units.create({ id: 'u-market', name: '龙南市市场监督管理局', kind: 'department', duties: ['market-regulation'] });
  await units.create({ id: 'u-water', name: '龙南市自来水公司', kind: 'enterprise' });
  await units.create({ id: 'u-closed', name: '已撤销单位', kind: 'department', active: false });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('UnitDirectory', () => {
  it('lists the active units as UnitInfo, which the 属地 suggestion uses', async () => {
    const directory = createUnitDirectory(db);
    const list = await directory.list();
    expect(list).toEqual([
      { id: 'u-longnan', name: '龙南镇人民政府', kind: 'township', township: '360783100' },
      { id: 'u-market', name: '龙南市市场监督管理局', kind: 'department', duties: ['market-regulation'] },
      { id: 'u-water', name: '龙南市自来水公司', kind: 'enterprise' },
    ]);
    expect(suggestUnit(list, '360783100', 'complaint').unitId).toBe('u-longnan');
    expect(suggestUnit(list, '360783100', 'report').unitId).toBe('u-market');
  });

  it('answers a stable reference of the 责任人, 分管领导 and 主要领导 — never a phone or a name', async () => {
    const directory = createUnitDirectory(units);
    expect(await directory.recipient('u-longnan', 'contact')).toBeUndefined();
    await units.addPerson('u-longnan', { role: 'handler', name: '赵晓明', phone: '13807970101' });
    const contact = await units.addPerson('u-longnan', { role: 'contact', name: '赵建华', phone: '13807970102' });
    const leader = await units.addPerson('u-longnan', { role: 'leader', name: '赵志强', phone: '13807970103' });
    const head = await units.addPerson('u-longnan', { role: 'head', name: '赵国平', phone: '13807970104' });
    await units.addPerson('u-longnan', { role: 'contact', name: '赵二', phone: '13807970112' });
    expect(await directory.recipient('u-longnan', 'contact')).toBe(`unit-person:${contact.id}`);
    expect(await directory.recipient('u-longnan', 'leader')).toBe(`unit-person:${leader.id}`);
    expect(await directory.recipient('u-longnan', 'head')).toBe(`unit-person:${head.id}`);
    expect(await directory.recipient('u-market', 'leader')).toBeUndefined();
    expect(await directory.recipient('u-nope', 'leader')).toBeUndefined();
    // the channel resolves the reference when it sends
    expect(await units.resolvePersonRef((await directory.recipient('u-longnan', 'leader'))!)).toMatchObject({ name: '赵志强', phone: '13807970103' });

    // as the notify worker uses it
    const logger = new MemoryLogger();
    const unit = (await directory.list()).find((u) => u.id === 'u-longnan')!;
    expect(await unitRecipient('unit-head', unit, { units: directory, logger })).toEqual({ recipientKind: 'unit-head', recipientRef: `unit-person:${head.id}`, unit });
    const market = (await directory.list()).find((u) => u.id === 'u-market')!;
    expect((await unitRecipient('unit-leader', market, { units: directory, logger })).recipientRef).toBe('unit:u-market');
    expect(logger.entries.map((e) => e.level)).toEqual(['warn']);
  });
});

describe('PetitionDirectory', () => {
  it('sets the status shown when tracking', async () => {
    const directory = createPetitionDirectory(petitions);
    const p = await petitions.create({ channel: 'hotline', category: 'help', title: '求助', content: '家中停水两天', petitionerName: '王五', petitionerPhone: '13700001111' });
    await directory.setStatus(p.id, 'handling');
    await directory.setStatus(p.id, 'handling');
    expect((await petitions.get(p.id))?.status).toBe('handling');
    await expect(directory.setStatus('no-such-petition', 'handling')).rejects.toThrow(/not found/);
  });

  it('gives the publication its title and the decrypted identity to mask, as a logged read by "system"', async () => {
    const directory = createPetitionDirectory({ db, key: KEY });
    const p = await petitions.create({
      channel: 'web',
      category: 'complaint',
      title: '王五反映小区停水',
      content: '小区停水',
      confidential: true,
      petitionerName: '王五',
      petitionerPhone: '13700001111',
    });
    const source = await directory.getPublicationSource(p.id);
    expect(source).toEqual({ title: '王五反映小区停水', petitionerName: '王五', petitionerPhone: '13700001111' });
    expect(await petitions.identityAccessLog(p.id)).toEqual([{ id: expect.any(Number), petitionId: p.id, staffId: 'system', purpose: PUBLICATION_PURPOSE, at: expect.any(Date) }]);
    const published = preparePublication({ result: '已联系王五(13700001111),已恢复供水。' }, source!);
    expect(published.title).toBe('**反映小区停水');
    expect(published.maskedText).not.toMatch(/王五|13700001111/);
    expect(await directory.getPublicationSource('no-such-petition')).toBeUndefined();
  });

  it('given a remote worker’s credential as the reader (issue 19), when the publication reads the identity, then the read is logged as that credential', async () => {
    const directory = createPetitionDirectory({ db, key: KEY });
    const p = await petitions.create({ channel: 'web', category: 'complaint', title: '赵六反映路灯', content: '路灯不亮', confidential: false, petitionerName: '赵六', petitionerPhone: '13700002222' });
    expect(await directory.getPublicationSource(p.id, 'remote-worker:cred-1')).toMatchObject({ petitionerName: '赵六' });
    expect((await petitions.identityAccessLog(p.id)).map((r) => [r.staffId, r.purpose])).toEqual([['remote-worker:cred-1', PUBLICATION_PURPOSE]]);
  });
});
