/**
 * The form versions (migration 0501-form-versions): a throw-away SQLite file, or a throw-away
 * MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { canonicalJson, createFormsRepository, FormsInputError, type FormsRepository } from './forms-repository.js';
import { appMigrations } from './migrations.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let repo: FormsRepository;
let now = Date.parse('2026-03-02T02:00:00.000Z');

const form = (label: string, extra: Record<string, unknown> = {}) => ({
  id: 'sign-or-return',
  type: 'default',
  components: [{ type: 'textfield', id: 'Field_a', key: 'a', label }],
  ...extra,
});

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  repo = createFormsRepository(db, { now: () => now });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

describe('form versions', () => {
  it('given a new form, when saved, then it is version 1; a changed schema is version 2, an identical one (keys in another order too) makes no version', async () => {
    const first = await repo.save('sign-or-return', form('处理方式'), { deployedBy: 'start-up' });
    expect(first).toEqual({ created: true, version: { formId: 'sign-or-return', version: 1, deployedBy: 'start-up', deployedAt: new Date(now), sha256: expect.stringMatching(/^[0-9a-f]{64}$/), schema: form('处理方式') } });
    now += 60_000;
    const second = await repo.save('sign-or-return', form('办理方式'), { deployedBy: 'modeler' });
    expect(second.created).toBe(true);
    expect(second.version).toMatchObject({ version: 2, deployedBy: 'modeler', deployedAt: new Date(now), schema: form('办理方式') });
    now += 60_000;
    // the same content with the keys reordered: not a change
    const reordered = { components: [{ label: '办理方式', key: 'a', id: 'Field_a', type: 'textfield' }], type: 'default', id: 'sign-or-return' };
    const same = await repo.save('sign-or-return', reordered, { deployedBy: 'modeler' });
    expect(same.created).toBe(false);
    expect(same.version.version).toBe(2);
    expect(canonicalJson(reordered)).toBe(canonicalJson(form('办理方式')));
    // back to the first content is a change against the latest: version 3
    expect((await repo.save('sign-or-return', form('处理方式'), { deployedBy: 'modeler' })).version.version).toBe(3);
  });

  it('lists the latest version of each form, a form’s versions newest first, one version, and finds a version by its schema', async () => {
    await repo.save('review-return', { id: 'review-return', type: 'default', components: [] }, { deployedBy: 'start-up' });
    const latest = await repo.listLatest();
    expect(latest.map((v) => [v.formId, v.version])).toEqual([
      ['review-return', 1],
      ['sign-or-return', 3],
    ]);
    expect(latest[1].schema).toEqual(form('处理方式'));
    const versions = await repo.versions('sign-or-return');
    expect(versions.map((v) => [v.version, v.deployedBy])).toEqual([
      [3, 'modeler'],
      [2, 'modeler'],
      [1, 'start-up'],
    ]);
    expect(versions[0]).not.toHaveProperty('schema');
    expect((await repo.get('sign-or-return', 2))?.schema).toEqual(form('办理方式'));
    expect((await repo.get('sign-or-return'))?.version).toBe(3);
    expect(await repo.get('sign-or-return', 9)).toBeUndefined();
    expect(await repo.get('nothing-here')).toBeUndefined();
    expect(await repo.versions('nothing-here')).toEqual([]);
    // the newest version with that content
    expect((await repo.findBySchema('sign-or-return', form('处理方式')))?.version).toBe(3);
    expect((await repo.findBySchema('sign-or-return', form('办理方式')))?.version).toBe(2);
    expect(await repo.findBySchema('sign-or-return', form('从未保存'))).toBeUndefined();
  });

  it('given two saves of different schemas at once, when both run, then they become two consecutive versions', async () => {
    const [a, b] = await Promise.all([
      repo.save('race-form', { type: 'default', components: [], title: 'a' }, { deployedBy: 'modeler' }),
      repo.save('race-form', { type: 'default', components: [], title: 'b' }, { deployedBy: 'modeler' }),
    ]);
    expect([a.version.version, b.version.version].sort()).toEqual([1, 2]);
  });

  it('refuses malformed arguments and writes nothing', async () => {
    const count = async () => (await db.sequelize.query('SELECT COUNT(*) AS n FROM form_versions', { plain: true }))?.n;
    const before = await count();
    const bad: [() => Promise<unknown>, RegExp][] = [
      [() => repo.save('../etc/passwd', form('x'), { deployedBy: 'modeler' }), /form id/],
      [() => repo.save('', form('x'), { deployedBy: 'modeler' }), /form id/],
      [() => repo.save('ok-form', [] as never, { deployedBy: 'modeler' }), /JSON object/],
      [() => repo.save('ok-form', form('x'), { deployedBy: '张三' }), /deployedBy/],
      [() => repo.save('ok-form', { type: 'default', components: [], big: 'x'.repeat(1024 * 1024) }, { deployedBy: 'modeler' }), /smaller than/],
      [() => repo.get('ok-form', 0), /version/],
    ];
    for (const [call, message] of bad) {
      const err = await call().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(FormsInputError);
      expect((err as Error).message).toMatch(message);
    }
    expect(await count()).toBe(before);
  });
});
