/**
 * The editors' calls to the app's JSON API (the modeler, the decision editor): same-origin, the page's
 * CSRF token, and an answer that is always `{ status, body }` — a network failure is status 0 with a
 * Chinese message, so the page shows it where it shows the server's errors.
 */
export type ApiAnswer = { status: number; body: any };

export function createJsonApi(csrf: string) {
  return async function api(method: string, url: string, body?: unknown): Promise<ApiAnswer> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch {
      return { status: 0, body: { error: { message: '无法连接服务器,请检查网络后重试' } } };
    }
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      // an empty answer (204) or a proxy's page
    }
    return { status: res.status, body: json };
  };
}

/** what to tell the user of a failed call */
export const errorText = (r: ApiAnswer): string =>
  r.body?.error?.message ?? (r.status === 403 ? '没有权限,或页面已过期,请刷新后重试' : r.status === 401 ? '登录已过期,请重新登录' : `操作失败(错误 ${r.status})`);
