/**
 * 归并 (issue 15): the petitions of table `petitions` as candidates to merge with at screening, the
 * link of a merged petition to the case that answers it (`merged_into`, migration 1002), and the
 * count of merges for the reports. The phone is never read: the same petitioner is found through the
 * blind index `phone_index`, inside the query.
 */
import type { Transaction } from 'sequelize';
import { PETITION_COLS as COLS, PetitionInputError, PetitionNotFoundError, toPetition, type Petition, type PetitionRow } from './petitions-repository.js';
import { exec, select, withTx, type Database } from './sql.js';
import { createCaseFactsRepository } from './case-facts-repository.js';

export interface PetitionMergesRepository {
  /**
   * Candidates to merge with, newest first, each list bounded: the petitions of the same phone and
   * those of the same township created from `from` to `to`, without the petition itself and those
   * already merged. Each is one index range (petitions_phone_index, petitions_township_created), so a
   * table of a million petitions is not scanned.
   */
  similarCandidates(petitionId: string, window: { from: Date; to: Date }, limits?: { phone?: number; township?: number }): Promise<{ samePhone: Petition[]; sameTownship: Petition[] }>;
  /** `petitionId` becomes `merged`, answered by `intoId`; false when it was merged already */
  merge(petitionId: string, intoId: string, tx?: Transaction): Promise<boolean>;
  /** the petitions merged into a case, oldest first */
  mergedFrom(petitionId: string, tx?: Transaction): Promise<Petition[]>;
  /** the merges made from `from` (inclusive) to `to` (exclusive), for the reports */
  countMerges(from: Date, to: Date): Promise<number>;
}

const ID = /^[\w.:-]{1,64}$/;

export function createPetitionMergesRepository(db: Database, options: { now?: () => number } = {}): PetitionMergesRepository {
  const now = options.now ?? Date.now;
  const bound = (v: number | undefined, d: number) => Math.max(1, Math.min(Math.floor(v ?? d), 500));
  const facts = createCaseFactsRepository(db);
  return {
    async similarCandidates(petitionId, window, limits = {}) {
      const [row] = typeof petitionId === 'string' && ID.test(petitionId) ? await select<PetitionRow>(db, `SELECT ${COLS} FROM petitions WHERE id = ?`, [petitionId]) : [];
      if (!row) throw new PetitionNotFoundError(petitionId);
      const range = [window.from.getTime(), window.to.getTime()];
      const samePhone = await select<PetitionRow>(
        db,
        `SELECT ${COLS} FROM petitions WHERE phone_index = ? AND created_at >= ? AND created_at <= ? AND id <> ? AND merged_into IS NULL ORDER BY created_at DESC LIMIT ${bound(limits.phone, 20)}`,
        [row.phone_index, ...range, row.id],
      );
      const sameTownship = row.township
        ? await select<PetitionRow>(
            db,
            `SELECT ${COLS} FROM petitions WHERE township = ? AND created_at >= ? AND created_at <= ? AND id <> ? AND merged_into IS NULL ORDER BY created_at DESC LIMIT ${bound(limits.township, 200)}`,
            [row.township, ...range, row.id],
          )
        : [];
      return { samePhone: samePhone.map(toPetition), sameTownship: sameTownship.map(toPetition) };
    },

    async merge(petitionId, intoId, outer) {
      if (typeof intoId !== 'string' || !ID.test(intoId) || intoId === petitionId) throw new PetitionInputError('intoId must be another petition’s id', 'intoId');
      const at = now();
      const n = await withTx(db, outer, async (tx) => {
        const changed = await exec(db, "UPDATE petitions SET status = 'merged', merged_into = ?, merged_at = ?, updated_at = ? WHERE id = ? AND merged_into IS NULL", [intoId, at, at, petitionId], tx);
        // the reports count it once, in the case that answers it
        if (changed === 1) await facts.merged(petitionId, new Date(at), tx);
        return changed;
      });
      return n === 1;
    },

    async mergedFrom(petitionId, tx) {
      const rows = await select<PetitionRow>(db, `SELECT ${COLS} FROM petitions WHERE merged_into = ? ORDER BY created_at, id LIMIT 500`, [petitionId], tx);
      return rows.map(toPetition);
    },

    async countMerges(from, to) {
      const [row] = await select<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM petitions WHERE merged_at >= ? AND merged_at < ?', [from.getTime(), to.getTime()]);
      return Number(row?.n ?? 0);
    },
  };
}
