/**
 * Request plumbing shared by every route: who is signed in (a database session), CSRF tokens,
 * security headers, rate limits, role checks, and small helpers for routes. Routes never read
 * cookies or headers for these themselves.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Store } from 'express-rate-limit';
import helmet from 'helmet';
import type { SessionsRepository } from '../data/sessions-repository.js';
import type { StaffRecord, StaffRepository } from '../data/staff-repository.js';
import { READ_ONLY_ROLES, type RoleId } from '../domain/roles.js';
import { HttpError } from '../http-error.js';

export const SESSION_COOKIE = 'wz_sid';

/**
 * The one answer to a refused sign-in, on the API and the page alike: an unknown name, a wrong
 * password and a locked account answer the same, so that which accounts exist, or are locked,
 * cannot be learned by trying (the lock itself stays).
 */
export const SIGN_IN_REFUSED = '用户名或密码不正确(连续输错 5 次,账号将暂停登录 15 分钟)';

export const VISITOR_COOKIE = 'wz_vid';
export const CSRF_HEADER = 'x-csrf-token';

/** what the pages and API know of the request, on res.locals */
export interface WebLocals {
  staff?: StaffRecord;
  /** the visitor cookie's value (CSRF) */
  visitorId: string;
  sessionToken?: string;
  csrfToken: string;
}

export const locals = (res: Response) => res.locals as unknown as WebLocals;
export const staffOf = (res: Response): StaffRecord | undefined => locals(res).staff;

/** an API request (JSON answers) rather than a page */
export const isApi = (req: Request) => req.path.startsWith('/api/') || req.path === '/api' || req.path.startsWith('/open311/');

/** async route handler: a rejected promise goes to the error middleware */
export const handle =
  (fn: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res, next).catch(next);
  };

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // form-js sets inline styles on some of its elements
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
}

export interface SessionOptions {
  sessions: SessionsRepository;
  staff: StaffRepository;
  secureCookies: boolean;
  ttlMs: number;
}

function cookieOptions(secure: boolean, maxAge?: number) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', ...(maxAge !== undefined && { maxAge }) };
}

/** the signed-in staff account from the session cookie (an ended session or a disabled account signs out) */
export function sessionMiddleware({ sessions, staff }: SessionOptions): RequestHandler {
  return handle(async (req, res, next) => {
    const token = req.cookies?.[SESSION_COOKIE];
    if (typeof token === 'string' && token) {
      const session = await sessions.find(token);
      const account = session && (await staff.get(session.staffId));
      if (account?.active) {
        locals(res).staff = account;
        locals(res).sessionToken = token;
      } else if (session) {
        await sessions.destroy(token);
      }
    }
    next();
  });
}

export async function signIn(res: Response, o: SessionOptions, account: StaffRecord, previousToken?: string): Promise<void> {
  // a new session id at every sign-in (no fixation)
  if (previousToken) await o.sessions.destroy(previousToken);
  const { token } = await o.sessions.create(account.id);
  res.cookie(SESSION_COOKIE, token, cookieOptions(o.secureCookies, o.ttlMs));
  locals(res).staff = account;
  locals(res).sessionToken = token;
}


export async function signOut(res: Response, o: SessionOptions): Promise<void> {
  const token = locals(res).sessionToken;
  if (token) await o.sessions.destroy(token);
  res.clearCookie(SESSION_COOKIE, { path: '/' });
  delete locals(res).staff;
  delete locals(res).sessionToken;
}

/**
 * CSRF: every visitor has a random cookie; the token is its HMAC under the session secret (and the
 * staff session's, once signed in). Unsafe requests must echo the token in the `_csrf` field, the
 * `x-csrf-token` header, or (multipart forms, whose body is read later) the `_csrf` query
 * parameter. `exempt` lists paths whose callers carry no cookie authority (Open311 with API keys).
 */
export function createCsrf(secret: string, secureCookies: boolean, exempt: (req: Request) => boolean) {
  const key = Buffer.from(`csrf:${secret}`);
  /** the token of this response's visitor and session (after a sign-in, the new session's) */
  const tokenFor = (res: Response) => {
    const l = locals(res);
    return createHmac('sha256', key).update(`${l.visitorId}|${l.sessionToken ?? ''}`).digest('base64url');
  };
  const middleware: RequestHandler = (req, res, next) => {
    const visitor = req.cookies?.[VISITOR_COOKIE];
    // a request without the cookie cannot carry a matching token: it fails below unless exempt
    const fresh = typeof visitor !== 'string' || !/^[A-Za-z0-9_-]{22,64}$/.test(visitor);
    locals(res).visitorId = fresh ? randomBytes(18).toString('base64url') : visitor;
    if (fresh) res.cookie(VISITOR_COOKIE, locals(res).visitorId, cookieOptions(secureCookies, 400 * 86_400_000));
    const expected = tokenFor(res);
    locals(res).csrfToken = expected;
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || exempt(req)) return next();
    const given = req.get(CSRF_HEADER) ?? (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined) ?? (typeof req.query._csrf === 'string' ? req.query._csrf : undefined);
    const ok = typeof given === 'string' && !fresh && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    if (!ok) return next(new HttpError(403, 'CSRF', '页面已过期或请求来源不明,请刷新页面后重试'));
    next();
  };
  return { middleware, tokenFor };
}

/** the route needs a signed-in account with one of the roles (none given: any account) */
export function requireRole(...roles: RoleId[]): RequestHandler {
  return (req, res, next) => {
    const staff = staffOf(res);
    if (!staff) {
      if (isApi(req) || req.method !== 'GET') return next(new HttpError(401, 'UNAUTHENTICATED', '请先登录'));
      return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (roles.length && !roles.some((r) => staff.roles.includes(r))) return next(new HttpError(403, 'FORBIDDEN', '您的账号无权进行此操作'));
    next();
  };
}

/** read-only accounts (auditors) change nothing, whatever a route forgets: every unsafe request but signing out or in is refused */
export function readOnlyGuard(): RequestHandler {
  return (req, res, next) => {
    const staff = staffOf(res);
    // signing out, or in as someone else, changes nothing of the records
    if (!staff || ['GET', 'HEAD', 'OPTIONS'].includes(req.method) || ['/logout', '/api/logout', '/login', '/api/login'].includes(req.path)) return next();
    const writer = staff.roles.some((r) => !(READ_ONLY_ROLES as readonly string[]).includes(r));
    if (!writer) return next(new HttpError(403, 'READ_ONLY', '审计账号只能查看,不能修改'));
    next();
  };
}

/** `store`: where the hits are counted — the app passes the database's, shared by every app process (default: this process's memory) */
export function limiter(options: { windowMs: number; limit: number; name: string; store?: Store }): RequestHandler {
  return rateLimit({
    ...(options.store && { store: options.store }),
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    identifier: options.name,
    handler: (_req, _res, next) => next(new HttpError(429, 'RATE_LIMITED', '操作过于频繁,请稍后再试')),
  });
}

/** a string field of a body or query, trimmed; undefined when absent */
export function field(source: unknown, name: string): string | undefined {
  const v = (source as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) throw new HttpError(400, 'INVALID_INPUT', `字段 ${name} 只能填写一次`, [{ field: name, message: '只能填写一次' }]);
  if (typeof v !== 'string') return String(v);
  return v.trim();
}

/**
 * A CSV download streamed as its lines come (an export of every case): the response's backpressure
 * paces the reading, so memory holds a page, not the file. A failure after the first line can only
 * cut the download short (the status is sent): the client sees an incomplete file, never a wrong one.
 */
export async function sendCsv(res: Response, filename: string, lines: AsyncIterable<string>): Promise<void> {
  res.type('text/csv; charset=utf-8').attachment(filename);
  await pipeline(Readable.from(lines), res);
}

/**
 * An Excel download written by `write` straight into the response as it reads (exceljs' streaming
 * writer): the same pacing as sendCsv. A failure after the first bytes cuts the download short.
 */
export async function sendXlsx(res: Response, filename: string, write: (out: Writable) => Promise<void>): Promise<void> {
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(filename);
  try {
    await write(res);
    if (!res.writableFinished) await finished(res);
  } catch (err) {
    if (!res.headersSent) throw err;
    res.destroy(err instanceof Error ? err : new Error(String(err)));
  }
}
