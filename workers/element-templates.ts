/**
 * Element templates (Camunda 8 format) for every registered worker: the modeler's create/append
 * menu offers "发送通知", "计算办理期限", "红黄蓝预警"… so a process admin drops a configured task
 * instead of typing a job type and its headers. Headers with a fixed set of values are dropdowns
 * of exactly what the worker accepts. A test applies each template and deploys the result through
 * the deploy gate.
 */
import { STAGES } from '../regulation/deadlines.js';
import { PETITION_STATUS_LABELS } from '../regulation/petition-status.js';
import { TEMPLATE_IDS, TEMPLATES } from '../regulation/templates.js';
import { WARNING_LEVELS } from '../regulation/warnings.js';
import { NOTIFY_TARGETS } from './recipients.js';
import { jobTypes, type JobType } from './registry.js';

/**
 * The schema the templates follow: the modeler accepts a template only when `$schema` names this
 * package (the version is the one its validator knows, so no newer features are assumed).
 */
export const TEMPLATE_SCHEMA = '@camunda/zeebe-element-templates-json-schema@0.46.0/resources/schema.json';

export interface ElementTemplate {
  $schema: string;
  id: string;
  name: string;
  description: string;
  version: number;
  category: { id: string; name: string };
  appliesTo: string[];
  elementType: { value: string };
  keywords: string[];
  groups: { id: string; label: string }[];
  properties: Record<string, unknown>[];
}

/** the notification templates (regulation/templates.ts), named for a process admin */
export const NOTIFICATION_LABELS: Record<string, string> = {
  'petition-received': '诉求已收到(告知诉求人)',
  'petition-rejected': '不予受理(告知诉求人)',
  'petition-merged': '已归并办理(告知诉求人,由应用在归并时发送)',
  'case-dispatched': '已转办(通知承办单位)',
  'case-joint': '协办(通知协办单位)',
  'return-approved': '同意退回',
  'return-refused': '不同意退回',
  'extension-approved': '已获准延期',
  'extension-refused': '延期未获同意',
  'reply-ready': '答复已发布,请评价',
  'review-refused': '审核未通过',
  'redo-requested': '发回重办',
  'redo-overdue': '重办逾期',
  'first-step-overdue': '首次响应逾期',
  'warning-blue': '蓝色预警',
  'warning-yellow': '黄色预警',
  'warning-red': '红色预警',
  'inspection-transfer': '转督查室',
  'case-urged': '催办短信',
  'supervision-sms': '督办短信',
  'supervision-notice': '督办通知',
  'supervision-limit': '限期督办',
  'supervision-overdue': '督办逾期',
  'major-matter-report': '信息专报',
  'delay-explained': '超期说明',
  'report-issued': '月报、季报已出具(由报告流程发送)',
};

const TARGET_LABELS: Record<string, string> = {
  petitioner: '诉求人',
  'unit-contact': '承办单位联络员',
  'unit-leader': '承办单位分管领导',
  'unit-head': '承办单位主要领导',
  platform: '平台工作人员',
  'inspection-office': '市政府督查室',
  'city-leaders': '市领导',
  'co-units': '各协办单位',
};

const STAGE_LABELS: Record<string, string> = {
  dispatch: '转办后(签收、首次响应、办结期限)',
  'report-accepted': '举报受理后(10 个工作日办结)',
  rating: '答复后(评价期限)',
  redo: '重办(重办期限)',
  supervision: '督办(督办期限)',
};

const LEVEL_LABELS: Record<string, string> = { blue: '蓝色预警(超期 1 个工作日)', yellow: '黄色预警(超期 2 个工作日)', red: '红色预警(超期 4 个工作日)' };

const header = (key: string, label: string, choices: { name: string; value: string }[], description?: string) => ({
  id: `header-${key}`,
  label,
  type: 'Dropdown',
  value: choices[0].value,
  choices,
  group: 'settings',
  ...(description && { description }),
  binding: { type: 'zeebe:taskHeader', key },
  constraints: { notEmpty: true },
});

const DEFS: Record<JobType, { name: string; description: string; keywords: string[]; headers?: Record<string, unknown>[] }> = {
  notify: {
    name: '发送通知',
    description: '按模板向诉求人、承办单位或平台发送短信或站内通知(第六条、第九条、第二十六条等)',
    keywords: ['短信', '通知', 'notify', 'SMS'],
    headers: [
      // a template's required fields must be process variables where the task runs (else the job fails): the choice says which
      header(
        'template',
        '通知模板',
        TEMPLATE_IDS.map((id) => {
          const needs = (TEMPLATES.get(id)?.fields ?? []).filter((f) => f !== 'trackingCode');
          return { name: `${NOTIFICATION_LABELS[id] ?? id}${needs.length ? `(需变量 ${needs.join('、')})` : ''}`, value: id };
        }),
        '通知内容取自流程变量;所选模板需要的变量在此处必须已有值,否则作业失败并形成事故',
      ),
      header('to', '接收人', NOTIFY_TARGETS.map((t) => ({ name: TARGET_LABELS[t] ?? t, value: t }))),
    ],
  },
  'compute-deadlines': {
    name: '计算办理期限',
    description: '按工作日计算本阶段的期限与预警时间(第十条、第十三条、第二十六条)',
    keywords: ['期限', '工作日', 'deadline'],
    headers: [header('stage', '阶段', STAGES.map((s) => ({ name: STAGE_LABELS[s] ?? s, value: s })))],
  },
  'raise-warning': {
    name: '红黄蓝预警',
    description: '记录预警并计扣承办单位分数(第二十六条)',
    keywords: ['预警', '扣分', 'warning'],
    headers: [header('level', '预警等级', WARNING_LEVELS.map((l) => ({ name: LEVEL_LABELS[l], value: l })))],
  },
  'set-petition-status': {
    name: '设置诉求状态',
    description: '设置诉求人查询进度时看到的状态',
    keywords: ['状态', 'status'],
    headers: [header('status', '状态', Object.entries(PETITION_STATUS_LABELS).map(([value, name]) => ({ name, value })))],
  },
  'suggest-unit': { name: '推荐承办单位', description: '按诉求内容与属地推荐承办单位(第九条)', keywords: ['转办', '单位'] },
  'check-return-request': { name: '核查退回申请', description: '检查退回申请是否在期限内、理由是否齐全(第十条、第十一条)', keywords: ['退回'] },
  'check-extension-request': { name: '核查延期申请', description: '检查延期申请的时间与次数(第十四条)', keywords: ['延期'] },
  'extend-deadline': { name: '延长办理期限', description: '按批准的天数重新计算办结期限(第十四条)', keywords: ['延期', '期限'] },
  'transfer-to-inspection': { name: '转督查室', description: '超期 7 个工作日以上未说明原因的,转市政府督查室(第二十六条)', keywords: ['督查', '超期'] },
  'publish-reply': { name: '发布答复', description: '答复审核通过后向诉求人发布(第十五条、第十六条)', keywords: ['答复', '发布'] },
  'check-report-due': { name: '判断是否出具报告', description: '按工作日历判断今天是否为本月第一个工作日:上月月报、上季度季报是否应出具(第二十五条)', keywords: ['月报', '季报', '报告'] },
  'issue-report': {
    name: '出具报告',
    description: '统计并存档月报或季报,通知平台与市领导;同一期由定时流程只出具一次(第二十五条)',
    keywords: ['月报', '季报', '报告'],
    headers: [header('kind', '报告类型', [{ name: '月报(上月)', value: 'month' }, { name: '季报(上季度)', value: 'quarter' }])],
  },
  'gather-assessment': { name: '汇总考核数据', description: '汇总考核期内各承办单位的办结率、按期办结率、满意率、重办率与扣分(第二十七条),输出单位列表 units', keywords: ['考核', '汇总'] },
  'set-knowledge-status': {
    name: '设置知识条目状态',
    description: '知识库条目的审核步骤并记入条目历史:发布(发布前检查个人信息,未通过的抛出业务错误 KNOWLEDGE_PERSONAL_DATA,输出有效期届满时刻 expiresAt)、退回、有效期届满退回复核、停用(第十六条、第二十条)',
    keywords: ['知识库', '发布', '停用'],
    headers: [header('action', '步骤', [
      { name: '审核通过并发布', value: 'published' },
      { name: '审核退回', value: 'returned' },
      { name: '有效期届满,退回复核', value: 'expired' },
      { name: '停用', value: 'retired' },
    ])],
  },
  'save-knowledge-revision': { name: '保存复核修订', description: '承办单位复核后的问题、答案、政策依据与有效期存为新版本,条目重新进入审核(第十六条)', keywords: ['知识库', '复核'] },
  'record-assessment': { name: '记录考核结果', description: '按得分排名并记录考核结果,确定通报表扬、通报批评的单位(第二十七条)', keywords: ['考核', '排名', '通报'] },
};

/** one template per registered job type */
export function elementTemplates(): ElementTemplate[] {
  return jobTypes.map((type) => {
    const d = DEFS[type];
    return {
      $schema: TEMPLATE_SCHEMA,
      id: `wenzheng.${type}`,
      name: d.name,
      description: d.description,
      version: 1,
      category: { id: 'wenzheng', name: '问政平台' },
      appliesTo: ['bpmn:Task', 'bpmn:ServiceTask', 'bpmn:SendTask'],
      elementType: { value: 'bpmn:ServiceTask' },
      keywords: d.keywords,
      groups: [{ id: 'settings', label: '设置' }],
      properties: [
        { type: 'Hidden', value: type, binding: { type: 'zeebe:taskDefinition', property: 'type' } },
        { type: 'Hidden', value: '3', binding: { type: 'zeebe:taskDefinition', property: 'retries' } },
        ...(d.headers ?? []),
      ],
    };
  });
}
