/**
 * The case list's search (issue 15): every filter staff use, a keyword within a date range, the
 * phone through its blind index, a warning raised; keyset pages forward and backward, newest or
 * oldest first or most recently updated — each one range of an index led by the filter
 * (migration 1003). Split from petitions-repository.ts, which answers it as `search`.
 */
import { toPetition, type Petition, type PetitionRow } from './petition-row.js';
import { select, type Database } from './sql.js';

/** the case list's conditions (all of them apply); the account's own bound (`unitId`, `coHandled`) first */
export interface CaseFilter {
  unitId?: string;
  coHandled?: boolean;
  status?: string;
  category?: string;
  /** the handling unit, as a filter (not an access bound) */
  assignedUnit?: string;
  township?: string;
  channel?: string;
  urgent?: boolean;
  /** a 红黄蓝 warning of one of these levels was raised (score_ledger) */
  warningLevels?: readonly string[];
  /** received in [from, to) */
  from?: Date;
  to?: Date;
  trackingCode?: string;
  /** a word in the title or the content (LIKE: bound it with a date range) */
  keyword?: string;
  /** the petitioner's mobile, matched through its blind index (never stored or compared in clear) */
  phone?: string;
}

/** the list's orders: received newest or oldest first, or updated most recently */
export type CaseOrder = 'created-desc' | 'created-asc' | 'updated-desc';

/** a LIKE pattern matching `word` anywhere, its wildcards taken literally (escape character `!`) */
const containing = (word: string) => `%${word.replace(/[!%_]/g, (c) => `!${c}`)}%`;

const ORDERS: Record<CaseOrder, { column: string; desc: boolean }> = {
  'created-desc': { column: 'created_at', desc: true },
  'created-asc': { column: 'created_at', desc: false },
  'updated-desc': { column: 'updated_at', desc: true },
};

/** a page of petitions matching the filter, in the page's order */
export async function searchPetitions(
  db: Database,
  deps: { phoneIndex(phone: string): string; columns: string },
  filter: CaseFilter,
  page: { order: CaseOrder; after?: { key: number; id: string }; backward?: boolean; limit: number },
): Promise<Petition[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq = (column: string, value: unknown) => {
    where.push(`${column} = ?`);
    params.push(value);
  };
  if (filter.status !== undefined) eq('status', filter.status);
  if (filter.category !== undefined) eq('category', filter.category);
  if (filter.assignedUnit !== undefined) eq('unit_id', filter.assignedUnit);
  if (filter.township !== undefined) eq('township', filter.township);
  if (filter.channel !== undefined) eq('channel', filter.channel);
  if (filter.urgent !== undefined) eq('urgent', filter.urgent);
  if (filter.trackingCode !== undefined) eq('tracking_code', filter.trackingCode);
  if (filter.phone !== undefined) eq('phone_index', deps.phoneIndex(filter.phone));
  if (filter.warningLevels?.length) {
    where.push(`EXISTS (SELECT 1 FROM score_ledger s WHERE s.petition_id = petitions.id AND s.level IN (${filter.warningLevels.map(() => '?').join(', ')}))`);
    params.push(...filter.warningLevels);
  }
  if (filter.from) {
    where.push('created_at >= ?');
    params.push(filter.from.getTime());
  }
  if (filter.to) {
    where.push('created_at < ?');
    params.push(filter.to.getTime());
  }
  if (filter.keyword !== undefined) {
    where.push("(title LIKE ? ESCAPE '!' OR content LIKE ? ESCAPE '!')");
    params.push(containing(filter.keyword), containing(filter.keyword));
  }
  const { column, desc } = ORDERS[page.order];
  // reading backward (the page before): the other way along the index, turned round afterwards
  const down = page.backward ? !desc : desc;
  if (page.after) {
    // the redundant first bound lets MariaDB take the index range (it does not for the OR alone)
    where.push(`${column} ${down ? '<=' : '>='} ? AND (${column} ${down ? '<' : '>'} ? OR id ${down ? '<' : '>'} ?)`);
    params.push(page.after.key, page.after.key, page.after.id);
  }
  const n = Math.max(1, Math.min(Math.floor(page.limit), 5000));
  const dir = down ? 'DESC' : 'ASC';
  const orderBy = `ORDER BY ${column} ${dir}, id ${dir} LIMIT ${n}`;
  const branch = (own: string[], ownParams: unknown[]) => ({
    sql: `SELECT ${deps.columns} FROM petitions WHERE ${[...own, ...where].join(' AND ') || '1 = 1'} ${orderBy}`,
    params: [...ownParams, ...params],
  });
  let rows: PetitionRow[];
  if (filter.unitId !== undefined && filter.coHandled) {
    // a unit's cases and those it co-handles: two index ranges merged (an OR of the two would
    // walk the whole created_at index for a small unit)
    const lead = branch(['unit_id = ?'], [filter.unitId]);
    const co = branch(['id IN (SELECT petition_id FROM petition_co_units WHERE unit_id = ?)'], [filter.unitId]);
    rows = await select<PetitionRow>(db, `SELECT * FROM (SELECT * FROM (${lead.sql}) lead_cases UNION SELECT * FROM (${co.sql}) co_cases) unit_cases ${orderBy}`, [...lead.params, ...co.params]);
  } else {
    const one = filter.unitId !== undefined ? branch(['unit_id = ?'], [filter.unitId]) : branch([], []);
    rows = await select<PetitionRow>(db, one.sql, one.params);
  }
  const found = rows.map(toPetition);
  return page.backward ? found.reverse() : found;
}
