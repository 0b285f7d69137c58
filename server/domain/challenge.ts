/**
 * The portal's challenge against bots (issue 4: "a simple challenge"): a sum of two small numbers,
 * asked in Chinese, signed with the session secret and valid for 30 minutes. Stateless, so any app
 * process can check it; each token is accepted once — `used` says whether its signature was taken
 * already, in the app by a table every process shares (server/data/guards-repository.ts), so a
 * replay to another process is refused too.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export interface Challenge {
  token: string;
  question: string;
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const VALID_MS = 30 * 60_000;
const TOKEN = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/;

export interface ChallengeIssuer {
  issue(): Challenge;
  /** true once for a correct answer given in time; false otherwise (wrong, expired, forged, replayed) */
  verify(token: unknown, answer: unknown): Promise<boolean>;
}

/** the answered tokens: `useOnce` is true the first time a signature is seen */
export interface UsedTokens {
  useOnce(signature: string, expiresAt: number): Promise<boolean>;
}

/** answered tokens held in this process only (unit tests; the app passes the shared table) */
export function usedTokensInMemory(clock: { now(): Date } = { now: () => new Date() }): UsedTokens {
  const used = new Map<string, number>();
  return {
    async useOnce(signature, expiresAt) {
      const now = clock.now().getTime();
      for (const [t, exp] of used) if (exp <= now) used.delete(t);
      if (used.has(signature)) return false;
      used.set(signature, expiresAt);
      return true;
    },
  };
}

export function createChallenges(secret: string | Buffer, clock: { now(): Date } = { now: () => new Date() }, used: UsedTokens = usedTokensInMemory(clock)): ChallengeIssuer {
  const key = typeof secret === 'string' ? Buffer.from(`challenge:${secret}`) : Buffer.concat([Buffer.from('challenge:'), secret]);
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
  return {
    issue() {
      const a = randomInt(1, 10);
      const b = randomInt(1, 10);
      const payload = Buffer.from(JSON.stringify({ a, b, exp: clock.now().getTime() + VALID_MS, n: randomInt(1e9) })).toString('base64url');
      return { token: `${payload}.${sign(payload)}`, question: `${DIGITS[a]}加${DIGITS[b]}等于几?(请填阿拉伯数字)` };
    },
    async verify(token, answer) {
      if (typeof token !== 'string') return false;
      const m = TOKEN.exec(token);
      if (!m) return false;
      const expected = Buffer.from(sign(m[1]));
      const given = Buffer.from(m[2]);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
      let body: { a: number; b: number; exp: number };
      try {
        body = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
      } catch {
        return false;
      }
      const now = clock.now().getTime();
      if (!(body.exp > now)) return false;
      const n = typeof answer === 'number' ? answer : typeof answer === 'string' && /^\s*\d{1,3}\s*$/.test(answer) ? Number(answer) : NaN;
      if (n !== body.a + body.b) return false;
      return used.useOnce(m[2], body.exp);
    },
  };
}

/** the answer to a question issued above (for the tests and the API's own clients' tests) */
export function solveChallenge(question: string): number {
  const m = /^(.)加(.)等于几/.exec(question);
  if (!m) throw new Error('not a challenge question');
  return DIGITS.indexOf(m[1]) + DIGITS.indexOf(m[2]);
}
