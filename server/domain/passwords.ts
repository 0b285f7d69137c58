/**
 * Staff passwords (issue 4: "passwords hashed with a memory-hard hash"): Node's built-in scrypt, no
 * native dependency. Parameters N = 2^15, r = 8, p = 1 (OWASP's scrypt minimum is N = 2^17 with
 * r = 8 — 2^15 with r = 8 costs 32 MiB and ~50–100 ms here, a deliberate trade for a small server
 * that also runs the process engine), a 32-byte random salt, a 32-byte hash.
 *
 * Stored as `scrypt$N$r$p$salt$hash` (N as the number, e.g. 32768; salt and hash base64url), so a
 * change of parameters keeps old hashes verifiable: `needsRehash` tells the login to store a new
 * hash after the next successful sign-in.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 32;
const HASH_BYTES = 32;
/** what a stored hash may ask for at most (protects against a stored hash that would exhaust memory) */
const LIMITS = { maxLogN: 20, maxR: 32, maxP: 16 };

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** a stored hash is not in the `scrypt$N$r$p$salt$hash` format (the message never shows the hash) */
export class PasswordHashFormatError extends Error {
  constructor(message: string) {
    super(`stored password hash is malformed: ${message}`);
    this.name = 'PasswordHashFormatError';
  }
}

/** a new password does not meet the rules (the message never shows the password) */
export class PasswordPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordPolicyError';
  }
}

export interface ParsedPasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** scrypt needs 128·N·r bytes; Node's default limit (32 MiB) is exactly that for N = 2^15, r = 8 and refuses it */
function maxmemFor(N: number, r: number, p: number): number {
  return 128 * N * r + 128 * r * p + 16 * 1024 * 1024;
}

function derive(password: string, salt: Buffer, N: number, r: number, p: number, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N, r, p, maxmem: maxmemFor(N, r, p) };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const B64URL = /^[A-Za-z0-9_-]+$/;

export function parsePasswordHash(stored: unknown): ParsedPasswordHash {
  if (typeof stored !== 'string') throw new PasswordHashFormatError('not text');
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') throw new PasswordHashFormatError('expected scrypt$N$r$p$salt$hash');
  const [, nText, rText, pText, saltText, hashText] = parts;
  const int = (text: string, what: string) => {
    if (!/^[1-9]\d{0,9}$/.test(text)) throw new PasswordHashFormatError(`${what} is not a positive integer`);
    return Number(text);
  };
  const N = int(nText, 'N');
  const r = int(rText, 'r');
  const p = int(pText, 'p');
  if (N < 2 || (N & (N - 1)) !== 0 || N > 2 ** LIMITS.maxLogN) throw new PasswordHashFormatError(`N must be a power of two from 2 to 2^${LIMITS.maxLogN}`);
  if (r > LIMITS.maxR) throw new PasswordHashFormatError(`r must be at most ${LIMITS.maxR}`);
  if (p > LIMITS.maxP) throw new PasswordHashFormatError(`p must be at most ${LIMITS.maxP}`);
  if (!B64URL.test(saltText) || !B64URL.test(hashText)) throw new PasswordHashFormatError('salt and hash must be base64url');
  const salt = Buffer.from(saltText, 'base64url');
  const hash = Buffer.from(hashText, 'base64url');
  if (salt.length < 16) throw new PasswordHashFormatError('salt is shorter than 16 bytes');
  if (hash.length < 16 || hash.length > 64) throw new PasswordHashFormatError('hash must be 16 to 64 bytes');
  return { N, r, p, salt, hash };
}

/** throws PasswordPolicyError when a new password is too short, too long or blank */
export function checkNewPassword(password: unknown): string {
  if (typeof password !== 'string') throw new PasswordPolicyError('the password must be text');
  const length = [...password].length;
  if (password.trim() === '') throw new PasswordPolicyError('the password must not be blank');
  if (length < PASSWORD_MIN_LENGTH) throw new PasswordPolicyError(`the password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) throw new PasswordPolicyError(`the password must have at most ${PASSWORD_MAX_LENGTH} characters`);
  return password;
}

/** `scrypt$32768$8$1$<salt>$<hash>` of a password that meets the rules */
export async function hashPassword(password: string): Promise<string> {
  checkNewPassword(password);
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, N, r, p, HASH_BYTES);
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * Whether `password` is the one `stored` was made of, compared in constant time. A malformed stored
 * hash is an error (PasswordHashFormatError), not a "wrong password".
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parsePasswordHash(stored);
  // a non-string or absurdly long password still costs one derivation, then fails
  const candidate = typeof password === 'string' && password.length <= PASSWORD_MAX_LENGTH * 4 ? password : '';
  const derived = await derive(candidate, parsed.salt, parsed.N, parsed.r, parsed.p, parsed.hash.length);
  return timingSafeEqual(derived, parsed.hash) && candidate === password;
}

/** whether a stored hash was made with other parameters than today's (store a new one at the next sign-in) */
export function needsRehash(stored: string): boolean {
  const parsed = parsePasswordHash(stored);
  return (
    parsed.N !== SCRYPT_PARAMS.N ||
    parsed.r !== SCRYPT_PARAMS.r ||
    parsed.p !== SCRYPT_PARAMS.p ||
    parsed.salt.length !== SALT_BYTES ||
    parsed.hash.length !== HASH_BYTES
  );
}

let dummy: Promise<string> | undefined;

/**
 * A hash of nothing in particular, made once: verifying a password against it costs what a real
 * verification costs, so a sign-in with an unknown user name takes as long as one with a known name.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummy;
}
