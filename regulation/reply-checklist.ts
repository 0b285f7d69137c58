/**
 * 第十五条 (一): a reply lists 办理时间, the unit that handled the matter, 办理结果, 法律法规政策依据
 * and how the petitioner was answered (回复诉求人情况); (三) a 投诉/举报 says whether it was investigated
 * (the document) or why not (reason and basis). The checklist says which of these a reply (the
 * `reply` variable of form `draft-reply`; field names as regulation/publication.ts) has and which it
 * lacks — live beside the form while the handler writes, and for a reply template's body (what a
 * template already covers: its placeholders and its words).
 * Plain code: the task-form bundle imports it too.
 */

export type ReplyItemKey = 'handledAt' | 'handlingUnit' | 'result' | 'legalBasis' | 'contactRecord' | 'investigation';

export interface ReplyItem {
  key: ReplyItemKey;
  label: string;
  /** what the handler is asked to write, for the checklist's hint */
  hint: string;
}

/** the items of 第十五条 (一), in its order */
export const REPLY_CHECKLIST: readonly ReplyItem[] = [
  { key: 'handledAt', label: '办理时间', hint: '写明事项办理的日期和时间' },
  { key: 'handlingUnit', label: '办理单位', hint: '写明具体办理事项的单位' },
  { key: 'result', label: '办理结果', hint: '针对诉求正面回应:办了什么、结果如何' },
  { key: 'legalBasis', label: '法律法规政策依据', hint: '列明法律法规、政策文件名称及条款' },
  { key: 'contactRecord', label: '回复诉求人情况', hint: '何时、以何种方式(电话、上门等)联系诉求人,诉求人的意见' },
];

/** 第十五条 (三), for 投诉 and 举报 only */
export const INVESTIGATION_ITEM: ReplyItem = { key: 'investigation', label: '调查处理情况', hint: '投诉举报类:上传调查受理文书,或写明不予调查处理的理由和法律依据' };

export interface ChecklistEntry extends ReplyItem {
  present: boolean;
  /** a present item that still looks thin (a basis naming no document or article) */
  note?: string;
}

export interface ChecklistResult {
  items: ChecklistEntry[];
  /** the labels of the missing items, in the checklist's order */
  missing: string[];
  complete: boolean;
}

const filled = (v: unknown): boolean =>
  (typeof v === 'string' && v.trim() !== '') || typeof v === 'number' || (Array.isArray(v) && v.length > 0);

/** a basis names a document (《…》), an article (第…条) or a document number (〔2020〕53号) */
const CITES = /《[^》]+》|第[一二三四五六七八九十百零〇\d]+条|〔\d{4}〕\s*\d+\s*号|\[\d{4}\]\s*\d+\s*号/;

function result(items: ChecklistEntry[]): ChecklistResult {
  const missing = items.filter((i) => !i.present).map((i) => i.label);
  return { items, missing, complete: missing.length === 0 };
}

/**
 * The checklist of a reply object (`reply` of form `draft-reply`). `category` adds (三) for 投诉 and
 * 举报. Anything that is not an object has every item missing.
 */
export function checkReply(reply: unknown, options: { category?: string } = {}): ChecklistResult {
  const r = typeof reply === 'object' && reply !== null && !Array.isArray(reply) ? (reply as Record<string, unknown>) : {};
  const items: ChecklistEntry[] = REPLY_CHECKLIST.map((item) => {
    const present = filled(r[item.key]);
    const entry: ChecklistEntry = { ...item, present };
    if (present && item.key === 'legalBasis' && !CITES.test(String(r.legalBasis))) entry.note = '未写明文件名称(《》)或条款';
    return entry;
  });
  if (options.category === 'complaint' || options.category === 'report') {
    const present =
      (r.investigation === 'investigated' && filled(r.investigationDocument)) ||
      (r.investigation === 'not-investigated' && filled(r.noInvestigationReason) && filled(r.noInvestigationBasis));
    items.push({ ...INVESTIGATION_ITEM, present });
  }
  return result(items);
}

/** each item, as a template's body can cover it: its placeholder, or words that write it out */
const BODY_SIGNS: Record<Exclude<ReplyItemKey, 'investigation'>, RegExp> = {
  handledAt: /\{办理时间\}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{2}-\d{2}/,
  handlingUnit: /\{办理单位\}|我(局|单位|镇|乡|委|办|中心|公司)/,
  result: /办理结果|(结果|答复)如下|经[^。,,]{0,12}?(核实|调查|查|了解|审查|研究|协调)|决定|已(责成|安排|完成|处理|解决|答复|整改|修复|落实|为您)/,
  legalBasis: /依据|根据|按照|《[^》]+》|第[一二三四五六七八九十百零〇\d]+条/,
  contactRecord: /电话|联系|沟通|回访|上门|面谈/,
};

/**
 * What a template's body covers of 第十五条 (一): an item is present when the body holds its
 * placeholder ({办理时间} {办理单位} …) or words that write it out (a date, 《…》, 经核实, 电话联系 …).
 * A template is a help to write a reply, not the reply: a missing item is one the handler adds.
 */
export function checkTemplateBody(body: string): ChecklistResult {
  const text = typeof body === 'string' ? body : '';
  return result(REPLY_CHECKLIST.map((item) => ({ ...item, present: BODY_SIGNS[item.key as keyof typeof BODY_SIGNS].test(text) })));
}
