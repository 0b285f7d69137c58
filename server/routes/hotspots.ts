/**
 * Hotspots (第二十三条(二)): the page `/staff/hotspots` (window, township, the clusters with counts,
 * trend in words and arrows, a small server-drawn chart, example cases) for the platform, the city's
 * leaders and auditors; `GET /api/hotspots`; and 「发起督办」 from one (platform reviewers):
 * `POST /staff/hotspots/supervise` (the page's form) and `POST /api/hotspots/supervise`.
 */
import { Router, type Request, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import { trendSvg } from '../http/trend-chart.js';
import type { AppContext } from '../app-context.js';
import { maySuperviseHotspots } from '../services/hotspot-service.js';

const READERS = ['intake-operator', 'platform-reviewer', 'city-leader', 'auditor'] as const;

export function hotspotRoutes(ctx: AppContext): Router {
  const r = Router();
  const { hotspotService } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const query = (req: Request) => {
    const q = req.query as Record<string, unknown>;
    return { from: q.from, to: q.to, township: q.township, limit: q.limit };
  };

  async function listPage(req: Request, res: Response, raw: Record<string, unknown>, extra: Record<string, unknown> = {}, status = 200) {
    const staff = me(res);
    const townships = await ctx.townshipOptions();
    let list;
    try {
      list = await hotspotService.list(staff, raw);
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 400) throw err;
      // the page again with the default window, the problems said above it
      return listPage(req, res, { township: '' }, { errors: err.details, errorMessage: err.message }, 400);
    }
    const qs = new URLSearchParams({ from: list.window.from, to: list.window.to, ...(list.township && { township: list.township }) }).toString();
    ctx.page(
      res,
      'hotspots',
      {
        title: '热点诉求',
        wide: true,
        list,
        listQuery: qs,
        townships: townships.map((t) => ({ ...t, label: t.label.replace(/人民政府$/, ''), selected: t.value === list.township })),
        maySupervise: maySuperviseHotspots(staff),
        hotspots: await Promise.all(list.hotspots.map(async (h, i) => ({ ...h, n: i + 1, wordsText: h.words.join('、'), townshipsText: h.townshipNames.join('、'), chart: await trendSvg(h.spans) }))),
        spanDays: Math.max(1, Math.round(list.window.days / 3)),
        ...extra,
      },
      status,
    );
  }

  r.get('/staff/hotspots', requireRole(...READERS), handle(async (req, res) => listPage(req, res, query(req))));
  r.post(
    '/staff/hotspots/supervise',
    requireRole('platform-reviewer'),
    handle(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const back = { from: b.from, to: b.to, township: b.township };
      try {
        const out = await hotspotService.supervise(me(res), { hotspotId: b.hotspotId, from: b.from, to: b.to, note: b.note });
        const done = out.started
          ? `已就该热点发起督办:主办诉求 ${out.trackingCode},涉及 ${out.cases} 件;请在待办中选择督办方式`
          : `该热点在本时段已发起过督办(主办诉求 ${out.trackingCode}),未重复发起`;
        await listPage(req, res, back, { done });
      } catch (err) {
        if (!(err instanceof HttpError) || ![400, 404, 409].includes(err.status)) throw err;
        await listPage(req, res, back, { errors: err.details, errorMessage: err.message }, err.status);
      }
    }),
  );

  r.get('/api/hotspots', requireRole(...READERS), handle(async (req, res) => res.json(await hotspotService.list(me(res), query(req)))));
  r.post(
    '/api/hotspots/supervise',
    requireRole('platform-reviewer'),
    handle(async (req, res) => {
      const out = await hotspotService.supervise(me(res), typeof req.body === 'object' && req.body !== null ? req.body : {});
      res.status(out.started ? 202 : 200).json(out);
    }),
  );
  return r;
}
