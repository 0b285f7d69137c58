/**
 * A readable difference between two versions of a text (the knowledge base's history, issue 17):
 * Chinese has no spaces, so the texts are cut into words by jieba and compared word by word (a
 * character-level comparison scatters single characters over the page). The common beginning and
 * end are taken off first (an edit is mostly local); what is left is compared by a longest common
 * subsequence, or, when both middles are very long, shown as removed and added whole.
 */
import { segmentWords } from './word-segmentation.js';

export type DiffOp = 'same' | 'del' | 'ins';
export interface DiffPart {
  op: DiffOp;
  text: string;
}

/** above this many cells the table of the comparison would take too much memory: removed and added whole */
const MAX_CELLS = 2_000_000;

function lcs(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  if (!n || !m || n * m > MAX_CELLS) return [...(n ? [{ op: 'del' as const, text: a.join('') }] : []), ...(m ? [{ op: 'ins' as const, text: b.join('') }] : [])];
  // lengths of the common subsequences of the suffixes a[i..], b[j..]
  const w = m + 1;
  const t = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) t[i * w + j] = a[i] === b[j] ? t[(i + 1) * w + j + 1] + 1 : Math.max(t[(i + 1) * w + j], t[i * w + j + 1]);
  const out: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i++] });
      j++;
    } else if (t[(i + 1) * w + j] >= t[i * w + j + 1]) out.push({ op: 'del', text: a[i++] });
    else out.push({ op: 'ins', text: b[j++] });
  }
  while (i < n) out.push({ op: 'del', text: a[i++] });
  while (j < m) out.push({ op: 'ins', text: b[j++] });
  return out;
}

/** neighbouring parts of one kind joined; within a changed stretch, what was removed before what was added */
function tidy(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) out.push({ op: 'del', text: del });
    if (ins) out.push({ op: 'ins', text: ins });
    del = ins = '';
  };
  for (const p of parts) {
    if (p.op === 'del') del += p.text;
    else if (p.op === 'ins') ins += p.text;
    else {
      flush();
      const last = out[out.length - 1];
      if (last?.op === 'same') last.text += p.text;
      else out.push({ ...p });
    }
  }
  flush();
  return out;
}

/** the parts of `after` and `before` in order: unchanged, removed (from before), added (in after) */
export function diffText(before: string, after: string): DiffPart[] {
  if (before === after) return before ? [{ op: 'same', text: before }] : [];
  const a = segmentWords(before);
  const b = segmentWords(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const head = a.slice(0, start).join('');
  const tail = a.slice(a.length - end).join('');
  const middle = lcs(a.slice(start, a.length - end), b.slice(start, b.length - end));
  return tidy([...(head ? [{ op: 'same' as const, text: head }] : []), ...middle, ...(tail ? [{ op: 'same' as const, text: tail }] : [])]);
}
