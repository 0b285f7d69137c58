/**
 * The 红黄蓝 board at city size (`npm run bench -- board`; issue 16). The whole app in this process
 * (bench/lifecycle/app.ts) on a fresh SQLite file, or with DB_URL on a throw-away MariaDB/MySQL
 * database, seeded as the work-queue bench seeds it (bench/work-queue.ts: BOARD_PETITIONS cases,
 * default 1,000,000, and BOARD_TASKS open tasks, default 100,000, deadlines from 10 days past to 10
 * days ahead — about half of them late). Then the 第二十六条 records those late tasks would have: a
 * deduction per level reached for each late unit task, a transfer to 督查室 and its 通报批评 for one in
 * twenty of the red, a delay explanation for one in ten.
 *
 * Timed, BOARD_ROUNDS rounds each: the board as the reviewer (the whole city) and a unit handler
 * (龙南镇) ask for it — GET /api/board with no filter, each colour, a unit, and the page behind the
 * first page's cursor — the whole HTTP answer (`boardP99Ms`: counts by unit and colour, the page with
 * its titles, days overdue, deductions, explanations and transfers, the latest transfers and
 * criticisms); and the repository's counts alone (`boardCountsP99Ms`).
 */
import { performance } from 'node:perf_hooks';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createBoardRepository } from '../server/data/board-repository.js';
import { submitOnePetition } from './seed-cases.js';
import { startApp } from './lifecycle/app.js';
import { Browser, expectStatus } from './lifecycle/driver.js';
import { openTarget, p99, round } from './lifecycle/measure.js';
import { writeCases, writeTasks } from './work-queue.js';

const DAY = 86_400_000;

export async function runBoard(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<Record<string, number | string>> {
  const petitionCount = Number(env.BOARD_PETITIONS ?? 1_000_000);
  const taskCount = Number(env.BOARD_TASKS ?? 100_000);
  const rounds = Number(env.BOARD_ROUNDS ?? 20);
  for (const [name, v] of Object.entries({ BOARD_PETITIONS: petitionCount, BOARD_TASKS: taskCount, BOARD_ROUNDS: rounds })) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  }
  if (taskCount > petitionCount) throw new Error('BOARD_TASKS cannot exceed BOARD_PETITIONS (one task per case)');
  const target = await openTarget(env.DB_URL);
  out(`board: the 红黄蓝 board with ${taskCount} open tasks of ${petitionCount} cases, ${rounds} rounds; ${target.kind}`);
  const app = await startApp(target.url, 1);
  try {
    const base = app.bases[0];
    await submitOnePetition(base);
    const sequelize = app.db.sequelize;
    const now = Date.now();
    let t0 = performance.now();
    await writeCases(sequelize, petitionCount, now);
    await writeTasks(sequelize, taskCount, petitionCount, now);
    out(`  ${petitionCount} cases and ${taskCount} open tasks written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    const seeded = await writeRecords(sequelize, now);
    out(`  ${seeded.deductions} deductions, ${seeded.transfers} transfers and criticisms, ${seeded.explanations} explanations written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await analyze(sequelize);

    const repo = createBoardRepository(app.db);
    const countMs: number[] = [];
    const httpMs: number[] = [];
    const slowest = new Map<string, number>();
    const reviewer = await new Browser(base).signIn('reviewer');
    const handler = await new Browser(base).signIn('handler-longnan');
    let rows = 0;
    for (let r = 0; r < rounds; r++) {
      for (const scope of [{}, { unitId: 'u-longnan' }]) {
        const t = performance.now();
        await repo.counts(scope, now);
        countMs.push(performance.now() - t);
      }
      for (const [who, p, qs] of [
        ['reviewer', reviewer, ''],
        ['reviewer', reviewer, 'colour=blue'],
        ['reviewer', reviewer, 'colour=yellow'],
        ['reviewer', reviewer, 'colour=red'],
        ['reviewer', reviewer, 'colour=transfer'],
        ['reviewer', reviewer, 'unit=u-dongjiang'],
        ['reviewer', reviewer, 'unit=u-longnan&colour=red'],
        ['handler', handler, ''],
        ['handler', handler, 'colour=yellow'],
        ['handler', handler, 'colour=transfer'],
      ] as const) {
        let t = performance.now();
        const res = await p.get(`/api/board${qs ? `?${qs}` : ''}`);
        let ms = performance.now() - t;
        httpMs.push(ms);
        expectStatus(res, 200, `GET /api/board?${qs}`);
        slowest.set(`${who} ${qs}`, Math.max(slowest.get(`${who} ${qs}`) ?? 0, ms));
        rows += res.body.rows.length;
        if (res.body.next) {
          t = performance.now();
          const more = await p.get(`/api/board?${res.body.next}`);
          ms = performance.now() - t;
          httpMs.push(ms);
          expectStatus(more, 200, `GET /api/board?${res.body.next}`);
          slowest.set(`${who} ${qs} (page 2)`, Math.max(slowest.get(`${who} ${qs} (page 2)`) ?? 0, ms));
        }
      }
    }
    if (!rows) throw new Error('the board listed no late case: the seed is wrong');
    // where an answer's time goes: each read the service makes, alone (the city's first page of each colour)
    const steps = new Map<string, number[]>();
    const step = async <T>(name: string, read: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      const v = await read();
      steps.set(name, [...(steps.get(name) ?? []), performance.now() - t]);
      return v;
    };
    for (let r = 0; r < rounds; r++) {
      await step('counts (city)', () => repo.counts({}, now));
      await step('counts (龙南镇)', () => repo.counts({ unitId: 'u-longnan' }, now));
      for (const colour of [undefined, 'blue', 'yellow', 'red', 'transfer'] as const) {
        const page = await step(`page ${colour ?? 'all'}`, () => repo.page({}, colour, now, { limit: 50 }));
        const ids = [...new Set(page.items.map((i) => i.petitionId))];
        await step('titles', () => repo.titles(ids));
        await step('deductions', () => repo.deductions(ids));
        await step('transfersOf', () => repo.transfersOf(ids));
        await step('explanations', () => repo.explanations(ids));
      }
      await step('transfers list', () => repo.transfers({}, { limit: 21 }));
      await step('criticisms list', () => repo.criticisms({}, { limit: 21 }));
    }
    out(`  each read, p99: ${[...steps].map(([k, v]) => `${k} ${p99(v).toFixed(1)}`).join(', ')} ms`);
    if (env.BOARD_EXPLAIN) {
      // the plans of the reads that scan (BOARD_EXPLAIN=1)
      const sqls = repo.sqlOf({}, now);
      for (const [name, q] of Object.entries(sqls)) {
        const plan = await sequelize.query(`${sequelize.getDialect() === 'sqlite' ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${q.sql}`, { replacements: q.args, type: QueryTypes.SELECT });
        out(`    plan of ${name}: ${JSON.stringify(plan)}`);
      }
    }
    for (const [k, ms] of [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 3)) out(`    slowest: ${ms.toFixed(1)} ms GET /api/board as ${k}`);
    const figures = {
      boardDb: target.kind,
      boardTasks: taskCount,
      boardPetitions: petitionCount,
      boardP99Ms: round(p99(httpMs), 1),
      boardCountsP99Ms: round(p99(countMs), 1),
    };
    out(`  GET /api/board p99 (boardP99Ms)      ${figures.boardP99Ms} ms (issue 16: < 200; ${httpMs.length} answers)`);
    out(`  counts by unit × colour p99          ${figures.boardCountsP99Ms} ms`);
    return figures;
  } finally {
    await app.close();
    // BOARD_KEEP=1: the seeded database stays, to look at plans by hand
    if (env.BOARD_KEEP) out(`  kept: ${target.url}`);
    else await target.drop();
  }
}

/** the 第二十六条 records of the late unit tasks: deductions per level reached, some transfers (with their criticism) and explanations */
async function writeRecords(sequelize: Sequelize, now: number) {
  const late = (await sequelize.query(
    "SELECT petition_id, unit_id, due_ms, blue_ms, yellow_ms, red_ms FROM work_items WHERE state = 'open' AND is_first = 1 AND blue_ms IS NOT NULL AND blue_ms <= ?",
    { replacements: [now], type: QueryTypes.SELECT },
  )) as { petition_id: string; unit_id: string; blue_ms: number | string; yellow_ms: number | string | null; red_ms: number | string | null }[];
  const ledger: unknown[][] = [];
  const transfers: unknown[][] = [];
  const criticisms: unknown[][] = [];
  const explanations: unknown[][] = [];
  let red = 0;
  late.forEach((t, i) => {
    const levels: [string, number, unknown][] = [['blue', 5, t.blue_ms], ['yellow', 10, t.yellow_ms], ['red', 30, t.red_ms]];
    for (const [level, points, at] of levels) if (at !== null && Number(at) <= now) ledger.push([t.unit_id, t.petition_id, 0, level, points, `${level}预警`, Number(at)]);
    if (t.red_ms !== null && Number(t.red_ms) <= now && Number(t.red_ms) + 3 * DAY <= now && red++ % 20 === 0) {
      transfers.push([t.petition_id, 0, t.unit_id, Number(t.red_ms) + 3 * DAY]);
      criticisms.push([t.unit_id, t.petition_id, 0, '超过办理期限 7 个工作日以上且未说明原因', Number(t.red_ms) + 3 * DAY]);
    } else if (i % 10 === 0) explanations.push([t.petition_id, t.unit_id, '涉及多个部门,正在协调办理', 'bench-unit', Number(t.blue_ms)]);
  });
  const insert = async (table: string, columns: string[], rows: unknown[][]) => {
    for (let from = 0; from < rows.length; from += 1000) {
      const chunk = rows.slice(from, from + 1000);
      await sequelize.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`, { replacements: chunk.flat() });
    }
  };
  await insert('score_ledger', ['unit_id', 'petition_id', 'deadline_seq', 'level', 'points', 'reason', 'created_at'], ledger);
  await insert('inspection_transfers', ['petition_id', 'deadline_seq', 'unit_id', 'created_at'], transfers);
  await insert('criticisms', ['unit_id', 'petition_id', 'deadline_seq', 'reason', 'created_at'], criticisms);
  await insert('delay_explanations', ['petition_id', 'unit_id', 'explanation', 'staff_id', 'created_at'], explanations);
  return { deductions: ledger.length, transfers: transfers.length, explanations: explanations.length };
}

async function analyze(sequelize: Sequelize) {
  if (sequelize.getDialect() === 'sqlite') await sequelize.query('ANALYZE');
  else await sequelize.query('ANALYZE TABLE petitions, work_items, score_ledger, inspection_transfers, criticisms, delay_explanations');
}
