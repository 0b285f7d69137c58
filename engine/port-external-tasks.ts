/**
 * The engine port's external-task part (issue 19), re-exported by port.ts (which it does not import:
 * the two types it needs are the same as port.ts's).
 */
import type { Transaction as AppTransaction } from 'sequelize';

type Variables = Record<string, unknown>;

/**
 * Camunda 7's external-task protocol over the engine's jobs: a job's type is the topic. A remote
 * worker fetches and locks jobs, then completes them, fails them (retries, a retry timeout, an
 * incident at 0), throws a business error (the diagram's error boundary), extends or gives back its
 * lock — the same rows, locks and retries as the engine's own workers. Embedded engine only: on
 * Zeebe remote workers use Zeebe's own job API.
 */
export interface ExternalTaskTopic {
  topicName: string;
  /** ms the lock holds from now */
  lockDuration: number;
}

export interface FetchAndLockRequest {
  /** who locks (the app passes its credential's id with the client's worker id: `cred/worker`) */
  workerId: string;
  maxTasks: number;
  topics: ExternalTaskTopic[];
}

export interface LockedExternalTask {
  /** the job's key */
  id: string;
  topicName: string;
  workerId: string;
  processInstanceId: string;
  processDefinitionKey: string;
  /** the process id (Camunda 7's processDefinitionKey) */
  processId: string;
  activityId: string;
  retries: number;
  /** the last failure's message */
  errorMessage: string | null;
  lockExpirationTime: Date;
  createTime: Date;
  /** the instance's variables with the job's input mappings over them (what a handler is given) */
  variables: Variables;
  /** zeebe:taskHeaders (Camunda 7's extension properties) */
  headers: Record<string, string>;
}

export interface ExternalTaskFailure {
  errorMessage: string;
  errorDetails?: string;
  /** retries left; 0 → an incident (JOB_NO_RETRIES) */
  retries: number;
  /** ms before the job can be fetched again */
  retryTimeout: number;
}

export interface ExternalTaskOptions {
  /** the app's writes of the call (its audit row): in the engine's transaction, both or neither */
  transactional?: (tx: AppTransaction) => Promise<void>;
}

export interface FetchAndLockOptions {
  /** the app's writes of the call, given what was locked: in the locking transaction (not run when nothing was locked) */
  transactional?: (tx: AppTransaction, locked: LockedExternalTask[]) => Promise<void>;
}

/**
 * Refusals: NotFoundError (no such job: a wrong id, or it ended — completed, canceled, taken by an
 * error boundary), ExternalTaskLockError (400: locked by another worker, or not locked any more).
 */
export interface ExternalTaskPort {
  /** lock up to maxTasks due jobs of the topics (nothing to wait: an empty list) */
  fetchAndLock(request: FetchAndLockRequest, options?: FetchAndLockOptions): Promise<LockedExternalTask[]>;
  /**
   * resolves when jobs of the topics may have become due: one created by this process at once, any
   * other (another process's, a backoff ended, a lock run out) within `pollMs`; also on `signal`
   */
  waitForTasks(topics: readonly string[], pollMs: number, signal?: AbortSignal): Promise<void>;
  /** the job, when it exists (its lock holder and the variables a handler is given) */
  getExternalTask(id: string): Promise<LockedExternalTask | (Omit<LockedExternalTask, 'workerId' | 'lockExpirationTime'> & { workerId: null; lockExpirationTime: null }) | undefined>;
  complete(id: string, workerId: string, variables: Variables, options?: ExternalTaskOptions): Promise<void>;
  fail(id: string, workerId: string, failure: ExternalTaskFailure, options?: ExternalTaskOptions): Promise<void>;
  bpmnError(id: string, workerId: string, error: { errorCode: string; errorMessage?: string; variables?: Variables }, options?: ExternalTaskOptions): Promise<void>;
  /** a new lock of `newDuration` ms from now; refused when the lock ran out */
  extendLock(id: string, workerId: string, newDuration: number, options?: ExternalTaskOptions): Promise<void>;
  /** the job free again for any worker, its retries unchanged */
  unlock(id: string, options?: ExternalTaskOptions): Promise<void>;
}
