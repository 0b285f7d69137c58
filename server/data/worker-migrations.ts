/**
 * The tables the job workers write (migrations 0201…, run after the engine's and the app's:
 * `createDatabase({ url, migrations: [...appMigrations, ...workerMigrations] })`). Same conventions
 * as the engine: times are epoch milliseconds (BIGINT); every table a retried job writes has the
 * unique key that makes the write idempotent.
 *
 * - `outbox`: notifications to send (ARCHITECTURE "Data"); `recipient_ref` is a petition id, a unit
 *   id or an office name, never an address; `payload` is JSON without personal data.
 * - `score_ledger`: 第二十六条 deductions, in tenths of a point, once per level per deadline.
 * - `publications`: published replies, masked (第二十条、第二十一条).
 * - `inspection_transfers` and `criticisms`: ≥ 7 working days overdue without explanation →
 *   市政府督查室 and one 通报批评 (第二十六条); `criticisms.deadline_seq` is set for those (null for a
 *   criticism from elsewhere, e.g. the 第二十七条 assessment).
 * - 0205: `outbox.petition_id` (the payload's petitionId, filled for the rows already there) so the
 *   inspector shows a case's notifications and what became of each; the state `logged` (handed to
 *   the logging channel, sent to nobody) needs no schema change — rows marked `sent` before it by
 *   the logging channel cannot be told apart and stay as they are.
 */
import { ledgerReportMigration } from './case-facts-migrations.js';
import { DataTypes, QueryTypes, type Sequelize } from 'sequelize';
import { boardMigration } from './board-migrations.js';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;

const id = { type: INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
const ref = (allowNull = false) => ({ type: STRING(64), allowNull });
const ms = (allowNull = false) => ({ type: BIGINT, allowNull });

export interface WorkerMigration {
  name: string;
  up: (ctx: { sequelize: Sequelize }) => Promise<void>;
}

export const workerMigrations: WorkerMigration[] = [
  {
    name: '0201-outbox',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('outbox', {
        id,
        channel: { type: STRING(16), allowNull: false },
        recipient_kind: { type: STRING(32), allowNull: false },
        recipient_ref: { type: STRING(128), allowNull: false },
        template: { type: STRING(64), allowNull: false },
        payload: { type: TEXT, allowNull: false },
        dedupe_key: { type: STRING(191), allowNull: false },
        state: { type: STRING(16), allowNull: false },
        attempts: { type: INTEGER, allowNull: false, defaultValue: 0 },
        created_at: ms(),
        sent_at: ms(true),
        last_error: { type: TEXT, allowNull: true },
      });
      await qi.addIndex('outbox', ['dedupe_key'], { unique: true, name: 'outbox_dedupe_key' });
      await qi.addIndex('outbox', ['state', 'id'], { name: 'outbox_state' });
    },
  },
  {
    name: '0202-score-ledger',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('score_ledger', {
        id,
        unit_id: ref(),
        petition_id: ref(),
        deadline_seq: { type: INTEGER, allowNull: false },
        level: { type: STRING(16), allowNull: false },
        points: { type: INTEGER, allowNull: false },
        reason: { type: STRING(500), allowNull: false },
        created_at: ms(),
      });
      await qi.addIndex('score_ledger', ['petition_id', 'deadline_seq', 'level'], { unique: true, name: 'score_ledger_once' });
      await qi.addIndex('score_ledger', ['unit_id', 'created_at'], { name: 'score_ledger_unit' });
    },
  },
  {
    name: '0203-publications',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('publications', {
        petition_id: { type: STRING(64), primaryKey: true, allowNull: false },
        title: { type: STRING(500), allowNull: false },
        masked_text: { type: sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('medium'), allowNull: false },
        published_at: ms(),
      });
      await qi.addIndex('publications', ['published_at'], { name: 'publications_published' });
    },
  },
  {
    name: '0204-inspection-transfers-criticisms',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('inspection_transfers', {
        id,
        petition_id: ref(),
        deadline_seq: { type: INTEGER, allowNull: false },
        unit_id: ref(),
        created_at: ms(),
      });
      await qi.addIndex('inspection_transfers', ['petition_id', 'deadline_seq'], { unique: true, name: 'inspection_transfers_once' });
      await qi.createTable('criticisms', {
        id,
        unit_id: ref(),
        petition_id: ref(true),
        deadline_seq: { type: INTEGER, allowNull: true },
        reason: { type: STRING(500), allowNull: false },
        created_at: ms(),
      });
      await qi.addIndex('criticisms', ['unit_id', 'created_at'], { name: 'criticisms_unit' });
    },
  },
  {
    name: '0205-outbox-petition',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.addColumn('outbox', 'petition_id', ref(true));
      await qi.addIndex('outbox', ['petition_id', 'id'], { name: 'outbox_petition' });
      // the rows already there, from their payload, in batches
      for (let after = 0; ; ) {
        const rows = (await sequelize.query('SELECT id, payload FROM outbox WHERE id > ? ORDER BY id LIMIT 500', { replacements: [after], type: QueryTypes.SELECT })) as { id: number | string; payload: string }[];
        if (!rows.length) break;
        for (const r of rows) {
          let petitionId: unknown;
          try {
            petitionId = (JSON.parse(r.payload) as { petitionId?: unknown }).petitionId;
          } catch {
            petitionId = undefined;
          }
          if (typeof petitionId === 'string' && petitionId.length <= 64) await sequelize.query('UPDATE outbox SET petition_id = ? WHERE id = ?', { replacements: [petitionId, r.id] });
        }
        after = Number(rows[rows.length - 1].id);
      }
    },
  },
  // the reports' index ranges over the ledger (第二十五条)
  ledgerReportMigration,
  // the 红黄蓝 board (issue 16): delay explanations, a unit's late tasks, transfers and criticisms by unit
  boardMigration,
];
