/**
 * The task listeners the Zeebe adapter adds before deploying: every Camunda user task of the
 * regulation's diagrams gets `creating`, `completing` and `canceling` listeners of the adapter's job
 * type, once (adding again changes nothing), and the rest of the diagram is as it was.
 */
import { describe, it, expect } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withAdapterListeners, withTaskListeners } from './listeners.js';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'processes');
const count = (xml: string, re: RegExp) => (xml.match(re) ?? []).length;

describe('task listeners for the Zeebe adapter', () => {
  it('given the regulation’s diagrams, then each user task gets the three listeners and nothing else changes', async () => {
    let tasks = 0;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.bpmn'))) {
      const xml = readFileSync(join(dir, f), 'utf8');
      const { xml: out, userTasks } = await withTaskListeners(xml);
      expect(userTasks.length).toBe(count(xml, /<zeebe:userTask\b/g));
      tasks += userTasks.length;
      expect(count(out, /<zeebe:taskListener eventType="creating" retries="3" type="wenzheng-user-task" \/>/g)).toBe(userTasks.length);
      expect(count(out, /eventType="completing" retries="3" type="wenzheng-user-task"/g)).toBe(userTasks.length);
      expect(count(out, /eventType="canceling" retries="3" type="wenzheng-user-task"/g)).toBe(userTasks.length);
      // the same elements, flows and job types as before
      for (const re of [/<bpmn:sequenceFlow\b/g, /<zeebe:taskDefinition\b/g, /<bpmn:userTask\b/g, /<bpmndi:BPMNShape\b/g]) expect(count(out, re)).toBe(count(xml, re));
      // once only
      expect((await withTaskListeners(out)).xml).toBe(out);
    }
    expect(tasks).toBeGreaterThan(10);
  });
});

describe('instance listeners for the Zeebe adapter', () => {
  it('given the regulation’s diagrams, then each process gets a start and an end execution listener, once', async () => {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.bpmn'))) {
      const xml = readFileSync(join(dir, f), 'utf8');
      const { xml: out, processes } = await withAdapterListeners(xml);
      expect(processes).toEqual([f.replace(/\.bpmn$/, '')]);
      expect(count(out, /<zeebe:executionListener eventType="start" retries="3" type="wenzheng-instance-start" \/>/g)).toBe(1);
      expect(count(out, /<zeebe:executionListener eventType="end" retries="3" type="wenzheng-instance-end" \/>/g)).toBe(1);
      expect(count(out, /<zeebe:taskListener eventType="creating"/g)).toBe(count(xml, /<zeebe:userTask\b/g));
      expect((await withAdapterListeners(out)).xml).toBe(out);
    }
  });
});
