import { describe, it, expect } from '@jest/globals';
import { keywords, reasonText, scoreSimilar, textSimilarity, TEXT_THRESHOLD } from './similarity.js';

describe('similar petitions: keywords', () => {
  it('drops punctuation, numbers, single characters, stop words and the extra words, and repeats', () => {
    expect(keywords(['路灯', ',', '坏', '了', '2026', '请', '尽快', '维修', '路灯', '。', 'ABC', '东江'], ['东江'])).toEqual(['路灯', '维修']);
  });
});

describe('similar petitions: score', () => {
  it('is the cosine of the keyword sets', () => {
    expect(textSimilarity(['路灯', '维修'], ['路灯', '维修'])).toBe(1);
    expect(textSimilarity(['路灯', '维修', '新圳村', '出行'], ['路灯'])).toBeCloseTo(0.5);
    expect(textSimilarity([], ['路灯'])).toBe(0);
  });

  it('takes a shared phone whatever the text, and similar text only in the same township', () => {
    const same = { keywords: ['路灯', '新圳村'], otherKeywords: ['路灯', '新圳村', '维修'] };
    const other = { keywords: ['路灯'], otherKeywords: ['菜市场'] };
    expect(scoreSimilar({ samePhone: true, sameTownship: false, ...other })).toMatchObject({ reasons: ['same-phone'], score: 1, textScore: 0 });
    expect(scoreSimilar({ samePhone: false, sameTownship: true, ...same })).toMatchObject({ reasons: ['similar-text'], textScore: 0.82, shared: ['路灯', '新圳村'] });
    expect(scoreSimilar({ samePhone: false, sameTownship: false, ...same })).toBeUndefined();
    expect(scoreSimilar({ samePhone: false, sameTownship: true, ...other })).toBeUndefined();
    const both = scoreSimilar({ samePhone: true, sameTownship: true, ...same });
    expect(both?.reasons).toEqual(['same-phone', 'similar-text']);
    expect(both!.score).toBeGreaterThan(1);
  });

  it('says the reasons in Chinese, never the phone', () => {
    expect(reasonText({ reasons: ['same-phone', 'similar-text'], textScore: 0.5 })).toBe('同一手机号;同一乡镇且内容相近(相似度 0.50)');
  });

  it('needs more than one shared word of a long text', () => {
    const long = ['路灯', '新圳村', '出行', '晚上', '安全', '老人', '小孩', '摔倒', '照明', '村委会'];
    expect(textSimilarity(long, ['路灯', '菜市场', '商家'])).toBeLessThan(TEXT_THRESHOLD);
  });
});
