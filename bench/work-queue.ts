/**
 * The staff work queue at city size (`npm run bench -- queues`; issue 15). The whole app in this
 * process (bench/lifecycle/app.ts) on a fresh SQLite file, or with DB_URL on a throw-away MariaDB/MySQL
 * database. One petition is submitted through the portal; then QUEUE_PETITIONS copies of it (default
 * 1,000,000) are written straight to the table — spread over the 29 units and their townships, the
 * five categories and three channels, a minute apart — and QUEUE_TASKS open tasks (default 100,000)
 * straight to `work_items`, each for one of those cases: most a unit's (签收, 办理并起草答复, OA送签),
 * some the platform's (受理, 办结审核), deadlines from 10 days past to 10 days ahead with the warning
 * instants they imply, a tenth held by someone.
 *
 * Then, for a unit handler (龙南镇, ~3,500 open tasks) and for the platform (the whole city's queue,
 * every open task), QUEUE_ROUNDS rounds of the lists staff open — each tab, each sort, a category,
 * a township, a tracking code, a word of the title, and a page deep behind a keyset cursor — timed
 * as the repository answers them (the page, `queueP99Ms`) and their tab counts (`countsP99Ms`; a
 * word search reads both at once, and its time is counted for each); and the whole HTTP answer of GET /api/queue (`queueHttpP99Ms`). The baseline, in
 * the same run: one task read by its key (`queuePkP99Ms`), the floor any list query has here.
 */
import { codeOf, submitOnePetition } from './seed-cases.js';
import { performance } from 'node:perf_hooks';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createWorkItemsRepository, NO_DUE, type QueueFilter, type QueueScopeSql } from '../server/data/work-items-repository.js';
import { LONGNAN_UNITS } from '../server/data/longnan-units.js';
import { startApp } from './lifecycle/app.js';
import { Browser, expectStatus } from './lifecycle/driver.js';
import { openTarget, p99, round } from './lifecycle/measure.js';

const CATEGORIES = ['complaint', 'consultation', 'report', 'help', 'suggestion'];
const CHANNELS = ['web', 'wechat', 'hotline'];
const WORDS = ['路灯不亮', '占道经营', '噪音扰民', '道路破损', '垃圾清运', '停水', '违章搭建', '校车', '医保报销', '拖欠工资'];
const DAY = 86_400_000;
/** a petition's text is a few sentences: the keyword search reads them all */
const CONTENT_PAD = '具体情况:该问题已经持续一段时间,附近居民多次向社区反映,希望有关部门尽快到现场核实并处理,给群众一个答复。';

export async function runWorkQueue(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<Record<string, number | string>> {
  const petitionCount = Number(env.QUEUE_PETITIONS ?? 1_000_000);
  const taskCount = Number(env.QUEUE_TASKS ?? 100_000);
  const rounds = Number(env.QUEUE_ROUNDS ?? 20);
  for (const [name, v] of Object.entries({ QUEUE_PETITIONS: petitionCount, QUEUE_TASKS: taskCount, QUEUE_ROUNDS: rounds })) {
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  }
  if (taskCount > petitionCount) throw new Error('QUEUE_TASKS cannot exceed QUEUE_PETITIONS (one task per case)');
  const target = await openTarget(env.DB_URL);
  out(`queues: the work queue with ${taskCount} open tasks of ${petitionCount} cases, ${rounds} rounds; ${target.kind}`);
  const app = await startApp(target.url, 1);
  try {
    const base = app.bases[0];
    await submitOnePetition(base);
    const sequelize = app.db.sequelize;
    const now = Date.now();
    let t0 = performance.now();
    await writeCases(sequelize, petitionCount, now);
    out(`  ${petitionCount} cases written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    await writeTasks(sequelize, taskCount, petitionCount, now);
    out(`  ${taskCount} open tasks written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await analyze(sequelize);

    const repo = createWorkItemsRepository(app.db);
    const soonMs = now + DAY;
    const people = {
      unit: { scope: { groups: ['unit:u-longnan'] } as QueueScopeSql, staffId: 'bench-unit', township: '360783100' },
      platform: { scope: 'all' as QueueScopeSql, staffId: 'bench-platform', township: '360783105' },
    };
    const figures: Record<string, number | string> = { queueDb: target.kind, queueTasks: taskCount, queuePetitions: petitionCount };
    const pk: number[] = [];
    for (const [who, p] of Object.entries(people)) {
      const at = { now, soonMs, staffId: p.staffId };
      const someCode = codeOf(3_000_000 + (who === 'unit' ? 0 : 7));
      const filters: QueueFilter[] = [
        { tab: 'all', sort: 'due' },
        { tab: 'all', sort: 'received' },
        { tab: 'all', sort: 'priority' },
        { tab: 'mine', sort: 'due' },
        { tab: 'unclaimed', sort: 'due' },
        { tab: 'soon', sort: 'due' },
        { tab: 'overdue', sort: 'due' },
        { tab: 'overdue', sort: 'due', colour: 'red' },
        { tab: 'overdue', sort: 'priority', colour: 'yellow' },
        { tab: 'done', sort: 'due' },
        { tab: 'all', sort: 'due', category: 'consultation' },
        { tab: 'all', sort: 'received', township: p.township },
        { tab: 'all', sort: 'due', trackingCode: someCode },
        { tab: 'all', sort: 'due', keyword: '噪音扰民' },
        // a word no case has: the whole scope read to find nothing
        { tab: 'all', sort: 'due', keyword: '无此词语' },
      ];
      const pageMs: number[] = [];
      const countMs: number[] = [];
      const slowest = new Map<string, number>();
      const note = (f: QueueFilter, what: string, ms: number) => {
        const k = `${what} ${JSON.stringify(f)}`;
        slowest.set(k, Math.max(slowest.get(k) ?? 0, ms));
      };
      for (let r = 0; r < rounds; r++) {
        for (const f of filters) {
          let t = performance.now();
          if (f.keyword) {
            // a word search is one read for its page and its counts (pageAndCounts): its time counts for both
            const both = await repo.pageAndCounts(p.scope, f, at, { limit: 50 });
            const ms = performance.now() - t;
            pageMs.push(ms);
            countMs.push(ms);
            note(f, 'page+counts', ms);
            if (both.next) {
              t = performance.now();
              await repo.pageAndCounts(p.scope, f, at, { after: both.next, limit: 50 });
              pageMs.push(performance.now() - t);
              countMs.push(performance.now() - t);
              note(f, 'next+counts', performance.now() - t);
            }
            continue;
          }
          const first = await repo.page(p.scope, f, at, { limit: 50 });
          pageMs.push(performance.now() - t);
          note(f, 'page', performance.now() - t);
          // a page deep in the list: behind the cursor of the first
          if (first.next) {
            t = performance.now();
            await repo.page(p.scope, f, at, { after: first.next, limit: 50 });
            pageMs.push(performance.now() - t);
            note(f, 'next', performance.now() - t);
          }
          t = performance.now();
          await repo.counts(p.scope, f, at);
          countMs.push(performance.now() - t);
          note(f, 'counts', performance.now() - t);
          t = performance.now();
          await repo.get(`bench-task-${(r * 7919 + pk.length) % taskCount}`);
          pk.push(performance.now() - t);
        }
      }
      const cap = who === 'unit' ? 'Unit' : 'Platform';
      for (const [k, ms] of [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 3)) out(`    slowest: ${ms.toFixed(1)} ms ${k}`);
      figures[`queue${cap}P99Ms`] = round(p99(pageMs), 1);
      figures[`counts${cap}P99Ms`] = round(p99(countMs), 1);
      out(`  ${who === 'unit' ? 'unit handler (龙南镇)' : 'platform (the city)'}: page p99 ${p99(pageMs).toFixed(1)} ms, counts p99 ${p99(countMs).toFixed(1)} ms (${pageMs.length} pages, ${countMs.length} counts)`);
    }
    // the same lists through HTTP, as the reviewer's browser asks (page, cases, counts, JSON)
    const reviewer = await new Browser(base).signIn('reviewer');
    const handler = await new Browser(base).signIn('handler-longnan');
    const httpMs: number[] = [];
    for (let r = 0; r < Math.max(1, Math.floor(rounds / 2)); r++) {
      for (const [p, qs] of [
        [handler, ''],
        [handler, 'tab=overdue&colour=red'],
        [handler, 'sort=priority&category=complaint'],
        [reviewer, 'scope=all'],
        [reviewer, 'scope=all&tab=soon'],
        [reviewer, `scope=all&q=${encodeURIComponent('占道经营')}`],
      ] as const) {
        const t = performance.now();
        const res = await p.get(`/api/queue${qs ? `?${qs}` : ''}`);
        httpMs.push(performance.now() - t);
        expectStatus(res, 200, `GET /api/queue?${qs}`);
      }
    }
    figures.queueP99Ms = Math.max(figures.queueUnitP99Ms as number, figures.queuePlatformP99Ms as number);
    figures.countsP99Ms = Math.max(figures.countsUnitP99Ms as number, figures.countsPlatformP99Ms as number);
    figures.queueHttpP99Ms = round(p99(httpMs), 1);
    figures.queuePkP99Ms = round(p99(pk), 2);
    figures.queueRatio = round((figures.queueP99Ms as number) / Math.max(0.01, figures.queuePkP99Ms as number), 1);
    out(`  list query p99 (queueP99Ms)        ${figures.queueP99Ms} ms (issue 15: < 100)`);
    out(`  tab counts p99 (countsP99Ms)       ${figures.countsP99Ms} ms (issue 15: < 200)`);
    out(`  GET /api/queue p99 (queueHttpP99Ms) ${figures.queueHttpP99Ms} ms; one row by key p99 ${figures.queuePkP99Ms} ms (ratio ${figures.queueRatio})`);
    return figures;
  } finally {
    await app.close();
    await target.drop();
  }
}

/** `n` cases like the submitted one, a minute apart going back, spread over units, townships, categories, channels and words */
export async function writeCases(sequelize: Sequelize, n: number, now: number) {
  const [original] = (await sequelize.query('SELECT * FROM petitions LIMIT 1', { type: QueryTypes.SELECT })) as Record<string, unknown>[];
  const columns = Object.keys(original);
  const units = LONGNAN_UNITS;
  const batch = 1000;
  for (let from = 0; from < n; from += batch) {
    const rows: unknown[] = [];
    const count = Math.min(batch, n - from);
    for (let k = 0; k < count; k++) {
      const i = from + k;
      const unit = units[i % units.length];
      const row: Record<string, unknown> = {
        ...original,
        id: `bench-case-${i}`,
        tracking_code: codeOf(3_000_000 + i),
        category: CATEGORIES[i % CATEGORIES.length],
        channel: CHANNELS[i % CHANNELS.length],
        title: `${WORDS[i % WORDS.length]}(第 ${i} 件)`,
        content: `群众反映${WORDS[(i >> 3) % WORDS.length]},请尽快处理。${CONTENT_PAD}`,
        township: unit.township ?? null,
        unit_id: unit.id,
        status: 'handling',
        created_at: now - 60_000 - i * 60_000,
        updated_at: now - 60_000 - i * 60_000,
        process_instance_key: null,
      };
      for (const c of columns) rows.push(row[c] ?? null);
    }
    const one = `(${columns.map(() => '?').join(', ')})`;
    await sequelize.query(`INSERT INTO petitions (${columns.join(', ')}) VALUES ${Array(count).fill(one).join(', ')}`, { replacements: rows });
  }
}

/** `n` open tasks, each of one of the newest cases */
export async function writeTasks(sequelize: Sequelize, n: number, cases: number, now: number) {
  const units = LONGNAN_UNITS;
  const kinds = [
    ['Task_SignOrReturn', '签收或申请退回', 'unit'],
    ['Task_DraftReply', '办理并起草答复', 'unit'],
    ['Task_DraftReply', '办理并起草答复', 'unit'],
    ['Task_OASignOff', 'OA送签', 'leader'],
    ['Task_DraftReply', '办理并起草答复', 'unit'],
    ['Task_SignOrReturn', '签收或申请退回', 'unit'],
    ['Task_DraftReply', '办理并起草答复', 'unit'],
    ['Task_ScreenPetition', '受理审查', 'platform-intake'],
    ['Task_ReviewReply', '办结审核', 'platform-reviewer'],
    ['Task_DraftReply', '办理并起草答复', 'unit'],
  ] as const;
  const columns = ['user_task_key', 'grp', 'is_first', 'process_instance_key', 'process_id', 'element_id', 'name', 'form_id', 'groups_text', 'petition_id', 'tracking_code', 'category', 'channel', 'township', 'unit_id', 'urgent', 'search_text', 'received_ms', 'created_ms', 'due_ms', 'due_label', 'blue_ms', 'yellow_ms', 'red_ms', 'priority_rank', 'assignee', 'assigned_ms', 'state', 'completed_by', 'completed_ms'];
  const batch = 1000;
  for (let from = 0; from < n; from += batch) {
    const rows: unknown[] = [];
    const count = Math.min(batch, n - from);
    for (let k = 0; k < count; k++) {
      const i = from + k;
      // the case: spread over the newest 3n so the units' shares match the cases'
      const c = (i * 3) % cases;
      const unit = units[c % units.length];
      const [elementId, name, who] = kinds[i % kinds.length];
      const grp = who === 'unit' ? `unit:${unit.id}` : who === 'leader' ? `unit-leader:${unit.id}` : who;
      const received = now - 60_000 - c * 60_000;
      // deadlines from 10 days past to 10 days ahead; a unit's late case has its warning instants
      const due = who === 'platform-intake' ? NO_DUE : now + (((i * 7919) % (20 * DAY)) - 10 * DAY);
      const warned = who !== 'platform-intake' && who !== 'platform-reviewer';
      const held = i % 10 === 3;
      rows.push(
        `bench-task-${i}`, grp, true, `bench-pi-${c}`, 'unit-handling', elementId, name, null, grp, `bench-case-${c}`, codeOf(3_000_000 + c),
        CATEGORIES[c % CATEGORIES.length], CHANNELS[c % CHANNELS.length], unit.township ?? null, unit.id, false,
        `${WORDS[c % WORDS.length]}(第 ${c} 件)\n群众反映${WORDS[(c >> 3) % WORDS.length]},请尽快处理。${CONTENT_PAD}`, received, received + 3_600_000,
        due, due === NO_DUE ? null : '办结期限', warned ? due + DAY : null, warned ? due + 2 * DAY : null, warned ? due + 4 * DAY : null,
        i % 50 === 0 ? 0 : i % 13 === 0 ? 1 : 2, held ? (who === 'unit' && unit.id === 'u-longnan' ? 'bench-unit' : 'bench-other') : null, held ? now - DAY : null, 'open', null, null,
      );
    }
    const one = `(${columns.map(() => '?').join(', ')})`;
    await sequelize.query(`INSERT INTO work_items (${columns.join(', ')}) VALUES ${Array(count).fill(one).join(', ')}`, { replacements: rows });
    // each open task's text once (the city-wide word search reads it)
    const texts: unknown[] = [];
    for (let k = 0; k < count; k++) texts.push(rows[k * columns.length], rows[k * columns.length + columns.indexOf('search_text')]);
    await sequelize.query(`INSERT INTO work_item_texts (user_task_key, search_text) VALUES ${Array(count).fill('(?, ?)').join(', ')}`, { replacements: texts });
  }
}

/** fresh statistics, as a database that grew to this size over months would have */
async function analyze(sequelize: Sequelize) {
  if (sequelize.getDialect() === 'sqlite') await sequelize.query('ANALYZE');
  else await sequelize.query('ANALYZE TABLE petitions, work_items, work_item_texts');
}
