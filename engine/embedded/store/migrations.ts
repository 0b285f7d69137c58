/**
 * The engine's tables. Times are epoch milliseconds (BIGINT): the same on SQLite and MySQL, no
 * time-zone conversion anywhere in the driver stack. Instance state is JSON text.
 */
import { DataTypes, type Sequelize } from 'sequelize';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;
const key = { type: STRING(255), primaryKey: true, allowNull: false };
const ref = (allowNull = false) => ({ type: STRING(64), allowNull });
const ms = (allowNull = false) => ({ type: BIGINT, allowNull });
// LONGTEXT on MySQL (TEXT stops at 64 KB); SQLite has one TEXT type
let longText: typeof TEXT | ReturnType<typeof TEXT> = TEXT;
const json = (allowNull = true) => ({ type: longText, allowNull });

export const engineMigrations = [
  {
    name: '0001-engine-tables',
    async up({ sequelize }: { sequelize: Sequelize }) {
      const qi = sequelize.getQueryInterface();
      longText = sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('long');
      await qi.createTable('engine_deployments', {
        id: key,
        deployed_at: ms(),
        deployed_by: { type: STRING(128), allowNull: true },
      });
      await qi.createTable('engine_process_definitions', {
        id: key,
        process_id: { type: STRING(191), allowNull: false },
        version: { type: INTEGER, allowNull: false },
        resource_name: { type: STRING(255), allowNull: false },
        checksum: { type: STRING(64), allowNull: false },
        xml: json(false),
        deployment_id: ref(),
        deployed_at: ms(),
      });
      await qi.addIndex('engine_process_definitions', ['process_id', 'version'], { unique: true, name: 'engine_pd_process_version' });

      await qi.createTable('engine_instances', {
        id: key,
        process_id: { type: STRING(191), allowNull: false },
        version: { type: INTEGER, allowNull: false },
        definition_id: ref(),
        parent_id: ref(true),
        parent_execution_id: { type: STRING(191), allowNull: true },
        state: { type: STRING(16), allowNull: false },
        engine_state: json(),
        variables: json(),
        waits: json(),
        lock_version: { type: INTEGER, allowNull: false, defaultValue: 0 },
        started_at: ms(),
        ended_at: ms(true),
      });
      await qi.addIndex('engine_instances', ['state'], { name: 'engine_instances_state' });
      await qi.addIndex('engine_instances', ['process_id', 'version'], { name: 'engine_instances_process' });
      await qi.addIndex('engine_instances', ['parent_id'], { name: 'engine_instances_parent' });

      await qi.createTable('engine_jobs', {
        id: key,
        instance_id: ref(),
        process_id: { type: STRING(191), allowNull: false },
        element_id: { type: STRING(191), allowNull: false },
        type: { type: STRING(191), allowNull: false },
        retries: { type: INTEGER, allowNull: false },
        state: { type: STRING(16), allowNull: false },
        not_before: ms(),
        locked_until: ms(true),
        variables: json(),
        headers: json(),
        error_message: { type: TEXT, allowNull: true },
        created_at: ms(),
      });
      await qi.addIndex('engine_jobs', ['state', 'type', 'not_before'], { name: 'engine_jobs_due' });
      await qi.addIndex('engine_jobs', ['instance_id'], { name: 'engine_jobs_instance' });

      await qi.createTable('engine_user_tasks', {
        id: key,
        instance_id: ref(),
        process_id: { type: STRING(191), allowNull: false },
        element_id: { type: STRING(191), allowNull: false },
        name: { type: STRING(255), allowNull: true },
        assignee: { type: STRING(191), allowNull: true },
        candidate_groups: json(),
        candidate_users: json(),
        form_id: { type: STRING(191), allowNull: true },
        due_date: { type: STRING(64), allowNull: true },
        follow_up_date: { type: STRING(64), allowNull: true },
        priority: { type: INTEGER, allowNull: true },
        state: { type: STRING(16), allowNull: false },
        variables: json(),
        created_at: ms(),
        ended_at: ms(true),
      });
      await qi.addIndex('engine_user_tasks', ['instance_id'], { name: 'engine_user_tasks_instance' });
      await qi.addIndex('engine_user_tasks', ['state'], { name: 'engine_user_tasks_state' });

      await qi.createTable('engine_timers', {
        id: key,
        instance_id: ref(true),
        definition_id: ref(true),
        element_id: { type: STRING(191), allowNull: false },
        due_at: ms(),
        repetitions: { type: INTEGER, allowNull: true },
        cycle_interval: { type: STRING(64), allowNull: true },
      });
      await qi.addIndex('engine_timers', ['due_at'], { name: 'engine_timers_due' });
      await qi.addIndex('engine_timers', ['instance_id'], { name: 'engine_timers_instance' });

      await qi.createTable('engine_subscriptions', {
        id: key,
        instance_id: ref(),
        process_id: { type: STRING(191), allowNull: false },
        element_id: { type: STRING(191), allowNull: false },
        message_name: { type: STRING(191), allowNull: false },
        correlation_key: { type: STRING(191), allowNull: false },
        created_at: ms(),
      });
      await qi.addIndex('engine_subscriptions', ['message_name', 'correlation_key'], { name: 'engine_subscriptions_match' });
      await qi.addIndex('engine_subscriptions', ['instance_id'], { name: 'engine_subscriptions_instance' });

      await qi.createTable('engine_messages', {
        id: key,
        name: { type: STRING(191), allowNull: false },
        correlation_key: { type: STRING(191), allowNull: false },
        message_id: { type: STRING(191), allowNull: true },
        variables: json(),
        published_at: ms(),
        expires_at: ms(),
        correlated_process_ids: json(),
      });
      await qi.addIndex('engine_messages', ['name', 'correlation_key'], { name: 'engine_messages_match' });
      await qi.addIndex('engine_messages', ['expires_at'], { name: 'engine_messages_expiry' });

      await qi.createTable('engine_incidents', {
        id: key,
        instance_id: ref(),
        process_id: { type: STRING(191), allowNull: false },
        element_id: { type: STRING(191), allowNull: false },
        job_id: ref(true),
        error_type: { type: STRING(64), allowNull: false },
        error_message: { type: TEXT, allowNull: false },
        state: { type: STRING(16), allowNull: false },
        pending_event: json(),
        created_at: ms(),
        resolved_at: ms(true),
      });
      await qi.addIndex('engine_incidents', ['instance_id'], { name: 'engine_incidents_instance' });
      await qi.addIndex('engine_incidents', ['state'], { name: 'engine_incidents_state' });

      await qi.createTable('engine_history', {
        // SQLite autoincrements only an INTEGER primary key (64-bit there anyway)
        id: { type: sequelize.getDialect() === 'sqlite' ? INTEGER : BIGINT, primaryKey: true, autoIncrement: true },
        instance_id: ref(),
        element_id: { type: STRING(191), allowNull: false },
        element_type: { type: STRING(64), allowNull: false },
        event: { type: STRING(32), allowNull: false },
        at: ms(),
        detail: json(),
      });
      await qi.addIndex('engine_history', ['instance_id', 'id'], { name: 'engine_history_instance' });
    },
  },
  {
    // DMN decisions (engine/embedded/decisions.ts): a deployed DMN resource is one row of
    // engine_decisions_requirements (its XML once), each decision in it a version in engine_decisions
    name: '0002-engine-decisions',
    async up({ sequelize }: { sequelize: Sequelize }) {
      const qi = sequelize.getQueryInterface();
      longText = sequelize.getDialect() === 'sqlite' ? TEXT : TEXT('long');
      await qi.createTable('engine_decisions_requirements', {
        id: key,
        requirements_id: { type: STRING(191), allowNull: false },
        name: { type: STRING(255), allowNull: true },
        resource_name: { type: STRING(255), allowNull: false },
        checksum: { type: STRING(64), allowNull: false },
        xml: json(false),
        deployment_id: ref(),
        deployed_at: ms(),
      });
      await qi.createTable('engine_decisions', {
        id: key,
        decision_id: { type: STRING(191), allowNull: false },
        name: { type: STRING(255), allowNull: true },
        version: { type: INTEGER, allowNull: false },
        requirements_key: ref(),
        requirements_id: { type: STRING(191), allowNull: false },
        resource_name: { type: STRING(255), allowNull: false },
        checksum: { type: STRING(64), allowNull: false },
        deployment_id: ref(),
        deployed_at: ms(),
      });
      await qi.addIndex('engine_decisions', ['decision_id', 'version'], { unique: true, name: 'engine_decisions_version' });
    },
  },
  {
    // issue 19: who holds a job's lock when a remote worker (Camunda 7's external-task protocol)
    // took it; NULL for the engine's own workers, whose lock's token is its expiry alone
    name: '0003-engine-job-worker',
    async up({ sequelize }: { sequelize: Sequelize }) {
      await sequelize.getQueryInterface().addColumn('engine_jobs', 'worker_id', { type: STRING(255), allowNull: true });
    },
  },
];
