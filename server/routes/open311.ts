/**
 * Open311 GeoReport v2 for third-party intake apps (JSON only): `services` are the categories
 * (第六条), `requests` submit (with an API key of OPEN311_API_KEYS) and query by id. A request's id
 * is its tracking code; a query answers its status, never its text or petitioner (第二十一条:
 * nothing is published before it is answered and approved). Errors follow the spec:
 * `[{ "code": 400, "description": "…" }]`.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { Petition } from '../data/petitions-repository.js';
import { CATEGORIES, CATEGORY_LABELS, isCategory } from '../../regulation/categories.js';
import { statusLabel } from '../../regulation/petition-status.js';
import { HttpError } from '../http-error.js';
import { handle } from '../http/web.js';
import type { AppContext } from '../app-context.js';

const DESCRIPTIONS: Record<string, string> = {
  consultation: '咨询政策、办事流程等',
  complaint: '投诉政务服务、公共服务中的问题',
  report: '举报违法违规行为',
  help: '生产生活中遇到困难需要帮助',
  suggestion: '对经济社会发展、政府工作的意见建议',
  other: '其他诉求',
};
const CLOSED = new Set(['rejected', 'closed', 'not-rated', 'invalid']);

function fail(res: Response, status: number, description: string) {
  res.status(status).json([{ code: status, description }]);
}

function service(code: (typeof CATEGORIES)[number]) {
  return { service_code: code, service_name: CATEGORY_LABELS[code], description: DESCRIPTIONS[code], metadata: true, type: 'realtime', keywords: CATEGORY_LABELS[code], group: '网络问政' };
}

function requestView(p: Petition) {
  return {
    service_request_id: p.trackingCode,
    status: CLOSED.has(p.status) ? 'closed' : 'open',
    status_notes: statusLabel(p.status),
    service_name: CATEGORY_LABELS[p.category],
    service_code: p.category,
    agency_responsible: '龙南市“五型”政府建设工作办公室',
    requested_datetime: p.createdAt.toISOString(),
    updated_datetime: p.updatedAt.toISOString(),
  };
}

/** the JSON format only: `.json` paths; `.xml` is refused with a clear message */
const jsonOnly = (req: Request, res: Response): boolean => {
  if (String(req.params.format) === 'json') return true;
  fail(res, 400, '仅支持 JSON 格式(.json)');
  return false;
};

export function open311Routes(ctx: AppContext): Router {
  const r = Router();
  const keys = ctx.open311ApiKeys.map((k) => Buffer.from(k));
  const keyOk = (given: unknown) => typeof given === 'string' && keys.some((k) => k.length === Buffer.byteLength(given) && timingSafeEqual(k, Buffer.from(given)));

  r.get('/open311/v2/discovery.json', (_req, res) =>
    res.json({ changeset: '2026-12-01T00:00:00Z', contact: '龙南市“五型”政府建设工作办公室', key_service: '向平台申请 API key', endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${ctx.publicBaseUrl}/open311/v2`, changeset: '2026-12-01T00:00:00Z', type: 'production', formats: ['application/json'] }] }),
  );
  r.get('/open311/v2/services.:format', (req, res) => {
    if (jsonOnly(req, res)) res.json(CATEGORIES.map(service));
  });
  r.get('/open311/v2/services/:code.:format', handle(async (req, res) => {
    if (!jsonOnly(req, res)) return;
    if (!isCategory(String(req.params.code))) return fail(res, 404, `没有服务 ${String(req.params.code).slice(0, 40)}`);
    const townships = await ctx.townshipOptions();
    res.json({
      service_code: String(req.params.code),
      attributes: [
        { variable: true, code: 'title', datatype: 'string', required: false, datatype_description: '标题(不填则取描述的前 30 字)', order: 1, description: '标题' },
        { variable: true, code: 'township', datatype: 'singlevaluelist', required: false, datatype_description: '发生地所在乡镇', order: 2, description: '发生地(乡镇)', values: townships.map((t) => ({ key: t.value, name: t.label })) },
        { variable: true, code: 'confidential', datatype: 'singlevaluelist', required: false, datatype_description: '诉求人要求保密(第十九条)', order: 3, description: '是否保密', values: [{ key: 'true', name: '是' }, { key: 'false', name: '否' }] },
      ],
    });
  }));

  r.post('/open311/v2/requests.:format', ctx.limits.portal, handle(async (req, res) => {
    if (!jsonOnly(req, res)) return;
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (!keys.length) return fail(res, 403, '本平台未开放 Open311 提交');
    if (!keyOk(b.api_key)) return fail(res, 403, 'api_key 无效');
    // attributes come as `attribute[code]` form fields (or an `attribute` object in JSON)
    const attr: Record<string, unknown> = { ...(typeof b.attribute === 'object' && b.attribute !== null ? (b.attribute as Record<string, unknown>) : {}) };
    for (const [k, v] of Object.entries(b)) {
      const m = /^attribute\[(\w{1,32})\]$/.exec(k);
      if (m) attr[m[1]] = v;
    }
    const description = typeof b.description === 'string' ? b.description : '';
    const name = [b.last_name, b.first_name].filter((x) => typeof x === 'string' && x.trim()).join('');
    try {
      const p = await ctx.petitionService.submit(
        {
          category: b.service_code,
          title: typeof attr.title === 'string' && attr.title.trim() ? attr.title : [...description.trim()].slice(0, 30).join(''),
          content: description,
          township: attr.township ?? null,
          confidential: attr.confidential ?? false,
          petitionerName: name,
          petitionerPhone: b.phone,
        },
        { channel: 'web', actor: 'petitioner', requireAgreement: false, allowUrgent: false },
      );
      res.status(201).json([{ service_request_id: p.trackingCode, service_notice: '已受理登记,请凭查询编号和手机号码查询办理进度', account_id: null }]);
    } catch (err) {
      if (err instanceof HttpError && err.status === 400) {
        const details = Array.isArray(err.details) ? (err.details as { field: string; message: string }[]) : [];
        const open311Name: Record<string, string> = { category: 'service_code', content: 'description', petitionerName: 'first_name/last_name', petitionerPhone: 'phone', title: 'attribute[title]', township: 'attribute[township]' };
        return res.status(400).json(details.length ? details.map((d) => ({ code: 400, description: `${open311Name[d.field] ?? d.field}: ${d.message}` })) : [{ code: 400, description: err.message }]);
      }
      throw err;
    }
  }));

  const byIds = async (ids: string[]) => {
    const found: Petition[] = [];
    for (const id of ids) {
      const p = await ctx.petitions.findByTrackingCode(id);
      if (p) found.push(p);
    }
    return found;
  };
  r.get('/open311/v2/requests.:format', handle(async (req, res) => {
    if (!jsonOnly(req, res)) return;
    const raw = typeof req.query.service_request_id === 'string' ? req.query.service_request_id : '';
    const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (!ids.length) return fail(res, 400, '请提供 service_request_id(查询编号,可用逗号分隔多个)');
    if (ids.length > 50) return fail(res, 400, '一次最多查询 50 个编号');
    res.json((await byIds(ids)).map(requestView));
  }));
  r.get('/open311/v2/requests/:id.:format', handle(async (req, res) => {
    if (!jsonOnly(req, res)) return;
    const [p] = await byIds([String(req.params.id)]);
    if (!p) return fail(res, 404, `没有编号为 ${String(req.params.id).slice(0, 40)} 的诉求`);
    res.json([requestView(p)]);
  }));
  return r;
}
