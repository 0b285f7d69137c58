/**
 * Migrations 1501–1502 (in `appMigrations`): hotspots (第二十三条(二)).
 * - `petition_keywords`: each petition's top keywords (regulation/hotspots.ts), best first, separated
 *   by spaces, written in its submission's transaction, so that a window's hotspots read one narrow
 *   index range instead of segmenting a month of petitions' text. One row per petition, not per word:
 *   a window's read is then ~27,000 rows at a million petitions, not six times as many. `received_ms`
 *   is the petition's `created_at`; the township is copied (a petition's township does not change).
 *   Existing petitions are brought in once, at start, by a resumable walk (`petition_keyword_marks`
 *   holds where it is and when it finished).
 * - `hotspot_supervisions`: the 督办 started from a hotspot, one per hotspot and window (the key), so
 *   that pressing 「发起督办」 twice starts one.
 */
import { DataTypes } from 'sequelize';
import type { AppMigration } from './app-migration.js';

const { STRING, INTEGER, BIGINT, TEXT } = DataTypes;

export const hotspotMigrations: AppMigration[] = [
  {
    name: '1501-petition-keywords',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('petition_keywords', {
        petition_id: { type: STRING(64), primaryKey: true, allowNull: false },
        township: { type: STRING(12), allowNull: true },
        received_ms: { type: BIGINT, allowNull: false },
        // at most 6 words of at most 16 characters, most telling first
        words: { type: STRING(120), allowNull: false },
      });
      // a window's rows from the index alone
      await qi.addIndex('petition_keywords', ['received_ms', 'township', 'petition_id', 'words'], { name: 'petition_keywords_window' });
      await qi.createTable('petition_keyword_marks', {
        name: { type: STRING(64), primaryKey: true, allowNull: false },
        // the backfill's position: the last petition brought in (created_at ms and id)
        after_ms: { type: BIGINT, allowNull: true },
        after_id: { type: STRING(64), allowNull: true },
        done_at: { type: BIGINT, allowNull: true },
      });
    },
  },
  {
    name: '1502-hotspot-supervisions',
    async up({ sequelize }) {
      const qi = sequelize.getQueryInterface();
      await qi.createTable('hotspot_supervisions', {
        // the hotspot's id and window (regulation/hotspots.ts `supervisionKey`)
        hotspot_key: { type: STRING(255), primaryKey: true, allowNull: false },
        hotspot_id: { type: STRING(200), allowNull: false },
        from_day: { type: STRING(10), allowNull: false },
        to_day: { type: STRING(10), allowNull: false },
        petition_id: { type: STRING(64), allowNull: false },
        process_instance_key: { type: STRING(255), allowNull: true },
        case_count: { type: INTEGER, allowNull: false },
        words: { type: TEXT, allowNull: false },
        started_by: { type: STRING(64), allowNull: false },
        started_at: { type: BIGINT, allowNull: false },
      });
      await qi.addIndex('hotspot_supervisions', ['hotspot_id', 'started_at'], { name: 'hotspot_supervisions_hotspot' });
    },
  },
];
