/** whether text holds a control character other than tab, line feed and carriage return (nothing typed by a person needs one) */
export function hasControlCharacters(t: string): boolean {
  for (const ch of t) {
    const c = ch.codePointAt(0) as number;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}
