/**
 * What the interpreter (token-run.ts), the legacy bpmn-engine runner (run.ts) and the adapter share:
 * the waits a run leaves (the rows that can wake it), its history records and failure, how it was
 * started. A module of its own so that none of them imports another for a type.
 */
import type { HistoryEventType, Variables } from '../port.js';

interface WaitBase {
  execId: string;
  elementId: string;
}
export interface JobWait extends WaitBase {
  kind: 'job';
  type: string;
  retries: number;
  headers: Record<string, string>;
  /** local variables of the job (input mappings, multi-instance element) */
  locals: Variables;
}
export interface UserTaskWait extends WaitBase {
  kind: 'userTask';
  name?: string;
  assignee?: string;
  candidateGroups: string[];
  candidateUsers: string[];
  formId?: string;
  dueDate?: string;
  followUpDate?: string;
  priority?: number;
  locals: Variables;
}
export interface CallWait extends WaitBase {
  kind: 'call';
  processId: string;
  variables: Variables;
}
export interface MessageWait extends WaitBase {
  kind: 'message';
  messageName: string;
  correlationKey: string;
}
export interface TimerWait extends WaitBase {
  kind: 'timer';
  dueAt: number;
  repetitions?: number;
  interval?: string;
}
/**
 * A business-rule task's called decision: never saved — settle() evaluates it in the transaction
 * that reached it (the latest deployed version) and the run goes on, or an incident is raised.
 */
export interface DecisionWait extends WaitBase {
  kind: 'decision';
  decisionId: string;
  resultVariable: string;
  /** what the decision sees: the element's scope */
  variables: Variables;
}
export type Wait = JobWait | UserTaskWait | CallWait | MessageWait | TimerWait | DecisionWait;

/** what a business-rule task's decision gave: its output, or the incident to raise */
export type DecisionOutcome = { ok: true; output: Variables; history: HistoryRecord } | { ok: false; errorType: string; message: string };

export interface HistoryRecord {
  elementId: string;
  elementType: string;
  event: HistoryEventType | 'taken';
  at: number;
  detail?: Record<string, unknown>;
}

export interface RunFailure {
  elementId: string;
  errorType: string;
  message: string;
}

export interface SavedRun {
  engine: any;
  variables: Variables;
  scopes: Record<string, Variables>;
  open: Record<string, string>;
  waits: Wait[];
}

/** what started the instance when not a plain start(): its message or timer start event */
export interface StartTrigger {
  elementId: string;
  variables?: Variables;
}

/**
 * What the legacy runner (run.ts, InstanceRun) offers the Zeebe event definitions of its elements
 * (elements/): a durable wait instead of bpmn-elements' in-memory timers and message queues.
 */
export interface WaitingRun {
  registerMessage(elementId: string, content: any, onCatch: (vars: Variables) => void): void;
  registerTimer(
    elementId: string,
    content: any,
    repeatFrom: { dueAt: number; repetitions: number; interval: string } | undefined,
    onFire: (fired: { dueAt: number; next?: { dueAt: number; repetitions: number; interval: string } }) => void,
  ): void;
  releaseWait(execId: string): void;
}
