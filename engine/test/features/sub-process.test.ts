import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, type TestEngine } from '../harness.js';
import type { EnginePort, HistoryEvent, Variables } from '../../port.js';

describe('embedded sub-process', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  /** elementId:event for the elements of the diagram (not the process itself, not variable updates) */
  function trail(history: HistoryEvent[]): string[] {
    return history
      .filter((e) => e.elementType !== 'bpmn:Process' && e.elementType !== 'bpmn:SequenceFlow' && e.event !== 'variables-updated')
      .map((e) => `${e.elementId}:${e.event}`);
  }

  it('given a job inside a sub-process that sets a variable, when the sub-process completes, then the variable is visible to the parent flow and stays in the process', async () => {
    // given
    const reportSaw: Variables[] = [];
    engine.registerWorker('score-petition', () => ({ score: 7 }));
    engine.registerWorker('write-report', (v) => {
      reportSaw.push(v);
      return { report: `score ${String(v.score)}` };
    });
    await t.deploy('sub-process.bpmn');

    // when
    const ref = await engine.start('sub-process', { petitionId: 'P-1' });
    await t.idle();

    // then
    expect(reportSaw).toEqual([{ petitionId: 'P-1', score: 7 }]);
    const done = await engine.getProcessInstance(ref.processInstanceKey);
    expect(done?.state).toBe('completed');
    expect(done?.variables).toEqual({ petitionId: 'P-1', score: 7, report: 'score 7' });
  });

  it('given a parent variable of the same name, when the job inside the sub-process sets it, then the parent variable is updated, not shadowed', async () => {
    // given
    engine.registerWorker('score-petition', () => ({ score: 9 }));
    engine.registerWorker('write-report', () => ({}));
    await t.deploy('sub-process.bpmn');

    // when
    const ref = await engine.start('sub-process', { score: 0 });
    await t.idle();

    // then
    expect((await engine.getProcessInstance(ref.processInstanceKey))?.variables).toEqual({ score: 9 });
  });

  it('given a sub-process, when the instance runs through it, then the history nests the inner elements between the sub-process activation and completion', async () => {
    // given
    engine.registerWorker('score-petition', () => ({ score: 1 }));
    engine.registerWorker('write-report', () => ({}));
    await t.deploy('sub-process.bpmn');

    // when
    const ref = await engine.start('sub-process', {});
    await t.idle();

    // then
    const history = await engine.getHistory(ref.processInstanceKey);
    expect(trail(history)).toEqual([
      'Start_PetitionReceived:activated',
      'Start_PetitionReceived:completed',
      'SubProcess_Assess:activated',
      'Start_AssessmentStarted:activated',
      'Start_AssessmentStarted:completed',
      'Task_ScorePetition:activated',
      'Task_ScorePetition:job-created',
      'Task_ScorePetition:job-completed',
      'Task_ScorePetition:completed',
      'End_AssessmentDone:activated',
      'End_AssessmentDone:completed',
      'SubProcess_Assess:completed',
      'Task_WriteReport:activated',
      'Task_WriteReport:job-created',
      'Task_WriteReport:job-completed',
      'Task_WriteReport:completed',
      'End_Reported:activated',
      'End_Reported:completed',
    ]);
    expect(history.find((e) => e.elementId === 'SubProcess_Assess')?.elementType).toBe('bpmn:SubProcess');
  });
});
