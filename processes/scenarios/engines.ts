/**
 * One scenario suite, two engines: every regulation scenario runs on the embedded adapter, and on
 * Zeebe when a broker is reachable at ZEEBE_GRPC_ADDRESS (zeebe-probe.mjs decides once per run;
 * the broker must be started with ZEEBE_CLOCK_CONTROLLED=true, since the scenarios pin its clock).
 */
import { describe, jest } from '@jest/globals';

export type ScenarioEngine = 'embedded' | 'zeebe';

/** why the Zeebe run is skipped, or '' when it runs */
export function zeebeSkipReason(): string {
  const verdict = process.env.WZ_ZEEBE_SKIP;
  if (verdict === undefined) return process.env.ZEEBE_GRPC_ADDRESS ? 'the broker check (zeebe-probe.mjs) did not run' : 'ZEEBE_GRPC_ADDRESS is not set';
  return verdict;
}

/** `describe` once per engine: the embedded run always, the Zeebe run (or its skip, with the reason) beside it */
export function describeOnEngines(name: string, body: (engine: ScenarioEngine) => void) {
  describe(name, () => body('embedded'));
  const reason = zeebeSkipReason();
  if (reason) describe.skip(`${name} — on Zeebe (skipped: ${reason})`, () => body('zeebe'));
  else {
    // a scenario on a broker waits for it to go quiet after every step (about a second each)
    jest.setTimeout(300_000);
    describe(`${name} — on Zeebe`, () => body('zeebe'));
  }
}
