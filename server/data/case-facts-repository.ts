/**
 * The case-facts projection (tables `case_facts`, `case_fact_supervisions`; migration 1201): what
 * the 月报/季报 (第二十五条) count, one narrow row per petition, kept by the events that change it —
 * each write is one small statement in the event's own transaction (the petitions repository calls
 * these for a submission, a status and a unit; the task projection for a screening and a 督办; the
 * rating, the merge and the 恶意 mark where they commit). Every write is idempotent: a replayed
 * event (a Zeebe listener job taken again) changes nothing more.
 *
 * The reads answer a period's counts "as of" its end: an outcome (accepted, closed, rated, redone,
 * merged) counts when it happened before `to`, so a report made later says the same. A petition
 * marked 恶意/虚假 (第二十七条 附则) counts only as excluded, whenever it was marked (it was never a
 * unit's case); a merged one (归并) only as merged — its kept case is the one counted.
 */
import type { Transaction } from 'sequelize';
import { closedOnTime } from '../../regulation/report-period.js';
import { SATISFIED_RATINGS, isRating } from '../../regulation/ratings.js';
import type { InvalidKind } from '../../regulation/invalid-petitions.js';
import type { VolumeCounts } from '../../regulation/report-figures.js';
import { exec, insertIfAbsent, select, withTx, type Database } from './sql.js';

/** the counts of one slice of a period's cases: a channel, a category, a township ('' for none) or a unit */
export interface FactSlice extends VolumeCounts {
  key: string;
}

/** a period's cases by each slice, and by the latest rating as of its end */
export interface FactSlices {
  channel: FactSlice[];
  category: FactSlice[];
  township: FactSlice[];
  unit: FactSlice[];
  ratings: Map<string, number>;
}

export interface InvalidMark {
  kind: InvalidKind;
  reason: string;
  basis: string;
  by: string;
  at: Date;
  /** the status before the mark, and whether the mark ended a running process (what 撤销认定 restores) */
  previousStatus: string;
  canceledProcess: boolean;
}

export interface LedgerGroup {
  unitId: string;
  blue: number;
  yellow: number;
  red: number;
  deductionTenths: number;
  transfers: number;
  criticisms: number;
}

export interface CaseFactsRepository {
  /** 第六条: a petition received (the submission's transaction) */
  received(f: { petitionId: string; receivedAt: Date; channel: string; category: string; township: string | null }, tx?: Transaction): Promise<void>;
  /** 第七条: the screening found it in scope (受理); the first time counts */
  accepted(petitionId: string, at: Date, tx?: Transaction): Promise<void>;
  /** the unit handling it (转办; again after a 退回) */
  assigned(petitionId: string, unitId: string | null, tx?: Transaction): Promise<void>;
  /** a tracked status the reports count: rejected, the first reply (办结) with the deadline in force, a redo */
  statusChanged(petitionId: string, status: string, at: Date, context?: { finishDueAt?: unknown }, tx?: Transaction): Promise<void>;
  /** 第十七条: the petitioner's rating (the first one is kept beside the latest: a redo asks again) */
  rated(petitionId: string, rating: string, at: Date, tx?: Transaction): Promise<void>;
  /** 第二十三条: a 督办 started (once per its 选择督办方式 task) */
  supervised(petitionId: string, userTaskKey: string, item: string, at: Date, tx?: Transaction): Promise<boolean>;
  /** 归并 */
  merged(petitionId: string, at: Date, tx?: Transaction): Promise<void>;
  /** 第二十七条 附则: false when the petition is marked already */
  markInvalid(petitionId: string, mark: InvalidMark, tx?: Transaction): Promise<boolean>;
  /** 撤销认定: false when it was not marked */
  unmarkInvalid(petitionId: string, tx?: Transaction): Promise<boolean>;
  invalidMark(petitionId: string, tx?: Transaction): Promise<InvalidMark | undefined>;
  /** how many other petitions of this petition's phone (its blind index), received in [from, to), are marked */
  markedCountForSenderOf(petitionId: string, from: Date, to: Date): Promise<number>;
  /** marked petitions whose process instance may still run (the Zeebe reconciler's list), oldest first */
  markedSince(since: Date, limit: number): Promise<{ petitionId: string; processInstanceKey: string | null }[]>;

  /** the period's counted cases by channel, category, township and unit, and their latest ratings */
  slices(from: Date, to: Date): Promise<FactSlices>;
  /** the window's counted cases as one total, and those excluded (恶意/虚假) and merged */
  totals(from: Date, to: Date): Promise<VolumeCounts & { excluded: number; merged: number }>;
  /** the window's cases counted only as excluded (恶意/虚假) and as merged (归并, by `to`) */
  setAside(from: Date, to: Date): Promise<{ excluded: number; merged: number }>;
  /** 督办 started in [from, to), by 第二十三条 item (marked cases left out) */
  supervisionsByItem(from: Date, to: Date): Promise<Map<string, number>>;
  /** the ledger's records of [from, to) by unit (marked cases left out) */
  ledgerByUnit(from: Date, to: Date): Promise<LedgerGroup[]>;

  /** rows for petitions that have none (those from before this table), derived from what is on record; answers how many */
  backfill(options: { finishDueOf(processInstanceKey: string): Promise<number | null>; pageSize?: number }): Promise<number>;
}

const ID = /^[\w.:-]{1,64}$/;
const SATISFIED_SQL = SATISFIED_RATINGS.map((r) => `'${r}'`).join(', ');
const num = (v: unknown) => Number(v ?? 0);

/** the counted cases of [from, to): neither marked nor merged by `to` */
const COUNTED = 'received_ms >= ? AND received_ms < ? AND invalid_kind IS NULL AND (merged_ms IS NULL OR merged_ms >= ?)';

/** the counts of VolumeCounts as of `to` (one `?` each, all `to`) */
const COUNT_COLUMNS = `COUNT(*) AS received,
  SUM(CASE WHEN accepted_ms < ? THEN 1 ELSE 0 END) AS accepted,
  SUM(CASE WHEN rejected_ms < ? THEN 1 ELSE 0 END) AS rejected,
  SUM(CASE WHEN closed_ms < ? THEN 1 ELSE 0 END) AS closed,
  SUM(CASE WHEN closed_ms < ? AND on_time = 1 THEN 1 ELSE 0 END) AS closed_on_time,
  SUM(CASE WHEN first_rated_ms < ? THEN 1 ELSE 0 END) AS rated,
  SUM(CASE WHEN rated_ms < ? THEN (CASE WHEN rating IN (${SATISFIED_SQL}) THEN 1 ELSE 0 END)
           WHEN first_rated_ms < ? THEN (CASE WHEN first_rating IN (${SATISFIED_SQL}) THEN 1 ELSE 0 END) ELSE 0 END) AS satisfied,
  SUM(CASE WHEN redo_ms < ? THEN 1 ELSE 0 END) AS redone`;
const COUNT_PARAMS = 8;

interface CountRow {
  received: unknown;
  accepted: unknown;
  rejected: unknown;
  closed: unknown;
  closed_on_time: unknown;
  rated: unknown;
  satisfied: unknown;
  redone: unknown;
}

const toCounts = (r: CountRow | undefined): VolumeCounts => ({
  received: num(r?.received),
  accepted: num(r?.accepted),
  rejected: num(r?.rejected),
  closed: num(r?.closed),
  closedOnTime: num(r?.closed_on_time),
  rated: num(r?.rated),
  satisfied: num(r?.satisfied),
  redone: num(r?.redone),
});

const clip = (s: string, n: number) => ([...s].length > n ? [...s].slice(0, n).join('') : s);

export function createCaseFactsRepository(db: Database): CaseFactsRepository {
  const run = (sql: string, params: unknown[], tx?: Transaction) => withTx(db, tx, (t) => exec(db, sql, params, t));

  const repo: CaseFactsRepository = {
    async received(f, tx) {
      await withTx(db, tx, (t) =>
        insertIfAbsent(db, 'case_facts', { received_ms: f.receivedAt.getTime(), petition_id: f.petitionId, channel: f.channel, category: f.category, township: f.township ?? '', redo_count: 0, supervision_count: 0, supervision_items: '' }, t),
      );
    },

    async accepted(petitionId, at, tx) {
      await run('UPDATE case_facts SET accepted_ms = ? WHERE petition_id = ? AND accepted_ms IS NULL', [at.getTime(), petitionId], tx);
    },

    async assigned(petitionId, unitId, tx) {
      await run('UPDATE case_facts SET unit_id = ? WHERE petition_id = ?', [unitId, petitionId], tx);
    },

    async statusChanged(petitionId, status, at, context = {}, tx) {
      const t = at.getTime();
      if (status === 'rejected') await run('UPDATE case_facts SET rejected_ms = ? WHERE petition_id = ? AND rejected_ms IS NULL', [t, petitionId], tx);
      else if (status === 'replied') {
        // 办结: the first reply that passed 办结审核 (a redo's answer is `replied` again: not a second 办结)
        const due = typeof context.finishDueAt === 'string' ? Date.parse(context.finishDueAt) : NaN;
        const dueMs = Number.isFinite(due) ? due : null;
        await run('UPDATE case_facts SET closed_ms = ?, due_ms = ?, on_time = ? WHERE petition_id = ? AND closed_ms IS NULL', [t, dueMs, closedOnTime(t, dueMs) ? 1 : 0, petitionId], tx);
      } else if (status === 'redo') await run('UPDATE case_facts SET redo_count = redo_count + 1, redo_ms = COALESCE(redo_ms, ?) WHERE petition_id = ?', [t, petitionId], tx);
    },

    async rated(petitionId, rating, at, tx) {
      if (!isRating(rating)) return;
      const t = at.getTime();
      await run(
        'UPDATE case_facts SET first_rating = COALESCE(first_rating, ?), first_rated_ms = COALESCE(first_rated_ms, ?), rating = ?, rated_ms = ? WHERE petition_id = ?',
        [rating, t, rating, t, petitionId],
        tx,
      );
    },

    async supervised(petitionId, userTaskKey, item, at, tx) {
      return withTx(db, tx, async (t) => {
        const created = await insertIfAbsent(db, 'case_fact_supervisions', { user_task_key: userTaskKey, petition_id: petitionId, item: clip(item, 8), started_ms: at.getTime() }, t);
        if (!created) return false;
        // the items of a case as a short list (`一,四`): 第二十三条 has five
        const [row] = await select<{ supervision_items: string }>(db, 'SELECT supervision_items FROM case_facts WHERE petition_id = ?', [petitionId], t);
        if (!row) return true;
        const items = row.supervision_items ? row.supervision_items.split(',') : [];
        if (!items.includes(item)) items.push(item);
        await exec(db, 'UPDATE case_facts SET supervision_count = supervision_count + 1, supervision_items = ? WHERE petition_id = ?', [clip(items.join(','), 32), petitionId], t);
        return true;
      });
    },

    async merged(petitionId, at, tx) {
      await run('UPDATE case_facts SET merged_ms = ? WHERE petition_id = ? AND merged_ms IS NULL', [at.getTime(), petitionId], tx);
    },

    async markInvalid(petitionId, mark, tx) {
      const n = await run(
        'UPDATE case_facts SET invalid_kind = ?, invalid_ms = ?, invalid_reason = ?, invalid_basis = ?, invalid_by = ?, invalid_prev = ? WHERE petition_id = ? AND invalid_kind IS NULL',
        [mark.kind, mark.at.getTime(), clip(mark.reason, 200), clip(mark.basis, 200), mark.by, `${mark.canceledProcess ? 1 : 0}:${mark.previousStatus}`, petitionId],
        tx,
      );
      return n === 1;
    },

    async unmarkInvalid(petitionId, tx) {
      const n = await run(
        'UPDATE case_facts SET invalid_kind = NULL, invalid_ms = NULL, invalid_reason = NULL, invalid_basis = NULL, invalid_by = NULL, invalid_prev = NULL WHERE petition_id = ? AND invalid_kind IS NOT NULL',
        [petitionId],
        tx,
      );
      return n === 1;
    },

    async invalidMark(petitionId, tx) {
      if (!ID.test(petitionId)) return undefined;
      const [r] = await select<{ invalid_kind: string | null; invalid_ms: unknown; invalid_reason: string; invalid_basis: string; invalid_by: string; invalid_prev: string | null }>(
        db,
        'SELECT invalid_kind, invalid_ms, invalid_reason, invalid_basis, invalid_by, invalid_prev FROM case_facts WHERE petition_id = ?',
        [petitionId],
        tx,
      );
      if (!r || !r.invalid_kind) return undefined;
      const prev = r.invalid_prev ?? '0:closed';
      return {
        kind: r.invalid_kind as InvalidKind,
        reason: r.invalid_reason,
        basis: r.invalid_basis,
        by: r.invalid_by,
        at: new Date(num(r.invalid_ms)),
        canceledProcess: prev.startsWith('1:'),
        previousStatus: prev.slice(2),
      };
    },

    async markedCountForSenderOf(petitionId, from, to) {
      // the sender's petitions (petitions_phone_index: a handful), each one's mark by its key
      const [r] = await select<{ n: unknown }>(
        db,
        `SELECT COUNT(*) AS n FROM petitions p JOIN case_facts f ON f.petition_id = p.id
          WHERE p.phone_index = (SELECT phone_index FROM petitions WHERE id = ?) AND p.id <> ?
            AND p.created_at >= ? AND p.created_at < ? AND f.invalid_kind IS NOT NULL`,
        [petitionId, petitionId, from.getTime(), to.getTime()],
      );
      return num(r?.n);
    },

    async markedSince(since, limit) {
      const n = Math.max(1, Math.min(Math.floor(limit), 500));
      const rows = await select<{ petition_id: string; process_instance_key: string | null }>(
        db,
        `SELECT f.petition_id, p.process_instance_key FROM case_facts f JOIN petitions p ON p.id = f.petition_id WHERE f.invalid_ms >= ? ORDER BY f.invalid_ms LIMIT ${n}`,
        [since.getTime()],
      );
      return rows.map((r) => ({ petitionId: r.petition_id, processInstanceKey: r.process_instance_key ?? null }));
    },

    async slices(from, to) {
      const f = from.getTime();
      const t = to.getTime();
      // one narrow GROUP BY per slice: a few rows each (a single GROUP BY of every key at once answers
      // thousands of rows, which cost more to read than the range scans do)
      const by = async (column: string) => {
        const rows = await select<CountRow & { k: string | null }>(db, `SELECT ${column} AS k, ${COUNT_COLUMNS} FROM case_facts WHERE ${COUNTED} GROUP BY ${column}`, [...Array(COUNT_PARAMS).fill(t), f, t, t]);
        return rows.map((r) => ({ key: r.k, ...toCounts(r) }));
      };
      const channel = await by('channel');
      const category = await by('category');
      const township = await by('township');
      const unit = (await by('unit_id')).filter((r) => r.key !== null) as FactSlice[];
      const ratings = await select<{ r: string | null; n: unknown }>(
        db,
        `SELECT CASE WHEN rated_ms < ? THEN rating ELSE first_rating END AS r, COUNT(*) AS n FROM case_facts WHERE ${COUNTED} AND first_rated_ms < ? GROUP BY r`,
        [t, f, t, t, t],
      );
      return {
        channel: channel as FactSlice[],
        category: category as FactSlice[],
        township: township.map((r) => ({ ...r, key: r.key ?? '' })),
        unit,
        ratings: new Map(ratings.filter((r) => r.r !== null).map((r) => [r.r as string, num(r.n)])),
      };
    },

    async totals(from, to) {
      const f = from.getTime();
      const t = to.getTime();
      const [counted] = await select<CountRow>(db, `SELECT ${COUNT_COLUMNS} FROM case_facts WHERE ${COUNTED}`, [...Array(COUNT_PARAMS).fill(t), f, t, t]);
      return { ...toCounts(counted), ...(await repo.setAside(from, to)) };
    },

    async setAside(from, to) {
      const t = to.getTime();
      const [other] = await select<{ excluded: unknown; merged: unknown }>(
        db,
        `SELECT SUM(CASE WHEN invalid_kind IS NOT NULL THEN 1 ELSE 0 END) AS excluded,
                SUM(CASE WHEN invalid_kind IS NULL AND merged_ms < ? THEN 1 ELSE 0 END) AS merged
           FROM case_facts WHERE received_ms >= ? AND received_ms < ? AND (invalid_kind IS NOT NULL OR merged_ms IS NOT NULL)`,
        [t, from.getTime(), t],
      );
      return { excluded: num(other?.excluded), merged: num(other?.merged) };
    },

    async supervisionsByItem(from, to) {
      const rows = await select<{ item: string; n: unknown }>(
        db,
        `SELECT s.item, COUNT(*) AS n FROM case_fact_supervisions s
          WHERE s.started_ms >= ? AND s.started_ms < ?
            AND NOT EXISTS (SELECT 1 FROM case_facts f WHERE f.petition_id = s.petition_id AND f.invalid_kind IS NOT NULL)
          GROUP BY s.item`,
        [from.getTime(), to.getTime()],
      );
      return new Map(rows.map((r) => [r.item, num(r.n)]));
    },

    async ledgerByUnit(from, to) {
      const range = [from.getTime(), to.getTime()];
      const notMarked = (alias: string) => `NOT EXISTS (SELECT 1 FROM case_facts f WHERE f.petition_id = ${alias}.petition_id AND f.invalid_kind IS NOT NULL)`;
      const warnings = await select<{ unit_id: string; level: string; n: unknown; points: unknown }>(
        db,
        `SELECT l.unit_id, l.level, COUNT(*) AS n, SUM(l.points) AS points FROM score_ledger l
          WHERE l.created_at >= ? AND l.created_at < ? AND ${notMarked('l')} GROUP BY l.unit_id, l.level`,
        range,
      );
      const transfers = await select<{ unit_id: string; n: unknown }>(
        db,
        `SELECT t.unit_id, COUNT(*) AS n FROM inspection_transfers t WHERE t.created_at >= ? AND t.created_at < ? AND ${notMarked('t')} GROUP BY t.unit_id`,
        range,
      );
      // a criticism from elsewhere (no case) counts too
      const criticisms = await select<{ unit_id: string; n: unknown }>(
        db,
        `SELECT c.unit_id, COUNT(*) AS n FROM criticisms c WHERE c.created_at >= ? AND c.created_at < ? AND (c.petition_id IS NULL OR ${notMarked('c')}) GROUP BY c.unit_id`,
        range,
      );
      const out = new Map<string, LedgerGroup>();
      const of = (unitId: string) => {
        let g = out.get(unitId);
        if (!g) out.set(unitId, (g = { unitId, blue: 0, yellow: 0, red: 0, deductionTenths: 0, transfers: 0, criticisms: 0 }));
        return g;
      };
      for (const w of warnings) {
        const g = of(w.unit_id);
        if (w.level === 'blue' || w.level === 'yellow' || w.level === 'red') g[w.level] += num(w.n);
        g.deductionTenths += num(w.points);
      }
      for (const r of transfers) of(r.unit_id).transfers += num(r.n);
      for (const r of criticisms) of(r.unit_id).criticisms += num(r.n);
      return [...out.values()];
    },

    async backfill(options) {
      // once per database: afterwards every petition gets its row from its own events
      const [done] = await select<{ name: string }>(db, "SELECT name FROM case_facts_marks WHERE name = 'backfill'");
      if (done) return 0;
      const size = options.pageSize ?? 500;
      let brought = 0;
      for (let after = { at: -1, id: '' }; ; ) {
        // petitions without a row, oldest first, a keyset page at a time
        const page = await select<{ id: string; channel: string; category: string; township: string | null; status: string; unit_id: string | null; process_instance_key: string | null; merged_at: unknown; created_at: unknown; updated_at: unknown }>(
          db,
          `SELECT p.id, p.channel, p.category, p.township, p.status, p.unit_id, p.process_instance_key, p.merged_at, p.created_at, p.updated_at FROM petitions p
            WHERE (p.created_at > ? OR (p.created_at = ? AND p.id > ?))
              AND NOT EXISTS (SELECT 1 FROM case_facts f WHERE f.petition_id = p.id)
            ORDER BY p.created_at, p.id LIMIT ${size}`,
          [after.at, after.at, after.id],
        );
        if (page.length === 0) {
          await db.transaction((tx) => insertIfAbsent(db, 'case_facts_marks', { name: 'backfill', at: Date.now() }, tx));
          return brought;
        }
        const ids = page.map((p) => p.id);
        const audit = await select<{ petition_id: string; action: string; detail: string | null; at: unknown }>(
          db,
          `SELECT petition_id, action, detail, at FROM audit_log WHERE petition_id IN (${ids.map(() => '?').join(', ')})
             AND action IN ('task.completed', 'petition.rated', 'petition.rated-by-phone', 'case.supervision-started') ORDER BY id`,
          ids,
        );
        const byPetition = new Map<string, typeof audit>();
        for (const a of audit) byPetition.set(a.petition_id, [...(byPetition.get(a.petition_id) ?? []), a]);
        const rows: Record<string, unknown>[] = [];
        for (const p of page) rows.push(await derive(p, (byPetition.get(p.id) ?? []).map((a) => ({ action: a.action, at: num(a.at), detail: parseDetail(a.detail) })), options.finishDueOf));
        // a page per transaction; a row an event wrote meanwhile stays as it is
        await db.transaction(async (tx) => {
          for (const row of rows) if (await insertIfAbsent(db, 'case_facts', row, tx)) brought++;
        });
        const last = page[page.length - 1];
        after = { at: num(last.created_at), id: last.id };
      }
    },
  };
  return repo;
}

function parseDetail(text: string | null): Record<string, unknown> {
  try {
    const v = text ? JSON.parse(text) : {};
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

const ANSWERED = new Set(['replied', 'closed', 'not-rated', 'redo', 'judging', 'supervised']);

/**
 * A row for a petition from before the projection, from what is on record: its status, the audit
 * log's screening, 办结审核, ratings and 督办, and (for an answered case) the deadline its process
 * holds. Times the record does not keep are the nearest it does (the status's last change).
 */
async function derive(
  p: { id: string; channel: string; category: string; township: string | null; status: string; unit_id: string | null; process_instance_key: string | null; merged_at: unknown; created_at: unknown; updated_at: unknown },
  entries: { action: string; at: number; detail: Record<string, unknown> }[],
  finishDueOf: (processInstanceKey: string) => Promise<number | null>,
): Promise<Record<string, unknown>> {
  const updated = num(p.updated_at);
  const done = (elementId: string) => entries.filter((e) => e.action === 'task.completed' && e.detail.elementId === elementId);
  const screened = done('Task_ScreenPetition')[0];
  const ratings = entries.filter((e) => e.action === 'petition.rated' || e.action === 'petition.rated-by-phone').filter((e) => isRating(e.detail.rating));
  const approved = done('Task_ReviewReply').find((e) => e.detail.outcome && (e.detail.outcome as Record<string, unknown>).reviewApproved === true);
  const answered = ANSWERED.has(p.status);
  const closedMs = answered ? (approved?.at ?? updated) : null;
  const dueMs = answered && p.process_instance_key ? await finishDueOf(p.process_instance_key) : null;
  const redo = done('Task_Redo')[0];
  const supervisions = entries.filter((e) => e.action === 'case.supervision-started');
  const items = [...new Set(supervisions.map((e) => String(e.detail.trigger ?? '')).filter(Boolean))];
  const accepted = !['submitted', 'screening', 'rejected', 'merged', 'invalid'].includes(p.status);
  return {
    received_ms: num(p.created_at),
    petition_id: p.id,
    channel: p.channel,
    category: p.category,
    township: p.township ?? '',
    unit_id: p.unit_id,
    accepted_ms: accepted ? (screened?.at ?? num(p.created_at)) : null,
    rejected_ms: p.status === 'rejected' ? (screened?.at ?? updated) : null,
    closed_ms: closedMs,
    due_ms: dueMs,
    on_time: closedMs === null ? null : closedOnTime(closedMs, dueMs) ? 1 : 0,
    first_rating: ratings[0]?.detail.rating ?? null,
    first_rated_ms: ratings[0]?.at ?? null,
    rating: ratings.at(-1)?.detail.rating ?? null,
    rated_ms: ratings.at(-1)?.at ?? null,
    redo_count: redo ? 1 : 0,
    redo_ms: redo?.at ?? null,
    supervision_count: supervisions.length,
    supervision_items: items.join(',').slice(0, 32),
    merged_ms: p.merged_at === null || p.merged_at === undefined ? null : num(p.merged_at),
  };
}

export type { VolumeCounts };
