import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, fixture, instanceOf, openTestDatabase, type TestEngine } from '../harness.js';
import { fakeBroker } from '../zeebe-fake.js';
import { createFakeClock } from '../../clock.js';
import { createDatabase, type Database } from '../../embedded/store/database.js';
import { InvalidArgumentError, InvalidResourceError, NotFoundError } from '../../errors.js';
import type { EnginePort } from '../../port.js';
import { createZeebeEngine, type ZeebeEngine } from '../../zeebe/index.js';
import { zeebeRecordMigrations } from '../../zeebe/records-migrations.js';

const unitTable = fixture('unit-assessment.dmn');
const unitProcess = fixture('unit-score.bpmn');

/** a good unit's figures: 30 + 30 + 20 + 10 − 1.5 − 0 */
const goodUnit = { onTimeRate: 0.97, satisfactionRate: 0.96, completionRate: 0.99, redoRate: 0.01, deductionPoints: 1.5, transfers: 0 };

/** a one-input table over `x` (`rules`: [input entry, output entries…]) */
function table(id: string, hitPolicy: string, rules: string[][], options: { aggregation?: string; outputs?: string[]; outputValues?: string } = {}): { name: string; content: string } {
  const outputs = options.outputs ?? ['result'];
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const content = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="${id}-drg" name="${id}" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="${id}" name="${id}">
    <decisionTable id="${id}-table" hitPolicy="${hitPolicy}"${options.aggregation ? ` aggregation="${options.aggregation}"` : ''}>
      <input id="${id}-x" label="x"><inputExpression id="${id}-x-expr" typeRef="number"><text>x</text></inputExpression></input>
      ${outputs.map((o, i) => `<output id="${id}-out${i}" name="${o}">${options.outputValues ? `<outputValues><text>${esc(options.outputValues)}</text></outputValues>` : ''}</output>`).join('\n      ')}
      ${rules.map(([test, ...outs], r) => `<rule id="${id}-r${r + 1}"><inputEntry><text>${esc(test)}</text></inputEntry>${outs.map((o) => `<outputEntry><text>${esc(o)}</text></outputEntry>`).join('')}</rule>`).join('\n      ')}
    </decisionTable>
  </decision>
</definitions>`;
  return { name: `${id}.dmn`, content };
}

describe('DMN decisions (embedded engine)', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);

  it('given the unit assessment table and a process scoring with it, when a unit is scored, then the business-rule task sets the sum of the matching rules as its result variable', async () => {
    // given
    const deployment = await engine.deploy([unitTable, unitProcess], { deployedBy: 'admin' });

    // when
    const ref = await engine.start('unit-score', goodUnit);

    // then
    expect(deployment.decisions).toEqual([
      { decisionId: 'unit-assessment', name: '单位考核得分', version: 1, decisionKey: expect.any(String), decisionRequirementsId: 'unit-assessment-rules', resourceName: 'unit-assessment.dmn', duplicate: false },
    ]);
    const scored = await instance(ref.processInstanceKey);
    expect(scored.state).toBe('active');
    expect(scored.variables.score).toBe(88.5);
    const history = await engine.getHistory(ref.processInstanceKey);
    const evaluated = history.find((e) => e.event === 'decision-evaluated');
    expect(evaluated).toMatchObject({ elementId: 'Task_ScoreUnit', detail: { decisionId: 'unit-assessment', version: 1, decisionKey: deployment.decisions[0].decisionKey, matchedRules: [1, 6, 11, 16, 19] } });
    expect(history.filter((e) => e.elementId === 'Task_ScoreUnit').map((e) => e.event)).toEqual(['activated', 'decision-evaluated', 'completed']);
    expect((await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey })).map((x) => x.elementId)).toEqual(['Task_ReviewScore']);
  });

  it('given each hit policy, when its table is evaluated, then the result has Zeebe’s shape', async () => {
    // given
    const rules = [['>= 10', '"big"'], ['>= 5', '"medium"'], ['>= 0', '"small"'], ['< 0', '"negative"']];
    const numbers = [['>= 10', '3'], ['>= 5', '2'], ['>= 0', '1'], ['-', '10']];
    await engine.deploy([
      table('unique', 'UNIQUE', [['>= 10', '"big"'], ['[5..10)', '"medium"'], ['[0..5)', '"small"']]),
      table('first', 'FIRST', rules),
      table('any', 'ANY', [['>= 10', '"yes"'], ['>= 5', '"yes"'], ['< 0', '"no"']]),
      table('priority', 'PRIORITY', rules, { outputValues: '"medium","big","small","negative"' }),
      table('output-order', 'OUTPUT ORDER', rules, { outputValues: '"small","medium","big"' }),
      table('rule-order', 'RULE ORDER', rules),
      table('collect', 'COLLECT', rules),
      table('collect-sum', 'COLLECT', numbers, { aggregation: 'SUM' }),
      table('collect-min', 'COLLECT', numbers, { aggregation: 'MIN' }),
      table('collect-max', 'COLLECT', numbers, { aggregation: 'MAX' }),
      table('collect-count', 'COLLECT', numbers, { aggregation: 'COUNT' }),
      table('two-outputs', 'FIRST', [['>= 10', '"big"', 'x * 2'], ['-', '"other"', '0']], { outputs: ['size', 'double'] }),
      table('two-outputs-list', 'RULE ORDER', [['>= 10', '"big"', 'x * 2'], ['-', '"other"', '0']], { outputs: ['size', 'double'] }),
    ]);
    const result = async (id: string, x: number) => (await engine.evaluateDecision(id, { x })).result;

    // when / then
    expect([await result('unique', 7), await result('unique', -1)]).toEqual(['medium', null]);
    expect([await result('first', 12), await result('first', 7), await result('first', -1)]).toEqual(['big', 'medium', 'negative']);
    expect([await result('any', 12), await result('any', 1)]).toEqual(['yes', null]);
    expect(await result('priority', 12)).toBe('medium');
    expect(await result('output-order', 12)).toEqual(['small', 'medium', 'big']);
    expect([await result('rule-order', 12), await result('rule-order', 3)]).toEqual([['big', 'medium', 'small'], ['small']]);
    expect(await result('collect', 7)).toEqual(['medium', 'small']);
    expect([await result('collect-sum', 12), await result('collect-sum', -1)]).toEqual([16, 10]);
    expect([await result('collect-min', 7), await result('collect-max', 7), await result('collect-count', 7)]).toEqual([1, 10, 3]);
    expect([await result('two-outputs', 12), await result('two-outputs', 1)]).toEqual([{ size: 'big', double: 24 }, { size: 'other', double: 0 }]);
    expect(await result('two-outputs-list', 12)).toEqual([{ size: 'big', double: 24 }, { size: 'other', double: 0 }]);
    const evaluation = await engine.evaluateDecision('collect-sum', { x: 7 });
    expect(evaluation).toEqual({
      decisionId: 'collect-sum',
      decisionKey: expect.any(String),
      version: 1,
      result: 13,
      matchedRules: [
        { ruleId: 'collect-sum-r2', ruleIndex: 2, outputs: { result: 2 } },
        { ruleId: 'collect-sum-r3', ruleIndex: 3, outputs: { result: 1 } },
        { ruleId: 'collect-sum-r4', ruleIndex: 4, outputs: { result: 10 } },
      ],
    });
  });

  it('given UNIQUE with two matching rules or ANY with different outputs, when evaluated, then the evaluation fails naming the decision and the rules', async () => {
    // given
    await engine.deploy([table('overlap', 'UNIQUE', [['>= 0', '"a"'], ['>= 5', '"b"']]), table('any-differs', 'ANY', [['>= 0', '"a"'], ['>= 5', '"b"']])]);

    // when
    const unique = engine.evaluateDecision('overlap', { x: 7 });
    const any = engine.evaluateDecision('any-differs', { x: 7 });

    // then
    await expect(unique).rejects.toThrow(InvalidArgumentError);
    await expect(engine.evaluateDecision('overlap', { x: 7 })).rejects.toThrow("decision 'overlap': hit policy UNIQUE, but rules 1, 2 matched");
    await expect(any).rejects.toThrow(/decision 'any-differs': hit policy ANY, but rules 1, 2 matched with different outputs/);
    expect((await engine.evaluateDecision('overlap', { x: 1 })).result).toBe('a');
    await expect(engine.evaluateDecision('nowhere', {})).rejects.toThrow(NotFoundError);
  });

  it('given version 1 scored an instance, when a changed table is deployed, then it is version 2, the next instance uses it and the earlier result stays', async () => {
    // given
    await engine.deploy([unitTable, unitProcess]);
    const earlier = await engine.start('unit-score', goodUnit);
    const changed = unitTable.content.replace('<outputEntry id="Rule_1_out"><text>30</text>', '<outputEntry id="Rule_1_out"><text>40</text>');
    expect(changed).not.toBe(unitTable.content);
    t.clock.advance(60_000);

    // when
    const second = await engine.deploy([{ name: 'unit-assessment.dmn', content: changed }], { deployedBy: 'admin-2' });
    const later = await engine.start('unit-score', goodUnit);
    const again = await engine.deploy([{ name: 'unit-assessment.dmn', content: changed }]);

    // then
    expect(second.decisions).toEqual([expect.objectContaining({ decisionId: 'unit-assessment', version: 2, duplicate: false })]);
    expect(again.decisions).toEqual([expect.objectContaining({ version: 2, duplicate: true, decisionKey: second.decisions[0].decisionKey })]);
    expect((await instance(later.processInstanceKey)).variables.score).toBe(98.5);
    expect((await instance(earlier.processInstanceKey)).variables.score).toBe(88.5);
    const versionsUsed = async (key: string) => (await engine.getHistory(key)).filter((e) => e.event === 'decision-evaluated').map((e) => e.detail?.version);
    expect([await versionsUsed(earlier.processInstanceKey), await versionsUsed(later.processInstanceKey)]).toEqual([[1], [2]]);
    expect((await engine.evaluateDecision('unit-assessment', goodUnit, { version: 1 })).result).toBe(88.5);

    const latest = await engine.listDecisionDefinitions({ latestOnly: true });
    expect(latest.map((d) => [d.decisionId, d.version, d.versions, d.deployedBy, d.resourceName])).toEqual([['unit-assessment', 2, 2, 'admin-2', 'unit-assessment.dmn']]);
    const all = await engine.listDecisionDefinitions({ decisionId: 'unit-assessment' });
    expect(all.map((d) => d.version)).toEqual([2, 1]);
    expect(all[0].deployedAt.getTime() - all[1].deployedAt.getTime()).toBe(60_000);
    expect((await engine.getDecisionDefinitionXml(all[1].decisionKey))?.trim()).toBe(unitTable.content.trim());
    expect((await engine.getDecisionDefinitionXml(all[0].decisionKey))?.trim()).toBe(changed.trim());
    expect(await engine.getDecisionDefinitionXml('nope')).toBeUndefined();
    expect(await engine.listDecisionDefinitions({ decisionId: 'other' })).toEqual([]);
  });

  it('given no decision deployed, when an instance reaches the business-rule task, then it waits in a CALLED_DECISION_ERROR incident; deploying the table and retrying resolves it', async () => {
    // given
    await engine.deploy([unitProcess]);
    const ref = await engine.start('unit-score', goodUnit);
    const [incident] = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });
    expect(incident).toMatchObject({ elementId: 'Task_ScoreUnit', errorType: 'CALLED_DECISION_ERROR' });
    expect(incident.errorMessage).toContain("'unit-assessment'");
    expect((await instance(ref.processInstanceKey)).state).toBe('incident');

    // when
    await engine.deploy([unitTable]);
    await engine.retryIncident(incident.incidentKey);

    // then
    const scored = await instance(ref.processInstanceKey);
    expect(scored).toMatchObject({ state: 'active', variables: { ...goodUnit, score: 88.5 } });
    expect(await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' })).toEqual([]);
    expect((await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey })).map((x) => x.elementId)).toEqual(['Task_ReviewScore']);
  });

  it('given a table that fails for an instance’s values, when reached, then a DECISION_EVALUATION_ERROR incident holds the instance until a fixed table is deployed and the incident retried', async () => {
    // given
    const overlapping = table('unit-assessment', 'UNIQUE', [['>= 0', '1'], ['>= 5', '2']]);
    await engine.deploy([{ ...overlapping, name: 'unit-assessment.dmn' }, unitProcess]);
    const ref = await engine.start('unit-score', { x: 7 });
    const [incident] = await engine.listIncidents({ processInstanceKey: ref.processInstanceKey, state: 'active' });
    expect(incident).toMatchObject({ elementId: 'Task_ScoreUnit', errorType: 'DECISION_EVALUATION_ERROR' });
    expect(incident.errorMessage).toContain('rules 1, 2 matched');

    // when
    await engine.deploy([{ ...table('unit-assessment', 'FIRST', [['>= 0', '1'], ['>= 5', '2']]), name: 'unit-assessment.dmn' }]);
    await engine.retryIncident(incident.incidentKey);

    // then
    expect((await instance(ref.processInstanceKey)).variables).toEqual({ x: 7, score: 1 });
  });

  it('given a decision that requires another, when evaluated, then the required result is in its context under the required decision’s variable name', async () => {
    // given
    const drg = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="levels" name="levels" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="level" name="Level">
    <informationRequirement id="req"><requiredDecision href="#base-score" /></informationRequirement>
    <decisionTable id="level-table" hitPolicy="FIRST">
      <input id="level-in"><inputExpression id="level-in-expr"><text>base-score</text></inputExpression></input>
      <output id="level-out" name="level" />
      <rule id="level-r1"><inputEntry><text>&gt;= 90</text></inputEntry><outputEntry><text>"优秀"</text></outputEntry></rule>
      <rule id="level-r2"><inputEntry><text>-</text></inputEntry><outputEntry><text>"合格"</text></outputEntry></rule>
    </decisionTable>
  </decision>
  <decision id="base-score" name="Base score">
    <variable name="baseScore" />
    <literalExpression id="base-expr"><text>points * 10</text></literalExpression>
  </decision>
</definitions>`;
    const named = drg.replace('<text>base-score</text>', '<text>baseScore</text>');

    // when
    const deployed = await engine.deploy([{ name: 'levels.dmn', content: named }]);

    // then
    expect(deployed.decisions.map((d) => [d.decisionId, d.version, d.decisionRequirementsId])).toEqual([
      ['level', 1, 'levels'],
      ['base-score', 1, 'levels'],
    ]);
    expect((await engine.evaluateDecision('level', { points: 9.5 })).result).toBe('优秀');
    expect((await engine.evaluateDecision('level', { points: 3 })).result).toBe('合格');
    expect((await engine.evaluateDecision('base-score', { points: 3 })).result).toBe(30);
    // a requirement that is not in the resource is refused at deployment
    const broken = named.replace('href="#base-score"', 'href="#missing"');
    await expect(engine.deploy([{ name: 'levels.dmn', content: broken }])).rejects.toThrow("decision 'level': requires decision 'missing', which is not in this resource");
  });

  it('given a multi-instance business-rule task over the units, when the period is scored, then every unit gets its own score in the output collection', async () => {
    // given
    const perUnit = unitProcess.content.replace(
      '<zeebe:calledDecision decisionId="unit-assessment" resultVariable="score" />',
      `<zeebe:calledDecision decisionId="unit-assessment" resultVariable="score" />
        <zeebe:ioMapping>
          ${Object.keys(goodUnit).map((k) => `<zeebe:input source="=unit.${k}" target="${k}" />`).join('\n          ')}
        </zeebe:ioMapping>`,
    ).replace(
      '<bpmn:outgoing>Flow_ToReview</bpmn:outgoing>',
      `<bpmn:outgoing>Flow_ToReview</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=units" inputElement="unit" outputCollection="scores" outputElement="=score" /></bpmn:extensionElements>
      </bpmn:multiInstanceLoopCharacteristics>`,
    );
    await engine.deploy([unitTable, { name: 'unit-score.bpmn', content: perUnit }]);
    const weak = { onTimeRate: 0.5, satisfactionRate: 0.7, completionRate: 0.85, redoRate: 0.1, deductionPoints: 4, transfers: 2 };

    // when
    const ref = await engine.start('unit-score', { units: [goodUnit, weak] });

    // then: 88.5, and 0 + 8 + 8 + 0 − 4 − 4
    const scored = await instance(ref.processInstanceKey);
    expect(scored.variables.scores).toEqual([88.5, 8]);
    expect(scored.variables.score).toBeUndefined();
    expect((await engine.getHistory(ref.processInstanceKey)).filter((e) => e.event === 'decision-evaluated')).toHaveLength(2);
  });

  it('given a business-rule task with a job type instead of a called decision, when reached, then it is a job for a worker as before', async () => {
    // given
    const asJob = unitProcess.content.replace('<zeebe:calledDecision decisionId="unit-assessment" resultVariable="score" />', '<zeebe:taskDefinition type="score-unit" />');
    engine.registerWorker('score-unit', () => ({ score: 1 }));
    await engine.deploy([{ name: 'unit-score.bpmn', content: asJob }]);

    // when
    const ref = await engine.start('unit-score', {});
    const jobs = await engine.listJobs({ processInstanceKey: ref.processInstanceKey });
    await t.idle();

    // then
    expect(jobs.map((j) => [j.type, j.elementId])).toEqual([['score-unit', 'Task_ScoreUnit']]);
    expect((await instance(ref.processInstanceKey)).variables).toEqual({ score: 1 });
  });

  it('given DMN that does not parse or whose FEEL does not compile, when deployed, then the whole deployment is refused naming the decision and rule, and nothing is deployed', async () => {
    // given
    const badCell = unitTable.content.replace('<text>[0.9..0.95)</text>', '<text>[0.9..</text>');
    const badOutput = unitTable.content.replace('<text>-deductionPoints</text>', '<text>deductionPoints +* 2</text>');
    const attempts = [
      { name: 'unit-assessment.dmn', content: '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/"><decision id="x"' },
      { name: 'unit-assessment.dmn', content: badCell },
      { name: 'unit-assessment.dmn', content: badOutput },
      table('no-policy', 'SOMETIMES', [['-', '1']]),
      table('two-aggr', 'FIRST', [['-', '1']], { aggregation: 'SUM' }),
    ];

    // when
    const errors: InvalidResourceError[] = [];
    for (const bad of attempts) {
      try {
        await engine.deploy([bad, unitProcess]);
      } catch (err) {
        errors.push(err as InvalidResourceError);
      }
    }

    // then
    expect(errors).toHaveLength(attempts.length);
    expect(errors.every((e) => e instanceof InvalidResourceError)).toBe(true);
    expect(errors[0].problems[0]).toMatchObject({ resourceName: 'unit-assessment.dmn', message: expect.stringContaining('not a DMN 1.3 resource') });
    expect(errors[1].problems).toEqual([{ resourceName: 'unit-assessment.dmn', elementId: 'Rule_2', message: expect.stringContaining("decision 'unit-assessment': rule 2 (Rule_2), input 1: the entry '[0.9..' does not compile") }]);
    expect(errors[2].problems).toEqual([{ resourceName: 'unit-assessment.dmn', elementId: 'Rule_19', message: expect.stringContaining("decision 'unit-assessment': rule 19 (Rule_19), output score: the entry 'deductionPoints +* 2' does not compile") }]);
    expect(errors[3].message).toContain("decision 'no-policy': hit policy SOMETIMES is not supported");
    expect(errors[4].message).toContain("decision 'two-aggr': aggregation SUM needs hit policy COLLECT");
    expect(await engine.listDecisionDefinitions()).toEqual([]);
    expect(await engine.listProcessDefinitions()).toEqual([]);
  });

  it('given two resources with the same decision id in one deployment, when deployed, then it is refused', async () => {
    await expect(engine.deploy([table('same', 'FIRST', [['-', '1']]), { ...table('same', 'FIRST', [['-', '2']]), name: 'copy.dmn' }])).rejects.toThrow("decision id 'same' is also in same.dmn");
  });
});

describe('DMN decisions (Zeebe adapter, SDK replaced at its boundary)', () => {
  let db: Database;
  let drop: () => Promise<void>;
  let broker: ReturnType<typeof fakeBroker>;
  let engine: ZeebeEngine;
  const clock = createFakeClock('2026-03-02T02:00:00.000Z');

  beforeEach(async () => {
    const target = await openTestDatabase();
    drop = target.drop;
    db = await createDatabase({ url: target.url, migrations: zeebeRecordMigrations });
    await db.migrate();
    broker = fakeBroker();
    engine = createZeebeEngine({ grpc: broker.grpc, rest: broker.rest, db, clock, controlClock: true });
    await engine.open();
  });
  afterEach(async () => {
    await engine.close();
    await db.close();
    await drop();
  });

  it('given a table deployed with its process, then Zeebe gets the DMN as a decision resource, and the result and the records name its versions like the embedded engine', async () => {
    // given / when
    const first = await engine.deploy([unitTable, unitProcess], { deployedBy: 'admin' });
    const again = await engine.deploy([unitTable]);
    const changed = unitTable.content.replace('<text>30</text>', '<text>40</text>');
    const second = await engine.deploy([{ name: 'unit-assessment.dmn', content: changed }], { deployedBy: 'admin-2' });

    // then
    expect(broker.calls.find((c) => c[0] === 'deployResources')![1]).toEqual(['unit-assessment.dmn', 'unit-score.bpmn']);
    expect(broker.calls.find((c) => c[0] === 'deployed')![1][0]).toBe(unitTable.content);
    expect(first.decisions).toEqual([
      { decisionId: 'unit-assessment', name: '单位考核得分', version: 1, decisionKey: expect.any(String), decisionRequirementsId: 'unit-assessment-rules', resourceName: 'unit-assessment.dmn', duplicate: false },
    ]);
    expect(again.decisions).toEqual([expect.objectContaining({ version: 1, duplicate: true, decisionKey: first.decisions[0].decisionKey })]);
    expect(second.decisions).toEqual([expect.objectContaining({ version: 2, duplicate: false })]);
    const latest = await engine.listDecisionDefinitions({ latestOnly: true });
    expect(latest.map((d) => [d.decisionId, d.version, d.versions, d.deployedBy, d.resourceName])).toEqual([['unit-assessment', 2, 2, 'admin-2', 'unit-assessment.dmn']]);
    expect((await engine.listDecisionDefinitions({ decisionId: 'unit-assessment' })).map((d) => [d.version, d.deployedBy])).toEqual([
      [2, 'admin-2'],
      [1, 'admin'],
    ]);
    expect(await engine.getDecisionDefinitionXml(first.decisions[0].decisionKey)).toBe(unitTable.content.trim());
    expect(await engine.getDecisionDefinitionXml(second.decisions[0].decisionKey)).toBe(changed.trim());
  });

  it('given a deployed decision, when evaluated, then Zeebe’s EvaluateDecision answers in the port’s shape; a version goes by its key; a failure names the decision', async () => {
    // given
    const deployed = await engine.deploy([unitTable]);
    broker.setEvaluation(async (r) => ({
      decisionKey: deployed.decisions[0].decisionKey,
      decisionId: 'unit-assessment',
      decisionVersion: 1,
      decisionOutput: '88.5',
      evaluatedDecisions: [{ decisionId: 'unit-assessment', matchedRules: [{ ruleId: 'Rule_1', ruleIndex: 1, evaluatedOutputs: [{ outputName: 'score', outputValue: '30' }] }] }],
      failedDecisionId: '',
      failureMessage: r.variables.fail ? "multiple values aren't allowed for UNIQUE hit policy" : '',
    }));

    // when
    const latest = await engine.evaluateDecision('unit-assessment', goodUnit);
    const v1 = await engine.evaluateDecision('unit-assessment', goodUnit, { version: 1 });

    // then
    expect(latest).toEqual({ decisionId: 'unit-assessment', decisionKey: deployed.decisions[0].decisionKey, version: 1, result: 88.5, matchedRules: [{ ruleId: 'Rule_1', ruleIndex: 1, outputs: { score: 30 } }] });
    expect(v1.result).toBe(88.5);
    expect(broker.calls.filter((c) => c[0] === 'evaluateDecision').map((c) => c[1])).toEqual([
      { decisionId: 'unit-assessment', variables: goodUnit },
      { decisionKey: deployed.decisions[0].decisionKey, variables: goodUnit },
    ]);
    await expect(engine.evaluateDecision('unit-assessment', { fail: true })).rejects.toThrow(InvalidArgumentError);
    await expect(engine.evaluateDecision('unit-assessment', {}, { version: 7 })).rejects.toThrow(NotFoundError);
    broker.setEvaluation(async () => {
      throw Object.assign(new Error('5 NOT_FOUND'), { code: 5, details: "no decision found for id 'other'" });
    });
    await expect(engine.evaluateDecision('other', {})).rejects.toThrow(NotFoundError);
  });
});
