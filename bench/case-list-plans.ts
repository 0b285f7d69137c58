/**
 * The case list's query plans at city size (`npm run bench -- case-list`; issue 15): CASE_LIST_ROWS
 * petitions (default 1,000,000) written straight to a fresh database (SQLite file, or with DB_URL a
 * throw-away MariaDB/MySQL database, as the queues part makes it), with statuses, categories,
 * townships, channels and units spread over them; then, for each filter staff use with the
 * newest-first sort, the statement the repository sends (captured, not copied) is EXPLAINed and
 * timed on its first page and on a page deep in the list (a keyset cursor 80 % down).
 * Prints each plan; the JSON figures are the pages' milliseconds.
 */
import { codeOf } from './seed-cases.js';
import { performance } from 'node:perf_hooks';
import { QueryTypes } from 'sequelize';
import { createDatabase, type Database } from '../engine/embedded/store/database.js';
import { createPetitionsRepository, type CaseFilter, type CaseOrder } from '../server/data/petitions-repository.js';
import { generateIdentityKey } from '../server/domain/identity-crypto.js';
import { migrationsFor } from '../server/engine-setup.js';
import { seedDemoData } from '../server/data/seed.js';
import { openTarget, round } from './lifecycle/measure.js';

const STATUSES = ['submitted', 'screening', 'dispatched', 'handling', 'replied', 'evaluating', 'closed', 'closed', 'closed', 'rejected'];
const CATEGORIES = ['consultation', 'complaint', 'report', 'help', 'suggestion', 'other'];
const TOWNSHIPS = ['360783100', '360783101', '360783102', '360783103', '360783104', '360783105', '360783200', '360783201', '360783202', '360783203', '360783204', null];
const UNITS = ['u-longnan', 'u-dongjiang', 'u-wudang', 'u-yangcun', null];
const CHANNELS = ['web', 'wechat', 'hotline'];

export async function runCaseListPlans(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<Record<string, number | string>> {
  const n = Number(env.CASE_LIST_ROWS ?? 1_000_000);
  if (!Number.isSafeInteger(n) || n < 1000) throw new Error(`CASE_LIST_ROWS must be a whole number ≥ 1000 (got "${env.CASE_LIST_ROWS}")`);
  const target = await openTarget(env.DB_URL);
  out(`case-list: ${n} petitions, query plans of the list's filters; ${target.kind}`);
  const db = await createDatabase({ url: target.url, migrations: migrationsFor({ engine: 'embedded' }) });
  try {
    await db.migrate();
    const key = generateIdentityKey();
    await seedDemoData(db, { key });
    const t0 = performance.now();
    await fill(db, n);
    out(`  ${n} petitions written in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    if (target.kind === 'mysql') await db.sequelize.query('ANALYZE TABLE petitions');
    else await db.sequelize.query('ANALYZE');

    const captured: { sql: string; params: unknown[] }[] = [];
    const petitions = createPetitionsRepository(capturing(db, captured), { key });
    const deep = Date.parse('2026-01-01T00:00:00Z') - Math.floor(n * 0.8) * 30_000;
    const cases: [string, CaseFilter, CaseOrder][] = [
      ['none', {}, 'created-desc'],
      ['status', { status: 'handling' }, 'created-desc'],
      ['category', { category: 'help' }, 'created-desc'],
      ['township', { township: '360783201' }, 'created-desc'],
      ['unit', { unitId: 'u-dongjiang', coHandled: true }, 'created-desc'],
      ['unit+status', { unitId: 'u-dongjiang', coHandled: true, status: 'closed' }, 'created-desc'],
      ['status+category', { status: 'handling', category: 'help' }, 'created-desc'],
      ['status oldest', { status: 'closed' }, 'created-asc'],
      ['updated', {}, 'updated-desc'],
      ['urgent', { urgent: true }, 'created-desc'],
      ['keyword 90 days', { keyword: '路灯', from: new Date(Date.parse('2026-01-01T00:00:00Z') - 90 * 86_400_000) }, 'created-desc'],
      ['tracking code', { trackingCode: 'WZ22222222' }, 'created-desc'],
    ];
    const figures: Record<string, number | string> = { caseListDb: target.kind, caseListRows: n };
    for (const [name, filter, order] of cases) {
      for (const [where, after] of [['first', undefined], ['deep', { key: deep, id: 'zzzz' }]] as const) {
        captured.length = 0;
        const t = performance.now();
        const rows = await petitions.search(filter, { order, ...(after && { after }), limit: 51 });
        const ms = performance.now() - t;
        const { sql, params } = captured[0];
        const plan = await explain(db, target.kind, sql, params);
        out(`  ${name.padEnd(16)} ${where.padEnd(5)} ${ms.toFixed(1).padStart(8)} ms, ${rows.length} rows — ${plan}`);
        figures[`caseList ${name} ${where} ms`] = round(ms, 1);
      }
    }
    return figures;
  } finally {
    await db.close();
    await target.drop();
  }
}

/** `n` petitions, newest first from 2026-01-01 back 30 s each, varied fields; multi-row inserts */
async function fill(db: Database, n: number) {
  const cols = ['id', 'tracking_code', 'channel', 'category', 'urgent', 'confidential', 'title', 'content', 'township', 'petitioner_name_enc', 'petitioner_phone_enc', 'phone_index', 'status', 'unit_id', 'process_instance_key', 'created_at', 'updated_at'];
  const start = Date.parse('2026-01-01T00:00:00Z');
  const one = `(${cols.map(() => '?').join(', ')})`;
  const batch = 1000;
  for (let from = 0; from < n; from += batch) {
    const count = Math.min(batch, n - from);
    const values: unknown[] = [];
    for (let k = 0; k < count; k++) {
      const i = from + k;
      const at = start - i * 30_000;
      values.push(`p-${String(i).padStart(8, '0')}`, codeOf(i), CHANNELS[i % 3], CATEGORIES[(i * 7) % 6], i % 97 === 0, false,
        i % 50 === 0 ? '路灯不亮' : `诉求 ${i}`, '内容', TOWNSHIPS[i % TOWNSHIPS.length], 'x', 'x', `idx-${i % 5000}`, STATUSES[(i * 3) % STATUSES.length], UNITS[i % UNITS.length], null, at, at + (i % 17) * 3_600_000);
    }
    await db.sequelize.query(`INSERT INTO petitions (${cols.join(', ')}) VALUES ${Array(count).fill(one).join(', ')}`, { replacements: values });
  }
}

/** the database, its reads recorded (statement and values) before they run */
function capturing(db: Database, captured: { sql: string; params: unknown[] }[]): Database {
  const raw = db.raw && {
    ...db.raw,
    all: <T>(sql: string, params: unknown[], tx?: unknown) => {
      captured.push({ sql, params });
      return db.raw!.all<T>(sql, params, tx as never);
    },
  };
  const sequelize = new Proxy(db.sequelize, {
    get(t, p, r) {
      if (p !== 'query') return Reflect.get(t, p, r);
      return (sql: string, options: { replacements?: unknown[] }) => {
        captured.push({ sql, params: options?.replacements ?? [] });
        return t.query(sql, options as never);
      };
    },
  });
  return { ...db, sequelize, ...(raw && { raw }) } as Database;
}

async function explain(db: Database, kind: string, sql: string, params: unknown[]): Promise<string> {
  if (kind === 'sqlite') {
    const rows = (await db.sequelize.query(`EXPLAIN QUERY PLAN ${sql}`, { replacements: params, type: QueryTypes.SELECT })) as { detail: string }[];
    return rows.map((r) => r.detail).join(' | ');
  }
  const rows = (await db.sequelize.query(`EXPLAIN ${sql}`, { replacements: params, type: QueryTypes.SELECT })) as Record<string, unknown>[];
  return rows.map((r) => `${r.table}: ${r.type} key=${r.key} rows=${r.rows} ${r.Extra ?? ''}`).join(' | ');
}
