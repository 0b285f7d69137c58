/**
 * The quarter's unit assessment at city size (`npm run bench -- assessment`; issue 16, 第二十七条): a
 * fresh SQLite file, or with DB_URL a throw-away MariaDB/MySQL database, seeded as the reports bench
 * seeds it (bench/reports.ts: ASSESSMENT_CASES, default 1,000,000 petitions' case facts over three
 * years, with their ledger records), Longnan's units and demo accounts. The embedded engine runs
 * processes/unit-assessment.bpmn with the office's table decisions/unit-assessment.dmn and the app's
 * workers, as `npm start` does.
 *
 * Then ASSESSMENT_RUNS times (default 5), after one untimed warm-up: the platform reviewer's request
 * of the third quarter of 2026 (assessment-service.request: the row and the message in one
 * transaction) until the assessment is done — the figures taken, every unit scored by the table,
 * ranked and recorded — and, in alternation, the quarter's unit figures alone (report-figures-service
 * `unitFigures`: what the figures cost of it). Figures (JSON last line): assessmentMs (median; the issue's bound: < 1000),
 * assessmentFiguresMs (median), assessmentRanked (units ranked), assessmentCases, assessmentDb.
 */
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbeddedEngine } from '../engine/embedded/index.js';
import { createDatabase } from '../engine/embedded/store/database.js';
import { quarterPeriod } from '../regulation/report-period.js';
import { projectRoot } from '../server/app.js';
import { createAssessmentsRepository } from '../server/data/assessments-repository.js';
import { createAuditRepository } from '../server/data/audit-repository.js';
import { appMigrations } from '../server/data/migrations.js';
import { seedDemoData } from '../server/data/seed.js';
import { createStaffRepository } from '../server/data/staff-repository.js';
import { workerMigrations } from '../server/data/worker-migrations.js';
import { generateIdentityKey } from '../server/domain/identity-crypto.js';
import { createJobHandlers } from '../server/engine-setup.js';
import { createLogger } from '../server/logger.js';
import { createAssessmentService } from '../server/services/assessment-service.js';
import { createReportFiguresService } from '../server/services/report-figures-service.js';
import { workerOptions } from '../workers/registry.js';
import { median, openTarget, round, sleep } from './lifecycle/measure.js';
import { seed } from './reports.js';

export async function runAssessment(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<Record<string, number | string>> {
  const n = Number(env.ASSESSMENT_CASES ?? 1_000_000);
  const runs = Number(env.ASSESSMENT_RUNS ?? 5);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`ASSESSMENT_CASES must be a whole number ≥ 1 (got "${env.ASSESSMENT_CASES}")`);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`ASSESSMENT_RUNS must be a whole number ≥ 1 (got "${env.ASSESSMENT_RUNS}")`);
  const target = await openTarget(env.DB_URL);
  out(`assessment: the third quarter of 2026 over ${n} petitions in three years, ${runs} runs; ${target.kind}`);
  const db = await createDatabase({ url: target.url, migrations: [...appMigrations, ...workerMigrations] });
  const log = createLogger('silent');
  const engine = createEmbeddedEngine({ db, logger: log });
  try {
    await db.migrate();
    const key = generateIdentityKey();
    await seedDemoData(db, { key });
    const t0 = performance.now();
    await seed(db, n, out);
    out(`  ${n} cases' facts and their ledger written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (db.dialect === 'sqlite') await db.sequelize.query('ANALYZE');
    else for (const t of ['case_facts', 'score_ledger', 'inspection_transfers', 'criticisms', 'case_fact_supervisions']) await db.sequelize.query(`ANALYZE TABLE ${t}`);

    for (const [type, handler] of Object.entries(createJobHandlers({ db, key, log, config: { publicBaseUrl: 'http://127.0.0.1' }, engine }))) engine.registerWorker(type, handler, workerOptions(type));
    const read = (path: string) => ({ name: path.split('/').pop() as string, content: readFileSync(join(projectRoot, path), 'utf8') });
    await engine.deploy([read('processes/unit-assessment.bpmn'), read('decisions/unit-assessment.dmn')]);
    await engine.open();

    const repo = createAssessmentsRepository(db);
    const service = createAssessmentService({ engine, repo, audit: createAuditRepository(db), clock: { now: () => new Date() }, log });
    const reviewer = await createStaffRepository(db).findByUsername('reviewer');
    if (!reviewer) throw new Error('the demo reviewer account is missing');
    const reports = createReportFiguresService({ db });
    const quarter = quarterPeriod(2026, 3);

    const assess = async () => {
      const t = performance.now();
      const { id } = await service.request(reviewer, { period: '2026-Q3' });
      for (;;) {
        const a = await repo.get(id);
        if (a?.state === 'done') break;
        const incidents = await engine.listIncidents({ state: 'active' });
        if (incidents.length) throw new Error(`the assessment stopped: ${incidents.map((i) => `${i.elementId}: ${i.errorMessage}`).join('; ')}`);
        await sleep(2);
      }
      return { ms: performance.now() - t, id };
    };
    const warm = await assess();
    const ranked = (await repo.units(warm.id)).filter((u) => u.rank !== null);
    out(`  2026 Q3: ${ranked.length} units ranked; first ${ranked[0]?.unitName} (${ranked[0]?.score}), last ${ranked[ranked.length - 1]?.unitName} (${ranked[ranked.length - 1]?.score})`);
    const whole: number[] = [];
    const figures: number[] = [];
    for (let r = 0; r < runs; r++) {
      whole.push((await assess()).ms);
      const t = performance.now();
      await reports.unitFigures(quarter);
      figures.push(performance.now() - t);
    }
    const result = {
      assessmentMs: round(median(whole), 1),
      assessmentFiguresMs: round(median(figures), 1),
      assessmentRanked: ranked.length,
      assessmentCases: n,
      assessmentDb: target.kind,
    };
    out(`  a quarter's assessment, request to done: ${result.assessmentMs} ms (median of ${runs}; bound 1000); its unit figures alone: ${result.assessmentFiguresMs} ms`);
    return result;
  } finally {
    await engine.close();
    await db.close();
    await target.drop();
  }
}
