import { describe, it, expect } from '@jest/globals';
import { chinaDay, defaultValidUntil, draftFromReply, isDay, isExpired, parseContent, parseSynonyms, personalDataLeft } from './knowledge.js';
import { maskPersonalData } from './masking.js';

const ctx = { townships: ['360783100', '360783101'], today: '2026-03-02' };

describe('knowledge entries (知识库)', () => {
  it('takes content with every problem at once, and nothing when any is wrong', () => {
    expect(parseContent({ question: ' 新生儿落户要什么材料? ', answer: '出生医学证明、户口簿', categories: 'consultation', townships: ['360783100'], validUntil: '2027-03-01' }, ctx)).toEqual({
      content: { question: '新生儿落户要什么材料?', answer: '出生医学证明、户口簿', basis: '', categories: ['consultation'], townships: ['360783100'], validUntil: '2027-03-01' },
      problems: [],
    });
    const bad = parseContent({ question: 3, answer: '', categories: ['gossip'], townships: ['110000'], validUntil: '2026-03-02' }, ctx);
    expect(bad.content).toBeUndefined();
    expect(bad.problems.map((p) => p.field)).toEqual(['question', 'answer', 'categories', 'townships', 'validUntil']);
    expect(parseContent([], ctx).problems).toEqual([{ field: 'body', message: '请提交条目内容' }]);
    expect(parseContent({ question: 'x'.repeat(301), answer: 'a' }, ctx).problems[0]).toEqual({ field: 'question', message: '问题不超过 300 字' });
  });

  it('counts days in China time: valid a year by default, expired from the day after valid-until', () => {
    expect(chinaDay(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
    expect(chinaDay(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
    expect(defaultValidUntil('2026-03-02')).toBe('2027-03-02');
    expect(defaultValidUntil('2028-02-29')).toBe('2029-02-28');
    expect(isExpired('2026-03-02', '2026-03-02')).toBe(false);
    expect(isExpired('2026-03-02', '2026-03-03')).toBe(true);
    expect(isExpired(null, '2099-01-01')).toBe(false);
    expect([isDay('2026-02-29'), isDay('2028-02-29'), isDay('2026-3-1')]).toEqual([false, true, false]);
  });

  it('a draft from an approved reply carries no personal data: the petitioner by name, phones, ID numbers — an office\'s landline stays', () => {
    const draft = draftFromReply(
      { result: '已为王小明办理新生儿落户,联系电话 13900002222。', replyText: '请携带本人身份证到龙南派出所办理,咨询电话 0797-3511234。', legalBasis: '《户口登记条例》第七条', contactRecord: '已电话告知王小明' },
      { title: '王小明咨询孩子落户', petitionerName: '王小明', petitionerPhone: '13900002222', address: '龙南镇新街 8 号' },
    );
    expect(draft).toEqual({
      question: '***咨询孩子落户',
      answer: '已为***办理新生儿落户,联系电话 ***********。\n\n请携带本人身份证到龙南派出所办理,咨询电话 0797-3511234。',
      basis: '《户口登记条例》第七条',
    });
    expect(draftFromReply({ legalBasis: 'x' }, { title: 't' })).toBeUndefined();
    expect(draftFromReply('text', { title: 't' })).toBeUndefined();
  });

  it('says where personal data is left before an entry is published', () => {
    expect(personalDataLeft({ question: '落户要带什么?', answer: '携带本人身份证、户口簿,咨询 0797-3511234', basis: '' })).toEqual([]);
    expect(personalDataLeft({ question: '联系 13812345678', answer: '身份证 360783199001011234', basis: 'a@b.cn' }).map((p) => p.field)).toEqual(['question', 'answer', 'basis']);
    // 本人身份证 is no name (masking.ts)
    expect(maskPersonalData('请携带本人身份证原件')).toBe('请携带本人身份证原件');
  });

  it('takes the office\'s synonym groups as lines or lists', () => {
    expect(parseSynonyms('落户 上户口\n\n社保,社会保险')).toEqual({ groups: [['落户', '上户口'], ['社保', '社会保险']], problems: [] });
    expect(parseSynonyms([['落户', '落户']]).problems[0].field).toBe('groups[0]');
    expect(parseSynonyms([['有 空格', 'x']]).problems[0].field).toBe('groups[0]');
    expect(parseSynonyms({}).problems[0].field).toBe('groups');
  });
});
