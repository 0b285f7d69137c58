/**
 * Migration 0401-attachments: the files of a case (investigation documents, written statements,
 * reply documents, the petitioner's attachments), for server/data/attachments-repository.ts.
 *
 * The bytes are in the database, not on disk, so that every app process behind the load balancer
 * reads what any of them stored, and a database backup is a backup of the files too. On MySQL the
 * content is LONGBLOB (BLOB holds only 64 KB there); SQLite has one BLOB type of any length.
 *
 * - `id`: `att-` + 16 hex digits.
 * - `petition_id`: the case, or NULL while not (yet) tied to one; no foreign key (as `audit_log`),
 *   indexed for listing a case's files.
 * - `filename`: the sanitised name (server/domain/file-type.ts: at most 120 characters);
 *   `media_type` / `ext`: what the content was detected to be, not what the name said.
 * - `size` in bytes; `sha256` of the content (hex), indexed to find the same file uploaded twice.
 * - `purpose`: the form field path (`reply.investigationDocument`, …) or `petition`;
 *   `uploaded_by`: a staff account id or `petitioner`.
 * - `created_at`: epoch milliseconds, as every time in the app's tables.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, BLOB } = DataTypes;

export const attachmentMigrations: AppMigration[] = [
  {
    name: '0401-attachments',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      const longBlob = sequelize.getDialect() === 'sqlite' ? BLOB : BLOB('long');
      await qi.createTable('attachments', {
        id: { type: STRING(64), primaryKey: true, allowNull: false },
        petition_id: { type: STRING(64), allowNull: true },
        filename: { type: STRING(255), allowNull: false },
        media_type: { type: STRING(100), allowNull: false },
        ext: { type: STRING(10), allowNull: false },
        size: { type: INTEGER, allowNull: false },
        sha256: { type: STRING(64), allowNull: false },
        purpose: { type: STRING(64), allowNull: false },
        uploaded_by: { type: STRING(64), allowNull: false },
        content: { type: longBlob, allowNull: false },
        created_at: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('attachments', ['petition_id', 'created_at'], { name: 'attachments_petition' });
      await qi.addIndex('attachments', ['sha256'], { name: 'attachments_sha256' });
    },
  },
];
