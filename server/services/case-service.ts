/**
 * Cases as staff see them. Who sees which case: the platform office's roles, city leaders and
 * auditors see every case; a unit's staff only the cases assigned to their unit, and — read-only,
 * without the petitioner's identity — those a joint dispatch names it a co-handling unit of (协办单位,
 * 第十二条); process admins and admins (diagrams, units, accounts) none. The petitioner's
 * identity is never part of a case view or export: it is read on request, through
 * `PetitionsRepository.readIdentity` (第十九条: platform roles always; a unit only for its own,
 * non-confidential cases), and every read is logged.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Transaction } from 'sequelize';
import ExcelJS from 'exceljs';
import type { EnginePort } from '../../engine/port.js';
import type { AttachmentRecord, AttachmentsRepository } from '../data/attachments-repository.js';
import type { AuditRecord, AuditRepository } from '../data/audit-repository.js';
import type { OutboxRepository } from '../data/outbox-repository.js';
import { DEFAULT_CHANNEL } from '../../regulation/notifications.js';
import { CHANNEL_LABELS, IdentityAccessDenied, type CaseFilter, type CaseOrder, type Petition, type PetitionerIdentity, type PetitionsRepository } from '../data/petitions-repository.js';
import { CaseViewExists, type CaseView, type CaseViewsRepository } from '../data/case-views-repository.js';
import { WARNING_LEVELS, WARNING_RULES, type WarningLevel } from '../../regulation/warnings.js';
import { levelAt, mayUrgeAt, parseUrgeLevel, RECIPIENT_LABELS, urgeRecipient, type UnitPersonRole, type WarningInstants } from '../../regulation/board.js';
import type { BoardRepository } from '../data/board-repository.js';
import { CASE_PAGE, KEYWORD_DEFAULT_DAYS, KEYWORD_MAX_DAYS, decodeCursor, encodeCursor, keywordRange, parseCaseQuery, shanghaiDayStart, toQueryString, trackingCodeOf, withoutPhone, type CaseQuery, type CaseSort } from './case-query.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import { CATEGORY_LABELS } from '../../regulation/categories.js';
import { formatShanghaiMoment } from '../../regulation/format.js';
import { checkExtension, extensionRequestOf } from '../../regulation/extension.js';
import { statusLabel } from '../../regulation/petition-status.js';
import { hasUnitRole } from '../domain/roles.js';
import { hasControlCharacters } from '../domain/text.js';
import { VariableError } from '../../regulation/variables.js';
import { HttpError } from '../http-error.js';
import { inputError, optionalText, type FieldProblem } from './petition-service.js';

export interface CaseSummary extends Petition {
  categoryLabel: string;
  statusLabel: string;
  unitName?: string;
}

export interface CaseDetail extends CaseSummary {
  timeline: AuditRecord[];
  attachments: AttachmentRecord[];
  /** deadlines and the reply, from the process */
  finishDueAt?: string;
  reply?: Record<string, unknown>;
  /** 第十二条: the co-handling units of a joint dispatch (besides the lead unit, `unitId`) */
  coUnits: { id: string; name: string }[];
  /** the account's unit co-handles the case: it may read it, not act on it */
  coHandling: boolean;
  /** the account may ask to see the petitioner's identity (a logged read) */
  mayReadIdentity: boolean;
  /** a unit handler of the case's unit, while it is being handled: may file an extension request or a delay explanation */
  mayRequestExtension: boolean;
  /** the platform's actions on the case: 催办 (第二十四条(一)), 电话回访 (第十七条), 督办 (第二十三条) */
  mayUrge: boolean;
  mayRateByPhone: boolean;
  maySupervise: boolean;
}

export interface CaseServiceDeps {
  engine: EnginePort;
  petitions: PetitionsRepository;
  units: UnitsRepository;
  audit: AuditRepository;
  attachments: AttachmentsRepository;
  /** the time the 第十四条 deadline check is made at (the engine's clock) */
  clock: { now(): Date };
  /** the 催办 SMS (第二十四条(一)) goes out through the outbox, in the transaction of its timeline entry */
  outbox: Pick<OutboxRepository, 'enqueue'>;
  /** a unit's person in a role, as an outbox recipient reference (UnitDirectory.recipient) */
  recipient(unitId: string, role: UnitPersonRole): Promise<string | undefined>;
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** the case's open user tasks, from the work queue (one index read, not every open task) */
  openTasks(petitionId: string): Promise<({ processId: string; elementId: string; processInstanceKey: string } & WarningInstants)[]>;
  /** 第二十六条: the unit's delay explanation, kept for the 红黄蓝 board (written with the message that tells the process) */
  explanations?: Pick<BoardRepository, 'saveExplanation'>;
  /** the case list's saved views */
  views: CaseViewsRepository;
}

/** a page of the case list: its cases and the cursors of the pages around it */
export interface CasePage {
  cases: CaseSummary[];
  /** the query of the page after / before this one (a cursor in it), when there is one */
  next?: string;
  prev?: string;
  /** what the list did that the URL does not say (a keyword search's default date range) */
  notices: string[];
}

/** one line of the 督办 of a selection: started, or refused with the reason */
export interface SupervisionOutcome {
  id: string;
  trackingCode?: string;
  outcome: 'started' | 'refused';
  code?: string;
  reason?: string;
  processInstanceKey?: string;
}

const HANDLING = new Set(['submitted', 'screening', 'dispatched', 'handling', 'extended']);

/** roles that work on cases; process admins and admins keep diagrams, units and accounts, not cases */
const CASE_ROLES = ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor', 'unit-handler', 'unit-leader'];

export const seesCases = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.some((r) => CASE_ROLES.includes(r));

function mayOpenCases(staff: StaffRecord) {
  if (!seesCases(staff)) throw new HttpError(403, 'FORBIDDEN', '您的账号不办理诉求,无权查看');
}

/** whether the account sees only its unit's cases */
export const unitBound = (staff: StaffRecord) => hasUnitRole(staff.roles) && !staff.roles.some((r) => ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'].includes(r));

export function createCaseService(deps: CaseServiceDeps) {
  const { engine, petitions, units, audit } = deps;

  async function summary(p: Petition, names: Map<string, string>): Promise<CaseSummary> {
    if (p.unitId && !names.has(p.unitId)) names.set(p.unitId, (await units.get(p.unitId))?.name ?? p.unitId);
    return { ...p, categoryLabel: CATEGORY_LABELS[p.category], statusLabel: statusLabel(p.status), ...(p.unitId && { unitName: names.get(p.unitId) }) };
  }

  /** the case when the account may see it; 404 otherwise (nothing tells a unit that another's case exists) */
  async function visible(staff: StaffRecord, petitionId: string): Promise<Petition> {
    mayOpenCases(staff);
    const p = typeof petitionId === 'string' ? await petitions.get(petitionId) : undefined;
    if (!p || (unitBound(staff) && !(p.unitId !== null && p.unitId === staff.unitId) && !(await coHandles(staff, p)))) throw new HttpError(404, 'NOT_FOUND', '未找到该诉求');
    return p;
  }

  /** 第十二条: the account's unit is a co-handling unit of the case (it may read the case, nothing more) */
  async function coHandles(staff: StaffRecord, p: Petition): Promise<boolean> {
    return staff.unitId !== null && p.unitId !== staff.unitId && (await petitions.coUnits(p.id)).includes(staff.unitId);
  }

  const mayReadIdentity = (staff: StaffRecord, p: Petition) =>
    staff.roles.some((r) => r === 'intake-operator' || r === 'platform-reviewer') ||
    (hasUnitRole(staff.roles) && p.unitId !== null && p.unitId === staff.unitId && !p.confidential);

  const service = {
    visible,

    /**
     * A page of the cases the account sees, filtered, sorted and searched as the query says (issue
     * 15), CASE_PAGE at a time by keyset. A search by phone (platform roles only) is logged: an audit
     * entry without the number, and an identity-access row for each case it shows (第十九条).
     */
    async list(staff: StaffRecord, query: CaseQuery = { sort: 'newest' }): Promise<CasePage> {
      const { filter, notices } = filterFor(staff, query);
      const order = ORDER_OF[query.sort];
      const cursor = query.after ? decodeCursor(query.after, query.sort) : query.before ? decodeCursor(query.before, query.sort) : undefined;
      const backward = Boolean(query.before && cursor);
      const rows = await petitions.search(filter, { order, ...(cursor && { after: cursor }), backward, limit: CASE_PAGE + 1 });
      const more = rows.length > CASE_PAGE;
      // the row beyond the page tells whether there is one more page that way
      const shown = more ? (backward ? rows.slice(rows.length - CASE_PAGE) : rows.slice(0, CASE_PAGE)) : rows;
      const names = new Map<string, string>();
      const cases: CaseSummary[] = [];
      for (const p of shown) cases.push(await summary(p, names));
      if (query.phone) await logPhoneSearch(staff, cases.map((c) => c.id), 'list');
      const keyOf = (p: Petition) => encodeCursor(query.sort, { key: (query.sort === 'updated' ? p.updatedAt : p.createdAt).getTime(), id: p.id });
      const first = shown[0];
      const last = shown[shown.length - 1];
      const hasNext = backward ? shown.length > 0 : more;
      const hasPrev = backward ? more : Boolean(query.after && cursor);
      return {
        cases,
        ...(hasNext && last && { next: toQueryString(query, { after: keyOf(last) }) }),
        ...(hasPrev && first && { prev: toQueryString(query, { before: keyOf(first) }) }),
        notices,
      };
    },

    /** refused (403) unless the account works on cases: checked before the list's query is */
    mayList: (staff: StaffRecord) => mayOpenCases(staff),

    /** the units the account may filter the list by: every active unit for those who see every case, none for a unit's staff */
    async filterUnits(staff: StaffRecord): Promise<{ id: string; name: string }[]> {
      mayOpenCases(staff);
      if (unitBound(staff)) return [];
      return (await units.list()).map((u) => ({ id: u.id, name: u.name }));
    },

    /** the saved views of the account: its own only */
    async views(staff: StaffRecord): Promise<CaseView[]> {
      mayOpenCases(staff);
      return deps.views.list(staff.id);
    },

    /** save the list's query under a name (its cursor and any phone left out: a view never holds a number) */
    async saveView(staff: StaffRecord, input: unknown): Promise<CaseView> {
      mayOpenCases(staff);
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      const name = text(b.name, 'name', '视图名称', 40, problems);
      if (typeof b.query !== 'string' || b.query.length > 1000) problems.push({ field: 'query', message: '「query」须为列表的查询字符串(最长 1000 个字符)' });
      const parsed = parseCaseQuery(Object.fromEntries(groupParams(typeof b.query === 'string' ? b.query.replace(/^\?/, '') : '')));
      problems.push(...parsed.problems);
      if (problems.length) throw inputError(problems);
      filterFor(staff, { ...parsed.query, phone: undefined });
      if ((await deps.views.count(staff.id)) >= MAX_VIEWS) throw new HttpError(409, 'TOO_MANY_VIEWS', `每人最多保存 ${MAX_VIEWS} 个视图,请先删除不用的`);
      try {
        return await deps.views.create(staff.id, name, toQueryString(withoutPhone(parsed.query)));
      } catch (err) {
        if (err instanceof CaseViewExists) throw new HttpError(409, 'VIEW_EXISTS', `已有名为「${name}」的视图`);
        throw err;
      }
    },

    async deleteView(staff: StaffRecord, id: unknown): Promise<void> {
      mayOpenCases(staff);
      const n = typeof id === 'string' && /^\d{1,15}$/.test(id) ? Number(id) : NaN;
      if (!(await deps.views.remove(staff.id, n))) throw new HttpError(404, 'NOT_FOUND', '未找到该视图');
    },

    async get(staff: StaffRecord, petitionId: string): Promise<CaseDetail> {
      const p = await visible(staff, petitionId);
      const vars = p.processInstanceKey ? ((await engine.getProcessInstance(p.processInstanceKey))?.variables ?? {}) : {};
      // while a unit handles the case its deadlines (set at dispatch, bounded by a 批示, moved by an
      // extension) live in the called unit-handling: the lifecycle sees them only once it ends
      const current = HANDLING.has(p.status) ? (await handling(p)).vars : undefined;
      const finishDueAt = typeof current?.finishDueAt === 'string' ? current.finishDueAt : vars.finishDueAt;
      const coUnits: { id: string; name: string }[] = [];
      for (const id of await petitions.coUnits(p.id)) coUnits.push({ id, name: (await units.get(id))?.name ?? id });
      return {
        ...(await summary(p, new Map())),
        timeline: await audit.listByPetition(p.id),
        attachments: await deps.attachments.list({ petitionId: p.id }),
        ...(typeof finishDueAt === 'string' && { finishDueAt }),
        ...(typeof vars.reply === 'object' && vars.reply !== null && { reply: vars.reply as Record<string, unknown> }),
        coUnits,
        coHandling: await coHandles(staff, p),
        mayReadIdentity: mayReadIdentity(staff, p),
        mayRequestExtension: staff.roles.includes('unit-handler') && p.unitId === staff.unitId && HANDLING.has(p.status),
        mayUrge: isPlatform(staff) && p.unitId !== null && HANDLING.has(p.status),
        mayRateByPhone: isPlatform(staff) && p.status === 'replied',
        maySupervise: staff.roles.includes('platform-reviewer') && p.unitId !== null && !(await underSupervision(p)),
      };
    },

    /** 第十九条: the identity, for an account that may see it (logged); 403 otherwise (also logged, as a denial) */
    async readIdentity(staff: StaffRecord, petitionId: string, purpose: string): Promise<PetitionerIdentity> {
      const p = await visible(staff, petitionId);
      try {
        return await petitions.readIdentity(p.id, { staffId: staff.id, roles: staff.roles, unitId: staff.unitId, purpose });
      } catch (err) {
        if (err instanceof IdentityAccessDenied) {
          throw new HttpError(403, 'IDENTITY_DENIED', err.reason === 'confidential' ? '诉求人要求保密,承办单位不能查看其身份信息,请通过平台联系(第十九条)' : '您的账号无权查看诉求人身份信息');
        }
        throw err;
      }
    },

    /** 第十四条: a unit's extension request, at any time during handling (the platform reviews it) */
    async requestExtension(staff: StaffRecord, petitionId: string, body: { extensionDays?: unknown; extensionReason?: unknown }) {
      const p = await handlingCase(staff, petitionId);
      const problems: FieldProblem[] = [];
      const days = typeof body.extensionDays === 'string' && /^\s*\d{1,3}\s*$/.test(body.extensionDays) ? Number(body.extensionDays) : body.extensionDays;
      if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 30) problems.push({ field: 'extensionDays', message: '延期天数须为 1–30 个工作日' });
      const reason = text(body.extensionReason, 'extensionReason', '延期理由', 1000, problems);
      if (problems.length) throw inputError(problems);
      // refused at once by the rules (突发, a third request, after the deadline): say so now, change
      // nothing; the diagram's 核对延期条件 makes the same check again when the message arrives
      const { pendingReview, vars } = await handling(p);
      if (pendingReview) throw new HttpError(409, 'EXTENSION_PENDING', '已有一项延期申请正在等待平台审核,请待审核结果后再申请(第十四条)');
      if (vars) {
        let check: ReturnType<typeof checkExtension> | undefined;
        try {
          check = checkExtension(extensionRequestOf(vars, days), deps.clock.now());
        } catch (err) {
          // a process without the check's variables: the diagram's worker decides (and raises the incident)
          if (!(err instanceof VariableError)) throw err;
        }
        if (check && !check.extensionAllowed) throw new HttpError(409, 'EXTENSION_REFUSED', check.extensionRefusal ?? '该事项不能申请延期(第十四条)');
      }
      await publishToHandling(p, 'extension-requested', { extensionDays: days, extensionReason: reason });
      await audit.append({ actor: staff.id, action: 'case.extension-requested', petitionId: p.id, detail: { extensionDays: days } });
    },

    /** 第二十六条: the unit's explanation of a delay (with one on file, no transfer to 督查室) */
    async explainDelay(staff: StaffRecord, petitionId: string, body: { delayExplanation?: unknown }) {
      const p = await handlingCase(staff, petitionId);
      const problems: FieldProblem[] = [];
      const explanation = text(body.delayExplanation, 'delayExplanation', '情况说明', 2000, problems);
      if (problems.length) throw inputError(problems);
      // the diagram's 是否已说明原因? tests delayExplained (docs/process-contract.md): the message sets it with the
      // text; the board's copy and the timeline line commit with the correlation (nothing when it found no handling)
      const unitId = p.unitId as string;
      await publishToHandling(p, 'delay-explained', { delayExplained: true, delayExplanation: explanation }, async (tx) => {
        await deps.explanations?.saveExplanation({ petitionId: p.id, unitId, explanation, staffId: staff.id, at: deps.clock.now() }, tx);
        await audit.append({ actor: staff.id, action: 'case.delay-explained', petitionId: p.id }, tx);
      });
    },

    /** the cases the account sees, as CSV: never a petitioner's identity, for anyone */
    /** the case when the account may open it (404 otherwise), for an action another service takes on it */
    visibleCase: (staff: StaffRecord, petitionId: string) => visible(staff, petitionId),

    /**
     * 催办: the platform reminds the unit by SMS that a case it handles is not answered yet; the SMS
     * and its line on the timeline commit together. 第二十四条(一) names the unit's 分管领导 (the
     * default); on the 红黄蓝 board the 催办 goes to the person 第二十六条 names for the colour the case
     * has reached (`level`: blue → 责任人, yellow → 分管领导, red → 主要领导), never above it. At most
     * once a day per case and recipient (Shanghai date): a second click that day is refused, not a
     * second SMS.
     */
    async urge(staff: StaffRecord, petitionId: string, input: unknown): Promise<{ outboxId: number; level?: WarningLevel; recipientKind: string }> {
      if (!isPlatform(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台工作人员可以催办');
      const p = await visible(staff, petitionId);
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      const note = optionalText(b.urgeNote, 'urgeNote', '催办说明', 200, problems);
      const level = b.level === undefined || b.level === '' ? undefined : parseUrgeLevel(b.level);
      if (b.level !== undefined && b.level !== '' && !level) problems.push({ field: 'level', message: '催办级别须为 blue(蓝色,承办单位责任人)、yellow(黄色,分管领导)或 red(红色,主要领导)' });
      if (problems.length) throw inputError(problems);
      if (!HANDLING.has(p.status) || !p.unitId) throw new HttpError(409, 'NOT_HANDLING', '该诉求当前没有承办单位在办理,无需催办');
      const unitId = p.unitId;
      if (level) {
        const now = deps.clock.now();
        const reached = (await deps.openTasks(p.id)).map((t) => levelAt(t, now)).reduce<WarningLevel | undefined>((hi, l) => (l && (!hi || WARNING_LEVELS.indexOf(l) > WARNING_LEVELS.indexOf(hi)) ? l : hi), undefined);
        if (!mayUrgeAt(level, reached)) {
          throw new HttpError(409, 'LEVEL_NOT_REACHED', reached ? `该诉求为${WARNING_RULES[reached].label}预警,不能按${WARNING_RULES[level].label}预警催办(第二十六条)` : `该诉求尚未达到${WARNING_RULES[level].label}预警,不能按预警级别催办(第二十六条)`);
        }
      }
      const to = level ? urgeRecipient(level) : { kind: 'unit-leader' as const, role: 'leader' as const, label: RECIPIENT_LABELS['unit-leader'] };
      const day = formatShanghaiMoment(deps.clock.now()).slice(0, 10);
      const recipientRef = (await deps.recipient(unitId, to.role)) ?? `unit:${unitId}`;
      // the 分管领导's key is the one 第二十四条(一) always used: a board 催办 at yellow and one from the case page the same day are one SMS
      const dedupeKey = to.kind === 'unit-leader' ? `urge:${p.id}:${day}` : `urge:${p.id}:${day}:${to.kind}`;
      return deps.transaction(async (tx) => {
        const { id, created } = await deps.outbox.enqueue(
          { channel: DEFAULT_CHANNEL[to.kind], recipientKind: to.kind, recipientRef, template: 'case-urged', payload: { petitionId: p.id, trackingCode: p.trackingCode, ...(level && { urgeLevel: level }) }, dedupeKey },
          tx,
        );
        if (!created) throw new HttpError(409, 'ALREADY_URGED', `今天已催办过该诉求的${to.label},请明天再催`);
        await audit.append({ actor: staff.id, action: 'case.urged', petitionId: p.id, detail: { unitId, recipientKind: to.kind, ...(level && { level }), ...(note && { note }) } }, tx);
        return { outboxId: id, ...(level && { level }), recipientKind: to.kind };
      });
    },

    /**
     * 第二十三条 督办 started by the platform on a case a unit handles or handled: (一) a city leader's
     * 批示 or assignment, (二) a hotspot, (三) overdue, (五) other — (四) is the lifecycle's own, after
     * an unsatisfied redo. The supervision process starts (its message start) and the timeline line
     * commits with it; a case already under supervision is refused.
     */
    async supervise(staff: StaffRecord, petitionId: string, input: unknown): Promise<{ processInstanceKey: string }> {
      if (!staff.roles.includes('platform-reviewer')) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以发起督办');
      const p = await visible(staff, petitionId);
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      const trigger = b.supervisionTrigger;
      if (typeof trigger !== 'string' || !SUPERVISION_TRIGGERS.includes(trigger)) problems.push({ field: 'supervisionTrigger', message: '请选择督办事由:(一)市领导批示或交办、(二)热点难点、(三)超期未办结、(五)其他' });
      const note = optionalText(b.supervisionNote, 'supervisionNote', '督办说明', 500, problems);
      if (problems.length) throw inputError(problems);
      if (!p.unitId) throw new HttpError(409, 'NO_UNIT', '该诉求尚未转办到承办单位,无可督办的单位');
      if (await underSupervision(p)) throw new HttpError(409, 'ALREADY_SUPERVISED', '该诉求正在督办中');
      const unitId = p.unitId;
      const result = await engine.publishMessage({
        name: 'supervision-requested',
        correlationKey: '',
        variables: { petitionId: p.id, trackingCode: p.trackingCode, unitId, unitGroup: `unit:${unitId}`, supervisionTrigger: trigger as string, ...(note && { supervisionNote: note }) },
        timeToLive: 0,
        transactional: async (tx) => void (await audit.append({ actor: staff.id, action: 'case.supervision-started', petitionId: p.id, detail: { unitId, trigger: trigger as string } }, tx)),
      });
      const [processInstanceKey] = result.correlatedInstanceKeys;
      if (!processInstanceKey) throw new HttpError(500, 'SUPERVISION_NOT_STARTED', '督办流程未能启动,请联系流程管理员');
      return { processInstanceKey };
    },

    /**
     * 督办 for a selection of cases (第二十三条(一)(二)(五), issue 15): each case as `supervise` starts
     * one (its timeline line and audit entry with it); a case that cannot be supervised is refused
     * with the reason (and that is on its timeline too) and the others go on.
     */
    async superviseMany(staff: StaffRecord, input: unknown): Promise<{ results: SupervisionOutcome[] }> {
      if (!staff.roles.includes('platform-reviewer')) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以发起督办');
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      const raw = typeof b.ids === 'string' ? [b.ids] : b.ids;
      if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_SELECTION || raw.some((x) => typeof x !== 'string' || !/^[\w.:-]{1,64}$/.test(x))) {
        problems.push({ field: 'ids', message: `请勾选 1–${MAX_SELECTION} 件诉求` });
      }
      const trigger = b.trigger;
      if (typeof trigger !== 'string' || !SELECTION_TRIGGERS.includes(trigger)) problems.push({ field: 'trigger', message: '请选择督办事由:(一)市领导批示或交办、(二)热点难点、(五)其他' });
      const note = optionalText(b.note, 'note', '督办说明', 500, problems);
      if (problems.length) throw inputError(problems);
      const results: SupervisionOutcome[] = [];
      for (const id of [...new Set(raw as string[])]) {
        let code: string | undefined;
        try {
          code = (await visible(staff, id)).trackingCode;
          const { processInstanceKey } = await service.supervise(staff, id, { supervisionTrigger: trigger, ...(note && { supervisionNote: note }) });
          results.push({ id, trackingCode: code, outcome: 'started', processInstanceKey });
        } catch (err) {
          const e = err instanceof HttpError ? err : new HttpError(500, 'FAILED', '督办未能发起,请稍后重试或联系流程管理员');
          results.push({ id, ...(code && { trackingCode: code }), outcome: 'refused', code: e.code, reason: e.message });
          // a refusal on a case the reviewer sees is on its timeline; an unknown id has no timeline
          if (code) await audit.append({ actor: staff.id, action: 'case.supervision-refused', petitionId: id, detail: { trigger: trigger as string, code: e.code } });
        }
      }
      return { results };
    },

    /**
     * The cases of the query (every page: no cap), as CSV lines (a BOM and Chinese headers first, so
     * that Excel reads it; Shanghai local times; Chinese labels): read in keyset pages and yielded as
     * they come, so an export of a million cases holds one page in memory. The account and the query
     * are checked before the first line (an error can still be an answer of its own).
     */
    exportCsv(staff: StaffRecord, query: CaseQuery = { sort: 'newest' }): AsyncIterable<string> {
      const rows = exportRows(staff, query, 'csv');
      return (async function* () {
        yield `\ufeff${EXPORT_HEADERS.join(',')}\r\n`;
        for await (const page of rows) {
          let chunk = '';
          for (const cells of page) chunk += `${cells.map(csvCell).join(',')}\r\n`;
          if (chunk) yield chunk;
        }
      })();
    },

    /**
     * The same rows as an Excel workbook, streamed into `out` (exceljs' streaming writer): each row is
     * committed as its page is read, and the next page waits while `out` is full, so memory holds a
     * page whatever the count. Checks the account and the query before writing anything.
     */
    exportXlsx(staff: StaffRecord, query: CaseQuery = { sort: 'newest' }): (out: Writable) => Promise<void> {
      const rows = exportRows(staff, query, 'xlsx');
      return async (out) => {
        const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
        const sheet = workbook.addWorksheet('诉求');
        sheet.addRow(EXPORT_HEADERS).commit();
        for await (const page of rows) {
          for (const cells of page) sheet.addRow(cells).commit();
          if (out.writableNeedDrain) await once(out, 'drain');
        }
        sheet.commit();
        await workbook.commit();
      };
    },
  };

  /**
   * The repository's conditions for the account and the query: a unit's own cases only (a unit
   * filter naming another unit is refused), the phone search for platform roles only, a keyword
   * search within a bounded range of dates. Checked before anything is read.
   */
  function filterFor(staff: StaffRecord, query: CaseQuery): { filter: CaseFilter; notices: string[] } {
    mayOpenCases(staff);
    const notices: string[] = [];
    const bound = unitBound(staff);
    if (query.phone && !isPlatform(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台工作人员(受理员、审核员)可以按手机号码查找诉求');
    if (query.unit && bound && query.unit !== staff.unitId) throw new HttpError(403, 'FORBIDDEN', '您的账号只能查看本单位的诉求');
    const filter: CaseFilter = {
      ...(bound && { unitId: staff.unitId ?? '-', coHandled: true }),
      ...(query.status && { status: query.status }),
      ...(query.category && { category: query.category }),
      ...(query.unit && { assignedUnit: query.unit }),
      ...(query.township && { township: query.township }),
      ...(query.channel && { channel: query.channel }),
      ...(query.urgent !== undefined && { urgent: query.urgent }),
      ...(query.warning && { warningLevels: WARNING_LEVELS.slice(WARNING_LEVELS.indexOf(query.warning)) }),
      ...(query.from && { from: shanghaiDayStart(query.from) }),
      ...(query.to && { to: new Date(shanghaiDayStart(query.to).getTime() + 86_400_000) }),
      ...(query.phone && { phone: query.phone }),
    };
    const code = trackingCodeOf(query.q);
    if (code) filter.trackingCode = code;
    else if (query.q) {
      const range = keywordRange(query, deps.clock.now());
      if (range.problem) throw inputError([range.problem]);
      filter.keyword = query.q;
      filter.from = range.from;
      if (range.defaulted) notices.push(`关键词搜索只查${query.to ? `${query.to} 之前` : '最近'} ${KEYWORD_DEFAULT_DAYS} 天提交的诉求;更早的请设置提交日期范围(最长 ${KEYWORD_MAX_DAYS} 天)`);
    }
    return { filter, notices };
  }

  /** every row of the query, a keyset page at a time, as the export's cells (Chinese, Shanghai times) */
  function exportRows(staff: StaffRecord, query: CaseQuery, format: 'csv' | 'xlsx'): AsyncIterable<string[][]> {
    const { filter } = filterFor(staff, query);
    const order = ORDER_OF[query.sort];
    return (async function* () {
      const names = new Map<string, string>();
      for (let after: { key: number; id: string } | undefined; ; ) {
        const page = await petitions.search(filter, { order, ...(after && { after }), limit: EXPORT_PAGE });
        const out: string[][] = [];
        for (const p of page) {
          const c = await summary(p, names);
          out.push([c.trackingCode, c.categoryLabel, c.title, c.statusLabel, c.unitName ?? '', CHANNEL_LABELS[c.channel] ?? c.channel, formatShanghaiMoment(c.createdAt), c.urgent ? '是' : '否', c.confidential ? '是' : '否']);
        }
        if (query.phone) await logPhoneSearch(staff, page.map((p) => p.id), format);
        if (out.length) yield out;
        if (page.length < EXPORT_PAGE) return;
        const last = page[page.length - 1];
        after = { key: (query.sort === 'updated' ? last.updatedAt : last.createdAt).getTime(), id: last.id };
      }
    })();
  }

  /** 第十九条: a search by phone is a read of identity: audited (without the number) and logged per case found */
  async function logPhoneSearch(staff: StaffRecord, ids: string[], where: 'list' | 'csv' | 'xlsx') {
    await audit.append({ actor: staff.id, action: 'case.phone-searched', detail: { where, results: ids.length } });
    await petitions.logIdentityAccess(ids, staff.id, 'phone-search');
  }

  /** a supervision of the case waits for someone (its method chosen, the unit's handling) */
  async function underSupervision(p: Petition): Promise<boolean> {
    return (await deps.openTasks(p.id)).some((t) => t.processId === 'supervision');
  }

  async function handlingCase(staff: StaffRecord, petitionId: string): Promise<Petition> {
    const p = await visible(staff, petitionId);
    if (!(staff.roles.includes('unit-handler') && p.unitId === staff.unitId)) throw new HttpError(403, 'FORBIDDEN', '只有承办单位的承办人可以提交');
    if (!HANDLING.has(p.status)) throw new HttpError(409, 'NOT_HANDLING', '该诉求当前不在办理阶段');
    return p;
  }

  /**
   * The case's running `unit-handling`, found through its open tasks: its variables (a call activity:
   * the lifecycle sees them only when it ends) and whether an extension request awaits review.
   */
  async function handling(p: Petition): Promise<{ pendingReview: boolean; vars?: Record<string, unknown> }> {
    const tasks = (await deps.openTasks(p.id)).filter((t) => t.processId === 'unit-handling');
    if (tasks.length === 0) return { pendingReview: false };
    const vars = (await engine.getProcessInstance(tasks[0].processInstanceKey))?.variables;
    return { pendingReview: tasks.some((t) => t.elementId === 'Task_ReviewExtension'), ...(vars && { vars }) };
  }

  async function publishToHandling(p: Petition, name: string, variables: Record<string, unknown>, writes?: (tx: Transaction) => Promise<void>) {
    const result = await engine.publishMessage({
      name,
      correlationKey: p.id,
      variables,
      timeToLive: 0,
      ...(writes && { transactional: async (tx: Transaction, r: { correlatedInstanceKeys: string[] }) => void (r.correlatedInstanceKeys.length && (await writes(tx))) }),
    });
    if (result.correlatedInstanceKeys.length === 0) throw new HttpError(409, 'NOT_HANDLING', '该诉求当前不在办理阶段');
  }

  return service;
}

function text(v: unknown, field: string, label: string, max: number, problems: FieldProblem[]): string {
  const t = typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
  if (!t) problems.push({ field, message: `请填写「${label}」` });
  else if ([...t].length > max) problems.push({ field, message: `「${label}」最多 ${max} 个字` });
  else if (hasControlCharacters(t)) problems.push({ field, message: `「${label}」含有不可见的控制字符` });
  return t;
}

/** a CSV cell; a leading = + - @ is neutralised so a spreadsheet does not run it as a formula */
/** the platform office's staff: they urge, record phone ratings (and reviewers start 督办) */
const isPlatform = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.some((r) => r === 'intake-operator' || r === 'platform-reviewer');

/** 第二十三条 items the platform may start a 督办 for (四 follows an unsatisfied redo, in the lifecycle) */
const SUPERVISION_TRIGGERS: readonly string[] = ['一', '二', '三', '五'];

/** rows per keyset page of an export */
const EXPORT_PAGE = 1000;

export const EXPORT_HEADERS = ['查询编号', '类别', '标题', '状态', '承办单位', '渠道', '提交时间', '紧急', '保密'];

const ORDER_OF: Record<CaseSort, CaseOrder> = { newest: 'created-desc', oldest: 'created-asc', updated: 'updated-desc' };

/** 第二十三条 items a 督办 of a selection is started for: (三) overdue is a case's own, (四) the lifecycle's */
const SELECTION_TRIGGERS: readonly string[] = ['一', '二', '五'];
const MAX_SELECTION = 100;
const MAX_VIEWS = 50;

/** a query string's parameters, a repeated one as a list (as Express reads them) */
function groupParams(qs: string): [string, string | string[]][] {
  const out = new Map<string, string | string[]>();
  for (const [k, v] of new URLSearchParams(qs)) {
    const had = out.get(k);
    out.set(k, had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v]);
  }
  return [...out];
}

function csvCell(v: string): string {
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export type CaseService = ReturnType<typeof createCaseService>;
