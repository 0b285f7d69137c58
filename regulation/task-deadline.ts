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

/** the instants a task is listed by: its deadline and the case's warning instants (ISO), from the variables it was created with */
export interface TaskInstants {
  dueAt?: string;
  label?: string;
  blueAt?: string;
  yellowAt?: string;
  redAt?: string;
}

export function taskInstants(elementId: string, variables: Record<string, unknown>, dueDate?: string): TaskInstants {
  const [name, label] = DEADLINE_OF[elementId] ?? ['finishDueAt', '办结期限'];
  const dueAt = iso(dueDate) ?? iso(variables[name]) ?? (name !== 'finishDueAt' ? iso(variables.finishDueAt) : undefined);
  const blueAt = iso(variables.blueAt);
  const yellowAt = iso(variables.yellowAt);
  const redAt = iso(variables.redAt);
  return {
    ...(dueAt && { dueAt, label: dueAt === iso(dueDate) ? '期限' : dueAt === iso(variables[name]) ? label : '办结期限' }),
    ...(blueAt && { blueAt }),
    ...(yellowAt && { yellowAt }),
    ...(redAt && { redAt }),
  };
}

/** the deadline shown and the warning level reached at `now` */
export function deadlineAt(instants: TaskInstants, now: Date): TaskDeadline {
  const t = now.getTime();
  const reached = (at: string | undefined) => at !== undefined && Date.parse(at) <= t;
  // only cases handled by a unit carry warning instants
  const warning: WarningLevel | undefined = reached(instants.redAt) ? 'red' : reached(instants.yellowAt) ? 'yellow' : reached(instants.blueAt) ? 'blue' : undefined;
  return {
    ...(instants.dueAt && { dueAt: instants.dueAt, label: instants.label }),
    ...(warning && { warning }),
    overdue: instants.dueAt !== undefined && Date.parse(instants.dueAt) <= t,
  };
}

export function taskDeadline(elementId: string, variables: Record<string, unknown>, now: Date, dueDate?: string): TaskDeadline {
  return deadlineAt(taskInstants(elementId, variables, dueDate), now);
}

export const WARNING_LABELS: Record<WarningLevel, string> = { blue: '蓝色预警', yellow: '黄色预警', red: '红色预警' };
