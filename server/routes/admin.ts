/**
 * Admin pages: units and their people, working-day overrides (process admins and admins), staff
 * accounts and roles (admins). A bad entry shows the page again with the problem; nothing changes.
 */
import { Router, type Response } from 'express';
import { PERSON_ROLES, PERSON_ROLE_LABELS, UNIT_KINDS, UNIT_KIND_LABELS } from '../data/units-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { PASSWORD_MIN_LENGTH } from '../domain/passwords.js';
import { ROLE_IDS, ROLE_LABELS } from '../domain/roles.js';
import { HttpError } from '../http-error.js';
import { handle, requireRole, staffOf } from '../http/web.js';
import type { AppContext } from '../app-context.js';

export function adminRoutes(ctx: AppContext): Router {
  const r = Router();
  const { adminService: admin } = ctx;
  const me = (res: Response) => staffOf(res) as StaffRecord;
  const { page } = ctx;
  const kinds = UNIT_KINDS.map((value) => ({ value, label: UNIT_KIND_LABELS[value] }));

  /** run a change; on a 400 show the page again with the problem */
  const change = (show: (res: Response, extra: Record<string, unknown>, status?: number) => Promise<unknown>, fn: (req: any, res: Response) => Promise<string>) =>
    handle(async (req, res) => {
      try {
        const done = await fn(req, res);
        await show(res, { done });
      } catch (err) {
        if (err instanceof HttpError && err.status === 400) return show(res, { errors: err.details ?? [{ field: '', message: err.message }], errorMessage: err.message, values: req.body }, 400);
        throw err;
      }
    });

  const units = requireRole('process-admin', 'admin');
  const unitsPage = async (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    page(res, 'admin-units', { title: '成员单位', kinds, values: {}, units: (await admin.listUnits()).map((u) => ({ ...u, kindLabel: UNIT_KIND_LABELS[u.kind] })), ...extra }, status);
  r.get('/admin/units', units, handle(async (_req, res) => unitsPage(res)));
  r.post('/admin/units', units, change(unitsPage, async (req, res) => `已新增单位 ${(await admin.createUnit(me(res), req.body ?? {})).name}`));

  const unitPage = (id: string) => async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const { unit, people } = await admin.getUnit(id);
    page(res, 'admin-unit', { title: unit.name, unit, duties: unit.duties.join(', '), kinds, personRoles: PERSON_ROLES.map((value) => ({ value, label: PERSON_ROLE_LABELS[value] })), people: people.map((p) => ({ ...p, roleLabel: PERSON_ROLE_LABELS[p.role] })), ...extra }, status);
  };
  r.get('/admin/units/:id', units, handle(async (req, res) => unitPage(String(req.params.id))(res)));
  r.post('/admin/units/:id', units, (req, res, next) =>
    change(unitPage(String(req.params.id)), async (rq, rs) => {
      await admin.updateUnit(me(rs), String(rq.params.id), { ...rq.body, _form: 'page' });
      return '已保存';
    })(req, res, next),
  );
  r.post('/admin/units/:id/people', units, (req, res, next) =>
    change(unitPage(String(req.params.id)), async (rq, rs) => `已添加 ${(await admin.addPerson(me(rs), String(rq.params.id), rq.body ?? {})).name}`)(req, res, next),
  );
  r.post(
    '/admin/people/:id/delete',
    units,
    handle(async (req, res) => {
      const person = await admin.removePerson(me(res), Number(String(req.params.id)));
      res.redirect(303, `/admin/units/${encodeURIComponent(person.unitId)}`);
    }),
  );

  const calendarPage = async (res: Response, extra: Record<string, unknown> = {}, status = 200) =>
    page(res, 'admin-calendar', { title: '工作日调整', values: {}, overrides: await admin.listOverrides(), ...extra }, status);
  r.get('/admin/calendar', units, handle(async (_req, res) => calendarPage(res)));
  r.post('/admin/calendar', units, change(calendarPage, async (req, res) => `已保存 ${(await admin.setOverride(me(res), req.body ?? {})).date}`));
  r.post('/admin/calendar/:date/delete', units, change(calendarPage, async (req, res) => {
    await admin.removeOverride(me(res), String(req.params.date));
    return `已删除 ${String(req.params.date)} 的调整`;
  }));

  const accounts = requireRole('admin');
  const staffPage = async (res: Response, extra: Record<string, unknown> = {}, status = 200) => {
    const unitList = await admin.listUnits();
    const names = new Map(unitList.map((u) => [u.id, u.name]));
    const now = Date.now();
    page(res, 'admin-staff', {
      title: '工作人员账号',
      passwordMin: PASSWORD_MIN_LENGTH,
      values: {},
      roles: ROLE_IDS.map((value) => ({ value, label: ROLE_LABELS[value] })),
      units: unitList,
      accounts: (await admin.listStaff()).map((s) => ({ ...s, roleLabels: s.roles.map((x) => ROLE_LABELS[x]).join('、'), unitName: s.unitId ? names.get(s.unitId) : '', locked: s.lockedUntil !== null && s.lockedUntil.getTime() > now })),
      ...extra,
    }, status);
  };
  r.get('/admin/staff', accounts, handle(async (_req, res) => staffPage(res)));
  r.post('/admin/staff', accounts, change(staffPage, async (req, res) => `已新增账号 ${(await admin.createStaff(me(res), req.body ?? {})).username}`));
  r.post('/admin/staff/:id', accounts, change(staffPage, async (req, res) => `已更新账号 ${(await admin.updateStaff(me(res), String(req.params.id), req.body ?? {})).username}`));
  r.post('/admin/staff/:id/password', accounts, change(staffPage, async (req, res) => {
    await admin.setPassword(me(res), String(req.params.id), req.body?.password);
    return '已重设密码';
  }));
  r.post('/admin/staff/:id/unlock', accounts, change(staffPage, async (req, res) => {
    await admin.unlock(me(res), String(req.params.id));
    return '已解锁';
  }));
  return r;
}
