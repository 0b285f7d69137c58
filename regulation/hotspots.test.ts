/**
 * The hotspot rules (第二十三条(二)) on words given by hand: the keywords a petition keeps, the
 * clusters (per township, city-wide, merged across townships), the window and the trend. The
 * thresholds' proof on real petitions segmented by jieba is server/domain/hotspot-corpus.test.ts.
 */
import { describe, it, expect } from '@jest/globals';
import { clusterHotspots, hotspotWindow, matches, matchingTimes, petitionKeywords, supervisionKey, trendOf, trendSpans, type KeywordCase } from './hotspots.js';

const T = { longnan: '360783100', guanxi: '360783105', liren: '360783106', taojiang: '360783200', dujiang: '360783107' };
const ranked = (...words: string[]) => words.map((word, i) => ({ word, weight: 10 - i }));
let n = 0;
const kase = (township: string | null, words: string[], receivedMs = n): KeywordCase => ({ id: `c${String(n++).padStart(3, '0')}`, township, words, receivedMs });

describe('hotspots: a petition’s keywords', () => {
  it('keeps the best six by weight, without place names, generic petition words, single characters and numbers', () => {
    expect(petitionKeywords(ranked('渡江镇', '停水', '反映', '圩镇', '问题', '自来水', '3', '水', '供水', '希望', '相关', '通知', '用水', '居民'))).toEqual(['停水', '圩镇', '自来水', '供水', '用水']);
    expect(petitionKeywords([{ word: '供水', weight: 1 }, { word: '停水', weight: 5 }], 1)).toEqual(['停水']);
  });
});

describe('hotspots: clusters', () => {
  const noise = (township: string, extra: string) => kase(township, ['工地', '施工', '噪音', extra]);

  it('makes a township’s hotspot of three cases sharing two words, with the case phrased differently that shares two of its words, and leaves a case sharing one out', () => {
    const cases = [noise(T.longnan, '夜间'), noise(T.longnan, '打桩机'), noise(T.longnan, '扰民'), kase(T.longnan, ['噪音', '半夜', '工地', '孩子']), kase(T.longnan, ['广场舞', '噪音', '音响']), kase(T.longnan, ['路灯', '小区'])];
    const [c, ...rest] = clusterHotspots(cases);
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ township: T.longnan, townships: [T.longnan], count: 4 });
    expect(c.members).toEqual([cases[3].id, cases[2].id, cases[1].id, cases[0].id]);
    expect(c.words.slice(0, 3).sort()).toEqual(['噪音', '工地', '施工'].sort());
    expect(c.id).toBe(`${T.longnan}:${[...c.seed].join('+')}`);
  });

  it('needs three cases of a township, or of three townships: two are no hotspot, nor three in two townships', () => {
    expect(clusterHotspots([noise(T.longnan, 'a'), noise(T.longnan, 'b')])).toEqual([]);
    expect(clusterHotspots([noise(T.longnan, 'a'), noise(T.guanxi, 'b'), noise(T.guanxi, 'c')])).toEqual([]);
    expect(clusterHotspots([noise(T.longnan, 'a'), noise(T.guanxi, 'b'), noise(T.liren, 'c')])).toMatchObject([{ township: null, count: 3 }]);
  });

  it('makes a city-wide hotspot of a matter in three townships, one or two cases each', () => {
    const cases = [kase(T.guanxi, ['医保', '缴费', '失败']), kase(T.liren, ['医保', '缴费', '系统']), kase(T.taojiang, ['医保', '缴费']), kase(T.taojiang, ['缴费', '医保', '银行']), kase(null, ['医保', '缴费'])];
    const [city, ...rest] = clusterHotspots(cases);
    expect(rest).toEqual([]);
    expect(city).toMatchObject({ township: null, count: 5, id: `city:${['医保', '缴费'].sort().join('+')}` });
    // most cases first, then by code
    expect(city.townships).toEqual([T.taojiang, T.guanxi, T.liren]);
  });

  it('makes one city-wide hotspot of a matter found separately in three townships; in two it stays the townships’', () => {
    const outage = (township: string) => [0, 1, 2].map(() => kase(township, ['停电', '线路', '变压器']));
    const three = [...outage(T.guanxi), ...outage(T.liren), ...outage(T.taojiang)];
    expect(clusterHotspots(three)).toMatchObject([{ township: null, count: 9 }]);
    expect(clusterHotspots(three.slice(0, 6)).map((c) => c.township).sort()).toEqual([T.guanxi, T.liren].sort());
  });

  it('puts a case in one hotspot at most, and finds the same hotspots whatever order the cases come in', () => {
    const cases = [noise(T.longnan, 'a'), noise(T.longnan, 'b'), noise(T.longnan, 'c'), kase(T.longnan, ['停水', '施工', '工地']), kase(T.longnan, ['停水', '自来水']), kase(T.longnan, ['停水', '自来水', '施工']), kase(T.longnan, ['自来水', '停水'])];
    const found = clusterHotspots(cases);
    const ids = found.flatMap((c) => c.members);
    expect(new Set(ids).size).toBe(ids.length);
    const again = clusterHotspots([...cases].reverse());
    expect(again.map((c) => [c.id, [...c.members].sort()])).toEqual(found.map((c) => [c.id, [...c.members].sort()]));
  });
});

describe('hotspots: the window before and the trend', () => {
  const water = { id: 'w', township: T.dujiang, words: ['停水', '圩镇', '自来水', '供水'] };

  it('counts a case of the window before as the matter when it is of the township and shares two of its words', () => {
    expect(matches(water, { township: T.dujiang, words: ['又', '停水', '自来水'] })).toBe(true);
    expect(matches(water, { township: T.longnan, words: ['停水', '自来水'] })).toBe(false);
    expect(matches(water, { township: T.dujiang, words: ['路灯', '自来水'] })).toBe(false);
    expect(matches({ ...water, township: null }, { township: T.longnan, words: ['停水', '自来水'] })).toBe(true);
    const times = matchingTimes([water, { id: 'x', township: null, words: ['医保', '缴费'] }], [kase(T.dujiang, ['停水', '供水'], 5), kase(T.longnan, ['停水', '供水'], 6), kase(T.liren, ['缴费', '医保'], 7)]);
    expect(Object.fromEntries(times)).toEqual({ w: [5], x: [7] });
  });

  it('says 新出现, 上升, 下降 or 持平', () => {
    expect([trendOf(3, 0), trendOf(5, 2), trendOf(2, 5), trendOf(4, 4)]).toEqual(['new', 'up', 'down', 'flat']);
  });

  it('reads the window in whole Shanghai days, the last 30 by default, the window before of the same length, and refuses what is not a window', () => {
    const now = new Date('2026-03-02T17:30:00.000Z'); // 2026-03-03 01:30 in Longnan
    const { window: w } = hotspotWindow({}, now);
    expect(w).toMatchObject({ fromDay: '2026-02-02', toDay: '2026-03-03', days: 30 });
    expect(w!.from.toISOString()).toBe('2026-02-01T16:00:00.000Z');
    expect(w!.to.toISOString()).toBe('2026-03-03T16:00:00.000Z');
    expect(w!.previousFrom.toISOString()).toBe('2026-01-02T16:00:00.000Z');
    expect(hotspotWindow({ from: '2026-03-01', to: '2026-03-01' }, now).window).toMatchObject({ days: 1 });
    expect(hotspotWindow({ from: '2026-02-30' }, now).problems.map((p) => p.field)).toEqual(['from']);
    expect(hotspotWindow({ from: '2026-03-05', to: '2026-03-01' }, now).problems.map((p) => p.field)).toEqual(['from']);
    expect(hotspotWindow({ from: '2025-01-01', to: '2026-03-01' }, now).problems[0].message).toContain('366');
    expect(supervisionKey('x', w!)).toBe('x|2026-02-02|2026-03-03');
    const spans = trendSpans(w!);
    expect(spans.map((s) => [s.label, s.previous])).toEqual([['01/03', true], ['01/13', true], ['01/23', true], ['02/02', false], ['02/12', false], ['02/22', false]]);
  });
});
