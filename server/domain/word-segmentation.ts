/**
 * Chinese word segmentation for similar petitions (issue 15), with jieba (`@node-rs/jieba`: a
 * maintained segmenter with its dictionary, prebuilt native code). Its dictionary takes a few hundred
 * milliseconds to load: built once, on the first text, not at start-up.
 */
import { createRequire } from 'node:module';

interface Segmenter {
  cut(text: string, hmm?: boolean): string[];
  tag(text: string, hmm?: boolean): { word: string; tag: string }[];
}

const require = createRequire(import.meta.url);
let segmenter: Segmenter | undefined;

function jieba(): Segmenter {
  if (!segmenter) {
    // the package is CommonJS (a native addon): required, not imported
    const { Jieba } = require('@node-rs/jieba') as { Jieba: { withDict(dict: Uint8Array): Segmenter } };
    const { dict } = require('@node-rs/jieba/dict') as { dict: Uint8Array };
    segmenter = Jieba.withDict(dict);
  }
  return segmenter;
}

/** the words of a text, in order (punctuation included: the keyword rules drop it) */
export function segmentWords(text: string): string[] {
  return text ? jieba().cut(text, true) : [];
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
