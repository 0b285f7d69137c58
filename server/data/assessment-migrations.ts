/**
 * Migration 1601 (appended to `appMigrations`): the unit assessments of 第二十七条 and the office's
 * 通报 templates.
 *
 * `assessments`: one row per assessment of a period (a month or quarter); a new assessment of the
 * same period is the next `edition` (unique with the period). `running` until its process recorded
 * the results, then `done` and never changed again. `assessment_units`: each unit's figures as the
 * assessment took them (JSON, the shape of regulation/assessment.ts `AssessmentFigures`), its score
 * in hundredths (whole numbers: the same on SQLite and MariaDB), rank and 通报 standing; null score
 * and rank: listed, not ranked. `notice_templates`: the office's words of the 表扬 and 批评 通报 (JSON);
 * no row: the default of regulation/notice-template.ts.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;

export const assessmentMigrations: AppMigration[] = [
  {
    name: '1601-assessments',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('assessments', {
        id: { type: STRING(36), primaryKey: true, allowNull: false },
        period_kind: { type: STRING(8), allowNull: false },
        period_year: { type: INTEGER, allowNull: false },
        period_index: { type: INTEGER, allowNull: false },
        edition: { type: INTEGER, allowNull: false },
        state: { type: STRING(8), allowNull: false },
        process_instance_key: { type: STRING(64), allowNull: true },
        decision_version: { type: INTEGER, allowNull: true },
        requested_by: { type: STRING(64), allowNull: false },
        requested_at: { type: BIGINT, allowNull: false },
        done_at: { type: BIGINT, allowNull: true },
      });
      await qi.addIndex('assessments', ['period_kind', 'period_year', 'period_index', 'edition'], { unique: true, name: 'assessments_period_edition' });
      await qi.addIndex('assessments', ['requested_at'], { name: 'assessments_requested_at' });
      await qi.createTable('assessment_units', {
        assessment_id: { type: STRING(36), primaryKey: true, allowNull: false, references: { model: 'assessments', key: 'id' }, onUpdate: 'RESTRICT', onDelete: 'CASCADE' },
        unit_id: { type: STRING(64), primaryKey: true, allowNull: false },
        unit_name: { type: STRING(200), allowNull: false },
        figures: { type: TEXT, allowNull: false },
        score_hundredths: { type: INTEGER, allowNull: true },
        unit_rank: { type: INTEGER, allowNull: true },
        standing: { type: STRING(16), allowNull: true },
      });
      await qi.createTable('notice_templates', {
        kind: { type: STRING(16), primaryKey: true, allowNull: false },
        template: { type: TEXT, allowNull: false },
        updated_by: { type: STRING(64), allowNull: false },
        updated_at: { type: BIGINT, allowNull: false },
      });
    },
  },
];
