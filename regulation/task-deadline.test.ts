import { describe, it, expect } from '@jest/globals';
import { taskDeadline } from './task-deadline.js';

describe('第二十六条 the deadline and warning colour a task list shows', () => {
  const vars = {
    returnDueAt: '2026-03-03T16:00:00.000Z',
    firstStepDueAt: '2026-03-04T16:00:00.000Z',
    finishDueAt: '2026-03-09T16:00:00.000Z',
    blueAt: '2026-03-10T16:00:00.000Z',
    yellowAt: '2026-03-11T16:00:00.000Z',
    redAt: '2026-03-13T16:00:00.000Z',
  };

  it('given a unit task, when listed, then it shows the deadline it is worked against', () => {
    expect(taskDeadline('Task_SignOrReturn', vars, new Date('2026-03-02T02:00:00Z'))).toEqual({ dueAt: vars.returnDueAt, label: '申请退回期限', overdue: false });
    expect(taskDeadline('Task_ContactPetitioner', vars, new Date('2026-03-05T02:00:00Z'))).toEqual({ dueAt: vars.firstStepDueAt, label: '联系诉求人期限', overdue: true });
    expect(taskDeadline('Task_DraftReply', vars, new Date('2026-03-02T02:00:00Z')).label).toBe('办结期限');
  });

  it('given a case 1, 2 and 4 working days overdue, when listed, then blue, yellow, red', () => {
    expect(taskDeadline('Task_DraftReply', vars, new Date('2026-03-10T16:00:00Z')).warning).toBe('blue');
    expect(taskDeadline('Task_DraftReply', vars, new Date('2026-03-12T01:00:00Z')).warning).toBe('yellow');
    expect(taskDeadline('Task_DraftReply', vars, new Date('2026-03-14T01:00:00Z')).warning).toBe('red');
    expect(taskDeadline('Task_DraftReply', vars, new Date('2026-03-10T15:59:59Z')).warning).toBeUndefined();
  });

  it('given a platform task without deadlines, when listed, then none is shown', () => {
    expect(taskDeadline('Task_ScreenPetition', {}, new Date())).toEqual({ overdue: false });
  });
});
