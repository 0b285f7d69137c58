/**
 * The handling unit suggested at dispatch (第九条: 属地办理、部门指导). Staff choose; this only
 * preselects.
 *
 * The rule: the township (乡镇) where the matter happened handles it, whatever its category — a
 * consultation about a department's policy, a complaint, a help request, a suggestion all stay with
 * the township, and the competent department guides it. The category changes the suggestion only
 * for the matters a department handles directly, listed in CATEGORY_RULES:
 *
 * | category | handled by | why |
 * |---|---|---|
 * | report 举报 | the market-regulation department (市场监督管理局) | 第七条(六): reports are of economic violations (制假售假、欺行霸市、非法垄断…) — administrative enforcement, which townships do not hold |
 * | every other category | the township | 属地办理 |
 *
 * When the rule's department is not in the unit list, the township handles. When the township is
 * missing (no `township`, or no township unit with that code), a department rule still applies; for
 * the other categories there is no basis for a guess and the suggestion is `undefined` (staff choose).
 */
import type { Category } from './categories.js';

export type UnitKind = 'township' | 'department' | 'enterprise';

export interface UnitInfo {
  id: string;
  name: string;
  kind: UnitKind;
  /** for a township unit: the township code it covers */
  township?: string;
  /** optional duty tags (e.g. `market-regulation`) a department rule may match */
  duties?: string[];
}

export interface DepartmentRule {
  /** the duty tag of the department that handles the category directly */
  duty: string;
  /** the department's name as it is usually written, for unit lists without duty tags */
  namePattern: RegExp;
  why: string;
}

export const CATEGORY_RULES: Partial<Record<Category, DepartmentRule>> = {
  report: {
    duty: 'market-regulation',
    namePattern: /市场监督管理|市场监管/,
    why: '第七条(六):举报类为经济违法违规行为,由具有执法权的市场监管部门直接办理',
  },
};

export interface UnitSuggestion {
  unitId: string | undefined;
  /** why this unit (for logs and the dispatch form) */
  reason: string;
}

export function suggestUnit(units: readonly UnitInfo[], township: string | undefined, category: Category): UnitSuggestion {
  const townshipUnit = township ? units.find((u) => u.kind === 'township' && u.township === township) : undefined;
  const rule = CATEGORY_RULES[category];
  if (rule) {
    const department =
      units.find((u) => u.kind === 'department' && u.duties?.includes(rule.duty)) ?? units.find((u) => u.kind === 'department' && rule.namePattern.test(u.name));
    if (department) return { unitId: department.id, reason: rule.why };
  }
  if (townshipUnit) return { unitId: townshipUnit.id, reason: '属地办理(第九条):由事发地乡镇办理' };
  return { unitId: undefined, reason: township ? `没有乡镇代码为 ${township} 的成员单位,请人工选择承办单位` : '未填写事发地乡镇,请人工选择承办单位' };
}
