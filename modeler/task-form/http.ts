/**
 * The API's error answers: `{ error: { code, message, details?: [{ field, message }] } }`
 * (server/http-error.ts). Anything else (a proxy's HTML page, an empty body) becomes a message by
 * status, so the page always has something to say.
 */

export interface FieldDetail {
  /** the variable's path, e.g. "reply.result" */
  field: string;
  message: string;
}

export interface ApiError {
  /** 0 when the request did not reach the server */
  status: number;
  code: string;
  message: string;
  details?: FieldDetail[];
}

function messageForStatus(status: number): string {
  if (status === 401) return '登录已过期,请重新登录后再提交';
  if (status === 403) return '没有权限执行此操作,或页面已过期,请刷新页面后重试';
  if (status === 404) return '未找到该任务,可能已被撤回';
  if (status === 409) return '该任务已经办理完毕,无需再次提交';
  if (status === 413) return '提交的内容太大';
  if (status === 429) return '操作过于频繁,请稍后再试';
  if (status >= 500) return '服务器暂时无法处理,请稍后重试';
  return `提交失败(错误 ${status})`;
}

function isDetail(d: unknown): d is FieldDetail {
  return !!d && typeof (d as FieldDetail).field === 'string' && typeof (d as FieldDetail).message === 'string';
}

export async function readError(res: Response): Promise<ApiError> {
  let body: any = null;
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  const error = body && typeof body === 'object' ? body.error : undefined;
  const message = typeof error?.message === 'string' && error.message ? error.message : messageForStatus(res.status);
  const details = Array.isArray(error?.details) ? error.details.filter(isDetail) : undefined;
  return {
    status: res.status,
    code: typeof error?.code === 'string' ? error.code : `HTTP_${res.status}`,
    message,
    ...(details?.length ? { details } : {}),
  };
}
