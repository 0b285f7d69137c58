/**
 * Migrations 1901–1909 (issue 19, remote workers on Camunda 7's external-task REST protocol): the
 * credentials an admin gives a remote worker (scoped to job types = topics; only the SHA-256 of the
 * secret is kept) and the append-only record of every call made with one — or refused for want of
 * one. Times are epoch milliseconds.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;

export const remoteWorkerMigrations: AppMigration[] = [
  {
    name: '1901-remote-workers',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('remote_workers', {
        // rw_<random>: the Basic-auth user name
        id: { type: STRING(64), primaryKey: true, allowNull: false },
        name: { type: STRING(100), allowNull: false },
        // JSON list of job types (at least one)
        topics: { type: TEXT, allowNull: false },
        // hex SHA-256 of the secret (a random 32-byte secret needs no slow hash)
        secret_hash: { type: STRING(64), allowNull: false },
        created_by: { type: STRING(128), allowNull: false },
        created_at: { type: BIGINT, allowNull: false },
        revoked_at: { type: BIGINT, allowNull: true },
        revoked_by: { type: STRING(128), allowNull: true },
        last_used_at: { type: BIGINT, allowNull: true },
      });
      await qi.addIndex('remote_workers', ['created_at', 'id'], { name: 'remote_workers_created' });
      await qi.createTable('remote_worker_calls', {
        id: { type: INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
        // null: the caller named no known credential
        credential_id: { type: STRING(64), allowNull: true },
        // the client's workerId as it sent it
        worker_id: { type: STRING(255), allowNull: true },
        // fetchAndLock | complete | failure | bpmnError | extendLock | unlock | lock | auth | worker-service:<name> …
        // (not `call`: a reserved word of MySQL)
        call_name: { type: STRING(64), allowNull: false },
        topic: { type: STRING(255), allowNull: true },
        task_id: { type: STRING(191), allowNull: true },
        status: { type: INTEGER, allowNull: false },
        // counts, error types; never variable values or personal data
        detail: { type: TEXT, allowNull: true },
        at: { type: BIGINT, allowNull: false },
      });
      // a credential's calls, newest first (keyset on id); and all calls by time
      await qi.addIndex('remote_worker_calls', ['credential_id', 'id'], { name: 'remote_worker_calls_credential' });
      await qi.addIndex('remote_worker_calls', ['at', 'id'], { name: 'remote_worker_calls_at' });
    },
  },
];
