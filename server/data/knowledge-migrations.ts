/**
 * Migration 1701 (in `appMigrations`): the knowledge base (知识库, issue 17).
 * - `knowledge_entries`: one row per entry, its current content and status. `question_terms` and
 *   `answer_terms` are the content's words as the search index takes them (server/domain/
 *   knowledge-search.ts `indexTerms`), written with each save: loading 100,000 entries into an app
 *   process's index then reads columns instead of segmenting every text again.
 * - `knowledge_history`: who changed what and when — each content version and each step of review,
 *   with the content as it was then.
 * - `knowledge_changes`: every write of an entry appends a row in its transaction; each app process's
 *   in-memory index catches up from the last sequence it saw (a few back: on MySQL, autoincrement
 *   order is not commit order).
 * - `knowledge_synonyms`: the office's synonym groups (search expands a query word to its group).
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;

export const knowledgeMigrations: AppMigration[] = [
  {
    name: '1701-knowledge',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      const serial = { type: sequelize.getDialect() === 'sqlite' ? INTEGER : BIGINT, primaryKey: true, autoIncrement: true, allowNull: false };
      await qi.createTable('knowledge_entries', {
        id: { type: STRING(36), primaryKey: true, allowNull: false },
        status: { type: STRING(12), allowNull: false },
        version: { type: INTEGER, allowNull: false },
        question: { type: TEXT, allowNull: false },
        answer: { type: TEXT, allowNull: false },
        basis: { type: TEXT, allowNull: false },
        owner_unit_id: { type: STRING(64), allowNull: false },
        // category ids and township names, space-separated
        categories: { type: STRING(120), allowNull: false },
        townships: { type: STRING(400), allowNull: false },
        valid_until: { type: STRING(10), allowNull: true },
        source_petition_id: { type: STRING(64), allowNull: true },
        process_instance_key: { type: STRING(255), allowNull: true },
        question_terms: { type: TEXT, allowNull: false },
        answer_terms: { type: TEXT, allowNull: false },
        created_by: { type: STRING(64), allowNull: false },
        created_at: { type: BIGINT, allowNull: false },
        updated_by: { type: STRING(64), allowNull: false },
        updated_at: { type: BIGINT, allowNull: false },
        published_at: { type: BIGINT, allowNull: true },
        reviewed_at: { type: BIGINT, allowNull: true },
      });
      // the staff list: by status and unit, most recently changed first
      await qi.addIndex('knowledge_entries', ['status', 'updated_at'], { name: 'knowledge_entries_status' });
      await qi.addIndex('knowledge_entries', ['owner_unit_id', 'status', 'updated_at'], { name: 'knowledge_entries_unit' });
      // one draft per case's reply
      await qi.addIndex('knowledge_entries', ['source_petition_id'], { name: 'knowledge_entries_source', unique: true });
      await qi.createTable('knowledge_history', {
        id: serial,
        entry_id: { type: STRING(36), allowNull: false },
        version: { type: INTEGER, allowNull: false },
        action: { type: STRING(16), allowNull: false },
        status: { type: STRING(12), allowNull: false },
        question: { type: TEXT, allowNull: false },
        answer: { type: TEXT, allowNull: false },
        basis: { type: TEXT, allowNull: false },
        valid_until: { type: STRING(10), allowNull: true },
        actor: { type: STRING(64), allowNull: false },
        at: { type: BIGINT, allowNull: false },
        note: { type: STRING(600), allowNull: true },
      });
      await qi.addIndex('knowledge_history', ['entry_id', 'id'], { name: 'knowledge_history_entry' });
      // a unit's upkeep in a period (第二十七条)
      await qi.addIndex('knowledge_history', ['at', 'action'], { name: 'knowledge_history_at' });
      await qi.createTable('knowledge_changes', {
        seq: serial,
        entry_id: { type: STRING(36), allowNull: false },
        at: { type: BIGINT, allowNull: false },
      });
      await qi.createTable('knowledge_synonyms', {
        id: serial,
        words: { type: STRING(400), allowNull: false },
        updated_by: { type: STRING(64), allowNull: false },
        updated_at: { type: BIGINT, allowNull: false },
      });
    },
  },
];
