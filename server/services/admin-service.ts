/**
 * Administration: member units (乡镇 / 市直部门 / 公共服务企事业单位) and their people (承办人, 责任人,
 * 分管领导, 主要领导), staff accounts and roles, working-day overrides. Process admins keep units and
 * the calendar; admins keep accounts. Every change is in the audit log; a repository's input error
 * becomes a 400 that names the problem.
 */
import { CalendarInputError } from '../domain/calendar/errors.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { CalendarRepository } from '../data/calendar-repository.js';
import type { SessionsRepository } from '../data/sessions-repository.js';
import { StaffInputError, StaffNotFoundError, type StaffRecord, type StaffRepository } from '../data/staff-repository.js';
import { UnitInputError, UnitNotFoundError, type UnitsRepository } from '../data/units-repository.js';
import { HttpError } from '../http-error.js';

export interface AdminServiceDeps {
  units: UnitsRepository;
  staff: StaffRepository;
  sessions: SessionsRepository;
  calendar: CalendarRepository;
  audit: AuditRepository;
  /** the cached calendar the workers read must be dropped after a change */
  calendarChanged?: () => void;
}

/** run a repository call, turning its input errors into 400 / 404 */
async function checked<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UnitNotFoundError || err instanceof StaffNotFoundError) throw new HttpError(404, 'NOT_FOUND', '未找到该记录');
    if (err instanceof UnitInputError || err instanceof StaffInputError || err instanceof CalendarInputError) {
      throw new HttpError(400, 'INVALID_INPUT', `输入有误:${err.message}`, [{ field: (err as { field?: string }).field ?? '', message: `输入有误:${err.message}` }]);
    }
    throw err;
  }
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
const duties = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[,,\s]+/).map((s) => s.trim()).filter(Boolean) : undefined;
const flag = (v: unknown): boolean | undefined => (v === true || v === 'true' || v === 'on' ? true : v === false || v === 'false' ? false : undefined);
const opt = (v: unknown) => (v === '' ? null : v);

export function createAdminService(deps: AdminServiceDeps) {
  const { units, staff, audit } = deps;
  const log = (actor: StaffRecord, action: string, detail: Record<string, unknown>) => audit.append({ actor: actor.id, action, detail });

  return {
    listUnits: () => units.list({ includeInactive: true }),
    async getUnit(id: string) {
      const unit = await units.get(id);
      if (!unit) throw new HttpError(404, 'NOT_FOUND', '未找到该单位');
      return { unit, people: await units.listPeople(id) };
    },
    async createUnit(actor: StaffRecord, body: Record<string, unknown>) {
      const unit = await checked(() => units.create({ name: body.name as string, kind: body.kind as any, township: opt(body.township ?? null) as string | null, duties: duties(body.duties) ?? [] }));
      await log(actor, 'admin.unit-created', { unitId: unit.id });
      return unit;
    },
    async updateUnit(actor: StaffRecord, id: string, body: Record<string, unknown>) {
      const patch: Record<string, unknown> = {};
      if (body.name !== undefined) patch.name = body.name;
      if (body.kind !== undefined) patch.kind = body.kind;
      if (body.township !== undefined) patch.township = opt(body.township);
      if (body.duties !== undefined) patch.duties = duties(body.duties);
      // an unchecked box sends nothing: a page form always means "active = whether it is checked"
      const active = flag(body.active);
      patch.active = active ?? (body._form === 'page' ? false : undefined);
      if (patch.active === undefined) delete patch.active;
      const unit = await checked(() => units.update(id, patch as any));
      await log(actor, 'admin.unit-updated', { unitId: id, fields: Object.keys(patch) });
      return unit;
    },
    async addPerson(actor: StaffRecord, unitId: string, body: Record<string, unknown>) {
      const person = await checked(() => units.addPerson(unitId, { role: body.role as any, name: body.name as string, phone: body.phone as string }));
      await log(actor, 'admin.person-added', { unitId, personId: person.id, role: person.role });
      return person;
    },
    async removePerson(actor: StaffRecord, personId: number) {
      const person = Number.isSafeInteger(personId) ? await units.getPerson(personId) : undefined;
      if (!person) throw new HttpError(404, 'NOT_FOUND', '未找到该人员');
      await units.removePerson(personId);
      await log(actor, 'admin.person-removed', { unitId: person.unitId, personId });
      return person;
    },

    listStaff: () => staff.list({ includeInactive: true }),
    async createStaff(actor: StaffRecord, body: Record<string, unknown>) {
      const account = await checked(() =>
        staff.create({ username: body.username as string, displayName: body.displayName as string, password: body.password as string, roles: list(body.roles) as any, unitId: opt(body.unitId ?? null) as string | null }),
      );
      await log(actor, 'admin.staff-created', { staffId: account.id, roles: account.roles });
      return account;
    },
    async updateStaff(actor: StaffRecord, id: string, body: Record<string, unknown>) {
      const patch: Record<string, unknown> = {};
      if (body.displayName !== undefined) patch.displayName = body.displayName;
      if (body.roles !== undefined) patch.roles = list(body.roles);
      if (body.unitId !== undefined) patch.unitId = opt(body.unitId);
      const active = flag(body.active);
      if (active !== undefined) patch.active = active;
      if (id === actor.id && (patch.active === false || (patch.roles && !(patch.roles as string[]).includes('admin')))) {
        throw new HttpError(400, 'INVALID_INPUT', '不能停用自己的账号或取消自己的管理员角色', [{ field: 'active', message: '不能停用自己的账号或取消自己的管理员角色' }]);
      }
      const account = await checked(() => staff.update(id, patch as any));
      // a disabled account or changed roles: its sessions end now
      if (patch.active === false || patch.roles || patch.unitId !== undefined) await deps.sessions.destroyForStaff(id);
      await log(actor, 'admin.staff-updated', { staffId: id, fields: Object.keys(patch) });
      return account;
    },
    async setPassword(actor: StaffRecord, id: string, password: unknown) {
      await checked(() => staff.setPassword(id, password as string));
      await deps.sessions.destroyForStaff(id);
      await log(actor, 'admin.staff-password-set', { staffId: id });
    },
    async unlock(actor: StaffRecord, id: string) {
      await checked(() => staff.unlock(id));
      await log(actor, 'admin.staff-unlocked', { staffId: id });
    },

    listOverrides: () => deps.calendar.listOverrides(),
    async setOverride(actor: StaffRecord, body: Record<string, unknown>) {
      const workday = flag(body.workday);
      if (workday === undefined) throw new HttpError(400, 'INVALID_INPUT', '请选择放假或上班', [{ field: 'workday', message: '请选择放假或上班' }]);
      const record = await checked(() =>
        deps.calendar.setOverride({ date: body.date as string, workday, ...(body.label ? { label: String(body.label) } : {}), ...(body.source ? { source: String(body.source) } : {}), by: actor.username }),
      );
      deps.calendarChanged?.();
      await log(actor, 'admin.calendar-set', { date: record.date, workday });
      return record;
    },
    async removeOverride(actor: StaffRecord, date: string) {
      const removed = await checked(() => deps.calendar.removeOverride(date));
      if (!removed) throw new HttpError(404, 'NOT_FOUND', '该日期没有调整');
      deps.calendarChanged?.();
      await log(actor, 'admin.calendar-removed', { date });
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
