/**
 * 延期 (第十四条): before its deadline a unit may ask for an extension, at most twice per case, never
 * for a 突发 matter. Convention (SPEC): an approved extension adds the requested number of working
 * days (default: the category's finish limit), counted from the current finish deadline.
 */
import type { WorkingCalendar } from './calendar/working-calendar.js';
import type { Category } from './categories.js';
import { dueAfterDeadline, finishLimitDays, warningInstants, type WarningInstants } from './deadlines.js';
import { formatShanghai } from './format.js';
import { readBoolean, readInteger, requireInstant, type Vars } from './variables.js';

/** 第十四条: 延期办理以 2 次为限 */
export const MAX_EXTENSIONS = 2;
/** the most working days one extension may add (a sanity bound on the unit's request) */
export const MAX_EXTENSION_DAYS = 30;

export interface ExtensionRequest {
  urgent: boolean;
  /** approved extensions so far */
  extensionCount: number;
  finishDueAt: Date;
  /** the days asked for; undefined → the category's finish limit */
  extensionDays?: unknown;
}

export interface ExtensionCheck {
  extensionAllowed: boolean;
  extensionRefusal: string | null;
}

/** whether the unit's requested number of days is acceptable: a whole number 1…MAX_EXTENSION_DAYS (or its digits), or absent */
export function validExtensionDays(days: unknown): boolean {
  if (days === undefined || days === null || days === '') return true;
  const n = typeof days === 'string' && /^\d+$/.test(days.trim()) ? Number(days) : days;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_EXTENSION_DAYS;
}

/**
 * The request as `unit-handling` holds it (urgent, extensionCount, finishDueAt) with the days asked
 * for: read alike by the worker in the diagram and by the app before it passes the request on.
 * Throws VariableError when the process lacks what the check needs.
 */
export function extensionRequestOf(variables: Vars, extensionDays: unknown): ExtensionRequest {
  return {
    urgent: readBoolean(variables, 'urgent', false),
    extensionCount: readInteger(variables, 'extensionCount', { min: 0, fallback: 0 }),
    finishDueAt: requireInstant(variables, 'finishDueAt'),
    extensionDays,
  };
}

/** the checks made at once, before the platform office reviews the request */
export function checkExtension(request: ExtensionRequest, now: Date): ExtensionCheck {
  const refuse = (reason: string): ExtensionCheck => ({ extensionAllowed: false, extensionRefusal: reason });
  if (request.urgent) return refuse('突发类事项不得申请延期(第十四条)');
  if (request.extensionCount >= MAX_EXTENSIONS) {
    return refuse(`延期办理以 ${MAX_EXTENSIONS} 次为限,本事项已延期 ${request.extensionCount} 次,不能再次申请(第十四条)`);
  }
  if (now.getTime() > request.finishDueAt.getTime()) {
    return refuse(`已超过办理期限(${formatShanghai(request.finishDueAt)}),延期申请应在办理期限届满前提出(第十四条)`);
  }
  if (!validExtensionDays(request.extensionDays)) {
    return refuse(`延期天数应为 1 至 ${MAX_EXTENSION_DAYS} 个工作日的整数(申请的是 ${JSON.stringify(request.extensionDays)})`);
  }
  return { extensionAllowed: true, extensionRefusal: null };
}

export interface Extended extends WarningInstants {
  finishDueAt: string;
  deadlineSeq: number;
  extensionCount: number;
  /** the days actually added */
  extensionDays: number;
  provisional: boolean;
}

/** an approved extension: the new finish deadline, its warning instants, the next deadlineSeq and extensionCount */
export function extendFinish(
  calendar: WorkingCalendar,
  input: { category: Category; finishDueAt: Date; extensionDays?: number; extensionCount: number; deadlineSeq: number },
): Extended {
  const days = input.extensionDays ?? finishLimitDays(input.category);
  const { dueAt, provisional } = dueAfterDeadline(calendar, input.finishDueAt, days);
  return {
    finishDueAt: dueAt.toISOString(),
    ...warningInstants(calendar, dueAt),
    deadlineSeq: input.deadlineSeq + 1,
    extensionCount: input.extensionCount + 1,
    extensionDays: days,
    provisional,
  };
}
