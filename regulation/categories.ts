/**
 * The petition categories of 第六条 / 第十三条, as the process variable `category` spells them
 * (docs/process-contract.md).
 */
export const CATEGORIES = ['consultation', 'complaint', 'report', 'help', 'suggestion', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_LABELS: Record<Category, string> = {
  consultation: '咨询',
  complaint: '投诉',
  report: '举报',
  help: '求助',
  suggestion: '建议',
  other: '其他',
};

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}
