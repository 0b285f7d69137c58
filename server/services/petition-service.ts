/**
 * Petitions from the outside: submitted on the portal (web / WeChat H5), entered by an intake
 * operator for a hotline caller, or sent by a third-party app (Open311); tracked with code + phone;
 * rated through the link sent after the reply. Each submission is checked whole before anything is
 * written (fields, then every attachment), then stored (identity encrypted), its attachments kept,
 * and `petition-lifecycle` started for it.
 */
import { randomUUID } from 'node:crypto';
import { UniqueConstraintError, type Transaction } from 'sequelize';
import type { EnginePort } from '../../engine/port.js';
import type { AttachmentsRepository } from '../data/attachments-repository.js';
import type { AuditRepository } from '../data/audit-repository.js';
import { checkPetitionInput, newTrackingCode, PetitionInputError, type Channel, type Petition, type PetitionsRepository } from '../data/petitions-repository.js';
import type { PublicationRepository } from '../data/publication-repository.js';
import { CATEGORY_LABELS } from '../../regulation/categories.js';
import { RATINGS, RATING_LABELS, type Rating } from '../../regulation/ratings.js';
import { checkUpload, FileTypeError } from '../domain/file-type.js';
import { statusLabel } from '../../regulation/petition-status.js';
import { hasControlCharacters } from '../domain/text.js';
import { HttpError } from '../http-error.js';
import type { Logger } from '../logger.js';

// 第十七条's five levels live in regulation/ (the reports count them too); re-exported for the routes and views
export { RATINGS, RATING_LABELS, type Rating };

/** Chinese names of the submission's fields, for error messages */
export const FIELD_LABELS: Record<string, string> = {
  channel: '渠道',
  category: '诉求类别',
  title: '标题',
  content: '诉求内容',
  township: '发生地(乡镇)',
  urgent: '突发事项',
  confidential: '是否保密',
  petitionerName: '姓名',
  petitionerPhone: '手机号码',
  agree: '同意平台规则',
  attachments: '附件',
  rating: '满意度',
  ratingComment: '评价意见',
};

export const MAX_PETITION_FILES = 3;

export interface UploadedFile {
  filename: string;
  content: Buffer;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export function inputError(problems: FieldProblem[], message = '提交的内容有误,请按提示修改'): HttpError {
  return new HttpError(400, 'INVALID_INPUT', message, problems);
}

/** a repository's PetitionInputError as a field problem in Chinese */
function petitionProblem(err: PetitionInputError): FieldProblem {
  const field = err.field ?? '';
  const label = FIELD_LABELS[field] ?? field;
  const m = err.message;
  let message: string;
  if (/must not be empty/.test(m)) message = `请填写「${label}」`;
  else if (/at most (\d+) characters/.test(m)) message = `「${label}」最多 ${/at most (\d+)/.exec(m)?.[1]} 个字`;
  else if (/control characters/.test(m)) message = `「${label}」含有不可见的控制字符(如改变文字方向的字符),请删除后再提交`;
  else if (/must be text/.test(m)) message = `「${label}」须为文字`;
  else if (field === 'petitionerPhone') message = '请填写 11 位手机号码';
  else if (field === 'category') message = '请选择诉求类别';
  else if (field === 'township') message = '请选择发生地所在的乡镇';
  else if (field === 'channel') message = '渠道不正确';
  else if (/true or false/.test(m)) message = `「${label}」只能是“是”或“否”`;
  else message = `「${label}」填写有误`;
  return { field, message };
}

export interface SubmitOptions {
  channel: Channel;
  actor: string;
  files?: UploadedFile[];
  requireAgreement: boolean;
  allowUrgent: boolean;
}

export interface TrackingView {
  petition: Petition;
  categoryLabel: string;
  statusLabel: string;
  /** the reply, once answered */
  reply?: { text: string; handlingUnit?: string; handledAt?: string };
  /** why it was not accepted (第八条), and the number to call for item 二 */
  rejection?: { item?: string; note?: string; emergencyNumber?: string };
  /** the rating link applies now */
  canRate: boolean;
  /** 归并: the case that answers this petition (its progress and answer are shown) */
  mergedInto?: { trackingCode: string; statusLabel: string };
}

export interface PetitionServiceDeps {
  engine: EnginePort;
  petitions: PetitionsRepository;
  attachments: AttachmentsRepository;
  audit: AuditRepository;
  publications: PublicationRepository;
  log: Logger;
  maxUploadBytes: number;
  /** the rating of a merged petition and its line on the kept case's timeline commit together */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** the petition's keywords for hotspots (第二十三条(二)), stored in its submission's transaction */
  indexKeywords?(petition: Petition, tx: Transaction): Promise<void>;
}

/** statuses in which a case's answer is shown to its petitioner */
const ANSWERED = new Set(['replied', 'closed', 'not-rated', 'redo', 'judging', 'supervised']);

const bool = (v: unknown): boolean | unknown => (v === 'true' || v === 'on' || v === '1' ? true : v === 'false' || v === '0' || v === '' ? false : v);

export function createPetitionService(deps: PetitionServiceDeps) {
  const { engine, petitions, attachments, audit, log } = deps;

  async function lifecycleVariables(p: Petition): Promise<Record<string, unknown>> {
    if (!p.processInstanceKey) return {};
    return (await engine.getProcessInstance(p.processInstanceKey))?.variables ?? {};
  }

  /**
   * 第十八条: the redo's answer while the petitioner is asked to rate it. It is a variable of the
   * `evaluation` call activity, which reaches the lifecycle only when the evaluation ends: found
   * through the redo task the case's history names.
   */
  async function redoAnswer(p: Petition): Promise<string | undefined> {
    const done = (await audit.listByPetition(p.id)).filter((e) => e.action === 'task.completed' && e.detail?.elementId === 'Task_Redo').pop();
    const key = done?.detail?.userTaskKey;
    if (typeof key !== 'string') return undefined;
    const task = await engine.getUserTask(key);
    const text = task && (await engine.getProcessInstance(task.processInstanceKey))?.variables.redoReplyText;
    return typeof text === 'string' && text ? text : undefined;
  }

  /** the rating's problems (added to `problems`) and its comment, trimmed */
  function ratingInput(rating: unknown, comment: unknown, problems: FieldProblem[]): string {
    if (!(RATINGS as readonly unknown[]).includes(rating)) problems.push({ field: 'rating', message: '请选择满意度' });
    return optionalText(comment, 'ratingComment', '评价意见', 500, problems);
  }

  /**
   * the evaluation waiting for this case's rating takes it (409 when none waits); its audit line and
   * the reports' record of it commit with the message
   */
  async function takeRating(petition: Petition, rating: unknown, text: string, entry: { actor: string; action: string }) {
    if (petition.status !== 'replied') throw new HttpError(409, 'NOT_RATABLE', '该诉求当前不在评价期内');
    await engine.publishMessage({
      name: 'rating-submitted',
      correlationKey: petition.id,
      variables: { rating, ratingComment: text },
      timeToLive: 0,
      transactional: async (tx, result) => {
        if (result.correlatedInstanceKeys.length === 0) throw new HttpError(409, 'NOT_RATABLE', '该诉求当前不在评价期内');
        await audit.append({ ...entry, petitionId: petition.id, detail: { rating } }, tx);
        await petitions.recordFact(petition.id, { kind: 'rated', rating: rating as string }, tx);
      },
    });
  }

  /** the case a merged petition is answered by */
  async function keptCase(p: Petition): Promise<Petition | undefined> {
    return p.status === 'merged' && p.mergedInto ? petitions.get(p.mergedInto) : undefined;
  }

  /** a merged petitioner rates once, when the kept case has an answer */
  async function mergedRatable(p: Petition, kept: Petition): Promise<boolean> {
    return ANSWERED.has(kept.status) && !(await audit.listByPetition(p.id)).some((e) => e.action === 'petition.rated');
  }

  const service = {
    /**
     * Every problem of a submission, without storing anything: the portal adds these to a wrong
     * challenge answer, so that one round shows the citizen all that is missing.
     */
    check(raw: Record<string, unknown>, options: SubmitOptions) {
      const problems: FieldProblem[] = [];
      const input = {
        channel: options.channel,
        category: raw.category,
        title: raw.title,
        content: raw.content,
        township: raw.township === '' ? null : raw.township,
        urgent: options.allowUrgent ? bool(raw.urgent ?? false) : false,
        confidential: bool(raw.confidential ?? false),
        petitionerName: raw.petitionerName,
        petitionerPhone: raw.petitionerPhone,
      };
      // every field problem at once: check field by field with the repository's own rules
      try {
        checkPetitionInput(input);
      } catch (err) {
        if (!(err instanceof PetitionInputError)) throw err;
        for (const f of ['category', 'title', 'content', 'township', 'petitionerName', 'petitionerPhone', 'urgent', 'confidential', 'channel']) {
          try {
            // a field left out (JSON) is asked for as an empty one (a form) is
            checkPetitionInput({ ...VALID_SAMPLE, channel: input.channel, [f]: (input as Record<string, unknown>)[f] ?? '' });
          } catch (e) {
            if (e instanceof PetitionInputError) problems.push(petitionProblem(e));
          }
        }
        if (!problems.length) problems.push(petitionProblem(err));
      }
      if (options.requireAgreement && bool(raw.agree) !== true) problems.push({ field: 'agree', message: '请阅读并同意平台规则' });
      const files = options.files ?? [];
      if (files.length > MAX_PETITION_FILES) problems.push({ field: 'attachments', message: `附件最多 ${MAX_PETITION_FILES} 个` });
      for (const f of files) {
        try {
          checkUpload({ filename: f.filename, content: f.content, maxBytes: deps.maxUploadBytes });
        } catch (err) {
          if (err instanceof FileTypeError) problems.push({ field: 'attachments', message: `${f.filename.slice(0, 60)}:${err.message}` });
          else throw err;
        }
      }
      return { input, problems };
    },

    /**
     * Check and store a petition, keep its files, start its lifecycle. `raw` comes from a form or
     * JSON: booleans may arrive as "true"/"on". The portal asks the petitioner to agree to the rules.
     */
    async submit(raw: Record<string, unknown>, options: SubmitOptions): Promise<Petition> {
      const { input, problems } = service.check(raw, options);
      if (problems.length) throw inputError(problems);
      const files = options.files ?? [];

      const checked = checkPetitionInput(input);
      // one transaction for the petition, its files, the audit entry and the started process (a
      // crash leaves all or nothing: no process without its petition, no petition nobody can act on)
      for (let attempt = 1; ; attempt++) {
        const id = randomUUID();
        const trackingCode = newTrackingCode();
        let petition: Petition | undefined;
        try {
          const ref = await engine.start(
            'petition-lifecycle',
            lifecycleStart({ id, trackingCode, ...checked }),
            {
              transactional: async (tx, started) => {
                petition = await petitions.create(input as Parameters<PetitionsRepository['create']>[0], { tx, id, trackingCode, processInstanceKey: started.processInstanceKey });
                for (const f of files) await attachments.store({ filename: f.filename, content: f.content, petitionId: id, purpose: 'petition', uploadedBy: options.actor === 'petitioner' ? 'petitioner' : options.actor }, tx);
                await audit.append({ actor: options.actor, action: 'petition.submitted', petitionId: id, detail: { channel: petition.channel, category: petition.category, attachments: files.length } }, tx);
                await deps.indexKeywords?.(petition, tx);
              },
            },
          );
          if (!petition) throw new Error('the petition was not stored with its process');
          log.info({ petitionId: id, channel: petition.channel, processInstanceKey: ref.processInstanceKey }, 'petition submitted');
          return petition;
        } catch (err) {
          // a tracking code drawn twice (31^8 codes): nothing was written, draw again
          if (err instanceof UniqueConstraintError && attempt < 5) continue;
          throw err;
        }
      }
    },

    /**
     * The reconciler's part: petitions that a crash left without their process (before a submission
     * was one transaction) get it now, exactly once — the link is taken in the start's transaction.
     */
    async startMissing(createdBefore: Date): Promise<number> {
      let started = 0;
      for (const p of await petitions.listWithoutProcess(createdBefore, 100)) {
        try {
          await engine.start('petition-lifecycle', lifecycleStart(p), {
            transactional: async (tx, ref) => {
              if (!(await petitions.linkProcess(p.id, ref.processInstanceKey, tx))) throw new AlreadyLinked();
              await audit.append({ actor: 'system', action: 'petition.process-started', petitionId: p.id, detail: { reason: 'reconciler' } }, tx);
            },
          });
          started++;
          log.warn({ petitionId: p.id }, 'a petition left without its process was started by the reconciler');
        } catch (err) {
          if (!(err instanceof AlreadyLinked)) throw err;
        }
      }
      return started;
    },

    /** the petition of a tracking code when the phone is its petitioner's; the same 404 for an unknown code and a wrong phone */
    async find(code: unknown, phone: unknown): Promise<Petition> {
      const p = await petitions.findForTracking(typeof code === 'string' ? code : '', typeof phone === 'string' ? phone : '');
      if (!p) throw new HttpError(404, 'NOT_FOUND', '查询编号或手机号码不正确');
      return p;
    },

    async track(code: unknown, phone: unknown): Promise<TrackingView> {
      const petition = await service.find(code, phone);
      // 归并: the petitioner follows the kept case (its status and answer) with their own code
      const kept = await keptCase(petition);
      const source = kept ?? petition;
      const vars = await lifecycleVariables(source);
      const view: TrackingView = kept
        ? {
            petition,
            categoryLabel: CATEGORY_LABELS[petition.category],
            statusLabel: `${statusLabel('merged')}:${statusLabel(kept.status)}`,
            canRate: await mergedRatable(petition, kept),
            mergedInto: { trackingCode: kept.trackingCode, statusLabel: statusLabel(kept.status) },
          }
        : { petition, categoryLabel: CATEGORY_LABELS[petition.category], statusLabel: statusLabel(petition.status), canRate: petition.status === 'replied' };
      const reply = vars.reply as Record<string, unknown> | undefined;
      if (ANSWERED.has(source.status) && reply && typeof reply.replyText === 'string') {
        const redoText = typeof vars.redoReplyText === 'string' && vars.redoReplyText ? vars.redoReplyText : await redoAnswer(source);
        const redo = redoText ? `\n\n【重办答复】${redoText}` : '';
        view.reply = {
          text: reply.replyText + redo,
          ...(typeof reply.handlingUnit === 'string' && { handlingUnit: reply.handlingUnit }),
          ...(typeof reply.handledAt === 'string' && { handledAt: reply.handledAt }),
        };
      }
      if (petition.status === 'rejected') {
        view.rejection = {
          ...(typeof vars.outOfScopeItem === 'string' && { item: vars.outOfScopeItem }),
          ...(typeof vars.rejectionNote === 'string' && { note: vars.rejectionNote }),
          ...(typeof vars.emergencyNumber === 'string' && { emergencyNumber: vars.emergencyNumber }),
        };
      }
      return view;
    },

    /**
     * The rating a case was given, when the petitioner has rated its latest answer (a redo's answer
     * asks again, 第十八条): what the re-opened SMS link shows instead of the form. Only the rating
     * and its time — the link carries the code alone, not the phone.
     */
    async givenRating(code: unknown): Promise<{ rating: string; label: string; at: Date } | undefined> {
      const petition = await petitions.findByTrackingCode(typeof code === 'string' ? code : '');
      if (!petition) return undefined;
      // rated through the link or, heard on the phone (第十七条 回访), by platform staff
      const rated = (action: string) => action === 'petition.rated' || action === 'petition.rated-by-phone';
      const last = (await audit.listByPetition(petition.id)).filter((e) => rated(e.action) || (e.action === 'task.completed' && e.detail?.elementId === 'Task_Redo')).pop();
      const rating = last && rated(last.action) ? last.detail?.rating : undefined;
      if (typeof rating !== 'string') return undefined;
      return { rating, label: RATING_LABELS[rating as Rating] ?? rating, at: last!.at };
    },

    /** 第十七条: the petitioner's rating, taken only while the case waits for it */
    async rate(code: unknown, phone: unknown, rating: unknown, comment: unknown): Promise<Petition> {
      const problems: FieldProblem[] = [];
      const text = ratingInput(rating, comment, problems);
      const petition = await service.find(code, phone);
      if (problems.length) throw inputError(problems);
      const kept = await keptCase(petition);
      if (kept) {
        // 归并: the kept case's evaluation (第十七条, 第十八条 redo) is its own petitioner's; a merged
        // petitioner's rating is recorded on their petition, once, for the statistics and the kept
        // case's staff — never a second rating-submitted into the kept case's process
        if (!(await mergedRatable(petition, kept))) throw new HttpError(409, 'NOT_RATABLE', '该诉求当前不在评价期内');
        await deps.transaction(async (tx) => {
          await audit.append({ actor: 'petitioner', action: 'petition.rated', petitionId: petition.id, detail: { rating, mergedInto: kept.trackingCode } }, tx);
          await audit.append({ actor: 'petitioner', action: 'petition.merged-rated', petitionId: kept.id, detail: { rating, from: petition.trackingCode } }, tx);
        });
        return petition;
      }
      await takeRating(petition, rating, text, { actor: 'petitioner', action: 'petition.rated' });
      return petition;
    },

    /**
     * 第十七条 回访: platform staff record the rating the petitioner gave on the phone (they never opened
     * the SMS link): taken as the petitioner's own, and the timeline says who heard it.
     */
    async rateByPhone(staff: { id: string; roles: readonly string[] }, petition: Petition, rating: unknown, comment: unknown): Promise<void> {
      if (!staff.roles.some((r) => r === 'intake-operator' || r === 'platform-reviewer')) throw new HttpError(403, 'FORBIDDEN', '只有平台工作人员可以录入电话回访');
      const problems: FieldProblem[] = [];
      const text = ratingInput(rating, comment, problems);
      if (problems.length) throw inputError(problems);
      await takeRating(petition, rating, text, { actor: staff.id, action: 'petition.rated-by-phone' });
    },

    /** 第二十条、第二十一条: published replies, masked, newest first */
    listPublished: (page: number) => deps.publications.list({ limit: 20, offset: Math.max(0, page - 1) * 20 }),
  };
  return service;
}

export type PetitionService = ReturnType<typeof createPetitionService>;

/** another process linked the petition first: this start is rolled back */
class AlreadyLinked extends Error {}

/** the variables petition-lifecycle starts with (docs/process-contract.md) */
export function lifecycleStart(p: { id: string; trackingCode: string; category: string; urgent: boolean; township: string | null; channel: string }) {
  return { petitionId: p.id, trackingCode: p.trackingCode, category: p.category, urgent: p.urgent, township: p.township, channel: p.channel };
}

/** a valid petition, to check one field at a time with the repository's own rules */
const VALID_SAMPLE = { channel: 'web', category: 'other', title: '标题', content: '内容', township: null, urgent: false, confidential: false, petitionerName: '张三', petitionerPhone: '13900000000' };

/** a free text a person may leave out: trimmed ('' when absent), its problems added to `problems` */
export function optionalText(v: unknown, field: string, label: string, max: number, problems: FieldProblem[]): string {
  const text = typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : undefined;
  if (text === undefined) problems.push({ field, message: `${label}须为文字` });
  else if ([...text].length > max) problems.push({ field, message: `${label}最多 ${max} 个字` });
  else if (hasControlCharacters(text)) problems.push({ field, message: `${label}含有不可见的控制字符` });
  return text ?? '';
}
