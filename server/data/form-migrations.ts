/**
 * Migration 0501-form-versions (appended to `appMigrations`): every saved version of every user-task
 * form (form-js schema JSON), for server/data/forms-repository.ts. A version is never changed or
 * removed: a task done last year can still be shown with the form it was done in.
 *
 * - `form_id` + `version` (1, 2, …): the primary key.
 * - `schema_json`: the schema as saved (MEDIUMTEXT on MySQL: TEXT stops at 64 KB; the form gate caps
 *   a schema at 256 KB); `schema_sha256`: of its canonical JSON (sorted keys), indexed, to tell an
 *   identical save from a change without reading the schemas.
 * - `deployed_by`: the staff account's username, or `start-up` for a file of forms/ brought in at start;
 *   `deployed_at`: epoch milliseconds, as every time in the app's tables.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;

export const formMigrations: AppMigration[] = [
  {
    name: '0501-form-versions',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('form_versions', {
        form_id: { type: STRING(100), primaryKey: true, allowNull: false },
        version: { type: INTEGER, primaryKey: true, allowNull: false },
        schema_json: { type: sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('medium'), allowNull: false },
        schema_sha256: { type: STRING(64), allowNull: false },
        deployed_by: { type: STRING(128), allowNull: false },
        deployed_at: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('form_versions', ['form_id', 'schema_sha256'], { name: 'form_versions_sha256' });
    },
  },
];
