/**
 * What the assessment's workers stand on (workers/deps.ts `Assessments`): the assessments table and
 * each unit's figures for the period — the 月报/季报's own unit rows (第二十五条: the case-facts
 * projection and the score ledger), so an assessment and a report of the same period agree. Every
 * member unit is listed, those without a case in the period with zero counts and rates of “—”; each
 * with its 知识库 upkeep in the period (server/data/knowledge-upkeep.ts).
 */
import type { EnginePort } from '../../engine/port.js';
import { KNOWLEDGE_UPKEEP, NO_UPKEEP, ZERO_WARNINGS } from '../../regulation/assessment.js';
import type { ReportPeriod, UnitRankRow } from '../../regulation/report-figures.js';
import { periodRange, ratesOf, reportPeriod, ZERO_COUNTS } from '../../regulation/report-period.js';
import type { Assessments, UnitFigures } from '../../workers/deps.js';
import { createAssessmentsRepository } from '../data/assessments-repository.js';
import { knowledgeUpkeep } from '../data/knowledge-upkeep.js';
import { withTx, type Database } from '../data/sql.js';
import { createUnitsRepository } from '../data/units-repository.js';

export const ASSESSMENT_DECISION = 'unit-assessment';

/** who requested an assessment the quarter's timer started */
export const SCHEDULE = 'system';

export interface AssessmentStoreDeps {
  db: Database;
  /** the report's unit rows of a period (server/services/report-figures-service.ts `unitFigures`) */
  unitFigures: (period: ReportPeriod) => Promise<UnitRankRow[]>;
  /** for the decision's version; without it none is recorded */
  engine?: Pick<EnginePort, 'listDecisionDefinitions'>;
}

export function createAssessmentStore(deps: AssessmentStoreDeps): Assessments {
  const repo = createAssessmentsRepository(deps.db);
  const units = createUnitsRepository(deps.db);
  return {
    async get(id, tx) {
      const a = await repo.get(id, tx);
      return a && { id: a.id, period: a.period, state: a.state };
    },
    async createScheduled(a, outer) {
      await withTx(deps.db, outer, async (tx) => {
        if (await repo.get(a.id, tx)) return;
        await repo.create({ id: a.id, period: a.period, requestedBy: SCHEDULE, at: a.at, processInstanceKey: a.processInstanceKey }, tx);
      });
    },
    async unitFigures(p) {
      const period = reportPeriod(p.kind, p.year, p.index);
      const { from, to } = periodRange(period);
      const [reported, directory, upkeep] = await Promise.all([deps.unitFigures(period), units.list(), knowledgeUpkeep(deps.db, from, to, KNOWLEDGE_UPKEEP.graceDays)]);
      const rows: UnitFigures[] = reported.map((r) => ({
        unitId: r.key,
        unitName: r.label,
        received: r.received,
        accepted: r.accepted,
        rejected: r.rejected,
        closed: r.closed,
        closedOnTime: r.closedOnTime,
        rated: r.rated,
        satisfied: r.satisfied,
        redone: r.redone,
        rates: { ...r.rates },
        warnings: { ...r.warnings },
        knowledge: { ...(upkeep.get(r.key) ?? NO_UPKEEP) },
      }));
      const listed = new Set(rows.map((r) => r.unitId));
      for (const u of directory) {
        if (!listed.has(u.id)) rows.push({ unitId: u.id, unitName: u.name, ...ZERO_COUNTS, rates: ratesOf(ZERO_COUNTS), warnings: { ...ZERO_WARNINGS }, knowledge: { ...(upkeep.get(u.id) ?? NO_UPKEEP) } });
      }
      return rows;
    },
    async saveFigures(id, rows, tx) {
      await repo.saveFigures(id, rows.map(({ unitId, unitName, ...figures }) => ({ unitId, unitName, figures })), tx);
    },
    async figures(id, tx) {
      return (await repo.units(id, tx)).map((u) => ({ unitId: u.unitId, unitName: u.unitName, ...u.figures }));
    },
    async decisionVersion() {
      if (!deps.engine) return null;
      const [latest] = await deps.engine.listDecisionDefinitions({ decisionId: ASSESSMENT_DECISION, latestOnly: true });
      return latest?.version ?? null;
    },
    complete: (id, results, meta, tx) => repo.complete(id, results, meta, tx),
  };
}
