/**
 * The OpenAPI description of the knowledge base (知识库, issue 17): its schemas and paths, spread into
 * openapi.ts (which stays one readable file). The helpers are openapi.ts's own, passed in.
 */
export interface OpenApiHelpers {
  op(summary: string, extra?: Record<string, unknown>): object;
  ok(description: string, schema?: object): object;
  body(schema: object): object;
  id(name: string, description: string): object;
  ref(name: string): object;
  json(schema: object): object;
  errors: Record<string, object>;
  staff: object[];
}

const q = (name: string, description: string, schema: object = { type: 'string' }, required = false) => ({ name, in: 'query', required, schema, description });

export const KNOWLEDGE_SCHEMAS = {
  KnowledgeContent: {
    type: 'object',
    required: ['question', 'answer'],
    properties: {
      question: { type: 'string', maxLength: 300 },
      answer: { type: 'string', maxLength: 4000 },
      basis: { type: 'string', maxLength: 1000, description: '政策依据:法律、法规、条款' },
      categories: { type: 'array', items: { type: 'string', enum: ['consultation', 'complaint', 'report', 'help', 'suggestion', 'other'] }, description: '适用类别;空:全部类别' },
      townships: { type: 'array', items: { type: 'string' }, maxItems: 20, description: '适用乡镇(区划代码);空:全市' },
      validUntil: { type: ['string', 'null'], format: 'date', description: '有效期至(上海时间);不填默认一年' },
      ownerUnitId: { type: 'string', description: '负责单位(审核员必填;承办单位账号为本单位)' },
      version: { type: 'integer', description: '修改时:所改的版本(他人已改则 409)' },
    },
  },
  KnowledgeEntry: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      status: { enum: ['draft', 'review', 'published', 'retired'], description: '草稿、审核中、已发布、已停用' },
      version: { type: 'integer' },
      question: { type: 'string' },
      answer: { type: 'string' },
      basis: { type: 'string' },
      ownerUnitId: { type: 'string' },
      categories: { type: 'array', items: { type: 'string' } },
      townships: { type: 'array', items: { type: 'string' } },
      validUntil: { type: ['string', 'null'], format: 'date' },
      sourcePetitionId: { type: ['string', 'null'], description: '由哪件诉求的答复生成' },
      updatedAt: { type: 'string', format: 'date-time' },
      publishedAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  KnowledgeItem: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      question: { type: 'string' },
      answer: { type: 'string' },
      basis: { type: 'string' },
      ownerUnitId: { type: 'string' },
      ownerUnitName: { type: 'string' },
      categories: { type: 'array', items: { type: 'string' } },
      townships: { type: 'array', items: { type: 'string' } },
      validUntil: { type: ['string', 'null'], format: 'date' },
      score: { type: 'number', description: '相关度(BM25+)' },
    },
  },
};

export function knowledgePaths(h: OpenApiHelpers) {
  const { op, ok, body, id, ref, errors, staff } = h;
  const items = (schema: object) => ({ type: 'object', properties: { items: { type: 'array', items: schema } } });
  const publicItem = { type: 'object', properties: { id: { type: 'string' }, question: { type: 'string' }, answer: { type: 'string' }, basis: { type: 'string' }, ownerUnitName: { type: 'string' }, url: { type: 'string', description: '公开页面' } } };
  return {
    '/api/public/knowledge/search': {
      get: op('查找公开知识库(已发布的条目;提交诉求前「可能已有答案」);每个访客每分钟有次数限制', {
        parameters: [q('q', '问题,1–200 字', { type: 'string', maxLength: 200 }, true), q('limit', '条数 1–20,默认 5', { type: 'integer', minimum: 1, maximum: 20 })],
        responses: { '200': ok('按相关度排序', items(publicItem)), '400': errors['400'], '429': ok('查找过于频繁') },
      }),
    },
    '/api/public/knowledge/{id}': {
      get: op('一条已发布的知识条目(其他状态 404)', { parameters: [id('id', '条目编号')], responses: { '200': ok('条目', publicItem), '404': errors['404'], '429': ok('查找过于频繁') } }),
    },
    '/api/knowledge/search': {
      get: op('查找知识库(已发布的条目,按相关度;中文分词、同义词扩展)', {
        security: staff,
        parameters: [q('q', '问题,1–200 字', { type: 'string', maxLength: 200 }, true), q('category', '类别'), q('township', '乡镇区划代码(含全市适用的条目)'), q('limit', '条数 1–50,默认 10', { type: 'integer', minimum: 1, maximum: 50 })],
        responses: { '200': ok('按相关度排序', items(ref('KnowledgeItem'))), ...errors },
      }),
    },
    '/api/knowledge/suggestions': {
      get: op('诉求的可能答案:按诉求标题和内容查找知识库(受理审查、起草答复时;须能查看该诉求)', {
        security: staff,
        parameters: [q('petitionId', '诉求编号', { type: 'string' }, true)],
        responses: { '200': ok('最多 5 条', items(ref('KnowledgeItem'))), ...errors },
      }),
    },
    '/api/knowledge-synonyms': {
      get: op('知识库同义词组', { security: staff, responses: { '200': ok('同义词组', { type: 'object', properties: { groups: { type: 'array', items: { type: 'array', items: { type: 'string' } } } } }), ...errors } }),
      put: op('替换全部同义词组(审核员;每组两个以上不同的词,最多 2000 组);各应用进程一秒内生效', {
        security: staff,
        requestBody: body({ type: 'object', required: ['groups'], properties: { groups: { type: 'array', items: { type: 'array', items: { type: 'string', maxLength: 16 }, minItems: 2 } } } }),
        responses: { '200': ok('已保存'), ...errors },
      }),
    },
    '/api/knowledge': {
      get: op('知识条目列表(最近修改在前);承办单位账号看本单位的全部条目和已发布的条目', {
        security: staff,
        parameters: [q('status', '状态', { enum: ['draft', 'review', 'published', 'retired'] }), q('unit', '负责单位'), q('q', '问题中的词'), q('limit', '每页条数 1–200'), q('page', '页码')],
        responses: { '200': ok('一页条目', { type: 'object', properties: { total: { type: 'integer' }, page: { type: 'integer' }, limit: { type: 'integer' }, entries: { type: 'array', items: ref('KnowledgeEntry') } } }), ...errors },
      }),
      post: op('新建知识条目(草稿;审核员、承办单位)', { security: staff, requestBody: body(ref('KnowledgeContent')), responses: { '201': ok('已新建', ref('KnowledgeEntry')), ...errors } }),
    },
    '/api/knowledge/{id}': {
      get: op('知识条目及其历史(每个版本、每步审核:谁、何时、改了什么)', { security: staff, parameters: [id('id', '条目编号')], responses: { '200': ok('条目', ref('KnowledgeEntry')), ...errors } }),
      put: op('修改草稿(新版本);审核中、已发布的条目经审核流程修改', {
        security: staff,
        parameters: [id('id', '条目编号')],
        requestBody: body(ref('KnowledgeContent')),
        responses: { '200': ok('已修改', ref('KnowledgeEntry')), ...errors, '409': ok('条目不是草稿(NOT_EDITABLE),或已被他人修改(CHANGED);未作任何变更') },
      }),
    },
  };
}
