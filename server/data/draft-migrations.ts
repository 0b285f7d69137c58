/**
 * Migration 0502-process-drafts (appended to `appMigrations`): the modeler's drafts, one per process
 * admin and process — a diagram being edited and not yet deployed, with the version it started from.
 * Migration 1101-decision-drafts: the decision editor's, one per process admin and decision table.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, BIGINT, INTEGER, TEXT } = DataTypes;

export const draftMigrations: AppMigration[] = [
  {
    name: '0502-process-drafts',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      // up to the deploy gate's 2 MB (MariaDB's TEXT holds 64 KB; SQLite's TEXT takes no length)
      const longText = sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('long');
      await qi.createTable('process_drafts', {
        staff_id: { type: STRING(64), primaryKey: true, allowNull: false, references: { model: 'staff', key: 'id' }, onUpdate: 'RESTRICT', onDelete: 'CASCADE' },
        process_id: { type: STRING(191), primaryKey: true, allowNull: false },
        base_version: { type: INTEGER, allowNull: true },
        xml: { type: longText, allowNull: false },
        saved_at: { type: BIGINT, allowNull: false },
      });
    },
  },
];

export const decisionDraftMigration: AppMigration = {
  name: '1101-decision-drafts',
  async up({ sequelize }) {
    const qi = sequelize.getQueryInterface();
    const longText = sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('long');
    await qi.createTable('decision_drafts', {
      staff_id: { type: STRING(64), primaryKey: true, allowNull: false, references: { model: 'staff', key: 'id' }, onUpdate: 'RESTRICT', onDelete: 'CASCADE' },
      decision_id: { type: STRING(191), primaryKey: true, allowNull: false },
      base_version: { type: INTEGER, allowNull: true },
      xml: { type: longText, allowNull: false },
      saved_at: { type: BIGINT, allowNull: false },
    });
  },
};
