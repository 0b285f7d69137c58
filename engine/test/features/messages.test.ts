import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { createTestEngine, instanceOf, endsReached, type TestEngine } from '../harness.js';
import { ConflictError } from '../../errors.js';
import type { EnginePort, UserTaskEvent } from '../../port.js';
import { createEmbeddedEngine } from '../../embedded/index.js';

describe('messages', () => {
  let t: TestEngine;
  let engine: EnginePort;

  beforeEach(async () => {
    t = await createTestEngine();
    engine = t.engine;
  });
  afterEach(() => t.close());

  const instance = (key: string) => instanceOf(engine, key);


  describe('intermediate message catch event', () => {
    it('given an instance waiting for a payment, when a message with its correlation key is published, then it correlates, its variables are merged and the instance ends', async () => {
      // given
      await t.deploy('message-catch.bpmn');
      const ref = await engine.start('message-catch', { orderId: 'O-1' });
      await t.idle();

      // when
      const result = await engine.publishMessage({
        name: 'payment-received',
        correlationKey: 'O-1',
        variables: { amount: 250, paidBy: 'wechat' },
      });
      await t.idle();

      // then
      expect(result.correlatedInstanceKeys).toEqual([ref.processInstanceKey]);
      expect(typeof result.messageKey).toBe('string');
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ orderId: 'O-1', amount: 250, paidBy: 'wechat' });
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(history.filter((e) => e.event === 'message-correlated').map((e) => [e.elementId, e.elementType])).toEqual([
        ['Event_PaymentReceived', 'bpmn:IntermediateCatchEvent'],
      ]);
    });

    it("given the app's writes with a publication (transactional), when they succeed, then they commit with the correlation; when they fail, the message is not correlated and the instance still waits", async () => {
      await t.deploy('message-catch.bpmn');
      const ref = await engine.start('message-catch', { orderId: 'O-1' });
      await t.idle();
      await t.db.sequelize.query('CREATE TABLE message_writes (k VARCHAR(64) PRIMARY KEY, n INTEGER NOT NULL)');
      const write = (k: string, n: number) => async (tx: unknown) => void (await t.db.sequelize.query('INSERT INTO message_writes (k, n) VALUES (?, ?)', { replacements: [k, n], transaction: tx as never }));

      // a failing write: neither the row nor the correlation
      await expect(
        engine.publishMessage({ name: 'payment-received', correlationKey: 'O-1', variables: { amount: 1 }, transactional: async (tx, result) => { await write('failed', result.correlatedInstanceKeys.length)(tx); throw new Error('the audit could not be written'); } }),
      ).rejects.toThrow(/audit could not be written/);
      await t.idle();
      expect((await instance(ref.processInstanceKey)).state).toBe('active');

      // the write sees what was correlated and commits with it
      const result = await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-1', variables: { amount: 250 }, transactional: (tx, r) => write('ok', r.correlatedInstanceKeys.length)(tx) });
      await t.idle();
      expect(result.correlatedInstanceKeys).toEqual([ref.processInstanceKey]);
      expect((await instance(ref.processInstanceKey)).state).toBe('completed');
      const [rows] = await t.db.sequelize.query('SELECT k, n FROM message_writes ORDER BY k');
      expect((rows as { k: string; n: number | string }[]).map((r) => [r.k, Number(r.n)])).toEqual([['ok', 1]]);
      await expect(engine.publishMessage({ name: 'payment-received', correlationKey: 'O-1', transactional: 'later' as never })).rejects.toThrow(/transactional must be a function/);
    });

    it('given an instance waiting for a payment, when a message with another correlation key or another name is published, then nothing correlates', async () => {
      // given
      await t.deploy('message-catch.bpmn');
      const ref = await engine.start('message-catch', { orderId: 'O-1' });
      await t.idle();

      // when
      const otherKey = await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-2' });
      const otherName = await engine.publishMessage({ name: 'payment-refused', correlationKey: 'O-1' });
      await t.idle();

      // then
      expect(otherKey.correlatedInstanceKeys).toEqual([]);
      expect(otherName.correlatedInstanceKeys).toEqual([]);
      expect((await instance(ref.processInstanceKey)).state).toBe('active');
    });

    it('given two instances waiting with different keys, when one key is published, then only that instance moves on', async () => {
      // given
      await t.deploy('message-catch.bpmn');
      const a = await engine.start('message-catch', { orderId: 'A' });
      const b = await engine.start('message-catch', { orderId: 'B' });
      await t.idle();

      // when
      const result = await engine.publishMessage({ name: 'payment-received', correlationKey: 'B', variables: { amount: 1 } });
      await t.idle();

      // then
      expect(result.correlatedInstanceKeys).toEqual([b.processInstanceKey]);
      expect((await instance(a.processInstanceKey)).state).toBe('active');
      expect((await instance(b.processInstanceKey)).state).toBe('completed');
      expect((await instance(a.processInstanceKey)).variables).toEqual({ orderId: 'A' });
    });

    it('given two instances of one process waiting with the same key, when one message is published, then it correlates to only one of them', async () => {
      // given
      await t.deploy('message-catch.bpmn');
      const a = await engine.start('message-catch', { orderId: 'SAME' });
      const b = await engine.start('message-catch', { orderId: 'SAME' });
      await t.idle();

      // when
      const first = await engine.publishMessage({ name: 'payment-received', correlationKey: 'SAME', variables: { n: 1 } });
      await t.idle();
      const states = [(await instance(a.processInstanceKey)).state, (await instance(b.processInstanceKey)).state];
      const second = await engine.publishMessage({ name: 'payment-received', correlationKey: 'SAME', variables: { n: 2 } });
      await t.idle();

      // then
      expect(first.correlatedInstanceKeys).toHaveLength(1);
      expect(states.sort()).toEqual(['active', 'completed']);
      expect(second.correlatedInstanceKeys).toHaveLength(1);
      expect(second.correlatedInstanceKeys[0]).not.toBe(first.correlatedInstanceKeys[0]);
      expect((await instance(first.correlatedInstanceKeys[0])).variables.n).toBe(1);
      expect((await instance(second.correlatedInstanceKeys[0])).variables.n).toBe(2);
    });
  });

  describe('buffering (timeToLive)', () => {
    it('given no subscription, when a message is published with a TTL, then it is buffered and correlates to an instance that subscribes before the TTL ends', async () => {
      // given
      await t.deploy('message-catch.bpmn');
      const published = await engine.publishMessage({
        name: 'payment-received',
        correlationKey: 'O-7',
        variables: { amount: 99 },
        timeToLive: 60_000,
      });

      // when
      t.clock.advance(59_000);
      await t.idle();
      const ref = await engine.start('message-catch', { orderId: 'O-7' });
      await t.idle();

      // then
      expect(published).toMatchObject({ buffered: true, correlatedInstanceKeys: [] });
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ orderId: 'O-7', amount: 99 });
    });

    it('given a buffered message, when its TTL runs out before anyone subscribes, then it is dropped and a later subscription does not get it', async () => {
      // given
      await t.deploy('message-catch.bpmn');
      await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-8', timeToLive: 60_000 });

      // when
      t.clock.advance(61_000);
      await t.idle();
      const ref = await engine.start('message-catch', { orderId: 'O-8' });
      await t.idle();

      // then
      expect((await instance(ref.processInstanceKey)).state).toBe('active');
      expect((await engine.getHistory(ref.processInstanceKey)).some((e) => e.event === 'message-correlated')).toBe(false);
    });

    it('given a buffered message, when the same messageId is published again, then a ConflictError is raised; after it expires the id can be used again', async () => {
      // given
      await t.deploy('message-catch.bpmn');
      const message = { name: 'payment-received', correlationKey: 'O-9', messageId: 'payment-O-9', timeToLive: 60_000 };
      await engine.publishMessage(message);

      // when
      const again = engine.publishMessage({ ...message, variables: { amount: 2 } });

      // then
      await expect(again).rejects.toBeInstanceOf(ConflictError);
      await expect(engine.publishMessage(message)).rejects.toMatchObject({ status: 409 });

      // when it has expired
      t.clock.advance(61_000);
      await t.idle();
      const reused = await engine.publishMessage({ ...message, variables: { amount: 3 } });
      const ref = await engine.start('message-catch', { orderId: 'O-9' });
      await t.idle();

      // then
      expect(reused.buffered).toBe(true);
      expect((await instance(ref.processInstanceKey)).variables).toEqual({ orderId: 'O-9', amount: 3 });
    });

    it('given nobody waiting, when a message is published with TTL 0, then it is dropped', async () => {
      // given
      await t.deploy('message-catch.bpmn');

      // when
      const published = await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-10', timeToLive: 0 });
      const ref = await engine.start('message-catch', { orderId: 'O-10' });
      await t.idle();

      // then
      expect(published).toMatchObject({ buffered: false, correlatedInstanceKeys: [] });
      expect((await instance(ref.processInstanceKey)).state).toBe('active');
    });

    it('given a buffered message, when two instances of the process subscribe with its key, then only the first gets it', async () => {
      // given
      await t.deploy('message-catch.bpmn');
      await engine.publishMessage({ name: 'payment-received', correlationKey: 'O-11', timeToLive: 3_600_000 });

      // when
      const first = await engine.start('message-catch', { orderId: 'O-11' });
      await t.idle();
      const second = await engine.start('message-catch', { orderId: 'O-11' });
      await t.idle();

      // then
      expect((await instance(first.processInstanceKey)).state).toBe('completed');
      expect((await instance(second.processInstanceKey)).state).toBe('active');
    });
  });

  describe('interrupting message boundary event', () => {
    it('given a petition in review, when a withdrawal message arrives, then the review task is canceled, the message variables are merged and the withdrawal path ends the instance', async () => {
      // given
      const events: UserTaskEvent[] = [];
      engine.onUserTask((e) => {
        events.push(e);
      });
      await t.deploy('message-boundary.bpmn');
      const ref = await engine.start('message-boundary', { petitionId: 'P-3' });
      await t.idle();

      // when
      const result = await engine.publishMessage({
        name: 'petition-withdrawn',
        correlationKey: 'P-3',
        variables: { withdrawReason: 'solved privately' },
      });
      await t.idle();

      // then
      expect(result.correlatedInstanceKeys).toEqual([ref.processInstanceKey]);
      expect(events.map((e) => e.type)).toEqual(['created', 'canceled']);
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ petitionId: 'P-3', withdrawReason: 'solved privately' });
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(history.filter((e) => e.elementId === 'Task_ReviewPetition').map((e) => e.event)).toEqual(['activated', 'terminated']);
      expect(endsReached(history)).toEqual(['End_Withdrawn']);
    });

    it('given the review task was completed, when a withdrawal message arrives later, then it no longer correlates', async () => {
      // given
      await t.deploy('message-boundary.bpmn');
      const ref = await engine.start('message-boundary', { petitionId: 'P-4' });
      await t.idle();
      const [task] = await engine.listUserTasks({ processInstanceKey: ref.processInstanceKey, state: 'created' });
      await engine.completeUserTask(task.userTaskKey, {});
      await t.idle();

      // when
      const result = await engine.publishMessage({ name: 'petition-withdrawn', correlationKey: 'P-4' });

      // then
      expect(result.correlatedInstanceKeys).toEqual([]);
      expect(endsReached(await engine.getHistory(ref.processInstanceKey))).toEqual(['End_Reviewed']);
    });
  });

  describe('receive task', () => {
    it('given an instance at a receive task, when the message arrives, then the task completes with the message variables', async () => {
      // given
      await t.deploy('message-receive-task.bpmn');
      const ref = await engine.start('message-receive-task', { caseId: 'C-5' });
      await t.idle();

      // when
      const result = await engine.publishMessage({ name: 'receipt-confirmed', correlationKey: 'C-5', variables: { signedBy: 'Liu' } });
      await t.idle();

      // then
      expect(result.correlatedInstanceKeys).toEqual([ref.processInstanceKey]);
      const done = await instance(ref.processInstanceKey);
      expect(done.state).toBe('completed');
      expect(done.variables).toEqual({ caseId: 'C-5', signedBy: 'Liu' });
      const history = await engine.getHistory(ref.processInstanceKey);
      expect(history.filter((e) => e.elementId === 'Task_AwaitReceipt').map((e) => [e.elementType, e.event])).toEqual([
        ['bpmn:ReceiveTask', 'activated'],
        ['bpmn:ReceiveTask', 'message-correlated'],
        ['bpmn:ReceiveTask', 'completed'],
      ]);
    });
  });

  describe('message start event', () => {
    it('given a process with a message start event, when the message is published, then a new instance starts with the message variables', async () => {
      // given
      await t.deploy('message-start.bpmn');

      // when
      const result = await engine.publishMessage({
        name: 'petition-submitted',
        correlationKey: '',
        variables: { title: 'Street light broken' },
      });
      await t.idle();

      // then
      expect(result.correlatedInstanceKeys).toHaveLength(1);
      const started = await instance(result.correlatedInstanceKeys[0]);
      expect(started).toMatchObject({ processId: 'message-start', version: 1, state: 'active' });
      expect(started.variables).toEqual({ title: 'Street light broken' });
      const tasks = await engine.listUserTasks({ processInstanceKey: started.processInstanceKey });
      expect(tasks.map((x) => [x.elementId, x.state])).toEqual([['Task_ReviewSubmission', 'created']]);
    });

    it('given an engine that already published messages, when another process deploys a process with a message start event, then its next publication starts an instance', async () => {
      // given: a second engine on the same database (another app process), trusting its caches for no time
      const other = createEmbeddedEngine({ db: t.db, clock: t.clock, background: false, definitionCacheMs: 0 });
      await other.open();
      await other.publishMessage({ name: 'petition-submitted', correlationKey: '' });

      // when
      await t.deploy('message-start.bpmn');
      const result = await other.publishMessage({ name: 'petition-submitted', correlationKey: '', variables: { title: 'x' } });
      await other.close();

      // then
      expect(result.correlatedInstanceKeys).toHaveLength(1);
      expect((await instance(result.correlatedInstanceKeys[0])).processId).toBe('message-start');
    });

    it('given a process with a message start event, when the message is published twice, then two separate instances start', async () => {
      // given
      await t.deploy('message-start.bpmn');

      // when
      const one = await engine.publishMessage({ name: 'petition-submitted', correlationKey: '', variables: { n: 1 } });
      const two = await engine.publishMessage({ name: 'petition-submitted', correlationKey: '', variables: { n: 2 } });
      await t.idle();

      // then
      expect(one.correlatedInstanceKeys).toHaveLength(1);
      expect(two.correlatedInstanceKeys).toHaveLength(1);
      expect(one.correlatedInstanceKeys[0]).not.toBe(two.correlatedInstanceKeys[0]);
      expect((await instance(two.correlatedInstanceKeys[0])).variables).toEqual({ n: 2 });
    });
  });
});
