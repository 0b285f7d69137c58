/**
 * The OpenAPI paths of the inspector's batch operations (issue 18, `/api/inspector/batches`): their
 * own module, spread into openapi.ts's paths.
 */
const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const errors = {
  '400': error('输入有误:每个字段的问题见 error.details;未作任何变更'),
  '401': error('未登录'),
  '403': error('无权操作(批量操作仅限流程管理员,审计员只能查看),或缺少/伪造的 CSRF 令牌'),
  '404': error('批量操作不存在'),
};
const staff = [{ session: [] }];
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: '批量操作编号' };
const counts = { type: 'object', properties: { pending: { type: 'integer' }, done: { type: 'integer' }, failed: { type: 'integer' }, skipped: { type: 'integer' } } };
const filter = {
  type: 'object',
  description: '与检查器实例列表(GET /api/inspector/instances)相同的筛选条件;创建时一次性列出符合条件的实例(至多 5000 个)',
  properties: { processId: { type: 'string' }, version: { type: 'string' }, state: { enum: ['active', 'completed', 'incident', 'canceled'] }, unitId: { type: 'string' }, category: { type: 'string' }, overdue: { enum: ['blue', 'yellow', 'red'] }, from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } },
};
const batch = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    kind: { enum: ['cancel', 'set-variables', 'modify', 'migrate'] },
    params: { type: 'object' },
    filter,
    reason: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    state: { enum: ['running', 'paused', 'done', 'canceled'] },
    total: { type: 'integer' },
    counts,
    updatedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const item = {
  type: 'object',
  properties: {
    processInstanceKey: { type: 'string' },
    state: { enum: ['pending', 'done', 'failed', 'skipped'] },
    result: { type: ['object', 'null'] },
    error: { type: ['string', 'null'] },
    doneAt: { type: ['string', 'null'], format: 'date-time' },
  },
};
const action = (summary: string) => ({
  post: { summary, security: staff, parameters: [idParam], responses: { '200': { description: '已变更', content: json(batch) }, ...errors, '409': error('批量操作当前状态不允许此变更') } },
});

export const BATCH_PATHS = {
  '/api/inspector/batches': {
    get: { summary: '批量操作列表(最新在前,含进度)', security: staff, responses: { '200': { description: '成功', content: json({ type: 'array', items: batch }) }, ...errors } },
    post: {
      summary: '创建批量操作(流程管理员):按检查器的筛选条件对每个实例取消或修改变量,须填写原因;后台分页执行,重启后继续',
      security: staff,
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          required: ['kind', 'reason'],
          properties: {
            kind: { enum: ['cancel', 'set-variables', 'modify', 'migrate'] },
            filter,
            params: { type: 'object', description: 'cancel:无;set-variables:{ variables: { 名称: 值 } };modify:{ activate: [元素编号], terminate: [元素编号] };migrate:{ targetProcessDefinitionKey, mapping: [{ sourceElementId, targetElementId }] }(每个实例先检查,不能迁移的跳过并写明原因)' },
            reason: { type: 'string', maxLength: 500 },
          },
        }),
      },
      responses: { '201': { description: '已创建并开始执行', content: json(batch) }, ...errors },
    },
  },
  '/api/inspector/batches/{id}': {
    get: {
      summary: '批量操作详情:进度和每个实例的结果',
      security: staff,
      parameters: [
        idParam,
        { name: 'state', in: 'query', schema: { enum: ['pending', 'done', 'failed', 'skipped'] }, description: '只列此结果的实例' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 1000 } },
        { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
      ],
      responses: { '200': { description: '成功', content: json({ allOf: [batch, { type: 'object', properties: { items: { type: 'array', items: item } } }] }) }, ...errors },
    },
  },
  '/api/inspector/batches/{id}/pause': action('暂停批量操作(在两页之间停下)'),
  '/api/inspector/batches/{id}/resume': action('继续已暂停的批量操作'),
  '/api/inspector/batches/{id}/cancel': action('取消批量操作:未执行的实例记为跳过'),
};
