/**
 * 第二十七条 the unit assessment's scoring as a decision table the office changes without a developer
 * (issue 16), through the API the decision editor uses: the table of decisions/ is deployed beside
 * the diagrams; 试算 gives the table's result; a changed table deployed through the gate becomes
 * version 2 and scores with its new bands; a table the gate refuses names the rule at fault and
 * deploys nothing; a diagram may call only a decision that is deployed or deployed with it; drafts
 * are each admin's; auditors read and download but change nothing.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../app.js';
import { createTestApp, type Person, type TestApp } from '../app-harness.js';

const TABLE = readFileSync(join(projectRoot, 'decisions', 'unit-assessment.dmn'), 'utf8');

/** a unit's quarter: 96% on time, 92% satisfied, 99% completed, 3% redone, 4.5 points deducted, one transfer, two criticisms */
const QUARTER = { onTimeRate: 0.96, satisfactionRate: 0.92, completionRate: 0.99, redoRate: 0.03, deductionPoints: 4.5, transfers: 1, criticisms: 2 };
/** the same by the table's bands, counted here: 36 + 27 + 20 + 8 − 4.5 − 2 × 1 − 1 × 2 */
const QUARTER_SCORE = 36 + 27 + 20 + 8 - 4.5 - 2 - 2;

/** a diagram whose business-rule task calls a decision */
const caller = (decisionId: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Definitions_Scoring" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="quarter-scoring" name="季度考核计分" isExecutable="true">
    <bpmn:startEvent id="Start_Quarter" name="考核期结束"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:businessRuleTask id="Task_Score" name="计算单位得分">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="${decisionId}" resultVariable="score" /></bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:endEvent id="End_Scored" name="已计分"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_Quarter" targetRef="Task_Score" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Score" targetRef="End_Scored" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_Scoring">
    <bpmndi:BPMNPlane id="BPMNPlane_Scoring" bpmnElement="quarter-scoring">
      <bpmndi:BPMNShape id="Start_Quarter_di" bpmnElement="Start_Quarter"><dc:Bounds x="152" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Score_di" bpmnElement="Task_Score"><dc:Bounds x="240" y="80" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_Scored_di" bpmnElement="End_Scored"><dc:Bounds x="392" y="102" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1"><di:waypoint x="188" y="120" /><di:waypoint x="240" y="120" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2"><di:waypoint x="340" y="120" /><di:waypoint x="392" y="120" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>`;

describe('第二十七条 the unit assessment’s decision table, edited and deployed through the gate', () => {
  let h: TestApp;
  let modeler: Person;
  let auditor: Person;
  const latest = async () => ((await auditor.get('/api/decisions').expect(200)).body as { decisionId: string; version: number }[]).find((d) => d.decisionId === 'unit-assessment')?.version;

  beforeAll(async () => {
    h = await createTestApp();
    modeler = await h.signIn('modeler');
    auditor = await h.signIn('auditor');
  });
  afterAll(() => h.close());

  it('given the table of decisions/, when the app starts, then it is deployed as version 1 with its nine inputs and one output', async () => {
    const list = (await auditor.get('/api/decisions').expect(200)).body;
    expect(list).toEqual([expect.objectContaining({ decisionId: 'unit-assessment', name: '单位考核得分', version: 1, versions: 1, resourceName: 'unit-assessment.dmn' })]);
    const one = (await auditor.get('/api/decisions/unit-assessment').expect(200)).body;
    expect(one.inputs.map((i: { label: string; expression: string; typeRef: string }) => [i.label, i.expression, i.typeRef])).toEqual([
      ['按期办结率', 'onTimeRate', 'number'],
      ['满意率', 'satisfactionRate', 'number'],
      ['办结率', 'completionRate', 'number'],
      ['重办率', 'redoRate', 'number'],
      ['扣分', 'deductionPoints', 'number'],
      ['移交督查室', 'transfers', 'number'],
      ['通报批评', 'criticisms', 'number'],
      ['知识库发布', 'knowledgeKept', 'number'],
      ['知识库逾期未复核', 'knowledgeLapsed', 'number'],
    ]);
    expect(one.outputs).toEqual([expect.objectContaining({ label: '得分', name: 'score', typeRef: 'number' })]);
    const v1 = (await auditor.get('/api/decisions/unit-assessment/versions/1').expect(200)).body;
    expect(v1.xml.trim()).toBe(TABLE.trim());
    // every file of decisions/ passes the gate start-up deploys through, and holds the decision its name names
    const dir = join(projectRoot, 'decisions');
    const files = readdirSync(dir).filter((f) => f.endsWith('.dmn')).map((name) => ({ name, content: readFileSync(join(dir, name), 'utf8') }));
    expect(await h.app.locals.gate.check(files)).toEqual([]);
    for (const f of files) expect((await h.app.locals.gate.outline(f.content)).decisions.map((d: { decisionId: string }) => d.decisionId)).toContain(f.name.replace(/\.dmn$/, ''));
  });

  it('given a unit’s quarter, when an admin 试算s it, then the result is the sum of the bands it falls in less the deductions, with the rules that matched', async () => {
    const res = await modeler.post('/api/decisions/unit-assessment/evaluate', { variables: QUARTER }).expect(200);
    expect(res.body).toMatchObject({ decisionId: 'unit-assessment', version: 1 });
    expect(res.body.result).toBeCloseTo(QUARTER_SCORE, 10);
    expect(res.body.matchedRules.map((r: { ruleId: string }) => r.ruleId)).toEqual(['Rule_OnTime_B', 'Rule_Satisfaction_B', 'Rule_Completion_A', 'Rule_Redo_B', 'Rule_Deductions', 'Rule_Transfers', 'Rule_Criticisms']);
    // a unit with full rates and nothing against it gets the full 100
    const perfect = await modeler.post('/api/decisions/unit-assessment/evaluate', { variables: { onTimeRate: 1, satisfactionRate: 1, completionRate: 1, redoRate: 0, deductionPoints: 0, transfers: 0, criticisms: 0 } }).expect(200);
    expect(perfect.body.result).toBe(100);
    // 知识库维护 on top: +0.5 per entry published up to +2, −1 per entry left past its review
    const upkeep = async (knowledgeKept: number, knowledgeLapsed: number) =>
      (await modeler.post('/api/decisions/unit-assessment/evaluate', { variables: { onTimeRate: 1, satisfactionRate: 1, completionRate: 1, redoRate: 0, deductionPoints: 0, transfers: 0, criticisms: 0, knowledgeKept, knowledgeLapsed } }).expect(200)).body.result;
    expect([await upkeep(0, 0), await upkeep(3, 0), await upkeep(9, 0), await upkeep(4, 3)]).toEqual([100, 101.5, 102, 99]);
    // inputs that are not values are refused before the engine sees them
    const bad = await modeler.post('/api/decisions/unit-assessment/evaluate', { variables: { onTimeRate: { x: 1 } } }).expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'variables.onTimeRate', message: '须为数字、文本、true/false 或 null' }]);
    await modeler.post('/api/decisions/no-such-table/evaluate', { variables: {} }).expect(404);
  });

  it('given a changed band, when checked and then deployed, then the check passes without deploying, the deployment is version 2, 试算 uses it, and version 1 stays readable', async () => {
    const changed = TABLE.replace('<text>36</text>', '<text>35</text>');
    expect(changed).not.toBe(TABLE);
    const check = (await modeler.post('/api/decisions/unit-assessment/check', { xml: changed }).expect(200)).body;
    expect(check).toEqual({ problems: [], decisions: [{ decisionId: 'unit-assessment', name: '单位考核得分', resourceName: 'unit-assessment.dmn', fromVersion: 1 }] });
    expect(await latest()).toBe(1);

    const deployed = (await modeler.post('/api/decisions/unit-assessment/deployments', { xml: changed }).expect(201)).body;
    expect(deployed).toMatchObject({ decisionId: 'unit-assessment', version: 2, duplicate: false });
    expect(await latest()).toBe(2);
    const score = (await modeler.post('/api/decisions/unit-assessment/evaluate', { variables: QUARTER }).expect(200)).body;
    expect(score).toMatchObject({ version: 2 });
    expect(score.result).toBeCloseTo(QUARTER_SCORE - 1, 10);

    // the same table again makes no version
    expect((await modeler.post('/api/decisions/unit-assessment/deployments', { xml: changed }).expect(201)).body).toMatchObject({ version: 2, duplicate: true });
    // history: both versions, newest first, each with its deployer; the first still as it was, downloadable
    const versions = (await auditor.get('/api/decisions/unit-assessment').expect(200)).body.versions;
    expect(versions.map((v: { version: number; deployedBy: string | null }) => [v.version, v.deployedBy])).toEqual([[2, 'modeler'], [1, null]]);
    const download = await auditor.get('/decisions/unit-assessment/versions/1/download').expect(200);
    expect(download.headers['content-disposition']).toContain('unit-assessment-v1.dmn');
    expect(download.text).toContain('<text>36</text>');
    expect((await auditor.get('/decisions/unit-assessment/versions/2/download').expect(200)).headers['content-disposition']).toContain('filename="unit-assessment.dmn"');

    // a restart with the file on disk (version 1) leaves version 2 the latest; a changed file would deploy
    const { toDeploy, known } = await h.app.locals.gate.notYetDeployed([{ name: 'unit-assessment.dmn', content: TABLE }]);
    expect([toDeploy, known]).toEqual([[], [{ name: 'unit-assessment.dmn', decisionId: 'unit-assessment', version: 1, latest: 2 }]]);
    expect((await h.app.locals.gate.notYetDeployed([{ name: 'unit-assessment.dmn', content: TABLE.replace('<text>27</text>', '<text>28</text>') }])).toDeploy).toHaveLength(1);
  });

  it('given a table with a cell that does not compile and an input without a type, when deployed, then it is refused naming the decision and each rule, and nothing is deployed', async () => {
    const before = await latest();
    const bad = TABLE.replace('<text>]0.02..0.05]</text>', '<text>]0.02..</text>').replace('<inputExpression id="InputExpression_transfers" typeRef="number">', '<inputExpression id="InputExpression_transfers">');
    const res = await modeler.post('/api/decisions/unit-assessment/deployments', { xml: bad }).expect(400);
    expect(res.body.error.code).toBe('DEPLOY_REJECTED');
    expect(res.body.error.details).toEqual([
      { resourceName: 'unit-assessment.dmn', decisionId: 'unit-assessment', elementId: 'Input_transfers', rule: 'dmn/type-ref', message: '输入「移交督查室」没有设置类型(typeRef)' },
      { resourceName: 'unit-assessment.dmn', decisionId: 'unit-assessment', elementId: 'Rule_Redo_B', rule: 'dmn/feel', message: expect.stringContaining('第 18 条规则「重办率」列的条件「]0.02..」无法编译') },
    ]);
    expect(await latest()).toBe(before);
    // 检查 lists the same, and deploys nothing either
    expect((await modeler.post('/api/decisions/unit-assessment/check', { xml: bad }).expect(200)).body.problems).toHaveLength(2);
    // a hit policy neither engine runs
    const policy = await modeler.post('/api/decisions/unit-assessment/deployments', { xml: TABLE.replace('hitPolicy="COLLECT" aggregation="SUM"', 'hitPolicy="COLLECT" aggregation="AVG"') }).expect(400);
    expect(policy.body.error.details).toEqual([expect.objectContaining({ decisionId: 'unit-assessment', elementId: 'DecisionTable_UnitAssessment', rule: 'dmn/hit-policy' })]);
    // a table whose decision id was changed would be another decision
    const renamed = await modeler.post('/api/decisions/unit-assessment/deployments', { xml: TABLE.replace('<decision id="unit-assessment"', '<decision id="unit-assessment-2"').replace('dmnElementRef="unit-assessment"', 'dmnElementRef="unit-assessment-2"') }).expect(400);
    expect(renamed.body.error.details).toEqual([expect.objectContaining({ rule: 'dmn/decision-id' })]);
    // not XML at all: the input is refused, and so is a body without it
    await modeler.post('/api/decisions/unit-assessment/deployments', { xml: 'score = 100' }).expect(400);
    expect((await modeler.post('/api/decisions/unit-assessment/deployments', {}).expect(400)).body.error.details).toEqual([{ field: 'xml', message: '须为 DMN XML 文本' }]);
    expect(await latest()).toBe(before);
  });

  it('given a diagram with a business-rule task, when deployed, then a called decision must be deployed or come with it; two files may not hold one decision id', async () => {
    const unknown = await modeler.post('/api/deployments', { resources: [{ name: 'quarter-scoring.bpmn', content: caller('unit-ranking') }] }).expect(400);
    expect(unknown.body.error.details).toEqual([{ resourceName: 'quarter-scoring.bpmn', elementId: 'Task_Score', rule: 'wenzheng/called-decision', message: '业务规则任务调用的决策「unit-ranking」尚未部署,也不在本次部署中' }]);

    // the same decision in two files of one deployment
    const ranking = TABLE.replace(/unit-assessment/g, 'unit-ranking').replace('Definitions_UnitAssessment', 'Definitions_UnitRanking');
    const twice = await modeler.post('/api/deployments', { resources: [{ name: 'unit-ranking.dmn', content: ranking }, { name: 'unit-ranking-copy.dmn', content: ranking.replace('Definitions_UnitRanking', 'Definitions_Copy') }] }).expect(400);
    expect(twice.body.error.details).toEqual([expect.objectContaining({ resourceName: 'unit-ranking-copy.dmn', decisionId: 'unit-ranking', rule: 'duplicate-decision-id' })]);

    // with the table it calls in the same deployment, and then on its own once that table is deployed
    const both = (await modeler.post('/api/deployments', { resources: [{ name: 'quarter-scoring.bpmn', content: caller('unit-ranking') }, { name: 'unit-ranking.dmn', content: ranking }] }).expect(201)).body;
    expect(both.decisions).toEqual([expect.objectContaining({ decisionId: 'unit-ranking', version: 1, duplicate: false })]);
    expect(both.processes).toEqual([expect.objectContaining({ processId: 'quarter-scoring', version: 1 })]);
    await modeler.post('/api/deployments', { resources: [{ name: 'quarter-scoring.bpmn', content: caller('unit-assessment') }] }).expect(201);
  });

  it('given a .dmn file, when a process admin uploads it on the list page, then it goes through the same gate: a bad one lists its problems, a good one becomes a new table', async () => {
    const html = { accept: 'text/html' };
    const upload = (name: string, content: string) => modeler.agent.post(`/decisions/upload?_csrf=${encodeURIComponent(modeler.csrf)}`).set(html).attach('file', Buffer.from(content), name);
    const good = TABLE.replace(/unit-assessment/g, 'unit-bonus').replace('Definitions_UnitAssessment', 'Definitions_UnitBonus').replace('name="单位考核得分"', 'name="单位加分"');
    const bad = await upload('unit-bonus.dmn', good.replace('<text>-1 * criticisms</text>', '<text>-1 * </text>')).expect(400);
    expect(bad.text).toContain('Rule_Criticisms');
    expect(bad.text).toContain('未部署任何内容');
    await upload('unit-bonus.bpmn', good).expect(400);
    const ok = await upload('unit-bonus.dmn', good).expect(201);
    expect(ok.text).toContain('单位加分(unit-bonus)已部署为第 1 版');
    const page = await auditor.get('/decisions').set(html).expect(200);
    expect(page.text).toContain('单位考核得分');
    expect(page.text).toContain('单位加分');
  });

  it('given an admin’s draft, when saved, read and deployed, then it is theirs alone and deploying removes it', async () => {
    const draft = TABLE.replace('<text>27</text>', '<text>26</text>');
    const saved = (await modeler.put('/api/decisions/unit-assessment/draft', { xml: draft, baseVersion: 2 }).expect(200)).body;
    expect(saved).toMatchObject({ decisionId: 'unit-assessment', baseVersion: 2 });
    expect((await modeler.get('/api/decisions/unit-assessment/draft').expect(200)).body.xml).toBe(draft);
    const other = await h.signIn('modeler');
    expect((await other.get('/api/decisions/unit-assessment/draft').expect(200)).body.xml).toBe(draft);
    expect((await modeler.put('/api/decisions/unit-assessment/draft', { xml: draft, baseVersion: 0 }).expect(400)).body.error.details).toEqual([{ field: 'baseVersion', message: '须为版本号或 null' }]);
    await modeler.put('/api/decisions/no-such-table/draft', { xml: draft }).expect(404);
    const page = await modeler.get('/decisions').set('accept', 'text/html').expect(200);
    expect(page.text).toContain('有草稿');
    await modeler.post('/api/decisions/unit-assessment/deployments', { xml: draft }).expect(201);
    await modeler.get('/api/decisions/unit-assessment/draft').expect(404);
    await modeler.delete('/api/decisions/unit-assessment/draft').expect(404);
  });

  it('given an auditor, when they read the tables, versions and editor, then they read everything but the editor, and every change is refused', async () => {
    await auditor.get('/decisions/unit-assessment').set('accept', 'text/html').expect(200);
    await auditor.get('/decisions/unit-assessment/edit').set('accept', 'text/html').expect(403);
    const before = await latest();
    for (const [path, body] of [
      ['/api/decisions/unit-assessment/deployments', { xml: TABLE.replace('<text>36</text>', '<text>30</text>') }],
      ['/api/decisions/unit-assessment/check', { xml: TABLE }],
      ['/api/decisions/unit-assessment/evaluate', { variables: QUARTER }],
    ] as const) {
      expect((await auditor.post(path, body)).status).toBe(403);
    }
    expect(await latest()).toBe(before);
  });

  it('given a process admin, when they open the editor, then the page carries the latest version, its columns and the API’s addresses', async () => {
    const page = await modeler.get('/decisions/unit-assessment/edit').set('accept', 'text/html').expect(200);
    const data = JSON.parse(/<script type="application\/json" id="decision-editor-data">([\s\S]*?)<\/script>/.exec(page.text)?.[1] ?? 'null');
    expect(data).toMatchObject({ decisionId: 'unit-assessment', resourceName: 'unit-assessment.dmn', version: await latest(), urls: { check: '/api/decisions/unit-assessment/check', deploy: '/api/decisions/unit-assessment/deployments', evaluate: '/api/decisions/unit-assessment/evaluate' } });
    expect(data.inputs).toHaveLength(9);
    expect(page.text).toContain('试算');
    expect(page.text).toContain('版本历史');
    await modeler.get('/decisions/unit-assessment/edit?version=1').set('accept', 'text/html').expect(200);
    await modeler.get('/decisions/unit-assessment/edit?version=99').set('accept', 'text/html').expect(404);
    await modeler.get('/decisions/bad%20id/edit').set('accept', 'text/html').expect(400);
  });
});
