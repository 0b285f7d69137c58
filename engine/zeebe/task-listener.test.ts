/**
 * Camunda 8.8 user-task listener jobs as the port's user-task events (the REST job replaced by a
 * plain object): creating → created (the task with its candidate groups, form and due date),
 * completing → completed with the variables, canceling → canceled; other listener events are not
 * used; a job that is no listener job, or carries no user task, is refused.
 */
import { describe, it, expect } from '@jest/globals';
import { listenerEvent, type ListenerJob } from './task-listener.js';

const at = new Date('2026-03-02T01:00:00.000Z');
const lookups = {
  formIdOf: (key: string) => (key === '2251799813685900' ? 'sign-or-return' : undefined),
  nameOf: (processId: string, elementId: string) => (processId === 'unit-handling' && elementId === 'Task_SignOrReturn' ? '签收或申请退回' : undefined),
};
const job = (over: Partial<ListenerJob> = {}): ListenerJob => ({
  jobKey: '2251799813686000',
  type: 'wenzheng-user-task',
  kind: 'TASK_LISTENER',
  listenerEventType: 'CREATING',
  processInstanceKey: '2251799813685300',
  processDefinitionId: 'unit-handling',
  elementId: 'Task_SignOrReturn',
  variables: { petitionId: 'p-1', unitGroup: 'unit:u-longnan' },
  userTask: { userTaskKey: '2251799813686001', candidateGroups: ['unit:u-longnan'], candidateUsers: [], formKey: '2251799813685900', dueDate: '2026-03-03T16:00:00.000Z', priority: 50 },
  ...over,
});

describe('user-task listener jobs', () => {
  it('given a creating listener job, then the task is created with its groups, form, due date and name', () => {
    expect(listenerEvent(job(), at, lookups)).toEqual({
      type: 'created',
      task: {
        userTaskKey: '2251799813686001',
        processInstanceKey: '2251799813685300',
        processId: 'unit-handling',
        elementId: 'Task_SignOrReturn',
        name: '签收或申请退回',
        candidateGroups: ['unit:u-longnan'],
        candidateUsers: [],
        formId: 'sign-or-return',
        dueDate: '2026-03-03T16:00:00.000Z',
        priority: 50,
        state: 'created',
        variables: { petitionId: 'p-1', unitGroup: 'unit:u-longnan' },
        createdAt: at,
      },
    });
  });

  it('given completing and canceling jobs, then the task is completed with the variables, or canceled', () => {
    const done = listenerEvent(job({ listenerEventType: 'COMPLETING', variables: { decision: 'sign' } }), at, lookups);
    expect(done).toMatchObject({ type: 'completed', variables: { decision: 'sign' }, task: { state: 'completed', endedAt: at } });
    expect(listenerEvent(job({ listenerEventType: 'CANCELING' }), at, lookups)).toMatchObject({ type: 'canceled', task: { state: 'canceled', endedAt: at } });
    expect(listenerEvent(job({ listenerEventType: 'ASSIGNING' }), at, lookups)).toBeUndefined();
  });

  it('given a job that is no listener job or carries no user task, then it is refused', () => {
    expect(() => listenerEvent(job({ kind: 'BPMN_ELEMENT' }), at, lookups)).toThrow(/not a task listener job/);
    expect(() => listenerEvent(job({ userTask: {} }), at, lookups)).toThrow(/carries no user task/);
    // an unknown form key: the task has no form rather than a wrong one
    expect(listenerEvent(job({ userTask: { userTaskKey: '1', formKey: '99' } }), at, lookups)?.task.formId).toBeUndefined();
  });
});
