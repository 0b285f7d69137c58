/**
 * The OpenAPI paths of the knowledge base's review process (知识库, issue 17: server/routes/
 * knowledge-flow.ts). Their own module so that openapi.ts stays one readable file; spread into its paths.
 */
const json = (schema: object) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const errors = {
  '400': error('输入有误:每个字段的问题见 error.details;未作任何变更'),
  '401': error('未登录'),
  '403': error('无权操作,或缺少/伪造的 CSRF 令牌'),
  '404': error('不存在,或无权查看'),
};
const path = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description });
const staff = [{ session: [] }];
const entry = {
  type: 'object',
  description: '知识条目(含状态 status:draft 草稿、review 审核中、published 已发布、retired 已停用;version 内容版本;processInstanceKey 审核流程实例)',
  properties: {
    id: { type: 'string', format: 'uuid' }, status: { enum: ['draft', 'review', 'published', 'retired'] }, version: { type: 'integer' }, question: { type: 'string' }, answer: { type: 'string' }, basis: { type: 'string' },
    ownerUnitId: { type: 'string' }, categories: { type: 'array', items: { type: 'string' } }, townships: { type: 'array', items: { type: 'string' } }, validUntil: { type: ['string', 'null'], format: 'date' },
    sourcePetitionId: { type: ['string', 'null'] }, processInstanceKey: { type: ['string', 'null'] }, publishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};

export const KNOWLEDGE_FLOW_PATHS = {
  '/api/knowledge/{id}/submit': {
    post: {
      summary: '提交审核(平台审核员,或条目负责单位的承办人、分管领导):草稿进入审核流程 knowledge-review,由审核员在待办「审核知识条目」中审核;状态与流程的启动一并提交',
      security: staff,
      parameters: [path('id', '知识条目编号')],
      responses: {
        '200': { description: '已提交,条目为审核中', content: json(entry) },
        ...errors,
        '409': error('不是草稿(NOT_DRAFT),或正在本单位复核中、请在复核任务中提交(IN_REVISION);未作任何变更'),
      },
    },
  },
  '/api/knowledge/{id}/retire': {
    post: {
      summary: '停用(平台审核员,或条目负责单位):已发布的条目经审核流程的「停用知识条目」停用,草稿立即停用(其复核任务一并取消);停用的条目不再对外提供,保留全部版本和历史',
      security: staff,
      parameters: [path('id', '知识条目编号')],
      requestBody: { required: true, content: json({ type: 'object', required: ['reason'], properties: { reason: { type: 'string', maxLength: 500, description: '停用理由' } } }) },
      responses: {
        '200': { description: '已停用', content: json(entry) },
        ...errors,
        '409': error('已停用(ALREADY_RETIRED)、审核中(IN_REVIEW),或流程不在等待停用(NOT_WAITING);未作任何变更'),
      },
    },
  },
  '/api/cases/{id}/knowledge': {
    post: {
      summary: '答复转为知识条目(第十六条;平台审核员,或本件的承办单位):通过办结审核的答复隐去个人信息(第二十条)后生成草稿,负责单位为承办单位;每件诉求一条',
      security: staff,
      parameters: [path('id', '诉求编号')],
      responses: {
        '201': { description: '已生成草稿', content: json(entry) },
        ...errors,
        '409': error('答复尚未通过办结审核(REPLY_NOT_APPROVED)、已转为知识条目(ALREADY_PROPOSED,details.entryId)、尚未转办(NO_UNIT)或答复没有内容(NO_ANSWER);未作任何变更'),
      },
    },
  },
};
