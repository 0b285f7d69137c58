/**
 * Migration 0801-portal-guards (appended to `appMigrations`): what the portal's guards count, kept
 * in the database so that every app process shares it (issue 13) — a rate limit counted per process
 * would allow N times the limit behind N processes, and a challenge answer refused as a replay in
 * one process would be accepted by the next.
 * - `rate_limit_hits`: one row per limiter and client (`client_key`), its hits in the current window and
 *   when that window ends;
 * - `challenge_uses`: the signature of every challenge token answered, until the token expires.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT } = DataTypes;

export const guardMigrations: AppMigration[] = [
  {
    name: '0801-portal-guards',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('rate_limit_hits', {
        client_key: { type: STRING(191), primaryKey: true, allowNull: false },
        hits: { type: INTEGER, allowNull: false },
        reset_at: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('rate_limit_hits', ['reset_at'], { name: 'rate_limit_hits_reset' });
      await qi.createTable('challenge_uses', {
        signature: { type: STRING(64), primaryKey: true, allowNull: false },
        expires_at: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('challenge_uses', ['expires_at'], { name: 'challenge_uses_expires' });
    },
  },
];
