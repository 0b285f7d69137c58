/**
 * The 红黄蓝 board (第二十六条; issue 16): every open case past a deadline, by unit and colour, with
 * the working days it is overdue, the unit's delay explanation, the deductions recorded for it and
 * the 催办 to the person the article names for its colour; the transfers to 市政府督查室 and the 通报批评.
 *
 * Who sees what: the platform office (受理员, 审核员), city leaders and auditors the whole city; a
 * unit's handlers and leader their own unit only (a filter naming another unit is a 403); process
 * admins and admins nothing. Only the platform office urges (as on the case page).
 */
import { BOARD_COLOUR_LABELS, BOARD_COLOURS, compareUnitsByWarnings, dueForTransfer, isBoardColour, levelAt, urgeRecipient, type BoardColour } from '../../regulation/board.js';
import { formatPoints, isWarningLevel, WARNING_RULES, type WarningLevel } from '../../regulation/warnings.js';
import type { WorkingCalendar } from '../../regulation/calendar/working-calendar.js';
import type { BoardCursor, BoardRepository, BoardScope, UnitCounts } from '../data/board-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import { UNIT_ID_PATTERN } from '../domain/roles.js';
import { HttpError } from '../http-error.js';
import type { CaseService } from './case-service.js';
import type { FieldProblem } from './petition-service.js';

export interface BoardQuery {
  unit?: string;
  colour?: BoardColour;
  after?: string;
  limit: number;
  transfersBefore?: number;
  criticismsBefore?: number;
}

export interface BoardRow {
  petitionId: string;
  trackingCode?: string;
  title?: string;
  unitId: string;
  unitName: string;
  /** the task the case is late on, and its deadline */
  task: { key: string; name: string; elementId: string; processId: string };
  dueAt: Date;
  dueLabel: string;
  /**
   * 第二十六条's count: complete working days past the case's finish deadline (办理期限), by the
   * working-day calendar — the count the colour is of. For a task without the case's warning
   * instants (none yet set), the days past the task's own deadline.
   */
  overdueDays: number;
  /** complete working days past the task's own deadline (a 签收 or 受理决定 deadline may pass long before the finish deadline) */
  taskOverdueDays: number;
  /** the 第二十六条 level reached, if any */
  level?: WarningLevel;
  colour?: BoardColour;
  colourLabel?: string;
  colourMark?: string;
  /** a transfer to 市政府督查室 is recorded for the case */
  transferredAt?: Date;
  /** ≥ 7 working days and no explanation on file: due for 督查室 (recorded by the transfer worker) */
  dueForTransfer: boolean;
  explanation?: { text: string; at: Date };
  deductions: { level: WarningLevel; levelLabel: string; points: string; at: Date }[];
  /** the sum of the case's deductions in points ("4.5") */
  deductionPoints: string;
  /** the 催办 this account may send from the board: the colour's level and who it reaches */
  urge?: { level: WarningLevel; recipientKind: string; recipientLabel: string };
}

export interface BoardUnitCounts extends UnitCounts {
  unitName: string;
}

export interface BoardView {
  /** the whole city, or the account's own unit */
  scope: 'city' | 'unit';
  query: BoardQuery;
  counts: { units: BoardUnitCounts[]; totals: Omit<UnitCounts, 'unitId'> };
  rows: BoardRow[];
  /** the query string of the next page, when there is one */
  next?: string;
  transfers: { id: number; petitionId: string; trackingCode?: string; title?: string; unitId: string; unitName: string; at: Date }[];
  criticisms: { id: number; petitionId: string | null; trackingCode?: string; title?: string; unitId: string; unitName: string; reason: string; at: Date }[];
  transfersNext?: string;
  criticismsNext?: string;
  mayUrge: boolean;
  at: Date;
}

export interface BoardServiceDeps {
  board: BoardRepository;
  units: Pick<UnitsRepository, 'list' | 'get'>;
  calendar: () => Promise<WorkingCalendar>;
  clock: { now(): Date };
  cases: Pick<CaseService, 'urge'>;
  /** how long the counts by unit × colour are reused (by the clock; default COUNTS_TTL_MS) */
  countsTtlMs?: number;
}

/**
 * The summary's counts are one pass over every late task of the city (tens of thousands at city
 * size): reused for this long, so that paging and filtering the list does not repeat it. The list
 * itself is always read live.
 */
export const COUNTS_TTL_MS = 15_000;

const CITY_ROLES = ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'];
const UNIT_ROLES = ['unit-handler', 'unit-leader'];
const URGERS = ['intake-operator', 'platform-reviewer'];
export const BOARD_PAGE = 50;
const RECORDS_PAGE = 20;

/** who may open the board: the platform office, city leaders, auditors, and a unit's people */
export const seesBoard = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.some((r) => CITY_ROLES.includes(r) || UNIT_ROLES.includes(r));
const cityWide = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.some((r) => CITY_ROLES.includes(r));

const encodeCursor = (c: BoardCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(s: string): BoardCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && typeof v[1] === 'string' && v[1].length <= 64) return v as BoardCursor;
  } catch {
    // not a cursor of ours
  }
  return undefined;
}

/** the board's query string (what links and pages carry) */
export function boardQueryString(q: Partial<BoardQuery>): string {
  const p = new URLSearchParams();
  if (q.unit) p.set('unit', q.unit);
  if (q.colour) p.set('colour', q.colour);
  if (q.after) p.set('after', q.after);
  if (q.transfersBefore !== undefined) p.set('transfersBefore', String(q.transfersBefore));
  if (q.criticismsBefore !== undefined) p.set('criticismsBefore', String(q.criticismsBefore));
  return p.toString();
}

/** the board's query from a request's parameters; what is not understood is named (the API answers 400) */
export function parseBoardQuery(raw: Record<string, unknown>, maxLimit = 200): { query: BoardQuery; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const one = (k: string) => {
    const v = raw[k];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') {
      problems.push({ field: k, message: `${k} 只能给一个值` });
      return undefined;
    }
    return v;
  };
  const query: BoardQuery = { limit: BOARD_PAGE };
  const unit = one('unit');
  if (unit !== undefined) {
    if (UNIT_ID_PATTERN.test(unit)) query.unit = unit;
    else problems.push({ field: 'unit', message: '单位编号格式不正确' });
  }
  const colour = one('colour');
  if (colour !== undefined) {
    if (isBoardColour(colour)) query.colour = colour;
    else problems.push({ field: 'colour', message: `预警颜色须为 ${BOARD_COLOURS.join('、')} 之一` });
  }
  const after = one('after');
  if (after !== undefined) {
    if (decodeCursor(after)) query.after = after;
    else problems.push({ field: 'after', message: '翻页位置无效,请从第一页重新查看' });
  }
  const limit = one('limit');
  if (limit !== undefined) {
    const n = /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
    if (n >= 1 && n <= maxLimit) query.limit = n;
    else problems.push({ field: 'limit', message: `每页条数须为 1–${maxLimit}` });
  }
  for (const k of ['transfersBefore', 'criticismsBefore'] as const) {
    const v = one(k);
    if (v === undefined) continue;
    if (/^[1-9]\d{0,14}$/.test(v)) query[k] = Number(v);
    else problems.push({ field: k, message: `${k} 须为正整数` });
  }
  return { query, problems };
}

export function createBoardService(deps: BoardServiceDeps) {
  const { board } = deps;

  function mayView(staff: StaffRecord) {
    if (!seesBoard(staff)) throw new HttpError(403, 'FORBIDDEN', '您的账号无权查看红黄蓝预警');
  }

  /** the account's scope: the city (optionally one unit of it), or its own unit */
  function scopeOf(staff: StaffRecord, query: BoardQuery): { scope: BoardScope; kind: 'city' | 'unit' } {
    mayView(staff);
    if (cityWide(staff)) return { scope: query.unit ? { unitId: query.unit } : {}, kind: 'city' };
    if (!staff.unitId) throw new HttpError(403, 'FORBIDDEN', '您的账号未关联承办单位');
    if (query.unit && query.unit !== staff.unitId) throw new HttpError(403, 'FORBIDDEN', '您的账号只能查看本单位的预警');
    return { scope: { unitId: staff.unitId }, kind: 'unit' };
  }

  // the counts of a scope as last read, by the clock's time (a clock moved back or far on reads again)
  const countsCache = new Map<string, { at: number; counts: Promise<UnitCounts[]> }>();
  function countsOf(scope: BoardScope, now: number): Promise<UnitCounts[]> {
    const key = scope.unitId ?? '';
    const hit = countsCache.get(key);
    if (hit && now >= hit.at && now - hit.at < (deps.countsTtlMs ?? COUNTS_TTL_MS)) return hit.counts;
    const counts = board.counts(scope, now);
    countsCache.set(key, { at: now, counts });
    counts.catch(() => countsCache.delete(key));
    if (countsCache.size > 500) countsCache.delete(countsCache.keys().next().value as string);
    return counts;
  }

  async function unitNames(): Promise<Map<string, string>> {
    return new Map((await deps.units.list({ includeInactive: true })).map((u) => [u.id, u.name]));
  }

  return {
    mayView,

    /** the board for the account: the counts, a page of late cases, the transfers and criticisms */
    async view(staff: StaffRecord, query: BoardQuery): Promise<BoardView> {
      const { scope, kind } = scopeOf(staff, query);
      const at = deps.clock.now();
      const now = at.getTime();
      const cursor = query.after ? decodeCursor(query.after) : undefined;
      // the counts are of the account's whole scope (a colour chosen narrows the list, not the summary)
      const countScope: BoardScope = kind === 'unit' ? scope : {};
      const [counts, page, transfers, criticisms, names, calendar] = await Promise.all([
        countsOf(countScope, now),
        board.page(scope, query.colour, now, { ...(cursor && { after: cursor }), limit: query.limit }),
        board.transfers(scope, { ...(query.transfersBefore !== undefined && { before: query.transfersBefore }), limit: RECORDS_PAGE + 1 }),
        board.criticisms(scope, { ...(query.criticismsBefore !== undefined && { before: query.criticismsBefore }), limit: RECORDS_PAGE + 1 }),
        unitNames(),
        deps.calendar(),
      ]);
      const ids = [...new Set(page.items.map((i) => i.petitionId))];
      const [titles, deductions, transferred, explanations] = await Promise.all([board.titles(ids), board.deductions(ids), board.transfersOf(ids), board.explanations(ids)]);
      const nameOf = (id: string) => names.get(id) ?? id;
      const mayUrge = staff.roles.some((r) => URGERS.includes(r));
      const rows = page.items.map((t): BoardRow => {
        const level = levelAt(t, at);
        const transferredAt = transferred.get(t.petitionId);
        const colour: BoardColour | undefined = transferredAt ? 'transfer' : level;
        const taskOverdueDays = calendar.overdueDays(t.dueAt, at);
        // the blue instant is the end of the first working day past the finish deadline: the days after it, plus that one
        const overdueDays = t.blueAt ? (t.blueAt.getTime() <= now ? 1 + calendar.overdueDays(t.blueAt, at) : 0) : taskOverdueDays;
        const explanation = explanations.get(t.petitionId);
        const own = deductions.filter((d) => d.petitionId === t.petitionId);
        const total = own.reduce((s, d) => s + d.points, 0);
        const title = titles.get(t.petitionId);
        const recipient = level && urgeRecipient(level);
        return {
          petitionId: t.petitionId,
          ...((t.trackingCode ?? title?.trackingCode) && { trackingCode: t.trackingCode ?? title?.trackingCode }),
          ...(title && { title: title.title }),
          unitId: t.unitId,
          unitName: nameOf(t.unitId),
          task: { key: t.userTaskKey, name: t.name, elementId: t.elementId, processId: t.processId },
          dueAt: t.dueAt,
          dueLabel: t.dueLabel ?? '期限',
          overdueDays,
          taskOverdueDays,
          ...(level && { level }),
          ...(colour && { colour, colourLabel: BOARD_COLOUR_LABELS[colour].label, colourMark: BOARD_COLOUR_LABELS[colour].mark }),
          ...(transferredAt && { transferredAt }),
          dueForTransfer: !transferredAt && level !== undefined && dueForTransfer(overdueDays, Boolean(explanation)),
          ...(explanation && { explanation: { text: explanation.explanation, at: explanation.at } }),
          deductions: own.map((d) => ({ level: d.level, levelLabel: isWarningLevel(d.level) ? `${WARNING_RULES[d.level].label}预警` : d.level, points: formatPoints(d.points), at: d.at })),
          deductionPoints: formatPoints(total),
          ...(mayUrge && level && recipient && { urge: { level, recipientKind: recipient.kind, recipientLabel: recipient.label } }),
        };
      });
      const units = counts.map((c) => ({ ...c, unitName: nameOf(c.unitId) })).sort(compareUnitsByWarnings);
      const totals = units.reduce((s, c) => ({ blue: s.blue + c.blue, yellow: s.yellow + c.yellow, red: s.red + c.red, transfer: s.transfer + c.transfer, overdue: s.overdue + c.overdue }), { blue: 0, yellow: 0, red: 0, transfer: 0, overdue: 0 });
      const base = { unit: query.unit, colour: query.colour };
      const moreT = transfers.length > RECORDS_PAGE;
      const moreC = criticisms.length > RECORDS_PAGE;
      const shownT = transfers.slice(0, RECORDS_PAGE);
      const shownC = criticisms.slice(0, RECORDS_PAGE);
      return {
        scope: kind,
        query,
        counts: { units, totals },
        rows,
        ...(page.next && { next: boardQueryString({ ...base, after: encodeCursor(page.next) }) }),
        transfers: shownT.map((t) => ({ id: t.id, petitionId: t.petitionId, ...(t.trackingCode && { trackingCode: t.trackingCode }), ...(t.title && { title: t.title }), unitId: t.unitId, unitName: nameOf(t.unitId), at: t.at })),
        criticisms: shownC.map((c) => ({ id: c.id, petitionId: c.petitionId, ...(c.trackingCode && { trackingCode: c.trackingCode }), ...(c.title && { title: c.title }), unitId: c.unitId, unitName: nameOf(c.unitId), reason: c.reason, at: c.at })),
        ...(moreT && { transfersNext: boardQueryString({ ...base, transfersBefore: shownT[shownT.length - 1].id }) }),
        ...(moreC && { criticismsNext: boardQueryString({ ...base, criticismsBefore: shownC[shownC.length - 1].id }) }),
        mayUrge,
        at,
      };
    },

    /** a unit's name (the page's heading for a unit's own board) */
    async unitName(unitId: string): Promise<string> {
      return (await deps.units.get(unitId))?.name ?? unitId;
    },

    /** the counts alone (the leaders' overview): the city's, or the account's unit's */
    async counts(staff: StaffRecord): Promise<BoardView['counts']> {
      const { scope } = scopeOf(staff, { limit: 1 });
      const names = await unitNames();
      const units = (await countsOf(scope, deps.clock.now().getTime())).map((c) => ({ ...c, unitName: names.get(c.unitId) ?? c.unitId })).sort(compareUnitsByWarnings);
      const totals = units.reduce((s, c) => ({ blue: s.blue + c.blue, yellow: s.yellow + c.yellow, red: s.red + c.red, transfer: s.transfer + c.transfer, overdue: s.overdue + c.overdue }), { blue: 0, yellow: 0, red: 0, transfer: 0, overdue: 0 });
      return { units, totals };
    },

    /** 催办 from the board: to the person 第二十六条 names for the level (the case must have reached it) */
    async urge(staff: StaffRecord, input: unknown) {
      mayView(staff);
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      if (typeof b.petitionId !== 'string' || !/^[\w.:-]{1,64}$/.test(b.petitionId)) problems.push({ field: 'petitionId', message: '请指明要催办的诉求' });
      if (!isWarningLevel(b.level)) problems.push({ field: 'level', message: '催办级别须为 blue(蓝色,承办单位责任人)、yellow(黄色,分管领导)或 red(红色,主要领导)' });
      if (problems.length) throw new HttpError(400, 'INVALID_INPUT', problems.map((p) => p.message).join(';'), problems);
      return deps.cases.urge(staff, b.petitionId as string, { level: b.level, urgeNote: b.urgeNote });
    },
  };
}

export type BoardService = ReturnType<typeof createBoardService>;
