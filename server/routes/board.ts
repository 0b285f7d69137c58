/**
 * The 红黄蓝 board (第二十六条; issue 16): the page `/staff/board` (every state a link: the unit and
 * colour filters, the keyset page) with its 催办 form, and the API `GET /api/board` and
 * `POST /api/board/urge` (described in openapi.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import { BOARD_COLOUR_LABELS, type BoardColour } from '../../regulation/board.js';
import { HttpError } from '../http-error.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';
import { boardQueryString, parseBoardQuery, type BoardQuery } from '../services/board-service.js';

/** what a 催办 from the page says when it comes back (a code in the link: no text from outside) */
const URGE_NOTICES: Record<string, { message: string; error?: true }> = {
  'urged-blue': { message: '已催办:短信已发给承办单位责任人' },
  'urged-yellow': { message: '已催办:短信已发给承办单位分管领导' },
  'urged-red': { message: '已催办:短信已发给承办单位主要领导' },
  ALREADY_URGED: { message: '今天已向该人员催办过这件诉求,请明天再催', error: true },
  LEVEL_NOT_REACHED: { message: '该诉求的预警等级已变化,请刷新后再催办', error: true },
  NOT_HANDLING: { message: '该诉求已不在承办单位办理中,无需催办', error: true },
  INVALID_INPUT: { message: '催办未能提交,请刷新后重试', error: true },
};

const COLOURS: BoardColour[] = ['blue', 'yellow', 'red', 'transfer'];

export function boardRoutes(ctx: AppContext): Router {
  const r = Router();
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const service = ctx.boardService;

  // ---- API
  r.get(
    '/api/board',
    requireRole(),
    handle(async (req, res) => {
      service.mayView(me(res));
      const { query, problems } = parseBoardQuery(req.query as Record<string, unknown>);
      if (problems.length) throw new HttpError(400, 'INVALID_INPUT', problems.map((p) => p.message).join(';'), problems);
      const view = await service.view(me(res), query);
      if (view.next) res.set('link', `</api/board?${view.next}>; rel="next"`);
      res.json(view);
    }),
  );
  r.post('/api/board/urge', requireRole('intake-operator', 'platform-reviewer'), handle(async (req, res) => res.status(202).json(await service.urge(me(res), req.body ?? {}))));

  // ---- the page
  r.get(
    '/staff/board',
    requireRole(),
    handle(async (req, res) => {
      service.mayView(me(res));
      // a filter the page does not understand is left out and named (the API answers 400)
      const { query, problems } = parseBoardQuery(req.query as Record<string, unknown>, 200);
      const view = await service.view(me(res), query);
      const link = (change: Partial<BoardQuery>) => {
        const qs = boardQueryString({ unit: query.unit, colour: query.colour, ...change });
        return `/staff/board${qs ? `?${qs}` : ''}`;
      };
      const current = link({ after: query.after });
      const chip = (colour: BoardColour) => ({ colour, ...BOARD_COLOUR_LABELS[colour] });
      const notice = typeof req.query.notice === 'string' ? URGE_NOTICES[req.query.notice] : undefined;
      ctx.page(res, 'board', {
        title: '红黄蓝预警',
        wide: true,
        view,
        city: view.scope === 'city',
        unitName: view.scope === 'unit' ? (await ctx.boardService.unitName(me(res).unitId ?? '')) : undefined,
        totals: COLOURS.map((c) => ({ ...chip(c), count: view.counts.totals[c], href: link({ colour: query.colour === c ? undefined : c }), active: query.colour === c })),
        units: view.counts.units.map((u) => ({
          ...u,
          href: link({ unit: u.unitId, colour: undefined }),
          active: query.unit === u.unitId,
          cells: COLOURS.map((c) => ({ ...chip(c), count: u[c], href: link({ unit: u.unitId, colour: c }) })),
        })),
        colourHeads: COLOURS.map(chip),
        filtered: Boolean(query.unit || query.colour),
        filterLabel: [query.unit && (view.counts.units.find((u) => u.unitId === query.unit)?.unitName ?? query.unit), query.colour && BOARD_COLOUR_LABELS[query.colour].label].filter(Boolean).join(' · '),
        clear: '/staff/board',
        current,
        ...(view.next && { next: `/staff/board?${view.next}` }),
        ...(view.transfersNext && { transfersNext: `/staff/board?${view.transfersNext}#transfers` }),
        ...(view.criticismsNext && { criticismsNext: `/staff/board?${view.criticismsNext}#criticisms` }),
        ...(problems.length && { errors: problems, errorMessage: '部分筛选条件无效,已忽略' }),
        ...(notice && (notice.error ? { errorMessage: notice.message } : { done: notice.message })),
      });
    }),
  );
  r.post(
    '/staff/board/urge',
    requireRole('intake-operator', 'platform-reviewer'),
    handle(async (req: Request, res: Response) => {
      const back = typeof req.body?.back === 'string' && /^\/staff\/board(\?[\w\-.=&%]*)?$/.test(req.body.back) ? req.body.back : '/staff/board';
      const sep = back.includes('?') ? '&' : '?';
      try {
        const done = await service.urge(me(res), { petitionId: req.body?.petitionId, level: req.body?.level });
        res.redirect(303, `${back}${sep}notice=urged-${done.level}`);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status >= 500 || err.status === 404 || err.status === 403) throw err;
        res.redirect(303, `${back}${sep}notice=${URGE_NOTICES[err.code] ? err.code : 'INVALID_INPUT'}`);
      }
    }),
  );
  return r;
}
