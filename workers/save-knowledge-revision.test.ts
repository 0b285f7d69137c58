import { describe, it, expect } from '@jest/globals';
import { createSaveKnowledgeRevision } from './save-knowledge-revision.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';

const ctx = () => jobContext('save-knowledge-revision');
const revised = { question: '新生儿如何办理医保?', answer: '携带出生医学证明到镇便民服务中心办理。', basis: '《赣州市城乡居民医疗保险办法》', validUntil: '2027-06-30' };

describe('save-knowledge-revision (知识条目复核)', () => {
  it('saves the unit’s revision as a new version, back in review, with who revised it; a retried job writes nothing again', async () => {
    const deps = createTestDeps({ now: '2026-04-01T02:00:00.000Z' });
    deps.knowledge.add({ id: 'k1', status: 'draft', version: 3 });
    const handler = createSaveKnowledgeRevision(deps);
    await handler({ entryId: 'k1', ...revised, revisedBy: 's-unit' }, ctx());
    await handler({ entryId: 'k1', ...revised, revisedBy: 's-unit' }, ctx());
    expect(deps.knowledge.entries.get('k1')).toMatchObject({ ...revised, status: 'review', version: 4 });
    expect(deps.knowledge.history).toEqual([expect.objectContaining({ entryId: 'k1', version: 4, action: 'renewed', actor: 's-unit', at: new Date('2026-04-01T02:00:00.000Z') })]);
  });

  it('keeps the valid-until when none is given, and trims the texts', async () => {
    const deps = createTestDeps();
    deps.knowledge.add({ id: 'k1', status: 'draft', validUntil: '2026-12-31' });
    await createSaveKnowledgeRevision(deps)({ entryId: 'k1', question: ' 问? ', answer: ' 答。 ', validUntil: null }, ctx());
    expect(deps.knowledge.entries.get('k1')).toMatchObject({ question: '问?', answer: '答。', basis: '', validUntil: '2026-12-31' });
    expect(deps.knowledge.history[0].actor).toBe('system');
  });

  it('fails (incident) on missing content, a malformed date, an unknown or retired entry', async () => {
    const deps = createTestDeps();
    deps.knowledge.add({ id: 'k1', status: 'retired' });
    const handler = createSaveKnowledgeRevision(deps);
    await expect(handler({ entryId: 'k1', ...revised, answer: '' }, ctx())).rejects.toThrow('save-knowledge-revision: variable "answer"');
    await expect(handler({ entryId: 'k1', ...revised, validUntil: '2027/06/30' }, ctx())).rejects.toThrow('variable "validUntil" must be a date');
    await expect(handler({ entryId: 'k9', ...revised }, ctx())).rejects.toThrow('knowledge entry "k9" does not exist');
    await expect(handler({ entryId: 'k1', ...revised }, ctx())).rejects.toThrow('is retired, not a draft');
  });
});
