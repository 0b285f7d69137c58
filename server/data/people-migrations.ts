/**
 * Migration 0301-people-and-petitions (appended to `appMigrations`): the member units and their
 * people, staff accounts, petitions with the petitioner's identity encrypted, the identity access
 * log and the audit log. Conventions of the engine's tables (engine/embedded/store/migrations.ts):
 * times are epoch milliseconds (BIGINT), indexed strings are at most 255 characters (191 for keys
 * under utf8mb4), long text is LONGTEXT on MySQL.
 *
 * - `units`: 乡镇 / 市直部门 / 公共服务企事业单位 (第五条); `township` is the 统计用区划代码 of the township a
 *   township unit covers (unique), `duties` a JSON list of duty tags (`market-regulation`, …).
 * - `unit_people`: each unit's 承办人 `handler`, 责任人 `contact`, 分管领导 `leader`, 主要领导 `head`, with
 *   a work phone; `staff_id` links a person to a staff account when they have one.
 * - `staff`: accounts; `roles` is a JSON list (server/domain/roles.ts); `password_hash` is
 *   `scrypt$N$r$p$salt$hash`; `failed_logins` / `locked_until` the sign-in lockout.
 * - `petitions`: the case; `petitioner_name_enc` / `petitioner_phone_enc` are AES-256-GCM values
 *   (`v1:…`), `phone_index` the blind index of the phone (server/domain/identity-crypto.ts).
 * - `identity_access_log`: one row per read of a petitioner's identity (第十九条).
 * - `audit_log`: who did what to which case; the app only ever inserts (no update or delete API).
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, BOOLEAN, TEXT } = DataTypes;

const ms = (allowNull = false) => ({ type: BIGINT, allowNull });

export const peopleMigrations: AppMigration[] = [
  {
    name: '0301-people-and-petitions',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      const sqlite = sequelize.getDialect() === 'sqlite';
      const longText = sqlite ? TEXT : TEXT('long');
      // SQLite autoincrements only an INTEGER primary key (64-bit there anyway)
      const serial = { type: sqlite ? INTEGER : BIGINT, primaryKey: true, autoIncrement: true, allowNull: false };
      const unitRef = (allowNull: boolean) => ({
        type: STRING(64),
        allowNull,
        references: { model: 'units', key: 'id' },
        onUpdate: 'RESTRICT',
        onDelete: 'RESTRICT',
      });

      await qi.createTable('units', {
        id: { type: STRING(64), primaryKey: true, allowNull: false },
        name: { type: STRING(100), allowNull: false },
        kind: { type: STRING(16), allowNull: false },
        township: { type: STRING(12), allowNull: true },
        duties: { type: TEXT, allowNull: false },
        active: { type: BOOLEAN, allowNull: false, defaultValue: true },
      });
      await qi.addIndex('units', ['name'], { unique: true, name: 'units_name' });
      await qi.addIndex('units', ['township'], { unique: true, name: 'units_township' });

      await qi.createTable('staff', {
        id: { type: STRING(64), primaryKey: true, allowNull: false },
        username: { type: STRING(64), allowNull: false },
        display_name: { type: STRING(50), allowNull: false },
        password_hash: { type: STRING(255), allowNull: false },
        roles: { type: TEXT, allowNull: false },
        unit_id: unitRef(true),
        active: { type: BOOLEAN, allowNull: false, defaultValue: true },
        failed_logins: { type: INTEGER, allowNull: false, defaultValue: 0 },
        locked_until: ms(true),
        created_at: ms(),
      });
      await qi.addIndex('staff', ['username'], { unique: true, name: 'staff_username' });
      await qi.addIndex('staff', ['unit_id'], { name: 'staff_unit' });

      await qi.createTable('unit_people', {
        id: serial,
        unit_id: unitRef(false),
        role: { type: STRING(16), allowNull: false },
        name: { type: STRING(50), allowNull: false },
        phone: { type: STRING(20), allowNull: false },
        staff_id: { type: STRING(64), allowNull: true, references: { model: 'staff', key: 'id' }, onUpdate: 'RESTRICT', onDelete: 'SET NULL' },
      });
      await qi.addIndex('unit_people', ['unit_id', 'role'], { name: 'unit_people_unit_role' });

      await qi.createTable('petitions', {
        id: { type: STRING(64), primaryKey: true, allowNull: false },
        tracking_code: { type: STRING(16), allowNull: false },
        channel: { type: STRING(16), allowNull: false },
        category: { type: STRING(16), allowNull: false },
        urgent: { type: BOOLEAN, allowNull: false, defaultValue: false },
        confidential: { type: BOOLEAN, allowNull: false, defaultValue: false },
        title: { type: STRING(100), allowNull: false },
        content: { type: TEXT, allowNull: false },
        township: { type: STRING(12), allowNull: true },
        petitioner_name_enc: { type: TEXT, allowNull: false },
        petitioner_phone_enc: { type: TEXT, allowNull: false },
        phone_index: { type: STRING(64), allowNull: false },
        status: { type: STRING(32), allowNull: false },
        unit_id: unitRef(true),
        process_instance_key: { type: STRING(255), allowNull: true },
        created_at: ms(),
        updated_at: ms(),
      });
      await qi.addIndex('petitions', ['tracking_code'], { unique: true, name: 'petitions_tracking_code' });
      await qi.addIndex('petitions', ['phone_index'], { name: 'petitions_phone_index' });
      await qi.addIndex('petitions', ['unit_id', 'created_at'], { name: 'petitions_unit' });
      await qi.addIndex('petitions', ['created_at'], { name: 'petitions_created' });

      await qi.createTable('identity_access_log', {
        id: serial,
        petition_id: { type: STRING(64), allowNull: false },
        staff_id: { type: STRING(64), allowNull: false },
        purpose: { type: STRING(64), allowNull: false },
        at: ms(),
      });
      await qi.addIndex('identity_access_log', ['petition_id', 'id'], { name: 'identity_access_log_petition' });
      await qi.addIndex('identity_access_log', ['staff_id', 'at'], { name: 'identity_access_log_staff' });

      await qi.createTable('audit_log', {
        id: serial,
        actor: { type: STRING(64), allowNull: false },
        action: { type: STRING(64), allowNull: false },
        petition_id: { type: STRING(64), allowNull: true },
        detail: { type: longText, allowNull: true },
        at: ms(),
      });
      await qi.addIndex('audit_log', ['petition_id', 'id'], { name: 'audit_log_petition' });
      await qi.addIndex('audit_log', ['at'], { name: 'audit_log_at' });
    },
  },
];
