/**
 * The inspector's operator actions (issue 18), for process admins only — auditors see them in the
 * timeline and can perform none (readOnlyGuard refuses their writes before this, requireRole too):
 * edit a running instance's variables and cancel it, each with a required reason, audited by
 * ctx.inspector. The same actions as JSON (`PATCH /api/inspector/instances/:key/variables`,
 * `POST /api/inspector/instances/:key/cancel`) and as the instance page's forms (CSRF-checked,
 * answered with a redirect back to the page).
 */
import { Router, type Response } from 'express';
import type { StaffRecord } from '../data/staff-repository.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';

const enc = encodeURIComponent;

export function inspectorOperationRoutes(ctx: AppContext): Router {
  const r = Router();
  const admins = requireRole('process-admin');
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const body = (req: { body?: unknown }) => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

  r.patch(
    '/api/inspector/instances/:key/variables',
    admins,
    handle(async (req, res) => {
      const entry = await ctx.inspector.editVariables(me(res).id, String(req.params.key), { variables: body(req).variables, reason: body(req).reason });
      res.json({ processInstanceKey: String(req.params.key), audit: { id: entry.id, actor: entry.actor, action: entry.action, at: entry.at, detail: entry.detail } });
    }),
  );
  r.post(
    '/api/inspector/instances/:key/cancel',
    admins,
    handle(async (req, res) => {
      await ctx.inspector.cancel(me(res).id, String(req.params.key), { reason: body(req).reason });
      res.json({ processInstanceKey: String(req.params.key), state: 'canceled' });
    }),
  );

  // Operate's modify and migrate (the engine port's commands; refusals come back with the engine's code)
  r.post(
    '/api/inspector/instances/:key/modify',
    admins,
    handle(async (req, res) => {
      const b = body(req);
      await ctx.inspector.modify(me(res).id, String(req.params.key), { activate: b.activate, terminate: b.terminate, reason: b.reason });
      res.json({ processInstanceKey: String(req.params.key), modified: true });
    }),
  );
  r.post(
    '/api/inspector/instances/:key/migration-check',
    admins,
    handle(async (req, res) => {
      const b = body(req);
      res.json(await ctx.inspector.checkMigration(String(req.params.key), { targetVersion: b.targetVersion, targetProcessDefinitionKey: b.targetProcessDefinitionKey, mapping: b.mapping }));
    }),
  );
  r.post(
    '/api/inspector/instances/:key/migrate',
    admins,
    handle(async (req, res) => {
      const b = body(req);
      res.json(await ctx.inspector.migrate(me(res).id, String(req.params.key), { targetVersion: b.targetVersion, targetProcessDefinitionKey: b.targetProcessDefinitionKey, mapping: b.mapping, reason: b.reason }));
    }),
  );

  // the page's forms: the variables come as a JSON text
  r.post(
    '/inspector/instances/:key/variables',
    admins,
    handle(async (req, res) => {
      const key = String(req.params.key);
      await ctx.inspector.editVariables(me(res).id, key, { variables: typeof body(req).variables === 'string' ? body(req).variables : undefined, reason: body(req).reason });
      res.redirect(303, `/inspector/instances/${enc(key)}?done=variables`);
    }),
  );
  r.post(
    '/inspector/instances/:key/cancel',
    admins,
    handle(async (req, res) => {
      const key = String(req.params.key);
      await ctx.inspector.cancel(me(res).id, key, { reason: body(req).reason });
      res.redirect(303, `/inspector/instances/${enc(key)}?done=canceled`);
    }),
  );
  r.post(
    '/inspector/instances/:key/modify',
    admins,
    handle(async (req, res) => {
      const key = String(req.params.key);
      const b = body(req);
      await ctx.inspector.modify(me(res).id, key, { activate: b.activate, terminate: b.terminate, reason: b.reason });
      res.redirect(303, `/inspector/instances/${enc(key)}?done=modified`);
    }),
  );
  r.post(
    '/inspector/instances/:key/migrate',
    admins,
    handle(async (req, res) => {
      const key = String(req.params.key);
      const b = body(req);
      await ctx.inspector.migrate(me(res).id, key, { targetVersion: b.targetVersion, mapping: b.mapping, reason: b.reason });
      res.redirect(303, `/inspector/instances/${enc(key)}?done=migrated`);
    }),
  );
  return r;
}
