/**
 * 红黄蓝预警 (第二十六条): by complete working days past the finish deadline.
 *
 * | overdue | level  | reminded                  | deduction |
 * | ≥ 1     | blue   | the unit (its contact)    | 0.5       |
 * | ≥ 2     | yellow | the unit's leader 分管领导 | 1         |
 * | ≥ 4     | red    | the unit's head 主要领导   | 3         |
 * | ≥ 7     | transfer to 市政府督查室 and one 通报批评 (unless an explanation is on file) |
 *
 * Convention (SPEC): each level is raised once per deadline and the deductions of one case add up,
 * so a case never handled costs 0.5 + 1 + 3 = 4.5. Points are kept as whole tenths (5, 10, 30) so
 * sums are exact.
 */
export const WARNING_LEVELS = ['blue', 'yellow', 'red'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

export type WarningRecipient = 'unit-contact' | 'unit-leader' | 'unit-head';

export interface WarningRule {
  level: WarningLevel;
  /** complete working days past the deadline at which the level is raised */
  overdueDays: number;
  /** deduction in the annual 五型 assessment, in tenths of a point */
  deductionTenths: number;
  recipient: WarningRecipient;
  label: string;
}

export const WARNING_RULES: Record<WarningLevel, WarningRule> = {
  blue: { level: 'blue', overdueDays: 1, deductionTenths: 5, recipient: 'unit-contact', label: '蓝色' },
  yellow: { level: 'yellow', overdueDays: 2, deductionTenths: 10, recipient: 'unit-leader', label: '黄色' },
  red: { level: 'red', overdueDays: 4, deductionTenths: 30, recipient: 'unit-head', label: '红色' },
};

/** ≥ 7 complete working days overdue without an explanation: transfer to 市政府督查室 */
export const TRANSFER_OVERDUE_DAYS = 7;

export function isWarningLevel(value: unknown): value is WarningLevel {
  return typeof value === 'string' && (WARNING_LEVELS as readonly string[]).includes(value);
}

/** the deduction of a level in points (0.5, 1, 3) */
export function deductionPoints(level: WarningLevel): number {
  return WARNING_RULES[level].deductionTenths / 10;
}

/** the highest level reached after `overdueDays` complete working days, if any */
export function levelFor(overdueDays: number): WarningLevel | undefined {
  let reached: WarningLevel | undefined;
  for (const level of WARNING_LEVELS) if (overdueDays >= WARNING_RULES[level].overdueDays) reached = level;
  return reached;
}

/** total deduction in tenths of every level reached (a case at red: 5 + 10 + 30 = 45) */
export function cumulativeDeductionTenths(overdueDays: number): number {
  return WARNING_LEVELS.filter((l) => overdueDays >= WARNING_RULES[l].overdueDays).reduce((sum, l) => sum + WARNING_RULES[l].deductionTenths, 0);
}

/** points shown to people: tenths → "0.5", "1", "4.5" */
export function formatPoints(tenths: number): string {
  return (tenths / 10).toString();
}
