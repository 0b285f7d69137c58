/**
 * The 月报 at city size (`npm run bench -- reports`; issue 16, 第二十五条): a fresh SQLite file, or
 * with DB_URL a throw-away MariaDB/MySQL database, migrated and seeded with Longnan's units; then
 * REPORTS_CASES (default 1,000,000) petitions' case facts spread evenly over the three years before
 * December 2026, with the ledger's records of the late ones (蓝/黄/红, transfers, criticisms) and a 督办
 * for some — written straight to the tables in multi-row inserts, in a fixed pseudo-random mix of
 * channels, categories, townships, units, outcomes and ratings. (Only the projection the figures read
 * is seeded: the wide petition rows play no part in a report.)
 *
 * Then, REPORTS_RUNS times (default 5) in alternation, after one untimed warm-up of each:
 *  - the baseline: a plain `COUNT(*)` of the month's rows (the cheapest read of the same range);
 *  - the report: `figures()` of November 2026 — every figure of the 月报, with 环比 and 同比.
 * Figures (JSON last line): reportMs (median; the issue's bound: < 1000), reportBaselineMs (median),
 * reportQuarterMs (the fourth quarter's figures, median), reportMonthCases (the month's rows),
 * reportCases.
 */
import { performance } from 'node:perf_hooks';
import { createDatabase, type Database } from '../engine/embedded/store/database.js';
import { appMigrations } from '../server/data/migrations.js';
import { workerMigrations } from '../server/data/worker-migrations.js';
import { seedDemoData } from '../server/data/seed.js';
import { LONGNAN_UNITS } from '../server/data/longnan-units.js';
import { generateIdentityKey } from '../server/domain/identity-crypto.js';
import { createReportFiguresService } from '../server/services/report-figures-service.js';
import { monthPeriod, periodRange, quarterPeriod } from '../regulation/report-period.js';
import { median, openTarget, round } from './lifecycle/measure.js';
import { prng } from './prng.js';

const DAY = 86_400_000;
const END = Date.parse('2026-11-30T16:00:00.000Z');
const SPAN = 3 * 365 * DAY;

const FACT_COLUMNS = [
  'received_ms', 'petition_id', 'channel', 'category', 'township', 'unit_id', 'accepted_ms', 'rejected_ms', 'closed_ms', 'due_ms', 'on_time',
  'first_rating', 'first_rated_ms', 'rating', 'rated_ms', 'redo_count', 'redo_ms', 'supervision_count', 'supervision_items', 'merged_ms', 'invalid_kind', 'invalid_ms',
];
const CHANNELS = ['web', 'wechat', 'hotline'];
const CATEGORIES = ['consultation', 'complaint', 'report', 'help', 'suggestion', 'other'];
const RATINGS = ['very-satisfied', 'very-satisfied', 'satisfied', 'satisfied', 'satisfied', 'basically-satisfied', 'unsatisfied', 'very-unsatisfied'];

async function insertRows(db: Database, table: string, columns: string[], rows: unknown[][]) {
  if (!rows.length) return;
  const one = `(${columns.map(() => '?').join(', ')})`;
  const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(rows.length).fill(one).join(', ')}`;
  const params = rows.flat();
  await db.transaction(async (tx) => {
    if (db.raw) await db.raw.run(sql, params, tx);
    else await db.sequelize.query(sql, { replacements: params, transaction: tx });
  });
}

/** n petitions' facts over three years, their ledger records and 督办 */
export async function seed(db: Database, n: number, out: (line: string) => void) {
  const rnd = prng(20261201);
  const townships = LONGNAN_UNITS.filter((u) => u.kind === 'township');
  const departments = LONGNAN_UNITS.filter((u) => u.kind !== 'township');
  let facts: unknown[][] = [];
  let ledger: unknown[][] = [];
  let transfers: unknown[][] = [];
  let criticisms: unknown[][] = [];
  let supervisions: unknown[][] = [];
  const flush = async (force = false) => {
    if (force || facts.length >= 800) {
      await insertRows(db, 'case_facts', FACT_COLUMNS, facts);
      facts = [];
    }
    if (force || ledger.length >= 800) {
      await insertRows(db, 'score_ledger', ['unit_id', 'petition_id', 'deadline_seq', 'level', 'points', 'reason', 'created_at'], ledger);
      ledger = [];
    }
    if (force || transfers.length >= 400) {
      await insertRows(db, 'inspection_transfers', ['petition_id', 'deadline_seq', 'unit_id', 'created_at'], transfers);
      await insertRows(db, 'criticisms', ['unit_id', 'petition_id', 'deadline_seq', 'reason', 'created_at'], criticisms);
      transfers = [];
      criticisms = [];
    }
    if (force || supervisions.length >= 800) {
      await insertRows(db, 'case_fact_supervisions', ['user_task_key', 'petition_id', 'item', 'started_ms'], supervisions);
      supervisions = [];
    }
  };
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const id = `bench-${i}`;
    const received = END - SPAN + Math.floor((i * SPAN) / n);
    const place = rnd() < 0.1 ? undefined : townships[Math.floor(rnd() * townships.length)];
    const unit = rnd() < 0.7 && place ? place.id : departments[Math.floor(rnd() * departments.length)].id;
    const r = rnd();
    const merged = r < 0.02;
    const invalid = !merged && r < 0.023;
    const rejected = !merged && !invalid && r < 0.1;
    const accepted = !merged && !rejected;
    const closed = accepted && rnd() < 0.88;
    const closedMs = closed ? received + Math.floor((0.5 + rnd() * 8) * DAY) : null;
    const dueMs = accepted ? received + 5 * DAY : null;
    const rated = closed && rnd() < 0.6;
    const first = rated ? RATINGS[Math.floor(rnd() * RATINGS.length)] : null;
    const redo = rated && (first === 'unsatisfied' || first === 'very-unsatisfied') && rnd() < 0.8;
    const latest = redo ? RATINGS[Math.floor(rnd() * RATINGS.length)] : first;
    const ratedMs = rated ? (closedMs as number) + DAY : null;
    const supervised = accepted && rnd() < 0.01;
    facts.push([
      received, id, CHANNELS[Math.floor(rnd() * 3)], CATEGORIES[Math.floor(rnd() * 6)], place?.township ?? '', accepted || invalid ? unit : null,
      accepted || invalid ? received + 3_600_000 : null, rejected ? received + 3_600_000 : null, closedMs, dueMs, closed ? ((closedMs as number) <= (dueMs as number) ? 1 : 0) : null,
      first, ratedMs, latest, redo ? (ratedMs as number) + 6 * DAY : ratedMs, redo ? 1 : 0, redo ? (ratedMs as number) : null, supervised ? 1 : 0, supervised ? '三' : '',
      merged ? received + 3_600_000 : null, invalid ? 'malicious' : null, invalid ? received + 2 * DAY : null,
    ]);
    // late: 蓝 at 1 working day over, 黄 at 2, 红 at 4, a transfer and its 通报批评 at 7
    const over = closedMs !== null && dueMs !== null ? (closedMs - dueMs) / DAY : 0;
    const levels: [string, number, number][] = [['blue', 5, 1], ['yellow', 10, 2], ['red', 30, 4]];
    for (const [level, points, days] of levels) if (over >= days) ledger.push([unit, id, 1, level, points, `超期 ${days} 个工作日`, (dueMs as number) + days * DAY]);
    if (over >= 7 && rnd() < 0.5) {
      transfers.push([id, 1, unit, (dueMs as number) + 7 * DAY]);
      criticisms.push([unit, id, 1, '超期 7 个工作日未说明原因', (dueMs as number) + 7 * DAY]);
    }
    if (supervised) supervisions.push([`bench-task-${i}`, id, '三', received + 6 * DAY]);
    await flush();
    if ((i + 1) % 200_000 === 0) out(`  ${i + 1} cases written (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await flush(true);
}

export async function runReports(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<Record<string, number | string>> {
  const n = Number(env.REPORTS_CASES ?? 1_000_000);
  const runs = Number(env.REPORTS_RUNS ?? 5);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`REPORTS_CASES must be a whole number ≥ 1 (got "${env.REPORTS_CASES}")`);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`REPORTS_RUNS must be a whole number ≥ 1 (got "${env.REPORTS_RUNS}")`);
  const target = await openTarget(env.DB_URL);
  out(`reports: the 月报 of November 2026 over ${n} petitions in three years, ${runs} runs against a plain count; ${target.kind}`);
  const db = await createDatabase({ url: target.url, migrations: [...appMigrations, ...workerMigrations] });
  try {
    await db.migrate();
    await seedDemoData(db, { key: generateIdentityKey() });
    const t0 = performance.now();
    await seed(db, n, out);
    out(`  ${n} cases' facts and their ledger written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // what a database does after a bulk load: statistics for the planner
    if (db.dialect === 'sqlite') await db.sequelize.query('ANALYZE');
    else for (const t of ['case_facts', 'score_ledger', 'inspection_transfers', 'criticisms', 'case_fact_supervisions']) await db.sequelize.query(`ANALYZE TABLE ${t}`);

    const service = createReportFiguresService({ db });
    const month = monthPeriod(2026, 11);
    const { from, to } = periodRange(month);
    const count = async () => {
      const sql = 'SELECT COUNT(*) AS n FROM case_facts WHERE received_ms >= ? AND received_ms < ?';
      const params = [from.getTime(), to.getTime()];
      const [row] = db.raw ? await db.raw.all<{ n: number }>(sql, params) : ((await db.sequelize.query(sql, { replacements: params, type: 'SELECT' as never })) as unknown as { n: number }[]);
      return Number(row.n);
    };
    const monthCases = await count();
    const first = await service.figures(month);
    await service.figures(quarterPeriod(2026, 4));
    out(`  November 2026: ${first.totals.received} counted, ${first.totals.excluded} excluded, ${first.totals.merged} merged; 按期办结率 ${first.totals.rates.onTime?.toFixed(3)}, 满意率 ${first.totals.rates.satisfaction?.toFixed(3)}, ${first.unitsRanked.length} units ranked`);
    const baseline: number[] = [];
    const report: number[] = [];
    const quarter: number[] = [];
    for (let r = 0; r < runs; r++) {
      let t = performance.now();
      await count();
      baseline.push(performance.now() - t);
      t = performance.now();
      await service.figures(month);
      report.push(performance.now() - t);
      t = performance.now();
      await service.figures(quarterPeriod(2026, 4));
      quarter.push(performance.now() - t);
    }
    const figures = {
      reportMs: round(median(report), 1),
      reportBaselineMs: round(median(baseline), 1),
      reportQuarterMs: round(median(quarter), 1),
      reportMonthCases: monthCases,
      reportCases: n,
      reportDb: target.kind,
    };
    out(`  figures() of a month: ${figures.reportMs} ms (median of ${runs}; bound 1000); a quarter: ${figures.reportQuarterMs} ms; COUNT(*) of the month: ${figures.reportBaselineMs} ms`);
    return figures;
  } finally {
    await db.close();
    // REPORTS_KEEP=1: the database stays, for looking at its plans
    if (env.REPORTS_KEEP === '1') out(`  kept: ${target.url}`);
    else await target.drop();
  }
}
