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
const migrationCheck = {
  type: 'object',
  properties: {
    migratable: { type: 'boolean' },
    targetVersion: { type: 'integer' },
    problems: { type: 'array', items: { type: 'object', properties: { code: { type: 'string', examples: ['UNMAPPED_ELEMENT', 'EVENT_TYPE_CHANGED', 'CALL_ACTIVITY'] }, elementId: { type: 'string' }, message: { type: 'string' } } } },
    elements: { type: 'array', items: { type: 'object', properties: { sourceElementId: { type: 'string' }, targetElementId: { type: 'string' } } } },
    checkedBy: { enum: ['engine', 'broker'] },
  },
};
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
  '/api/inspector/instances/{key}/modify': {
    post: {
      summary: '修改运行中的实例(Operate 的 modify;流程管理员;须填理由):在元素前加令牌(activate),终止元素实例或某元素的全部实例(terminate);移动令牌即两者同时。进入元素时的边界定时器、消息订阅、任务照常建立',
      security: staff,
      parameters: [keyParam],
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          required: ['reason'],
          properties: {
            activate: { type: 'array', maxItems: 20, items: { type: 'string' }, description: '要激活的元素编号' },
            terminate: { type: 'array', maxItems: 20, items: { type: 'string' }, description: '要终止的元素编号,或元素实例编号(执行编号、任务或作业编号)' },
            reason,
          },
        }),
      },
      responses: { '200': { description: '已修改' }, ...errors, '409': error('实例已结束、有未解决的事件,或修改后不再有令牌(引擎的错误代码见 error.code)') },
    },
  },
  '/api/inspector/instances/{key}/migration-check': {
    post: {
      summary: '检查实例能否迁移到本流程的另一版本(不作变更;流程管理员):每个活动元素的去向,不能迁移的原因',
      security: staff,
      parameters: [keyParam],
      requestBody: { required: true, content: json(migrationBody(false)) },
      responses: { '200': { description: '检查结果', content: json(migrationCheck) }, ...errors },
    },
  },
  '/api/inspector/instances/{key}/migrate': {
    post: {
      summary: '迁移实例到本流程的另一版本(流程管理员;须填理由):同编号元素自动对应,其余按映射;定时器按新版本的定义和案件的期限重新计算,不重置',
      security: staff,
      parameters: [keyParam],
      requestBody: { required: true, content: json(migrationBody(true)) },
      responses: { '200': { description: '已迁移', content: json(migrationCheck) }, ...errors, '409': error('不能迁移(NOT_MIGRATABLE,原因见 error.details),或实例已结束') },
    },
  },
};

function migrationBody(withReason: boolean) {
  return {
    type: 'object',
    required: withReason ? ['targetVersion', 'reason'] : ['targetVersion'],
    properties: {
      targetVersion: { type: 'integer', minimum: 1, description: '目标版本号(或 targetProcessDefinitionKey)' },
      targetProcessDefinitionKey: { type: 'string' },
      mapping: { type: 'array', maxItems: 200, items: { type: 'object', properties: { sourceElementId: { type: 'string' }, targetElementId: { type: 'string' } } }, description: '编号不同的元素的对应' },
      ...(withReason && { reason }),
    },
  };
}
