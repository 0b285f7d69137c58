import type { NextFunction, Request, Response } from 'express';
import { EngineError } from '../engine/errors.js';
import type { Logger } from './logger.js';

/** the app's one error class: an HTTP status, a stable code, a message for people */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** the one error middleware: known errors answer with their status; anything else is a 500, logged */
export function errorMiddleware(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof HttpError || err instanceof EngineError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, ...(err.details !== undefined && { details: err.details }) } });
      return;
    }
    if ((err as any)?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'INVALID_JSON', message: '请求体不是有效的 JSON' } });
      return;
    }
    log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({ error: { code: 'INTERNAL', message: '服务器内部错误' } });
  };
}
