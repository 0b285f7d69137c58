/**
 * Chinese word segmentation for similar petitions (issue 15) and hotspots (第二十三条(二)), with jieba
 * (`@node-rs/jieba`: a maintained segmenter with its dictionary, prebuilt native code). Its dictionary
 * takes a few hundred milliseconds to load: built once, on the first text, not at start-up. Longnan's
 * place names are added to it: without them "杨村镇中心小学" cuts into 杨 / 村镇 / 中心小学.
 */
import { createRequire } from 'node:module';
import { PLACE_WORDS } from '../../regulation/hotspots.js';

interface Segmenter {
  cut(text: string, hmm?: boolean): string[];
  cutForSearch(text: string, hmm?: boolean): string[];
  tag(text: string, hmm?: boolean): { word: string; tag: string }[];
  loadDict(dict: Uint8Array): void;
}

interface KeywordExtractor {
  extractKeywords(jieba: Segmenter, text: string, topK: number, allowedPos?: string[]): { keyword: string; weight: number }[];
}

const require = createRequire(import.meta.url);
let segmenter: Segmenter | undefined;
let extractor: KeywordExtractor | undefined;

function jieba(): Segmenter {
  if (!segmenter) {
    // the package is CommonJS (a native addon): required, not imported
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): Segmenter } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    segmenter = Jieba.withDict(dict);
    // a frequency high enough that the name wins over the dictionary's splits, tagged as a place (ns)
    segmenter.loadDict(Buffer.from(PLACE_WORDS.map((w) => `${w} 100000 ns`).join('\n')));
  }
  return segmenter;
}

function tfIdf(): KeywordExtractor {
  if (!extractor) {
    const { TfIdf } = require('@node-rs/jieba') as { TfIdf: { withDict(idf: Uint8Array): KeywordExtractor } };
    const { idf } = require('@node-rs/jieba/dict') as { idf: Uint8Array };
    extractor = TfIdf.withDict(idf);
  }
  return extractor;
}

/** the words of a text, in order (punctuation included: the keyword rules drop it) */
export function segmentWords(text: string): string[] {
  return text ? jieba().cut(text, true) : [];
}

/**
 * The words of a text for a search index (jieba's search mode): a long word is followed by the
 * dictionary words inside it (居民身份证 → 居民, 身份, 身份证, 居民身份证), so that "身份证" finds it.
 */
export function searchWords(text: string): string[] {
  return text ? jieba().cutForSearch(text, true) : [];
}

/**
 * The words that name the matter: nouns, verbs, idioms and the words the dictionary does not know
 * (mostly village and street names, tagged x). Adjectives, adverbs, times and numbers ("坏了三个月",
 * "很不方便") are how people tell it, and differ between two people telling the same matter.
 */
const CONTENT_TAG = /^(n|v|i|l|j|x|eng)/;

export function contentWords(text: string): string[] {
  return text ? jieba().tag(text, true).filter((w) => CONTENT_TAG.test(w.tag)).map((w) => w.word) : [];
}

/** the parts of speech of CONTENT_TAG, spelled out for the TF-IDF extractor (it matches tags exactly) */
const CONTENT_POS = ['n', 'nr', 'nrt', 'nrfg', 'ns', 'nt', 'nz', 'ng', 'v', 'vn', 'vd', 'vg', 'vi', 'i', 'l', 'j', 'x', 'eng'];

/**
 * The content words of a text ranked by TF-IDF (jieba's IDF table: a word rare in Chinese at large
 * but repeated in the petition ranks first), best first, at most `topK`. Stop words are the caller's
 * rule (regulation/hotspots.ts `petitionKeywords`): ask for more than you keep.
 */
export function rankedWords(text: string, topK: number): { word: string; weight: number }[] {
  if (!text) return [];
  return tfIdf()
    .extractKeywords(jieba(), text, topK, CONTENT_POS)
    .map((k) => ({ word: k.keyword, weight: k.weight }));
}
