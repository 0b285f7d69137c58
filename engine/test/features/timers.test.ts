import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, endsReached, type TestEngine } from '../harness.js';
import type { EnginePort, HistoryEvent, JobContext } from '../../port.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('timers', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine(); // clock at 2026-03-02T01:00:00.000Z
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);

  function fired(history: HistoryEvent[]): Array<[string, string]> {
    return history.filter((e) => e.event === 'timer-fired').map((e) => [e.elementId, e.at.toISOString()]);
  }


  describe('timer start event', () => {
    it('given a timeDate start event, when the clock reaches the date, then exactly one instance starts then and not a minute before', async () => {
      // given
      const runs: JobContext[] = [];
      engine.registerWorker('run-report', (_v, ctx) => {
        runs.push(ctx);
        return { reported: true };
      });
      await t.deploy('timer-start-date.bpmn');

      // when
      t.clock.set('2026-03-05T08:59:00.000Z');
      await t.idle();
      const runsBefore = runs.length;
      t.clock.set('2026-03-05T09:00:00.000Z');
      await t.idle();
      t.clock.advanceDays(1);
      await t.idle();

      // then
      expect(runsBefore).toBe(0);
      expect(runs).toHaveLength(1);
      expect(runs[0].processId).toBe('timer-start-date');
      const started = await instance(runs[0].processInstanceKey);
      expect(started.state).toBe('completed');
      expect(started.startedAt.toISOString()).toBe('2026-03-05T09:00:00.000Z');
      expect(started.variables).toEqual({ reported: true });
    });

    it('given a R2/PT1H cycle start event, when five hours pass, then two instances start, one hour and two hours after deployment', async () => {
      // given
      const runs: JobContext[] = [];
      engine.registerWorker('run-hourly-check', (_v, ctx) => {
        runs.push(ctx);
        return {};
      });
      await t.deploy('timer-start-cycle.bpmn');

      // when
      t.clock.advance(59 * MINUTE);
      await t.idle();
      const after59min = runs.length;
      t.clock.advance(MINUTE);
      await t.idle();
      const after1h = runs.length;
      t.clock.advance(HOUR);
      await t.idle();
      const after2h = runs.length;
      t.clock.advance(5 * HOUR);
      await t.idle();

      // then
      expect([after59min, after1h, after2h, runs.length]).toEqual([0, 1, 2, 2]);
      const starts = await Promise.all(runs.map((r) => instance(r.processInstanceKey)));
      expect(starts.map((s) => [s.state, s.startedAt.toISOString()])).toEqual([
        ['completed', '2026-03-02T02:00:00.000Z'],
        ['completed', '2026-03-02T03:00:00.000Z'],
      ]);
    });
  });

  describe('interrupting boundary timer', () => {
    it('given a user task with a PT1H boundary timer, when an hour passes, then the timer fires on time, the task is canceled and the deadline path ends the instance', async () => {
      // given
      await t.deploy('timer-boundary.bpmn');
      const ref = await engine.start('timer-boundary', {});
      await t.idle();

      // when
      t.clock.advance(59 * MINUTE);
      await t.idle();
      const tasksBefore = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
      t.clock.advance(MINUTE);
      await t.idle();

      // then
      expect(tasksBefore.map((x) => x.state)).toEqual(['created']);
      const tasks = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
      expect(tasks.map((x) => x.state)).toEqual(['canceled']);
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(fired(history)).toEqual([['Timer_HandlingDeadline', '2026-03-02T02:00:00.000Z']]);
      expect(history.filter((e) => e.elementId === 'Task_HandlePetition').map((e) => e.event)).toEqual(['activated', 'terminated']);
      expect(endsReached(history)).toEqual(['End_DeadlineMissed']);
    });

    it('given a user task with a PT1H boundary timer, when the task is completed in time, then the timer never fires', async () => {
      // given
      await t.deploy('timer-boundary.bpmn');
      const ref = await engine.start('timer-boundary', {});
      await t.idle();
      const [task] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' });

      // when
      t.clock.advance(30 * MINUTE);
      await engine.completeUserTask(task.userTaskKey, { handled: true });
      await t.idle();
      t.clock.advance(2 * HOUR);
      await t.idle();

      // then
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(fired(history)).toEqual([]);
      expect(endsReached(history)).toEqual(['End_Handled']);
      expect((await instance(ref.processInstanceKey)).variables).toEqual({ handled: true });
    });

    it('given a job with a P3D boundary timer and no worker, when three days pass, then the timer fires on time and the job is gone', async () => {
      // given
      await t.deploy('timer-boundary-days.bpmn');
      const ref = await engine.start('timer-boundary-days', {});
      await t.idle();

      // when
      t.clock.advance(3 * DAY - MINUTE);
      await t.idle();
      const jobsBefore = await engine.listJobs({ processInstanceKey: ref.processInstanceKey });
      const stateBefore = (await instance(ref.processInstanceKey)).state;
      t.clock.advance(MINUTE);
      await t.idle();
      let lateCalls = 0;
      engine.registerWorker('fetch-unit-reply', () => {
        lateCalls++;
        return {};
      });
      await t.idle();

      // then
      expect(stateBefore).toBe('active');
      expect(jobsBefore.map((j) => j.elementId)).toEqual(['Task_AwaitUnitReply']);
      expect(await engine.listJobs({ processInstanceKey: ref.processInstanceKey })).toEqual([]);
      expect(lateCalls).toBe(0);
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(fired(history)).toEqual([['Timer_ReplyDeadline', '2026-03-05T01:00:00.000Z']]);
      expect(endsReached(history)).toEqual(['End_ReplyOverdue']);
    });
  });

  describe('non-interrupting boundary timer cycle', () => {
    it('given a user task with a R2/PT1H reminder, when five hours pass, then the reminder runs exactly twice, hourly, and the task stays open', async () => {
      // given
      const reminders: string[] = [];
      engine.registerWorker('send-reminder', () => {
        reminders.push(t.clock.now().toISOString());
        return {};
      });
      await t.deploy('timer-reminder.bpmn');
      const ref = await engine.start('timer-reminder', {});
      await t.idle();

      // when
      for (let hour = 0; hour < 5; hour++) {
        t.clock.advance(HOUR);
        await t.idle();
      }

      // then
      expect(reminders).toEqual(['2026-03-02T02:00:00.000Z', '2026-03-02T03:00:00.000Z']);
      const tasks = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey });
      expect(tasks.map((x) => x.state)).toEqual(['created']);
      expect((await instance(ref.processInstanceKey)).state).toBe('active');
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(fired(history)).toEqual([
        ['Timer_Reminder', '2026-03-02T02:00:00.000Z'],
        ['Timer_Reminder', '2026-03-02T03:00:00.000Z'],
      ]);
      expect(endsReached(history)).toEqual(['End_ReminderSent', 'End_ReminderSent']);

      // when the task is completed
      await engine.completeUserTask(tasks[0].userTaskKey, {});
      await t.idle();

      // then
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
      expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual([
        'End_ReminderSent',
        'End_ReminderSent',
        'End_Handled',
      ]);
    });

    it('given a user task with a reminder cycle, when the task is completed before the first reminder, then no reminder ever runs', async () => {
      // given
      let reminders = 0;
      engine.registerWorker('send-reminder', () => {
        reminders++;
        return {};
      });
      await t.deploy('timer-reminder.bpmn');
      const ref = await engine.start('timer-reminder', {});
      await t.idle();
      const [task] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' });

      // when
      await engine.completeUserTask(task.userTaskKey, {});
      t.clock.advance(3 * HOUR);
      await t.idle();

      // then
      expect(reminders).toBe(0);
      expect(fired(await engine.getHistory(ref.processInstanceKey))).toEqual([]);
    });
  });

  describe('intermediate timer catch event', () => {
    it('given a timeDate taken from a variable 90 days ahead, when the clock moves, then the timer fires exactly at that instant and not a minute before', async () => {
      // given
      await t.deploy('timer-intermediate.bpmn');
      const dueAt = new Date(t.clock.now().getTime() + 90 * DAY).toISOString();
      const ref = await engine.start('timer-intermediate', { dueAt });

      // when
      t.clock.advanceDays(89);
      await t.idle();
      const after89days = (await instance(ref.processInstanceKey)).state;
      t.clock.advance(DAY - MINUTE);
      await t.idle();
      const oneMinuteBefore = (await instance(ref.processInstanceKey)).state;
      const historyBefore = await engine.getHistory(ref.processInstanceKey);
      t.clock.advance(MINUTE);
      await t.idle();

      // then
      expect(dueAt).toBe('2026-05-31T01:00:00.000Z');
      expect([after89days, oneMinuteBefore]).toEqual(['active', 'active']);
      expect(fired(historyBefore)).toEqual([]);
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.endedAt?.toISOString()).toBe(dueAt);
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(fired(history)).toEqual([['Timer_WaitUntilDue', dueAt]]);
      expect(endsReached(history)).toEqual(['End_DueReached']);
    });

    it('given a timeDate that is already past, when the instance starts and the engine idles, then the timer fires at once', async () => {
      // given
      await t.deploy('timer-intermediate.bpmn');

      // when
      const ref = await engine.start('timer-intermediate', { dueAt: '2026-03-01T00:00:00Z' });
      await t.idle();

      // then
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
      expect(fired(await engine.getHistory(ref.processInstanceKey))).toEqual([['Timer_WaitUntilDue', '2026-03-02T01:00:00.000Z']]);
    });

    it('given two instances with different due dates, when the earlier date passes, then only that instance moves on', async () => {
      // given
      await t.deploy('timer-intermediate.bpmn');
      const soon = await engine.start('timer-intermediate', { dueAt: '2026-03-03T01:00:00.000Z' });
      const later = await engine.start('timer-intermediate', { dueAt: '2026-03-10T01:00:00.000Z' });

      // when
      t.clock.advanceDays(2);
      await t.idle();

      // then
      expect((await instance(soon.processInstanceKey)).state).toBe('completed');
      expect((await instance(later.processInstanceKey)).state).toBe('active');
    });
  });
});
