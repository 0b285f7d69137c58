/**
 * The knowledge base's review as a process (知识库, issue 17; processes/knowledge-review.bpmn): a draft
 * goes to review with the start message `knowledge-submitted` in the same transaction as its status;
 * a published one is retired with the message `knowledge-retired` (the process's 停用 step writes
 * it); and an entry is proposed from work — a case's reply that passed 办结审核 (第十六条), masked as
 * a publication is (第二十条) — from the case (`POST /api/cases/:id/knowledge`) or by the reviewer
 * while approving the reply (`proposeKnowledge` of the form `review-reply`, with the completion).
 *
 * The review's user tasks are the task service's (task-service.ts `TaskExtension`): their forms show
 * the entry as it is now, the unit's revision is checked like a draft (400 otherwise), and the staff
 * id that decided goes to the process as `reviewedBy` / `revisedBy`, which the workers record as the
 * actor of the entry's history.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EnginePort, UserTask } from '../../engine/port.js';
import { chinaDay, defaultValidUntil, draftFromReply, isDay, KNOWLEDGE_STATUS_LABELS, personalDataLeft, parseContent, type ContentProblem } from '../../regulation/knowledge.js';
import type { PublicationSource } from '../../regulation/publication.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { KnowledgeEntry, KnowledgeRepository } from '../data/knowledge-repository.js';
import type { Petition } from '../data/petition-row.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import type { AppTransaction } from '../../engine/port.js';
import { indexTerms } from '../domain/knowledge-search.js';
import { unitGroup } from '../domain/roles.js';
import { HttpError } from '../http-error.js';
import { isKnowledgeReviewer, mayWriteEntry } from './knowledge-service.js';
import type { TaskExtension } from './task-service.js';

export const KNOWLEDGE_PROCESS = 'knowledge-review';
export const SUBMITTED_MESSAGE = 'knowledge-submitted';
export const RETIRED_MESSAGE = 'knowledge-retired';
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REASON_MAX = 500;

export interface KnowledgeFlowDeps {
  repo: KnowledgeRepository;
  engine: Pick<EnginePort, 'publishMessage' | 'getProcessInstance' | 'cancel'>;
  units: Pick<UnitsRepository, 'get' | 'list'>;
  audit: Pick<AuditRepository, 'append'>;
  clock: { now(): Date };
  log: Logger;
  transaction<T>(work: (tx: AppTransaction) => Promise<T>): Promise<T>;
  /** a case the account may open (404/403 otherwise) */
  visible(staff: StaffRecord, petitionId: string): Promise<Petition>;
  /** what a publication masks: the petitioner's name and phone (a logged read of identity) */
  publicationSource(petitionId: string): Promise<PublicationSource | undefined>;
  /** the app's own search index, after its writes (knowledgeService.changed) */
  changed(entryId: string): Promise<void>;
}

const inputError = (problems: ContentProblem[], message = '提交的内容有误') => new HttpError(400, 'INVALID_INPUT', message, problems);

/** a 停用 reason from outside input: 1–500 characters */
function parseReason(raw: unknown): string {
  const body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const r = body.reason;
  if (typeof r !== 'string' || !r.trim()) throw inputError([{ field: 'reason', message: '请写明停用理由' }], '请写明停用理由');
  if ([...r.trim()].length > REASON_MAX) throw inputError([{ field: 'reason', message: `停用理由不超过 ${REASON_MAX} 字` }]);
  return r.trim();
}

export function createKnowledgeFlowService(deps: KnowledgeFlowDeps) {
  const { repo, engine, audit, clock, log } = deps;

  async function found(id: unknown): Promise<KnowledgeEntry> {
    if (typeof id !== 'string' || !ID.test(id)) throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
    const e = await repo.get(id);
    if (!e) throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
    return e;
  }

  function mayWrite(staff: StaffRecord, e: KnowledgeEntry) {
    if (mayWriteEntry(staff, e.ownerUnitId)) return;
    // a unit learns nothing of another unit's drafts
    if (e.status !== 'published') throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
    throw new HttpError(403, 'FORBIDDEN', '只有平台审核员和该条目的负责单位可以办理');
  }

  /** the entry's review instance, while it runs */
  async function running(e: KnowledgeEntry): Promise<string | undefined> {
    if (!e.processInstanceKey) return undefined;
    const instance = await engine.getProcessInstance(e.processInstanceKey);
    return instance && (instance.state === 'active' || instance.state === 'incident') ? e.processInstanceKey : undefined;
  }

  async function townshipCodes(): Promise<string[]> {
    return (await deps.units.list({ kind: 'township' })).map((u) => u.township).filter((t): t is string => Boolean(t));
  }

  /**
   * A draft entry from a case's approved reply (第十六条), masked as a publication (第二十条): its
   * row, to be written in a transaction. Refused (409) when the case has one already or the reply
   * holds no answer.
   */
  async function proposal(staff: StaffRecord, p: Petition, reply: unknown): Promise<(tx: AppTransaction) => Promise<KnowledgeEntry>> {
    const existing = await repo.bySourcePetition(p.id);
    if (existing) throw new HttpError(409, 'ALREADY_PROPOSED', `本件诉求的答复已转为知识条目(${KNOWLEDGE_STATUS_LABELS[existing.status]})`, { entryId: existing.id });
    if (!p.unitId) throw new HttpError(409, 'NO_UNIT', '本件诉求尚未转办到承办单位');
    const source = await deps.publicationSource(p.id);
    const draft = draftFromReply(reply, { ...(source ?? { title: p.title }), content: p.content });
    if (!draft) throw new HttpError(409, 'NO_ANSWER', '答复中没有办理结果或答复正文,不能转为知识条目');
    const now = clock.now();
    const townships = p.township && (await townshipCodes()).includes(p.township) ? [p.township] : [];
    const ownerUnitId = p.unitId;
    return async (tx) => {
      const entry = await repo.create(
        {
          id: randomUUID(),
          status: 'draft',
          version: 1,
          ...draft,
          categories: [p.category],
          townships,
          validUntil: defaultValidUntil(chinaDay(now)),
          ownerUnitId,
          sourcePetitionId: p.id,
          createdBy: staff.id,
          createdAt: now,
          questionTerms: indexTerms(draft.question),
          answerTerms: indexTerms(`${draft.answer} ${draft.basis}`),
        },
        { action: 'proposed' },
        tx,
      );
      await audit.append({ actor: staff.id, action: 'knowledge.proposed', petitionId: p.id, detail: { entryId: entry.id, ownerUnitId } }, tx);
      log.info({ entryId: entry.id, petitionId: p.id }, 'knowledge entry proposed from a reply');
      return entry;
    };
  }

  const isReviewTask = (task: UserTask) => task.processId === KNOWLEDGE_PROCESS && typeof task.variables.entryId === 'string';

  /** the review's user tasks and the reply's 办结审核 (task-service.ts) */
  const taskExtension: TaskExtension = {
    async formData(task) {
      if (!isReviewTask(task)) return undefined;
      const e = await repo.get(task.variables.entryId as string);
      if (!e) return undefined;
      const unit = await deps.units.get(e.ownerUnitId);
      return { question: e.question, answer: e.answer, basis: e.basis, validUntil: e.validUntil, version: e.version, ownerUnitName: unit?.name ?? e.ownerUnitId };
    },

    async completing(task, values, staff) {
      if (task.formId === 'review-reply') {
        // 第十六条: 同意办结 with 转为知识库条目 — the draft commits with the completion
        if (values.reviewApproved !== true || values.proposeKnowledge !== true) return undefined;
        const petitionId = task.variables.petitionId;
        if (typeof petitionId !== 'string') return undefined;
        // the case has its entry already (proposed from the case): the approval goes on without a second
        if (await repo.bySourcePetition(petitionId)) return undefined;
        const p = await deps.visible(staff, petitionId);
        const create = await proposal(staff, p, task.variables.reply);
        return { write: async (tx) => void (await create(tx)) };
      }
      if (!isReviewTask(task)) return undefined;
      const entryId = task.variables.entryId as string;
      const after = () => deps.changed(entryId);
      if (task.formId === 'review-knowledge') {
        return {
          variables: { reviewedBy: staff.id },
          write: (tx) => audit.append({ actor: staff.id, action: values.knowledgeApproved === true ? 'knowledge.approved' : 'knowledge.returned', detail: { entryId } }, tx).then(() => undefined),
          after,
        };
      }
      if (task.formId === 'revise-knowledge') {
        if (values.knowledgeRevision === 'submit') await checkRevision(entryId, values);
        return {
          variables: { revisedBy: staff.id },
          write: (tx) => audit.append({ actor: staff.id, action: values.knowledgeRevision === 'retire' ? 'knowledge.retired' : 'knowledge.revised', detail: { entryId } }, tx).then(() => undefined),
          after,
        };
      }
      return undefined;
    },
  };

  /** the unit's revision, as a draft is checked (and as a publication: no personal data left) */
  async function checkRevision(entryId: string, values: Record<string, unknown>) {
    const e = await repo.get(entryId);
    if (!e) throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
    const { content, problems } = parseContent({ ...values, categories: e.categories, townships: e.townships }, { townships: e.townships, today: chinaDay(clock.now()) });
    if (!content) throw inputError(problems, '表单填写有误,请按提示修改');
    if (!content.validUntil) throw inputError([{ field: 'validUntil', message: '请填写有效期' }], '表单填写有误,请按提示修改');
    const left = personalDataLeft(content);
    if (left.length) throw inputError(left, '表单填写有误,请按提示修改');
  }

  return {
    taskExtension,

    /** 提交审核: a draft to the platform's review (the start message and the status commit together) */
    async submit(staff: StaffRecord, id: unknown): Promise<KnowledgeEntry> {
      const e = await found(id);
      mayWrite(staff, e);
      if (e.status !== 'draft') throw new HttpError(409, 'NOT_DRAFT', `条目${KNOWLEDGE_STATUS_LABELS[e.status]},只有草稿可以提交审核`);
      if (await running(e)) throw new HttpError(409, 'IN_REVISION', '条目正在本单位复核中,请在待办「复核知识条目」中提交审核');
      const today = chinaDay(clock.now());
      const problems = personalDataLeft(e);
      if (e.validUntil !== null && (!isDay(e.validUntil) || e.validUntil <= today)) problems.push({ field: 'validUntil', message: '有效期应晚于今天,请先修改条目' });
      if (problems.length) throw inputError(problems, '条目还不能提交审核,请先修改');
      await engine.publishMessage({
        name: SUBMITTED_MESSAGE,
        correlationKey: e.id,
        timeToLive: 0,
        variables: { entryId: e.id, ownerUnitId: e.ownerUnitId, ownerGroup: unitGroup(e.ownerUnitId) },
        transactional: async (tx, result) => {
          const instance = result.correlatedInstanceKeys[0];
          if (!instance) throw new HttpError(409, 'IN_REVISION', '条目已有审核流程在办理中');
          const now = clock.now();
          const next = await repo.setStatus(e.id, 'review', { action: 'submitted', actor: staff.id, at: now }, { processInstanceKey: instance }, tx);
          if (!next) throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
          await audit.append({ actor: staff.id, action: 'knowledge.submitted', detail: { entryId: e.id, version: e.version, processInstanceKey: instance } }, tx);
        },
      });
      log.info({ entryId: e.id }, 'knowledge entry submitted for review');
      return found(e.id);
    },

    /**
     * 停用: a published entry through its review process (the message; its 停用 step writes the
     * status), a draft at once (its unit's 复核 task, if any, canceled with it)
     */
    async retire(staff: StaffRecord, id: unknown, body: unknown): Promise<KnowledgeEntry> {
      const e = await found(id);
      mayWrite(staff, e);
      const reason = parseReason(body);
      if (e.status === 'retired') throw new HttpError(409, 'ALREADY_RETIRED', '条目已停用');
      if (e.status === 'review') throw new HttpError(409, 'IN_REVIEW', '条目正在审核中,请待审核退回后再停用');
      const instance = await running(e);
      const now = clock.now();
      const record = async (tx: AppTransaction) => {
        const next = await repo.setStatus(e.id, 'retired', { action: 'retired', actor: staff.id, at: now, note: reason }, {}, tx);
        if (!next) throw new HttpError(404, 'NOT_FOUND', '未找到该知识条目');
      };
      const audited = (tx: AppTransaction) => audit.append({ actor: staff.id, action: 'knowledge.retired', detail: { entryId: e.id, status: e.status, reason } }, tx);
      if (e.status === 'published' && instance) {
        await engine.publishMessage({
          name: RETIRED_MESSAGE,
          correlationKey: e.id,
          timeToLive: 0,
          variables: { retiredBy: staff.id, retireReason: reason },
          transactional: async (tx, result) => {
            if (!result.correlatedInstanceKeys.length) throw new HttpError(409, 'NOT_WAITING', '条目的审核流程不在等待停用,请刷新后再试');
            await audited(tx);
          },
        });
      } else if (instance) {
        // a draft at its unit's 复核: the task goes with the entry
        await engine.cancel(instance, { transactional: async (tx) => (await record(tx), await audited(tx), undefined) });
      } else {
        await deps.transaction(async (tx) => (await record(tx), await audited(tx)));
      }
      await deps.changed(e.id);
      log.info({ entryId: e.id, from: e.status }, 'knowledge entry retired');
      return found(e.id);
    },

    /** 第十六条: a draft from the case's reply that passed 办结审核 (platform reviewers, or the case's unit) */
    async propose(staff: StaffRecord, petitionId: unknown): Promise<KnowledgeEntry> {
      if (typeof petitionId !== 'string' || !ID.test(petitionId)) throw new HttpError(404, 'NOT_FOUND', '未找到该诉求');
      const p = await deps.visible(staff, petitionId);
      const unitStaff = p.unitId !== null && staff.unitId === p.unitId && staff.roles.some((r) => r === 'unit-handler' || r === 'unit-leader');
      if (!isKnowledgeReviewer(staff) && !unitStaff) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员和承办单位可以把答复转为知识条目');
      const vars = p.processInstanceKey ? ((await engine.getProcessInstance(p.processInstanceKey))?.variables ?? {}) : {};
      if (vars.reviewApproved !== true || typeof vars.reply !== 'object' || vars.reply === null) {
        throw new HttpError(409, 'REPLY_NOT_APPROVED', '只有通过办结审核的答复才能转为知识条目(第十六条)');
      }
      const create = await proposal(staff, p, vars.reply);
      return deps.transaction(create);
    },
  };
}

export type KnowledgeFlowService = ReturnType<typeof createKnowledgeFlowService>;
