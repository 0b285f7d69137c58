/**
 * The petitioner's identity at rest (第十九条; ARCHITECTURE "Data": encrypted at rest, every read
 * logged — the logging is the petitions repository's).
 *
 * - Field encryption: AES-256-GCM with the 32-byte key of the configuration (base64), a random
 *   12-byte IV per value, stored as one string `v1:<iv>:<tag>:<ciphertext>` (each part base64url).
 *   An optional context (e.g. `petition:<id>:name`) is bound as additional authenticated data, so a
 *   value copied into another row or column no longer decrypts.
 * - Blind index: `phoneIndex(phone)` = HMAC-SHA256 over the normalised mainland mobile number with a
 *   key derived from the same key (HKDF-SHA256, info `wenzheng-phone-index`), base64url — a petitioner
 *   is found by tracking code + phone without decrypting anything.
 * - Masking for display: `maskName('张三丰')` → `张**`, `maskPhone('13812345678')` → `138****5678`.
 *
 * No personal data ever appears in an error message: errors say what kind of value was wrong, never
 * the value.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { maskMobile } from '../../regulation/masking.js';

export const IDENTITY_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';
const PHONE_INDEX_INFO = 'wenzheng-phone-index';

/** the key in the configuration is missing or malformed (the message never shows the key) */
export class IdentityKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityKeyError';
  }
}

/** a stored value could not be decrypted: tampered, truncated, another key, or another context */
export class IdentityDecryptError extends Error {
  constructor(message = 'stored identity value could not be decrypted (tampered with, truncated, or encrypted with another key or for another record)') {
    super(message);
    this.name = 'IdentityDecryptError';
  }
}

/** a value is not what it must be (e.g. not a mainland mobile number); the message never shows the value */
export class IdentityInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityInputError';
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * The 32-byte key from its base64 (or base64url) text. Throws IdentityKeyError, naming the setting
 * (`what`) and what is wrong with it, never its value.
 */
export function parseIdentityKey(text: unknown, what = 'IDENTITY_KEY'): Buffer {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new IdentityKeyError(`${what} is missing: give ${IDENTITY_KEY_BYTES} random bytes as base64 (e.g. the output of \`openssl rand -base64 32\`)`);
  }
  const t = text.trim();
  let key: Buffer;
  if (BASE64.test(t)) key = Buffer.from(t, 'base64');
  else if (BASE64URL.test(t)) key = Buffer.from(t, 'base64url');
  else throw new IdentityKeyError(`${what} is not base64: give ${IDENTITY_KEY_BYTES} random bytes as base64 (e.g. \`openssl rand -base64 32\`)`);
  if (key.length !== IDENTITY_KEY_BYTES) {
    throw new IdentityKeyError(`${what} must decode to exactly ${IDENTITY_KEY_BYTES} bytes (it decodes to ${key.length}): give \`openssl rand -base64 32\``);
  }
  if (key.every((b) => b === key[0])) {
    throw new IdentityKeyError(`${what} is a trivial key (every byte the same): give ${IDENTITY_KEY_BYTES} random bytes as base64 (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

/** a new random key, as base64 (for documentation and tests) */
export function generateIdentityKey(): string {
  return randomBytes(IDENTITY_KEY_BYTES).toString('base64');
}

/** the key as given: base64 text, or the raw 32 bytes */
export type IdentityKeyInput = string | Buffer;

/**
 * A mainland China mobile number in its 11-digit form, or undefined when `phone` is not one. Accepts
 * spaces, dashes, dots and parentheses between digits and a `+86` / `0086` / `86` prefix.
 */
export function normalizeMainlandMobile(phone: unknown): string | undefined {
  if (typeof phone !== 'string' || phone.length > 40) return undefined;
  let digits = phone.trim().replace(/[\s\-.()（）]/g, '');
  if (digits.startsWith('+86')) digits = digits.slice(3);
  else if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  return /^1[3-9]\d{9}$/.test(digits) ? digits : undefined;
}

export interface IdentityCipher {
  /** `v1:<iv>:<tag>:<ciphertext>`; `context`, when given, must be given again to decrypt */
  encrypt(plaintext: string, context?: string): string;
  /** the plaintext; IdentityDecryptError when the value is malformed, tampered with, or of another key or context */
  decrypt(stored: string, context?: string): string;
  /** the blind index of a mainland mobile number (base64url HMAC-SHA256); IdentityInputError for anything else */
  phoneIndex(phone: string): string;
  /** whether `index` is the blind index of `phone`, in constant time; false for a phone that is no mainland mobile */
  phoneMatches(phone: string, index: string): boolean;
}

function toKey(key: IdentityKeyInput): Buffer {
  if (Buffer.isBuffer(key)) {
    if (key.length !== IDENTITY_KEY_BYTES) throw new IdentityKeyError(`the identity key must be exactly ${IDENTITY_KEY_BYTES} bytes (got ${key.length})`);
    return Buffer.from(key);
  }
  return parseIdentityKey(key);
}

export function createIdentityCipher(keyInput: IdentityKeyInput): IdentityCipher {
  const key = toKey(keyInput);
  const indexKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), PHONE_INDEX_INFO, 32));
  const aad = (context: string | undefined) => Buffer.from(`wenzheng-identity|${context ?? ''}`, 'utf8');

  const index = (normalized: string) => createHmac('sha256', indexKey).update(normalized, 'utf8').digest('base64url');

  return {
    encrypt(plaintext, context) {
      if (typeof plaintext !== 'string') throw new IdentityInputError('only text can be encrypted');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(':');
    },

    decrypt(stored, context) {
      if (typeof stored !== 'string') throw new IdentityDecryptError('stored identity value is not text');
      const parts = stored.split(':');
      if (parts.length !== 4 || parts[0] !== VERSION) throw new IdentityDecryptError(`stored identity value is not in the ${VERSION}:<iv>:<tag>:<ciphertext> format`);
      const [, ivText, tagText, dataText] = parts;
      if (![ivText, tagText, dataText].every((p) => BASE64URL.test(p))) throw new IdentityDecryptError('stored identity value has a part that is not base64url');
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new IdentityDecryptError('stored identity value has an IV or tag of the wrong length');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(context));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // the cause (OpenSSL's "unable to authenticate data") says nothing more useful and is dropped
        throw new IdentityDecryptError();
      }
    },

    phoneIndex(phone) {
      const normalized = normalizeMainlandMobile(phone);
      if (normalized === undefined) throw new IdentityInputError('the phone is not a mainland mobile number (11 digits starting 13–19)');
      return index(normalized);
    },

    phoneMatches(phone, stored) {
      const normalized = normalizeMainlandMobile(phone);
      // the same work whether or not the phone is valid, so the time says nothing
      const mine = Buffer.from(index(normalized ?? '00000000000'), 'utf8');
      const given = Buffer.from(typeof stored === 'string' ? stored : '', 'utf8');
      const sameLength = given.length === mine.length;
      const equal = timingSafeEqual(mine, sameLength ? given : mine);
      return equal && sameLength && normalized !== undefined;
    },
  };
}

/** a name for display: first character kept, one `*` per other character (`张三丰` → `张**`, `张` → `*`) */
export function maskName(name: string | null | undefined): string {
  if (typeof name !== 'string') return '';
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/**
 * A phone for display: a mainland mobile as `138****5678`; any other number keeps its first 3 and
 * last 4 digits when it has at least 8, otherwise every digit is masked.
 */
export function maskPhone(phone: string | null | undefined): string {
  if (typeof phone !== 'string') return '';
  const mobile = normalizeMainlandMobile(phone);
  if (mobile) return maskMobile(mobile);
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 0) return '';
  if (digits.length < 8) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
