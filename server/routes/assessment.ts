/**
 * 第二十七条 考核 and 通报: the API (`/api/assessments…`, `/api/notice-templates/:kind`) and the pages
 * (`/staff/assessment`: the list and 「开展考核」; `/staff/assessment/:id`: the ranking with every
 * figure; `/staff/assessment/templates/:kind`: the 通报 template editor). Who may do what is the
 * service's (server/services/assessment-service.ts); the routes only need a signed-in account.
 */
import { Router, type Request, type Response } from 'express';
import { formatPoints, formatRate, formatScore, NOTICE_KIND_LABELS, NOTICE_KINDS, type NoticeKind } from '../../regulation/assessment.js';
import { DOCUMENT_PLACEHOLDERS, TEMPLATE_FIELD_LABELS, TEMPLATE_FIELDS, UNIT_PLACEHOLDERS } from '../../regulation/notice-template.js';
import { lastCompletedPeriod, periodKey, previousPeriod } from '../../regulation/report-period.js';
import type { ReportPeriod } from '../../regulation/report-figures.js';
import type { AssessmentUnitRecord } from '../data/assessments-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';
import { mayDownloadNotices, mayReadTemplates, mayRequestAssessments, type AssessmentDetail } from '../services/assessment-service.js';

const STANDING_LABELS: Record<NoticeKind, string> = { praise: '表扬', criticism: '批评' };

/** a unit's row as the API answers it */
const unitJson = (u: AssessmentUnitRecord) => ({
  unitId: u.unitId,
  unitName: u.unitName,
  score: u.score,
  rank: u.rank,
  standing: u.standing,
  standingLabel: u.standing ? STANDING_LABELS[u.standing] : null,
  figures: u.figures,
});

const detailJson = (a: AssessmentDetail) => ({ ...a, units: a.units.map(unitJson) });

/** the periods offered in 「开展考核」: the last 8 quarters and 12 months that have ended */
function periodOptions(now: Date): { value: string; label: string }[] {
  const list: ReportPeriod[] = [];
  let q = lastCompletedPeriod('quarter', now);
  for (let i = 0; i < 8; i++, q = previousPeriod(q)) list.push(q);
  let m = lastCompletedPeriod('month', now);
  for (let i = 0; i < 12; i++, m = previousPeriod(m)) list.push(m);
  return list.map((p) => ({ value: periodKey(p), label: p.label }));
}

export function assessmentRoutes(ctx: AppContext): Router {
  const r = Router();
  const service = ctx.assessmentService;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const signedIn = requireRole();
  const id = (req: Request) => String(req.params.id);

  // ---- API
  r.get('/api/assessments', signedIn, handle(async (_req, res) => res.json(await service.list(me(res)))));
  r.post(
    '/api/assessments',
    signedIn,
    handle(async (req, res) => {
      const body = typeof req.body === 'object' && req.body !== null ? req.body : {};
      res.status(202).json(await service.request(me(res), { period: body.period }));
    }),
  );
  r.get('/api/assessments/:id', signedIn, handle(async (req, res) => res.json(detailJson(await service.read(me(res), id(req))))));
  r.get(
    '/api/assessments/:id/notices/:kind',
    signedIn,
    handle(async (req, res) => {
      const { filename, buffer } = await service.notice(me(res), id(req), req.params.kind);
      res.type('application/vnd.openxmlformats-officedocument.wordprocessingml.document').attachment(filename).send(buffer);
    }),
  );
  r.get('/api/notice-templates/:kind', signedIn, handle(async (req, res) => res.json(await service.template(me(res), req.params.kind))));
  r.put('/api/notice-templates/:kind', signedIn, handle(async (req, res) => res.json(await service.saveTemplate(me(res), req.params.kind, req.body))));

  // ---- pages
  const listPage = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const staff = me(res);
    const list = await service.list(staff);
    ctx.page(
      res,
      'assessments',
      {
        title: '单位考核',
        assessments: list,
        mayRequest: mayRequestAssessments(staff),
        mayEditTemplates: mayRequestAssessments(staff),
        mayReadTemplates: mayReadTemplates(staff),
        periods: periodOptions(ctx.clock.now()),
        kinds: NOTICE_KINDS.map((k) => ({ kind: k, label: NOTICE_KIND_LABELS[k] })),
        ...extra,
      },
      status,
    );
  };
  r.get('/staff/assessment', signedIn, handle(async (_req, res) => listPage(res)));
  r.post(
    '/staff/assessment',
    signedIn,
    handle(async (req, res) => {
      try {
        const a = await service.request(me(res), { period: req.body?.period });
        res.redirect(303, `/staff/assessment/${encodeURIComponent(a.id)}`);
      } catch (err) {
        if (err instanceof HttpError && (err.status === 400 || err.status === 409)) {
          return listPage(res, { errorMessage: err.message, errors: err.details ?? [{ field: 'period', message: err.message }], values: { period: req.body?.period } }, err.status);
        }
        throw err;
      }
    }),
  );
  // (before /staff/assessment/:id, which would take `templates` for an id)
  const templatePage = async (res: Response, kindParam: unknown, extra: Record<string, unknown> = {}, status = 200) => {
    const staff = me(res);
    const t = await service.template(staff, kindParam);
    const values = (extra.values as Record<string, string> | undefined) ?? t.template;
    ctx.page(
      res,
      'notice-template',
      {
        title: `${NOTICE_KIND_LABELS[t.kind]}模板`,
        t,
        kindLabel: NOTICE_KIND_LABELS[t.kind],
        mayEdit: mayRequestAssessments(staff),
        fields: TEMPLATE_FIELDS.map((f) => ({ name: f, label: TEMPLATE_FIELD_LABELS[f], value: values[f] ?? '', long: ['intro', 'unitParagraph', 'closing'].includes(f) })),
        documentPlaceholders: Object.keys(DOCUMENT_PLACEHOLDERS).map((n) => `{{${n}}}`),
        unitPlaceholders: Object.keys(UNIT_PLACEHOLDERS).map((n) => `{{${n}}}`),
        ...extra,
      },
      status,
    );
  };
  r.get('/staff/assessment/templates/:kind', signedIn, handle(async (req, res) => templatePage(res, req.params.kind)));
  r.post(
    '/staff/assessment/templates/:kind',
    signedIn,
    handle(async (req, res) => {
      const body = typeof req.body === 'object' && req.body !== null ? req.body : {};
      const input = Object.fromEntries(TEMPLATE_FIELDS.map((f) => [f, typeof body[f] === 'string' ? body[f] : '']));
      try {
        await service.saveTemplate(me(res), req.params.kind, input);
        await templatePage(res, req.params.kind, { done: '模板已保存,之后生成的通报使用新模板' });
      } catch (err) {
        if (err instanceof HttpError && err.status === 400) return templatePage(res, req.params.kind, { errorMessage: '模板未保存,请按提示修改', errors: err.details ?? [{ field: '', message: err.message }], values: input }, 400);
        throw err;
      }
    }),
  );
  r.get(
    '/staff/assessment/:id',
    signedIn,
    handle(async (req, res) => {
      const staff = me(res);
      const a = await service.read(staff, id(req));
      ctx.page(res, 'assessment', {
        title: `${a.period.label}单位考核`,
        wide: true,
        a,
        // the units with nothing in the period are named below the table, not given a row of zeros each
        idle: a.ownOnly ? [] : a.units.filter((u) => u.rank === null).map((u) => u.unitName),
        units: a.units.filter((u) => a.ownOnly || u.rank !== null).map((u) => ({
          ...u,
          scoreText: formatScore(u.score),
          completion: formatRate(u.figures.rates.completion),
          onTime: formatRate(u.figures.rates.onTime),
          satisfaction: formatRate(u.figures.rates.satisfaction),
          redo: formatRate(u.figures.rates.redo),
          deductions: formatPoints(u.figures.warnings.deductionTenths),
          // 知识库维护: published / lapsed (an assessment from before it was counted: —)
          knowledge: u.figures.knowledge ? `${u.figures.knowledge.kept} / ${u.figures.knowledge.lapsed}` : '—',
          standingLabel: u.standing ? STANDING_LABELS[u.standing] : '',
        })),
        running: a.state === 'running',
        downloads: a.state === 'done' && mayDownloadNotices(staff) ? NOTICE_KINDS.map((k) => ({ kind: k, label: NOTICE_KIND_LABELS[k] })) : [],
      });
    }),
  );

  return r;
}
