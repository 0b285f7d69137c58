/**
 * Errors crossing the engine port. `EngineError.status` follows HTTP so the server's one error
 * middleware can answer with it unchanged.
 */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends EngineError {
  constructor(message: string, details?: unknown) {
    super(message, 404, 'NOT_FOUND', details);
  }
}

export class ConflictError extends EngineError {
  constructor(message: string, code = 'CONFLICT', details?: unknown) {
    super(message, 409, code, details);
  }
}

export interface DeployProblem {
  resourceName: string;
  elementId?: string;
  message: string;
}

export class InvalidResourceError extends EngineError {
  constructor(
    message: string,
    readonly problems: DeployProblem[],
  ) {
    super(message, 400, 'INVALID_RESOURCE', problems);
  }
}

/** an external task locked by another worker, or whose lock ran out (Camunda 7: 400) */
export class ExternalTaskLockError extends EngineError {
  constructor(message: string) {
    super(message, 400, 'NOT_LOCKED_BY_WORKER');
  }
}

export class InvalidArgumentError extends EngineError {
  constructor(message: string, details?: unknown) {
    super(message, 400, 'INVALID_ARGUMENT', details);
  }
}

/**
 * A business outcome a job handler reports; the diagram models it with an error boundary event
 * whose errorCode matches `code`. Any other error thrown by a handler is a failure: retried with
 * backoff, then an incident.
 */
export class BusinessError extends Error {
  constructor(
    readonly code: string,
    message?: string,
    readonly variables?: Record<string, unknown>,
  ) {
    super(message ?? code);
    this.name = 'BusinessError';
  }
}
