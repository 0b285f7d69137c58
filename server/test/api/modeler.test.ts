/**
 * The modeler's server side: the process pages (list, versions, the editor's page data), the drafts
 * (kept per admin and process, bad input refused with nothing saved), and the element templates —
 * one per registered worker, valid for the modeler's template validator, and each, applied to a
 * service task, deployable through the deploy gate.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { validateZeebe } from '@bpmn-io/element-templates-validator';
import { jobTypes } from '../../../workers/registry.js';
import type { ElementTemplate } from '../../../workers/element-templates.js';
import { createTestApp, type Person, type TestApp } from '../app-harness.js';

const html = { accept: 'text/html' };

/** the JSON the editor page hands to the modeler script */
function modelerData(page: string): any {
  const m = /<script type="application\/json" id="modeler-data">([\s\S]*?)<\/script>/.exec(page);
  if (!m) throw new Error('no modeler data on the page');
  return JSON.parse(m[1]);
}

/** a one-task process whose service task carries what the template binds (its first choice for each dropdown) */
function appliedTo(t: ElementTemplate): string {
  const hidden = (prop: string) => t.properties.find((p: any) => p.binding.type === 'zeebe:taskDefinition' && p.binding.property === prop) as { value: string };
  const headers = t.properties
    .filter((p: any) => p.binding.type === 'zeebe:taskHeader')
    .map((p: any) => `<zeebe:header key="${p.binding.key}" value="${p.value}" />`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_t" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
  <bpmn:process id="template-check" name="模板检查" isExecutable="true">
    <bpmn:startEvent id="Start" name="开始"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Task_T" name="${t.name}" zeebe:modelerTemplate="${t.id}" zeebe:modelerTemplateVersion="${t.version}">
      <bpmn:extensionElements><zeebe:taskDefinition type="${hidden('type').value}" retries="${hidden('retries').value}" />${headers ? `<zeebe:taskHeaders>${headers}</zeebe:taskHeaders>` : ''}</bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="End" name="结束"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_T" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_T" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="template-check">
    <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="Task_T_di" bpmnElement="Task_T"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="360" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

describe('the modeler (process admins): pages, drafts, element templates', () => {
  let h: TestApp;
  let modeler: Person;
  let auditor: Person;

  beforeAll(async () => {
    h = await createTestApp();
    modeler = await h.signIn('modeler');
    auditor = await h.signIn('auditor');
  });
  afterAll(() => h.close());

  it('given the deployed processes, when a process admin or an auditor opens the list and a version list, then each process shows its name and versions; only the admin may edit', async () => {
    const list = (await modeler.get('/processes').set(html).expect(200)).text;
    expect(list).toContain('承办单位办理');
    expect(list).toContain('href="/processes/unit-handling/edit"');
    const seen = (await auditor.get('/processes').set(html).expect(200)).text;
    expect(seen).toContain('承办单位办理');
    expect(seen).not.toContain('/edit"');
    const versions = (await auditor.get('/processes/unit-handling').set(html).expect(200)).text;
    expect(versions).toContain('data-version="1"');
    expect((await auditor.get('/processes/unit-handling/edit').set(html)).status).toBe(403);
    expect((await modeler.get('/processes/no-such-process').set(html)).status).toBe(404);
    expect((await modeler.get('/processes/bad%20id%24').set(html)).status).toBe(400);
    expect((await modeler.get('/processes/unit-handling/edit?version=7').set(html)).status).toBe(404);
  });

  it('given the editor page, when opened, then it carries the latest version, the registered job types, the forms there are and one template per worker', async () => {
    const data = modelerData((await modeler.get('/processes/unit-handling/edit').set(html).expect(200)).text);
    expect(data).toMatchObject({ processId: 'unit-handling', resourceName: 'unit-handling.bpmn', version: 1, draft: null });
    expect(data.xml).toContain('id="unit-handling"');
    expect(data.jobTypes).toEqual([...jobTypes]);
    expect(data.formIds).toContain('sign-or-return');
    expect(data.templates.map((t: ElementTemplate) => t.id)).toEqual(jobTypes.map((t) => `wenzheng.${t}`));
    expect(typeof data.csrf).toBe('string');
  });

  it('given a draft, when saved, read, saved again and discarded, then the admin gets back the newest; bad input is refused and changes nothing', async () => {
    const url = '/api/processes/unit-handling/draft';
    await modeler.get(url).expect(404);
    for (const bad of [{}, { xml: 42 }, { xml: 'not xml' }, { xml: `<x>${'y'.repeat(2 * 1024 * 1024)}</x>` }, { xml: '<a/>', baseVersion: 'one' }, { xml: '<a/>', baseVersion: 0 }]) {
      const res = await modeler.put(url, bad);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('草稿未保存');
    }
    await modeler.get(url).expect(404);
    const first = await modeler.put(url, { xml: '<bpmn:definitions id="d1"/>', baseVersion: 1 }).expect(200);
    expect(first.body).toMatchObject({ processId: 'unit-handling', baseVersion: 1 });
    h.t.clock.advance(60_000);
    await modeler.put(url, { xml: '<bpmn:definitions id="d2"/>', baseVersion: 1 }).expect(200);
    expect((await modeler.get(url).expect(200)).body).toMatchObject({ xml: '<bpmn:definitions id="d2"/>', baseVersion: 1 });
    // the editor opens the draft, and the list says there is one
    expect(modelerData((await modeler.get('/processes/unit-handling/edit').set(html).expect(200)).text).draft).toMatchObject({ xml: '<bpmn:definitions id="d2"/>', baseVersion: 1 });
    expect((await modeler.get('/processes').set(html).expect(200)).text).toContain('有草稿');
    // an auditor reads and writes none
    expect((await auditor.get(url)).status).toBe(403);
    expect((await auditor.put(url, { xml: '<a/>' })).status).toBe(403);
    await modeler.delete(url).expect(204);
    await modeler.get(url).expect(404);
    await modeler.delete(url).expect(404);
  });

  it('given a .bpmn file, when a process admin uploads it on the process list, then it goes through the deploy gate: a bad one lists its problems and deploys nothing, a good one becomes version 1', async () => {
    const templates = (await modeler.get('/api/element-templates').expect(200)).body as ElementTemplate[];
    const good = appliedTo(templates.find((t) => t.id === 'wenzheng.notify') as ElementTemplate);
    const count = async () => (await h.t.engine.listProcessDefinitions()).length;
    const before = await count();
    const upload = (name: string, content: string) =>
      modeler.agent.post(`/processes/upload?_csrf=${encodeURIComponent(modeler.csrf)}`).set(html).attach('file', Buffer.from(content), name);
    const bad = await upload('template-check.bpmn', good.replace('type="notify"', 'type="send-fax"'));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('部署未通过检查');
    expect(bad.text).toMatch(/<li data-element-id="Task_T" data-rule="wenzheng\/job-type-registered">/);
    expect((await upload('template-check.bpmn', '<not-xml')).text).toContain('不是有效的 BPMN XML');
    expect((await upload('template-check.exe', good)).text).toContain('文件名须以 .bpmn 结尾');
    expect(await count()).toBe(before);
    const ok = await upload('template-check.bpmn', good);
    expect(ok.status).toBe(201);
    expect(ok.text).toContain('template-check 已部署为第 1 版');
    expect(await count()).toBe(before + 1);
    expect((await upload('template-check.bpmn', good)).text).toContain('与第 1 版相同,未产生新版本');
    const refused = await auditor.agent.post(`/processes/upload?_csrf=${encodeURIComponent(auditor.csrf)}`).set(html).attach('file', Buffer.from(good), 'template-check.bpmn');
    expect(refused.status).toBe(403);
  });

  it('given the element templates, when validated and each applied to a service task, then each is valid and the task passes the deploy gate', async () => {
    const templates = (await modeler.get('/api/element-templates').expect(200)).body as ElementTemplate[];
    expect(templates).toHaveLength(jobTypes.length);
    const { valid, errors } = validateZeebe(templates[0]) as { valid: boolean; errors?: unknown[] };
    expect(errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    for (const t of templates) {
      expect((validateZeebe(t) as { valid: boolean }).valid).toBe(true);
      const problems = await h.app.locals.gate.check([{ name: 'template-check.bpmn', content: appliedTo(t) }]);
      expect({ template: t.id, problems }).toEqual({ template: t.id, problems: [] });
    }
    // and a task with a job type no worker has is what the gate refuses
    const unknown = appliedTo(templates[0]).replace(/type="[^"]+" retries/, 'type="send-fax" retries');
    expect(await h.app.locals.gate.check([{ name: 'template-check.bpmn', content: unknown }])).toContainEqual(expect.objectContaining({ elementId: 'Task_T', rule: 'wenzheng/job-type-registered' }));
  });
});
