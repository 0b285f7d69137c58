/**
 * The OpenAPI paths of reply templates / 常用语 (issue 17, `/api/reply-templates`): their own module,
 * spread into openapi.ts's paths.
 */
import { CATEGORIES } from '../../regulation/categories.js';
import { REPLY_PLACEHOLDERS, TEMPLATE_LIMITS } from '../../regulation/reply-templates.js';

const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const errors = {
  '400': error('输入有误:每个字段的问题见 error.details;未作任何变更'),
  '401': error('未登录'),
  '403': error('无权操作(新增、修改、删除仅限平台审核员),或缺少/伪造的 CSRF 令牌'),
  '404': error('模板不存在,或无权查看该诉求'),
};
const staff = [{ session: [] }];
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: '模板编号' };
const placeholders = REPLY_PLACEHOLDERS.map((n) => `{${n}}`).join(' ');

const checklist = {
  type: 'object',
  description: '第十五条(一)要求列明的内容中,模板已覆盖(占位符或文字)的和尚需承办人补写的',
  properties: {
    items: { type: 'array', items: { type: 'object', properties: { key: { enum: ['handledAt', 'handlingUnit', 'result', 'legalBasis', 'contactRecord'] }, label: { type: 'string' }, hint: { type: 'string' }, present: { type: 'boolean' } } } },
    missing: { type: 'array', items: { type: 'string' } },
    complete: { type: 'boolean' },
  },
};
const template = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    category: { enum: [...CATEGORIES] },
    categoryLabel: { type: 'string' },
    title: { type: 'string' },
    body: { type: 'string', description: `模板内容,可含占位符 ${placeholders}` },
    filled: { type: 'string', description: '按 petitionId 所指诉求填写占位符后的内容(仅在给出 petitionId 时)' },
    checklist,
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedBy: { type: 'string' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
const input = {
  required: true,
  content: json({
    type: 'object',
    required: ['category', 'title', 'body'],
    additionalProperties: false,
    properties: {
      category: { enum: [...CATEGORIES] },
      title: { type: 'string', maxLength: TEMPLATE_LIMITS.title, description: '同一类别中不能重名' },
      body: { type: 'string', maxLength: TEMPLATE_LIMITS.body, description: `只能用占位符 ${placeholders};不得含手机号码、身份证号、电子邮箱等个人信息` },
    },
  }),
};

export const REPLY_TEMPLATE_PATHS = {
  '/api/reply-templates': {
    get: {
      summary: '答复模板(常用语):按诉求类别;给出 petitionId 时为该诉求类别的模板,并按该诉求填写占位符(所有工作人员;petitionId 须是本账号可查看的诉求)',
      security: staff,
      parameters: [
        { name: 'category', in: 'query', schema: { enum: [...CATEGORIES] }, description: '诉求类别' },
        { name: 'petitionId', in: 'query', schema: { type: 'string' }, description: '诉求编号:按其类别列出并填写占位符' },
      ],
      responses: { '200': { description: '模板(按名称排序)', content: json({ type: 'object', properties: { category: { type: ['string', 'null'] }, items: { type: 'array', items: template } } }) }, ...errors },
    },
    post: {
      summary: '新增答复模板(平台审核员;记入审计日志)',
      security: staff,
      requestBody: input,
      responses: { '201': { description: '已新增', content: json(template) }, ...errors, '409': error('同一类别已有同名模板(TEMPLATE_EXISTS);未作任何变更') },
    },
  },
  '/api/reply-templates/{id}': {
    get: { summary: '一个答复模板(所有工作人员)', security: staff, parameters: [idParam], responses: { '200': { description: '模板', content: json(template) }, ...errors } },
    put: {
      summary: '修改答复模板(平台审核员;整体替换类别、名称和内容;记入审计日志)',
      security: staff,
      parameters: [idParam],
      requestBody: input,
      responses: { '200': { description: '已保存', content: json(template) }, ...errors, '409': error('同一类别已有同名模板(TEMPLATE_EXISTS);未作任何变更') },
    },
    delete: { summary: '删除答复模板(平台审核员;记入审计日志)', security: staff, parameters: [idParam], responses: { '204': { description: '已删除' }, ...errors } },
  },
};
