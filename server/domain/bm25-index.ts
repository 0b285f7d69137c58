/**
 * An in-memory inverted index scored with BM25+ (Lv & Zhai 2011; the parameters minisearch uses:
 * k1 1.2, b 0.7, δ 0.5), over documents of a few fields of pre-cut terms. Made for the knowledge
 * base (issue 17): with 100,000 entries that share a small vocabulary (a few hundred words: every
 * entry says 办理, 材料, a township), a query's words are in tens of thousands of entries each. A
 * general-purpose library (minisearch 7.2, tried first) builds a result object per matching entry,
 * merges maps term by term and sorts them all — a median of 0.4 s a query (p99 1.5 s) on the bench's
 * 100,000 entries on the shared two-core machine; this one adds into one reused array of scores and
 * keeps the best k: 2 ms (p99 < 10 ms) on the same machine.
 *
 * Postings are growable Int32Arrays of (document slot << 8 | term frequency ≤ 255). A removed
 * document's slot is marked dead and skipped; the postings are compacted when a quarter is dead.
 */

const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
const TF_BITS = 8;
const TF_MAX = (1 << TF_BITS) - 1;

class Postings {
  data = new Int32Array(4);
  length = 0;
  push(slot: number, tf: number) {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = (slot << TF_BITS) | Math.min(tf, TF_MAX);
  }
}

export interface ScoredSlot {
  key: string;
  score: number;
}

export class Bm25Index {
  private readonly fields: number;
  /** per field: term → postings */
  private readonly postings: Map<string, Postings>[];
  private readonly keys: (string | undefined)[] = [];
  private readonly slotOf = new Map<string, number>();
  /** per slot and field: the number of terms (0 for a dead slot) */
  private lengths = new Uint16Array(64);
  private readonly totalLength: number[];
  private dead = 0;
  private scores = new Float64Array(64);
  private touched = new Int32Array(64);

  constructor(fields: number) {
    this.fields = fields;
    this.postings = Array.from({ length: fields }, () => new Map());
    this.totalLength = Array(fields).fill(0);
  }

  get size(): number {
    return this.slotOf.size;
  }

  has(key: string): boolean {
    return this.slotOf.has(key);
  }

  /** the number of live and dead documents a term's postings hold in a field (its document frequency) */
  docsWith(term: string, field: number): number {
    return this.postings[field].get(term)?.length ?? 0;
  }

  /** adds a document (replacing one of the same key): its terms per field */
  add(key: string, fieldTerms: readonly (readonly string[])[]) {
    this.remove(key);
    const slot = this.keys.length;
    this.keys.push(key);
    this.slotOf.set(key, slot);
    if ((slot + 1) * this.fields > this.lengths.length) {
      const next = new Uint16Array(this.lengths.length * 2);
      next.set(this.lengths);
      this.lengths = next;
    }
    for (let f = 0; f < this.fields; f++) {
      const terms = fieldTerms[f] ?? [];
      const tf = new Map<string, number>();
      for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, n] of tf) {
        let p = this.postings[f].get(t);
        if (!p) this.postings[f].set(t, (p = new Postings()));
        p.push(slot, n);
      }
      const len = Math.min(terms.length, 0xffff);
      this.lengths[slot * this.fields + f] = len;
      this.totalLength[f] += len;
    }
  }

  remove(key: string) {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    this.keys[slot] = undefined;
    for (let f = 0; f < this.fields; f++) this.totalLength[f] -= this.lengths[slot * this.fields + f];
    this.dead++;
    if (this.dead > 1000 && this.dead * 4 > this.keys.length) this.compact();
  }

  /** drops dead slots from the postings (slots keep their numbers) */
  private compact() {
    for (const byTerm of this.postings)
      for (const [t, p] of byTerm) {
        let w = 0;
        for (let i = 0; i < p.length; i++) if (this.keys[p.data[i] >> TF_BITS] !== undefined) p.data[w++] = p.data[i];
        p.length = w;
        if (!w) byTerm.delete(t);
      }
    this.dead = 0;
  }

  /**
   * The best `limit` documents for weighted terms: Σ over fields and terms of boost(field) × weight
   * × BM25+(term, field); `accept` filters by key. Best first; ties by the order they were added.
   */
  search(terms: ReadonlyMap<string, number>, boosts: readonly number[], limit: number, accept?: (key: string) => boolean): ScoredSlot[] {
    const slots = this.keys.length;
    if (this.scores.length < slots) {
      this.scores = new Float64Array(slots * 2);
      this.touched = new Int32Array(slots * 2);
    }
    const docs = this.slotOf.size;
    if (!docs) return [];
    const { scores, touched, lengths, keys } = this;
    let nTouched = 0;
    for (let f = 0; f < this.fields; f++) {
      const boost = boosts[f] ?? 1;
      if (!boost) continue;
      const avg = this.totalLength[f] / docs || 1;
      for (const [term, weight] of terms) {
        const p = this.postings[f].get(term);
        if (!p) continue;
        const df = Math.min(p.length, docs);
        const idf = Math.log(1 + (docs - df + 0.5) / (df + 0.5));
        const w = boost * weight * idf;
        const { data, length } = p;
        for (let i = 0; i < length; i++) {
          const slot = data[i] >> TF_BITS;
          if (keys[slot] === undefined) continue;
          const tf = data[i] & TF_MAX;
          const norm = K1 * (1 - B + (B * lengths[slot * this.fields + f]) / avg);
          const s = w * (DELTA + (tf * (K1 + 1)) / (tf + norm));
          if (scores[slot] === 0) touched[nTouched++] = slot;
          scores[slot] += s;
        }
      }
    }
    // the best `limit`, kept sorted in a small array
    const best: { slot: number; score: number }[] = [];
    for (let i = 0; i < nTouched; i++) {
      const slot = touched[i];
      const score = scores[slot];
      scores[slot] = 0;
      const last = best[limit - 1];
      if (best.length === limit && (score < last.score || (score === last.score && slot > last.slot))) continue;
      if (accept && !accept(keys[slot] as string)) continue;
      let at = best.length;
      while (at > 0 && (best[at - 1].score < score || (best[at - 1].score === score && best[at - 1].slot > slot))) at--;
      best.splice(at, 0, { slot, score });
      if (best.length > limit) best.pop();
    }
    return best.map((b) => ({ key: keys[b.slot] as string, score: b.score }));
  }
}
