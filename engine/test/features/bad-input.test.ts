import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, fixture, type TestEngine } from '../harness.js';
import { InvalidResourceError, NotFoundError } from '../../errors.js';
import type { EnginePort } from '../../port.js';

describe('bad input', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  it('given a resource that is not XML, when it is deployed, then an InvalidResourceError (400) names the resource and nothing is deployed', async () => {
    // given
    const broken = { name: 'broken.bpmn', content: 'this is not a diagram' };

    // when
    const result = engine.deploy([broken]);

    // then
    await expect(result).rejects.toBeInstanceOf(InvalidResourceError);
    await expect(engine.deploy([broken])).rejects.toMatchObject({ status: 400 });
    const error = (await engine.deploy([broken]).catch((e: unknown) => e)) as InvalidResourceError;
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems.every((p) => p.resourceName === 'broken.bpmn')).toBe(true);
  });

  it('given a diagram with an inclusive gateway that joins and an event sub-process, when it is deployed, then it is refused naming both elements, instead of being run wrongly', async () => {
    // given
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="unsupported" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Split" />
    <bpmn:inclusiveGateway id="Split" />
    <bpmn:sequenceFlow id="f2" sourceRef="Split" targetRef="Join" />
    <bpmn:sequenceFlow id="f3" sourceRef="Split" targetRef="Join" />
    <bpmn:inclusiveGateway id="Join" />
    <bpmn:sequenceFlow id="f4" sourceRef="Join" targetRef="End" />
    <bpmn:endEvent id="End" />
    <bpmn:subProcess id="OnSignal" triggeredByEvent="true">
      <bpmn:startEvent id="SignalStart"><bpmn:signalEventDefinition /></bpmn:startEvent>
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;

    // when
    const error = (await engine.deploy([{ name: 'unsupported.bpmn', content: xml }]).catch((e: unknown) => e)) as InvalidResourceError;

    // then
    expect(error).toBeInstanceOf(InvalidResourceError);
    expect(error.problems.map((p) => p.elementId).sort()).toEqual(['Join', 'OnSignal', 'SignalStart']);
    expect(await engine.listProcessDefinitions({ processId: 'unsupported' })).toEqual([]);
  });

  it('given a valid diagram and a truncated one in the same deployment, when they are deployed, then the deployment is rejected as a whole and the valid process is not startable', async () => {
    // given
    const valid = fixture('service-task.bpmn');
    const xml = fixture('user-task.bpmn').content;
    const truncated = { name: 'user-task.bpmn', content: xml.slice(0, Math.floor(xml.length / 2)) };

    // when
    const result = engine.deploy([valid, truncated]);

    // then
    await expect(result).rejects.toBeInstanceOf(InvalidResourceError);
    const error = (await engine.deploy([valid, truncated]).catch((e: unknown) => e)) as InvalidResourceError;
    expect(error.problems.map((p) => p.resourceName)).toContain('user-task.bpmn');
    expect(error.problems.map((p) => p.resourceName)).not.toContain('service-task.bpmn');
    await expect(engine.start('service-task', {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.start('user-task', {})).rejects.toBeInstanceOf(NotFoundError);
  });

  it('given a rejected deployment, when the fixed diagram is deployed, then it is version 1', async () => {
    // given
    const xml = fixture('service-task.bpmn').content;
    await engine.deploy([{ name: 'service-task.bpmn', content: xml.replace('</bpmn:definitions>', '') }]).catch(() => undefined);

    // when
    const deployment = await engine.deploy([{ name: 'service-task.bpmn', content: xml }]);

    // then
    expect(deployment.processes[0]).toMatchObject({ processId: 'service-task', version: 1, duplicate: false });
  });

  it('given nothing deployed under that id, when an instance is started, then a NotFoundError (404) is raised', async () => {
    // given
    await t.deploy('service-task.bpmn');

    // when
    const start = engine.start('no-such-process', {});

    // then
    await expect(start).rejects.toBeInstanceOf(NotFoundError);
    await expect(engine.start('no-such-process')).rejects.toMatchObject({ status: 404 });
  });

  it('given unknown keys, when tasks, incidents, instances or variables are addressed, then NotFoundError is raised and look-ups return undefined', async () => {
    // given
    await t.deploy('user-task.bpmn');
    const unknown = '999999999';

    // when
    const attempts = {
      completeUserTask: engine.completeUserTask(unknown, {}),
      retryIncident: engine.retryIncident(unknown),
      cancel: engine.cancel(unknown),
      setVariables: engine.setVariables(unknown, { a: 1 }),
    };

    // then
    await expect(attempts.completeUserTask).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempts.retryIncident).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempts.cancel).rejects.toBeInstanceOf(NotFoundError);
    await expect(attempts.setVariables).rejects.toBeInstanceOf(NotFoundError);
    expect(await engine.getProcessInstance(unknown)).toBeUndefined();
    expect(await engine.getUserTask(unknown)).toBeUndefined();
  });
});
