/**
 * A Camunda 8.8 user-task listener job as the port's user-task event: the adapter's listener
 * worker receives a job for each `creating`, `completing` and `canceling` of a user task (the
 * diagrams' user tasks carry the listeners, job type `wenzheng-user-task`), mirrors the task into
 * the app's task table from the job's `userTask` properties and emits what the embedded adapter
 * emits (`created`, `completed`, `canceled`). Only jobs activated through the REST API carry these
 * properties (engine/README.md).
 */
import { InvalidArgumentError } from '../errors.js';
import type { UserTask, UserTaskEvent, Variables } from '../port.js';

export const USER_TASK_LISTENER_TYPE = 'wenzheng-user-task';

/** the part of an activated REST job (`@camunda8/orchestration-cluster-api`) a listener job is read from */
export interface ListenerJob {
  jobKey: string;
  type: string;
  kind: string;
  listenerEventType: string;
  processInstanceKey: string;
  processDefinitionId: string;
  elementId: string;
  variables: Record<string, unknown>;
  userTask?: {
    userTaskKey?: string | null;
    assignee?: string | null;
    candidateGroups?: string[];
    candidateUsers?: string[];
    dueDate?: string | null;
    followUpDate?: string | null;
    formKey?: string;
    priority?: number | null;
  };
}

const EVENTS: Record<string, UserTaskEvent['type']> = { CREATING: 'created', COMPLETING: 'completed', CANCELING: 'canceled' };

/**
 * The event a listener job stands for, with the task as the app's task table keeps it. `formIdOf`
 * turns Zeebe's form key (a linked form's deployed key) back into the form id the app shows;
 * `name` is the element's name from the deployed diagram. Other listener events (assigning,
 * updating) answer undefined: the app does not use them.
 */
export function listenerEvent(
  job: ListenerJob,
  at: Date,
  lookups: { formIdOf(formKey: string): string | undefined; nameOf(processId: string, elementId: string): string | undefined },
): UserTaskEvent | undefined {
  if (job.kind !== 'TASK_LISTENER') throw new InvalidArgumentError(`job ${job.jobKey} is not a task listener job (kind ${job.kind})`);
  const type = EVENTS[job.listenerEventType];
  if (!type) return undefined;
  const t = job.userTask;
  if (!t?.userTaskKey) throw new InvalidArgumentError(`task listener job ${job.jobKey} carries no user task`);
  const formId = t.formKey ? lookups.formIdOf(String(t.formKey)) : undefined;
  const name = lookups.nameOf(job.processDefinitionId, job.elementId);
  const task: UserTask = {
    userTaskKey: String(t.userTaskKey),
    processInstanceKey: String(job.processInstanceKey),
    processId: job.processDefinitionId,
    elementId: job.elementId,
    ...(name && { name }),
    ...(t.assignee && { assignee: t.assignee }),
    candidateGroups: t.candidateGroups ?? [],
    candidateUsers: t.candidateUsers ?? [],
    ...(formId && { formId }),
    ...(t.dueDate && { dueDate: t.dueDate }),
    ...(t.followUpDate && { followUpDate: t.followUpDate }),
    ...(typeof t.priority === 'number' && { priority: t.priority }),
    state: type === 'created' ? 'created' : type,
    variables: { ...job.variables },
    createdAt: at,
    ...(type !== 'created' && { endedAt: at }),
  };
  if (type === 'completed') return { type, task, variables: { ...job.variables } as Variables };
  return { type, task } as UserTaskEvent;
}
