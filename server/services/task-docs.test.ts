/**
 * A task page's documentation and article come from the latest deployed version of its process: a
 * version deployed from the modeler shows its words at once, and the XML is read again only when a
 * process has a new version.
 */
import { describe, it, expect } from '@jest/globals';
import type { ProcessDefinition } from '../../engine/port.js';
import { createTaskDocs } from './task-service.js';

const xml = (processId: string, doc: string) =>
  `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="${processId}"><bpmn:userTask id="Task_A" name="签收"><bpmn:documentation>${doc}</bpmn:documentation></bpmn:userTask></bpmn:process></bpmn:definitions>`;

function fakeEngine() {
  const defs: (ProcessDefinition & { xml: string })[] = [];
  let reads = 0;
  return {
    deploy(processId: string, doc: string) {
      const version = defs.filter((d) => d.processId === processId).length + 1;
      defs.push({ processDefinitionKey: `${processId}:${version}`, processId, version, resourceName: `${processId}.bpmn`, deployedAt: new Date(0), xml: xml(processId, doc) });
    },
    get reads() {
      return reads;
    },
    async listProcessDefinitions() {
      return defs.map(({ xml: _x, ...d }) => d);
    },
    async getProcessDefinitionXml(key: string) {
      reads++;
      return defs.find((d) => d.processDefinitionKey === key)?.xml;
    },
  };
}

describe('the user tasks’ documentation', () => {
  it('given a process deployed again with new words, when a task is shown, then the newest words are used, and nothing is read again while nothing is deployed', async () => {
    const engine = fakeEngine();
    engine.deploy('unit-handling', '第十条:2 个工作日内签收。');
    engine.deploy('evaluation', '第十七条:评价。');
    const docs = createTaskDocs(engine);
    expect((await docs()).get('unit-handling/Task_A')).toBe('第十条:2 个工作日内签收。');
    expect(engine.reads).toBe(2);
    await docs();
    expect(engine.reads).toBe(2);
    engine.deploy('unit-handling', '第十条(修订):1 个工作日内签收 &amp; 回复。');
    const now = await docs();
    expect(now.get('unit-handling/Task_A')).toBe('第十条(修订):1 个工作日内签收 & 回复。');
    expect(now.get('evaluation/Task_A')).toBe('第十七条:评价。');
    expect(engine.reads).toBe(3);
  });
});
