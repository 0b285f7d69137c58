/**
 * The form gate: the schema checks (every problem at once, with the component and key), the FEEL
 * names of a diagram, and the warnings for fields a new version drops that a deployed diagram uses.
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFormSchema, createFormGate, feelReferences, fieldPathsOf, fieldUsesInDiagram } from './form-gate.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const formFile = (id: string) => JSON.parse(readFileSync(join(root, 'forms', `${id}.form`), 'utf8'));

const form = (components: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'demo-form', type: 'default', components, ...extra });
const field = (key: string, id = `Field_${key.replace(/\W/g, '_')}`, type = 'textfield') => ({ type, id, key, label: key });

/** a process with a user task of `demo-form`, a gateway on `decision`, an output of `note`, a timer on `dueAt`, a call with `childId` */
const DIAGRAM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:message id="Message_Reminder" name="reminder"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseRef" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="demo" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:subProcess id="Sub">
      <bpmn:userTask id="Task_Decide" name="决定">
        <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="=[unitGroup]" /><zeebe:formDefinition formId="demo-form" />
          <zeebe:ioMapping><zeebe:output source="=reply.note" target="replyNote" /></zeebe:ioMapping></bpmn:extensionElements>
      </bpmn:userTask>
    </bpmn:subProcess>
    <bpmn:exclusiveGateway id="Gateway_Decision" />
    <bpmn:sequenceFlow id="Flow_Yes" sourceRef="Gateway_Decision" targetRef="End">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=decision = true and list contains(["a"], category)</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Loop" sourceRef="Gateway_Decision" targetRef="End">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=some x in items satisfies x.decisionX &gt; 1</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:intermediateCatchEvent id="Timer_Due"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">=dueAt</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="Event_Reminder"><bpmn:messageEventDefinition messageRef="Message_Reminder" /></bpmn:intermediateCatchEvent>
    <bpmn:callActivity id="Call_Child"><bpmn:extensionElements><zeebe:calledElement processId="=childId" propagateAllChildVariables="false" />
      <zeebe:ioMapping><zeebe:input source="=static" target="x" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:endEvent id="End" />
  </bpmn:process>
  <bpmn:process id="other" isExecutable="true">
    <bpmn:sequenceFlow id="Flow_Other" sourceRef="A" targetRef="B"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=decision = true</bpmn:conditionExpression></bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>`;

describe('form schema checks', () => {
  it('given every form of forms/, when checked, then none has a problem', () => {
    for (const f of readdirSync(join(root, 'forms')).filter((n) => n.endsWith('.form'))) {
      const id = f.slice(0, -'.form'.length);
      expect([id, checkFormSchema(id, formFile(id))]).toEqual([id, []]);
    }
  });

  it('given something that is not a form schema, when checked, then it says so', () => {
    expect(checkFormSchema('demo-form', [])).toEqual([{ field: '', rule: 'schema', message: '表单定义须为 JSON 对象' }]);
    expect(checkFormSchema('demo-form', 'text')).toHaveLength(1);
    const noComponents = checkFormSchema('demo-form', { type: 'default' });
    expect(noComponents.map((p) => p.message)).toEqual(['表单定义须有组件列表(components 数组)']);
    const wrong = checkFormSchema('../evil', { id: 'other', type: 'wizard', components: [] });
    expect(wrong.map((p) => p.rule)).toEqual(['form-id', 'schema', 'schema']);
    expect(wrong[2].message).toContain('须与表单编号');
    expect(checkFormSchema('demo-form', form([{ type: 'text', text: 'x'.repeat(300_000) }])).map((p) => p.rule)).toEqual(['size']);
  });

  it('given a schema with an unknown component type, a duplicate key, a missing and a bad key, when checked, then every problem is listed with its component and key', () => {
    const problems = checkFormSchema(
      'demo-form',
      form([
        field('decision'),
        { type: 'slider', id: 'Field_slider', key: 'level' },
        field('decision', 'Field_decision2'),
        { type: 'number', id: 'Field_nokey', label: '数量' },
        field('2fast'),
        field('reply.note'),
        { type: 'group', id: 'Group_reply', path: 'reply', components: [field('note', 'Field_note2'), { type: 'dynamiclist', id: 'List_x', path: 'items', components: [] }] },
        { type: 'radio', id: 'Field_choice', key: 'choice' },
        { type: 'datetime', id: 'Field_when', key: 'when' },
        { type: 'textfield', id: 'Field_decision', key: 'other', conditional: { hide: '=(((' } },
      ]),
    );
    expect(problems).toEqual([
      { field: 'Field_slider', componentId: 'Field_slider', rule: 'component-type', message: '组件 Field_slider的类型「slider」不受支持' },
      { field: 'Field_nokey', componentId: 'Field_nokey', rule: 'key', message: expect.stringContaining('组件 Field_nokey「数量」缺少键(key)') },
      { field: '2fast', componentId: 'Field_2fast', key: '2fast', rule: 'key', message: expect.stringContaining('的键「2fast」不是有效的变量名') },
      { field: 'List_x', componentId: 'List_x', rule: 'component-type', message: expect.stringContaining('动态列表(dynamiclist)') },
      { field: 'choice', componentId: 'Field_choice', key: 'choice', rule: 'options', message: expect.stringContaining('没有选项') },
      { field: 'when', componentId: 'Field_when', key: 'when', rule: 'component', message: expect.stringContaining('须选择子类型') },
      { field: 'Field_decision', componentId: 'Field_decision', rule: 'component-id', message: '组件 id「Field_decision」重复' },
      { field: 'Field_decision', componentId: 'Field_decision', rule: 'feel', message: expect.stringContaining('不是有效的 FEEL 表达式') },
      { field: 'decision', componentId: 'Field_decision', key: 'decision', rule: 'key', message: '键「decision」重复(组件 Field_decision 和 Field_decision2)' },
      { field: 'reply.note', componentId: 'Field_reply_note', key: 'reply.note', rule: 'key', message: expect.stringContaining('键「reply.note」重复') },
    ]);
  });

  it('reads the value paths of the input fields (group path + key)', () => {
    expect(fieldPathsOf(formFile('draft-reply'))).toEqual(expect.arrayContaining(['reply.handledAt', 'reply.result']));
    expect(fieldPathsOf(form([field('a'), { type: 'text', text: 'x' }, { type: 'group', path: '', components: [field('b')] }]))).toEqual(['a', 'b']);
    expect(fieldPathsOf('nonsense')).toEqual([]);
  });
});

describe('FEEL names', () => {
  it('lists the variable paths an expression reads, not function names or the names it binds', () => {
    expect(feelReferences('returnRequested != null and category = "report" and reply.handledAt = null')).toEqual(['returnRequested', 'category', 'reply.handledAt']);
    expect(feelReferences('list contains(["a"], category)')).toEqual(['category']);
    expect(feelReferences('for i in items return i.name')).toEqual(['items']);
    expect(feelReferences('date and time(dueAt)')).toEqual(['dueAt']);
  });
});

describe('fields a deployed diagram uses', () => {
  const version = (id: string) => ({ demo: 3, other: 1 })[id as 'demo' | 'other'];

  it('given a field used by a condition, when the new version drops it, then the use is a warning with process, element and where', async () => {
    const uses = await fieldUsesInDiagram(DIAGRAM, 'demo-form', ['decision'], version);
    // `other` has no task of the form; `x.decisionX` is a bound name's member, not the field
    expect(uses).toEqual([{ field: 'decision', processId: 'demo', version: 3, elementId: 'Flow_Yes', where: 'condition', expression: '=decision = true and list contains(["a"], category)' }]);
  });

  it('finds the field in mappings, timers, called elements, assignments and correlation keys too', async () => {
    const uses = await fieldUsesInDiagram(DIAGRAM, 'demo-form', ['reply.note', 'dueAt', 'childId', 'unitGroup', 'caseRef', 'items'], version);
    expect(uses.map((u) => [u.field, u.elementId, u.where])).toEqual(
      expect.arrayContaining([
        ['reply.note', 'Task_Decide', 'output'],
        ['dueAt', 'Timer_Due', 'timer'],
        ['childId', 'Call_Child', 'calledElement'],
        ['unitGroup', 'Task_Decide', 'assignment'],
        ['caseRef', 'Event_Reminder', 'correlationKey'],
        ['items', 'Flow_Loop', 'condition'],
      ]),
    );
    expect(uses).toHaveLength(6);
  });

  it('given a dropped field no diagram uses, or a form no diagram shows, then there is no warning', async () => {
    expect(await fieldUsesInDiagram(DIAGRAM, 'demo-form', ['unused', 'static2'], version)).toEqual([]);
    expect(await fieldUsesInDiagram(DIAGRAM, 'another-form', ['decision'], version)).toEqual([]);
    expect(await fieldUsesInDiagram('<not xml', 'demo-form', ['decision'], version)).toEqual([]);
  });

  it('given the deployed processes, when a new version of a form drops a field a condition uses, then the gate warns; dropping an unused one does not', async () => {
    const defs = [
      { processDefinitionKey: 'k1', processId: 'demo', version: 1, resourceName: 'demo.bpmn', deployedAt: new Date() },
      { processDefinitionKey: 'k2', processId: 'demo', version: 2, resourceName: 'demo.bpmn', deployedAt: new Date() },
    ];
    // version 1 did not use the field; the latest does
    const xml: Record<string, string> = { k1: DIAGRAM.replace(/decision = true and /, ''), k2: DIAGRAM };
    const gate = createFormGate({ engine: { listProcessDefinitions: async () => defs, getProcessDefinitionXml: async (key: string) => xml[key] } });
    const before = form([field('decision'), field('spare')]);
    const dropsUsed = await gate.check('demo-form', form([field('spare')]), before);
    expect(dropsUsed.problems).toEqual([]);
    expect(dropsUsed.removed).toEqual(['decision']);
    expect(dropsUsed.warnings).toEqual([expect.objectContaining({ field: 'decision', processId: 'demo', version: 2, elementId: 'Flow_Yes', where: 'condition' })]);
    const dropsUnused = await gate.check('demo-form', form([field('decision')]), before);
    expect(dropsUnused).toEqual({ problems: [], warnings: [], removed: ['spare'] });
    expect((await gate.check('demo-form', form([field('decision'), field('spare')]), undefined)).warnings).toEqual([]);
  });
});
