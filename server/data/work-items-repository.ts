/**
 * The staff work queue (`work_items`, migration 1001; issue 15): written in the engine's transaction
 * by the user-task projector, read by the task lists as one index range per tab and page (keyset, no
 * OFFSET), with each tab's count. Returns plain objects.
 *
 * A list is read within a scope: the account's candidate groups (one row per task and group; a
 * person holding two groups a task is offered to would meet it twice, so those reads are made
 * distinct), or the whole city (`is_first`: each task once).
 */
import type { Transaction } from 'sequelize';
import { PRIORITY_RANK, priorityOfRank, type Priority, type QueueSort, type QueueTab } from '../../regulation/work-queue.js';
import type { WarningLevel } from '../../regulation/warnings.js';
import { exec, insertIfAbsent, select, withTx, type Database } from './sql.js';

/** the sort value of a task without a deadline: after every real one */
export const NO_DUE = 8_640_000_000_000_000;

export interface NewWorkItem {
  userTaskKey: string;
  processInstanceKey: string;
  processId: string;
  elementId: string;
  name: string;
  formId?: string;
  groups: string[];
  petitionId?: string;
  trackingCode?: string;
  category?: string;
  channel?: string;
  township?: string | null;
  unitId?: string | null;
  urgent: boolean;
  /** the case's title and text (the keyword search) */
  searchText?: string;
  receivedAt: Date;
  createdAt: Date;
  dueAt?: Date;
  dueLabel?: string;
  blueAt?: Date;
  yellowAt?: Date;
  redAt?: Date;
  priority?: Priority;
}

export interface WorkItem extends Omit<NewWorkItem, 'priority'> {
  priority: Priority;
  assignee?: string;
  assignedAt?: Date;
  state: 'open' | 'done';
  completedBy?: string;
  completedAt?: Date;
}

export type QueueScopeSql = { groups: string[] } | 'all';

export interface QueueFilter {
  tab: QueueTab;
  sort: QueueSort;
  colour?: WarningLevel;
  category?: string;
  channel?: string;
  township?: string;
  unitId?: string;
  task?: string;
  trackingCode?: string;
  keyword?: string;
  phoneIndex?: string;
}

/** a word search counts at most this many matches (the tabs then say 「前 1000 件」) */
export const COUNT_CAP = 1000;

export interface QueueCounts {
  /** a word search with more matches than COUNT_CAP: the counts are of the first COUNT_CAP */
  capped?: boolean;
  all: number;
  mine: number;
  unclaimed: number;
  soon: number;
  overdue: number;
  blue: number;
  yellow: number;
  red: number;
  done: number;
}

/** a keyset position: the sort values of a row and its key */
export type Cursor = (number | string)[];

interface Row {
  user_task_key: string;
  grp: string;
  process_instance_key: string;
  process_id: string;
  element_id: string;
  name: string;
  form_id: string | null;
  groups_text: string;
  petition_id: string | null;
  tracking_code: string | null;
  category: string | null;
  channel: string | null;
  township: string | null;
  unit_id: string | null;
  urgent: number | boolean;
  received_ms: number | string;
  created_ms: number | string;
  due_ms: number | string;
  due_label: string | null;
  blue_ms: number | string | null;
  yellow_ms: number | string | null;
  red_ms: number | string | null;
  priority_rank: number | string;
  assignee: string | null;
  assigned_ms: number | string | null;
  state: string;
  completed_by: string | null;
  completed_ms: number | string | null;
}

const dateOf = (v: number | string | null): Date | undefined => (v === null || v === undefined ? undefined : new Date(Number(v)));

function toItem(r: Row): WorkItem {
  const due = Number(r.due_ms);
  return {
    userTaskKey: r.user_task_key,
    processInstanceKey: r.process_instance_key,
    processId: r.process_id,
    elementId: r.element_id,
    name: r.name,
    ...(r.form_id && { formId: r.form_id }),
    groups: r.groups_text.split(' ').filter(Boolean),
    ...(r.petition_id && { petitionId: r.petition_id }),
    ...(r.tracking_code && { trackingCode: r.tracking_code }),
    ...(r.category && { category: r.category }),
    ...(r.channel && { channel: r.channel }),
    township: r.township,
    unitId: r.unit_id,
    urgent: Boolean(Number(r.urgent)),
    receivedAt: new Date(Number(r.received_ms)),
    createdAt: new Date(Number(r.created_ms)),
    ...(due !== NO_DUE && { dueAt: new Date(due) }),
    ...(r.due_label && { dueLabel: r.due_label }),
    ...(r.blue_ms !== null && { blueAt: dateOf(r.blue_ms) }),
    ...(r.yellow_ms !== null && { yellowAt: dateOf(r.yellow_ms) }),
    ...(r.red_ms !== null && { redAt: dateOf(r.red_ms) }),
    priority: priorityOfRank(Number(r.priority_rank)),
    ...(r.assignee && { assignee: r.assignee, assignedAt: dateOf(r.assigned_ms) }),
    state: r.state === 'done' ? 'done' : 'open',
    ...(r.completed_by && { completedBy: r.completed_by }),
    ...(r.completed_ms !== null && { completedAt: dateOf(r.completed_ms) }),
  };
}

/** the columns of each sort, the key last; 已办 newest first */
function sortColumns(filter: Pick<QueueFilter, 'tab' | 'sort'>): { cols: string[]; desc: boolean } {
  if (filter.tab === 'done') return { cols: ['completed_ms', 'user_task_key'], desc: true };
  if (filter.sort === 'received') return { cols: ['received_ms', 'user_task_key'], desc: false };
  if (filter.sort === 'priority') return { cols: ['priority_rank', 'due_ms', 'user_task_key'], desc: false };
  return { cols: ['due_ms', 'user_task_key'], desc: false };
}

/** LIKE with `!` as the escape character (the same on SQLite and MySQL) */
const likeOf = (words: string) => `%${words.replace(/[!%_]/g, (c) => `!${c}`)}%`;

const num = (v: number | string | null) => (v === null ? null : Number(v));

/** the tab's condition, as whereOf writes it in SQL, on rows already read */
function inTab(r: Row, filter: QueueFilter, at: { now: number; soonMs: number; staffId: string }): boolean {
  const due = Number(r.due_ms);
  const reached = (v: number | string | null) => v !== null && Number(v) <= at.now;
  switch (filter.tab) {
    case 'mine':
      return r.assignee === at.staffId;
    case 'unclaimed':
      return r.assignee === null;
    case 'soon':
      return due > at.now && due <= at.soonMs;
    case 'overdue':
      if (due > at.now) return false;
      if (filter.colour === 'red') return reached(r.red_ms);
      if (filter.colour === 'yellow') return reached(r.yellow_ms) && !reached(r.red_ms);
      if (filter.colour === 'blue') return reached(r.blue_ms) && !reached(r.yellow_ms);
      return true;
    default:
      return true;
  }
}

/** every open tab's count of rows already read (as counts() answers in SQL) */
function countOf(rows: Row[], at: { now: number; soonMs: number; staffId: string }): QueueCounts {
  const c: QueueCounts = { all: rows.length, mine: 0, unclaimed: 0, soon: 0, overdue: 0, blue: 0, yellow: 0, red: 0, done: 0 };
  for (const r of rows) {
    const due = Number(r.due_ms);
    const reached = (v: number | string | null) => num(v) !== null && Number(v) <= at.now;
    if (r.assignee === at.staffId) c.mine++;
    if (r.assignee === null) c.unclaimed++;
    if (due > at.now && due <= at.soonMs) c.soon++;
    if (due <= at.now) c.overdue++;
    if (reached(r.red_ms)) c.red++;
    else if (reached(r.yellow_ms)) c.yellow++;
    else if (reached(r.blue_ms)) c.blue++;
  }
  return c;
}

/** one keyset page of rows already read, in the sort's order (the key compared as the databases' binary order) */
function pageOf(rows: Row[], filter: QueueFilter, paging: { after?: Cursor; before?: Cursor; limit: number }): { items: WorkItem[]; next?: Cursor; prev?: Cursor } {
  const { cols, desc } = sortColumns(filter);
  for (const c of [paging.after, paging.before]) if (c && c.length !== cols.length) throw new RangeError('cursor of another sort');
  const valueOf = (r: Row): Cursor => cols.map((c) => (c === 'user_task_key' ? r.user_task_key : Number(r[c as keyof Row])));
  const cmp = (a: Cursor, b: Cursor) => {
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      const d = typeof a[i] === 'number' ? (a[i] as number) - (b[i] as number) : String(a[i]) < String(b[i]) ? -1 : 1;
      return desc ? -d : d;
    }
    return 0;
  };
  const sorted = [...rows].sort((a, b) => cmp(valueOf(a), valueOf(b)));
  const limit = Math.max(1, Math.min(Math.floor(paging.limit), 500));
  let from = 0;
  let to = sorted.length;
  if (paging.after) from = sorted.findIndex((r) => cmp(valueOf(r), paging.after!) > 0);
  if (from < 0) from = sorted.length;
  if (paging.before) {
    const at = sorted.findIndex((r) => cmp(valueOf(r), paging.before!) >= 0);
    to = at < 0 ? sorted.length : at;
    from = Math.max(0, to - limit);
  } else to = Math.min(sorted.length, from + limit);
  const page = sorted.slice(from, to);
  return {
    items: page.map(toItem),
    ...(page.length && to < sorted.length && { next: valueOf(page[page.length - 1]) }),
    ...(page.length && from > 0 && { prev: valueOf(page[0]) }),
  };
}

export function createWorkItemsRepository(db: Database) {
  // 已办 is read by who completed it: while few tasks are done the planner's statistics (every
  // completed_by NULL) make that index look useless, and it would read the whole table instead
  const doneTable = db.raw ? 'work_items INDEXED BY work_items_done' : 'work_items FORCE INDEX (work_items_done)';
  /** the WHERE of a scope, a tab and the filters (`now`, `soonMs`: the instants 即将超期 and the colours are measured at) */
  function whereOf(scope: QueueScopeSql, filter: QueueFilter, at: { now: number; soonMs: number; staffId: string }, forCounts = false) {
    const where: string[] = [];
    const args: unknown[] = [];
    // 已办 is what the account completed, whichever group it was offered to (only the first row of a task records who: each task once)
    if (!forCounts && filter.tab === 'done') {
      // (no scope)
    } else if (scope === 'all') where.push('is_first = 1');
    else {
      where.push(`grp IN (${scope.groups.map(() => '?').join(', ') || "''"})`);
      args.push(...scope.groups);
    }
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      args.push(...values);
    };
    if (!forCounts) {
      if (filter.tab === 'done') add("state = 'done' AND completed_by = ?", at.staffId);
      else add("state = 'open'");
      if (filter.tab === 'mine') add('assignee = ?', at.staffId);
      if (filter.tab === 'unclaimed') where.push('assignee IS NULL');
      if (filter.tab === 'soon') add('due_ms > ? AND due_ms <= ?', at.now, at.soonMs);
      if (filter.tab === 'overdue') {
        add('due_ms <= ?', at.now);
        if (filter.colour === 'red') add('red_ms <= ?', at.now);
        if (filter.colour === 'yellow') add('yellow_ms <= ? AND (red_ms IS NULL OR red_ms > ?)', at.now, at.now);
        if (filter.colour === 'blue') add('blue_ms <= ? AND (yellow_ms IS NULL OR yellow_ms > ?)', at.now, at.now);
      }
    }
    if (filter.category) add('category = ?', filter.category);
    if (filter.channel) add('channel = ?', filter.channel);
    if (filter.township) add('township = ?', filter.township);
    if (filter.unitId) add('unit_id = ?', filter.unitId);
    if (filter.task) add('element_id = ?', filter.task);
    if (filter.trackingCode) add('tracking_code = ?', filter.trackingCode);
    if (filter.keyword) add("search_text LIKE ? ESCAPE '!'", likeOf(filter.keyword));
    if (filter.phoneIndex) add('petition_id IN (SELECT id FROM petitions WHERE phone_index = ?)', filter.phoneIndex);
    return { where, args };
  }

  /** rows after (or before) a cursor: `(a, b, key) > (va, vb, vk)` spelled out, with a leading bound the index can range on */
  function keyset(cols: string[], desc: boolean, cursor: Cursor, backwards: boolean) {
    const forward = desc === backwards; // ascending order, read forwards, or descending read backwards
    const op = forward ? '>' : '<';
    const or: string[] = [];
    const args: unknown[] = [];
    for (let i = 0; i < cols.length; i++) {
      const eq = cols.slice(0, i).map((c) => `${c} = ?`);
      or.push(`(${[...eq, `${cols[i]} ${op} ?`].join(' AND ')})`);
      args.push(...cursor.slice(0, i), cursor[i]);
    }
    return { sql: `${cols[0]} ${op}= ? AND (${or.join(' OR ')})`, args: [cursor[0], ...args] };
  }

  const repo = {
    /** a task's rows, one per group; a repeated event writes nothing more */
    async open(item: NewWorkItem, tx?: Transaction): Promise<void> {
      const groups = item.groups.length ? item.groups : [''];
      await withTx(db, tx, async (t) => {
        for (let i = 0; i < groups.length; i++) {
          await insertIfAbsent(
            db,
            'work_items',
            {
              user_task_key: item.userTaskKey,
              grp: groups[i],
              is_first: i === 0,
              process_instance_key: item.processInstanceKey,
              process_id: item.processId,
              element_id: item.elementId,
              name: item.name.slice(0, 255),
              form_id: item.formId ?? null,
              groups_text: item.groups.join(' ').slice(0, 1000),
              petition_id: item.petitionId ?? null,
              tracking_code: item.trackingCode ?? null,
              category: item.category ?? null,
              channel: item.channel ?? null,
              township: item.township ?? null,
              unit_id: item.unitId ?? null,
              urgent: item.urgent,
              search_text: item.searchText ?? '',
              received_ms: item.receivedAt.getTime(),
              created_ms: item.createdAt.getTime(),
              due_ms: item.dueAt?.getTime() ?? NO_DUE,
              due_label: item.dueLabel ?? null,
              blue_ms: item.blueAt?.getTime() ?? null,
              yellow_ms: item.yellowAt?.getTime() ?? null,
              red_ms: item.redAt?.getTime() ?? null,
              priority_rank: PRIORITY_RANK[item.priority ?? 'normal'],
              assignee: null,
              assigned_ms: null,
              state: 'open',
              completed_by: null,
              completed_ms: null,
            },
            t,
          );
        }
        await insertIfAbsent(db, 'work_item_texts', { user_task_key: item.userTaskKey, search_text: item.searchText ?? '' }, t);
      });
    },

    /** the task is done (by `by` when an account completed it here; the first record of who wins) */
    async finish(userTaskKey: string, done: { by?: string; at: Date }, tx?: Transaction): Promise<void> {
      await exec(db, 'DELETE FROM work_item_texts WHERE user_task_key = ?', [userTaskKey], tx);
      await exec(
        db,
        "UPDATE work_items SET state = 'done', completed_by = CASE WHEN is_first = 1 THEN COALESCE(completed_by, ?) ELSE NULL END, completed_ms = COALESCE(completed_ms, ?) WHERE user_task_key = ?",
        [done.by ?? null, done.at.getTime(), userTaskKey],
        tx,
      );
    },

    /** a canceled task (its case moved on without it) leaves every list */
    async remove(userTaskKey: string, tx?: Transaction): Promise<void> {
      await exec(db, 'DELETE FROM work_items WHERE user_task_key = ?', [userTaskKey], tx);
      await exec(db, 'DELETE FROM work_item_texts WHERE user_task_key = ?', [userTaskKey], tx);
    },

    async get(userTaskKey: string, tx?: Transaction): Promise<WorkItem | undefined> {
      const rows = await select<Row>(db, 'SELECT * FROM work_items WHERE user_task_key = ? ORDER BY is_first DESC', [userTaskKey], tx);
      return rows[0] && toItem(rows[0]);
    },

    /** the open tasks of a case (each once) */
    async openOfPetition(petitionId: string): Promise<WorkItem[]> {
      const rows = await select<Row>(db, "SELECT * FROM work_items WHERE petition_id = ? AND state = 'open' AND is_first = 1 ORDER BY created_ms, user_task_key", [petitionId]);
      return rows.map(toItem);
    },

    /** one page of a list, and the cursors around it */
    async page(scope: QueueScopeSql, filter: QueueFilter, at: { now: number; soonMs: number; staffId: string }, paging: { after?: Cursor; before?: Cursor; limit: number }): Promise<{ items: WorkItem[]; next?: Cursor; prev?: Cursor }> {
      const { where, args } = whereOf(scope, filter, at);
      const { cols, desc } = sortColumns(filter);
      const backwards = Boolean(paging.before);
      const cursor = paging.before ?? paging.after;
      if (cursor) {
        if (cursor.length !== cols.length) throw new RangeError('cursor of another sort');
        const k = keyset(cols, desc, cursor, backwards);
        where.push(k.sql);
        args.push(...k.args);
      }
      const dir = desc !== backwards ? 'DESC' : 'ASC';
      const limit = Math.max(1, Math.min(Math.floor(paging.limit), 500));
      const distinct = scope !== 'all' && scope.groups.length > 1 && filter.tab !== 'done';
      const rows = await select<Row>(db, `SELECT * FROM ${filter.tab === 'done' ? doneTable : 'work_items'} WHERE ${where.join(' AND ')} ORDER BY ${cols.map((c) => `${c} ${dir}`).join(', ')} LIMIT ${limit + 1}`, args);
      const more = rows.length > limit;
      let page = rows.slice(0, limit);
      if (backwards) page.reverse();
      if (distinct) {
        const seen = new Set<string>();
        page = page.filter((r) => !seen.has(r.user_task_key) && seen.add(r.user_task_key));
      }
      const cursorOf = (r: Row): Cursor => cols.map((c) => (c === 'user_task_key' ? r.user_task_key : Number(r[c as keyof Row])));
      const first = page[0];
      const last = page[page.length - 1];
      return {
        items: page.map(toItem),
        ...(last && (backwards || more) && { next: cursorOf(last) }),
        ...(first && (backwards ? more : Boolean(cursor)) && { prev: cursorOf(first) }),
      };
    },

    /**
     * A page and every tab's count together. A word search reads the scope's rows once, in no order
     * (an ordered walk of the deadline index would read every row's text to find none; the city's
     * through `work_item_texts`, one narrow row per open task): when at most
     * COUNT_CAP rows match, the tabs, the order and the page are taken from those rows here; beyond
     * that, as any other list (the ordered walk finds a page of a common word soon).
     */
    async pageAndCounts(scope: QueueScopeSql, filter: QueueFilter, at: { now: number; soonMs: number; staffId: string }, paging: { after?: Cursor; before?: Cursor; limit: number }) {
      if (filter.keyword && filter.tab !== 'done') {
        const { where, args } = whereOf(scope, filter, at, true);
        let rows: Row[] | undefined;
        if (scope === 'all') {
          // the city's open tasks: their texts read through the narrow table, then the matching rows by key
          const keys = (await select<{ user_task_key: string }>(db, `SELECT user_task_key FROM work_item_texts WHERE search_text LIKE ? ESCAPE '!' LIMIT ${COUNT_CAP + 1}`, [likeOf(filter.keyword)])).map((r) => r.user_task_key);
          if (keys.length <= COUNT_CAP) {
            rows = [];
            for (let i = 0; i < keys.length; i += 500) {
              const some = keys.slice(i, i + 500);
              rows.push(...(await select<Row>(db, `SELECT * FROM work_items WHERE user_task_key IN (${some.map(() => '?').join(', ')}) AND ${where.join(' AND ')} AND state = 'open'`, [...some, ...args])));
            }
          }
        } else {
          // a group's rows: its index range is small
          const found = await select<Row>(db, `SELECT * FROM work_items WHERE ${where.join(' AND ')} AND state = 'open' LIMIT ${COUNT_CAP + 1}`, args);
          if (found.length <= COUNT_CAP) rows = found;
        }
        if (rows) {
          const seen = new Set<string>();
          const open = rows.filter((r) => !seen.has(r.user_task_key) && seen.add(r.user_task_key));
          const counts = countOf(open, at);
          const d = whereOf(scope, { ...filter, tab: 'done' }, at);
          const [r] = await select<{ n: number | string }>(db, `SELECT COUNT(*) AS n FROM (SELECT user_task_key FROM ${doneTable} WHERE ${d.where.join(' AND ')} LIMIT ${COUNT_CAP + 1}) x`, d.args);
          counts.done = Math.min(Number(r?.n ?? 0), COUNT_CAP);
          return { ...pageOf(open.filter((x) => inTab(x, filter, at)), filter, paging), counts };
        }
      }
      const [page, counts] = [await repo.page(scope, filter, at, paging), await repo.counts(scope, filter, at)];
      return { ...page, counts };
    },

    /** every tab's count for the scope and the filters (one pass over the scope's open rows, one for 已办) */
    async counts(scope: QueueScopeSql, filter: QueueFilter, at: { now: number; soonMs: number; staffId: string }): Promise<QueueCounts> {
      const { where, args } = whereOf(scope, filter, at, true);
      const distinct = scope !== 'all' && scope.groups.length > 1;
      // a word search reads the text of every row it counts: its counts stop at COUNT_CAP matches
      const cap = filter.keyword ? ` LIMIT ${COUNT_CAP + 1}` : '';
      const from =
        distinct || cap
          ? `(SELECT ${distinct ? 'DISTINCT ' : ''}user_task_key, assignee, due_ms, blue_ms, yellow_ms, red_ms FROM work_items WHERE ${where.join(' AND ')} AND state = 'open'${cap}) x`
          : `work_items WHERE ${where.join(' AND ')} AND state = 'open'`;
      const nowMs = at.now;
      const [c] = await select<Record<string, number | string | null>>(
        db,
        `SELECT COUNT(*) AS open_all,
                SUM(CASE WHEN assignee = ? THEN 1 ELSE 0 END) AS mine,
                SUM(CASE WHEN assignee IS NULL THEN 1 ELSE 0 END) AS unclaimed,
                SUM(CASE WHEN due_ms > ? AND due_ms <= ? THEN 1 ELSE 0 END) AS soon,
                SUM(CASE WHEN due_ms <= ? THEN 1 ELSE 0 END) AS overdue,
                SUM(CASE WHEN red_ms <= ? THEN 1 ELSE 0 END) AS red,
                SUM(CASE WHEN yellow_ms <= ? AND (red_ms IS NULL OR red_ms > ?) THEN 1 ELSE 0 END) AS yellow,
                SUM(CASE WHEN blue_ms <= ? AND (yellow_ms IS NULL OR yellow_ms > ?) THEN 1 ELSE 0 END) AS blue
           FROM ${from}`,
        [at.staffId, nowMs, at.soonMs, nowMs, nowMs, nowMs, nowMs, nowMs, nowMs, ...args],
      );
      const d = whereOf(scope, { ...filter, tab: 'done' }, at);
      const [r] = await select<{ n: number | string }>(db, cap ? `SELECT COUNT(*) AS n FROM (SELECT user_task_key FROM ${doneTable} WHERE ${d.where.join(' AND ')}${cap}) x` : `SELECT COUNT(*) AS n FROM ${doneTable} WHERE ${d.where.join(' AND ')}`, d.args);
      const done = Number(r?.n ?? 0);
      const num = (v: unknown) => Number(v ?? 0);
      const capped = Boolean(cap) && (num(c?.open_all) > COUNT_CAP || done > COUNT_CAP);
      const n = (v: unknown) => (cap ? Math.min(num(v), COUNT_CAP) : num(v));
      return { all: n(c?.open_all), mine: n(c?.mine), unclaimed: n(c?.unclaimed), soon: n(c?.soon), overdue: n(c?.overdue), blue: n(c?.blue), yellow: n(c?.yellow), red: n(c?.red), done: cap ? Math.min(done, COUNT_CAP) : done, ...(capped && { capped }) };
    },

    /** the candidate groups open tasks are offered to (the staffing alert: which of them has nobody) */
    async openGroups(): Promise<string[]> {
      return (await select<{ grp: string }>(db, "SELECT DISTINCT grp FROM work_items WHERE state = 'open'")).map((r) => r.grp);
    },

    /** open tasks offered to any of these groups, oldest first (each once) */
    async openInGroups(groups: string[], limit: number): Promise<WorkItem[]> {
      if (!groups.length) return [];
      const rows = await select<Row>(db, `SELECT * FROM work_items WHERE state = 'open' AND grp IN (${groups.map(() => '?').join(', ')}) ORDER BY created_ms, user_task_key LIMIT ${Math.max(1, Math.floor(limit))}`, groups);
      const seen = new Set<string>();
      return rows.filter((r) => !seen.has(r.user_task_key) && seen.add(r.user_task_key)).map(toItem);
    },

    /** the kinds of open task there are (element id and name), for the list's filter */
    async kinds(): Promise<{ elementId: string; name: string }[]> {
      const rows = await select<{ element_id: string; name: string }>(db, "SELECT element_id, MIN(name) AS name FROM work_items WHERE state = 'open' GROUP BY element_id ORDER BY element_id");
      return rows.map((r) => ({ elementId: r.element_id, name: r.name }));
    },

    /** 认领: only an open task nobody holds (true when this call took it) */
    async claim(userTaskKey: string, staffId: string, at: Date, tx?: Transaction): Promise<boolean> {
      return (await exec(db, "UPDATE work_items SET assignee = ?, assigned_ms = ? WHERE user_task_key = ? AND state = 'open' AND assignee IS NULL", [staffId, at.getTime(), userTaskKey], tx)) > 0;
    },

    /** 退回认领 / 指派: from whoever holds it now (`from`: null = nobody) to `to` (null = back to the group) */
    async hand(userTaskKey: string, from: string | null, to: string | null, at: Date, tx?: Transaction): Promise<boolean> {
      const held = from === null ? 'assignee IS NULL' : 'assignee = ?';
      return (await exec(db, `UPDATE work_items SET assignee = ?, assigned_ms = ? WHERE user_task_key = ? AND state = 'open' AND ${held}`, [to, to === null ? null : at.getTime(), userTaskKey, ...(from === null ? [] : [from])], tx)) > 0;
    },

    async setPriority(userTaskKey: string, priority: Priority, tx?: Transaction): Promise<boolean> {
      return (await exec(db, "UPDATE work_items SET priority_rank = ? WHERE user_task_key = ? AND state = 'open'", [PRIORITY_RANK[priority], userTaskKey], tx)) > 0;
    },

    /** whether the open tasks from before the queue existed were brought in */
    async marked(name: string): Promise<boolean> {
      return (await select(db, 'SELECT name FROM work_queue_marks WHERE name = ?', [name])).length > 0;
    },
    async mark(name: string, at: Date): Promise<void> {
      await db.transaction((tx) => insertIfAbsent(db, 'work_queue_marks', { name, at: at.getTime() }, tx));
    },
  };
  return repo;
}

export type WorkItemsRepository = ReturnType<typeof createWorkItemsRepository>;
