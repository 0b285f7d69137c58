/**
 * The leaders' overview page (驾驶舱; issue 16), `/staff/overview`: one screen, server-rendered, the
 * trend an inline SVG (no script) — for city leaders and the platform's reviewers.
 */
import { Router, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';
import { BOARD_COLOUR_LABELS, BOARD_COLOURS } from '../../regulation/board.js';

export function overviewRoutes(ctx: AppContext): Router {
  const r = Router();
  const me = (res: Response) => staffOf(res) as StaffRecord;
  r.get(
    '/staff/overview',
    requireRole('city-leader', 'platform-reviewer'),
    handle(async (_req, res) => {
      const view = await ctx.overviewService.view(me(res));
      ctx.page(res, 'overview', {
        title: '领导驾驶舱',
        view,
        colours: BOARD_COLOURS.map((c) => ({ colour: c, ...BOARD_COLOUR_LABELS[c], count: view.board[c], href: `/staff/board?colour=${c}` })),
      });
    }),
  );
  return r;
}
