/**
 * The knowledge base's search (issue 17): an in-memory BM25+ index (./bm25-index.ts) of the published
 * entries, Chinese cut by jieba in its search mode (a long word also gives the words inside it:
 * 居民身份证 → 身份证). Entries are indexed from their stored terms (question_terms / answer_terms,
 * written at each save), so that loading 100,000 entries never re-runs the segmenter.
 *
 * Ranking: a match in the question weighs more than one in the answer (which counts for the words a
 * question does not say); words of the office's synonym groups (户口 户籍 落户) found in the query
 * also search the other words of their group, a little lower; words that say nothing (请问, 一下, 的, punctuation) are dropped on both sides; a single
 * character that is left (办, 证, 钱) counts for less — mostly it is a fragment or a filler.
 */
import { Bm25Index } from './bm25-index.js';
import { searchWords } from './word-segmentation.js';

/** the terms of a text as stored in question_terms / answer_terms (jieba, lower-cased, punctuation dropped) */
export function indexTerms(text: string): string {
  const out: string[] = [];
  for (const w of searchWords(text.normalize('NFKC').toLowerCase())) {
    const t = w.trim();
    if (t && WORD.test(t)) out.push(t);
  }
  return out.join(' ');
}

export interface IndexedEntry {
  id: string;
  questionTerms: string;
  answerTerms: string;
  categories: string[];
  townships: string[];
}
export interface KnowledgeHit {
  id: string;
  score: number;
}
export interface KnowledgeIndex {
  /** add or replace (published entries only are put in) */
  replace(entry: IndexedEntry): void;
  /** absent: no-op */
  remove(id: string): void;
  has(id: string): boolean;
  readonly size: number;
  /** query-time expansion; no re-index */
  setSynonyms(groups: readonly (readonly string[])[]): void;
  /** best first */
  /** best first; `minShare`: leave out hits scoring below this share of the best one's score */
  search(query: string, opts?: { limit?: number; category?: string; township?: string; minShare?: number }): KnowledgeHit[];
}

/** a term holds a letter or a digit: punctuation and symbols alone are not words */
const WORD = /[\p{L}\p{N}]/u;

/**
 * How people ask, not what: particles, pronouns, greetings and fillers ("请问我想问一下…怎么办呀").
 * Question words that tell the aspect apart (哪里, 多久, 多少) are kept.
 */
export const KNOWLEDGE_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    '的 了 吗 呢 呀 啊 吧 嘛 哦 哈 啦 么 哇 噢 嗯 着 过 地 得 之 所 把 被 给 让 对 向 从 于 在 到 去 来 ' +
    '是 有 和 与 及 或 而 就 都 也 还 又 再 才 很 太 挺 些 这 那 个 啥 咋 ' +
    '我 你 您 他 她 它 我们 你们 他们 咱们 自己 本人 俺 ' +
    '请 请问 问 问下 问问 问一下 一下 想 想问 想要 想知道 知道 咨询 了解 麻烦 谢谢 感谢 你好 您好 急 在线 等 ' +
    '一个 这个 那个 这种 那种 什么 怎么 怎样 怎么样 如何 怎么办 为什么 是不是 是否 可不可以 能不能 ' +
    '一般 大概 具体 现在 目前 应该 的话 如果 然后 还是 或者 以及 情况 问题 一些'
  ).split(/\s+/),
);

/**
 * A word found in the question counts ten times one found in the answer: answers repeat the place,
 * the matter and the person's situation, so with answers weighed more, the entries of the same
 * matter that ask something else (在哪里办 instead of 多久办结) outranked the one asked for.
 */
const QUESTION_BOOST = 3;
const ANSWER_BOOST = 0.3;
/** a synonym counts a little less than the word the person used */
const SYNONYM_WEIGHT = 0.7;
/** a single character left after the stop words: often a fragment of an unknown word or a filler */
const SINGLE_CHAR_WEIGHT = 0.4;
/** a petition's text can be long: its first words are enough to find the matter, and keep it quick */
const MAX_QUERY_TERMS = 40;
const DEFAULT_LIMIT = 10;

const keep = (t: string) => t.length > 0 && !KNOWLEDGE_STOP_WORDS.has(t) && WORD.test(t);
const splitTerms = (terms: string) => terms.split(' ').filter(keep);

export function createKnowledgeIndex(): KnowledgeIndex {
  // field 0: the question's terms, 1: the answer's (and basis')
  const index = new Bm25Index(2);
  const facets = new Map<string, { categories: readonly string[]; townships: readonly string[] }>();
  /** a synonym's terms (as the query's would be cut) → the other members' terms */
  let synonyms: { terms: string[]; others: string[][] }[] = [];

  /** the query's terms with the synonyms they call up, and the weight of each */
  function expand(query: string): Map<string, number> {
    const terms = [...new Set(splitTerms(indexTerms(query)))].slice(0, MAX_QUERY_TERMS);
    const weights = new Map<string, number>();
    for (const t of terms) weights.set(t, [...t].length === 1 ? SINGLE_CHAR_WEIGHT : 1);
    const asked = new Set(terms);
    for (const s of synonyms) {
      if (!s.terms.every((t) => asked.has(t))) continue;
      for (const other of s.others)
        for (const t of other) if (!weights.has(t)) weights.set(t, ([...t].length === 1 ? SINGLE_CHAR_WEIGHT : 1) * SYNONYM_WEIGHT);
    }
    return weights;
  }

  return {
    replace(entry) {
      index.add(entry.id, [splitTerms(entry.questionTerms), splitTerms(entry.answerTerms)]);
      facets.set(entry.id, { categories: [...entry.categories], townships: [...entry.townships] });
    },
    remove(id) {
      index.remove(id);
      facets.delete(id);
    },
    has: (id) => index.has(id),
    get size() {
      return index.size;
    },
    setSynonyms(groups) {
      const next: typeof synonyms = [];
      for (const group of groups) {
        const members = [...new Set(group.map((w) => splitTerms(indexTerms(w))).filter((t) => t.length).map((t) => t.join(' ')))].map((t) => t.split(' '));
        if (members.length < 2) continue;
        for (const m of members) next.push({ terms: m, others: members.filter((o) => o !== m) });
      }
      synonyms = next;
    },
    search(query, opts = {}) {
      const weights = expand(query);
      if (!weights.size) return [];
      const { category, township } = opts;
      const accept =
        category || township
          ? (id: string) => {
              const f = facets.get(id);
              // an entry of no township is the whole city's: it answers in every township (of no category: in every category)
              return !!f && (!category || !f.categories.length || f.categories.includes(category)) && (!township || !f.townships.length || f.townships.includes(township));
            }
          : undefined;
      const limit = Math.max(1, Math.min(opts.limit ?? DEFAULT_LIMIT, 100));
      const hits = index.search(weights, [QUESTION_BOOST, ANSWER_BOOST], limit, accept);
      // suggestions offered unasked: an entry far below the best one shares a common word, not the matter
      const floor = opts.minShare && hits.length ? hits[0].score * opts.minShare : 0;
      return hits.filter((h) => h.score >= floor).map((h) => ({ id: h.key, score: Number(h.score.toFixed(4)) }));
    },
  };
}
