/**
 * Migration 0402-sessions (appended to `appMigrations`): staff sign-in sessions kept in the database,
 * so that a restart or a second app process keeps everyone signed in. Only the SHA-256 of the
 * session cookie is stored: a copy of the table signs nobody in.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, BIGINT } = DataTypes;

export const sessionMigrations: AppMigration[] = [
  {
    name: '0402-sessions',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('sessions', {
        id_hash: { type: STRING(64), primaryKey: true, allowNull: false },
        staff_id: { type: STRING(64), allowNull: false, references: { model: 'staff', key: 'id' }, onUpdate: 'RESTRICT', onDelete: 'CASCADE' },
        created_at: { type: BIGINT, allowNull: false },
        last_seen_at: { type: BIGINT, allowNull: false },
        expires_at: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('sessions', ['staff_id'], { name: 'sessions_staff' });
      await qi.addIndex('sessions', ['expires_at'], { name: 'sessions_expires' });
    },
  },
];
