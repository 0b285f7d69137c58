/**
 * Similar petitions at screening and 归并 (issue 15). While a petition waits for 审查受理范围, the
 * platform sees the petitions that look like it — the same petitioner's phone (blind index, never
 * shown) or the same township with similar text (jieba keywords, `regulation/similarity.ts`) within
 * 30 days — and the screener (intake operator) may merge it into an earlier open case: one case
 * answers every petitioner.
 *
 * The merge completes the petition's screening with `merged = true`, which the lifecycle diagram
 * ends at `End_Merged` (a modelled outcome, not a cancellation: the inspector shows why it ended);
 * its status `merged` and link, the line on both timelines and the SMS to its petitioner commit
 * with that completion. Afterwards the `notify` worker tells its petitioner what the kept case's is
 * told, and the petitioner tracks and rates with their own code (petition-service).
 */
import type { EnginePort } from '../../engine/port.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { OutboxRepository } from '../data/outbox-repository.js';
import type { PetitionMergesRepository } from '../data/petition-merges-repository.js';
import type { Petition, PetitionsRepository } from '../data/petitions-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import { DEFAULT_CHANNEL } from '../../regulation/notifications.js';
import { statusLabel } from '../../regulation/petition-status.js';
import { keywords, reasonText, scoreSimilar, SIMILAR_WINDOW_DAYS, type SimilarReason } from '../../regulation/similarity.js';
import { contentWords } from '../domain/word-segmentation.js';
import { HttpError } from '../http-error.js';

export interface SimilarPetition {
  id: string;
  trackingCode: string;
  title: string;
  township: string | null;
  townshipName: string | null;
  createdAt: Date;
  status: string;
  statusLabel: string;
  reasons: SimilarReason[];
  /** the reasons in Chinese ("同一手机号", "同一乡镇且内容相近(相似度 0.45)") */
  reason: string;
  textScore: number;
  /** keywords both share */
  shared: string[];
  /** the petition may be merged into this one now (it is open and earlier) */
  mergeable: boolean;
}

export interface MergeServiceDeps {
  engine: EnginePort;
  petitions: PetitionsRepository;
  merges: PetitionMergesRepository;
  units: UnitsRepository;
  audit: AuditRepository;
  outbox: Pick<OutboxRepository, 'enqueue'>;
  /** the case when the account may open it, 404 otherwise (case-service) */
  visible(staff: StaffRecord, petitionId: string): Promise<Petition>;
}

/** statuses of a case that can no longer answer another petitioner */
const ENDED = new Set(['merged', 'rejected', 'closed', 'not-rated', 'invalid']);
const DAY = 86_400_000;
const SHOWN = 10;

export const maySeeSimilar = (staff: Pick<StaffRecord, 'roles'>) => staff.roles.some((r) => r === 'intake-operator' || r === 'platform-reviewer');

export function createMergeService(deps: MergeServiceDeps) {
  const { engine, petitions, merges, units, audit } = deps;

  /** the petition's open 审查受理范围 task, if it is at screening */
  async function screeningTask(p: Petition) {
    if (!p.processInstanceKey) return undefined;
    const tasks = await engine.listUserTasks({ processInstanceKey: p.processInstanceKey, state: 'created' });
    return tasks.find((t) => t.elementId === 'Task_ScreenPetition');
  }

  async function townshipNames(): Promise<Map<string, string>> {
    // the township as people name it: 龙南镇, not its government 龙南镇人民政府
    return new Map((await units.list({ kind: 'township' })).filter((u) => u.township).map((u) => [u.township as string, u.name.replace(/人民政府$/, '')]));
  }

  const service = {
    screeningTask,

    /** the similar petitions, best first; platform staff only (a unit never sees another's cases) */
    async similar(staff: StaffRecord, petitionId: string): Promise<SimilarPetition[]> {
      if (!maySeeSimilar(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台工作人员可以查看相似诉求');
      const p = await deps.visible(staff, petitionId);
      const at = p.createdAt.getTime();
      const { samePhone, sameTownship } = await merges.similarCandidates(p.id, { from: new Date(at - SIMILAR_WINDOW_DAYS * DAY), to: new Date(at + SIMILAR_WINDOW_DAYS * DAY) });
      const names = await townshipNames();
      // the township's own name is in many of its petitions: no sign of the same matter
      const townshipName = p.township ? names.get(p.township) : undefined;
      const extraStop = townshipName ? contentWords(townshipName) : [];
      const mine = keywords(contentWords(`${p.title}\n${p.content}`), extraStop);
      const phoneIds = new Set(samePhone.map((x) => x.id));
      const seen = new Map<string, Petition>();
      for (const x of [...samePhone, ...sameTownship]) seen.set(x.id, x);
      const atScreening = Boolean(await screeningTask(p));
      const out: (SimilarPetition & { score: number })[] = [];
      for (const x of seen.values()) {
        const result = scoreSimilar({
          samePhone: phoneIds.has(x.id),
          sameTownship: p.township !== null && x.township === p.township,
          keywords: mine,
          otherKeywords: keywords(contentWords(`${x.title}\n${x.content}`), extraStop),
        });
        if (!result) continue;
        out.push({
          id: x.id,
          trackingCode: x.trackingCode,
          title: x.title,
          township: x.township,
          townshipName: x.township ? (names.get(x.township) ?? null) : null,
          createdAt: x.createdAt,
          status: x.status,
          statusLabel: statusLabel(x.status),
          reasons: result.reasons,
          reason: reasonText(result),
          textScore: result.textScore,
          shared: result.shared.slice(0, 8),
          mergeable: atScreening && !ENDED.has(x.status) && x.createdAt.getTime() <= at,
          score: result.score,
        });
      }
      out.sort((a, b) => b.score - a.score || b.createdAt.getTime() - a.createdAt.getTime());
      return out.slice(0, SHOWN).map(({ score: _score, ...rest }) => rest);
    },

    /**
     * 归并: `petitionId` (at screening) into the earlier open case `intoId`. Refused, changing nothing:
     * not an intake operator (403), a bad id (400), into itself, into an ended or later case, or a
     * petition no longer at screening (409).
     */
    async merge(staff: StaffRecord, petitionId: string, input: unknown): Promise<{ petitionId: string; trackingCode: string; mergedIntoId: string; mergedIntoCode: string }> {
      if (!staff.roles.includes('intake-operator')) throw new HttpError(403, 'FORBIDDEN', '只有平台受理人员可以归并诉求');
      const b = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const intoId = typeof b.intoId === 'string' ? b.intoId.trim() : '';
      if (!/^[\w.:-]{1,64}$/.test(intoId)) throw new HttpError(400, 'INVALID_INPUT', '请选择要归并到的诉求', [{ field: 'intoId', message: '请选择要归并到的诉求' }]);
      const p = await deps.visible(staff, petitionId);
      if (intoId === p.id) throw new HttpError(409, 'MERGE_SELF', '不能把诉求归并到它自身');
      const into = await petitions.get(intoId);
      if (!into) throw new HttpError(404, 'NOT_FOUND', '未找到要归并到的诉求');
      if (ENDED.has(into.status) || into.mergedInto) throw new HttpError(409, 'MERGE_TARGET_ENDED', `诉求 ${into.trackingCode} 已办结或已归并,只能归并到在办的诉求`);
      if (into.createdAt.getTime() > p.createdAt.getTime()) throw new HttpError(409, 'MERGE_TARGET_LATER', `诉求 ${into.trackingCode} 晚于本件提交,请在该件审查时把它归并到本件`);
      const task = await screeningTask(p);
      if (!task || p.mergedInto) throw new HttpError(409, 'NOT_SCREENING', '该诉求不在受理审查阶段,不能归并');
      // an instance of a diagram version from before the merged outcome would read it as 不予受理
      const instance = await engine.getProcessInstance(task.processInstanceKey);
      const xml = instance && (await engine.getProcessDefinitionXml(instance.processDefinitionKey));
      if (!xml || !xml.includes('id="End_Merged"')) throw new HttpError(409, 'MERGE_UNSUPPORTED', '该诉求所在的流程版本不支持归并,请按审查结果办理');

      await engine.completeUserTask(
        task.userTaskKey,
        { merged: true, mergedIntoId: into.id, mergedIntoCode: into.trackingCode },
        {
          transactional: async (tx) => {
            if (!(await merges.merge(p.id, into.id, tx))) throw new HttpError(409, 'NOT_SCREENING', '该诉求已归并');
            // the other's tracking code only: no personal data on a timeline
            await audit.append({ actor: staff.id, action: 'petition.merged', petitionId: p.id, detail: { into: into.trackingCode } }, tx);
            await audit.append({ actor: staff.id, action: 'petition.merged', petitionId: into.id, detail: { from: p.trackingCode } }, tx);
            await deps.outbox.enqueue(
              {
                channel: DEFAULT_CHANNEL.petitioner,
                recipientKind: 'petitioner',
                recipientRef: p.id,
                template: 'petition-merged',
                payload: { petitionId: p.id, trackingCode: p.trackingCode, mergedIntoCode: into.trackingCode },
                dedupeKey: `merge:${p.id}`,
              },
              tx,
            );
          },
        },
      );
      return { petitionId: p.id, trackingCode: p.trackingCode, mergedIntoId: into.id, mergedIntoCode: into.trackingCode };
    },

    /** the petitions merged into a case */
    mergedFrom: (petitionId: string) => merges.mergedFrom(petitionId),
    /** the merges from `from` to `to`, for the reports */
    countMerges: (from: Date, to: Date) => merges.countMerges(from, to),
  };
  return service;
}

export type MergeService = ReturnType<typeof createMergeService>;
