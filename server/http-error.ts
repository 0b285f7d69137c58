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

const HEADINGS: Record<number, string> = { 400: '提交的内容有误', 401: '请先登录', 403: '无权访问', 404: '未找到', 409: '无法重复操作', 413: '文件过大', 429: '操作过于频繁' };

/** errors of the parsers in front of the routes, as the app's own */
export function known(err: unknown): HttpError | EngineError | undefined {
  if (err instanceof HttpError || err instanceof EngineError) return err;
  const e = err as { type?: string; name?: string; code?: string; field?: string };
  if (e?.type === 'entity.parse.failed') return new HttpError(400, 'INVALID_JSON', '请求体不是有效的 JSON');
  if (e?.type === 'entity.too.large') return new HttpError(413, 'TOO_LARGE', '提交的内容过大');
  if (e?.type === 'parameters.too.many') return new HttpError(400, 'INVALID_INPUT', '提交的字段过多');
  if (e?.name === 'MulterError') {
    if (e.code === 'LIMIT_FILE_SIZE') return new HttpError(413, 'FILE_TOO_LARGE', '文件过大,请压缩后再上传', [{ field: e.field ?? 'file', message: '文件过大' }]);
    if (e.code === 'LIMIT_FILE_COUNT' || e.code === 'LIMIT_UNEXPECTED_FILE') return new HttpError(400, 'TOO_MANY_FILES', '附件数量超过上限或字段不正确', [{ field: e.field ?? 'file', message: '附件数量超过上限' }]);
    return new HttpError(400, 'INVALID_UPLOAD', '上传的内容有误', [{ field: e.field ?? 'file', message: '上传的内容有误' }]);
  }
  if (e?.name === 'MultipartError' || /^Malformed part header|^Unexpected end of form|^Multipart: Boundary not found/.test((err as Error)?.message ?? '')) {
    return new HttpError(400, 'INVALID_UPLOAD', '上传的内容格式不正确');
  }
  return undefined;
}

/**
 * The one error middleware: known errors answer with their status — JSON for the API and Open311,
 * a page for a browser; anything else is a 500, logged (without the request body).
 */
export function errorMiddleware(log: Logger, render?: (view: string, locals: Record<string, unknown>) => string) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = known(err);
    const api = req.path.startsWith('/api/') || req.path.startsWith('/open311/') || req.path === '/health' || !req.accepts('html');
    if (!e) log.error({ err, method: req.method, path: req.path }, 'request failed');
    const status = e?.status ?? 500;
    const code = e?.code ?? 'INTERNAL';
    const message = e?.message ?? '服务器内部错误';
    const details = e?.details;
    if (res.headersSent) return;
    if (api || !render) {
      res.status(status).json({ error: { code, message, ...(details !== undefined && { details }) } });
      return;
    }
    res
      .status(status)
      .type('html')
      .send(render('error', { ...res.locals, title: HEADINGS[status] ?? '出错了', heading: HEADINGS[status] ?? '出错了', message, details: Array.isArray(details) ? details : undefined }));
  };
}
