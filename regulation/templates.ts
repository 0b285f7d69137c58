/**
 * The texts of the notifications, per template id (the `template` header of the `notify` job and the
 * `template` column of the outbox). A template names the payload fields it needs; the payload holds
 * no personal data (the petitioner is addressed through the outbox row's recipient, resolved by the
 * channel), only the tracking code, deadlines, reasons and links.
 * Petitioner SMS carry the tracking code (required) and, after the reply, the evaluation link. Texts
 * for staff show the tracking code when there is one, else the petition id (a 督办 the platform opens
 * on a hotspot may come without a tracking code).
 */
import { formatInstant } from './format.js';
import { formatPoints, WARNING_RULES, type WarningLevel } from './warnings.js';

export type Payload = Record<string, string | number | boolean | null>;

export const RECIPIENT_KINDS = ['petitioner', 'unit-contact', 'unit-leader', 'unit-head', 'platform', 'inspection-office', 'city-leaders'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export interface TemplateDef {
  id: string;
  /** payload fields the text needs */
  fields: readonly string[];
  /** payload fields it shows when present */
  optional?: readonly string[];
  text(p: Payload): string;
}

const SIGN = '【龙南问政】';

/** 第八条: what the platform does not accept, item by item */
export const OUT_OF_SCOPE_REASONS: Record<string, string> = {
  一: '非本市人民政府行政职权管辖范围内的事项',
  二: '属 110、119、120、122 等紧急服务专线处理的事项',
  三: '属党委、人大、政协、法院、检察院、军队和武警职能的事项',
  四: '依法应当或已通过诉讼、仲裁、行政复议等法律途径解决的事项',
  五: '涉及国家机密、商业秘密、个人隐私的事项',
  六: '党员干部贪污腐败、行贿受贿等违纪事项',
  七: '信访、“市长信箱”、非公企业维权等其他群众诉求反映途径已经受理答复的事项',
  八: '纯属恶意攻击或无实质内容,投诉、咨询内容模糊不详,无从调查或回复的问题',
  九: '承办单位已办理完毕且无新情况、新理由的事项',
  十: '经消费者协会或人民调解组织等其他组织调解或正在处理的和已经行政调解并结案的消费投诉事项',
  十一: '其他不宜受理的问题',
};

export const EMERGENCY_NUMBERS = ['110', '119', '120', '122'] as const;

const SUPERVISION_METHOD_LABELS: Record<string, string> = {
  一: '短信、电话(微信)督办',
  二: '下发通知督办',
  三: '现场协调督办',
  四: '专报批示督办',
};

const str = (v: Payload[string] | undefined) => (v === null || v === undefined ? '' : String(v));
const when = (v: Payload[string] | undefined) => (v === null || v === undefined || v === '' ? '' : formatInstant(String(v)));
/** the case's reference: the tracking code, or (a 督办 opened by the platform may have none) the petition id */
const code = (p: Payload) => (p.trackingCode ? `(查询码 ${str(p.trackingCode)})` : p.petitionId ? `(编号 ${str(p.petitionId)})` : '');
/** payload fields every staff-facing template shows when present */
const REF = ['trackingCode'] as const;

function warning(level: WarningLevel): TemplateDef {
  const rule = WARNING_RULES[level];
  const whom = { blue: '', yellow: '请分管领导督促办理。', red: '请单位主要领导督促办理。' }[level];
  return {
    id: `warning-${level}`,
    fields: ['finishDueAt', 'overdueDays', 'deductionTenths'],
    optional: REF,
    text: (p) =>
      `${SIGN}【${rule.label}预警】事项${code(p)}已超过办理期限(${when(p.finishDueAt)})${str(p.overdueDays)} 个工作日,请抓紧办理。${whom}` +
      `按第二十六条在“五型”政府建设年终考评中计扣 ${formatPoints(Number(p.deductionTenths))} 分。`,
  };
}

const DEFS: TemplateDef[] = [
  {
    id: 'petition-received',
    fields: ['trackingCode'],
    text: (p) => `${SIGN}您的诉求已收到,查询码 ${str(p.trackingCode)}。请凭查询码和本手机号查询办理进度。`,
  },
  {
    id: 'petition-rejected',
    fields: ['trackingCode', 'outOfScopeItem'],
    optional: ['emergencyNumber'],
    text: (p) => {
      const item = str(p.outOfScopeItem);
      const reason = OUT_OF_SCOPE_REASONS[item] ?? OUT_OF_SCOPE_REASONS['十一'];
      const emergency =
        item === '二' ? `请拨打 ${(EMERGENCY_NUMBERS as readonly string[]).includes(str(p.emergencyNumber)) ? str(p.emergencyNumber) : EMERGENCY_NUMBERS.join('/')}。` : '';
      return `${SIGN}您的诉求${code(p)}不在平台受理范围:${reason}(第八条第(${item})项)。${emergency}`;
    },
  },
  {
    id: 'case-dispatched',
    fields: ['finishDueAt'],
    optional: [...REF, 'returnDueAt', 'firstStepDueAt'],
    text: (p) =>
      `${SIGN}平台转办事项${code(p)}已交贵单位办理,请及时签收。` +
      (p.returnDueAt ? `如不属于贵单位职责,请于 ${when(p.returnDueAt)} 前申请退回并说明理由和依据(第十条)。` : '') +
      (p.firstStepDueAt ? `首次响应期限 ${when(p.firstStepDueAt)},` : '') +
      `办理期限 ${when(p.finishDueAt)}(第十三条)。`,
  },
  {
    id: 'case-joint',
    fields: [],
    optional: [...REF, 'unitName'],
    text: (p) => `${SIGN}事项${code(p)}涉及多个单位职责,${p.unitName ? `由${str(p.unitName)}牵头办理,` : ''}贵单位为协办单位,请配合共同办理(第十二条)。`,
  },
  {
    id: 'return-approved',
    fields: [],
    optional: REF,
    text: (p) => `${SIGN}贵单位对事项${code(p)}的退回申请已同意,平台将另行转办(第十一条)。`,
  },
  {
    id: 'return-refused',
    fields: [],
    optional: [...REF, 'returnRefusal', 'returnReviewReason'],
    text: (p) => `${SIGN}贵单位对事项${code(p)}的退回申请未获同意:${str(p.returnRefusal) || str(p.returnReviewReason) || '不符合退回条件'}。请继续办理(第十一条)。`,
  },
  {
    id: 'extension-approved',
    fields: ['trackingCode', 'finishDueAt'],
    text: (p) => `${SIGN}诉求${code(p)}的办理已获准延期,新的办理期限为 ${when(p.finishDueAt)}(第十四条)。`,
  },
  {
    id: 'extension-refused',
    fields: [],
    optional: [...REF, 'extensionRefusal', 'extensionReviewReason', 'finishDueAt'],
    text: (p) =>
      `${SIGN}事项${code(p)}的延期申请未获同意:${str(p.extensionRefusal) || str(p.extensionReviewReason) || '不符合延期条件'}。` +
      `${p.finishDueAt ? `原办理期限 ${when(p.finishDueAt)} 不变,` : ''}请继续办理(第十四条)。`,
  },
  {
    // issue 15: 归并 at screening; the petitioner keeps their own code, which shows the kept case's progress
    id: 'petition-merged',
    fields: ['trackingCode', 'mergedIntoCode'],
    text: (p) =>
      `${SIGN}您的诉求${code(p)}与平台在办的诉求(查询码 ${str(p.mergedIntoCode)})反映同一事项,已归并办理,答复将一并告知您。` +
      `请凭您的查询码和本手机号查询办理进度,答复后可对办理结果评价。`,
  },
  {
    id: 'reply-ready',
    fields: ['trackingCode', 'ratingUrl'],
    text: (p) => `${SIGN}您的诉求${code(p)}已办理答复,请查看答复并评价:${str(p.ratingUrl)}`,
  },
  {
    id: 'review-refused',
    fields: [],
    optional: [...REF, 'reviewReason'],
    text: (p) => `${SIGN}事项${code(p)}的办理情况未通过平台审核${p.reviewReason ? `:${str(p.reviewReason)}` : ''}。请继续办理(第十六条)。`,
  },
  {
    id: 'redo-requested',
    fields: ['redoDueAt'],
    optional: REF,
    text: (p) => `${SIGN}诉求人对事项${code(p)}的办理结果不满意,已发回重办,请于 ${when(p.redoDueAt)} 前办结(第十七条、第十八条)。`,
  },
  {
    id: 'redo-overdue',
    fields: ['redoDueAt'],
    optional: REF,
    text: (p) => `${SIGN}重办事项${code(p)}已超过重办期限(${when(p.redoDueAt)})仍未办结,请分管领导督促办理(第十七条)。`,
  },
  {
    id: 'first-step-overdue',
    fields: ['firstStepDueAt'],
    optional: REF,
    text: (p) => `${SIGN}事项${code(p)}已超过首次响应期限(${when(p.firstStepDueAt)}),请立即与诉求人联系或作出决定(第十三条)。`,
  },
  warning('blue'),
  warning('yellow'),
  warning('red'),
  {
    id: 'inspection-transfer',
    fields: ['unitName'],
    optional: [...REF, 'finishDueAt'],
    text: (p) =>
      `${SIGN}事项${code(p)}由${str(p.unitName)}承办,超过办理期限${p.finishDueAt ? `(${when(p.finishDueAt)})` : ' '}7 个工作日以上且未说明原因,` +
      `转市政府督查室处理,并计入全市通报批评一次(第二十六条)。`,
  },
  {
    // 第二十四条(一): the platform's one-click reminder on a case a unit has not answered yet
    id: 'case-urged',
    fields: [],
    // urgeLevel: a 催办 from the 红黄蓝 board, to the person 第二十六条 names for the colour
    optional: [...REF, 'urgeLevel'],
    text: (p) =>
      p.urgeLevel === 'blue'
        ? `${SIGN}【催办】事项${code(p)}已超过办理期限(蓝色预警),请承办单位责任人抓紧办理并尽快答复(第二十六条)。`
        : p.urgeLevel === 'red'
          ? `${SIGN}【催办】事项${code(p)}已超过办理期限 4 个工作日以上(红色预警),请单位主要领导督促抓紧办理并尽快答复(第二十六条)。`
          : p.urgeLevel === 'yellow'
            ? `${SIGN}【催办】事项${code(p)}已超过办理期限 2 个工作日以上(黄色预警),请分管领导督促承办人抓紧办理并尽快答复(第二十六条)。`
            : `${SIGN}【催办】事项${code(p)}尚未办结,请分管领导督促承办人抓紧办理并按期答复(第二十四条(一))。`,
  },
  {
    id: 'supervision-sms',
    fields: [],
    optional: [...REF, 'supervisionDueAt'],
    text: (p) =>
      `${SIGN}【督办】事项${code(p)}已列为督办事项,请分管领导督促,${p.supervisionDueAt ? `于 ${when(p.supervisionDueAt)} 前` : '在 2 个工作日内'}办结(第二十四条(一))。`,
  },
  {
    id: 'supervision-notice',
    fields: [],
    optional: [...REF, 'supervisionDueAt'],
    text: (p) =>
      `${SIGN}【督办通知】事项${code(p)}已列为督办事项,${p.supervisionDueAt ? `请于 ${when(p.supervisionDueAt)} 前办结` : '请在接到通知后 2 个工作日内办结'}(第二十四条(二))。`,
  },
  {
    id: 'supervision-limit',
    fields: [],
    optional: [...REF, 'supervisionMethod', 'supervisionLimitDays', 'leaderLimitDays', 'supervisionDueAt'],
    text: (p) => {
      const method = str(p.supervisionMethod);
      const days = str(p.supervisionLimitDays) || (method === '四' ? str(p.leaderLimitDays) : '');
      const label = SUPERVISION_METHOD_LABELS[method];
      const limit = p.supervisionDueAt ? `于 ${when(p.supervisionDueAt)} 前` : days ? `在 ${days} 个工作日内` : '在规定时限内';
      return `${SIGN}【督办】事项${code(p)}已列为督办事项${label ? `(${label})` : ''},请单位主要领导督促,${limit}办结(第二十四条${method === '三' || method === '四' ? `(${method})` : ''})。`;
    },
  },
  {
    id: 'supervision-overdue',
    fields: ['supervisionDueAt'],
    optional: REF,
    text: (p) => `${SIGN}督办事项${code(p)}已超过督办期限(${when(p.supervisionDueAt)})仍未办结,请单位主要领导督促办理(第二十四条)。`,
  },
  {
    id: 'major-matter-report',
    fields: [],
    optional: REF,
    text: (p) => `${SIGN}诉求${code(p)}关系经济社会发展全局,已形成信息专报,请报市领导批示(第九条)。`,
  },
  {
    // 第二十五条: the schedule issued a 月报 or 季报 (to the platform office and the city's leaders)
    id: 'report-issued',
    fields: ['kindLabel', 'periodLabel'],
    optional: ['reportId'],
    text: (p) => `${SIGN}${str(p.periodLabel)}${str(p.kindLabel)}已出具,请登录平台“报告”页查看或下载(第二十五条)。`,
  },
  {
    id: 'delay-explained',
    fields: [],
    optional: REF,
    text: (p) => `${SIGN}承办单位已对事项${code(p)}的超期作出说明,请在平台查看(第二十六条)。`,
  },
];

export const TEMPLATES: ReadonlyMap<string, TemplateDef> = new Map(DEFS.map((d) => [d.id, d]));
export const TEMPLATE_IDS = DEFS.map((d) => d.id);

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export function getTemplate(id: string): TemplateDef {
  const def = TEMPLATES.get(id);
  if (!def) throw new TemplateError(`unknown notification template ${JSON.stringify(id)}: one of ${TEMPLATE_IDS.join(', ')}`);
  return def;
}

/** the fields of a payload a template needs that are missing (undefined, null or '') */
export function missingFields(def: TemplateDef, payload: Payload): string[] {
  return def.fields.filter((f) => payload[f] === undefined || payload[f] === null || payload[f] === '');
}

/** the Chinese text of a notification; throws TemplateError for an unknown template or a missing field */
export function renderTemplate(id: string, payload: Payload): string {
  const def = getTemplate(id);
  const missing = missingFields(def, payload);
  if (missing.length) throw new TemplateError(`template ${id} needs ${missing.join(', ')}`);
  return def.text(payload);
}

/** the evaluation link sent with the reply (第十七条) */
export function ratingUrl(publicBaseUrl: string, trackingCode: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/rate/${encodeURIComponent(trackingCode)}`;
}
