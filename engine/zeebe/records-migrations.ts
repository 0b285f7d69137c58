/**
 * The Zeebe adapter's own records (engine/README.md): with the engine-only Camunda of the
 * production stack (secondary storage none) Camunda answers no searches, so what the port's
 * queries need is kept here — from what the adapter deploys and starts, and from the jobs its
 * workers and listeners receive. Times are epoch milliseconds, as in the embedded adapter's tables.
 */
import { DataTypes, type Sequelize } from 'sequelize';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;
const key = { type: STRING(64), primaryKey: true, allowNull: false };
const ref = (allowNull = false) => ({ type: STRING(64), allowNull });
const ms = (allowNull = false) => ({ type: BIGINT, allowNull });
const name = (allowNull = false) => ({ type: STRING(191), allowNull });

export const zeebeRecordMigrations = [
  {
    name: '0601-zeebe-records',
    async up({ sequelize }: { sequelize: Sequelize }) {
      const qi = sequelize.getQueryInterface();
      // LONGTEXT on MySQL (diagrams and variables can pass 64 KB)
      const long = sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('long');
      await qi.createTable('zeebe_definitions', {
        id: key,
        process_id: name(),
        version: { type: INTEGER, allowNull: false },
        resource_name: { type: STRING(255), allowNull: false },
        checksum: { type: STRING(64), allowNull: false },
        xml: { type: long, allowNull: false },
        deployment_key: ref(),
        deployed_at: ms(),
        deployed_by: { type: STRING(128), allowNull: true },
      });
      await qi.addIndex('zeebe_definitions', ['process_id', 'version'], { unique: true, name: 'zeebe_definitions_version' });
      await qi.createTable('zeebe_forms', {
        form_key: key,
        form_id: name(),
        version: { type: INTEGER, allowNull: false },
        deployed_at: ms(),
      });
      await qi.createTable('zeebe_instances', {
        id: key,
        process_id: name(),
        version: { type: INTEGER, allowNull: false },
        definition_key: ref(),
        state: { type: STRING(16), allowNull: false },
        variables: { type: long, allowNull: true },
        started_at: ms(),
        ended_at: ms(true),
      });
      await qi.addIndex('zeebe_instances', ['process_id', 'version'], { name: 'zeebe_instances_process' });
      await qi.addIndex('zeebe_instances', ['state'], { name: 'zeebe_instances_state' });
      await qi.createTable('zeebe_user_tasks', {
        id: key,
        instance_id: ref(),
        process_id: name(),
        element_id: name(),
        name: { type: STRING(255), allowNull: true },
        assignee: name(true),
        candidate_groups: { type: TEXT, allowNull: true },
        candidate_users: { type: TEXT, allowNull: true },
        form_id: name(true),
        due_date: { type: STRING(64), allowNull: true },
        follow_up_date: { type: STRING(64), allowNull: true },
        priority: { type: INTEGER, allowNull: true },
        state: { type: STRING(16), allowNull: false },
        variables: { type: long, allowNull: true },
        created_at: ms(),
        ended_at: ms(true),
      });
      await qi.addIndex('zeebe_user_tasks', ['instance_id'], { name: 'zeebe_user_tasks_instance' });
      await qi.addIndex('zeebe_user_tasks', ['state'], { name: 'zeebe_user_tasks_state' });
      await qi.createTable('zeebe_incidents', {
        id: key,
        instance_id: ref(),
        process_id: name(),
        element_id: name(),
        job_key: ref(true),
        error_type: { type: STRING(64), allowNull: false },
        error_message: { type: TEXT, allowNull: false },
        state: { type: STRING(16), allowNull: false },
        created_at: ms(),
        resolved_at: ms(true),
      });
      await qi.addIndex('zeebe_incidents', ['instance_id'], { name: 'zeebe_incidents_instance' });
      await qi.addIndex('zeebe_incidents', ['state'], { name: 'zeebe_incidents_state' });
      await qi.createTable('zeebe_history', {
        id: { type: sequelize.getDialect() === 'sqlite' ? INTEGER : BIGINT, primaryKey: true, autoIncrement: true },
        instance_id: ref(),
        element_id: name(),
        element_type: { type: STRING(64), allowNull: false },
        event: { type: STRING(32), allowNull: false },
        at: ms(),
        detail: { type: TEXT, allowNull: true },
      });
      await qi.addIndex('zeebe_history', ['instance_id', 'id'], { name: 'zeebe_history_instance' });
    },
  },
  {
    // the decisions the adapter deployed (DMN as drawn, once per decision version), for the admin pages
    name: '0602-zeebe-decisions',
    async up({ sequelize }: { sequelize: Sequelize }) {
      const qi = sequelize.getQueryInterface();
      const long = sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('long');
      await qi.createTable('zeebe_decisions', {
        id: key,
        decision_id: name(),
        name: { type: STRING(255), allowNull: true },
        version: { type: INTEGER, allowNull: false },
        requirements_id: name(),
        resource_name: { type: STRING(255), allowNull: false },
        xml: { type: long, allowNull: false },
        deployment_key: ref(),
        deployed_at: ms(),
        deployed_by: { type: STRING(128), allowNull: true },
      });
      await qi.addIndex('zeebe_decisions', ['decision_id', 'version'], { unique: true, name: 'zeebe_decisions_version' });
    },
  },
];
