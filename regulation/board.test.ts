import { describe, it, expect } from '@jest/globals';
import { compareUnitsByWarnings, dueForTransfer, levelAt, mayUrgeAt, urgeRecipient } from './board.js';

describe('第二十六条 the board\'s rules', () => {
  it('第二十六条 a 催办 at each colour reaches the person the article names', () => {
    expect(urgeRecipient('blue')).toMatchObject({ kind: 'unit-contact', role: 'contact', label: '承办单位责任人' });
    expect(urgeRecipient('yellow')).toMatchObject({ kind: 'unit-leader', role: 'leader', label: '分管领导' });
    expect(urgeRecipient('red')).toMatchObject({ kind: 'unit-head', role: 'head', label: '主要领导' });
  });

  it('第二十六条 the level is the highest instant reached; a 催办 never goes above it', () => {
    const at = (iso: string) => new Date(iso);
    const instants = { blueAt: at('2026-03-10T16:00:00Z'), yellowAt: at('2026-03-11T16:00:00Z'), redAt: at('2026-03-13T16:00:00Z') };
    expect(levelAt(instants, at('2026-03-10T15:59:59Z'))).toBeUndefined();
    expect(levelAt(instants, at('2026-03-10T16:00:00Z'))).toBe('blue');
    expect(levelAt(instants, at('2026-03-12T00:00:00Z'))).toBe('yellow');
    expect(levelAt(instants, at('2026-03-20T00:00:00Z'))).toBe('red');
    expect(mayUrgeAt('yellow', 'red')).toBe(true);
    expect(mayUrgeAt('red', 'yellow')).toBe(false);
    expect(mayUrgeAt('blue', undefined)).toBe(false);
  });

  it('第二十六条 ≥ 7 working days without an explanation is due for 督查室', () => {
    expect(dueForTransfer(7, false)).toBe(true);
    expect(dueForTransfer(7, true)).toBe(false);
    expect(dueForTransfer(6, false)).toBe(false);
  });

  it('orders units worst first: red, then yellow, then blue', () => {
    const u = (unitName: string, red: number, yellow: number, blue: number) => ({ unitName, red, yellow, blue, transfer: 0, overdue: red + yellow + blue });
    expect([u('甲', 0, 3, 9), u('乙', 1, 0, 0), u('丙', 0, 3, 1)].sort(compareUnitsByWarnings).map((x) => x.unitName)).toEqual(['乙', '甲', '丙']);
  });
});
