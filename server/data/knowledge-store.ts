/**
 * The knowledge base as the review process's workers take it (workers/deps.ts `KnowledgeStore`),
 * over the app's knowledge repository: each step and revision is read and written in one
 * transaction (the job's completion, when the engine offers it), with its history row and the change
 * the app processes' search indexes catch up from.
 */
import type { KnowledgeStore } from '../../workers/deps.js';
import { indexTerms } from '../domain/knowledge-search.js';
import { createKnowledgeRepository, type KnowledgeRepository } from './knowledge-repository.js';
import { withTx, type Database } from './sql.js';

export function createKnowledgeStore(db: Database, repo: KnowledgeRepository = createKnowledgeRepository(db)): KnowledgeStore {
  return {
    async get(entryId, tx) {
      const e = await repo.get(entryId, tx);
      return e && { id: e.id, status: e.status, version: e.version, question: e.question, answer: e.answer, basis: e.basis, validUntil: e.validUntil, ownerUnitId: e.ownerUnitId };
    },

    step(entryId, s, outer) {
      return withTx(db, outer, async (tx) => {
        const e = await repo.get(entryId, tx);
        if (!e || !s.from.includes(e.status)) return { changed: false };
        const extra = { ...(s.published && { published: true, reviewed: true }), ...(s.reviewed && { reviewed: true }), ...(s.validUntil !== undefined && { validUntil: s.validUntil }) };
        await repo.setStatus(entryId, s.to, { action: s.action, actor: s.actor, at: s.at, note: s.note ?? null }, extra, tx);
        return { changed: true };
      });
    },

    revise(entryId, content, h, outer) {
      return withTx(db, outer, async (tx) => {
        const e = await repo.get(entryId, tx);
        if (!e || e.status !== 'draft') return { changed: false };
        const next = await repo.update(
          entryId,
          e.version,
          {
            ...content,
            categories: e.categories,
            townships: e.townships,
            status: 'review',
            questionTerms: indexTerms(content.question),
            answerTerms: indexTerms(`${content.answer} ${content.basis}`),
          },
          { action: 'renewed', actor: h.actor, at: h.at, note: h.note ?? null },
          tx,
        );
        return { changed: Boolean(next) };
      });
    },
  };
}
