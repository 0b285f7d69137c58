import { describe, it, expect } from '@jest/globals';
import { BusinessError } from '../engine/errors.js';
import { createSetKnowledgeStatus, expiresAt, PERSONAL_DATA_ERROR } from './set-knowledge-status.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

const ctx = (action: string) => jobContext('set-knowledge-status', { action });

describe('set-knowledge-status (知识库审核发布)', () => {
  it('publishes an entry in review: published_at, the reviewer as actor, and the instant its valid-until is past (China time)', async () => {
    const deps = createTestDeps({ now: '2026-03-06T02:00:00.000Z' });
    deps.knowledge.add({ id: 'k1', validUntil: '2027-03-05' });
    const out = await createSetKnowledgeStatus(deps)({ entryId: 'k1', reviewedBy: 'staff-reviewer' }, ctx('published'));
    expect(out).toEqual({ validUntil: '2027-03-05', expiresAt: '2027-03-05T16:00:00.000Z' });
    expect(deps.knowledge.entries.get('k1')).toMatchObject({ status: 'published', publishedAt: new Date('2026-03-06T02:00:00.000Z') });
    expect(deps.knowledge.history).toEqual([expect.objectContaining({ entryId: 'k1', action: 'published', status: 'published', actor: 'staff-reviewer' })]);
  });

  it('a retried publication writes nothing again and answers the same instant; an entry without a valid-until gets a year', async () => {
    const deps = createTestDeps({ now: '2026-03-06T02:00:00.000Z' });
    deps.knowledge.add({ id: 'k1', validUntil: null });
    const handler = createSetKnowledgeStatus(deps);
    const first = await handler({ entryId: 'k1' }, ctx('published'));
    expect(first).toEqual({ validUntil: '2027-03-06', expiresAt: '2027-03-06T16:00:00.000Z' });
    expect(await handler({ entryId: 'k1' }, ctx('published'))).toEqual(first);
    expect(deps.knowledge.history).toHaveLength(1);
    expect(deps.knowledge.history[0].actor).toBe('system');
    expect(deps.knowledge.entries.get('k1')!.validUntil).toBe('2027-03-06');
  });

  it('第二十条 refuses to publish an entry that still holds personal data: a business error with the reason, nothing written', async () => {
    const deps = createTestDeps();
    deps.knowledge.add({ id: 'k1', answer: '请致电 13812345678 咨询。' });
    const err = await Promise.resolve(createSetKnowledgeStatus(deps)({ entryId: 'k1' }, ctx('published'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BusinessError);
    expect((err as BusinessError).code).toBe(PERSONAL_DATA_ERROR);
    expect((err as BusinessError).variables?.knowledgeReturnReason).toContain('答案中含有疑似个人信息');
    expect(deps.knowledge.entries.get('k1')!.status).toBe('review');
    expect(deps.knowledge.history).toEqual([]);
  });

  it('returns with the reviewer’s reason, expires a published entry (system), retires with the reason — each once', async () => {
    const deps = createTestDeps();
    const handler = createSetKnowledgeStatus(deps);
    deps.knowledge.add({ id: 'k1' });
    deps.knowledge.add({ id: 'k2', status: 'published', validUntil: '2026-03-01' });
    deps.knowledge.add({ id: 'k3', status: 'draft' });
    await handler({ entryId: 'k1', reviewedBy: 's-rev', knowledgeReturnReason: '政策依据不全' }, ctx('returned'));
    await handler({ entryId: 'k1', reviewedBy: 's-rev', knowledgeReturnReason: '政策依据不全' }, ctx('returned'));
    await handler({ entryId: 'k2', reviewedBy: 's-rev' }, ctx('expired'));
    await handler({ entryId: 'k3', revisedBy: 's-unit', retireReason: '政策已废止' }, ctx('retired'));
    expect([...deps.knowledge.entries.values()].map((e) => [e.id, e.status])).toEqual([['k1', 'draft'], ['k2', 'draft'], ['k3', 'retired']]);
    expect(deps.knowledge.history.map((h) => [h.entryId, h.action, h.actor, h.note])).toEqual([
      ['k1', 'returned', 's-rev', '政策依据不全'],
      ['k2', 'expired', 'system', '有效期至 2026-03-01'],
      ['k3', 'retired', 's-unit', '政策已废止'],
    ]);
  });

  it('fails (incident) on an unknown entry, a step from the wrong status, a bad header, or no knowledge base', async () => {
    const deps = createTestDeps();
    deps.knowledge.add({ id: 'k1', status: 'retired' });
    const handler = createSetKnowledgeStatus(deps);
    await expect(handler({ entryId: 'k9' }, ctx('published'))).rejects.toThrow('set-knowledge-status: knowledge entry "k9" does not exist');
    await expect(handler({ entryId: 'k1' }, ctx('published'))).rejects.toThrow('is retired, not in review');
    await expect(handler({ entryId: 'k1' }, ctx('expired'))).rejects.toThrow('moves only from published');
    await expect(handler({ entryId: 'k1' }, ctx('deleted'))).rejects.toThrow('task header "action" must be one of');
    await expect(handler({}, ctx('returned'))).rejects.toThrow('variable "entryId"');
    await expect(createSetKnowledgeStatus({ ...deps, knowledge: undefined })({ entryId: 'k1' }, ctx('retired'))).rejects.toThrow('the knowledge base is not configured');
  });

  it('the valid-until day ends at midnight China time', () => {
    expect(expiresAt('2026-12-31')).toBe('2026-12-31T16:00:00.000Z');
    expect(expiresAt('2028-02-28')).toBe('2028-02-28T16:00:00.000Z');
  });
});
