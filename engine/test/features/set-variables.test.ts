import { describe, it, expect, beforeEach, afterEach } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createTestEngine, type TestEngine } from '../harness.js';
import { ConflictError } from '../../errors.js';

/** an operator's variable edit (issue 18): the change and the app's record of it commit together, or neither does */
describe('setVariables with the app\'s writes', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = await createTestEngine();
    await t.deploy('user-task.bpmn');
    await t.db.sequelize.query('CREATE TABLE app_notes (note VARCHAR(100))');
  });
  afterEach(() => t.close());

  const notes = async () => (await t.db.sequelize.query<{ note: string }>('SELECT note FROM app_notes', { type: QueryTypes.SELECT })).map((r) => r.note);
  const insert = async (tx: unknown, note: string) => {
    await t.db.sequelize.query('INSERT INTO app_notes (note) VALUES (?)', { replacements: [note], transaction: tx as never });
  };

  it('given an edit with the app\'s record, when it commits, then both are there; when the record fails, then neither is', async () => {
    const { processInstanceKey: key } = await t.engine.start('user-task', { amount: 1 });

    await t.engine.setVariables(key, { amount: 2 }, { transactional: (tx) => insert(tx, 'amount 1 → 2') });
    await expect(t.engine.setVariables(key, { amount: 3 }, { transactional: async () => Promise.reject(new Error('audit refused')) })).rejects.toThrow('audit refused');

    expect((await t.engine.getProcessInstance(key))?.variables.amount).toBe(2);
    expect(await notes()).toEqual(['amount 1 → 2']);
    expect((await t.engine.getHistory(key)).filter((e) => e.event === 'variables-updated')).toHaveLength(1);
  });

  it('given an ended instance, when variables are set, then it is refused and the app\'s record is not written', async () => {
    const { processInstanceKey: key } = await t.engine.start('user-task', {});
    await t.engine.cancel(key);
    await expect(t.engine.setVariables(key, { amount: 5 }, { transactional: (tx) => insert(tx, 'never') })).rejects.toBeInstanceOf(ConflictError);
    expect(await notes()).toEqual([]);
  });
});
