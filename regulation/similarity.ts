/**
 * Similar petitions at screening (issue 15): whether a petition looks like one already on the
 * platform, so that the screener may merge (归并) them and one case answers every petitioner. Plain
 * rules only: the words come in already segmented (the server runs the Chinese word segmenter), and
 * out come the keywords, a score and the reasons the screener is shown. Never the phone or the name:
 * a shared phone is a flag the caller found through the blind index, shown as "同一手机号".
 */

/** days before and after a petition in which another counts as a candidate */
export const SIMILAR_WINDOW_DAYS = 30;

/**
 * The cosine (Ochiai) coefficient of the keyword sets from which two texts of the same township are
 * "similar". Two people describing the same broken street light share few words (路灯 and little
 * else: 0.35 in the test), unrelated matters of one township share none or one common word (≤ 0.2
 * there): 0.3 separates them, and a shared word in a long text alone stays below it.
 */
export const TEXT_THRESHOLD = 0.3;

/**
 * Words that say nothing about the matter: how petitions ask (请, 希望, 反映), time, degree and
 * pronouns. Single characters are dropped anyway.
 */
const STOP_WORDS = new Set(
  (
    '我们 你们 他们 她们 自己 大家 这个 那个 这些 那些 这里 那里 这样 那样 什么 怎么 为什么 如何 哪里 ' +
    '一个 一些 一直 一下 已经 还是 还有 就是 但是 而且 并且 或者 因为 所以 如果 虽然 可是 然后 以及 以后 之后 之前 ' +
    '现在 目前 今天 昨天 明天 今年 去年 每天 时候 时间 最近 近期 长期 多次 多年 一年 三个 两个 几个 ' +
    '没有 不是 可以 能够 需要 应该 希望 要求 请求 恳请 麻烦 尽快 及时 马上 赶紧 立即 非常 十分 特别 严重 ' +
    '问题 情况 事情 反映 投诉 举报 咨询 建议 求助 相关 有关 部门 领导 政府 处理 解决 帮助 回复 答复 谢谢 感谢 ' +
    '您好 你好 请问 一样 存在 出现 造成 导致 影响 进行 发现 知道 觉得 认为 表示 以上 以下 其中 其他 另外'
  ).split(/\s+/),
);

/** punctuation, digits and Latin letters alone are not words of the matter */
const NOT_A_WORD = /^[\p{P}\p{S}\p{N}\s\p{Script=Latin}]+$/u;

/**
 * The keywords of a segmented text (title and content): unique words of two or more characters that
 * are not stop words, punctuation or numbers. `extraStop` are words to ignore as well (the
 * township's own name: every petition of the township names it).
 */
export function keywords(tokens: readonly string[], extraStop: readonly string[] = []): string[] {
  const extra = new Set(extraStop);
  const out = new Set<string>();
  for (const raw of tokens) {
    const t = raw.trim();
    if ([...t].length < 2 || NOT_A_WORD.test(t) || STOP_WORDS.has(t) || extra.has(t)) continue;
    out.add(t);
  }
  return [...out];
}

/** the cosine (Ochiai) coefficient of two keyword sets: shared / √(|a|·|b|), 0 when either is empty */
export function textSimilarity(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 || sb.size === 0) return 0;
  let shared = 0;
  for (const w of sa) if (sb.has(w)) shared++;
  return shared / Math.sqrt(sa.size * sb.size);
}

export type SimilarReason = 'same-phone' | 'similar-text';

export const SIMILAR_REASON_LABELS: Record<SimilarReason, string> = {
  'same-phone': '同一手机号',
  'similar-text': '同一乡镇且内容相近',
};

export interface SimilarityInput {
  /** the two petitions' petitioners have the same phone (the blind index matched) */
  samePhone: boolean;
  /** both happened in the same township */
  sameTownship: boolean;
  keywords: readonly string[];
  otherKeywords: readonly string[];
}

export interface SimilarityResult {
  /** candidates sort by it: a shared phone first, then by text similarity */
  score: number;
  /** the text similarity, rounded to two decimals */
  textScore: number;
  reasons: SimilarReason[];
  /** the keywords both share (what the screener reads to judge) */
  shared: string[];
}

/** whether and why another petition is a candidate to merge with; `undefined` when it is not */
export function scoreSimilar(input: SimilarityInput): SimilarityResult | undefined {
  const textScore = Math.round(textSimilarity(input.keywords, input.otherKeywords) * 100) / 100;
  const reasons: SimilarReason[] = [];
  if (input.samePhone) reasons.push('same-phone');
  if (input.sameTownship && textScore >= TEXT_THRESHOLD) reasons.push('similar-text');
  if (reasons.length === 0) return undefined;
  const other = new Set(input.otherKeywords);
  return { score: (input.samePhone ? 1 : 0) + textScore, textScore, reasons, shared: [...new Set(input.keywords)].filter((w) => other.has(w)) };
}

/** the reasons as the screener reads them */
export function reasonText(result: Pick<SimilarityResult, 'reasons' | 'textScore'>): string {
  return result.reasons.map((r) => (r === 'similar-text' ? `${SIMILAR_REASON_LABELS[r]}(相似度 ${result.textScore.toFixed(2)})` : SIMILAR_REASON_LABELS[r])).join(';');
}
