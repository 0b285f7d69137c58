import { describe, it, expect } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BpmnModdle } from 'bpmn-moddle';
import { fixture, fixturesDir } from '../harness.js';

const require = createRequire(import.meta.url);
const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json');

const names = readdirSync(fixturesDir)
  .filter((n) => n.endsWith('.bpmn'))
  .sort();

describe('feature fixtures', () => {
  it('given the fixtures folder, when it is listed, then it holds the diagrams the feature tests deploy', () => {
    // given / when: names
    // then
    expect(names.length).toBeGreaterThanOrEqual(26);
    expect(names).toEqual(expect.arrayContaining(['service-task.bpmn', 'call-parent.bpmn', 'call-child.bpmn', 'timer-intermediate.bpmn']));
  });

  it.each(names)('given %s, when it is parsed with the Zeebe moddle, then it has no warnings, one executable process named like the file, and Camunda 8.8 as platform', async (name) => {
    // given
    const { content } = fixture(name);

    // when
    const { rootElement, warnings } = await new BpmnModdle({ zeebe }).fromXML(content);

    // then
    expect(warnings.map((w: { message: string }) => w.message)).toEqual([]);
    const processes = rootElement.rootElements.filter((e: { $type: string }) => e.$type === 'bpmn:Process');
    expect(processes.map((p: { id: string; isExecutable: boolean }) => [p.id, p.isExecutable])).toEqual([[name.replace(/\.bpmn$/, ''), true]]);
    expect(content).toContain('modeler:executionPlatform="Camunda Cloud"');
    expect(content).toContain('modeler:executionPlatformVersion="8.8.0"');
  });
});
