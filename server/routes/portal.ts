/**
 * The public portal (no sign-in; also the WeChat official account's H5 page, 第六条): submit,
 * track with code + phone, rate after the reply, published replies, channels and rules (第二十二条),
 * the public knowledge base (public-knowledge-pages.ts; the submit page suggests its entries as one types).
 * Submitting, tracking and rating are rate-limited per IP; submitting also asks the challenge and
 * has a honeypot field.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Channel } from '../data/petitions-repository.js';
import { CATEGORIES, CATEGORY_LABELS } from '../../regulation/categories.js';
import { HttpError, known } from '../http-error.js';
import { inputError, RATINGS, RATING_LABELS } from '../services/petition-service.js';
import { field, handle } from '../http/web.js';
import type { AppContext } from '../app-context.js';
import { knowledgePages } from './public-knowledge-pages.js';

export const categoryOptions = () => CATEGORIES.map((value) => ({ value, label: CATEGORY_LABELS[value] }));
export const ratingOptions = () => RATINGS.map((value) => ({ value, label: RATING_LABELS[value] }));

/** the WeChat in-app browser says so in its user agent: that is the 公众号 channel */
export const portalChannel = (req: Request): Channel => (/MicroMessenger/i.test(req.get('user-agent') ?? '') ? 'wechat' : 'web');

/** the uploaded files of a multipart request, as the services take them */
export const filesOf = (req: Request) => ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({ filename: f.originalname, content: f.buffer }));

/** a bad submission shown again on its page, with the errors, keeping what was typed (never the files) */
function problems(err: unknown): { errors: { field: string; message: string }[]; errorMessage: string } | undefined {
  if (err instanceof HttpError && err.status === 400 && Array.isArray(err.details)) return { errors: err.details as { field: string; message: string }[], errorMessage: err.message };
  return undefined;
}

export function portalRoutes(ctx: AppContext): Router {
  const r = Router();
  const { petitionService, challenges, limits, upload } = ctx;
  const { page } = ctx;

  r.get('/', (_req, res) => page(res, 'home', {}));
  r.get('/rules', (_req, res) => page(res, 'rules', { title: '渠道与规则' }));
  // 公开知识库 (issue 17)
  r.use(knowledgePages(ctx));

  const submitPage = async (res: any, data: Record<string, unknown>, status = 200) =>
    page(res, 'submit', { title: '我要反映', action: '/submit', categories: categoryOptions(), townships: await ctx.townshipOptions(), maxMb: ctx.uploadMaxMb, challenge: challenges.issue(), ...data }, status);

  r.get('/submit', handle(async (_req, res) => submitPage(res, { values: {} })));
  const typed = (body: Record<string, unknown>) => ({ ...body, confidential: body.confidential === 'true', agree: body.agree === 'true' });

  r.post(
    '/submit',
    limits.portal,
    upload.petition,
    handle(async (req, res) => {
      const body = req.body ?? {};
      const values = typed(body);
      try {
        if (field(body, 'website')) throw new HttpError(400, 'INVALID_INPUT', '提交未通过验证', [{ field: 'challengeAnswer', message: '提交未通过验证' }]);
        const options = { channel: portalChannel(req), actor: 'petitioner', files: filesOf(req), requireAgreement: true, allowUrgent: false };
        if (!(await challenges.verify(body.challengeToken, body.challengeAnswer))) {
          // the fields' problems with the answer's, so that one round shows all of them (each round costs the chosen files)
          const { problems: fieldProblems } = petitionService.check(body, options);
          throw inputError([...fieldProblems, { field: 'challengeAnswer', message: '验证答案不正确或已过期' }], fieldProblems.length ? '提交的内容有误,请按提示修改' : '验证答案不正确或已过期,请重新作答');
        }
        const petition = await petitionService.submit(body, options);
        page(res, 'submitted', { title: '已提交', petition }, 201);
      } catch (err) {
        const p = problems(err);
        if (!p) throw err;
        await submitPage(res, { values, ...p }, 400);
      }
    }),
    // a refused upload (too many files, one too large) shows the form again too, with the fields read before it
    (err: unknown, req: Request, res: Response, next: NextFunction) => {
      const e = err instanceof HttpError ? undefined : known(err);
      if (!(e instanceof HttpError) || !Array.isArray(e.details)) return next(err);
      submitPage(res, { values: typed(req.body ?? {}), errors: e.details, errorMessage: e.message }, e.status).catch(next);
    },
  );

  r.get('/track', (_req, res) => page(res, 'track', { title: '进度查询', values: {} }));
  r.post(
    '/track',
    limits.portal,
    handle(async (req, res) => {
      try {
        const view = await petitionService.track(field(req.body, 'trackingCode'), field(req.body, 'phone'));
        page(res, 'tracked', { title: '办理进度', view });
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) {
          return page(res, 'track', { title: '进度查询', values: { trackingCode: field(req.body, 'trackingCode') }, errorMessage: err.message }, 404);
        }
        throw err;
      }
    }),
  );

  const CODE = /^[A-Za-z0-9-]{1,40}$/;
  r.get(
    '/rate/:code',
    handle(async (req, res) => {
      if (!CODE.test(String(req.params.code))) throw new HttpError(404, 'NOT_FOUND', '查询编号或手机号码不正确');
      const code = String(req.params.code).toUpperCase();
      // the SMS link opened again after rating: that it was rated, not an empty form that can only
      // fail — but not which rating: the link proves the code, not the phone (tracking asks both)
      const given = (await petitionService.givenRating(code)) ? { withheld: true } : undefined;
      page(res, 'rate', { title: '评价办理结果', code, ratings: ratingOptions(), values: {}, given });
    }),
  );
  r.post(
    '/rate/:code',
    limits.portal,
    handle(async (req, res) => {
      const code = String(req.params.code);
      if (!CODE.test(code)) throw new HttpError(404, 'NOT_FOUND', '查询编号或手机号码不正确');
      const rating = field(req.body, 'rating');
      try {
        await petitionService.rate(code, field(req.body, 'phone'), rating, field(req.body, 'ratingComment') ?? '');
        page(res, 'rated', { title: '感谢您的评价', unsatisfied: rating === 'unsatisfied' || rating === 'very-unsatisfied' });
      } catch (err) {
        if (err instanceof HttpError && [400, 404, 409].includes(err.status)) {
          // already rated (another tab, a second click): say so with the rating, as the link does
          const given = err.status === 409 ? await petitionService.givenRating(code) : undefined;
          // an error without fields is its message alone, shown once
          const errors = Array.isArray(err.details) ? err.details : [];
          return page(res, 'rate', { title: '评价办理结果', code: code.toUpperCase(), ratings: ratingOptions(), values: req.body, given, errors, errorMessage: err.message }, err.status);
        }
        throw err;
      }
    }),
  );

  r.get(
    '/replies',
    handle(async (req, res) => {
      const n = Number(req.query.page ?? 1);
      const pageNo = Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
      const items = await petitionService.listPublished(pageNo);
      page(res, 'replies', { title: '答复公开', items, ...(pageNo > 1 && { prev: pageNo - 1 }), ...(items.length === 20 && { next: pageNo + 1 }) });
    }),
  );
  return r;
}
