/**
 * Migrations 1201–1202 (in `appMigrations`): the case-facts projection the 月报/季报 (第二十五条) and the
 * 恶意/虚假 mark (第二十七条 附则) read, instead of the petitions, the audit log and the engine.
 *
 * `case_facts`: one narrow row per petition, written in the transaction of each event that changes it
 * (server/data/case-facts-repository.ts). Its primary key leads with the received instant, so that a
 * period's cases are one contiguous range (MariaDB clusters rows by it: a month of a million-row
 * table is read without a lookup per row); `petition_id` is unique, for the events' updates. Times are
 * epoch milliseconds; null: not (yet) so. `on_time` is 1/0 with `closed_ms` (按期办结: the first reply
 * at or before the deadline in force then, `due_ms`).
 *
 * `case_fact_supervisions`: each 督办 once (its 选择督办方式 task), with its 第二十三条 item, by time.
 * 1202 (in `workerMigrations`, beside the ledger's tables): the period's deductions, transfers and
 * criticisms of every unit as one index range each.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT } = DataTypes;

export const caseFactsMigrations: AppMigration[] = [
  {
    name: '1201-case-facts',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      const ms = (allowNull = true) => ({ type: BIGINT, allowNull });
      const columns = {
        received_ms: { type: BIGINT, primaryKey: true, allowNull: false },
        petition_id: { type: STRING(64), primaryKey: true, allowNull: false },
        channel: { type: STRING(16), allowNull: false },
        category: { type: STRING(32), allowNull: false },
        // '' when none was given (a GROUP BY key, not null)
        township: { type: STRING(16), allowNull: false },
        unit_id: { type: STRING(64), allowNull: true },
        accepted_ms: ms(),
        rejected_ms: ms(),
        closed_ms: ms(),
        due_ms: ms(),
        on_time: { type: INTEGER, allowNull: true },
        first_rating: { type: STRING(24), allowNull: true },
        first_rated_ms: ms(),
        rating: { type: STRING(24), allowNull: true },
        rated_ms: ms(),
        redo_count: { type: INTEGER, allowNull: false, defaultValue: 0 },
        redo_ms: ms(),
        supervision_count: { type: INTEGER, allowNull: false, defaultValue: 0 },
        supervision_items: { type: STRING(32), allowNull: false, defaultValue: '' },
        merged_ms: ms(),
        // 第二十七条 附则: 'malicious' | 'false', its time, reason and basis (the reviewer's words, no identity)
        invalid_kind: { type: STRING(16), allowNull: true },
        invalid_ms: ms(),
        invalid_reason: { type: STRING(200), allowNull: true },
        invalid_basis: { type: STRING(200), allowNull: true },
        invalid_by: { type: STRING(128), allowNull: true },
        // `1:<status>` when the mark canceled the running process, `0:<status>` when it had ended: what 撤销认定 restores
        invalid_prev: { type: STRING(40), allowNull: true },
      };
      if (sequelize.getDialect() === 'sqlite') {
        // clustered by the primary key as InnoDB is (SQLite's rowid tables are not): a period is one contiguous range
        const ddl = Object.entries(columns).map(([name, c]) => {
          const t = c.type as unknown as { key: string; options?: { length?: number } };
          const type = t.key === 'STRING' ? `VARCHAR(${t.options?.length ?? 255})` : 'INTEGER';
          const dflt = 'defaultValue' in c ? ` DEFAULT ${typeof c.defaultValue === 'string' ? `'${c.defaultValue}'` : c.defaultValue}` : '';
          return `${name} ${type}${c.allowNull ? '' : ' NOT NULL'}${dflt}`;
        });
        await sequelize.query(`CREATE TABLE case_facts (${ddl.join(', ')}, PRIMARY KEY (received_ms, petition_id)) WITHOUT ROWID`);
      } else await qi.createTable('case_facts', columns);
      await qi.addIndex('case_facts', ['petition_id'], { unique: true, name: 'case_facts_petition' });
      // the repeated sender's count (a phone's marked cases in 12 months) and the reconciler's cancels
      await qi.addIndex('case_facts', ['invalid_ms'], { name: 'case_facts_invalid' });
      await qi.createTable('case_fact_supervisions', {
        user_task_key: { type: STRING(64), primaryKey: true, allowNull: false },
        petition_id: { type: STRING(64), allowNull: false },
        item: { type: STRING(8), allowNull: false },
        started_ms: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('case_fact_supervisions', ['started_ms'], { name: 'case_fact_supervisions_at' });
      await qi.addIndex('case_fact_supervisions', ['petition_id'], { name: 'case_fact_supervisions_petition' });
      await qi.createTable('case_facts_marks', {
        name: { type: STRING(64), primaryKey: true, allowNull: false },
        at: { type: BIGINT, allowNull: false },
      });
    },
  },
];

/** in `workerMigrations` (the ledger is the workers' table): the period's records of every unit as one index range */
export const ledgerReportMigration: AppMigration = {
  name: '1202-score-ledger-report-index',
  async up({ sequelize }) {
    const qi = sequelize.getQueryInterface();
    await qi.addIndex('score_ledger', ['created_at'], { name: 'score_ledger_report_at' });
    await qi.addIndex('criticisms', ['created_at'], { name: 'criticisms_report_at' });
    await qi.addIndex('inspection_transfers', ['created_at'], { name: 'inspection_transfers_report_at' });
  },
};
