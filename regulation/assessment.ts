/**
 * 第二十七条: the unit assessment (考核) and its 通报. The score itself is the office's rule, a DMN
 * decision table (`unit-assessment`) run by the diagram; what is plain arithmetic lives here: the
 * table's inputs from a unit's figures (第二十五条's counts, 第二十六条's ledger), who is ranked,
 * the ranking, and who is named in the 表扬 and 批评 通报.
 *
 * Conventions where the text is silent (docs/regulation.md, 第二十七条):
 * - a unit is ranked when the period gave it something to assess: a case received, or a warning,
 *   transfer or 通报批评 recorded. Every other member unit is listed, without a score or rank;
 * - a rate whose denominator is 0 stays null (the table decides what “no closed case” is worth);
 * - scores are kept to two decimals; equal scores share a rank (1, 1, 3: competition ranking);
 * - 表扬: the first three places (ties included) with a score of at least 60 and no 通报批评 in the
 *   period; 批评: a score below 60, or the last three places when at least six units are ranked —
 *   never a unit that is praised. With fewer than six ranked units only the score threshold names
 *   anyone for 批评, so a small period does not criticise half the city;
 * - 知识库维护 (issue 17): the entries a unit published in the period (new or renewed after review) and
 *   the entries it let lapse — expired (valid-until passed) and neither resubmitted, published nor
 *   retired within `KNOWLEDGE_UPKEEP.graceDays` days, counted in the period that grace ended in. The
 *   table scores them; upkeep alone does not rank a unit (it is not a case to assess).
 */
import type { Rates, VolumeCounts, WarningFigures } from './report-figures.js';

/** a unit's figures as the assessment took them (stored with it, unchanged once done) */
export interface AssessmentFigures extends VolumeCounts {
  rates: Rates;
  warnings: WarningFigures;
  /** 知识库维护 in the period; absent in assessments taken before it was counted (read as none) */
  knowledge?: KnowledgeUpkeep;
}

/** a unit's knowledge-base upkeep in a period (see the module's comment) */
export interface KnowledgeUpkeep {
  /** entries published in the period: new ones and those renewed after review (each entry once) */
  kept: number;
  /** expired entries left without review for the grace days, the grace ending in the period */
  lapsed: number;
}

/** how long a unit has to review an expired entry before it counts against it (calendar days) */
export const KNOWLEDGE_UPKEEP = Object.freeze({ graceDays: 15 });

export const NO_UPKEEP: Readonly<KnowledgeUpkeep> = Object.freeze({ kept: 0, lapsed: 0 });

/** the decision table's inputs (decisions/unit-assessment.dmn): rates 0–1 or null, points, counts */
export interface AssessmentInputs {
  completionRate: number | null;
  onTimeRate: number | null;
  satisfactionRate: number | null;
  redoRate: number | null;
  /** 第二十六条 deductions in points (0.5 / 1 / 3 per warning) */
  deductionPoints: number;
  /** transfers to 市政府督查室 */
  transfers: number;
  /** 通报批评 */
  criticisms: number;
  /** 知识库: entries published or renewed in the period */
  knowledgeKept: number;
  /** 知识库: expired entries left without review past the grace days */
  knowledgeLapsed: number;
}

export type NoticeKind = 'praise' | 'criticism';

export const NOTICE_KINDS: readonly NoticeKind[] = ['praise', 'criticism'];

export const NOTICE_KIND_LABELS: Record<NoticeKind, string> = { praise: '通报表扬', criticism: '通报批评' };

/** the 通报 thresholds (see the module's comment) */
export const NOTICE_RULES = Object.freeze({ praiseTop: 3, passScore: 60, criticiseLast: 3, minRankedForLast: 6 });

export const ZERO_WARNINGS: Readonly<WarningFigures> = Object.freeze({ blue: 0, yellow: 0, red: 0, deductionTenths: 0, transfers: 0, criticisms: 0 });

/** the table's inputs from a unit's figures */
export function assessmentInputs(f: AssessmentFigures): AssessmentInputs {
  return {
    completionRate: f.rates.completion,
    onTimeRate: f.rates.onTime,
    satisfactionRate: f.rates.satisfaction,
    redoRate: f.rates.redo,
    // tenths are whole numbers: the division is exact to one decimal
    deductionPoints: f.warnings.deductionTenths / 10,
    transfers: f.warnings.transfers,
    criticisms: f.warnings.criticisms,
    knowledgeKept: f.knowledge?.kept ?? 0,
    knowledgeLapsed: f.knowledge?.lapsed ?? 0,
  };
}

/** whether the period gave the unit anything to assess (else it is listed, not ranked) */
export function isAssessed(f: AssessmentFigures): boolean {
  const w = f.warnings;
  return f.received > 0 || w.blue + w.yellow + w.red + w.transfers + w.criticisms > 0 || w.deductionTenths > 0;
}

export class ScoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScoreError';
  }
}

/**
 * A decision's result as a score: a finite number, kept to two decimals. A COLLECT SUM that matched
 * no rule answers null: 0 points. Anything else is the table's mistake, refused (the job fails and
 * the inspector shows why) rather than ranked.
 */
export function toScore(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new ScoreError(`the decision's score must be a number (got ${JSON.stringify(value)})`);
  return Math.round(n * 100) / 100;
}

export interface Scored {
  unitId: string;
  unitName: string;
  /** null: not assessed (not ranked) */
  score: number | null;
}

export type Standing = NoticeKind | null;

export interface Ranked extends Scored {
  /** 1 = best; equal scores share a rank; null when not ranked */
  rank: number | null;
  /** named in the 表扬 or 批评 通报 */
  standing: Standing;
}

/**
 * The ranking: by score, highest first; equal scores share the rank (the next rank skips as many
 * places); units without a score follow, unranked, in name order. `criticisms` (the period's 通报批评
 * of a unit) keeps it out of the 表扬.
 */
export function rankUnits(rows: readonly Scored[], criticisms: (unitId: string) => number = () => 0): Ranked[] {
  const byName = (a: Scored, b: Scored) => a.unitName.localeCompare(b.unitName, 'zh-CN') || (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0);
  const scored = rows.filter((r) => r.score !== null).sort((a, b) => (b.score as number) - (a.score as number) || byName(a, b));
  const unscored = rows.filter((r) => r.score === null).sort(byName);
  const ranked: Ranked[] = [];
  scored.forEach((r, i) => {
    const prev = ranked[i - 1];
    const rank = prev && prev.score === r.score ? (prev.rank as number) : i + 1;
    ranked.push({ ...r, rank, standing: null });
  });
  for (const r of ranked) r.standing = standingOf(r.score as number, r.rank as number, ranked.length, criticisms(r.unitId));
  return [...ranked, ...unscored.map((r) => ({ ...r, rank: null, standing: null }))];
}

function standingOf(score: number, rank: number, rankedCount: number, criticisms: number): Standing {
  const { praiseTop, passScore, criticiseLast, minRankedForLast } = NOTICE_RULES;
  if (rank <= praiseTop && score >= passScore && criticisms === 0) return 'praise';
  if (score < passScore) return 'criticism';
  // the last three places: a rank after place n − 3 (a unit tied into place n − 3 or better is not among them)
  if (rankedCount >= minRankedForLast && rank > rankedCount - criticiseLast) return 'criticism';
  return null;
}

/** a rate as the pages and the 通报 print it: `96.5%`, or `—` when not defined */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** a score as printed: two decimals at most, no trailing zeros (`87.5`, `90`) */
export function formatScore(score: number | null): string {
  if (score === null) return '—';
  return String(Math.round(score * 100) / 100);
}

/** deductions in tenths as points: `4.5` */
export function formatPoints(tenths: number): string {
  return String(tenths / 10);
}
