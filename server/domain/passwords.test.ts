import { describe, it, expect } from '@jest/globals';
import { randomBytes, scryptSync } from 'node:crypto';
import {
  checkNewPassword,
  dummyPasswordHash,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  PasswordHashFormatError,
  PasswordPolicyError,
  SCRYPT_PARAMS,
  verifyPassword,
} from './passwords.js';

/** a hash as an older version with other parameters would have stored it */
function legacyHash(password: string, N: number, r = 8, p = 1): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N, r, p, maxmem: 256 * N * r });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

describe('password hashing with scrypt', () => {
  it('stores scrypt$N$r$p$salt$hash with N = 2^15, r = 8, p = 1 and 32-byte salt and hash', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{43}\$[A-Za-z0-9_-]{43}$/);
    const parsed = parsePasswordHash(stored);
    expect(parsed).toMatchObject({ N: 2 ** 15, r: 8, p: 1 });
    expect(parsed.salt).toHaveLength(32);
    expect(parsed.hash).toHaveLength(32);
    expect(SCRYPT_PARAMS).toEqual({ N: 32768, r: 8, p: 1 });
  });

  it('verifies the right password and refuses a wrong one; salts differ', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
    expect(await verifyPassword(undefined as unknown as string, a)).toBe(false);
  });

  it('treats composed and decomposed Unicode alike', async () => {
    const stored = await hashPassword('café-密码-2026');
    expect(await verifyPassword('cafe\u0301-密码-2026', stored)).toBe(true);
  });

  it('makes a malformed stored hash an error, not a wrong password', async () => {
    const good = await hashPassword('correct horse battery');
    const [, , r, p, salt, hash] = good.split('$');
    const bad = [
      '',
      'plain-text-password',
      `bcrypt$32768$${r}$${p}$${salt}$${hash}`,
      `scrypt$32768$${r}$${p}$${salt}`,
      `scrypt$30000$${r}$${p}$${salt}$${hash}`,
      `scrypt$${2 ** 22}$${r}$${p}$${salt}$${hash}`,
      `scrypt$32768$0$${p}$${salt}$${hash}`,
      `scrypt$32768$${r}$${p}$${salt}$not+base64`,
      `scrypt$32768$${r}$${p}$${salt.slice(0, 8)}$${hash}`,
      `scrypt$32768$${r}$${p}$${salt}$${hash.slice(0, 8)}`,
    ];
    for (const stored of bad) {
      await expect(verifyPassword('correct horse battery', stored)).rejects.toThrow(PasswordHashFormatError);
      expect(() => needsRehash(stored)).toThrow(PasswordHashFormatError);
    }
    await expect(verifyPassword('x', undefined as unknown as string)).rejects.toThrow(/malformed/);
  });

  it('asks for a rehash of hashes made with other parameters, and still verifies them', async () => {
    const current = await hashPassword('correct horse battery');
    expect(needsRehash(current)).toBe(false);
    const old = legacyHash('correct horse battery', 2 ** 14);
    expect(await verifyPassword('correct horse battery', old)).toBe(true);
    expect(await verifyPassword('wrong horse battery', old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
  });

  it('refuses short, long and blank new passwords without echoing them', async () => {
    for (const p of ['short', '        ', 'x'.repeat(257), 42]) {
      let error: unknown;
      try {
        checkNewPassword(p);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(PasswordPolicyError);
      if (typeof p === 'string' && p.trim()) expect((error as Error).message).not.toContain(p);
    }
    await expect(hashPassword('short')).rejects.toThrow(/at least 8/);
    expect(checkNewPassword('长度足够的中文密码')).toBe('长度足够的中文密码');
  });

  it('keeps one dummy hash for the unknown-user path', async () => {
    const dummy = await dummyPasswordHash();
    expect(await dummyPasswordHash()).toBe(dummy);
    expect(needsRehash(dummy)).toBe(false);
  });
});
