/**
 * npm run bench — the embedded engine's figures, measured in one run on this machine:
 *  1. throughput on start → job → FEEL gateway → end: raw bpmn-engine in memory (the baseline, with
 *     the same pre-parsed diagram and the same FEEL) vs this adapter persisting every step to SQLite;
 *  2. heap per parked instance with 10,000 instances waiting at a user task (and, for comparison,
 *     per instance when bpmn-engine holds waiting instances in memory);
 *  3. time from process start to serving with 100,000 parked instances in the database (bulk-copied
 *     from one real parked instance with new keys), measured in a fresh child process;
 *  4. whole petitions through the app's HTTP API against one-row transactions (bench/lifecycle.ts);
 *  5. `reports`: the 月报's figures over a million petitions' case facts against a plain count
 *     (bench/reports.ts; REPORTS_CASES, REPORTS_RUNS).
 *  6. `assessment`: a quarter's unit assessment (第二十七条) over the same seeding, request to done
 *     (bench/assessment.ts; ASSESSMENT_CASES, ASSESSMENT_RUNS).
 *  7. `board`: the 红黄蓝 board over a million petitions and 100,000 open tasks (bench/board.ts).
 *  `npm run bench -- reports` runs 5, 6 and 7: the office's figures (issue 16) in one JSON line.
 *  8. `knowledge`: the knowledge base's search over 100,000 entries, latency and recall@5 of a
 *     labelled set of paraphrased questions, against a plain SQL LIKE (bench/knowledge.ts).
 *  9. `remote`: jobs/s of two remote worker processes (Camunda 7 external tasks on /engine-rest)
 *     against the app's own workers, the same backlog of real jobs (bench/remote-workers.ts).
 * The last line is one JSON object with the figures.
 *
 * Arguments pick parts by name (all when none): `throughput`, `parked`, `startup`, `lifecycle`,
 * `queues`, `case-list`, `hotspots` (bench/hotspots.ts: HOTSPOTS_CASES, HOTSPOTS_DAYS, HOTSPOTS_RUNS), e.g.
 * `npm run bench -- lifecycle`; `--n=40 --c=8 --blocks=2 --profile=1` (or LIFECYCLE_N, LIFECYCLE_C,
 * LIFECYCLE_BLOCKS, LIFECYCLE_PROFILE) size the lifecycle part, DB_URL=mysql://… runs it on MariaDB;
 * `--processes=2` (LIFECYCLE_PROCESSES=2) runs the jobs in a `dist/bin/workers.js` child process,
 * `--compare` (LIFECYCLE_COMPARE=1) runs 1 then 2 processes and reports lifecycleTwoProcessSpeedup;
 * `--apps=2` (LIFECYCLE_APPS=2) runs the app as 2 `dist/server/main.js` children driven through HTTP
 * only, `--compare=apps` (LIFECYCLE_COMPARE=apps) runs 1 then 2 app children: lifecycleTwoAppSpeedup.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { Engine } from 'bpmn-engine';
import { createEmbeddedEngine } from '../engine/embedded/index.js';
import { createDatabase } from '../engine/embedded/store/database.js';
import { parseResource } from '../engine/embedded/model.js';
import { evaluate } from '../engine/embedded/feel.js';

const zeebeSchema = createRequire(import.meta.url)('zeebe-bpmn-moddle/resources/zeebe.json');
const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, '..', '..', 'bench', 'fixtures');
const read = (name: string) => ({ name, content: readFileSync(join(fixturesDir, name), 'utf8') });
const gc = () => (globalThis as any).gc?.();
const heap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const out = (line: string) => process.stdout.write(`${line}\n`);

/** raw bpmn-engine in memory: returns a function that runs `count` instances one after another */
async function rawRunner(): Promise<(count: number) => Promise<void>> {
  const xml = read('bench-job-gateway.bpmn').content;
  const parsed = await parseResource('bench-job-gateway.bpmn', xml);
  const model = parsed.processes.get('bench-job-gateway')!;
  // the same FEEL as the adapter: bpmn-engine has none of its own
  const expressions = {
    resolveExpression: (e: any, ctx: any) => (typeof e === 'string' && e.startsWith('=') ? evaluate(e, ctx.environment.variables) : e),
    isExpression: (t: any) => typeof t === 'string' && t.startsWith('='),
    hasExpression: (t: any) => typeof t === 'string' && t.startsWith('='),
  };
  const extensions = {
    job(activity: any) {
      if (activity.type !== 'bpmn:ServiceTask') return;
      activity.behaviour.Service = function Job() {
        return {
          execute(_message: any, callback: (e: any, o?: any) => void) {
            // the worker's work, then its output merged into the variables
            Promise.resolve({ score: 7 }).then((output) => {
              Object.assign(activity.environment.variables, output);
              callback(null, output);
            });
          },
        };
      };
    },
  };
  const once = async () => {
    const engine = new Engine({
      sourceContext: model.sourceContext as any,
      expressions: expressions as any,
      extensions,
      Logger: (() => ({ debug() {}, error() {}, warn() {} })) as any,
      variables: { applicant: 'x' },
    } as any);
    const listener = new EventEmitter();
    const ended = new Promise<void>((resolve, reject) => {
      engine.once('end', () => resolve());
      engine.once('error', reject);
    });
    await engine.execute({ listener });
    await ended;
  };
  return async (count) => {
    for (let i = 0; i < count; i++) await once();
  };
}

/** the adapter as the app runs it: returns a function that runs `count` instances, and a closer */
async function adapterRunner(dir: string): Promise<{ run: (count: number) => Promise<void>; close: () => Promise<void> }> {
  const db = await createDatabase({ url: `sqlite:${join(dir, 'throughput.sqlite')}` });
  await db.migrate();
  // background job loop: a job is handed to its worker as soon as it is created
  const engine = createEmbeddedEngine({ db });
  await engine.open();
  engine.registerWorker('score', async () => ({ score: 7 }));
  await engine.deploy([read('bench-job-gateway.bpmn')]);
  const unfinished = async () =>
    Number(((await db.sequelize.query("SELECT COUNT(*) AS n FROM engine_instances WHERE state <> 'completed'", { plain: true })) as any).n);
  // requests arrive from several clients at once, as they do at a server
  const clients = Number(process.env.BENCH_CLIENTS ?? 4);
  const run = async (count: number) => {
    let next = 0;
    const client = async () => {
      while (next < count) {
        next++;
        await engine.start('bench-job-gateway', { applicant: 'x' });
      }
    };
    await Promise.all(Array.from({ length: clients }, client));
    while ((await unfinished()) > 0) await new Promise((r) => setTimeout(r, 20));
  };
  return {
    run,
    close: async () => {
      await engine.close();
      await db.close();
    },
  };
}

async function rawHeapPerWaiting(count: number): Promise<number> {
  // plain bpmn-engine, its own element types, diagram parsed once
  const source = read('bench-parked.bpmn').content;
  const sourceContext = await (new Engine({ source, moddleOptions: { zeebe: zeebeSchema } } as any) as any)._serializeSource(source);
  const timers = { executing: [], register: () => timers, setTimeout: () => ({}), clearTimeout() {} };
  const keep: unknown[] = [];
  const before = heap();
  for (let i = 0; i < count; i++) {
    const engine = new Engine({ sourceContext, timers: timers as any, Logger: (() => ({ debug() {}, error() {}, warn() {} })) as any } as any);
    await engine.execute();
    keep.push(engine);
  }
  const per = (heap() - before) / count / 1024;
  keep.length = 0;
  return per;
}

async function parkedHeap(dir: string, count: number): Promise<{ perKB: number; startPerSec: number; diskPerKB: number }> {
  const db = await createDatabase({ url: `sqlite:${join(dir, 'parked.sqlite')}` });
  await db.migrate();
  const engine = createEmbeddedEngine({ db, background: false });
  await engine.open();
  await engine.deploy([read('bench-parked.bpmn')]);
  await engine.start('bench-parked', {});
  const before = heap();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await engine.start('bench-parked', { petition: `WZ${i}` });
  const startPerSec = (count / (performance.now() - t0)) * 1000;
  const perKB = Math.max(0, heap() - before) / count / 1024;
  // where a parked instance lives instead: its rows (state JSON, task, timer, history)
  const pages: any = await db.sequelize.query('SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) AS bytes', { plain: true });
  const diskPerKB = Number(pages.bytes) / (count + 1) / 1024;
  await engine.close();
  await db.close();
  return { perKB, startPerSec, diskPerKB };
}

/** 100,000 parked instances: copies of one real parked instance (row, user task, timer) with new keys */
async function makeParkedDatabase(file: string, count: number) {
  const db = await createDatabase({ url: `sqlite:${file}` });
  await db.migrate();
  const engine = createEmbeddedEngine({ db, background: false });
  await engine.open();
  await engine.deploy([read('bench-parked.bpmn')]);
  const ref = await engine.start('bench-parked', { petition: 'WZ0' });
  await engine.close();
  const q = (sql: string) => db.sequelize.query(sql);
  // a numbers table of `count` rows, then INSERT … SELECT with keys derived from the number
  await q(`CREATE TEMP TABLE n (i INTEGER PRIMARY KEY)`);
  await q(`WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${count - 1}) INSERT INTO n SELECT i FROM c`);
  const id = ref.processInstanceKey;
  const key = `'bulk' || printf('%08d', n.i)`;
  await q(`INSERT INTO engine_instances (id, process_id, version, definition_id, parent_id, parent_execution_id, state, engine_state, variables, waits, lock_version, started_at, ended_at)
           SELECT ${key}, process_id, version, definition_id, NULL, NULL, state, engine_state, variables, waits, 0, started_at, NULL FROM engine_instances, n WHERE engine_instances.id = '${id}'`);
  await q(`INSERT INTO engine_user_tasks (id, instance_id, process_id, element_id, name, assignee, candidate_groups, candidate_users, form_id, due_date, follow_up_date, priority, state, variables, created_at, ended_at)
           SELECT ${key} || substr(t.id, instr(t.id, '/')), ${key}, process_id, element_id, name, assignee, candidate_groups, candidate_users, form_id, due_date, follow_up_date, priority, state, variables, created_at, NULL
           FROM engine_user_tasks t, n WHERE t.instance_id = '${id}'`);
  await q(`INSERT INTO engine_timers (id, instance_id, definition_id, element_id, due_at, repetitions, cycle_interval)
           SELECT ${key} || substr(t.id, instr(t.id, '/')), ${key}, NULL, element_id, due_at, repetitions, cycle_interval FROM engine_timers t, n WHERE t.instance_id = '${id}'`);
  const [[row]]: any = await q(`SELECT COUNT(*) AS c FROM engine_instances WHERE state = 'active'`);
  await db.close();
  return Number(row.c);
}

function startupInChild(file: string): { ms: number; completed: string } {
  const probe = join(here, 'startup-probe.js');
  const r = spawnSync(process.execPath, [probe, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`startup probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const PARTS = ['throughput', 'parked', 'startup', 'lifecycle', 'queues', 'case-list', 'reports', 'assessment', 'board', 'hotspots', 'knowledge', 'remote'] as const;
type Part = (typeof PARTS)[number];
const OFFICE_PARTS: readonly Part[] = ['reports', 'assessment', 'board'];

/** `lifecycle --n=40 --c 8` → the parts named (all when none) and the options */
function parseArgs(argv: string[]): { parts: Set<Part>; options: Record<string, string> } {
  const parts = new Set<Part>();
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const opt = /^--([\w-]+)(?:=(.*))?$/.exec(a);
    if (opt) {
      options[opt[1]] = opt[2] ?? (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') && !(PARTS as readonly string[]).includes(argv[i + 1]) ? argv[++i] : '1');
    } else if ((PARTS as readonly string[]).includes(a)) parts.add(a as Part);
    else throw new Error(`unknown benchmark "${a}": the parts are ${PARTS.join(', ')}`);
  }
  if (!parts.size) for (const p of PARTS) parts.add(p);
  // the office's figures (issue 16) are one part to ask for: the month's report, the quarter's
  // assessment and the board, each on its city-sized data
  if (parts.has('reports')) for (const p of OFFICE_PARTS) parts.add(p);
  return { parts, options };
}

async function main() {
  const started = performance.now();
  const { parts, options } = parseArgs(process.argv.slice(2));
  const figures: Record<string, number | string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'wz-bench-'));
  try {
    if (parts.has('throughput')) await throughputPart(dir, figures);
    if (parts.has('parked')) await parkedPart(dir, figures);
    if (parts.has('startup')) await startupPart(dir, figures);
    if (parts.has('lifecycle')) {
      // the whole app: loaded only when this part runs
      const { lifecycleOptionsFrom, runLifecycle } = await import('./lifecycle.js');
      Object.assign(figures, await runLifecycle(lifecycleOptionsFrom(process.env, options, out)));
    }
    if (parts.has('queues')) {
      const { runWorkQueue } = await import('./work-queue.js');
      Object.assign(figures, await runWorkQueue(process.env, out));
      const { runQueues } = await import('./queues.js');
      Object.assign(figures, await runQueues(process.env, out));
    }
    if (parts.has('board')) {
      const { runBoard } = await import('./board.js');
      Object.assign(figures, await runBoard(process.env, out));
    }
    if (parts.has('case-list')) {
      const { runCaseListPlans } = await import('./case-list-plans.js');
      Object.assign(figures, await runCaseListPlans(process.env, out));
    }
    if (parts.has('hotspots')) {
      const { runHotspots } = await import('./hotspots.js');
      Object.assign(figures, await runHotspots(process.env, out));
    }
    if (parts.has('remote')) {
      const { runRemoteWorkers } = await import('./remote-workers.js');
      Object.assign(figures, await runRemoteWorkers(process.env, out));
    }
    if (parts.has('knowledge')) {
      const { runKnowledge } = await import('./knowledge.js');
      Object.assign(figures, await runKnowledge(process.env, out));
    }

    if (parts.has('reports')) {
      const { runReports } = await import('./reports.js');
      Object.assign(figures, await runReports(process.env, out));
    }
    if (parts.has('assessment')) {
      const { runAssessment } = await import('./assessment.js');
      Object.assign(figures, await runAssessment(process.env, out));
    }

    const seconds = (performance.now() - started) / 1000;
    out(`whole run: ${seconds.toFixed(0)} s`);
    out(JSON.stringify({ ...figures, runSeconds: Math.round(seconds) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function throughputPart(dir: string, figures: Record<string, number | string>) {
  // the two run in alternating blocks, so that whatever else slows the machine down slows both
  const blocks = Number(process.env.BENCH_BLOCKS ?? 10);
  const size = Number(process.env.BENCH_BLOCK ?? 50);
  out(`start → job → FEEL gateway → end: ${blocks} alternating blocks of ${size} instances each`);
  const raw = await rawRunner();
  const adapter = await adapterRunner(dir);
  await raw(100);
  await adapter.run(100);
  let rawMs = 0;
  let adapterMs = 0;
  for (let b = 0; b < blocks; b++) {
    let t0 = performance.now();
    await raw(size);
    rawMs += performance.now() - t0;
    t0 = performance.now();
    await adapter.run(size);
    adapterMs += performance.now() - t0;
  }
  await adapter.close();
  const rawPerSec = ((blocks * size) / rawMs) * 1000;
  const adapterPerSec = ((blocks * size) / adapterMs) * 1000;
  out(`  raw bpmn-engine, in memory:        ${rawPerSec.toFixed(1)} instances/s`);
  out(`  embedded adapter, persisted:       ${adapterPerSec.toFixed(1)} instances/s`);
  const ratio = adapterPerSec / rawPerSec;
  out(`  ratio adapter / raw:               ${ratio.toFixed(2)} (target ≥ 0.5)`);
  Object.assign(figures, { rawPerSec: Number(rawPerSec.toFixed(1)), adapterPerSec: Number(adapterPerSec.toFixed(1)), ratio: Number(ratio.toFixed(3)) });
}

async function parkedPart(dir: string, figures: Record<string, number | string>) {
  const parkedCount = Number(process.env.BENCH_PARKED ?? 10_000);
  const rawHeap = await rawHeapPerWaiting(500);
  out(`heap per waiting instance held by raw bpmn-engine (500): ${rawHeap.toFixed(1)} KB`);
  const parked = await parkedHeap(dir, parkedCount);
  out(`heap per parked instance, ${parkedCount} parked:        ${parked.perKB.toFixed(2)} KB (target ≤ 10); started ${parked.startPerSec.toFixed(0)}/s`);
  out(`database size per parked instance:                   ${parked.diskPerKB.toFixed(1)} KB`);
  Object.assign(figures, { heapPerParkedKB: Number(parked.perKB.toFixed(3)), diskPerParkedKB: Number(parked.diskPerKB.toFixed(1)), rawHeapPerWaitingKB: Number(rawHeap.toFixed(1)) });
}

async function startupPart(dir: string, figures: Record<string, number | string>) {
  const bulk = Number(process.env.BENCH_BULK ?? 100_000);
  const file = join(dir, 'startup.sqlite');
  const active = await makeParkedDatabase(file, bulk);
  const probe = startupInChild(file);
  out(`start to serving with ${active} parked instances:    ${probe.ms.toFixed(0)} ms (target < 5000), then completed task ${probe.completed}`);
  Object.assign(figures, { startupWith100kParkedMs: Math.round(probe.ms), parkedForStartup: active });
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
