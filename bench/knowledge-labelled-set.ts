/**
 * The labelled set of the knowledge bench (issue 17): paraphrased questions made FROM the corpus's
 * entries, each labelled with its source entry's id (the answer a search should find). A seeded
 * random sample of SAMPLE entries of the 100,000; every paraphrase made is kept (none picked by hand).
 * The paraphrase rules know nothing of how entries were generated (bench/knowledge-corpus.ts):
 *  - words of the office's synonym groups (bench/knowledge-synonyms.ts) are swapped for another word
 *    of their group, each with probability 0.6 (longest word first, no word swapped twice);
 *  - two clauses around a comma swap places; a leading place name moves to the end ("…,我在杨村");
 *  - particles (的 了 吗 呢) are dropped; colloquial openings (请问, 我想问一下 …) and endings (怎么办呀,
 *    谢谢 …) are added.
 * Regenerate: `npm run knowledge-labelled` (writes bench/data/knowledge-labelled.json).
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knowledgeCorpus, type CorpusEntry } from './knowledge-corpus.js';
import { prng } from './prng.js';
import { KNOWLEDGE_SYNONYM_GROUPS } from './knowledge-synonyms.js';

export const LABELLED_SEED = 17_0500;
export const LABELLED_SAMPLE = 500;
export const LABELLED_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'data', 'knowledge-labelled.json');

export interface LabelledQuestion {
  question: string;
  expected: string;
  /** the entry's own question, to read the paraphrase against */
  source: string;
}

const OPENINGS = ['请问', '我想问一下,', '你好,', '麻烦问下', '想咨询一下', '您好,请问', '问一下', '我想了解'];
const ENDINGS = ['怎么办呀', ',谢谢', ',急!', ',有人知道吗', '?', '啊?', '呢?', ',麻烦告诉我'];
const PARTICLES = /[的了吗呢]/g;
const PLACES = KNOWLEDGE_SYNONYM_GROUPS.filter((g) => /[镇乡市]$/.test(g[0])).flat();

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** the synonym swaps: at each position the longest word of a group, swapped with probability 0.6 */
function swapSynonyms(text: string, rnd: () => number): string {
  const words = KNOWLEDGE_SYNONYM_GROUPS.flatMap((g) => g.map((w) => ({ w, others: g.filter((o) => o !== w) }))).sort((a, b) => b.w.length - a.w.length);
  let out = '';
  for (let i = 0; i < text.length; ) {
    const hit = words.find((x) => text.startsWith(x.w, i));
    if (!hit) {
      out += text[i++];
      continue;
    }
    out += rnd() < 0.6 ? pick(rnd, hit.others) : hit.w;
    i += hit.w.length;
  }
  return out;
}

function reorder(text: string, rnd: () => number): string {
  const comma = text.indexOf(',');
  if (comma > 0 && rnd() < 0.5) return `${text.slice(comma + 1)},${text.slice(0, comma)}`;
  const place = PLACES.filter((p) => text.startsWith(p)).sort((a, b) => b.length - a.length)[0];
  if (place && comma < 0 && rnd() < 0.4) return `${text.slice(place.length)},我在${place}`;
  return text;
}

export function paraphrase(question: string, rnd: () => number): string {
  let q = question.replace(/[??]+$/, '');
  q = swapSynonyms(q, rnd);
  q = reorder(q, rnd);
  if (rnd() < 0.5) q = q.replace(PARTICLES, '');
  if (rnd() < 0.6) q = pick(rnd, OPENINGS) + q;
  if (rnd() < 0.5) q += pick(rnd, ENDINGS);
  return q;
}

/** the labelled questions of a corpus: a seeded sample, one paraphrase each */
export function labelledSet(corpus: readonly CorpusEntry[], sample = LABELLED_SAMPLE, seed = LABELLED_SEED): LabelledQuestion[] {
  const rnd = prng(seed);
  const chosen = new Set<number>();
  while (chosen.size < Math.min(sample, corpus.length)) chosen.add(Math.floor(rnd() * corpus.length));
  return [...chosen].map((i) => ({ question: paraphrase(corpus[i].question, rnd), expected: corpus[i].id, source: corpus[i].question }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const questions = labelledSet(knowledgeCorpus());
  mkdirSync(dirname(LABELLED_FILE), { recursive: true });
  writeFileSync(LABELLED_FILE, `${JSON.stringify({ corpus: 'bench/knowledge-corpus.ts knowledgeCorpus(100000)', seed: LABELLED_SEED, questions }, null, 1)}\n`);
  process.stdout.write(`${questions.length} labelled questions → ${LABELLED_FILE}\n`);
}
