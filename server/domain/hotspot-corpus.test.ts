/**
 * The hotspot rules (第二十三条(二), regulation/hotspots.ts) on petitions as Longnan's citizens write
 * them (regulation/hotspots-corpus.ts), segmented by the app's own segmenter: the thresholds' proof —
 * the clusters found are the intended ones, whole, and the single matters stay out, even those
 * sharing a word with one. (regulation/hotspots.test.ts has the rules on hand-made words.)
 */
import { describe, it, expect } from '@jest/globals';
import { clusterHotspots, matches, petitionKeywords, type KeywordCase } from '../../regulation/hotspots.js';
import { CORPUS, INTENDED, TOWNSHIP } from '../../regulation/hotspots-corpus.js';
import { rankedWords } from './word-segmentation.js';

const DAY = 86_400_000;
const wordsOf = (title: string, content: string) => petitionKeywords(rankedWords(`${title}\n${content}`, 20));
const corpus: KeywordCase[] = CORPUS.map((p, i) => ({ id: `${p.matter}#${i}`, township: p.township, words: wordsOf(p.title, p.content), receivedMs: i * DAY }));
const matterOf = (id: string) => id.split('#')[0];

describe('hotspots: a petition’s keywords', () => {
  it('keeps the matter’s words, best first, and drops place names, generic petition words and numbers', () => {
    const words = wordsOf('反映渡江镇停水问题', '渡江镇圩镇片区频繁停水,供水不正常,希望自来水公司尽快解决,已经 3 天了。');
    expect(words.slice(0, 2)).toEqual(expect.arrayContaining(['停水']));
    expect(words).toEqual(expect.arrayContaining(['停水', '圩镇', '自来水', '供水']));
    for (const w of ['渡江镇', '渡江', '反映', '问题', '希望', '解决', '尽快', '3', '天']) expect(words).not.toContain(w);
    expect(words.length).toBeLessThanOrEqual(6);
  });

  it('cuts township names whole (杨村镇 / 中心小学, not 杨 / 村镇)', () => {
    const words = wordsOf('校车超载', '杨村镇中心小学的校车每天接送学生严重超载。');
    expect(words).toContain('中心小学');
    expect(words).not.toContain('村镇');
  });
});

describe('hotspots: clusters of a window', () => {
  const clusters = clusterHotspots(corpus);

  it('finds the four concentrated matters, each whole and alone, the 医保 one city-wide', () => {
    const found = clusters.map((c) => ({ matters: [...new Set(c.members.map(matterOf))], township: c.township }));
    expect(found).toHaveLength(4);
    for (const [matter, township] of Object.entries(INTENDED)) {
      const c = clusters.find((x) => x.members.some((id) => matterOf(id) === matter));
      expect(c).toBeDefined();
      expect([...new Set(c!.members.map(matterOf))]).toEqual([matter]);
      expect(c!.count).toBe(CORPUS.filter((p) => p.matter === matter).length);
      expect(c!.township).toBe(township);
    }
    const insurance = clusters.find((c) => c.township === null)!;
    expect(insurance.townships).toHaveLength(4);
    expect(insurance.townships[0]).toBe(TOWNSHIP.dongjiang);
  });

  it('leaves out the single matters, also those sharing a word with a hotspot (广场舞 noise, a dug-up road, the water works’ light, a dog at 金水湾)', () => {
    const clustered = new Set(clusters.flatMap((c) => c.members));
    const left = corpus.filter((c) => !clustered.has(c.id)).map((c) => matterOf(c.id));
    expect(left.sort()).toEqual(CORPUS.filter((p) => !(p.matter in INTENDED)).map((p) => p.matter).sort());
  });

  it('names each by the words most of its cases share, largest first, newest case first', () => {
    expect(clusters.map((c) => c.count)).toEqual([5, 5, 4, 3]);
    const site = clusters.find((c) => c.township === TOWNSHIP.longnan)!;
    expect(site.words).toEqual(expect.arrayContaining(['施工', '工地', '噪音']));
    expect(clusters.find((c) => c.township === TOWNSHIP.dujiang)!.words.slice(0, 2).sort()).toEqual(['圩镇', '停水'].sort());
    expect(clusters.find((c) => c.township === TOWNSHIP.yangcun)!.words).toEqual(expect.arrayContaining(['校车', '超载']));
    expect(clusters.find((c) => c.township === null)!.words.slice(0, 2).sort()).toEqual(['医保', '缴费'].sort());
    expect(site.members[0]).toBe(corpus.filter((c) => matterOf(c.id) === 'site-noise').pop()!.id);
  });

  it('is the same whatever order the cases come in, with the same ids', () => {
    const again = clusterHotspots([...corpus].reverse());
    expect(again.map((c) => [c.id, c.count, [...c.members].sort()])).toEqual(clusters.map((c) => [c.id, c.count, [...c.members].sort()]));
  });

  it('needs three cases in a township: two are no hotspot', () => {
    const two = corpus.filter((c) => matterOf(c.id) === 'school-bus').slice(0, 2);
    expect(clusterHotspots(two)).toEqual([]);
  });

  it('makes one city-wide hotspot of a matter found separately in three townships', () => {
    const outage = (id: string, township: string): KeywordCase => ({ id, township, words: ['停电', '线路', '变压器'], receivedMs: 0 });
    const cases = ['a', 'b', 'c'].flatMap((t, k) => [0, 1, 2].map((n) => outage(`${t}${n}`, [TOWNSHIP.guanxi, TOWNSHIP.liren, TOWNSHIP.taojiang][k])));
    const [city, ...rest] = clusterHotspots(cases);
    expect(rest).toEqual([]);
    expect(city).toMatchObject({ township: null, count: 9 });
    expect(city.townships.sort()).toEqual([TOWNSHIP.guanxi, TOWNSHIP.liren, TOWNSHIP.taojiang].sort());
    // in two townships, it stays the townships’ own
    expect(clusterHotspots(cases.slice(0, 6)).map((c) => c.township).sort()).toEqual([TOWNSHIP.guanxi, TOWNSHIP.liren].sort());
  });

  it('puts a case in one hotspot at most', () => {
    const ids = clusters.flatMap((c) => c.members);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('hotspots: the window before', () => {
  it('counts the cases of the window before that are the same matter: its township and two of its words', () => {
    const water = clusterHotspots(corpus).find((c) => c.township === TOWNSHIP.dujiang)!;
    expect(matches(water, { township: TOWNSHIP.dujiang, words: wordsOf('又停水了', '圩镇又停水,自来水一滴都没有') })).toBe(true);
    expect(matches(water, { township: TOWNSHIP.longnan, words: wordsOf('又停水了', '圩镇又停水,自来水一滴都没有') })).toBe(false);
    expect(matches(water, { township: TOWNSHIP.dujiang, words: wordsOf('水厂门口路灯坏了', '自来水厂门口的路灯坏了') })).toBe(false);
    const city = clusterHotspots(corpus).find((c) => c.township === null)!;
    expect(matches(city, { township: TOWNSHIP.yangcun, words: ['医保', '缴费', '失败'] })).toBe(true);
  });
});
