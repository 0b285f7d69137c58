/**
 * The OpenAPI 3.1 description of the REST API (served at /api/openapi.json). Kept beside the
 * routes; a test checks that every route of server/routes/api.ts and open311.ts is described.
 */
import { OFFICE_SCHEMAS } from './openapi-office-schemas.js';
import { KNOWLEDGE_SCHEMAS, knowledgePaths } from './openapi-knowledge.js';
import { KNOWLEDGE_FLOW_PATHS } from './openapi-knowledge-flow.js';
// issue 17 reply templates (templates helper)
import { REPLY_TEMPLATE_PATHS } from './openapi-reply-templates.js';
import { INSPECTOR_OPS_PATHS } from './openapi-inspector-ops.js';
// issue 18 batch operations (batch helper)
import { BATCH_PATHS } from './openapi-batches.js';
import { REMOTE_WORKER_PATHS } from './openapi-remote-workers.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, schema?: object) => ({ description, ...(schema && { content: json(schema) }) });
const errors = {
  '400': { description: '输入有误:每个字段的问题见 error.details', content: json(ref('Error')) },
  '401': { description: '未登录', content: json(ref('Error')) },
  '403': { description: '无权操作,或缺少/伪造的 CSRF 令牌', content: json(ref('Error')) },
  '404': { description: '不存在,或无权查看', content: json(ref('Error')) },
};
const body = (schema: object, type = 'application/json') => ({ required: true, content: { [type]: { schema } } });
const id = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const staff = [{ session: [] }];

/** the work queue's list state: the same on the page (/staff) and the API */
const QUEUE_PARAMETERS = [
  { name: 'tab', in: 'query', schema: { type: 'string', enum: ['all', 'mine', 'unclaimed', 'soon', 'overdue', 'done'] }, description: '全部待办、我的待办、待认领、即将超期(一个工作日内到期)、已超期、已办' },
  { name: 'scope', in: 'query', schema: { type: 'string', enum: ['mine', 'all'] }, description: '本岗位或全市(平台、市领导、审计员)' },
  { name: 'sort', in: 'query', schema: { type: 'string', enum: ['due', 'received', 'priority'] } },
  { name: 'colour', in: 'query', schema: { type: 'string', enum: ['blue', 'yellow', 'red'] }, description: '已超期中的预警颜色' },
  { name: 'category', in: 'query', schema: { type: 'string' } },
  { name: 'channel', in: 'query', schema: { type: 'string', enum: ['web', 'wechat', 'hotline'] } },
  { name: 'township', in: 'query', schema: { type: 'string' } },
  { name: 'unit', in: 'query', schema: { type: 'string' } },
  { name: 'task', in: 'query', schema: { type: 'string' }, description: '事项类型(流程节点编号)' },
  { name: 'q', in: 'query', schema: { type: 'string', maxLength: 50 }, description: '查询编号,或标题、内容中的词' },
  { name: 'after', in: 'query', schema: { type: 'string' }, description: '翻页位置(来自 next)' },
  { name: 'before', in: 'query', schema: { type: 'string' }, description: '翻页位置(来自 prev)' },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
];
/** the case list's query parameters (GET /api/cases and its exports): unknown values are a 400 */
function caseListParameters(paged: boolean) {
  const q = (name: string, description: string, schema: object = { type: 'string' }) => ({ name, in: 'query', schema, description });
  return [
    q('q', '查询编号(WZ 加 8 位,精确匹配)或标题、内容中的关键词;关键词搜索默认查最近 90 天,日期范围最长 366 天'),
    q('phone', '诉求人手机号码(仅受理员、审核员;按盲索引匹配,查找记入审计和身份查看记录,不记号码;其他账号 403)'),
    q('status', '状态(含 closed、rejected 等全部状态)'),
    q('category', '类别', ref('Category')),
    q('unit', '承办单位编号(承办单位账号只能是本单位,否则 403)'),
    q('township', '乡镇区划代码'),
    q('channel', '渠道', { enum: ['web', 'wechat', 'hotline'] }),
    q('urgent', '突发', { enum: ['true', 'false'] }),
    q('warning', '已达到的预警等级(及以上)', { enum: ['blue', 'yellow', 'red'] }),
    q('from', '提交日期起(上海时间,含)', { type: 'string', format: 'date' }),
    q('to', '提交日期止(上海时间,含)', { type: 'string', format: 'date' }),
    q('sort', '排序:newest 提交时间新→旧(默认)、oldest 旧→新、updated 最近更新', { enum: ['newest', 'oldest', 'updated'] }),
    ...(paged ? [q('after', '翻页游标:此行之后(取自 Link 头)'), q('before', '翻页游标:此行之前(取自 Link 头)')] : []),
  ];
}

export function openApiDocument(baseUrl: string) {
  const op = (summary: string, extra: Record<string, unknown> = {}) => ({ summary, responses: { '200': ok('成功'), ...errors }, ...extra });
  return {
    openapi: '3.1.0',
    info: {
      title: '龙南市网络问政平台 API',
      version: '1.0.0',
      description:
        '页面能做的事都可以通过本 API 完成。工作人员用 POST /api/login 登录(会话 Cookie);所有修改类请求须在 `x-csrf-token` 头中带上 GET /api/session 返回的令牌。公众提交须先 GET /api/challenge 并作答。第三方受理应用也可使用 Open311 GeoReport v2 接口(/open311/v2)。',
    },
    servers: [{ url: baseUrl }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'wz_sid' },
        csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
      },
      schemas: {
        ...OFFICE_SCHEMAS,
        ...KNOWLEDGE_SCHEMAS,
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } } } },
        },
        Category: { type: 'string', enum: ['consultation', 'complaint', 'report', 'help', 'suggestion', 'other'] },
        Rating: { type: 'string', enum: ['very-satisfied', 'satisfied', 'basically-satisfied', 'unsatisfied', 'very-unsatisfied'] },
        PetitionInput: {
          type: 'object',
          required: ['category', 'title', 'content', 'petitionerName', 'petitionerPhone'],
          properties: {
            category: ref('Category'),
            title: { type: 'string', maxLength: 100 },
            content: { type: 'string', maxLength: 5000 },
            township: { type: ['string', 'null'], description: '乡镇区划代码(GET /api/townships)' },
            confidential: { type: 'boolean', description: '要求保密(第十九条)' },
            petitionerName: { type: 'string', maxLength: 50 },
            petitionerPhone: { type: 'string', description: '11 位手机号码' },
            agree: { type: 'boolean', description: '同意平台规则(公众提交必填 true)' },
            challengeToken: { type: 'string' },
            challengeAnswer: { type: 'string' },
            urgent: { type: 'boolean', description: '突发事项(仅热线录入)' },
            attachments: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'multipart/form-data 时最多 3 个文件' },
          },
        },
        Task: {
          type: 'object',
          properties: {
            key: { type: 'string' }, name: { type: 'string' }, elementId: { type: 'string' }, formId: { type: 'string' }, article: { type: 'string' }, deadline: { type: 'object' }, warningLabel: { type: 'string' }, petition: { type: 'object' }, mayAct: { type: 'boolean' },
            priority: { type: 'string', enum: ['normal', 'high', 'urgent'] }, assignee: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
            mayClaim: { type: 'boolean' }, mayRelease: { type: 'boolean' }, mayAssign: { type: 'boolean' }, maySetPriority: { type: 'boolean' },
          },
        },
        QueuePage: {
          type: 'object',
          properties: {
            items: { type: 'array', items: ref('Task') },
            counts: { type: 'object', description: '各标签的数量', properties: Object.fromEntries(['all', 'mine', 'unclaimed', 'soon', 'overdue', 'blue', 'yellow', 'red', 'done'].map((k) => [k, { type: 'integer' }])) },
            next: { type: 'string', description: '下一页的查询串' },
            prev: { type: 'string', description: '上一页的查询串' },
            query: { type: 'object' },
          },
        },
        FieldInUse: { type: 'object', properties: { field: { type: 'string', description: '新版本删除的字段(取值路径)' }, processId: { type: 'string' }, version: { type: 'integer' }, elementId: { type: 'string' }, where: { enum: ['condition', 'input', 'output', 'timer', 'calledElement', 'assignment', 'loop', 'correlationKey', 'script', 'expression'] }, expression: { type: 'string' } } },
        CaseSummary: { type: 'object', properties: { id: { type: 'string' }, trackingCode: { type: 'string' }, title: { type: 'string' }, category: ref('Category'), categoryLabel: { type: 'string' }, status: { type: 'string' }, statusLabel: { type: 'string' }, channel: { type: 'string' }, township: { type: ['string', 'null'] }, unitId: { type: ['string', 'null'] }, unitName: { type: 'string' }, urgent: { type: 'boolean' }, confidential: { type: 'boolean' }, createdAt: { type: 'string', format: 'date-time' }, updatedAt: { type: 'string', format: 'date-time' } } },
        CaseView: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, query: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } } },
        Attachment: { type: 'object', properties: { id: { type: 'string' }, filename: { type: 'string' }, mediaType: { type: 'string' }, size: { type: 'integer' }, sha256: { type: 'string' }, purpose: { type: 'string' } } },
      },
    },
    paths: {
      ...knowledgePaths({ op, ok, body, id, ref, json, errors, staff }),
      ...KNOWLEDGE_FLOW_PATHS,
      '/api/session': { get: op('当前会话与 CSRF 令牌') },
      '/api/login': { post: op('工作人员登录', { requestBody: body({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }) }) },
      '/api/logout': { post: op('退出登录', { responses: { '204': ok('已退出') } }) },
      '/api/challenge': { get: op('获取提交验证问题', { responses: { '200': ok('问题', { type: 'object', properties: { token: { type: 'string' }, question: { type: 'string' } } }) } }) },
      '/api/categories': { get: op('诉求类别') },
      '/api/townships': { get: op('乡镇(区划代码)') },
      '/api/ratings': { get: op('满意度选项') },
      '/api/petitions': {
        post: op('提交诉求(网站/公众号)', {
          requestBody: { required: true, content: { 'application/json': { schema: ref('PetitionInput') }, 'multipart/form-data': { schema: ref('PetitionInput') } } },
          responses: { '201': ok('已提交,返回查询编号', { type: 'object', properties: { trackingCode: { type: 'string' }, status: { type: 'string' } } }), ...errors, '429': ok('过于频繁') },
        }),
      },
      '/api/track': { post: op('凭查询编号和手机号码查询进度', { requestBody: body({ type: 'object', required: ['trackingCode', 'phone'], properties: { trackingCode: { type: 'string' }, phone: { type: 'string' } } }) }) },
      '/api/rate': {
        post: op('评价办理结果(第十七条)', {
          requestBody: body({ type: 'object', required: ['trackingCode', 'phone', 'rating'], properties: { trackingCode: { type: 'string' }, phone: { type: 'string' }, rating: ref('Rating'), ratingComment: { type: 'string', maxLength: 500 } } }),
          responses: { '202': ok('已收到'), ...errors, '409': ok('不在评价期内') },
        }),
      },
      '/api/replies': { get: op('公开的答复(已隐去个人信息)', { parameters: [{ name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } }] }) },
      '/api/tasks': {
        get: op('待办列表(工作队列的一页;响应头 Link rel="next" 为下一页)', {
          security: staff,
          parameters: QUEUE_PARAMETERS,
          responses: { '200': ok('待办', { type: 'array', items: ref('Task') }), ...errors },
        }),
      },
      '/api/queue': {
        get: op('工作队列:一页待办、各标签的数量与翻页位置(单位人员只看本单位的事项)', {
          security: staff,
          parameters: QUEUE_PARAMETERS,
          responses: { '200': ok('一页待办与数量', ref('QueuePage')), ...errors },
        }),
      },
      '/api/queue/phone-search': {
        post: op('按诉求人手机号查找待办(受理员、审核员;查找记入日志,号码不记录、不放在网址中)', {
          security: staff,
          requestBody: body({ type: 'object', required: ['phone'], properties: { phone: { type: 'string', description: '11 位手机号码' }, tab: { type: 'string' }, scope: { type: 'string', enum: ['mine', 'all'] }, sort: { type: 'string' } } }),
          responses: { '200': ok('一页待办与数量(无翻页链接)', ref('QueuePage')), ...errors },
        }),
      },
      '/api/queue-views': {
        get: op('我保存的待办视图', { security: staff }),
        post: op('把待办列表的条件保存为视图(不含翻页位置与手机号;每人最多 50 个)', { security: staff, requestBody: body({ type: 'object', required: ['name', 'query'], properties: { name: { type: 'string', maxLength: 40 }, query: { type: 'string', maxLength: 1000, description: '列表的查询串,如 tab=overdue&colour=red' } } }), responses: { '201': ok('已保存'), ...errors, '409': ok('同名视图已存在或已达上限') } }),
      },
      '/api/queue-views/{id}': { delete: op('删除我的待办视图', { security: staff, parameters: [id('id', '视图编号')], responses: { '204': ok('已删除'), ...errors } }) },
      '/api/tasks/{key}/claim': { post: op('认领待办(本岗位人员;已被他人认领时 409)', { security: staff, parameters: [id('key', '待办编号')], responses: { '200': ok('已认领', { type: 'object', properties: { task: ref('Task') } }), ...errors, '409': ok('已被他人认领或已办理') } }) },
      '/api/tasks/{key}/release': { post: op('退回认领(认领人或单位分管领导)', { security: staff, parameters: [id('key', '待办编号')], responses: { '200': ok('已退回认领', { type: 'object', properties: { task: ref('Task') } }), ...errors, '409': ok('无人认领、认领人已变化或已办理') } }) },
      '/api/tasks/{key}/assign': {
        post: op('指派待办给本单位能办理的人员(单位分管领导)', { security: staff, parameters: [id('key', '待办编号')], requestBody: body({ type: 'object', required: ['assignee'], properties: { assignee: { type: 'string', description: '账号编号' } } }), responses: { '200': ok('已指派', { type: 'object', properties: { task: ref('Task') } }), ...errors, '409': ok('认领人已变化或已办理') } }),
      },
      '/api/tasks/{key}/priority': {
        post: op('设置待办优先级(受理员、审核员)', { security: staff, parameters: [id('key', '待办编号')], requestBody: body({ type: 'object', required: ['priority'], properties: { priority: { type: 'string', enum: ['normal', 'high', 'urgent'], description: '普通、优先、紧急' } } }), responses: { '200': ok('已设置', { type: 'object', properties: { task: ref('Task') } }), ...errors, '409': ok('已办理') } }),
      },
      '/api/unassignable-tasks': {
        get: op('无人可办的待办:候选组没有在岗账号的未办事项(受理员、审核员、市领导、审计员、流程管理员)', {
          security: staff,
          responses: { '200': ok('事项及缺少的人员', { type: 'array', items: { type: 'object', properties: { userTaskKey: { type: 'string' }, name: { type: 'string' }, trackingCode: { type: 'string' }, missing: { type: 'string' } } } }), ...errors },
        }),
      },
      '/api/tasks/{key}': { get: op('待办详情(含表单与数据)', { security: staff, parameters: [id('key', '待办编号')] }) },
      '/api/tasks/{key}/complete': {
        post: op('提交表单,完成待办(按表单校验)', {
          security: staff,
          parameters: [id('key', '待办编号')],
          requestBody: body({ type: 'object', required: ['variables'], properties: { variables: { type: 'object' } } }),
          responses: { '200': ok('已完成'), ...errors, '409': ok('已办理,不能重复提交') },
        }),
      },
      '/api/attachments': {
        post: op('上传办理材料(按内容校验类型,限制大小,记录校验和)', {
          security: staff,
          requestBody: body({ type: 'object', required: ['file', 'petitionId', 'purpose'], properties: { file: { type: 'string', format: 'binary' }, petitionId: { type: 'string' }, purpose: { type: 'string' } } }, 'multipart/form-data'),
          responses: { '201': ok('已保存', ref('Attachment')), ...errors, '413': ok('文件过大') },
        }),
      },
      '/api/attachments/{id}': { get: op('下载附件', { security: staff, parameters: [id('id', '附件编号')] }) },
      '/api/cases': {
        get: op('我可以查看的诉求(含已办结):筛选、排序、搜索,按游标翻页(每页 50 件,下一页/上一页见 Link 响应头 rel="next"/"prev");承办单位只能看到本单位的诉求', {
          security: staff,
          parameters: caseListParameters(true),
          responses: {
            '200': { description: '本页诉求;Link 头给出下一页、上一页的地址;x-notice 头(URL 编码)说明关键词搜索默认的日期范围', content: json({ type: 'array', items: ref('CaseSummary') }) },
            ...errors,
          },
        }),
      },
      '/api/cases/export.csv': { get: op('导出符合条件的全部诉求(CSV,UTF-8 带 BOM,中文表头,上海时间;不含诉求人身份;条件同 GET /api/cases)', { security: staff, parameters: caseListParameters(false) }) },
      '/api/cases/export.xlsx': { get: op('导出符合条件的全部诉求(Excel 工作簿,流式写出,不限行数;列同 CSV)', { security: staff, parameters: caseListParameters(false), responses: { '200': { description: 'xlsx 文件', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } }, ...errors } }) },
      // 第二十五条: the 月报 and 季报 archive
      '/api/reports': {
        get: op('已出具的月报、季报(每期最新版次,新→旧;平台、市领导、审计员;承办单位可见列表及本单位数据)', {
          security: staff,
          parameters: [{ name: 'kind', in: 'query', schema: { type: 'string', enum: ['month', 'quarter'] }, description: '月报或季报' }],
          responses: { '200': ok('报告列表', { type: 'array', items: { allOf: [ref('ReportMeta'), { type: 'object', properties: { editions: { type: 'integer', description: '该期共有几个版次' } } }] } }), ...errors },
        }),
        post: op('按当前数据出具一期月报或季报(审核员):存为该期的新版次,已出具的版次不变', {
          security: staff,
          requestBody: body({ type: 'object', required: ['kind', 'year', 'index'], properties: { kind: { type: 'string', enum: ['month', 'quarter'] }, year: { type: 'integer', minimum: 2000, maximum: 2100 }, index: { type: 'integer', minimum: 1, maximum: 12, description: '月份 1–12 或季度 1–4' } } }),
          responses: { '201': ok('已出具', ref('ReportMeta')), ...errors },
        }),
      },
      '/api/reports/{id}': {
        get: op('一期报告的一个版次:存档的统计数据(ReportFigures,regulation/report-figures.ts)及该期全部版次(平台、市领导、审计员)', {
          security: staff,
          parameters: [id('id', '报告编号')],
          responses: { '200': ok('报告', { allOf: [ref('ReportMeta'), { type: 'object', properties: { editions: { type: 'array', items: ref('ReportMeta') }, figures: { type: 'object', description: 'ReportFigures:总量与各项比率、环比同比、按渠道/类别/乡镇/单位、五级满意度、预警与扣分、督办、热点、单位排名' } } }] }), ...errors },
        }),
      },
      '/api/reports/{id}/units/{unitId}': {
        get: op('报告中一个承办单位的数据(承办单位账号只能查看本单位)', {
          security: staff,
          parameters: [id('id', '报告编号'), id('unitId', '承办单位编号')],
          responses: { '200': ok('本单位数据', { type: 'object', properties: { report: ref('ReportMeta'), unitId: { type: 'string' }, row: { type: ['object', 'null'] }, ranked: { type: ['object', 'null'] }, rankedOf: { type: 'integer' } } }), ...errors },
        }),
      },
      '/api/reports/{id}/workbook': {
        get: op('报告的 Excel 工作簿(每表一页,中文表头,比率为百分比)', { security: staff, parameters: [id('id', '报告编号')], responses: { '200': { description: 'xlsx 文件', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } }, ...errors } }),
      },
      '/api/reports/{id}/brief': {
        get: op('报市领导的 Word 专报(标题、概述、主要表格、低于考核要求的单位)', { security: staff, parameters: [id('id', '报告编号')], responses: { '200': { description: 'docx 文件', content: { 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: { type: 'string', format: 'binary' } } } }, ...errors } }),
      },
      '/api/cases/supervise': {
        post: op('为勾选的诉求发起督办(第二十三条(一)(二)(五),审核员):逐件发起,每件的结果(已发起/未发起及原因)分别返回并记入审计;一件未发起不影响其他', {
          security: staff,
          requestBody: body({ type: 'object', required: ['ids', 'trigger'], properties: { ids: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string' }, description: '诉求编号' }, trigger: { type: 'string', enum: ['一', '二', '五'], description: '督办事由:(一)市领导批示或交办、(二)热点难点、(五)其他' }, note: { type: 'string', maxLength: 500 } } }),
          responses: {
            '200': ok('每件的结果', { type: 'object', properties: { results: { type: 'array', items: { type: 'object', required: ['id', 'outcome'], properties: { id: { type: 'string' }, trackingCode: { type: 'string' }, outcome: { enum: ['started', 'refused'] }, code: { type: 'string', description: 'NO_UNIT、ALREADY_SUPERVISED、NOT_FOUND…' }, reason: { type: 'string' }, processInstanceKey: { type: 'string' } } } } } }),
            ...errors,
          },
        }),
      },
      '/api/hotspots': {
        get: op('热点诉求(第二十三条(二)):时间段内按乡镇和共同关键词归集的集中投诉举报(3 件以上;多个乡镇共有的为全市热点),与上一等长时段比较(新出现、上升、下降、持平);不含恶意、虚假诉求和已归并的诉求(平台工作人员、市领导、审计员)', {
          security: staff,
          parameters: [
            { name: 'from', in: 'query', schema: { type: 'string', format: 'date' }, description: '起始日期(上海时间,含;默认截止日期前 29 天)' },
            { name: 'to', in: 'query', schema: { type: 'string', format: 'date' }, description: '截止日期(上海时间,含;默认今天);时间段最长 366 天' },
            { name: 'township', in: 'query', schema: { type: 'string' }, description: '乡镇区划代码:该乡镇的热点及涉及它的全市热点' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 }, description: '最多返回的热点数(默认 20)' },
          ],
          responses: {
            '200': ok('时间段与热点(件数多的在前)', {
              type: 'object',
              properties: {
                window: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, previousFrom: { type: 'string' }, previousTo: { type: 'string' }, days: { type: 'integer' } } },
                township: { type: ['string', 'null'] },
                hotspots: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      id: { type: 'string', description: '热点编号(发起督办时使用)' },
                      township: { type: ['string', 'null'], description: 'null 为全市热点' },
                      townshipName: { type: 'string' },
                      townshipNames: { type: 'array', items: { type: 'string' } },
                      words: { type: 'array', items: { type: 'string' }, description: '关键词,最能说明事项的在前' },
                      count: { type: 'integer' },
                      previousCount: { type: 'integer' },
                      trend: { enum: ['new', 'up', 'down', 'flat'] },
                      trendLabel: { type: 'string' },
                      examples: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, trackingCode: { type: 'string' }, title: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } } } },
                      spans: { type: 'array', items: { type: 'object', properties: { label: { type: 'string' }, count: { type: 'integer' }, previous: { type: 'boolean' } } } },
                      supervision: { type: 'object', description: '本时段已就该热点发起的督办', properties: { petitionId: { type: 'string' }, trackingCode: { type: 'string' }, startedAt: { type: 'string', format: 'date-time' } } },
                    },
                  },
                },
              },
            }),
            ...errors,
          },
        }),
      },
      '/api/hotspots/supervise': {
        post: op('就热点发起督办(第二十三条(二),审核员):为热点中最早的、由承办单位在办且未在督办中的诉求启动督办流程,督办说明列出热点的全部诉求,每件诉求的办理记录都记上;同一热点同一时段只发起一次(再次提交返回已发起的督办)', {
          security: staff,
          requestBody: body({ type: 'object', required: ['hotspotId'], properties: { hotspotId: { type: 'string', maxLength: 200 }, from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' }, note: { type: 'string', maxLength: 200, description: '督办说明(附在热点说明之前)' } } }),
          responses: {
            '202': ok('已发起', { type: 'object', properties: { started: { const: true }, petitionId: { type: 'string' }, trackingCode: { type: 'string' }, processInstanceKey: { type: 'string' }, cases: { type: 'integer' } } }),
            '200': ok('该热点本时段已发起过督办,未重复发起(started 为 false)'),
            ...errors,
            '409': { description: '热点的诉求尚未转办到承办单位(NO_UNIT),或在办诉求都已在督办中(ALREADY_SUPERVISED);未作任何变更', content: json(ref('Error')) },
          },
        }),
      },
      '/api/case-views': {
        get: op('我保存的诉求列表视图(仅本人)', { security: staff, responses: { '200': ok('视图', { type: 'array', items: ref('CaseView') }), ...errors } }),
        post: op('保存视图:名称与列表的查询字符串(不保存翻页位置和手机号码)', {
          security: staff,
          requestBody: body({ type: 'object', required: ['name', 'query'], properties: { name: { type: 'string', maxLength: 40 }, query: { type: 'string', maxLength: 1000, description: '如 status=closed&category=complaint' } } }),
          responses: { '201': ok('已保存', ref('CaseView')), ...errors, '409': ok('同名视图已存在(VIEW_EXISTS)或已达上限(TOO_MANY_VIEWS)') },
        }),
      },
      '/api/case-views/{id}': { delete: op('删除本人的视图', { security: staff, parameters: [id('id', '视图编号')], responses: { '204': ok('已删除'), ...errors } }) },
      '/api/cases/{id}': { get: op('诉求详情与办理记录;invalidMark:恶意、虚假诉求的认定(第二十七条);repeatedSender:平台人员可见的提示「该号码此前有 N 件被认定为恶意/虚假诉求」(不含号码);mayMarkInvalid、mayUnmarkInvalid', { security: staff, parameters: [id('id', '诉求编号')] }) },
      '/api/cases/{id}/identity': { post: op('查看诉求人身份(记录查看;保密件承办单位不可查看)', { security: staff, parameters: [id('id', '诉求编号')] }) },
      '/api/cases/{id}/extension-request': {
        post: op('申请延期(第十四条)', { security: staff, parameters: [id('id', '诉求编号')], requestBody: body({ type: 'object', required: ['extensionDays', 'extensionReason'], properties: { extensionDays: { type: 'integer', minimum: 1, maximum: 30 }, extensionReason: { type: 'string' } } }), responses: { '202': ok('已提交,等待平台审核'), ...errors, '409': { description: '不予延期(error.code EXTENSION_REFUSED,error.message 为理由:突发类事项、已延期 2 次、已过办理期限),已有延期申请在审核中(EXTENSION_PENDING),或该诉求不在办理阶段(NOT_HANDLING);未作任何变更', content: json(ref('Error')) } } }),
      },
      '/api/cases/{id}/phone-rating': {
        post: op('电话回访(第十七条):录入诉求人在电话中作出的评价,与诉求人本人评价同等生效,办理记录写明录入人(受理员、审核员)', { security: staff, parameters: [id('id', '诉求编号')], requestBody: body({ type: 'object', required: ['rating'], properties: { rating: { type: 'string', enum: ['very-satisfied', 'satisfied', 'basically-satisfied', 'unsatisfied', 'very-unsatisfied'] }, ratingComment: { type: 'string', maxLength: 500 } } }), responses: { '202': ok('已录入'), ...errors, '409': { description: '该诉求当前不在评价期内(NOT_RATABLE);未作任何变更', content: json(ref('Error')) } } }),
      },
      '/api/cases/{id}/similar': {
        get: op('相似诉求(受理审查时):30 日内同一手机号,或同一乡镇内容相近的诉求,按相似程度排序;不含诉求人姓名和手机号(受理员、审核员)', {
          security: staff,
          parameters: [id('id', '诉求编号')],
          responses: {
            '200': { description: '相似诉求,最多 10 件', content: json({ type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, trackingCode: { type: 'string' }, title: { type: 'string' }, township: { type: 'string', nullable: true }, townshipName: { type: 'string', nullable: true }, createdAt: { type: 'string', format: 'date-time' }, status: { type: 'string' }, statusLabel: { type: 'string' }, reasons: { type: 'array', items: { type: 'string', enum: ['same-phone', 'similar-text'] } }, reason: { type: 'string', description: '如“同一手机号”“同一乡镇且内容相近(相似度 0.45)”' }, textScore: { type: 'number' }, shared: { type: 'array', items: { type: 'string' }, description: '共同关键词' }, mergeable: { type: 'boolean', description: '本件在受理审查中,且该件在办、提交更早:可归并到该件' } } } }) },
            ...errors,
          },
        }),
      },
      '/api/cases/{id}/merge': {
        post: op('归并(受理员,本件受理审查中):把本件归并到更早提交的在办诉求,由该件一并答复;本件状态为“已归并办理”,两件办理记录均记入,短信告知本件诉求人;此后该件的告知同样发给本件诉求人,本件诉求人凭自己的查询码查看进度和评价', {
          security: staff,
          parameters: [id('id', '诉求编号(被归并的诉求)')],
          requestBody: body({ type: 'object', required: ['intoId'], properties: { intoId: { type: 'string', description: '归并到的诉求编号' } } }),
          responses: {
            '200': ok('已归并', { type: 'object', properties: { petitionId: { type: 'string' }, trackingCode: { type: 'string' }, mergedIntoId: { type: 'string' }, mergedIntoCode: { type: 'string' } } }),
            ...errors,
            '409': { description: '归并到本件自身(MERGE_SELF)、已办结或已归并的诉求(MERGE_TARGET_ENDED)、晚于本件提交的诉求(MERGE_TARGET_LATER),本件不在受理审查中(NOT_SCREENING),或其流程版本不支持归并(MERGE_UNSUPPORTED);未作任何变更', content: json(ref('Error')) },
          },
        }),
      },
      '/api/cases/{id}/supervise': {
        post: op('发起督办(第二十三条(一)(二)(三)(五),审核员):启动督办流程,记入办理记录', { security: staff, parameters: [id('id', '诉求编号')], requestBody: body({ type: 'object', required: ['supervisionTrigger'], properties: { supervisionTrigger: { type: 'string', enum: ['一', '二', '三', '五'], description: '督办事由:(一)市领导批示或交办、(二)热点难点、(三)超期未办结、(五)其他' }, supervisionNote: { type: 'string', maxLength: 500 } } }), responses: { '202': ok('已发起,返回督办流程实例编号'), ...errors, '409': { description: '尚未转办到承办单位(NO_UNIT),或正在督办中(ALREADY_SUPERVISED);未作任何变更', content: json(ref('Error')) } } }),
      },
      '/api/cases/{id}/malicious': {
        post: op('认定为恶意、虚假诉求(第二十七条 附则,审核员):诉求关闭(状态 invalid,办理流程终止),不再计入任何承办单位的统计;认定、状态、统计与办理记录一并提交', {
          security: staff,
          parameters: [id('id', '诉求编号')],
          requestBody: body({ type: 'object', required: ['kind', 'reason', 'basis'], properties: { kind: { type: 'string', enum: ['malicious', 'false'], description: 'malicious 恶意诉求、false 虚假诉求' }, reason: { type: 'string', maxLength: 200, description: '认定理由(不得含手机号码等个人信息)' }, basis: { type: 'string', maxLength: 200, description: '认定依据' } } }),
          responses: { '200': ok('已认定并关闭', { type: 'object', properties: { petitionId: { type: 'string' }, trackingCode: { type: 'string' }, kind: { type: 'string' }, status: { const: 'invalid' } } }), ...errors, '409': { description: '已被认定(ALREADY_MARKED),或已归并到另一件诉求(MERGED);未作任何变更', content: json(ref('Error')) } },
        }),
        delete: op('撤销认定(审核员):诉求重新计入统计;被认定终止办理的诉求重新进入受理审查,已办结的恢复原状态', {
          security: staff,
          parameters: [id('id', '诉求编号')],
          responses: { '200': ok('已撤销', { type: 'object', properties: { petitionId: { type: 'string' }, trackingCode: { type: 'string' }, status: { type: 'string' } } }), ...errors, '409': { description: '该诉求未被认定(NOT_MARKED)', content: json(ref('Error')) } },
        }),
      },
      '/api/cases/{id}/urge': {
        post: op('催办(第二十四条(一)):短信提醒承办单位分管领导,记入办理记录;给出 level 时按第二十六条提醒该预警级别对应的人员(蓝:责任人,黄:分管领导,红:主要领导);每件每天对每人一次(受理员、审核员)', { security: staff, parameters: [id('id', '诉求编号')], requestBody: body({ type: 'object', properties: { urgeNote: { type: 'string', maxLength: 200, description: '催办说明(记入办理记录,不发短信)' }, level: { type: 'string', enum: ['blue', 'yellow', 'red'], description: '按预警级别催办(不得高于诉求已达到的级别)' } } }), responses: { '202': ok('已催办,短信已排队', ref('UrgeResult')), ...errors, '409': { description: '该诉求没有承办单位在办理(NOT_HANDLING),今天已催办过该人员(ALREADY_URGED),或尚未达到所给预警级别(LEVEL_NOT_REACHED);未作任何变更', content: json(ref('Error')) } } }),
      },
      '/api/board': {
        get: op('红黄蓝预警看板(第二十六条):超期诉求按单位和颜色统计,超期工作日数、情况说明、扣分,移交督查室和通报批评记录。平台、市领导、审计员看全市,承办单位只看本单位', {
          security: staff,
          parameters: [
            { name: 'unit', in: 'query', schema: { type: 'string' }, description: '单位编号(承办单位账号只能是本单位,否则 403)' },
            { name: 'colour', in: 'query', schema: { type: 'string', enum: ['blue', 'yellow', 'red', 'transfer'] }, description: '蓝、黄、红色预警,或已移交督查室' },
            { name: 'after', in: 'query', schema: { type: 'string' }, description: '翻页位置(来自 next)' },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200 }, description: '每页条数,默认 50' },
            { name: 'transfersBefore', in: 'query', schema: { type: 'integer' }, description: '移交记录翻页(来自 transfersNext)' },
            { name: 'criticismsBefore', in: 'query', schema: { type: 'integer' }, description: '通报批评翻页(来自 criticismsNext)' },
          ],
          responses: { '200': ok('看板', ref('Board')), ...errors },
        }),
      },
      '/api/board/urge': {
        post: op('按预警级别催办(第二十六条):蓝色提醒承办单位责任人、黄色提醒分管领导、红色提醒主要领导,短信与办理记录一并记录;每件每天对每人一次(受理员、审核员)', {
          security: staff,
          requestBody: body({ type: 'object', required: ['petitionId', 'level'], properties: { petitionId: { type: 'string' }, level: { type: 'string', enum: ['blue', 'yellow', 'red'] }, urgeNote: { type: 'string', maxLength: 200 } } }),
          responses: { '202': ok('已催办,短信已排队', ref('UrgeResult')), ...errors, '409': { description: '没有承办单位在办理(NOT_HANDLING)、今天已催办过该人员(ALREADY_URGED)或诉求尚未达到该预警级别(LEVEL_NOT_REACHED);未作任何变更', content: json(ref('Error')) } },
        }),
      },
      '/api/cases/{id}/delay-explanation': {
        post: op('提交逾期情况说明(第二十六条)', { security: staff, parameters: [id('id', '诉求编号')], requestBody: body({ type: 'object', required: ['delayExplanation'], properties: { delayExplanation: { type: 'string' } } }), responses: { '202': ok('已提交'), ...errors } }),
      },
      '/api/hotline': { post: op('热线录入(受理员)', { security: staff, requestBody: body(ref('PetitionInput')), responses: { '201': ok('已登记'), ...errors } }) },
      '/api/deployments': {
        post: op('部署流程图和决策表(流程管理员):.bpmn 解析、Camunda 8.8 检查、任务类型/表单/办理人/被调用的决策检查;.dmn 命中策略、输入类型、FEEL 检查;全部通过才部署为新版本', {
          security: staff,
          requestBody: body({ type: 'object', required: ['resources'], properties: { resources: { type: 'array', items: { type: 'object', required: ['name', 'content'], properties: { name: { type: 'string' }, content: { type: 'string' } } } }, confirmAffected: { type: 'boolean', description: '新版本删除了有实例等待的环节时须确认' } } }),
          responses: { '201': ok('已部署'), ...errors, '409': ok('有运行中实例等待在被删除的环节,须确认') },
        }),
      },
      '/api/deployments/preview': {
        post: op('部署前检查:问题清单,以及新版本增删的环节和在被删除环节等待的运行中实例数', { security: staff, requestBody: body({ type: 'object', required: ['resources'], properties: { resources: { type: 'array' } } }) }),
      },
      '/api/processes': { get: op('流程及其各版本(部署人、部署时间)', { security: staff }) },
      '/api/processes/{processId}/diff': { get: op('两个版本的差异:新增、删除、修改的元素', { security: staff, parameters: [id('processId', '流程编号'), { name: 'from', in: 'query', required: true, schema: { type: 'integer' } }, { name: 'to', in: 'query', required: true, schema: { type: 'integer' } }] }) },
      '/api/processes/{processId}/draft': {
        get: op('我的草稿(流程管理员):尚未部署的流程图', { security: staff, parameters: [id('processId', '流程编号')] }),
        put: op('保存草稿(替换我的该流程草稿)', { security: staff, parameters: [id('processId', '流程编号')], requestBody: body({ type: 'object', required: ['xml'], properties: { xml: { type: 'string', maxLength: 2097152 }, baseVersion: { type: ['integer', 'null'] } } }) }),
        delete: op('放弃草稿', { security: staff, parameters: [id('processId', '流程编号')], responses: { '204': ok('已删除'), ...errors } }),
      },
      '/api/element-templates': { get: op('元素模板:每个已注册处理程序一个(建模器的“追加元素”菜单)', { security: staff }) },
      '/api/processes/{processId}/versions/{version}': { get: op('某一版本的 BPMN XML', { security: staff, parameters: [id('processId', '流程编号'), id('version', '版本号')] }) },
      '/api/inspector/instances': {
        get: op('流程实例(审计):按流程、版本、状态、承办单位、类别、逾期等级、日期筛选', {
          security: staff,
          parameters: ['processId', 'version', 'state', 'unitId', 'category', 'overdue', 'from', 'to', 'page'].map((name) => ({ name, in: 'query', schema: { type: 'string' } })),
        }),
      },
      '/api/inspector/instances/{key}': {
        get: op('流程实例详情:当前令牌、已走路径、事故、待触发定时器、上下级实例、时间线(kind 筛选:环节、办理、预警、运维操作)、变量(个人信息已隐去)', {
          security: staff,
          parameters: [id('key', '流程实例编号'), { name: 'kind', in: 'query', schema: { enum: ['elements', 'tasks', 'warnings', 'operator'] } }],
        }),
      },
      // issue 18: the inspector's operator actions
      ...INSPECTOR_OPS_PATHS,
      '/api/inspector/incidents': { get: op('事故列表', { security: staff, parameters: [{ name: 'state', in: 'query', schema: { enum: ['active', 'resolved'] } }] }) },
      '/api/inspector/incidents/{key}/retry': { post: op('重试事故(流程管理员)', { security: staff, parameters: [id('key', '事故编号')], responses: { '202': ok('已重试'), ...errors } }) },
      // ---- the form editor (server/routes/forms.ts): process admins and auditors read, process admins check and save
      '/api/forms': { get: op('表单及其最新版本(标题、版本、保存人、保存时间)', { security: staff }) },
      '/api/forms/{formId}': { get: op('表单的最新定义(form-js schema)与版本列表', { security: staff, parameters: [id('formId', '表单编号')] }) },
      '/api/forms/{formId}/versions/{version}': { get: op('表单某一版本的定义', { security: staff, parameters: [id('formId', '表单编号'), id('version', '版本号')] }) },
      '/api/forms/{formId}/check': {
        post: op('保存前检查(流程管理员):表单定义的问题,以及新版本删除的、已部署流程仍在使用的字段;不保存', {
          security: staff,
          parameters: [id('formId', '表单编号')],
          requestBody: body({ type: 'object', required: ['schema'], properties: { schema: { type: 'object', description: 'form-js 表单定义' } } }),
          responses: { '200': ok('检查结果', { type: 'object', properties: { problems: { type: 'array', items: { type: 'object' } }, warnings: { type: 'array', items: ref('FieldInUse') }, removed: { type: 'array', items: { type: 'string' } }, unchanged: { type: 'boolean' }, latestVersion: { type: ['integer', 'null'] } } }), ...errors },
        }),
      },
      '/api/forms/{formId}/versions': {
        post: op('保存为新版本(流程管理员):检查通过才保存;与最新版本相同则不产生新版本;删除流程使用的字段须确认', {
          security: staff,
          parameters: [id('formId', '表单编号')],
          requestBody: body({ type: 'object', required: ['schema'], properties: { schema: { type: 'object', description: 'form-js 表单定义' }, confirmWarnings: { type: 'boolean', description: '新版本删除了已部署流程使用的字段时须确认' } } }),
          responses: {
            '201': ok('已保存为新版本', { type: 'object', properties: { formId: { type: 'string' }, version: { type: 'integer' }, created: { const: true } } }),
            '200': ok('与最新版本相同,未产生新版本', { type: 'object', properties: { formId: { type: 'string' }, version: { type: 'integer' }, created: { const: false } } }),
            ...errors,
            '409': ok('FIELD_IN_USE:删除的字段仍被已部署流程使用,error.details 列出每处(须 confirmWarnings)', { type: 'object', properties: { error: { type: 'object', properties: { details: { type: 'array', items: ref('FieldInUse') } } } } }),
          },
        }),
      },
      // ---- 第二十七条 unit assessment and 通报 (server/routes/assessment.ts): the platform, city leaders and auditors see every unit, a unit's staff its own row; platform reviewers assess and edit the templates
      '/api/assessments': {
        get: op('考核列表(新→旧)', { security: staff, responses: { '200': ok('考核', { type: 'array', items: ref('AssessmentSummary') }), ...errors } }),
        post: op('开展考核(平台审核员):考核期须已结束;启动流程 unit-assessment,完成后状态为 done', {
          security: staff,
          requestBody: body({ type: 'object', required: ['period'], properties: { period: { type: 'string', description: '季度 2026-Q1 或月份 2026-03' } } }),
          responses: { '202': ok('已发起', ref('AssessmentSummary')), ...errors, '409': ok('ASSESSMENT_RUNNING:该考核期的考核正在进行') },
        }),
      },
      '/api/assessments/{id}': {
        get: op('考核结果:每个单位的数据、得分、名次与通报(承办单位账号只得到本单位)', {
          security: staff,
          parameters: [id('id', '考核编号')],
          responses: { '200': ok('考核', { allOf: [ref('AssessmentSummary'), { type: 'object', properties: { rankedCount: { type: 'integer' }, ownOnly: { type: 'boolean' }, units: { type: 'array', items: ref('AssessmentUnit') } } }] }), ...errors },
        }),
      },
      '/api/assessments/{id}/notices/{kind}': {
        get: op('通报表扬(praise)或通报批评(criticism)的 Word 文件,由已完成的考核和通报模板生成(平台、市领导、审计员)', {
          security: staff,
          parameters: [id('id', '考核编号'), { name: 'kind', in: 'path', required: true, schema: { enum: ['praise', 'criticism'] } }],
          responses: { '200': { description: 'Word 文件', content: { 'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { schema: { type: 'string', format: 'binary' } } } }, ...errors, '409': ok('ASSESSMENT_RUNNING:考核尚未完成') },
        }),
      },
      '/api/notice-templates/{kind}': {
        get: op('通报模板(平台审核员、审计员);未修改过的为默认模板(isDefault)', {
          security: staff,
          parameters: [{ name: 'kind', in: 'path', required: true, schema: { enum: ['praise', 'criticism'] } }],
          responses: { '200': ok('模板', { type: 'object', properties: { kind: { enum: ['praise', 'criticism'] }, template: ref('NoticeTemplate'), isDefault: { type: 'boolean' }, updatedBy: { type: ['string', 'null'] }, updatedAt: { type: ['string', 'null'], format: 'date-time' } } }), ...errors },
        }),
        put: op('保存通报模板(平台审核员);未知或用错位置的占位符、不成对的花括号被拒绝', {
          security: staff,
          parameters: [{ name: 'kind', in: 'path', required: true, schema: { enum: ['praise', 'criticism'] } }],
          requestBody: body(ref('NoticeTemplate')),
          responses: { '200': ok('已保存'), ...errors },
        }),
      },
      // ---- the decision tables (server/routes/decisions.ts; issue 16): process admins and auditors read, process admins check, deploy, 试算 and keep drafts
      '/api/decisions': { get: op('决策表(DMN)及其最新版本:编号、名称、版本数、部署人、部署时间', { security: staff, responses: { '200': ok('决策表', { type: 'array', items: ref('DecisionSummary') }), ...errors } }) },
      '/api/decisions/{decisionId}': {
        get: op('决策表的输入列、输出列(最新版本)与各版本', {
          security: staff,
          parameters: [id('decisionId', '决策编号(= 文件名)')],
          responses: {
            '200': ok('决策表', {
              type: 'object',
              properties: {
                decisionId: { type: 'string' },
                name: { type: 'string' },
                inputs: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' }, expression: { type: 'string', description: '输入表达式(通常是变量名)' }, typeRef: { type: 'string' } } } },
                outputs: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' }, name: { type: 'string' }, typeRef: { type: 'string' } } } },
                versions: { type: 'array', items: ref('DecisionVersion') },
              },
            }),
            ...errors,
          },
        }),
      },
      '/api/decisions/{decisionId}/versions/{version}': {
        get: op('某一版本及其 DMN XML(整个文件)', { security: staff, parameters: [id('decisionId', '决策编号'), id('version', '版本号')], responses: { '200': ok('版本', { allOf: [ref('DecisionVersion'), { type: 'object', properties: { xml: { type: 'string' }, latestVersion: { type: 'integer' } } }] }), ...errors } }),
      },
      '/api/decisions/{decisionId}/check': {
        post: op('检查(流程管理员):与部署相同的检查——命中策略、输入类型、每个单元格的 FEEL、决策编号不变;不部署', {
          security: staff,
          parameters: [id('decisionId', '决策编号')],
          requestBody: body({ type: 'object', required: ['xml'], properties: { xml: { type: 'string', maxLength: 2097152, description: 'DMN 1.3 XML(整个文件)' } } }),
          responses: {
            '200': ok('检查结果:problems 为空即可部署', { type: 'object', properties: { problems: { type: 'array', items: ref('DeployProblem') }, decisions: { type: 'array', items: { type: 'object', properties: { decisionId: { type: 'string' }, name: { type: 'string' }, resourceName: { type: 'string' }, fromVersion: { type: ['integer', 'null'], description: '当前最新版本(null:新决策)' } } } } } }),
            ...errors,
          },
        }),
      },
      '/api/decisions/{decisionId}/deployments': {
        post: op('部署(流程管理员):检查通过后部署为新版本;与最新版本相同则不产生新版本', {
          security: staff,
          parameters: [id('decisionId', '决策编号')],
          requestBody: body({ type: 'object', required: ['xml'], properties: { xml: { type: 'string', maxLength: 2097152 } } }),
          responses: {
            '201': ok('已部署', { type: 'object', properties: { decisionId: { type: 'string' }, version: { type: 'integer' }, duplicate: { type: 'boolean' }, decisions: { type: 'array', items: { type: 'object' } } } }),
            ...errors,
            '400': { description: 'DEPLOY_REJECTED:未通过检查,error.details 列出每个问题(文件、决策、规则编号),未部署任何内容;或 INVALID_INPUT', content: json(ref('Error')) },
          },
        }),
      },
      '/api/decisions/{decisionId}/evaluate': {
        post: op('试算(流程管理员):用已部署的最新版本计算', {
          security: staff,
          parameters: [id('decisionId', '决策编号')],
          requestBody: body({ type: 'object', required: ['variables'], properties: { variables: { type: 'object', additionalProperties: { type: ['number', 'string', 'boolean', 'null'] }, description: '输入变量,如 { "onTimeRate": 0.96 }' } } }),
          responses: {
            '200': ok('计算结果', {
              type: 'object',
              properties: {
                decisionId: { type: 'string' },
                decisionKey: { type: 'string' },
                version: { type: 'integer' },
                result: { description: '一个输出列时为其值;COLLECT 求和等为一个数;多条结果为列表' },
                matchedRules: { type: 'array', items: { type: 'object', properties: { ruleId: { type: 'string' }, ruleIndex: { type: 'integer' }, outputs: { type: 'object' } } } },
              },
            }),
            ...errors,
          },
        }),
      },
      '/api/decisions/{decisionId}/draft': {
        get: op('我的草稿(流程管理员):尚未部署的决策表', { security: staff, parameters: [id('decisionId', '决策编号')] }),
        put: op('保存草稿(替换我的该决策表草稿)', { security: staff, parameters: [id('decisionId', '决策编号')], requestBody: body({ type: 'object', required: ['xml'], properties: { xml: { type: 'string', maxLength: 2097152 }, baseVersion: { type: ['integer', 'null'] } } }) }),
        delete: op('放弃草稿', { security: staff, parameters: [id('decisionId', '决策编号')], responses: { '204': ok('已删除'), ...errors } }),
      },
      '/api/admin/units': { get: op('成员单位', { security: staff }), post: op('新增单位', { security: staff, requestBody: body({ type: 'object' }) }) },
      '/api/admin/units/{id}': { get: op('单位及人员', { security: staff, parameters: [id('id', '单位编号')] }), patch: op('修改单位', { security: staff, parameters: [id('id', '单位编号')], requestBody: body({ type: 'object' }) }) },
      '/api/admin/units/{id}/people': { post: op('添加单位人员', { security: staff, parameters: [id('id', '单位编号')], requestBody: body({ type: 'object', properties: { role: { enum: ['handler', 'contact', 'leader', 'head'] }, name: { type: 'string' }, phone: { type: 'string' } } }) }) },
      '/api/admin/people/{id}': { delete: op('删除单位人员', { security: staff, parameters: [id('id', '人员编号')] }) },
      '/api/admin/calendar': { get: op('工作日调整', { security: staff }) },
      '/api/admin/calendar/{date}': { put: op('设置某日放假或上班', { security: staff, parameters: [id('date', 'YYYY-MM-DD')], requestBody: body({ type: 'object', properties: { workday: { type: 'boolean' }, label: { type: 'string' }, source: { type: 'string' } } }) }), delete: op('删除调整', { security: staff, parameters: [id('date', 'YYYY-MM-DD')] }) },
      '/api/admin/staff': { get: op('工作人员账号', { security: staff }), post: op('新增账号', { security: staff, requestBody: body({ type: 'object' }) }) },
      '/api/admin/staff/{id}': { patch: op('修改账号(角色、单位、启用)', { security: staff, parameters: [id('id', '账号编号')], requestBody: body({ type: 'object' }) }) },
      '/api/admin/staff/{id}/password': { put: op('重设密码', { security: staff, parameters: [id('id', '账号编号')], requestBody: body({ type: 'object', properties: { password: { type: 'string' } } }) }) },
      '/api/admin/staff/{id}/unlock': { post: op('解除登录锁定', { security: staff, parameters: [id('id', '账号编号')] }) },
      '/api/process-instances/{key}': { get: op('流程实例状态(不含变量)', { security: staff, parameters: [id('key', '流程实例编号')] }) },
      // issue 17: reply templates (templates helper)
      ...REPLY_TEMPLATE_PATHS,
      ...BATCH_PATHS,
      ...REMOTE_WORKER_PATHS,
      '/open311/v2/discovery.json': { get: op('Open311 服务发现') },
      '/open311/v2/services.json': { get: op('Open311 服务列表(诉求类别)') },
      '/open311/v2/services/{code}.json': { get: op('Open311 服务定义', { parameters: [id('code', '类别')] }) },
      '/open311/v2/requests.json': {
        get: op('Open311 按编号查询状态', { parameters: [{ name: 'service_request_id', in: 'query', required: true, schema: { type: 'string' } }] }),
        post: op('Open311 提交诉求(须 api_key)', { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', required: ['api_key', 'service_code', 'description', 'phone'], properties: { api_key: { type: 'string' }, service_code: ref('Category'), description: { type: 'string' }, first_name: { type: 'string' }, last_name: { type: 'string' }, phone: { type: 'string' } } } } } } }),
      },
      '/open311/v2/requests/{id}.json': { get: op('Open311 查询单个诉求状态', { parameters: [id('id', '查询编号')] }) },
    },
  };
}
