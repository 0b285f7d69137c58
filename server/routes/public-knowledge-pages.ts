/**
 * The public knowledge base's pages (公开知识库, issue 17): a search that works as a plain GET form
 * (no JavaScript needed) and each published entry's page — the question, the answer, its policy basis,
 * the unit that answers for it and the date. Published entries only: any other id is 404. The entries
 * carry no personal data (an entry proposed from a case is masked before review); these pages show
 * nothing of who wrote or reviewed them. Rate-limited per visitor with the public search API.
 */
import { Router } from 'express';
import { chinaDay } from '../../regulation/knowledge.js';
import { HttpError } from '../http-error.js';
import { handle } from '../http/web.js';
import type { AppContext } from '../app-context.js';

/** the first lines of an answer, for a result list */
export function excerpt(text: string, max = 90): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ');
  const chars = [...lines];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : lines;
}

export function knowledgePages(ctx: AppContext): Router {
  const r = Router();
  const { knowledgeService: knowledge, page } = ctx;
  const TITLE = '公开知识库';

  r.get(
    '/knowledge',
    ctx.limits.knowledge,
    handle(async (req, res) => {
      const raw = req.query.q;
      // the page without a question: the search box alone
      if (raw === undefined) return page(res, 'public-knowledge', { title: TITLE });
      const q = typeof raw === 'string' ? raw : '';
      try {
        const { items } = await knowledge.publicSearch({ q, limit: '10' });
        res.set('cache-control', 'no-store');
        page(res, 'public-knowledge', { title: `${q.trim()} - ${TITLE}`, q, searched: true, items: items.map((i) => ({ ...i, excerpt: excerpt(i.answer) })) });
      } catch (err) {
        // an empty or too long question: said beside the box, with what was typed
        if (!(err instanceof HttpError) || err.status !== 400) throw err;
        const details = Array.isArray(err.details) ? (err.details as { message: string }[]) : [];
        page(res, 'public-knowledge', { title: TITLE, q: typeof raw === 'string' ? raw : '', errorMessage: details[0]?.message ?? err.message }, 400);
      }
    }),
  );

  r.get(
    '/knowledge/:id',
    ctx.limits.knowledge,
    handle(async (req, res) => {
      const e = await knowledge.publicEntry(req.params.id);
      page(res, 'public-knowledge-entry', { title: e.question, entry: e, day: chinaDay(e.publishedAt ?? e.updatedAt) });
    }),
  );
  return r;
}
