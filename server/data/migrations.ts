/**
 * The app's tables, migrated after the engine's (`createDatabase({ url, migrations: appMigrations })`).
 * Same conventions as the engine: times are epoch milliseconds (BIGINT), no time-zone conversion in
 * the driver stack. Names are ordered: the app's start at 0101 (0201… are the workers', in
 * worker-migrations.ts; 0301 the people and petitions, in people-migrations.ts).
 */
import { DataTypes } from 'sequelize';
import { peopleMigrations } from './people-migrations.js';
import { attachmentMigrations } from './attachment-migrations.js';
import { sessionMigrations } from './session-migrations.js';
import { formMigrations } from './form-migrations.js';
import { decisionDraftMigration, draftMigrations } from './draft-migrations.js';
import { guardMigrations } from './guard-migrations.js';
import { queueViewsMigration, workQueueMigration } from './work-queue-migrations.js';
import { reportMigration } from './report-migrations.js';
import { hotspotMigrations } from './hotspot-migrations.js';
import type { AppMigration } from './app-migration.js';
import { assessmentMigrations } from './assessment-migrations.js';
import { caseFactsMigrations } from './case-facts-migrations.js';
import { knowledgeMigrations } from './knowledge-migrations.js';
// issue 17 reply templates (templates helper)
import { replyTemplateMigrations } from './reply-template-migrations.js';
// issue 18 batch operations (batch helper)
import { batchMigrations } from './batch-migrations.js';
// issue 19 remote workers (engine-rest helper)
import { remoteWorkerMigrations } from './remote-worker-migrations.js';

const { STRING, INTEGER, BIGINT, BOOLEAN } = DataTypes;

export type { AppMigration } from './app-migration.js';

export const appMigrations: AppMigration[] = [
  {
    // the admins' working-day overrides and the years they marked complete (SPEC "Working days")
    name: '0101-calendar',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('calendar_overrides', {
        date: { type: STRING(10), primaryKey: true, allowNull: false },
        workday: { type: BOOLEAN, allowNull: false },
        label: { type: STRING(255), allowNull: true },
        source_document: { type: STRING(500), allowNull: true },
        updated_by: { type: STRING(128), allowNull: false },
        updated_at: { type: BIGINT, allowNull: false },
      });
      await qi.createTable('calendar_years', {
        year: { type: INTEGER, primaryKey: true, allowNull: false },
        complete: { type: BOOLEAN, allowNull: false },
        marked_by: { type: STRING(128), allowNull: false },
        marked_at: { type: BIGINT, allowNull: false },
      });
    },
  },
  // units and their people, staff, petitions (identity encrypted), identity access log, audit log
  ...peopleMigrations,
  // case documents (content in the database)
  ...attachmentMigrations,
  // staff sessions (sign-in)
  ...sessionMigrations,
  // the versions of the user-task forms (the form editor)
  ...formMigrations,
  // the modeler's drafts
  ...draftMigrations,
  {
    // the reconciler's question: which petitions no process handles (a crash before submissions were one transaction)
    name: '0701-petitions-process-index',
    async up({ sequelize }) {
      await sequelize.getQueryInterface().addIndex('petitions', ['process_instance_key', 'created_at'], { name: 'petitions_process' });
    },
  },
  {
    // 第十二条: the co-handling units (协办单位) a joint dispatch names besides the lead unit
    // (petitions.unit_id): they may read the case they are told to help with. Written with the
    // dispatch's completion (server/services/task-events.ts); no foreign key to petitions (as audit_log).
    name: '0702-petition-co-units',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('petition_co_units', {
        petition_id: { type: STRING(64), primaryKey: true, allowNull: false },
        unit_id: { type: STRING(64), primaryKey: true, allowNull: false, references: { model: 'units', key: 'id' }, onUpdate: 'RESTRICT', onDelete: 'RESTRICT' },
        assigned_at: { type: BIGINT, allowNull: false },
      });
      // a unit's cases: those it leads (petitions_unit) and those it helps with
      await qi.addIndex('petition_co_units', ['unit_id', 'petition_id'], { name: 'petition_co_units_unit' });
    },
  },
  // the portal's rate limits and answered challenges, shared by every app process
  ...guardMigrations,
  {
    // the case exports' keyset pages (newest first, the id breaking ties): one index range each,
    // for every case and for a unit's own
    name: '0901-petitions-keyset',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.addIndex('petitions', ['created_at', 'id'], { name: 'petitions_created_id' });
      await qi.addIndex('petitions', ['unit_id', 'created_at', 'id'], { name: 'petitions_unit_created_id' });
    },
  },
  // the staff work queue: open and done user tasks with what staff filter and sort on
  workQueueMigration,
  {
    // issue 15, similar petitions and 归并: a petition merged into another (status `merged`) links to the
    // case that answers it (`merged_into`) from `merged_at` (epoch ms; the reports count merges by it).
    // Candidates at screening are read by township and time (a bounded index range, not a scan of a
    // million rows); by phone they use petitions_phone_index.
    name: '1002-petition-merges',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.addColumn('petitions', 'merged_into', { type: STRING(64), allowNull: true });
      await qi.addColumn('petitions', 'merged_at', { type: BIGINT, allowNull: true });
      // (the candidates by township and time read petitions_township_created, of 1003)
      await qi.addIndex('petitions', ['merged_into'], { name: 'petitions_merged_into' });
      await qi.addIndex('petitions', ['merged_at'], { name: 'petitions_merged_at' });
    },
  },
  {
    // the case list (issue 15): each filter staff use with the newest-first (or oldest-first) sort is
    // one range of an index led by the filter, ending in (created_at, id) for the keyset pages; the
    // "recently updated" sort has its own; a unit's status filter its own (a unit's plain list is
    // petitions_unit_created_id). And the saved views: a person's name for a list URL.
    name: '1003-case-list-indexes',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.addIndex('petitions', ['status', 'created_at', 'id'], { name: 'petitions_status_created' });
      await qi.addIndex('petitions', ['category', 'created_at', 'id'], { name: 'petitions_category_created' });
      await qi.addIndex('petitions', ['township', 'created_at', 'id'], { name: 'petitions_township_created' });
      await qi.addIndex('petitions', ['urgent', 'created_at', 'id'], { name: 'petitions_urgent_created' });
      await qi.addIndex('petitions', ['unit_id', 'status', 'created_at', 'id'], { name: 'petitions_unit_status_created' });
      await qi.addIndex('petitions', ['updated_at', 'id'], { name: 'petitions_updated_id' });
      await qi.createTable('case_views', {
        id: { type: INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
        staff_id: { type: STRING(64), allowNull: false },
        name: { type: STRING(100), allowNull: false },
        query: { type: STRING(1000), allowNull: false },
        created_at: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('case_views', ['staff_id', 'name'], { unique: true, name: 'case_views_staff_name' });
    },
  },
  // the work queue's saved views
  queueViewsMigration,
  // the decision editor's drafts (issue 16)
  decisionDraftMigration,
  // the reports' case-facts projection (第二十五条) and the 恶意/虚假 mark (第二十七条 附则)
  ...caseFactsMigrations,
  // the issued 月报 and 季报 (第二十五条)
  reportMigration,
  // 第二十七条: the unit assessments and the 通报 templates
  ...assessmentMigrations,
  // hotspots (第二十三条(二)): each petition's keywords, and the 督办 started from a hotspot
  ...hotspotMigrations,
  // the knowledge base (知识库, issue 17)
  ...knowledgeMigrations,
  // issue 17: reply templates / 常用语 (1751–1759)
  ...replyTemplateMigrations,
  // issue 18: batch operations over the inspector's filter (1811–1819)
  ...batchMigrations,
  // issue 19: remote workers' credentials and the record of their calls (1901–1909)
  ...remoteWorkerMigrations,
];
