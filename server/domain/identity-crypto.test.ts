import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  createIdentityCipher,
  generateIdentityKey,
  IdentityDecryptError,
  IdentityInputError,
  IdentityKeyError,
  maskName,
  maskPhone,
  normalizeMainlandMobile,
  parseIdentityKey,
} from './identity-crypto.js';

const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1)).toString('base64');
const OTHER_KEY = generateIdentityKey();
const FORMAT = /^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]*$/;

/** the stored value with one character of part `part` (1 iv, 2 tag, 3 ciphertext) changed */
function tamper(stored: string, part: 1 | 2 | 3): string {
  const parts = stored.split(':');
  const p = parts[part];
  const i = Math.floor(p.length / 2);
  parts[part] = p.slice(0, i) + (p[i] === 'A' ? 'B' : 'A') + p.slice(i + 1);
  return parts.join(':');
}

describe('the identity key from the configuration', () => {
  it('accepts 32 bytes as base64 or base64url', () => {
    const raw = randomBytes(32);
    expect(parseIdentityKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseIdentityKey(raw.toString('base64url')).equals(raw)).toBe(true);
    expect(parseIdentityKey(`  ${raw.toString('base64')}\n`).equals(raw)).toBe(true);
  });

  it('refuses a missing, non-base64, short, long or trivial key with a clear message that never shows the key', () => {
    const short = randomBytes(16).toString('base64');
    const long = randomBytes(48).toString('base64');
    const cases: [unknown, RegExp][] = [
      [undefined, /IDENTITY_KEY is missing.*base64/],
      ['', /missing/],
      ['not base64 at all!', /not base64/],
      [short, /exactly 32 bytes \(it decodes to 16\)/],
      [long, /exactly 32 bytes \(it decodes to 48\)/],
      [Buffer.alloc(32, 7).toString('base64'), /trivial/],
    ];
    for (const [value, message] of cases) {
      let error: unknown;
      try {
        parseIdentityKey(value);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(IdentityKeyError);
      expect((error as Error).message).toMatch(message);
      if (typeof value === 'string' && value.length > 4) expect((error as Error).message).not.toContain(value);
    }
    expect(() => parseIdentityKey(undefined, 'WZ_IDENTITY_KEY')).toThrow(/WZ_IDENTITY_KEY is missing/);
    expect(() => createIdentityCipher(Buffer.alloc(31))).toThrow(IdentityKeyError);
  });
});

describe('AES-256-GCM field encryption', () => {
  const cipher = createIdentityCipher(KEY);

  it('round-trips text as v1:<iv>:<tag>:<ciphertext>, with a fresh IV every time', () => {
    for (const text of ['张三丰', '13812345678', '欧阳·娜娜 😀', '', 'a'.repeat(500)]) {
      const stored = cipher.encrypt(text);
      expect(stored).toMatch(FORMAT);
      expect(cipher.decrypt(stored)).toBe(text);
    }
    const a = cipher.encrypt('张三丰');
    const b = cipher.encrypt('张三丰');
    expect(a).not.toBe(b);
    expect(a.split(':')[1]).not.toBe(b.split(':')[1]);
    expect(a).not.toContain('张三丰');
  });

  it('binds a value to its context: another record or field does not decrypt it', () => {
    const stored = cipher.encrypt('张三丰', 'petition:p-1:name');
    expect(cipher.decrypt(stored, 'petition:p-1:name')).toBe('张三丰');
    expect(() => cipher.decrypt(stored, 'petition:p-2:name')).toThrow(IdentityDecryptError);
    expect(() => cipher.decrypt(stored, 'petition:p-1:phone')).toThrow(IdentityDecryptError);
    expect(() => cipher.decrypt(stored)).toThrow(IdentityDecryptError);
  });

  it('detects tampering with the IV, the tag or the ciphertext, and truncation', () => {
    const stored = cipher.encrypt('13812345678');
    for (const part of [1, 2, 3] as const) expect(() => cipher.decrypt(tamper(stored, part))).toThrow(IdentityDecryptError);
    expect(() => cipher.decrypt(stored.slice(0, -2))).toThrow(IdentityDecryptError);
    const parts = stored.split(':');
    expect(() => cipher.decrypt([parts[0], parts[1], parts[2].slice(0, 10), parts[3]].join(':'))).toThrow(/wrong length/);
    expect(() => cipher.decrypt(['v2', ...parts.slice(1)].join(':'))).toThrow(/format/);
    expect(() => cipher.decrypt('13812345678')).toThrow(/format/);
    expect(() => cipher.decrypt(`${parts.slice(0, 3).join(':')}:not+base64url`)).toThrow(/base64url/);
    expect(() => cipher.decrypt(undefined as unknown as string)).toThrow(IdentityDecryptError);
  });

  it('does not decrypt with another key, and says so without any personal data', () => {
    const stored = cipher.encrypt('张三丰');
    let error: unknown;
    try {
      createIdentityCipher(OTHER_KEY).decrypt(stored);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IdentityDecryptError);
    expect((error as Error).message).toMatch(/could not be decrypted/);
    expect((error as Error).message).not.toContain('张三丰');
    expect((error as Error).message).not.toContain(stored);
    // the raw 32 bytes work as the base64 text does
    expect(createIdentityCipher(Buffer.from(KEY, 'base64')).decrypt(stored)).toBe('张三丰');
  });
});

describe('the phone blind index', () => {
  const cipher = createIdentityCipher(KEY);

  it('normalises mainland mobile numbers', () => {
    for (const p of ['13812345678', '138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '+8613812345678', '0086 13812345678', '8613812345678', '(138)12345678']) {
      expect(normalizeMainlandMobile(p)).toBe('13812345678');
    }
    for (const p of ['12812345678', '1381234567', '138123456789', '0797-3512345', '', 'abc', undefined, 13812345678]) {
      expect(normalizeMainlandMobile(p)).toBeUndefined();
    }
  });

  it('is one value per number whatever its spelling, keyed, and not the number', () => {
    const index = cipher.phoneIndex('13812345678');
    expect(index).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cipher.phoneIndex('+86 138-1234-5678')).toBe(index);
    expect(cipher.phoneIndex('13812345679')).not.toBe(index);
    expect(createIdentityCipher(OTHER_KEY).phoneIndex('13812345678')).not.toBe(index);
    expect(index).not.toContain('12345678');
  });

  it('matches in constant time and refuses what is no mobile without showing it', () => {
    const index = cipher.phoneIndex('13812345678');
    expect(cipher.phoneMatches('138 1234 5678', index)).toBe(true);
    expect(cipher.phoneMatches('13812345679', index)).toBe(false);
    expect(cipher.phoneMatches('not a phone', index)).toBe(false);
    expect(cipher.phoneMatches('13812345678', 'short')).toBe(false);
    expect(cipher.phoneMatches('13812345678', '')).toBe(false);
    let error: unknown;
    try {
      cipher.phoneIndex('0797-3512345');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IdentityInputError);
    expect((error as Error).message).not.toContain('3512345');
  });
});

describe('masking for display', () => {
  it('keeps the first character of a name', () => {
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('张')).toBe('*');
    expect(maskName(' 李四 ')).toBe('李*');
    expect(maskName('')).toBe('');
    expect(maskName(null)).toBe('');
  });

  it('keeps the first 3 and last 4 digits of a phone', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('0797-3512345')).toBe('079****2345');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskPhone('')).toBe('');
    expect(maskPhone(undefined)).toBe('');
  });
});
