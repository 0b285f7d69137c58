/**
 * Reply templates (常用语): the office's reusable wording per petition category, inserted into a
 * reply while it is drafted (第十五条). A template may hold placeholders in braces, filled from the
 * case when it is inserted: {办理单位} the case's unit, {办理时间} the reply's 办理时间 (or today),
 * {诉求标题}, {查询编号}, {受理日期}, {诉求类别}. Only these: a template is shared by every handler,
 * so it holds no personal data and names nobody. Plain code: the task-form bundle imports it too.
 */

export const REPLY_PLACEHOLDERS = ['办理单位', '办理时间', '诉求标题', '查询编号', '受理日期', '诉求类别'] as const;
export type ReplyPlaceholder = (typeof REPLY_PLACEHOLDERS)[number];

export const PLACEHOLDER_HINTS: Record<ReplyPlaceholder, string> = {
  办理单位: '诉求的承办单位',
  办理时间: '答复中填写的办理时间(未填写时为当天)',
  诉求标题: '诉求的标题',
  查询编号: '诉求的查询编号',
  受理日期: '诉求的提交日期',
  诉求类别: '咨询、投诉、举报、求助、建议或其他',
};

export const TEMPLATE_LIMITS = { title: 60, body: 2000 } as const;

const PLACEHOLDER = /\{([^{}\s]{1,20})\}/g;

/** the placeholder names a body uses, in order of first use */
export function placeholdersIn(body: string): string[] {
  const seen = new Set<string>();
  for (const m of body.matchAll(PLACEHOLDER)) seen.add(m[1] as string);
  return [...seen];
}

/** the names in braces that are not placeholders the case can fill */
export function unknownPlaceholders(body: string): string[] {
  return placeholdersIn(body).filter((n) => !(REPLY_PLACEHOLDERS as readonly string[]).includes(n));
}

/**
 * The body with each placeholder that has a value replaced by it; a placeholder without a value stays
 * as written, so that the handler sees what is still to fill in.
 */
export function fillPlaceholders(body: string, values: Partial<Record<ReplyPlaceholder, string | null | undefined>>): string {
  return body.replace(PLACEHOLDER, (whole, name: string) => {
    const v = (values as Record<string, string | null | undefined>)[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : whole;
  });
}

/** a day as a reply writes it, on the Shanghai calendar: 2026年3月2日 (undefined for an invalid instant) */
export function chineseDate(instant: Date | string): string | undefined {
  const t = (typeof instant === 'string' ? new Date(instant) : instant).getTime();
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t + 8 * 3_600_000);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}
