/**
 * The OpenAPI paths of remote workers' credentials (issue 19, `/api/remote-workers`, admins): their
 * own module, spread into openapi.ts's paths. `/engine-rest` itself is Camunda 7's external-task
 * REST API (HTTP Basic with a credential), described by Camunda's own documentation.
 */
const json = (schema: object) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json({ $ref: '#/components/schemas/Error' }) });
const errors = {
  '400': error('输入有误:每个字段的问题见 error.details;未作任何变更'),
  '401': error('未登录'),
  '403': error('无权操作(仅限系统管理员),或缺少/伪造的 CSRF 令牌'),
  '404': error('凭据不存在'),
};
const staff = [{ session: [] }];
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^rw_[A-Za-z0-9_-]{8,60}$' }, description: '凭据编号(即 /engine-rest 的 HTTP Basic 用户名)' };
const credential = {
  type: 'object',
  description: '远程作业凭据(从不包含密钥或其哈希)',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    topics: { type: 'array', items: { type: 'string' }, description: '可领取的作业类型(Camunda 7 的 topic)' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    revokedBy: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time', description: '最近一次认证通过的调用(至多每分钟更新一次)' },
  },
};
const call = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    credentialId: { type: 'string' },
    workerId: { type: ['string', 'null'] },
    call: { type: 'string', description: 'fetchAndLock、complete、failure、bpmnError、extendLock、unlock、lock、auth、worker-service:<名称>' },
    topic: { type: ['string', 'null'] },
    taskId: { type: ['string', 'null'] },
    status: { type: 'integer', description: '应答的 HTTP 状态' },
    detail: { type: ['object', 'null'], description: '计数、错误类型;不含变量值和个人信息' },
    at: { type: 'string', format: 'date-time' },
  },
};

export const REMOTE_WORKER_PATHS = {
  '/api/remote-workers': {
    get: { summary: '远程作业凭据列表(最新在前)', security: staff, responses: { '200': { description: '成功', content: json({ type: 'array', items: credential }) }, ...errors } },
    post: {
      summary: '新建远程作业凭据(系统管理员):密钥只在此应答中出现一次,系统只保存其 SHA-256',
      security: staff,
      requestBody: {
        required: true,
        content: json({ type: 'object', required: ['name', 'topics'], properties: { name: { type: 'string', maxLength: 100 }, topics: { type: 'array', minItems: 1, items: { type: 'string' }, description: '已注册的作业类型' } } }),
      },
      responses: {
        '201': {
          description: '已创建',
          content: json({ allOf: [credential, { type: 'object', properties: { secret: { type: 'string', description: '32 字节随机数(base64url),即 HTTP Basic 密码' }, usage: { type: 'object', properties: { baseUrl: { type: 'string' }, curl: { type: 'string' }, env: { type: 'array', items: { type: 'string' } } } } } }] }),
        },
        ...errors,
      },
    },
  },
  '/api/remote-workers/{id}/revoke': {
    post: { summary: '吊销凭据:立即生效,此后使用它的调用得到 401', security: staff, parameters: [idParam], responses: { '200': { description: '已吊销', content: json(credential) }, ...errors, '409': error('已吊销') } },
  },
  '/api/remote-workers/{id}/calls': {
    get: {
      summary: '凭据的调用记录(最新在前,分页)',
      security: staff,
      parameters: [
        idParam,
        { name: 'before', in: 'query', schema: { type: 'integer' }, description: '翻页:此编号之前的记录(取自应答的 next 或 Link 头)' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      ],
      responses: { '200': { description: '成功', content: json({ type: 'object', properties: { calls: { type: 'array', items: call }, next: { type: ['integer', 'null'] } } }) }, ...errors },
    },
  },
};
