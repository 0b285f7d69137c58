/**
 * What a task list shows about time: the deadline a user task is worked against and the 第二十六条
 * warning colour the case has reached. The instants come from the deadline workers' variables
 * (docs/process-contract.md); this only picks the one that applies to a task and compares.
 */
import type { WarningLevel } from './warnings.js';

export interface TaskDeadline {
  /** ISO instant */
  dueAt?: string;
  /** what the deadline is, in Chinese */
  label?: string;
  /** the warning level reached by now (finish deadline overdue by 1 / 2 / 4 working days) */
  warning?: WarningLevel;
  overdue: boolean;
}

/** the deadline variable each task is worked against (others: the finish deadline when the case has one) */
const DEADLINE_OF: Record<string, [string, string]> = {
  Task_SignOrReturn: ['returnDueAt', '申请退回期限'],
  Task_ContactPetitioner: ['firstStepDueAt', '联系诉求人期限'],
  Task_DecideAcceptance: ['firstStepDueAt', '受理决定期限'],
  Task_Redo: ['redoDueAt', '重办期限'],
  Task_HandleSupervision: ['supervisionDueAt', '督办期限'],
};

const iso = (v: unknown): string | undefined => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? v : undefined);

export function taskDeadline(elementId: string, variables: Record<string, unknown>, now: Date, dueDate?: string): TaskDeadline {
  const [name, label] = DEADLINE_OF[elementId] ?? ['finishDueAt', '办结期限'];
  const dueAt = iso(dueDate) ?? iso(variables[name]) ?? (name !== 'finishDueAt' ? iso(variables.finishDueAt) : undefined);
  const t = now.getTime();
  const reached = (v: unknown) => {
    const at = iso(v);
    return at !== undefined && Date.parse(at) <= t;
  };
  // only cases handled by a unit carry warning instants
  const warning: WarningLevel | undefined = reached(variables.redAt) ? 'red' : reached(variables.yellowAt) ? 'yellow' : reached(variables.blueAt) ? 'blue' : undefined;
  return {
    ...(dueAt && { dueAt, label: dueAt === iso(dueDate) ? '期限' : dueAt === iso(variables[name]) ? label : '办结期限' }),
    ...(warning && { warning }),
    overdue: dueAt !== undefined && Date.parse(dueAt) <= t,
  };
}

export const WARNING_LABELS: Record<WarningLevel, string> = { blue: '蓝色预警', yellow: '黄色预警', red: '红色预警' };
