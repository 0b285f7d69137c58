/**
 * Masking personal data in text that is published (第二十条、第二十一条; SPEC "Confidentiality":
 * names, phone numbers, ID numbers, addresses are masked).
 *
 * What is found, in this order:
 * 1. the exact strings given (the petitioner's name and phone, the address…) → one `*` per character,
 *    longest first; a name is also masked when written with spaces between its characters;
 * 2. 18-digit resident ID numbers (and 15-digit old ones) → all `*`;
 * 3. mainland mobile numbers 1[3-9]x xxxx xxxx, also with +86 and spaces or dashes → `138****0000`;
 * 4. landlines with an area code (0797-1234567, (0797)12345678, 0797 1234567) → `0797-*******`;
 * 5. e-mail addresses → first character of the local part kept: `z***@example.com`;
 * 6. a Chinese name of 2–4 characters right after 我叫 / 本人 / 姓名 / 联系人 / 诉求人 / 举报人 /
 *    投诉人 / 反映人 (with or without a colon), when followed by punctuation, a space, the end, or a
 *    word such as 电话 / 手机 / 身份证 / 住 / 家住 / 地址 → `*` per character. This heuristic
 *    misses names in free prose; the exact strings (1) are what reliably masks the petitioner.
 * Numbers inside longer digit runs (order numbers, amounts) are left alone, and so are the app's
 * ids — UUIDs (petition ids), staff ids `st-<16 hex>`, hex digests of 32–64 characters: a random id
 * holds a run such as `…b136-94852007…` that reads as a mobile number about once in 1,070 UUIDs.
 */

const stars = (s: string) => '*'.repeat([...s].length);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 18-digit ID (last may be X), or 15-digit old ID; not inside a longer digit run */
const ID_NUMBER = /(?<![0-9A-Za-z])(?:[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]|[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?![0-9A-Za-z])/g;

/** mobile: 1[3-9]d{9}, optionally +86 / 86 before it, optionally split 3-4-4 by a space or dash */
const MOBILE = /(?<![\d])(?:(?:\+?86)[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)/g;

/** landline with area code 0xx / 0xxx: 0797-1234567, 0797 12345678, (0797)1234567, （0797）1234567, optional -ext */
const LANDLINE = /(?<![\d])(?:[(（](0\d{2,3})[)）]\s?|(0\d{2,3})[\s-])(\d{7,8})(?:-\d{1,4})?(?!\d)/g;
/** an area-code landline written without a separator: 0797 + 7–8 digits (11–12 digits starting 0) */
const LANDLINE_PLAIN = /(?<![\d])(0\d{2,3})(\d{7,8})(?!\d)/g;

const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g;

const NAME_CUES = ['我叫', '本人姓名', '姓名', '联系人', '诉求人', '举报人', '投诉人', '反映人', '本人'];
const NAME_AFTER = '(?=[\\s,，。.;；、:：()（）!！?？"“”]|$|电话|手机|联系|身份证|住|家住|地址|先生|女士|同志)';
/** words that follow 本人 and are no name */
const NOT_A_NAME = '(?!身份|户口|签字|签名|亲自|持有|携带|名义|认为|希望|反映|要求|申请|现在|现住|是|在|于|已|家|住|的|曾|多次|一直|所|因|对|向|和|与|及|名下|户籍|居住|购买|承包)';
const NAME_PATTERN = new RegExp(`(${NAME_CUES.map(escapeRe).join('|')})([为是]?[::]?\\s?)${NOT_A_NAME}([\\u4e00-\\u9fa5·]{2,4}?)${NAME_AFTER}`, 'g');

/**
 * Ids the app makes (never typed by a person, never personal data): a UUID, a staff id, a hex
 * digest with at least one letter; each bounded by something that is no letter or digit.
 */
const ID_TOKEN = /(?<![0-9A-Za-z])(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|st-[0-9a-f]{16}|(?=[0-9a-f]{0,63}[a-f])(?:[0-9a-f]{64}|[0-9a-f]{40}|[0-9a-f]{32}))(?![0-9A-Za-z])/gi;

/** the text split around the ids in it: even indexes are text, odd ones ids */
function splitIds(text: string): string[] {
  const parts: string[] = [];
  let at = 0;
  for (const m of text.matchAll(ID_TOKEN)) {
    parts.push(text.slice(at, m.index), m[0]);
    at = (m.index as number) + m[0].length;
  }
  parts.push(text.slice(at));
  return parts;
}

export interface MaskOptions {
  /** exact strings to mask wherever they occur (the petitioner's name, phone, address…); blanks are ignored */
  exact?: (string | null | undefined)[];
  /**
   * landlines with an area code stay (the knowledge base's answers: an office's number is public;
   * the petitioner's own is still masked through `exact`)
   */
  keepLandlines?: boolean;
}

export function maskMobile(digits: string): string {
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

export function maskPersonalData(text: string, options: MaskOptions = {}): string {
  if (typeof text !== 'string') throw new TypeError('maskPersonalData: text must be a string');
  // ids stay as they are (a masked id would break a reference); the text between them is masked
  return splitIds(text)
    .map((part, i) => (i % 2 ? part : maskText(part, options)))
    .join('');
}

function maskText(text: string, options: MaskOptions): string {
  let out = text;

  const exact = [...new Set((options.exact ?? []).filter((s): s is string => typeof s === 'string').map((s) => s.trim()).filter((s) => s.length > 0))];
  exact.sort((a, b) => b.length - a.length);
  for (const s of exact) {
    out = out.split(s).join(stars(s));
    const chars = [...s];
    // a Chinese name written with spaces between its characters (张 三)
    if (chars.length >= 2 && chars.length <= 6 && /^[\u4e00-\u9fa5·]+$/.test(s)) {
      out = out.replace(new RegExp(chars.map(escapeRe).join('\\s+'), 'g'), (m) => m.replace(/[^\s]/g, '*'));
    }
    // a phone given exactly is also masked when written with separators
    const digits = s.replace(/\D/g, '');
    if (digits.length >= 7 && digits.length === s.replace(/[\s+()-]/g, '').length) {
      out = out.replace(new RegExp(`(?<!\\d)${[...digits].join('[\\s-]?')}(?!\\d)`, 'g'), (m) => m.replace(/\d/g, '*'));
    }
  }

  out = out.replace(ID_NUMBER, (m) => stars(m));
  out = out.replace(MOBILE, (m, a: string, b: string, c: string) => {
    const prefix = m.slice(0, m.indexOf(a));
    return `${prefix}${maskMobile(a + b + c)}`;
  });
  if (!options.keepLandlines) {
    out = out.replace(LANDLINE, (_m, area1: string | undefined, area2: string | undefined, number: string) => `${area1 ?? area2}-${stars(number)}`);
    out = out.replace(LANDLINE_PLAIN, (_m, area: string, number: string) => `${area}-${stars(number)}`);
  }
  out = out.replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`);
  out = out.replace(NAME_PATTERN, (_m, cue: string, sep: string, name: string) => `${cue}${sep}${stars(name)}`);
  return out;
}

/**
 * whether a string still contains something that looks like a phone, an ID number or an e-mail
 * address outside the ids in it
 */
export function looksPersonal(text: string): boolean {
  const test = (re: RegExp, t: string) => {
    re.lastIndex = 0;
    const found = re.test(t);
    re.lastIndex = 0;
    return found;
  };
  return splitIds(text).some((part, i) => i % 2 === 0 && (test(ID_NUMBER, part) || test(MOBILE, part) || test(EMAIL, part)));
}
