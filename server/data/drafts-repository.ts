/**
 * The modeler's drafts (table `process_drafts`, migration 0502): one per process admin and
 * process. Saving replaces the admin's draft; deploying or discarding removes it. Plain objects out.
 */
import { exec, select, type Database } from './sql.js';

export interface DraftRecord {
  staffId: string;
  processId: string;
  /** the deployed version the draft started from (null: a process not deployed yet) */
  baseVersion: number | null;
  xml: string;
  savedAt: Date;
}

export interface DraftsRepository {
  get(staffId: string, processId: string): Promise<DraftRecord | undefined>;
  save(draft: Omit<DraftRecord, 'savedAt'>): Promise<DraftRecord>;
  /** true when there was one */
  remove(staffId: string, processId: string): Promise<boolean>;
  /** the admin's drafts, newest first, without their XML */
  listForStaff(staffId: string): Promise<Omit<DraftRecord, 'xml'>[]>;
}

interface Row {
  staff_id: string;
  process_id: string;
  base_version: unknown;
  xml: string;
  saved_at: unknown;
}

const toRecord = (r: Row): DraftRecord => ({
  staffId: r.staff_id,
  processId: r.process_id,
  baseVersion: r.base_version === null ? null : Number(r.base_version),
  xml: r.xml,
  savedAt: new Date(Number(r.saved_at)),
});

export function createDraftsRepository(db: Database, options: { now?: () => number } = {}): DraftsRepository {
  const now = options.now ?? Date.now;
  return {
    async get(staffId, processId) {
      const [row] = await select<Row>(db, 'SELECT * FROM process_drafts WHERE staff_id = ? AND process_id = ?', [staffId, processId]);
      return row && toRecord(row);
    },
    async save(d) {
      const savedAt = now();
      // delete + insert in one transaction: the same on SQLite and MariaDB
      await db.transaction(async (tx) => {
        await exec(db, 'DELETE FROM process_drafts WHERE staff_id = ? AND process_id = ?', [d.staffId, d.processId], tx);
        await exec(db, 'INSERT INTO process_drafts (staff_id, process_id, base_version, xml, saved_at) VALUES (?, ?, ?, ?, ?)', [d.staffId, d.processId, d.baseVersion, d.xml, savedAt], tx);
      });
      return { ...d, savedAt: new Date(savedAt) };
    },
    async remove(staffId, processId) {
      return (await db.transaction((tx) => exec(db, 'DELETE FROM process_drafts WHERE staff_id = ? AND process_id = ?', [staffId, processId], tx))) > 0;
    },
    async listForStaff(staffId) {
      const rows = await select<Omit<Row, 'xml'>>(db, 'SELECT staff_id, process_id, base_version, saved_at FROM process_drafts WHERE staff_id = ? ORDER BY saved_at DESC', [staffId]);
      return rows.map((r) => ({ staffId: r.staff_id, processId: r.process_id, baseVersion: r.base_version === null ? null : Number(r.base_version), savedAt: new Date(Number(r.saved_at)) }));
    },
  };
}
