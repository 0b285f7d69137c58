/**
 * The knowledge base's API (知识库, issue 17): staff search, the suggestions for a case, the entries
 * and their history, drafts, the office's synonyms; and the public search citizens use before they
 * submit (rate-limited per visitor, published entries only).
 */
import { Router, type Request, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';

const READERS = ['intake-operator', 'platform-reviewer', 'unit-handler', 'unit-leader', 'city-leader', 'auditor'] as const;
const WRITERS = ['platform-reviewer', 'unit-handler', 'unit-leader'] as const;

export function knowledgeRoutes(ctx: AppContext): Router {
  const r = Router();
  const { knowledgeService: knowledge } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const query = (req: Request) => req.query as Record<string, unknown>;

  // ---- public: published entries only
  r.get(
    '/api/public/knowledge/search',
    ctx.limits.knowledge,
    handle(async (req, res) => res.set('cache-control', 'no-store').json(await knowledge.publicSearch(query(req)))),
  );
  r.get('/api/public/knowledge/:id', ctx.limits.knowledge, handle(async (req, res) => res.json(await knowledge.publicEntry(req.params.id))));

  // ---- staff
  r.get('/api/knowledge/search', requireRole(...READERS), handle(async (req, res) => res.json(await knowledge.search(me(res), query(req)))));
  r.get('/api/knowledge/suggestions', requireRole(...READERS), handle(async (req, res) => res.json(await knowledge.suggestions(me(res), query(req).petitionId))));
  r.get('/api/knowledge-synonyms', requireRole(...READERS), handle(async (_req, res) => res.json(await knowledge.synonyms(me(res)))));
  r.put('/api/knowledge-synonyms', requireRole('platform-reviewer'), handle(async (req, res) => res.json(await knowledge.replaceSynonyms(me(res), req.body))));
  r.get('/api/knowledge', requireRole(...READERS), handle(async (req, res) => res.json(await knowledge.list(me(res), query(req)))));
  r.post('/api/knowledge', requireRole(...WRITERS), handle(async (req, res) => res.status(201).json(await knowledge.create(me(res), req.body))));
  r.get('/api/knowledge/:id', requireRole(...READERS), handle(async (req, res) => res.json(await knowledge.get(me(res), req.params.id))));
  r.put('/api/knowledge/:id', requireRole(...WRITERS), handle(async (req, res) => res.json(await knowledge.update(me(res), req.params.id, req.body))));
  return r;
}
