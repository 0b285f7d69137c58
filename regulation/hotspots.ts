/**
 * 第二十三条(二) 集中投诉、举报的热点 (and 第二十五条's reports, which name them): which matters many
 * petitions of a window share, found from the keywords each petition keeps (its top words by TF-IDF,
 * stored when it is submitted). Plain rules: the words come in already segmented.
 *
 * A hotspot is a group of cases of one township sharing at least two keywords (MIN_SHARED), at least
 * MIN_CASES of them; cases of several townships sharing the same words form a city-wide one (township
 * null). Thresholds chosen on the corpus of regulation/hotspots.test.ts: two shared words separate
 * "the building site at night in 龙南镇" from "a road in 龙南镇" (one shared word, 龙南镇's 道路, is
 * common), three cases make a concentration (第二十三条 “集中”), a matter in three townships is the city's.
 */
import { keywords as matterWords } from './similarity.js';

/** keywords a petition keeps (its top words by TF-IDF, after the stop words) */
export const KEYWORDS_PER_PETITION = 6;
/** keywords two cases share to be the same matter */
export const MIN_SHARED = 2;
/** cases of one township that make a hotspot */
export const MIN_CASES = 3;
/** townships sharing a matter that make it the city's */
export const CITY_MIN_TOWNSHIPS = 3;
/** the default window: the last 30 days */
export const DEFAULT_WINDOW_DAYS = 30;
/** the longest window a hotspot list reads (a year and a day) */
export const MAX_WINDOW_DAYS = 366;
/** example cases shown with a hotspot */
export const EXAMPLES = 3;

/**
 * Longnan's place names: the city and its 13 townships, whole and as people shorten them. Added to the
 * segmenter's dictionary (so that 杨村镇中心小学 is 杨村镇 / 中心小学) and never keywords: the township
 * is the cluster's own column, and the city's name is in every petition.
 */
export const PLACE_WORDS: readonly string[] = (
  '龙南市 龙南县 龙南镇 武当镇 杨村镇 汶龙镇 程龙镇 关西镇 里仁镇 渡江镇 桃江乡 东江乡 临塘乡 南亨乡 夹湖乡 ' +
  '龙南 武当 杨村 汶龙 程龙 关西 里仁 渡江 桃江 东江 临塘 南亨 夹湖'
).split(/\s+/);

/**
 * Words every kind of petition uses (beyond similarity.ts' stop words: how people ask, time, degree):
 * who complains (居民, 群众), what they want done (整改, 落实, 重视) and how long it has lasted. They say
 * nothing about which matter it is, and would join unrelated cases into one hotspot.
 */
export const HOTSPOT_STOP_WORDS: readonly string[] = (
  '诉求 投诉 反映 举报 问题 请求 希望 相关 有关 相关部门 有关部门 职能部门 工作人员 ' +
  '居民 群众 市民 村民 老百姓 百姓 业主 本人 家里 我家 住户 周边 附近 旁边 ' +
  '整改 落实 重视 关注 督促 协调 核实 调查 予以 给予 解决 处理 管理 监管 负责 责任 ' +
  '每天 每天晚上 天天 经常 一直 至今 始终 多次 反复 长期 迟迟 没人 无人 不管 不理 ' +
  '导致 造成 引起 影响 存在 发生 出现 情况 现象 事情 事项 东西 地方 生活 正常 ' +
  '恳请 请求 要求 希望 尽快 早日 及时 立即 严重 非常 十分 真的 不能 无法 不了 ' +
  '市长 书记 领导 政府 单位 公司 平台 热线 电话 联系 回复 答复 说明 告知 通知'
).split(/\s+/);

const PLACE_SET = new Set(PLACE_WORDS);
const HOTSPOT_STOP_SET = new Set(HOTSPOT_STOP_WORDS);

/**
 * The keywords a petition keeps: its words ranked by weight (TF-IDF, best first), without similarity's
 * stop words, single characters, numbers, punctuation, place names and the generic petition words;
 * at most `limit`, best first.
 */
export function petitionKeywords(ranked: readonly { word: string; weight: number }[], limit = KEYWORDS_PER_PETITION): string[] {
  const ordered = [...ranked].sort((a, b) => b.weight - a.weight);
  const kept = new Set(matterWords(ordered.map((r) => r.word)));
  const out: string[] = [];
  for (const r of ordered) {
    const w = r.word.trim();
    if (!kept.has(w) || PLACE_SET.has(w) || HOTSPOT_STOP_SET.has(w) || out.includes(w) || [...w].length > 16) continue;
    out.push(w);
    if (out.length >= limit) break;
  }
  return out;
}

/** a case as the clustering reads it: its township and its keywords, best first */
export interface KeywordCase {
  id: string;
  township: string | null;
  /** keywords, best first (their order names the cluster when members tie), each once (petitionKeywords) */
  words: readonly string[];
  receivedMs: number;
}

export interface HotspotCluster {
  /** stable for the same matter: the township (or `city`) and the two words it was found by */
  id: string;
  /** null: a city-wide hotspot */
  township: string | null;
  /** the townships its cases come from (one for a township's hotspot), most cases first */
  townships: string[];
  /** the words that name it, most telling first (shared by most of its cases) */
  words: string[];
  /** the pair of words the cluster was found by */
  seed: [string, string];
  /** its cases' ids, newest first */
  members: string[];
  count: number;
}

export interface ClusterOptions {
  minShared?: number;
  minCases?: number;
  cityMinTownships?: number;
}

/** a case's keywords as numbers (the clustering counts pairs of words: numbers are fast keys) */
interface Coded {
  township: string | null;
  words: number[];
}

/** two word numbers (below PAIR_BASE) as one small integer */
const PAIR_BASE = 32_768;
const pairOf = (a: number, b: number) => (a < b ? a * PAIR_BASE + b : b * PAIR_BASE + a);

/**
 * The hotspots of a window's cases, largest first. Per township, greedily: the pair of keywords most
 * unassigned cases share seeds a cluster of those cases; its words are those at least half of them
 * have; the township's other unassigned cases sharing `minShared` of those words join it. Then the same
 * over the cases left, across the city, for pairs found in `cityMinTownships` townships or more. Last,
 * township clusters found by the same pair in `cityMinTownships` townships or more become one
 * city-wide hotspot. A case belongs to one hotspot at most.
 */
export function clusterHotspots(cases: readonly KeywordCase[], options: ClusterOptions = {}): HotspotCluster[] {
  const minShared = options.minShared ?? MIN_SHARED;
  const minCases = options.minCases ?? MIN_CASES;
  const cityMin = options.cityMinTownships ?? CITY_MIN_TOWNSHIPS;
  // the words of two cases or more, the commonest first, numbered: a word of one case seeds no pair
  // and names no cluster (a cluster's words are held by half its cases, three at least); numbers
  // below 2^15 keep a pair's key a small integer, fast as a Map key (a window's vocabulary this
  // large keeps its 32,767 commonest words)
  const seen = new Map<string, number>();
  for (const c of cases) for (const w of c.words) seen.set(w, (seen.get(w) ?? 0) + 1);
  const names = [...seen].filter(([, n]) => n >= 2).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, PAIR_BASE - 1).map(([w]) => w);
  const vocabulary = new Map(names.map((w, n) => [w, n]));
  const coded: Coded[] = cases.map((c) => {
    const words: number[] = [];
    for (const w of c.words) {
      const n = vocabulary.get(w);
      if (n !== undefined && !words.includes(n)) words.push(n);
    }
    return { township: c.township, words };
  });
  const assigned = new Uint8Array(cases.length);
  const scratch: Scratch = { wordCount: new Int32Array(names.length), wordRank: new Float64Array(names.length), caseCount: new Uint8Array(cases.length) };
  const clusters: { township: string | null; seed: number; members: number[] }[] = [];

  const byTownship = new Map<string, number[]>();
  coded.forEach((c, i) => {
    if (c.township === null) return;
    const list = byTownship.get(c.township);
    if (list) list.push(i);
    else byTownship.set(c.township, [i]);
  });
  for (const township of [...byTownship.keys()].sort()) {
    for (const found of greedy(coded, byTownship.get(township)!, assigned, scratch, { minShared, minCases, minTownships: 1 })) clusters.push({ township, ...found });
  }
  const rest: number[] = [];
  for (let i = 0; i < coded.length; i++) if (!assigned[i]) rest.push(i);
  for (const found of greedy(coded, rest, assigned, scratch, { minShared, minCases: Math.max(minCases, cityMin), minTownships: cityMin })) clusters.push({ township: null, ...found });

  // the same matter found in several townships separately is the city's
  const bySeed = new Map<number, typeof clusters>();
  for (const c of clusters) bySeed.set(c.seed, [...(bySeed.get(c.seed) ?? []), c]);
  const merged: typeof clusters = [];
  for (const group of bySeed.values()) {
    if (group.length > 1 && new Set(group.flatMap((c) => c.members.map((i) => coded[i].township)).filter((t) => t !== null)).size >= cityMin) merged.push({ township: null, seed: group[0].seed, members: group.flatMap((c) => c.members) });
    else merged.push(...group);
  }

  let ordered = true;
  for (let i = 1; i < cases.length && ordered; i++) {
    const [x, y] = [cases[i - 1], cases[i]];
    ordered = x.receivedMs < y.receivedMs || (x.receivedMs === y.receivedMs && x.id < y.id);
  }
  return merged
    .map((c) => describe(cases, ordered, coded, names, scratch, c.township, c.seed, c.members))
    .sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** counters reused by every cluster: by word number and by case position */
interface Scratch {
  wordCount: Int32Array;
  wordRank: Float64Array;
  caseCount: Uint8Array;
}

/** a max-heap of [count, pair], larger counts first, then smaller pairs (deterministic ties) */
function heapPush(heap: [number, number][], item: [number, number]) {
  heap.push(item);
  for (let i = heap.length - 1; i > 0; ) {
    const up = (i - 1) >> 1;
    if (!before(heap[i], heap[up])) break;
    [heap[i], heap[up]] = [heap[up], heap[i]];
    i = up;
  }
}
function heapPop(heap: [number, number][]): [number, number] | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length && last) {
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l], heap[m])) m = l;
      if (r < heap.length && before(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return top;
}
const before = (x: [number, number], y: [number, number]) => x[0] > y[0] || (x[0] === y[0] && x[1] < y[1]);

/** the clusters found greedily among `pool` (indexes into `coded`), marking their cases in `assigned` */
function greedy(coded: readonly Coded[], pool: readonly number[], assigned: Uint8Array, scratch: Scratch, o: { minShared: number; minCases: number; minTownships: number }): { seed: number; members: number[] }[] {
  // how many free cases of the pool hold each pair (kept up to date as cases are taken)
  const free = new Map<number, number>();
  for (const i of pool) {
    const w = coded[i].words;
    for (let x = 0; x < w.length; x++) for (let y = x + 1; y < w.length; y++) {
      const p = pairOf(w[x], w[y]);
      free.set(p, (free.get(p) ?? 0) + 1);
    }
  }
  // the pairs by their count when last looked at: a popped pair whose count has since fallen goes back in
  const heap: [number, number][] = [];
  for (const [p, n] of free) {
    if (n < o.minCases) free.delete(p);
    else heapPush(heap, [n, p]);
  }
  // which cases of the pool hold each word: a cluster's cases are found through its words, not by
  // reading the whole pool for each cluster
  const holders = new Map<number, number[]>();
  for (const i of pool) {
    for (const w of coded[i].words) {
      const list = holders.get(w);
      if (list) list.push(i);
      else holders.set(w, [i]);
    }
  }
  const take = (i: number) => {
    assigned[i] = 1;
    const w = coded[i].words;
    for (let x = 0; x < w.length; x++) for (let y = x + 1; y < w.length; y++) {
      const p = pairOf(w[x], w[y]);
      const n = free.get(p);
      if (n !== undefined) free.set(p, n - 1);
    }
  };
  const out: { seed: number; members: number[] }[] = [];
  for (;;) {
    const top = heapPop(heap);
    if (!top) return out;
    const [was, best] = top;
    const now = free.get(best) ?? 0;
    if (now < was) {
      if (now >= o.minCases) heapPush(heap, [now, best]);
      continue;
    }
    free.delete(best);
    const a = Math.floor(best / PAIR_BASE);
    const b = best % PAIR_BASE;
    const [fewer, other] = (holders.get(a) ?? []).length <= (holders.get(b) ?? []).length ? [a, b] : [b, a];
    const core = (holders.get(fewer) ?? []).filter((i) => !assigned[i] && coded[i].words.includes(other));
    // fewer townships now than asked for: it never gains any, the pair is done
    if (o.minTownships > 1 && new Set(core.map((i) => coded[i].township).filter((t) => t !== null)).size < o.minTownships) continue;
    const members = core;
    const { caseCount } = scratch;
    for (const i of core) caseCount[i] = 255;
    const touched: number[] = [];
    for (const w of signature(coded, core, [a, b], scratch)) {
      for (const i of holders.get(w) ?? []) {
        if (assigned[i] || caseCount[i] === 255) continue;
        if (caseCount[i]++ === 0) touched.push(i);
      }
    }
    for (const i of touched) {
      if (caseCount[i] >= o.minShared) members.push(i);
      caseCount[i] = 0;
    }
    for (const i of core) caseCount[i] = 0;
    for (const i of members) take(i);
    out.push({ seed: best, members });
  }
}

/** the words at least half of the cases have (the seed pair always), most frequent first, then by rank */
function signature(coded: readonly Coded[], members: readonly number[], seed: readonly number[], scratch: Scratch): number[] {
  const { wordCount, wordRank } = scratch;
  const seen: number[] = [];
  for (const i of members) {
    const words = coded[i].words;
    for (let rank = 0; rank < words.length; rank++) {
      const w = words[rank];
      if (wordCount[w]++ === 0) seen.push(w);
      wordRank[w] += rank;
    }
  }
  const out = seen
    .filter((w) => seed.includes(w) || wordCount[w] * 2 >= members.length)
    .sort((x, y) => wordCount[y] - wordCount[x] || wordRank[x] / wordCount[x] - wordRank[y] / wordCount[y] || x - y)
    .slice(0, KEYWORDS_PER_PETITION);
  for (const w of seen) {
    wordCount[w] = 0;
    wordRank[w] = 0;
  }
  return out;
}

/** the members newest first (then by id): a numeric sort of their positions when the cases come oldest first, as a window's index range reads them */
function newestFirst(cases: readonly KeywordCase[], members: readonly number[], ordered: boolean): number[] {
  if (ordered) return [...Int32Array.from(members).sort()].reverse();
  return [...members].sort((a, b) => cases[b].receivedMs - cases[a].receivedMs || (cases[a].id < cases[b].id ? -1 : 1));
}

function describe(cases: readonly KeywordCase[], ordered: boolean, coded: readonly Coded[], names: readonly string[], scratch: Scratch, township: string | null, seed: number, members: number[]): HotspotCluster {
  const sorted = newestFirst(cases, members, ordered);
  const perTownship = new Map<string, number>();
  for (const i of members) {
    const t = cases[i].township;
    if (t !== null) perTownship.set(t, (perTownship.get(t) ?? 0) + 1);
  }
  const townships = [...perTownship].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([t]) => t);
  const seedWords = [Math.floor(seed / PAIR_BASE), seed % PAIR_BASE];
  const [a, b] = seedWords.map((n) => names[n]).sort();
  return {
    id: `${township ?? 'city'}:${a}+${b}`,
    township,
    townships,
    // ties of frequency and rank go by the words themselves, not by the order cases came in
    words: signature(coded, members, seedWords, scratch).map((n) => names[n]),
    seed: [a, b],
    members: sorted.map((i) => cases[i].id),
    count: members.length,
  };
}

/** whether a case (of another window) is the cluster's matter: its township, and `minShared` of its words */
export function matches(cluster: Pick<HotspotCluster, 'township' | 'words'>, c: Pick<KeywordCase, 'township' | 'words'>, minShared = MIN_SHARED): boolean {
  if (cluster.township !== null && c.township !== cluster.township) return false;
  let shared = 0;
  for (const w of new Set(c.words)) if (cluster.words.includes(w)) shared++;
  return shared >= minShared;
}

/** for each cluster, the times of the cases (of the window before) that `matches` it; one pass over the cases */
export function matchingTimes(clusters: readonly Pick<HotspotCluster, 'id' | 'township' | 'words'>[], cases: readonly KeywordCase[], minShared = MIN_SHARED): Map<string, number[]> {
  const out = new Map<string, number[]>(clusters.map((c) => [c.id, []]));
  const byWord = new Map<string, number[]>();
  clusters.forEach((c, k) => {
    for (const w of c.words) byWord.set(w, [...(byWord.get(w) ?? []), k]);
  });
  const shared = new Uint16Array(clusters.length);
  const touched: number[] = [];
  for (const c of cases) {
    for (const w of c.words) {
      for (const k of byWord.get(w) ?? []) {
        if (shared[k]++ === 0) touched.push(k);
      }
    }
    for (const k of touched) {
      const cl = clusters[k];
      if (shared[k] >= minShared && (cl.township === null || cl.township === c.township)) out.get(cl.id)!.push(c.receivedMs);
      shared[k] = 0;
    }
    touched.length = 0;
  }
  return out;
}

export type Trend = 'new' | 'up' | 'down' | 'flat';

export const TREND_LABELS: Record<Trend, string> = { new: '新出现', up: '上升', down: '下降', flat: '持平' };
/** arrows beside the words (the page never says it by colour alone) */
export const TREND_ARROWS: Record<Trend, string> = { new: '★', up: '↑', down: '↓', flat: '→' };

/** the trend of a count against the window before */
export function trendOf(count: number, previous: number): Trend {
  if (previous === 0) return 'new';
  return count > previous ? 'up' : count < previous ? 'down' : 'flat';
}

const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** the Shanghai calendar day of an instant, `YYYY-MM-DD` */
export const shanghaiDay = (at: Date) => new Date(at.getTime() + SHANGHAI_MS).toISOString().slice(0, 10);
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

/** a window of whole Shanghai days, [from 00:00, the day after `to` 00:00), and the window of the same length before it */
export interface HotspotWindow {
  fromDay: string;
  toDay: string;
  from: Date;
  to: Date;
  previousFrom: Date;
  days: number;
}

/**
 * The window asked for: `from`/`to` as `YYYY-MM-DD` (both inclusive), each defaulting to the last 30
 * days ending today (Shanghai). Problems (a bad date, from after to, over a year) are returned, never
 * guessed around.
 */
export function hotspotWindow(input: { from?: unknown; to?: unknown }, now: Date): { window?: HotspotWindow; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  const day = (v: unknown, field: string, label: string): string | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' || !DAY_PATTERN.test(v) || Number.isNaN(dayStart(v).getTime()) || shanghaiDay(dayStart(v)) !== v) {
      problems.push({ field, message: `「${label}」须为日期(如 2026-03-01)` });
      return undefined;
    }
    return v;
  };
  const toGiven = day(input.to, 'to', '截止日期');
  const fromGiven = day(input.from, 'from', '起始日期');
  if (problems.length) return { problems };
  const toDay = toGiven ?? shanghaiDay(now);
  const fromDay = fromGiven ?? shanghaiDay(new Date(dayStart(toDay).getTime() - (DEFAULT_WINDOW_DAYS - 1) * DAY_MS));
  const from = dayStart(fromDay);
  const to = new Date(dayStart(toDay).getTime() + DAY_MS);
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  if (days < 1) return { problems: [{ field: 'from', message: '起始日期不能晚于截止日期' }] };
  if (days > MAX_WINDOW_DAYS) return { problems: [{ field: 'from', message: `时间段最长 ${MAX_WINDOW_DAYS} 天` }] };
  return { window: { fromDay, toDay, from, to, previousFrom: new Date(from.getTime() - days * DAY_MS), days }, problems };
}

/** one 督办 per hotspot and window: pressing 「发起督办」 again for the same is the same 督办 */
export const supervisionKey = (hotspotId: string, w: Pick<HotspotWindow, 'fromDay' | 'toDay'>) => `${hotspotId}|${w.fromDay}|${w.toDay}`;

/** the window before and the window, cut into `perWindow` equal spans each: the trend chart's bars */
export function trendSpans(w: HotspotWindow, perWindow = 3): { start: Date; end: Date; label: string; previous: boolean }[] {
  const out: { start: Date; end: Date; label: string; previous: boolean }[] = [];
  const len = (w.to.getTime() - w.from.getTime()) / perWindow;
  for (let k = 0; k < perWindow * 2; k++) {
    const start = new Date(w.previousFrom.getTime() + k * len);
    const end = new Date(w.previousFrom.getTime() + (k + 1) * len);
    out.push({ start, end, label: shanghaiDay(start).slice(5).replace('-', '/'), previous: k < perWindow });
  }
  return out;
}
