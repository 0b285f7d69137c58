/**
 * Migration 1401-board (appended to `workerMigrations`: it indexes the 第二十六条 tables those
 * create): what the 红黄蓝 board reads at city size.
 * - `delay_explanations`: the unit's explanation of a delay (第二十六条), the latest per case, written
 *   with the message that tells the process (the process keeps it as a variable; the board cannot
 *   read a hundred instances' variables per page).
 * - `work_items_board` and `work_items_board_unit`: the city's and a unit's late tasks with their
 *   colours in deadline order, from the index alone — the counts by unit × colour and a page of one
 *   colour read narrow index entries, never the rows (the queue's wide work_items_counts costs twice
 *   as much per entry on MariaDB).
 * - `inspection_transfers` and `criticisms` by unit, newest first (the board's lists).
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, BIGINT, TEXT } = DataTypes;

export const boardMigration: AppMigration = {
  name: '1401-board',
  async up({ sequelize }) {
    const qi = sequelize.getQueryInterface();
    await qi.createTable('delay_explanations', {
      petition_id: { type: STRING(64), primaryKey: true, allowNull: false },
      unit_id: { type: STRING(64), allowNull: false },
      explanation: { type: TEXT, allowNull: false },
      staff_id: { type: STRING(64), allowNull: false },
      created_at: { type: BIGINT, allowNull: false },
    });
    await qi.addIndex('work_items', ['state', 'is_first', 'due_ms', 'user_task_key', 'unit_id', 'red_ms', 'yellow_ms', 'blue_ms'], { name: 'work_items_board' });
    await qi.addIndex('work_items', ['unit_id', 'state', 'is_first', 'due_ms', 'user_task_key', 'red_ms', 'yellow_ms', 'blue_ms'], { name: 'work_items_board_unit' });
    await qi.addIndex('inspection_transfers', ['unit_id', 'id'], { name: 'inspection_transfers_unit' });
    await qi.addIndex('criticisms', ['unit_id', 'id'], { name: 'criticisms_unit_id' });
  },
};
