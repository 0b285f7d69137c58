/**
 * Types and constants the embedded engine's modules share: the transaction an event runs in, the
 * events a run is given, a registered worker, the live run of either runner.
 */
import type { AppTransaction, JobHandler, Variables, WorkerOptions } from '../port.js';
import type { InstanceRun } from './run.js';
import type { StartTrigger } from './run-types.js';
import type { TokenRun } from './token-run.js';

export interface EngineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * A live instance: the engine's own interpreter (TokenRun); instances saved by an earlier version
 * as bpmn-engine state go on in InstanceRun until they end.
 */
export type Run = TokenRun | InstanceRun;

export type JobWrite = (tx: AppTransaction) => Promise<void>;

export type PendingEvent =
  | { kind: 'start'; variables: Variables; trigger?: StartTrigger }
  | { kind: 'complete'; execId: string; output: Variables }
  | { kind: 'error'; execId: string; code: string; message: string; variables?: Variables };

export interface Ctx {
  tx: AppTransaction;
  /** run after commit: listener notifications, waking the job loop */
  effects: (() => void)[];
  /** run after a rollback: undo in-memory reservations */
  rollbacks: (() => void)[];
}

export interface Worker {
  handler: JobHandler;
  options: WorkerOptions;
}

/** a message start event of a latest version, by message name */
export type MessageStarts = Map<string, { definitionId: string; processId: string; elementId: string }[]>;

export const DEFAULT_BACKOFF = 1000;
export const DEFAULT_JOB_TIMEOUT = 5 * 60_000;
/** lock_version of an instance row that settle() still has to insert */
export const NEW_ROW = -1;
