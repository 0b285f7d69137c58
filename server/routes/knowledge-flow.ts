/**
 * The knowledge base's review as a process (知识库, issue 17): submit a draft for review, retire an
 * entry, and propose a draft from a case's approved reply (第十六条). The review's own steps are user
 * tasks (/api/tasks).
 */
import { Router, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';

const WRITERS = ['platform-reviewer', 'unit-handler', 'unit-leader'] as const;

export function knowledgeFlowRoutes(ctx: AppContext): Router {
  const r = Router();
  const flow = ctx.knowledgeFlow;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  r.post('/api/knowledge/:id/submit', requireRole(...WRITERS), handle(async (req, res) => res.json(await flow.submit(me(res), req.params.id))));
  r.post('/api/knowledge/:id/retire', requireRole(...WRITERS), handle(async (req, res) => res.json(await flow.retire(me(res), req.params.id, req.body))));
  r.post('/api/cases/:id/knowledge', requireRole(...WRITERS), handle(async (req, res) => res.status(201).json(await flow.propose(me(res), req.params.id))));
  return r;
}
