/**
 * Calls made at the same moment, sent as one request (issue 19): the jobs of one fetch run side by
 * side and each makes its store calls and its completion at about the same time, so a request per
 * call would cost the app an HTTP request each. `batchSender(sendBatch)` gives a function that queues
 * an item and sends what was queued in this turn of the event loop (at most `max` per request) when
 * the turn ends; each item's promise settles with its own outcome.
 */

/** one item's outcome in a batch's answer */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: Error };

export function batchSender<I, O>(sendBatch: (items: I[]) => Promise<Settled<O>[]>, max = 100): (item: I) => Promise<O> {
  let queue: { item: I; resolve: (v: O) => void; reject: (e: Error) => void }[] = [];
  let scheduled = false;

  async function sendOne(part: typeof queue) {
    let outcomes: Settled<O>[];
    try {
      outcomes = await sendBatch(part.map((q) => q.item));
      if (outcomes.length !== part.length) throw new Error(`the answer has ${outcomes.length} results for ${part.length} items`);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const q of part) q.reject(error);
      return;
    }
    part.forEach((q, i) => {
      const o = outcomes[i];
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }

  function flush() {
    scheduled = false;
    const all = queue;
    queue = [];
    for (let i = 0; i < all.length; i += max) void sendOne(all.slice(i, i + max));
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        // after the callers of this turn (their promise chains included) have queued theirs
        setImmediate(flush);
      }
    });
}
