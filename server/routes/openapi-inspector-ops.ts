/**
 * The OpenAPI paths of the inspector's operator actions (issue 18): a process admin edits a running
 * instance's variables or cancels it, with a required reason; spread into openapi.ts's paths.
 */
const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const errors = {
  '400': error('输入有误(缺少理由、变量不是 JSON 对象、变量名不合法、与当前值相同):每个字段的问题见 error.details;未作任何变更'),
  '401': error('未登录'),
  '403': error('无权操作(仅限流程管理员;审计账号只读),或缺少/伪造的 CSRF 令牌'),
  '404': error('流程实例不存在'),
  '409': error('流程实例已结束'),
};
const staff = [{ session: [] }];
const keyParam = { name: 'key', in: 'path', required: true, schema: { type: 'string' }, description: '流程实例编号' };
const reason = { type: 'string', minLength: 2, maxLength: 500, description: '操作理由(必填,记入审计日志;其中的个人信息会被遮蔽)' };
const auditChange = {
  type: 'object',
  description: '一个变量修改前后的值,与监督页面显示的一样遮蔽个人信息(姓名、电话等变量为 ***;过长或仍像个人信息的值只记长度)',
  properties: { variable: { type: 'string' }, before: {}, after: {}, created: { type: 'boolean', description: '修改前没有该变量' } },
};

export const INSPECTOR_OPS_PATHS = {
  '/api/inspector/instances/{key}/variables': {
    patch: {
      summary: '修改运行中流程实例的变量(流程管理员;须填理由;记入审计日志,含修改前后)',
      security: staff,
      parameters: [keyParam],
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          required: ['variables', 'reason'],
          properties: {
            variables: { type: 'object', minProperties: 1, maxProperties: 20, description: '要设置(合并)的变量;petitionId、trackingCode 不可改', additionalProperties: true },
            reason,
          },
        }),
      },
      responses: {
        '200': {
          description: '已修改;返回审计记录',
          content: json({
            type: 'object',
            properties: {
              processInstanceKey: { type: 'string' },
              audit: { type: 'object', properties: { id: { type: 'integer' }, actor: { type: 'string' }, action: { const: 'instance.variables-edited' }, at: { type: 'string', format: 'date-time' }, detail: { type: 'object', properties: { reason: { type: 'string' }, changes: { type: 'array', items: auditChange } } } } },
            },
          }),
        },
        ...errors,
      },
    },
  },
  '/api/inspector/instances/{key}/cancel': {
    post: {
      summary: '取消运行中的流程实例(流程管理员;须填理由;记入审计日志)。诉求的状态不随之改变',
      security: staff,
      parameters: [keyParam],
      requestBody: { required: true, content: json({ type: 'object', required: ['reason'], properties: { reason } }) },
      responses: { '200': { description: '已取消', content: json({ type: 'object', properties: { processInstanceKey: { type: 'string' }, state: { const: 'canceled' } } }) }, ...errors },
    },
  },
};
