/**
 * The case list's URL state (issue 15): parsing with Chinese problems, the round trip to a query
 * string, the opaque keyset cursor, and the keyword search's bounded date range.
 */
import { describe, it, expect } from '@jest/globals';
import { decodeCursor, encodeCursor, keywordRange, parseCaseQuery, toQueryString, trackingCodeOf, withoutPhone } from './case-query.js';

describe('the case list query', () => {
  it('given every parameter, when parsed and written back, then the same query string comes out (the phone normalised, the default sort left out)', () => {
    const { query, problems } = parseCaseQuery({ q: ' 路灯 ', phone: '139-0000-2222', status: 'closed', category: 'help', unit: 'u-longnan', township: '360783100', channel: 'web', urgent: 'true', warning: 'yellow', from: '2026-02-01', to: '2026-02-28', sort: 'newest' });
    expect(problems).toEqual([]);
    expect(query).toMatchObject({ q: '路灯', phone: '13900002222', urgent: true, warning: 'yellow', sort: 'newest' });
    expect(toQueryString(query)).toBe('q=%E8%B7%AF%E7%81%AF&phone=13900002222&status=closed&category=help&unit=u-longnan&township=360783100&channel=web&urgent=true&warning=yellow&from=2026-02-01&to=2026-02-28');
    expect(toQueryString(withoutPhone(query))).not.toContain('phone');
    expect(parseCaseQuery(Object.fromEntries(new URLSearchParams(toQueryString(query)))).query).toEqual(query);
  });

  it('given unknown values, a repeated one, an impossible date or a backwards range, then each is a problem in Chinese and left out', () => {
    const { query, problems } = parseCaseQuery({ status: 'lost', category: ['help', 'other'], from: '2026-02-30', to: '2026-01-01', sort: 'random', urgent: 'yes', phone: '12345' });
    expect(problems.map((p) => p.field).sort()).toEqual(['category', 'from', 'phone', 'sort', 'status', 'urgent']);
    expect(problems.find((p) => p.field === 'status')?.message).toMatch(/^未知的状态「lost」/);
    expect(query).toEqual({ to: '2026-01-01', sort: 'newest' });
    expect(parseCaseQuery({ from: '2026-03-01', to: '2026-02-01' }).problems.map((p) => p.field)).toEqual(['to']);
  });

  it('given a cursor, when read back under its own sort, then it is the row; under another sort, tampered or foreign, it is refused', () => {
    const c = encodeCursor('newest', { key: 1772400000000, id: 'list-0001' });
    expect(c).toMatch(/^[\w-]+$/);
    expect(decodeCursor(c, 'newest')).toEqual({ key: 1772400000000, id: 'list-0001' });
    expect(decodeCursor(c, 'oldest')).toBeUndefined();
    expect(decodeCursor(`${c}x`, 'newest')).toBeUndefined();
    expect(decodeCursor(Buffer.from('["newest",1.5,"a"]').toString('base64url'), 'newest')).toBeUndefined();
    expect(decodeCursor(Buffer.from('["newest",1,"a b"]').toString('base64url'), 'newest')).toBeUndefined();
    expect(parseCaseQuery({ sort: 'oldest', after: c }).problems.map((p) => p.field)).toEqual(['after']);
    expect(parseCaseQuery({ after: c, before: c }).problems.map((p) => p.field)).toEqual(['after']);
  });

  it('given a search, then a tracking code as typed is exact and anything else a keyword within 90 days, or the range given up to 366 days', () => {
    expect(trackingCodeOf(' wz-2345 6789 ')).toBe('WZ23456789');
    expect(trackingCodeOf('路灯')).toBeUndefined();
    const now = new Date('2026-03-02T02:00:00Z');
    const d = keywordRange({ sort: 'newest', q: '路灯' }, now);
    // today (Shanghai) and the 89 days before it
    expect(d).toMatchObject({ defaulted: true, from: new Date('2025-12-02T16:00:00Z') });
    expect(d.problem).toBeUndefined();
    const given = keywordRange({ sort: 'newest', q: '路灯', from: '2026-02-27', to: '2026-02-28' }, now);
    expect(given).toMatchObject({ defaulted: false, from: new Date('2026-02-26T16:00:00Z'), to: new Date('2026-02-28T16:00:00Z') });
    expect(keywordRange({ sort: 'newest', q: '路灯', from: '2024-12-31', to: '2026-01-01' }, now).problem?.field).toBe('from');
    expect(keywordRange({ sort: 'newest', q: '路灯', from: '2025-01-01', to: '2026-01-01' }, now).problem).toBeUndefined(); // 366 days
  });
});
