/**
 * The OpenAPI schemas of the office's half (issue 16): deploying decision tables, the 月报/季报, the unit
 * assessment and its 通报 templates, the 红黄蓝 board. Their own module so that openapi.ts stays one
 * readable file; spread into its components.
 */
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const OFFICE_SCHEMAS = {
  DeployProblem: {
    type: 'object',
    required: ['resourceName', 'rule', 'message'],
    properties: {
      resourceName: { type: 'string' },
      decisionId: { type: 'string', description: '.dmn 文件中出问题的决策' },
      elementId: { type: 'string', description: '流程图的元素,或决策表的规则(行)、输入列、输出列编号' },
      rule: { type: 'string', description: '检查规则:camunda-compat/…、wenzheng/…、dmn/…,或 xml' },
      message: { type: 'string' },
    },
  },
  AssessmentSummary: {
    type: 'object',
    description: '第二十七条 单位考核:一个考核期(月度或季度)的一次考核;同一考核期再次考核为新的版次,已完成的考核不再改变',
    properties: {
      id: { type: 'string', format: 'uuid' },
      period: { type: 'object', properties: { kind: { enum: ['month', 'quarter'] }, year: { type: 'integer' }, index: { type: 'integer' }, key: { type: 'string', examples: ['2026-Q1', '2026-03'] }, label: { type: 'string', examples: ['2026年第一季度'] } } },
      edition: { type: 'integer', minimum: 1 },
      state: { enum: ['running', 'done'] },
      stateLabel: { type: 'string' },
      decisionVersion: { type: ['integer', 'null'], description: '计算得分所用决策表 unit-assessment 的版本' },
      requestedAt: { type: 'string', format: 'date-time' },
      doneAt: { type: ['string', 'null'], format: 'date-time' },
    },
  },
  AssessmentUnit: {
    type: 'object',
    properties: {
      unitId: { type: 'string' },
      unitName: { type: 'string' },
      score: { type: ['number', 'null'], description: '决策表得出的考核得分(两位小数);null:考核期内无诉求、无预警,不排名' },
      rank: { type: ['integer', 'null'], description: '名次,得分相同的名次相同' },
      standing: { enum: ['praise', 'criticism', null], description: '列入通报表扬或通报批评' },
      standingLabel: { type: ['string', 'null'] },
      figures: {
        type: 'object',
        description: '考核时取得的数据:件数(received、accepted、rejected、closed、closedOnTime、rated、satisfied、redone),rates(0–1 或 null:completion 办结率、onTime 按期办结率、satisfaction 满意率、redo 重办率),warnings(blue、yellow、red、deductionTenths 扣分的十分之一、transfers 转督查室、criticisms 通报批评)',
      },
    },
  },
  NoticeTemplate: {
    type: 'object',
    description: '通报模板;占位符写作 {{名称}}:全文可用 {{期间}} {{年份}} {{版次}} {{单位数}} {{参评单位数}} {{日期}} {{发文单位}},单位段落另可用 {{单位}} {{得分}} {{排名}} {{受理件数}} {{办结率}} {{按期办结率}} {{满意率}} {{重办率}} {{扣分}} {{转督查室}} {{通报批评}};未知的占位符被拒绝(400 INVALID_TEMPLATE)',
    required: ['title', 'unitParagraph', 'issuer'],
    properties: { title: { type: 'string' }, docNumber: { type: 'string' }, addressees: { type: 'string' }, intro: { type: 'string' }, unitParagraph: { type: 'string' }, noneText: { type: 'string' }, closing: { type: 'string' }, issuer: { type: 'string' } },
  },
  DecisionSummary: {
    type: 'object',
    properties: { decisionId: { type: 'string' }, name: { type: 'string' }, version: { type: 'integer' }, versions: { type: 'integer' }, resourceName: { type: 'string' }, deployedAt: { type: 'string', format: 'date-time' }, deployedBy: { type: ['string', 'null'] } },
  },
  DecisionVersion: {
    type: 'object',
    properties: { decisionKey: { type: 'string' }, version: { type: 'integer' }, name: { type: 'string' }, resourceName: { type: 'string' }, deployedAt: { type: 'string', format: 'date-time' }, deployedBy: { type: ['string', 'null'] } },
  },
  ReportMeta: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      kind: { type: 'string', enum: ['month', 'quarter'] },
      year: { type: 'integer' },
      index: { type: 'integer', description: '月份或季度' },
      edition: { type: 'integer', description: '版次,从 1 起;重新出具为下一版次' },
      label: { type: 'string', examples: ['2026年11月'] },
      from: { type: 'string', format: 'date' },
      to: { type: 'string', format: 'date', description: '不含' },
      issuedAt: { type: 'string', format: 'date-time' },
      issuedBy: { type: 'string', description: '出具人账号编号,定时出具为 schedule' },
      origin: { type: 'string', enum: ['schedule', 'demand'] },
      processInstanceKey: { type: ['string', 'null'], description: '定时出具的流程实例' },
    },
  },
  UrgeResult: { type: 'object', properties: { outboxId: { type: 'integer' }, level: { type: 'string', enum: ['blue', 'yellow', 'red'] }, recipientKind: { type: 'string', enum: ['unit-contact', 'unit-leader', 'unit-head'] } } },
  BoardRow: {
    type: 'object',
    properties: {
      petitionId: { type: 'string' }, trackingCode: { type: 'string' }, title: { type: 'string' }, unitId: { type: 'string' }, unitName: { type: 'string' },
      task: { type: 'object', properties: { key: { type: 'string' }, name: { type: 'string' }, elementId: { type: 'string' }, processId: { type: 'string' } } },
      dueAt: { type: 'string', format: 'date-time' }, dueLabel: { type: 'string' },
      overdueDays: { type: 'integer', description: '超过办理期限的完整工作日数(第二十六条的计数)' },
      taskOverdueDays: { type: 'integer', description: '超过该待办自身期限的完整工作日数' },
      level: { type: 'string', enum: ['blue', 'yellow', 'red'] }, colour: { type: 'string', enum: ['blue', 'yellow', 'red', 'transfer'] }, colourLabel: { type: 'string' },
      transferredAt: { type: 'string', format: 'date-time' }, dueForTransfer: { type: 'boolean' },
      explanation: { type: 'object', properties: { text: { type: 'string' }, at: { type: 'string', format: 'date-time' } } },
      deductions: { type: 'array', items: { type: 'object', properties: { level: { type: 'string' }, levelLabel: { type: 'string' }, points: { type: 'string' }, at: { type: 'string', format: 'date-time' } } } },
      deductionPoints: { type: 'string', description: '扣分合计,如 "4.5"' },
      urge: { type: 'object', description: '本账号可发的催办(仅平台)', properties: { level: { type: 'string' }, recipientKind: { type: 'string' }, recipientLabel: { type: 'string' } } },
    },
  },
  Board: {
    type: 'object',
    properties: {
      scope: { type: 'string', enum: ['city', 'unit'] },
      counts: { type: 'object', properties: { units: { type: 'array', items: { type: 'object', properties: { unitId: { type: 'string' }, unitName: { type: 'string' }, blue: { type: 'integer' }, yellow: { type: 'integer' }, red: { type: 'integer' }, transfer: { type: 'integer' }, overdue: { type: 'integer' } } } }, totals: { type: 'object' } } },
      rows: { type: 'array', items: ref('BoardRow') },
      next: { type: 'string', description: '下一页的查询串' },
      transfers: { type: 'array', items: { type: 'object' } },
      criticisms: { type: 'array', items: { type: 'object' } },
      transfersNext: { type: 'string' }, criticismsNext: { type: 'string' },
      mayUrge: { type: 'boolean' }, at: { type: 'string', format: 'date-time' },
    },
  },
};
