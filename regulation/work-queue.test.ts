import { describe, it, expect } from '@jest/globals';
import { parseQueueQuery, queueQueryString, trackingCodeIn } from './work-queue.js';

describe('the work queue list state read from a link', () => {
  it('given no query, when read, then every open task of the account, by deadline, 50 a page', () => {
    expect(parseQueueQuery({}, { scope: 'mine' })).toEqual({ query: { tab: 'all', scope: 'mine', sort: 'due', limit: 50 }, problems: [] });
  });

  it('given a query as a form sends it, when read, then each value is taken and the link is the same again', () => {
    const raw = { tab: 'overdue', colour: 'red', category: 'complaint', channel: 'hotline', township: '360783100', unit: 'u-longnan', task: 'Task_DraftReply', sort: 'priority', q: ' 路灯 ', scope: 'all' };
    const { query, problems } = parseQueueQuery(raw, { scope: 'mine' });
    expect(problems).toEqual([]);
    expect(query).toMatchObject({ tab: 'overdue', colour: 'red', category: 'complaint', channel: 'hotline', township: '360783100', unitId: 'u-longnan', task: 'Task_DraftReply', sort: 'priority', q: '路灯', scope: 'all' });
    const again = parseQueueQuery(Object.fromEntries(new URLSearchParams(queueQueryString(query, { scope: 'mine' }))), { scope: 'mine' });
    expect(again.query).toEqual(query);
    // defaults are left out of the link
    expect(queueQueryString({ tab: 'all', scope: 'mine', sort: 'due' }, { scope: 'mine' })).toBe('');
  });

  it('given values nobody can choose, when read, then each is a problem in Chinese and left out', () => {
    const { query, problems } = parseQueueQuery({ tab: 'later', category: 'x', township: '1; DROP', limit: '100000', q: 'a'.repeat(51), phone: '12345' }, { scope: 'mine' });
    expect(problems.map((p) => p.field).sort()).toEqual(['category', 'limit', 'phone', 'q', 'tab', 'township']);
    expect(query).toEqual({ tab: 'all', scope: 'mine', sort: 'due', limit: 50 });
    expect(problems.every((p) => /[\u4e00-\u9fff]/.test(p.message))).toBe(true);
  });

  it('given a phone typed with spaces or +86, when read, then the 11 digits; a repeated parameter takes the last', () => {
    expect(parseQueueQuery({ phone: '+86 139-1111-2222' }, { scope: 'mine' }).query.phone).toBe('13911112222');
    expect(parseQueueQuery({ sort: ['due', 'received'] }, { scope: 'mine' }).query.sort).toBe('received');
    // a phone never goes back into a link
    expect(queueQueryString({ phone: '13911112222', tab: 'all' }, { scope: 'mine' })).toBe('');
  });

  it('given a search word, when it is a tracking code in any case or spacing, then it is searched as one', () => {
    expect(trackingCodeIn(' wz23 456789 ')).toBe('WZ23456789');
    expect(trackingCodeIn('WZ2345678O')).toBeUndefined();
    expect(trackingCodeIn('路灯')).toBeUndefined();
  });
});
