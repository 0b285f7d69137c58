/**
 * Each petition's keywords (migration 1501) and the 督办 started from hotspots (1502), for the
 * hotspot service (第二十三条(二)). Reads are index ranges: a window's keyword rows
 * (petition_keywords_window), the excluded cases of a window (petitions_status_created), the cases of
 * a hotspot by id.
 */
import type { Transaction } from 'sequelize';
import { exec, insertIfAbsent, select, type Database } from './sql.js';

export interface KeywordRow {
  petitionId: string;
  township: string | null;
  /** best first */
  words: string[];
  receivedMs: number;
}

export interface HotspotCaseRow {
  id: string;
  trackingCode: string;
  title: string;
  township: string | null;
  unitId: string | null;
  status: string;
  createdAt: Date;
}

export interface HotspotSupervisionRecord {
  hotspotKey: string;
  hotspotId: string;
  fromDay: string;
  toDay: string;
  petitionId: string;
  processInstanceKey: string | null;
  caseCount: number;
  words: string[];
  startedBy: string;
  startedAt: Date;
}

/** statuses whose cases no hotspot counts: 恶意/虚假 (第二十七条 附则) and 归并 into another */
export const NOT_COUNTED = ['invalid', 'merged'] as const;

const CHUNK = 500;

export function createPetitionKeywordsRepository(db: Database, opts: { now?: () => number } = {}) {
  const now = opts.now ?? (() => Date.now());

  async function insertRow(petition: { id: string; township: string | null; createdAt: Date }, words: readonly string[], tx: Transaction) {
    // words hold no spaces (the segmenter's words; petitionKeywords trims them)
    const text = [...new Set(words)].filter((w) => w && !/\s/.test(w)).join(' ');
    if (!text) return;
    await exec(db, 'INSERT INTO petition_keywords (petition_id, township, received_ms, words) VALUES (?, ?, ?, ?)', [petition.id, petition.township, petition.createdAt.getTime(), text], tx);
  }

  type Raw = { petition_id: string; township: string | null; received_ms: number | string; words: string };
  const toRow = (r: Raw): KeywordRow => ({ petitionId: r.petition_id, township: r.township, receivedMs: Number(r.received_ms), words: r.words.split(' ') });

  return {
    /** a new petition's keywords, in its submission's transaction (none: no row) */
    record: (petition: { id: string; township: string | null; createdAt: Date }, words: readonly string[], tx: Transaction) => insertRow(petition, words, tx),

    /** a petition's keywords again (the backfill: written twice, stored once) */
    async replace(petition: { id: string; township: string | null; createdAt: Date }, words: readonly string[], tx: Transaction) {
      await exec(db, 'DELETE FROM petition_keywords WHERE petition_id = ?', [petition.id], tx);
      await insertRow(petition, words, tx);
    },

    /** the keywords of every petition received in [from, to), oldest first (then by id: the index's order) */
    async inWindow(from: Date, to: Date): Promise<KeywordRow[]> {
      return (await select<Raw>(db, 'SELECT petition_id, township, received_ms, words FROM petition_keywords WHERE received_ms >= ? AND received_ms < ? ORDER BY received_ms, township, petition_id', [from.getTime(), to.getTime()])).map(toRow);
    },

    /** the ids of the cases received in [from, to) that no hotspot counts (恶意/虚假, 归并) */
    async notCounted(from: Date, to: Date): Promise<Set<string>> {
      const rows = await select<{ id: string }>(
        db,
        `SELECT id FROM petitions WHERE status IN (${NOT_COUNTED.map(() => '?').join(', ')}) AND created_at >= ? AND created_at < ?`,
        [...NOT_COUNTED, from.getTime(), to.getTime()],
      );
      return new Set(rows.map((r) => r.id));
    },

    /** the cases of these ids (in no particular order) */
    async cases(ids: readonly string[]): Promise<HotspotCaseRow[]> {
      const out: HotspotCaseRow[] = [];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const part = ids.slice(i, i + CHUNK);
        const rows = await select<{ id: string; tracking_code: string; title: string; township: string | null; unit_id: string | null; status: string; created_at: number | string }>(
          db,
          `SELECT id, tracking_code, title, township, unit_id, status, created_at FROM petitions WHERE id IN (${part.map(() => '?').join(', ')})`,
          part,
        );
        for (const r of rows) out.push({ id: r.id, trackingCode: r.tracking_code, title: r.title, township: r.township, unitId: r.unit_id, status: r.status, createdAt: new Date(Number(r.created_at)) });
      }
      return out;
    },

    // ---- the one-off walk over the petitions from before this table

    async backfillState(): Promise<{ afterMs: number | null; afterId: string | null; done: boolean }> {
      const [m] = await select<{ after_ms: number | string | null; after_id: string | null; done_at: number | string | null }>(db, "SELECT after_ms, after_id, done_at FROM petition_keyword_marks WHERE name = 'backfill'");
      return { afterMs: m?.after_ms == null ? null : Number(m.after_ms), afterId: m?.after_id ?? null, done: m?.done_at != null };
    },

    /** the next petitions of the walk, oldest first (petitions_created_id) */
    async backfillPage(after: { ms: number; id: string } | null, limit: number): Promise<{ id: string; title: string; content: string; township: string | null; createdAt: Date }[]> {
      const rows = await select<{ id: string; title: string; content: string; township: string | null; created_at: number | string }>(
        db,
        after
          ? 'SELECT id, title, content, township, created_at FROM petitions WHERE created_at > ? OR (created_at = ? AND id > ?) ORDER BY created_at, id LIMIT ?'
          : 'SELECT id, title, content, township, created_at FROM petitions ORDER BY created_at, id LIMIT ?',
        after ? [after.ms, after.ms, after.id, limit] : [limit],
      );
      return rows.map((r) => ({ id: r.id, title: r.title, content: r.content, township: r.township, createdAt: new Date(Number(r.created_at)) }));
    },

    /** where the walk is, with the page it wrote (`done`: it has finished) */
    async saveBackfill(position: { ms: number; id: string } | null, done: boolean, tx: Transaction) {
      const values = { after_ms: position?.ms ?? null, after_id: position?.id ?? null, done_at: done ? now() : null };
      if (!(await insertIfAbsent(db, 'petition_keyword_marks', { name: 'backfill', ...values }, tx))) {
        await exec(db, "UPDATE petition_keyword_marks SET after_ms = ?, after_id = ?, done_at = ? WHERE name = 'backfill'", [values.after_ms, values.after_id, values.done_at], tx);
      }
    },

    // ---- 督办 from a hotspot

    async supervision(hotspotKey: string): Promise<HotspotSupervisionRecord | undefined> {
      const [r] = await select<Record<string, unknown>>(db, 'SELECT * FROM hotspot_supervisions WHERE hotspot_key = ?', [hotspotKey]);
      return r && toSupervision(r);
    },

    /** the 督办 already started from these hotspots (any window), newest first per hotspot */
    async supervisionsOf(hotspotIds: readonly string[]): Promise<HotspotSupervisionRecord[]> {
      if (!hotspotIds.length) return [];
      const out: HotspotSupervisionRecord[] = [];
      for (let i = 0; i < hotspotIds.length; i += CHUNK) {
        const part = hotspotIds.slice(i, i + CHUNK);
        const rows = await select<Record<string, unknown>>(db, `SELECT * FROM hotspot_supervisions WHERE hotspot_id IN (${part.map(() => '?').join(', ')}) ORDER BY started_at DESC`, part);
        out.push(...rows.map(toSupervision));
      }
      return out;
    },

    /** false when one was started for the key already (this transaction then must not go on) */
    recordSupervision(r: Omit<HotspotSupervisionRecord, 'startedAt'>, tx: Transaction): Promise<boolean> {
      return insertIfAbsent(
        db,
        'hotspot_supervisions',
        {
          hotspot_key: r.hotspotKey,
          hotspot_id: r.hotspotId,
          from_day: r.fromDay,
          to_day: r.toDay,
          petition_id: r.petitionId,
          process_instance_key: r.processInstanceKey,
          case_count: r.caseCount,
          words: JSON.stringify(r.words),
          started_by: r.startedBy,
          started_at: now(),
        },
        tx,
      );
    },
  };
}

function toSupervision(r: Record<string, unknown>): HotspotSupervisionRecord {
  return {
    hotspotKey: String(r.hotspot_key),
    hotspotId: String(r.hotspot_id),
    fromDay: String(r.from_day),
    toDay: String(r.to_day),
    petitionId: String(r.petition_id),
    processInstanceKey: r.process_instance_key == null ? null : String(r.process_instance_key),
    caseCount: Number(r.case_count),
    words: JSON.parse(String(r.words)) as string[],
    startedBy: String(r.started_by),
    startedAt: new Date(Number(r.started_at)),
  };
}

export type PetitionKeywordsRepository = ReturnType<typeof createPetitionKeywordsRepository>;
