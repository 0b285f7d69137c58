import { describe, it, expect } from '@jest/globals';
import { keywords, scoreSimilar, textSimilarity, TEXT_THRESHOLD } from '../../regulation/similarity.js';
import { contentWords, segmentWords } from './word-segmentation.js';

const township = contentWords('东江乡');
const kw = (text: string) => keywords(contentWords(text), township);

describe('word segmentation for similar petitions', () => {
  it('cuts Chinese into words with the maintained dictionary (路灯, 菜市场 stay whole)', () => {
    expect(segmentWords('新圳村路灯坏了')).toEqual(expect.arrayContaining(['路灯']));
    expect(segmentWords('菜市场商家缺斤短两')).toEqual(expect.arrayContaining(['菜市场', '缺斤短两']));
    expect(segmentWords('')).toEqual([]);
  });

  it('puts two descriptions of one street light above the threshold and other matters of the township below it', () => {
    const light = kw('新圳村路灯坏了 东江乡新圳村路灯坏了三个月没人修,晚上出行很不方便。');
    const sameLight = kw('新圳村路灯不亮 新圳村的路灯一直不亮,请尽快维修');
    const market = kw('菜市场缺斤短两 东江乡菜市场商家缺斤短两,请市场监管部门查处');
    const road = kw('村道坑洼 东江乡村道坑坑洼洼,下雨天出行不方便,希望修路');
    expect(textSimilarity(light, sameLight)).toBeGreaterThanOrEqual(TEXT_THRESHOLD);
    expect(textSimilarity(light, market)).toBeLessThan(TEXT_THRESHOLD);
    expect(textSimilarity(light, road)).toBeLessThan(TEXT_THRESHOLD);
    expect(textSimilarity(market, road)).toBeLessThan(TEXT_THRESHOLD);
    expect(scoreSimilar({ samePhone: false, sameTownship: true, keywords: light, otherKeywords: sameLight })?.shared).toContain('路灯');
    expect(scoreSimilar({ samePhone: false, sameTownship: true, keywords: light, otherKeywords: market })).toBeUndefined();
  });
});
