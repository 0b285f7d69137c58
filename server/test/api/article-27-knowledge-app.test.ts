/**
 * 第二十七条 考核 counts each unit's 知识库 upkeep (issue 17), through the app on the fake clock: the
 * quarter of two townships (assessment-steps.ts) is assessed — 龙南镇 70, 东江乡 58.5. Then their
 * knowledge entries' first quarter is written into the base (the repository, as the review process
 * would leave it: the test seeds history, it does not run the review): 龙南镇 published two entries
 * (one twice), 东江乡 renewed one expired entry in time and let another lapse; a third expiry's grace
 * ends after the quarter. The next assessment of the quarter (edition 2) scores the upkeep through the
 * office's decision table: 龙南镇 70 + 2 × 0.5 = 71, 东江乡 58.5 + 0.5 − 1 = 58.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createTestApp, type Person, type TestApp } from '../app-harness.js';
import { firstQuarterOfTwoTownships } from './assessment-steps.js';
import { createKnowledgeRepository, type KnowledgeRepository } from '../../data/knowledge-repository.js';
import type { KnowledgeAction, KnowledgeStatus } from '../../../regulation/knowledge.js';

interface UnitRow {
  unitId: string;
  unitName: string;
  score: number | null;
  rank: number | null;
  figures: { knowledge?: { kept: number; lapsed: number } };
}

describe('第二十七条 考核 counts the 知识库 upkeep', () => {
  let h: TestApp;
  let reviewer: Person;
  let repo: KnowledgeRepository;

  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T01:00:00.000Z' });
    await firstQuarterOfTwoTownships(h);
    reviewer = await h.signIn('reviewer');
    repo = createKnowledgeRepository(h.t.db);
  }, 300_000);
  afterAll(() => h.close());

  async function assess() {
    const res = await reviewer.post('/api/assessments', { period: '2026-Q1' });
    expect(res.status).toBe(202);
    await h.settle();
    const done = await reviewer.get(`/api/assessments/${res.body.id}`).expect(200);
    expect(done.body.state).toBe('done');
    return done.body as { id: string; edition: number; units: UnitRow[] };
  }

  /** an entry of `unit` created at `created`, then the steps of its history at their instants (China dates at 10:00) */
  async function entry(unit: string, created: string, steps: [KnowledgeAction, KnowledgeStatus, string][]) {
    const at = (day: string) => new Date(`${day}T02:00:00.000Z`);
    const id = randomUUID();
    await repo.create(
      { id, status: 'draft', version: 1, question: `${unit} 的问题 ${id.slice(0, 4)}`, answer: '答案', basis: '', ownerUnitId: unit, categories: ['consultation'], townships: [], validUntil: null, sourcePetitionId: null, createdBy: 'seed', createdAt: at(created), questionTerms: '问题', answerTerms: '答案' },
      { action: 'created' },
    );
    for (const [action, status, day] of steps) await repo.setStatus(id, status, { action, actor: 'seed', at: at(day) }, { published: action === 'published' });
  }

  const scores = (units: UnitRow[]) => Object.fromEntries(units.filter((u) => u.rank !== null).map((u) => [u.unitId, [u.score, u.figures.knowledge]]));

  it('第二十七条 知识库维护 given entries published and an expired entry left without review, the next assessment scores them: +0.5 per entry published, −1 per lapse', async () => {
    const before = await assess();
    expect(scores(before.units)).toEqual({ 'u-longnan': [70, { kept: 0, lapsed: 0 }], 'u-dongjiang': [58.5, { kept: 0, lapsed: 0 }] });

    // 龙南镇: two entries published in the quarter, the second published again after a review (counted once)
    await entry('u-longnan', '2026-03-03', [['submitted', 'review', '2026-03-03'], ['published', 'published', '2026-03-04']]);
    await entry('u-longnan', '2026-01-05', [['submitted', 'review', '2026-01-05'], ['published', 'published', '2026-01-06'], ['expired', 'draft', '2026-03-01'], ['renewed', 'review', '2026-03-05'], ['published', 'published', '2026-03-06']]);
    // 东江乡: published last year; one expired on 02-01 and renewed within the 15 days (published again: +0.5) ...
    await entry('u-dongjiang', '2025-11-03', [['published', 'published', '2025-11-04'], ['expired', 'draft', '2026-02-01'], ['renewed', 'review', '2026-02-10'], ['published', 'published', '2026-02-12']]);
    // ... one expired on 02-01 and left: its grace ended 02-16, in the quarter (−1); a review after the 15 days does not take it back
    await entry('u-dongjiang', '2025-11-03', [['published', 'published', '2025-11-04'], ['expired', 'draft', '2026-02-01'], ['retired', 'retired', '2026-03-10']]);
    // ... one expired on 03-25: its grace ends in the next quarter, not counted in this one
    await entry('u-dongjiang', '2025-11-03', [['published', 'published', '2025-11-04'], ['expired', 'draft', '2026-03-25']]);

    const after = await assess();
    expect(after.edition).toBe(2);
    expect(scores(after.units)).toEqual({ 'u-longnan': [71, { kept: 2, lapsed: 0 }], 'u-dongjiang': [58, { kept: 1, lapsed: 1 }] });
    // the first edition stays as it was
    expect((await reviewer.get(`/api/assessments/${before.id}`).expect(200)).body.units).toEqual(before.units);

    // the assessment page shows the upkeep beside the other figures
    const page = await reviewer.get(`/staff/assessment/${after.id}`).expect(200);
    expect(page.text).toContain('知识库 发布/逾期未复核');
    expect(page.text).toMatch(/data-label="知识库 发布\/逾期未复核">1 \/ 1</);
  });
});
