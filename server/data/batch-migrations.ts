/**
 * Migrations 1811–1819 (issue 18, batch operations): a batch over the inspector's filter and its
 * items. The filter is resolved once, when the batch is made: its items are listed then, so a
 * restart works the same instances and never selects again. Times are epoch milliseconds.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;

export const batchMigrations: AppMigration[] = [
  {
    name: '1811-operation-batches',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('operation_batches', {
        id: { type: STRING(64), primaryKey: true, allowNull: false },
        kind: { type: STRING(32), allowNull: false },
        params: { type: TEXT, allowNull: false },
        filter: { type: TEXT, allowNull: false },
        reason: { type: STRING(500), allowNull: false },
        created_by: { type: STRING(128), allowNull: false },
        created_at: { type: BIGINT, allowNull: false },
        // running | paused | done | canceled
        state: { type: STRING(16), allowNull: false },
        total: { type: INTEGER, allowNull: false },
        updated_at: { type: BIGINT, allowNull: false },
        ended_at: { type: BIGINT, allowNull: true },
      });
      await qi.addIndex('operation_batches', ['state', 'created_at'], { name: 'operation_batches_state' });
      await qi.addIndex('operation_batches', ['created_at', 'id'], { name: 'operation_batches_created' });
      await qi.createTable('operation_batch_items', {
        batch_id: { type: STRING(64), primaryKey: true, allowNull: false },
        process_instance_key: { type: STRING(191), primaryKey: true, allowNull: false },
        // the order the filter listed them in: pages are taken in it
        seq: { type: INTEGER, allowNull: false },
        // pending | done | failed | skipped
        state: { type: STRING(16), allowNull: false },
        result: { type: TEXT, allowNull: true },
        error: { type: STRING(1000), allowNull: true },
        done_at: { type: BIGINT, allowNull: true },
      });
      await qi.addIndex('operation_batch_items', ['batch_id', 'state', 'seq'], { name: 'operation_batch_items_state' });
      await qi.addIndex('operation_batch_items', ['batch_id', 'seq'], { name: 'operation_batch_items_seq' });
    },
  },
];
