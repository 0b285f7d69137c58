/**
 * Published replies (table `publications`, one per petition; 第二十条、第二十一条). Only masked text
 * comes here. `publish` is idempotent: the same text again changes nothing (a retried job); a new
 * text for the same petition (the reply after a 重办) replaces the old one.
 */
import type { Transaction } from 'sequelize';
import { looksPersonal } from '../../regulation/masking.js';
import { exec, insertIfAbsent, select, toDate, withTx, type Database } from './sql.js';

export interface PublicationEntry {
  petitionId: string;
  title: string;
  maskedText: string;
  publishedAt: Date;
}

export type PublicationRecord = PublicationEntry;

export interface PublicationRepository {
  /** created: a first publication; updated: the text or title changed (published_at moves on) */
  publish(entry: PublicationEntry, tx?: Transaction): Promise<{ created: boolean; updated: boolean }>;
  get(petitionId: string): Promise<PublicationRecord | undefined>;
  /** newest first */
  list(options?: { limit?: number; offset?: number }): Promise<PublicationRecord[]>;
}

const toRecord = (r: any): PublicationRecord => ({ petitionId: r.petition_id, title: r.title, maskedText: r.masked_text, publishedAt: toDate(r.published_at) });

export function createPublicationRepository(db: Database): PublicationRepository {
  return {
    async publish(e, outer) {
      if (typeof e.petitionId !== 'string' || e.petitionId.trim() === '') throw new Error('publications: petitionId must be a non-empty string');
      if (typeof e.title !== 'string' || typeof e.maskedText !== 'string') throw new Error('publications: title and maskedText must be strings');
      if (looksPersonal(e.title) || looksPersonal(e.maskedText)) throw new Error('publications: the text still contains a phone number, an ID number or an e-mail address');
      const title = [...e.title].length > 500 ? [...e.title].slice(0, 499).join('') + '…' : e.title;
      return withTx(db, outer, async (tx) => {
        const row = { petition_id: e.petitionId, title, masked_text: e.maskedText, published_at: e.publishedAt.getTime() };
        if (await insertIfAbsent(db, 'publications', row, tx)) return { created: true, updated: false };
        const n = await exec(
          db,
          'UPDATE publications SET title = ?, masked_text = ?, published_at = ? WHERE petition_id = ? AND (title <> ? OR masked_text <> ?)',
          [title, e.maskedText, row.published_at, e.petitionId, title, e.maskedText],
          tx,
        );
        return { created: false, updated: n > 0 };
      });
    },

    async get(petitionId) {
      const [r] = await select<any>(db, 'SELECT petition_id, title, masked_text, published_at FROM publications WHERE petition_id = ?', [petitionId]);
      return r && toRecord(r);
    },

    async list(options = {}) {
      const limit = Math.max(1, Math.min(Math.floor(options.limit ?? 20), 200));
      const offset = Math.max(0, Math.floor(options.offset ?? 0));
      const rows = await select<any>(db, `SELECT petition_id, title, masked_text, published_at FROM publications ORDER BY published_at DESC, petition_id LIMIT ${limit} OFFSET ${offset}`);
      return rows.map(toRecord);
    },
  };
}
