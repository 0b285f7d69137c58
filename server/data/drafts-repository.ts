/**
 * The modeler's drafts (table `process_drafts`, migration 0502): one per process admin and
 * process. Saving replaces the admin's draft; deploying or discarding removes it. Plain objects out.
 * The decision editor's drafts (table `decision_drafts`, migration 1101) work the same way, per admin
 * and decision.
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

/** the SQL of one drafts table, keyed by staff and `column` (the process or decision id) */
function draftTable(db: Database, table: 'process_drafts' | 'decision_drafts', column: 'process_id' | 'decision_id', now: () => number) {
  type R = { staff_id: string; base_version: unknown; xml: string; saved_at: unknown } & Record<string, unknown>;
  const record = (r: R) => ({
    staffId: r.staff_id,
    id: String(r[column]),
    baseVersion: r.base_version === null ? null : Number(r.base_version),
    xml: r.xml,
    savedAt: new Date(Number(r.saved_at)),
  });
  return {
    async get(staffId: string, id: string) {
      const [row] = await select<R>(db, `SELECT * FROM ${table} WHERE staff_id = ? AND ${column} = ?`, [staffId, id]);
      return row && record(row);
    },
    async save(staffId: string, id: string, baseVersion: number | null, xml: string) {
      const savedAt = now();
      // delete + insert in one transaction: the same on SQLite and MariaDB
      await db.transaction(async (tx) => {
        await exec(db, `DELETE FROM ${table} WHERE staff_id = ? AND ${column} = ?`, [staffId, id], tx);
        await exec(db, `INSERT INTO ${table} (staff_id, ${column}, base_version, xml, saved_at) VALUES (?, ?, ?, ?, ?)`, [staffId, id, baseVersion, xml, savedAt], tx);
      });
      return new Date(savedAt);
    },
    async remove(staffId: string, id: string) {
      return (await db.transaction((tx) => exec(db, `DELETE FROM ${table} WHERE staff_id = ? AND ${column} = ?`, [staffId, id], tx))) > 0;
    },
    async listForStaff(staffId: string) {
      const rows = await select<R>(db, `SELECT staff_id, ${column}, base_version, saved_at FROM ${table} WHERE staff_id = ? ORDER BY saved_at DESC`, [staffId]);
      return rows.map((r) => ({ staffId: r.staff_id, id: String(r[column]), baseVersion: r.base_version === null ? null : Number(r.base_version), savedAt: new Date(Number(r.saved_at)) }));
    },
  };
}

export function createDraftsRepository(db: Database, options: { now?: () => number } = {}): DraftsRepository {
  const t = draftTable(db, 'process_drafts', 'process_id', options.now ?? Date.now);
  const out = <T extends { id: string }>({ id, ...rest }: T) => ({ ...rest, processId: id });
  return {
    async get(staffId, processId) {
      const d = await t.get(staffId, processId);
      return d && out(d);
    },
    async save(d) {
      return { ...d, savedAt: await t.save(d.staffId, d.processId, d.baseVersion, d.xml) };
    },
    remove: (staffId, processId) => t.remove(staffId, processId),
    async listForStaff(staffId) {
      return (await t.listForStaff(staffId)).map(out);
    },
  };
}

export interface DecisionDraftRecord {
  staffId: string;
  decisionId: string;
  /** the deployed version the draft started from */
  baseVersion: number | null;
  xml: string;
  savedAt: Date;
}

export interface DecisionDraftsRepository {
  get(staffId: string, decisionId: string): Promise<DecisionDraftRecord | undefined>;
  save(draft: Omit<DecisionDraftRecord, 'savedAt'>): Promise<DecisionDraftRecord>;
  /** true when there was one */
  remove(staffId: string, decisionId: string): Promise<boolean>;
  /** the admin's drafts, newest first, without their XML */
  listForStaff(staffId: string): Promise<Omit<DecisionDraftRecord, 'xml'>[]>;
}

export function createDecisionDraftsRepository(db: Database, options: { now?: () => number } = {}): DecisionDraftsRepository {
  const t = draftTable(db, 'decision_drafts', 'decision_id', options.now ?? Date.now);
  const out = <T extends { id: string }>({ id, ...rest }: T) => ({ ...rest, decisionId: id });
  return {
    async get(staffId, decisionId) {
      const d = await t.get(staffId, decisionId);
      return d && out(d);
    },
    async save(d) {
      return { ...d, savedAt: await t.save(d.staffId, d.decisionId, d.baseVersion, d.xml) };
    },
    remove: (staffId, decisionId) => t.remove(staffId, decisionId),
    async listForStaff(staffId) {
      return (await t.listForStaff(staffId)).map(out);
    },
  };
}
