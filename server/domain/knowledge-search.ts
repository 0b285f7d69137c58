/**
 * The knowledge base's search index (issue 17): BM25+ over jieba's words (minisearch), questions
 * weighing more than answers, the office's synonyms expanding a query. A first version: the search
 * work replaces it.
 */
import MiniSearch from 'minisearch';
import { segmentWords } from './word-segmentation.js';

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
  replace(entry: IndexedEntry): void;
  remove(id: string): void;
  has(id: string): boolean;
  readonly size: number;
  setSynonyms(groups: readonly (readonly string[])[]): void;
  search(query: string, opts?: { limit?: number; category?: string; township?: string }): KnowledgeHit[];
}

const WORD = /[\p{L}\p{N}]/u;

/** the words of a text as the index stores them: lower-cased, punctuation dropped, space-separated */
export function indexTerms(text: string): string {
  return segmentWords(text)
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w && WORD.test(w))
    .join(' ');
}

export function createKnowledgeIndex(): KnowledgeIndex {
  const ms = new MiniSearch<IndexedEntry>({
    fields: ['questionTerms', 'answerTerms'],
    storeFields: ['categories', 'townships'],
    tokenize: (t) => t.split(' '),
  });
  let synonyms = new Map<string, string[]>();
  return {
    replace(entry) {
      if (ms.has(entry.id)) ms.discard(entry.id);
      ms.add(entry);
    },
    remove(id) {
      if (ms.has(id)) ms.discard(id);
    },
    has: (id) => ms.has(id),
    get size() {
      return ms.documentCount;
    },
    setSynonyms(groups) {
      synonyms = new Map();
      // a query word of a group also looks for the others' words (a phrase such as 灵活就业 by its words)
      for (const g of groups) for (const w of g) synonyms.set(w, g.filter((x) => x !== w).flatMap((x) => indexTerms(x).split(' ').filter(Boolean)));
    },
    search(query, opts = {}) {
      const terms = indexTerms(query).split(' ').filter(Boolean);
      if (!terms.length) return [];
      const expanded = [...new Set(terms.flatMap((t) => [t, ...(synonyms.get(t) ?? [])]))];
      const hits = ms.search(expanded.join(' '), {
        boost: { questionTerms: 2 },
        tokenize: (t) => t.split(' '),
        filter: (r) => (!opts.category || (r.categories as string[]).includes(opts.category)) && (!opts.township || (r.townships as string[]).length === 0 || (r.townships as string[]).includes(opts.township)),
      });
      return hits.slice(0, opts.limit ?? 10).map((h) => ({ id: String(h.id), score: h.score }));
    },
  };
}
