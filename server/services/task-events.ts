/**
 * What the app keeps in step with the engine's user tasks: a task offered to a unit's group
 * (`unit:<id>`) assigns the petition to that unit — the unit may then see the case (and, unless it
 * is confidential, the petitioner; 第十九条) — the co-handling units a joint dispatch names may read
 * it (never the petitioner; 第十二条) — and the status the petitioner tracks follows the
 * case between the statuses the diagrams set themselves (rejected, replied, not-rated, closed): once
 * the redo's answer is rated unsatisfied the platform judges whose fault it is (judging, 第二十三条(四))
 * and then supervises the unit (supervised, 第二十四条) — neither waits for a rating, so the
 * petitioner must not be offered one (only `replied` is).
 */
import type { AppTransaction, EnginePort, UserTask, UserTaskEvent } from '../../engine/port.js';
import type { PetitionsRepository } from '../data/petitions-repository.js';

/** statuses the app may move from: never back from an outcome the diagram set */
const BEFORE_REPLY = new Set(['submitted', 'screening', 'dispatched', 'handling', 'extended']);
/** the rating those steps follow: a replay of an older task event must not undo a later status */
const RATED = new Set(['replied']);
const BEFORE_SUPERVISION = new Set(['replied', 'judging']);

export function unitOf(task: Pick<UserTask, 'candidateGroups'>): string | undefined {
  const g = task.candidateGroups.find((x) => x.startsWith('unit:'));
  return g?.slice('unit:'.length);
}

export function createTaskEvents(deps: { petitions: PetitionsRepository }) {
  const { petitions } = deps;

  /** idempotent: applying an event twice (a repeated Zeebe listener job, the catch-up on a read) changes nothing more */
  async function onEvent(event: UserTaskEvent, tx?: AppTransaction) {
    const petitionId = event.task.variables.petitionId;
    if (typeof petitionId !== 'string') return;
    const petition = await petitions.get(petitionId, tx);
    if (!petition) return;
    const { elementId } = event.task;
    if (event.type === 'created') {
      const unitId = unitOf(event.task);
      if (unitId && petition.unitId !== unitId) await petitions.assign(petitionId, unitId, undefined, tx);
      if (elementId === 'Task_ScreenPetition' && petition.status === 'submitted') await petitions.setStatus(petitionId, 'screening', tx);
      else if (elementId === 'Task_Redo' && petition.status !== 'redo') await petitions.setStatus(petitionId, 'redo', tx);
      else if (elementId === 'Task_JudgeAttribution' && RATED.has(petition.status)) await petitions.setStatus(petitionId, 'judging', tx);
      else if (elementId === 'Task_ChooseSupervision' && BEFORE_SUPERVISION.has(petition.status)) await petitions.setStatus(petitionId, 'supervised', tx);
      // (a status it already has is not written again: every read of a task replays its event)
      else if (unitId && BEFORE_REPLY.has(petition.status) && petition.status !== 'handling') await petitions.setStatus(petitionId, 'handling', tx);
      // 第二十五条: each 督办 counted once, by its 第二十三条 item (the platform's, or the lifecycle's 四)
      if (elementId === 'Task_ChooseSupervision') {
        const item = event.task.variables.supervisionTrigger;
        await petitions.recordFact(petitionId, { kind: 'supervised', userTaskKey: event.task.userTaskKey, item: typeof item === 'string' && item ? item : '五' }, tx);
      }
    } else if (event.type === 'completed' && elementId === 'Task_ScreenPetition') {
      // 第七条: in scope is 受理 (a merge also completes the screening: that is no acceptance)
      if (event.variables.inScope === true && event.variables.merged !== true) await petitions.recordFact(petitionId, { kind: 'accepted' }, tx);
    } else if (event.type === 'completed' && elementId === 'Task_DispatchPetition') {
      // 第十二条: the dispatch decides the co-handling units (协办单位) besides the lead unit; they may
      // read the case. A later dispatch (after a return, 第十一条) replaces them.
      const { unitId, jointMode, coUnitIds } = event.variables;
      const co = jointMode === 'joint' && Array.isArray(coUnitIds) ? coUnitIds.filter((u): u is string => typeof u === 'string' && u !== unitId) : [];
      await petitions.setCoUnits(petitionId, co, tx);
    }
    // the redo's answer going back to the petitioner (replied) is the diagram's own step: evaluation's Task_StatusRedoReplied
  }

  return {
    onEvent,
    /** the case's unit and status commit with the task's event (UserTaskProjector) */
    attach(engine: EnginePort) {
      return engine.projectUserTasks((event, tx) => onEvent(event, tx));
    },
  };
}
