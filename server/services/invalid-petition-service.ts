/**
 * 恶意、虚假诉求 (第二十七条 附则): a platform reviewer marks a petition 恶意 or 虚假 with the reason and
 * the basis (依据). The case closes — status `invalid`, its process instance canceled — and leaves
 * every unit's statistics (the reports count it only as excluded). The mark, the status, the
 * reports' facts and the timeline line commit with the cancellation (the engine port's `cancel`
 * with `transactional`); on Zeebe the app's part commits first and the cancel follows, and
 * `reconcile` cancels what a crash between the two left running. A case whose process had already
 * ended is marked without a cancellation.
 *
 * 撤销认定 undoes a mark: the case counts again; a case the mark had stopped is screened again (a
 * new lifecycle instance), one that had ended gets its status back.
 *
 * A sender (the phone's blind index, never the number) with ≥ 2 marked petitions received in the
 * 12 months before a new one is flagged on that petition: its screening task, its case page and the
 * API's case view say so (regulation/invalid-petitions.ts).
 */
import type { Transaction } from 'sequelize';
import { ConflictError, NotFoundError } from '../../engine/errors.js';
import type { EnginePort } from '../../engine/port.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { CaseFactsRepository, InvalidMark } from '../data/case-facts-repository.js';
import type { Petition, PetitionsRepository } from '../data/petitions-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { INVALID_KIND_LABELS, INVALID_TEXT_MAX, isInvalidKind, repeatWindowStart, repeatedSender, repeatedSenderText, type InvalidKind } from '../../regulation/invalid-petitions.js';
import { looksPersonal } from '../../regulation/masking.js';
import { hasControlCharacters } from '../domain/text.js';
import { HttpError } from '../http-error.js';
import type { Logger } from '../logger.js';
import { inputError, lifecycleStart, type FieldProblem } from './petition-service.js';

export interface InvalidPetitionServiceDeps {
  engine: EnginePort;
  petitions: PetitionsRepository;
  facts: CaseFactsRepository;
  audit: AuditRepository;
  clock: { now(): Date };
  log: Logger;
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** the case when the account may open it, 404 otherwise (case-service) */
  visible(staff: StaffRecord, petitionId: string): Promise<Petition>;
  /** the case's open user tasks (the work queue): a 督办 started by the platform runs as its own instance */
  openTasks(petitionId: string): Promise<{ processId: string; processInstanceKey: string }[]>;
}

/** what the case view says of a mark */
export interface InvalidMarkView {
  kind: InvalidKind;
  label: string;
  reason: string;
  basis: string;
  at: Date;
}

export interface CaseFlags {
  invalidMark?: InvalidMarkView;
  /** 「该号码此前有 N 件被认定为恶意/虚假诉求」 (第二十七条 附则): the count, never the phone */
  repeatedSender?: { count: number; text: string };
  mayMarkInvalid: boolean;
  mayUnmarkInvalid: boolean;
}

export const mayMarkInvalid = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.includes('platform-reviewer');

const RUNNING = new Set(['active', 'incident']);

function text(v: unknown, field: string, label: string, problems: FieldProblem[]): string {
  const t = typeof v === 'string' ? v.replace(/\r\n?/g, '\n').trim() : '';
  if (!t) problems.push({ field, message: `请填写「${label}」` });
  else if ([...t].length > INVALID_TEXT_MAX) problems.push({ field, message: `「${label}」最多 ${INVALID_TEXT_MAX} 个字` });
  else if (hasControlCharacters(t)) problems.push({ field, message: `「${label}」含有不可见的控制字符` });
  // the timeline keeps no personal data (audit-repository.ts)
  else if (looksPersonal(t)) problems.push({ field, message: `「${label}」不能包含手机号码、身份证号等个人信息` });
  return t;
}

export function createInvalidPetitionService(deps: InvalidPetitionServiceDeps) {
  const { engine, petitions, facts, audit } = deps;

  async function running(p: Petition): Promise<boolean> {
    if (!p.processInstanceKey) return false;
    const instance = await engine.getProcessInstance(p.processInstanceKey);
    return Boolean(instance && RUNNING.has(instance.state));
  }

  /** the platform's own 督办 instances of the case (a message start: not a child the lifecycle's cancel reaches) */
  async function cancelSupervisions(p: Petition) {
    const keys = new Set((await deps.openTasks(p.id)).filter((t) => t.processId === 'supervision').map((t) => t.processInstanceKey));
    for (const key of keys) await cancelQuietly(key);
  }

  async function cancelQuietly(key: string) {
    try {
      await engine.cancel(key);
    } catch (err) {
      // already ended: what the cancel wanted
      if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
    }
  }

  const service = {
    /**
     * Mark the case 恶意/虚假: 403 unless a platform reviewer, 400 for a missing kind, reason or basis
     * (changing nothing), 409 when it is marked already or merged into another case.
     */
    async mark(staff: StaffRecord, petitionId: string, input: unknown): Promise<{ petitionId: string; trackingCode: string; kind: InvalidKind; status: 'invalid' }> {
      if (!mayMarkInvalid(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以认定恶意、虚假诉求');
      const p = await deps.visible(staff, petitionId);
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const problems: FieldProblem[] = [];
      const kind = b.kind;
      if (!isInvalidKind(kind)) problems.push({ field: 'kind', message: '请选择认定类型:恶意诉求或虚假诉求' });
      const reason = text(b.reason, 'reason', '认定理由', problems);
      const basis = text(b.basis, 'basis', '认定依据', problems);
      if (problems.length) throw inputError(problems);
      if (await facts.invalidMark(p.id)) throw new HttpError(409, 'ALREADY_MARKED', '该诉求已被认定为恶意或虚假诉求');
      if (p.status === 'merged') throw new HttpError(409, 'MERGED', '该诉求已归并到另一件诉求,请在该件上认定');
      const k = kind as InvalidKind;
      const canceling = await running(p);
      const write = async (tx: Transaction, canceledProcess: boolean) => {
        const mark: InvalidMark = { kind: k, reason, basis, by: staff.id, at: deps.clock.now(), previousStatus: p.status, canceledProcess };
        if (!(await facts.markInvalid(p.id, mark, tx))) throw new HttpError(409, 'ALREADY_MARKED', '该诉求已被认定为恶意或虚假诉求');
        await petitions.setStatus(p.id, 'invalid', tx);
        await audit.append({ actor: staff.id, action: 'case.marked-invalid', petitionId: p.id, detail: { kind: k, reason, basis } }, tx);
      };
      if (canceling && p.processInstanceKey) {
        try {
          await engine.cancel(p.processInstanceKey, { transactional: (tx) => write(tx, true) });
        } catch (err) {
          // it ended meanwhile: marked without a cancellation
          if (!(err instanceof ConflictError)) throw err;
          await deps.transaction((tx) => write(tx, false));
        }
      } else await deps.transaction((tx) => write(tx, false));
      await cancelSupervisions(p);
      deps.log.info({ petitionId: p.id, kind: k, canceled: canceling }, 'petition marked invalid (第二十七条 附则)');
      return { petitionId: p.id, trackingCode: p.trackingCode, kind: k, status: 'invalid' };
    },

    /** 撤销认定: 403 unless a platform reviewer, 409 when the case is not marked */
    async unmark(staff: StaffRecord, petitionId: string): Promise<{ petitionId: string; trackingCode: string; status: string }> {
      if (!mayMarkInvalid(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以撤销认定');
      const p = await deps.visible(staff, petitionId);
      const mark = await facts.invalidMark(p.id);
      if (!mark) throw new HttpError(409, 'NOT_MARKED', '该诉求未被认定为恶意或虚假诉求');
      const undo = async (tx: Transaction) => {
        if (!(await facts.unmarkInvalid(p.id, tx))) throw new HttpError(409, 'NOT_MARKED', '该诉求未被认定为恶意或虚假诉求');
        await audit.append({ actor: staff.id, action: 'case.unmarked-invalid', petitionId: p.id, detail: { kind: mark.kind, restarted: mark.canceledProcess } }, tx);
      };
      if (mark.canceledProcess) {
        // the mark stopped its handling: the case is screened again, by a new instance
        await engine.start('petition-lifecycle', lifecycleStart(p), {
          transactional: async (tx, ref) => {
            await undo(tx);
            await petitions.replaceProcess(p.id, ref.processInstanceKey, tx);
          },
        });
        return { petitionId: p.id, trackingCode: p.trackingCode, status: 'submitted' };
      }
      await deps.transaction(async (tx) => {
        await undo(tx);
        await petitions.setStatus(p.id, mark.previousStatus, tx);
      });
      return { petitionId: p.id, trackingCode: p.trackingCode, status: mark.previousStatus };
    },

    /** the case's mark, for its page and the API's case view */
    async markOf(petitionId: string): Promise<InvalidMarkView | undefined> {
      const m = await facts.invalidMark(petitionId);
      return m && { kind: m.kind, label: INVALID_KIND_LABELS[m.kind], reason: m.reason, basis: m.basis, at: m.at };
    },

    /** the repeated-sender flag of a petition (never the phone): its count and its words */
    async repeatedSender(p: Pick<Petition, 'id' | 'createdAt'>): Promise<{ count: number; text: string } | undefined> {
      // received up to this one (the same instant included): 此前
      const count = repeatedSender(await facts.markedCountForSenderOf(p.id, repeatWindowStart(p.createdAt), new Date(p.createdAt.getTime() + 1)));
      return count === undefined ? undefined : { count, text: repeatedSenderText(count) };
    },

    /**
     * What a case view adds (the API's and the page's): the mark when there is one, the
     * repeated-sender flag for the platform's staff (the screening is theirs), and whether the account
     * may mark or undo.
     */
    async caseFlags(staff: StaffRecord, p: Pick<Petition, 'id' | 'createdAt'>): Promise<CaseFlags> {
      const mark = await service.markOf(p.id);
      const platform = staff.roles.some((r) => r === 'intake-operator' || r === 'platform-reviewer');
      const repeated = platform ? await service.repeatedSender(p) : undefined;
      return {
        ...(mark && { invalidMark: mark }),
        ...(repeated && { repeatedSender: repeated }),
        mayMarkInvalid: mayMarkInvalid(staff) && !mark,
        mayUnmarkInvalid: mayMarkInvalid(staff) && Boolean(mark),
      };
    },

    /**
     * The reconciler's part (Zeebe: the app's mark commits before the cancel): marked cases of the
     * last `days` whose process still runs are canceled now. Answers how many.
     */
    async reconcile(days = 30): Promise<number> {
      let n = 0;
      for (const m of await facts.markedSince(new Date(deps.clock.now().getTime() - days * 86_400_000), 500)) {
        if (!m.processInstanceKey) continue;
        const p = await petitions.get(m.petitionId);
        if (!p || p.status !== 'invalid' || !(await running(p))) continue;
        await cancelQuietly(m.processInstanceKey);
        await cancelSupervisions(p);
        n++;
        deps.log.warn({ petitionId: p.id }, 'a marked petition’s process was still running: canceled by the reconciler');
      }
      return n;
    },
  };
  return service;
}

export type InvalidPetitionService = ReturnType<typeof createInvalidPetitionService>;
