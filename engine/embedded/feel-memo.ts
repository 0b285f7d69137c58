/**
 * FEEL results reused: feelin parses an expression at every evaluation, and the same conditions
 * (gateways, form rules) are evaluated again and again on the same values. An expression's result
 * can depend only on the context entries its words name, so those values key the result. Only a
 * primitive result (a condition's boolean, a string, a number, null) is kept, and only when every
 * context key is a plain name (FEEL names may hold spaces: `a b` would not be one of the words).
 */
export function createFeelMemo(max = 5_000) {
  const WORD = /[A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*/g;
  const PLAIN = /^[A-Za-z_$\u00C0-\uFFFF][\w$\u00C0-\uFFFF]*$/;
  const wordsOf = new Map<string, string[]>();
  const results = new Map<string, { value: unknown; warnings: { message: string }[] }>();
  const bounded = <K, V>(map: Map<K, V>, key: K, value: V) => {
    if (map.size >= max) map.delete(map.keys().next().value as K);
    map.set(key, value);
  };
  return function memo<R extends { value: unknown; warnings: { message: string }[] }>(expression: string, context: Record<string, unknown>, compute: () => R): R {
    let words = wordsOf.get(expression);
    if (!words) {
      // a string literal names nothing
      words = [...new Set(expression.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(WORD) ?? [])];
      bounded(wordsOf, expression, words);
    }
    for (const k in context) if (!PLAIN.test(k)) return compute();
    let key: string;
    try {
      key = `${expression}\u0000${JSON.stringify(words.map((w) => (Object.hasOwn(context, w) ? context[w] : null)))}`;
    } catch {
      return compute();
    }
    const hit = results.get(key);
    if (hit) return hit as R;
    const result = compute();
    const v = result.value;
    if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') bounded(results, key, result);
    return result;
  };
}
