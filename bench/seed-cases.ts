/**
 * What the list benchmarks (queues, work-queue, case-list) share: a tracking code for the n-th
 * copied case, and the one petition submitted through the portal that the copies are made from.
 */
import { solveChallenge } from '../server/domain/challenge.js';
import { TRACKING_ALPHABET } from '../server/data/petitions-repository.js';
import { Browser, expectStatus } from './lifecycle/driver.js';

/** a valid tracking code (`WZ` + 8 characters of the alphabet) for n */
export function codeOf(n: number): string {
  let s = '';
  for (let i = 0; i < 8; i++, n = Math.floor(n / TRACKING_ALPHABET.length)) s = TRACKING_ALPHABET[n % TRACKING_ALPHABET.length] + s;
  return `WZ${s}`;
}

/** a citizen submits one petition on the portal (the row the benchmarks copy) */
export async function submitOnePetition(base: string): Promise<void> {
  const citizen = await new Browser(base).open();
  const challenge = await citizen.get('/api/challenge');
  const submitted = await citizen.post('/api/petitions', {
    category: 'complaint', title: '小区路灯不亮', content: '龙南镇某小区路灯已经一周不亮。', township: '360783100', agree: true,
    petitionerName: '王小明', petitionerPhone: '13900001111', challengeToken: challenge.body.token, challengeAnswer: String(solveChallenge(challenge.body.question)),
  });
  expectStatus(submitted, 201, 'submitting a petition');
}
