/**
 * Characters that change how text reads without being seen: the Unicode bidirectional controls —
 * embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks U+200E / U+200F and the
 * Arabic letter mark U+061C. In a title or a reply they can show a text reversed in part
 * ("Trojan Source"); nothing a person types in a Chinese petition needs one.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;

/**
 * whether text holds a control character other than tab, line feed and carriage return, or a bidi
 * control (nothing typed by a person needs one)
 */
export function hasControlCharacters(t: string): boolean {
  for (const ch of t) {
    const c = ch.codePointAt(0) as number;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return BIDI_CONTROL.test(t);
}
