/**
 * Zeebe (Camunda 8.8) expression semantics on top of feelin. Pure: no I/O, no logging.
 *
 * - A value starting with `=` is a FEEL expression (the rest of the string); anything else is a
 *   static string, returned as is.
 * - FEEL is null-friendly, as in Camunda 8.8: a missing variable, a missing context entry, a type
 *   mismatch (`"a" + 1`) or a bad function call yields `null` (feelin reports a warning), not an
 *   error. Only a syntax error or an exception inside the interpreter throws. Callers that need a
 *   particular type (conditions, correlation keys, timers, ...) reject the `null` with a
 *   {@link FeelError} whose message carries feelin's warnings, so the cause is still visible.
 * - FEEL results are converted to JSON-able values: temporal values become their ISO-8601 text
 *   (`2026-03-05`, `10:00:00`, `2026-03-05T16:00:00Z`, `2026-03-05T16:00:00+08:00`, `P1D`, `PT5M`);
 *   a date-time in a named zone keeps feelin's form `2026-03-05T16:00:00@Asia/Shanghai`, because
 *   it is the only form feelin reads back without losing the zone (feelin silently drops a
 *   `[Asia/Shanghai]` suffix). Timers accept `@Zone`, `[Zone]` and `+08:00[Zone]`.
 * - Timers follow Zeebe's `Interval` / `RepeatingInterval`: calendar parts (years, months, days)
 *   are added in UTC, a counted cycle's start in the past fires immediately, an endless one's keeps
 *   its time of day (R/2026-01-01T08:00+08:00/P1D: the next 08:00), a missed cycle is re-anchored
 *   on the current time.
 */
// the parts, by concern: feel-values.ts (errors, types, JSON conversion), feel-evaluate.ts (evaluation),
// feel-memo.ts (reused results), feel-dates.ts (durations, date-times), feel-timers.ts, feel-mappings.ts
export { FeelError, type DurationParts, type FeelOptions, type Mapping, type TimerKind, type TimerSchedule } from './feel-values.js';
export { evaluate, evaluateCondition, evaluateList, evaluateString, isExpression } from './feel-evaluate.js';
export { createFeelMemo } from './feel-memo.js';
export { addDuration, parseDuration } from './feel-dates.js';
export { evaluateTimer, nextCycle } from './feel-timers.js';
export { applyInputMappings, applyOutputMappings } from './feel-mappings.js';
