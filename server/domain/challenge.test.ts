import { describe, it, expect } from '@jest/globals';
import { createChallenges, solveChallenge } from './challenge.js';

describe('the portal challenge against bots', () => {
  const clock = { t: new Date('2026-03-02T01:00:00Z'), now() { return this.t; } };
  const challenges = createChallenges('a secret of the test', clock);

  it('given a question, when answered right once, then it passes; again, wrong, or forged, it does not', async () => {
    const c = challenges.issue();
    expect(c.question).toMatch(/^.加.等于几/);
    const answer = solveChallenge(c.question);
    expect(await challenges.verify(c.token, String(answer + 1))).toBe(false);
    expect(await challenges.verify(c.token, ` ${answer} `)).toBe(true);
    expect(await challenges.verify(c.token, String(answer))).toBe(false);
    const other = challenges.issue();
    const [payload] = other.token.split('.');
    expect(await challenges.verify(`${payload}.${'A'.repeat(43)}`, solveChallenge(other.question))).toBe(false);
    expect(await createChallenges('another secret', clock).verify(other.token, solveChallenge(other.question))).toBe(false);
    expect(await challenges.verify(undefined, 3)).toBe(false);
  });

  it('given a question older than 30 minutes, when answered, then it is refused', async () => {
    const c = challenges.issue();
    clock.t = new Date(clock.t.getTime() + 30 * 60_000 + 1);
    expect(await challenges.verify(c.token, solveChallenge(c.question))).toBe(false);
  });
});
