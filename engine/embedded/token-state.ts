/**
 * The saved form of a TokenRun (engine_instances.engine_state) and what reads it without a run: the
 * element instances (tokens), their waits, the parallel joins.
 */
import type { Variables } from '../port.js';
import type { ProcessModel } from './model.js';
import type { Wait } from './run-types.js';

/** one live element instance */
export interface Token {
  /** execution id: unique in the instance, the key of its wait */
  id: string;
  /** element id */
  el: string;
  /** enclosing element instance (sub-process, multi-instance body or iteration); none = the process */
  scope?: string;
  /** variables local to the element: its input mappings, a multi-instance iteration's element */
  locals?: Variables;
  /** a multi-instance body: the collection, the next iteration to start, outputs and how many ended */
  mi?: { items: unknown[]; next: number; out: unknown[]; done: number };
  /** a multi-instance iteration: its index */
  iter?: number;
  /** a boundary event: the activity instance it is attached to */
  on?: string;
  /** what the element waits for */
  wait?: Wait;
  /** an event-based gateway: one wait per event after it */
  race?: Wait[];
}

/** the saved form (engine_instances.engine_state) */
export interface TokenState {
  v: 2;
  seq: number;
  tokens: Token[];
  /** parallel joins: `<scope>|<gateway>` → tokens arrived per incoming flow */
  joins?: Record<string, Record<string, number>>;
}

export function isTokenState(state: unknown): state is TokenState {
  return (state as TokenState | null)?.v === 2;
}

/** what ran when an instance was stopped (cancel): execution id → element id, boundary events left out */
export function openElements(model: ProcessModel, state: TokenState): Record<string, string> {
  const open: Record<string, string> = {};
  for (const t of state.tokens) if (model.elements.get(t.el)?.type !== 'bpmn:BoundaryEvent') open[t.id] = t.el;
  return open;
}

/** errors of the diagram's own making get an errorType like Zeebe's incidents */
export class ElementFailure extends Error {
  constructor(
    message: string,
    readonly errorType: string,
    readonly elementId?: string,
  ) {
    super(message);
  }
}
