/**
 * 第二十七条 知识库维护 (issue 17): each unit's upkeep of its knowledge entries in a period, from the
 * entries' history (regulation/assessment.ts says what counts). Plain statements, the same on SQLite
 * and MySQL; the instants are milliseconds.
 */
import type { KnowledgeUpkeep } from '../../regulation/assessment.js';
import { select, type Database } from './sql.js';

const DAY_MS = 86_400_000;

/** what answers an expired entry: the unit reviewed it (resubmitted or retired it) or it was published again */
const REVIEWED = ['renewed', 'submitted', 'published', 'retired'] as const;

/**
 * By owner unit: `kept` — entries with a publication in [from, to) (each entry once); `lapsed` —
 * entries that expired and got no review within `graceDays`, the grace ending in [from, to) (so each
 * lapse counts in exactly one period, once its grace is over).
 */
export async function knowledgeUpkeep(db: Database, from: Date, to: Date, graceDays: number): Promise<Map<string, KnowledgeUpkeep>> {
  const grace = graceDays * DAY_MS;
  const [kept, lapsed] = await Promise.all([
    select<{ unit_id: string; n: number | string }>(
      db,
      "SELECT e.owner_unit_id AS unit_id, COUNT(DISTINCT h.entry_id) AS n FROM knowledge_history h JOIN knowledge_entries e ON e.id = h.entry_id WHERE h.action = 'published' AND h.at >= ? AND h.at < ? GROUP BY e.owner_unit_id",
      [from.getTime(), to.getTime()],
    ),
    select<{ unit_id: string; n: number | string }>(
      db,
      `SELECT e.owner_unit_id AS unit_id, COUNT(DISTINCT h.entry_id) AS n FROM knowledge_history h JOIN knowledge_entries e ON e.id = h.entry_id
       WHERE h.action = 'expired' AND h.at >= ? AND h.at < ?
         AND NOT EXISTS (SELECT 1 FROM knowledge_history r WHERE r.entry_id = h.entry_id AND r.action IN (${REVIEWED.map(() => '?').join(', ')}) AND r.at > h.at AND r.at <= h.at + ?)
       GROUP BY e.owner_unit_id`,
      [from.getTime() - grace, to.getTime() - grace, ...REVIEWED, grace],
    ),
  ]);
  const out = new Map<string, KnowledgeUpkeep>();
  const of = (unitId: string) => out.get(unitId) ?? out.set(unitId, { kept: 0, lapsed: 0 }).get(unitId)!;
  for (const r of kept) of(String(r.unit_id)).kept = Number(r.n);
  for (const r of lapsed) of(String(r.unit_id)).lapsed = Number(r.n);
  return out;
}
