/**
 * The time limits of the regulation, in working days (docs/requirements.md "Working days"; every limit counts
 * from the day after the start, ends at 24:00 Asia/Shanghai of the n-th working day), and the
 * stages of the `compute-deadlines` job as a pure function of (calendar, stage, variables, now).
 *
 * 第十三条 (counted from dispatch):
 * | category                     | first step                        | finish                        |
 * | consultation 咨询             | reply within 2                    | the reply is the finish (2)   |
 * | complaint/help/suggestion/other | contact the petitioner within 2 | finish within 5               |
 * | report 举报                   | decide whether to accept within 2 | finish within 10 after acceptance |
 * 第十条: a unit may ask to return a matter within 1 working day of receiving it.
 *
 * Conventions chosen here (the text is silent):
 * - A report's finish deadline is unknown until it is accepted. At dispatch its `finishDueAt` is the
 *   acceptance decision's deadline (= `firstStepDueAt`), so the 第二十六条 warnings watch the one
 *   deadline the unit has; stage `report-accepted` replaces it with acceptance + 10 working days and
 *   a new `deadlineSeq`.
 * - "Where another rule sets a time limit, the shortest applies" (第十三条): a 市领导批示 time limit
 *   (`leaderLimitDays`, counted from dispatch) caps the finish (and first-step) deadline.
 * - `deadlineSeq` increases by one whenever `finishDueAt` changes (dispatch, re-dispatch, report
 *   accepted, extension), so warnings and transfers are once per level per deadline.
 * - `extensionCount` is per case (第十四条 "at most twice per case"): a re-dispatch keeps it.
 */
import type { WorkingCalendar } from './calendar/working-calendar.js';
import { CATEGORY_LABELS, type Category } from './categories.js';
import { TRANSFER_OVERDUE_DAYS, WARNING_RULES } from './warnings.js';
import { formatShanghai } from './format.js';
import {
  VariableError,
  optionalInstant,
  optionalInteger,
  readInteger,
  requireCategory,
  requireId,
  requireOneOf,
  type Vars,
} from './variables.js';

export interface CategoryLimits {
  /** working days for the first step: reply (consultation), contact, or the acceptance decision (report) */
  firstStep: number;
  /** working days to finish */
  finish: number;
  /** where the finish limit counts from */
  finishFrom: 'dispatch' | 'acceptance';
  firstStepLabel: string;
}

export const DEADLINE_TABLE: Record<Category, CategoryLimits> = {
  consultation: { firstStep: 2, finish: 2, finishFrom: 'dispatch', firstStepLabel: '回复诉求人' },
  complaint: { firstStep: 2, finish: 5, finishFrom: 'dispatch', firstStepLabel: '与诉求人沟通' },
  report: { firstStep: 2, finish: 10, finishFrom: 'acceptance', firstStepLabel: '作出是否受理的决定' },
  help: { firstStep: 2, finish: 5, finishFrom: 'dispatch', firstStepLabel: '与诉求人沟通' },
  suggestion: { firstStep: 2, finish: 5, finishFrom: 'dispatch', firstStepLabel: '与诉求人沟通' },
  other: { firstStep: 2, finish: 5, finishFrom: 'dispatch', firstStepLabel: '与诉求人沟通' },
};

/** 第十条(二): a return is asked for within 1 working day of receiving the matter */
export const RETURN_WINDOW_DAYS = 1;
/** Convention (SPEC): a petitioner who does not rate within 5 working days is "not rated" */
export const RATING_DAYS = 5;
/** 第十七条: redo within 5 working days */
export const REDO_DAYS = 5;
/** 第二十四条(一)(二): SMS/phone/WeChat 督办 and a written notice: finish within 2 working days */
export const SUPERVISION_DAYS = 2;

export const SUPERVISION_METHODS = ['一', '二', '三', '四'] as const;
export type SupervisionMethod = (typeof SUPERVISION_METHODS)[number];

export const STAGES = ['dispatch', 'report-accepted', 'rating', 'redo', 'supervision'] as const;
export type Stage = (typeof STAGES)[number];

/** the category's finish limit: the default length of an extension (SPEC, 第十四条 convention) */
export function finishLimitDays(category: Category): number {
  return DEADLINE_TABLE[category].finish;
}

export function describeLimits(category: Category): string {
  const l = DEADLINE_TABLE[category];
  const finish = category === 'consultation' ? '答复即办结' : l.finishFrom === 'acceptance' ? `受理后 ${l.finish} 个工作日内办结` : `${l.finish} 个工作日内办结`;
  return `${CATEGORY_LABELS[category]}类:${l.firstStep} 个工作日内${l.firstStepLabel},${finish}(第十三条)`;
}

const iso = (d: Date) => d.toISOString();
const earlier = (a: Date, b: Date | undefined) => (b && b.getTime() < a.getTime() ? b : a);

export interface WarningInstants {
  blueAt: string;
  yellowAt: string;
  redAt: string;
  transferAt: string;
}

/** when the finish deadline is 1 / 2 / 4 / 7 complete working days overdue (第二十六条) */
export function warningInstants(calendar: WorkingCalendar, finishDueAt: Date): WarningInstants {
  return {
    blueAt: iso(calendar.overdueAt(finishDueAt, WARNING_RULES.blue.overdueDays)),
    yellowAt: iso(calendar.overdueAt(finishDueAt, WARNING_RULES.yellow.overdueDays)),
    redAt: iso(calendar.overdueAt(finishDueAt, WARNING_RULES.red.overdueDays)),
    transferAt: iso(calendar.overdueAt(finishDueAt, TRANSFER_OVERDUE_DAYS)),
  };
}

/**
 * "n working days more" after an existing deadline: counted from the deadline's own day. A deadline
 * is 24:00 of its day, i.e. 00:00 of the next, so the count starts from the instant just before it.
 */
export function dueAfterDeadline(calendar: WorkingCalendar, deadline: Date, n: number) {
  return calendar.dueAfter(new Date(deadline.getTime() - 1), n);
}

export interface StageResult {
  /** the process variables to set (instants as ISO-8601 UTC strings) */
  variables: Vars;
  /** a deadline counted over a year whose holiday schedule is not covered yet (Mon–Fri assumed) */
  provisional: boolean;
}

/** the limit set by a 市领导批示, if any (a positive whole number of working days) */
function leaderLimit(vars: Vars): number | undefined {
  return optionalInteger(vars, 'leaderLimitDays', { min: 1, max: 1000 });
}

function nextSeq(vars: Vars): number {
  return readInteger(vars, 'deadlineSeq', { min: 0, fallback: 0 }) + 1;
}

/**
 * The deadlines of one stage of `compute-deadlines` (docs/process-contract.md). Throws
 * VariableError when a variable the stage needs is missing or malformed.
 */
export function computeStage(calendar: WorkingCalendar, stage: Stage, vars: Vars, now: Date): StageResult {
  let provisional = false;
  const due = (from: Date, n: number): Date => {
    const d = calendar.dueAfter(from, n);
    provisional ||= d.provisional;
    return d.dueAt;
  };

  switch (stage) {
    case 'dispatch': {
      const category = requireCategory(vars);
      const unitId = requireId(vars, 'unitId');
      const limits = DEADLINE_TABLE[category];
      const leader = leaderLimit(vars);
      const leaderDue = leader === undefined ? undefined : due(now, leader);
      const firstStepDueAt = earlier(due(now, limits.firstStep), leaderDue);
      // a report's finish is set on acceptance; until then its deadline is the acceptance decision
      const finishDueAt = limits.finishFrom === 'acceptance' ? firstStepDueAt : earlier(due(now, limits.finish), leaderDue);
      return {
        provisional,
        variables: {
          unitGroup: `unit:${unitId}`,
          unitLeaderGroup: `unit-leader:${unitId}`,
          dispatchedAt: iso(now),
          returnDueAt: iso(due(now, RETURN_WINDOW_DAYS)),
          firstStepDueAt: iso(firstStepDueAt),
          finishDueAt: iso(finishDueAt),
          ...warningInstants(calendar, finishDueAt),
          deadlineSeq: nextSeq(vars),
          extensionCount: readInteger(vars, 'extensionCount', { min: 0, fallback: 0 }),
        },
      };
    }
    case 'report-accepted': {
      const category = requireCategory(vars);
      if (category !== 'report') throw new VariableError(`stage "report-accepted" applies to reports only (category is "${category}")`);
      const leader = leaderLimit(vars);
      const dispatchedAt = optionalInstant(vars, 'dispatchedAt');
      if (leader !== undefined && !dispatchedAt) throw new VariableError('variable "dispatchedAt" is needed to apply the leader\'s time limit "leaderLimitDays"');
      const leaderDue = leader !== undefined && dispatchedAt ? due(dispatchedAt, leader) : undefined;
      const finishDueAt = earlier(due(now, DEADLINE_TABLE.report.finish), leaderDue);
      return {
        provisional,
        variables: { finishDueAt: iso(finishDueAt), ...warningInstants(calendar, finishDueAt), deadlineSeq: nextSeq(vars) },
      };
    }
    case 'rating':
      return { provisional, variables: { ratingDueAt: iso(due(now, RATING_DAYS)) } };
    case 'redo':
      return { provisional, variables: { redoDueAt: iso(due(now, REDO_DAYS)) } };
    case 'supervision': {
      const method = requireOneOf(vars.supervisionMethod, SUPERVISION_METHODS, 'variable "supervisionMethod"');
      let days: number;
      if (method === '一' || method === '二') {
        days = SUPERVISION_DAYS;
      } else {
        // 第二十四条(三)(四): the limit set on site / in the 批示
        const set = optionalInteger(vars, 'supervisionLimitDays', { min: 1, max: 1000 }) ?? (method === '四' ? leaderLimit(vars) : undefined);
        if (set === undefined) {
          throw new VariableError(`supervision method ${method} needs "supervisionLimitDays"${method === '四' ? ' (or "leaderLimitDays")' : ''}: the limit set ${method === '三' ? 'on site' : 'in the 批示'}`);
        }
        days = set;
      }
      return { provisional, variables: { supervisionDueAt: iso(due(now, days)) } };
    }
    default:
      throw new VariableError(`unknown compute-deadlines stage ${JSON.stringify(stage)}: one of ${STAGES.join(', ')}`);
  }
}

export interface ReturnCheck {
  returnAllowed: boolean;
  returnRefusal: string | null;
}

/** 第十条(二): a return may be asked for until `returnDueAt` (1 working day after dispatch) */
export function checkReturn(returnDueAt: Date, now: Date): ReturnCheck {
  if (now.getTime() > returnDueAt.getTime()) {
    return { returnAllowed: false, returnRefusal: `已超过退回期限:应在 ${formatShanghai(returnDueAt)} 前申请退回` };
  }
  return { returnAllowed: true, returnRefusal: null };
}
