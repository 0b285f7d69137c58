/**
 * Migrations 1001-work-queue and 1004-queue-views (in `appMigrations`): the staff work queue (issue 15) as a
 * table the lists are read from, instead of every open task read from the engine and filtered in
 * memory. One row per user task and candidate group (a task offered to two groups has two rows,
 * `is_first` marks one for the city-wide lists), written in the engine's transaction by the
 * user-task projector (server/services/queue-service.ts). It carries what staff filter and sort on —
 * the case's category, channel, township, unit and tracking code, the task's deadline and the case's
 * warning instants, who holds it, its priority — so that each tab, its count and each page is one
 * index range. Times are epoch milliseconds; `due_ms` is NO_DUE for a task without a deadline (it
 * sorts last). Finished tasks stay, as `done`, for 已办.
 * `work_queue_marks` remembers that the open tasks from before this table were brought in (once).
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, BOOLEAN, TEXT } = DataTypes;

export const workQueueMigration: AppMigration = {
  name: '1001-work-queue',
  async up({ sequelize }) {
    const qi = sequelize.getQueryInterface();
    await qi.createTable('work_items', {
      user_task_key: { type: STRING(64), primaryKey: true, allowNull: false },
      grp: { type: STRING(128), primaryKey: true, allowNull: false },
      is_first: { type: BOOLEAN, allowNull: false },
      process_instance_key: { type: STRING(64), allowNull: false },
      process_id: { type: STRING(128), allowNull: false },
      element_id: { type: STRING(128), allowNull: false },
      name: { type: STRING(255), allowNull: false },
      form_id: { type: STRING(128), allowNull: true },
      groups_text: { type: STRING(1000), allowNull: false },
      petition_id: { type: STRING(64), allowNull: true },
      tracking_code: { type: STRING(16), allowNull: true },
      category: { type: STRING(32), allowNull: true },
      channel: { type: STRING(16), allowNull: true },
      township: { type: STRING(16), allowNull: true },
      unit_id: { type: STRING(64), allowNull: true },
      urgent: { type: BOOLEAN, allowNull: false },
      // the case's title and text, for the keyword search (read here, not through a join per row)
      search_text: { type: TEXT, allowNull: false },
      received_ms: { type: BIGINT, allowNull: false },
      created_ms: { type: BIGINT, allowNull: false },
      due_ms: { type: BIGINT, allowNull: false },
      due_label: { type: STRING(32), allowNull: true },
      blue_ms: { type: BIGINT, allowNull: true },
      yellow_ms: { type: BIGINT, allowNull: true },
      red_ms: { type: BIGINT, allowNull: true },
      priority_rank: { type: INTEGER, allowNull: false },
      assignee: { type: STRING(128), allowNull: true },
      assigned_ms: { type: BIGINT, allowNull: true },
      state: { type: STRING(8), allowNull: false },
      completed_by: { type: STRING(128), allowNull: true },
      completed_ms: { type: BIGINT, allowNull: true },
    });
    const ix = (fields: string[], name: string) => qi.addIndex('work_items', fields, { name });
    // a group's queue (a unit's, the platform's) by each sort
    await ix(['grp', 'state', 'due_ms', 'user_task_key'], 'work_items_grp_due');
    await ix(['grp', 'state', 'received_ms', 'user_task_key'], 'work_items_grp_received');
    await ix(['grp', 'state', 'priority_rank', 'due_ms', 'user_task_key'], 'work_items_grp_priority');
    // the city's queue (auditors, leaders, the platform's 全市)
    await ix(['state', 'due_ms', 'user_task_key'], 'work_items_due');
    await ix(['state', 'received_ms', 'user_task_key'], 'work_items_received');
    await ix(['state', 'priority_rank', 'due_ms', 'user_task_key'], 'work_items_priority');
    // 我的待办 and 已办
    await ix(['assignee', 'state', 'due_ms', 'user_task_key'], 'work_items_assignee');
    await ix(['completed_by', 'state', 'completed_ms', 'user_task_key'], 'work_items_done');
    // the tab counts read from the index alone: a group's, and the city's with every filter column
    await ix(['grp', 'state', 'due_ms', 'red_ms', 'yellow_ms', 'blue_ms', 'assignee'], 'work_items_grp_counts');
    await ix(['state', 'is_first', 'due_ms', 'red_ms', 'yellow_ms', 'blue_ms', 'assignee', 'category', 'channel', 'township', 'element_id', 'unit_id'], 'work_items_counts');
    // a case's tasks; a tracking code typed into the search box
    await ix(['petition_id', 'state'], 'work_items_petition');
    await ix(['tracking_code'], 'work_items_tracking');
    // the text of each open task once, narrow: a word search over the whole city reads this, not the wide rows
    await qi.createTable('work_item_texts', {
      user_task_key: { type: STRING(64), primaryKey: true, allowNull: false },
      search_text: { type: TEXT, allowNull: false },
    });
    await qi.createTable('work_queue_marks', {
      name: { type: STRING(64), primaryKey: true, allowNull: false },
      at: { type: BIGINT, allowNull: false },
    });
  },
};

export const queueViewsMigration: AppMigration = {
  // a person's saved views of the work queue: a name for a list link (as case_views, 1003)
  name: '1004-queue-views',
  async up({ sequelize }) {
    const qi = sequelize.getQueryInterface();
    await qi.createTable('queue_views', {
      id: { type: INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      staff_id: { type: STRING(64), allowNull: false },
      name: { type: STRING(100), allowNull: false },
      query: { type: STRING(1000), allowNull: false },
      created_at: { type: BIGINT, allowNull: false },
    });
    await qi.addIndex('queue_views', ['staff_id', 'name'], { unique: true, name: 'queue_views_staff_name' });
  },
};
