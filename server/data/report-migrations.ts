/**
 * Migration 1301-reports (in `appMigrations`): the issued 月报 and 季报 (第二十五条), archived as
 * issued. One row per edition of a period; an edition never changes (a re-issue is edition n + 1).
 * `figures` is the ReportFigures JSON as the report showed it (LONGTEXT on MySQL: a city's tables
 * outgrow TEXT's 64 KB). `schedule_key` is set only on the edition the schedule issued
 * (`month:2026:9`), unique, so a retried job makes no second one; NULLs do not collide on either
 * dialect. Times are epoch milliseconds.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;

export const reportMigration: AppMigration = {
  name: '1301-reports',
  async up({ sequelize }) {
    const qi = sequelize.getQueryInterface();
    await qi.createTable('reports', {
      id: { type: INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
      kind: { type: STRING(8), allowNull: false },
      year: { type: INTEGER, allowNull: false },
      // `index` is a reserved word in MySQL
      period_index: { type: INTEGER, allowNull: false },
      edition: { type: INTEGER, allowNull: false },
      label: { type: STRING(32), allowNull: false },
      period_from: { type: STRING(10), allowNull: false },
      period_to: { type: STRING(10), allowNull: false },
      figures: { type: sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('long'), allowNull: false },
      issued_at: { type: BIGINT, allowNull: false },
      // a staff id, or `schedule`
      issued_by: { type: STRING(128), allowNull: false },
      origin: { type: STRING(16), allowNull: false },
      process_instance_key: { type: STRING(64), allowNull: true },
      schedule_key: { type: STRING(32), allowNull: true },
    });
    await qi.addIndex('reports', ['kind', 'year', 'period_index', 'edition'], { unique: true, name: 'reports_period_edition' });
    await qi.addIndex('reports', ['schedule_key'], { unique: true, name: 'reports_schedule_key' });
  },
};
