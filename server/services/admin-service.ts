/**
 * Administration: member units (乡镇 / 市直部门 / 公共服务企事业单位) and their people (承办人, 责任人,
 * 分管领导, 主要领导), staff accounts and roles, working-day overrides. Process admins keep units and
 * the calendar; admins keep accounts. Every change is in the audit log; a repository's input error
 * becomes a 400 that names the problem.
 */
import { CalendarInputError } from '../../regulation/calendar/errors.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { CalendarRepository } from '../data/calendar-repository.js';
import type { SessionsRepository } from '../data/sessions-repository.js';
import { StaffInputError, StaffNotFoundError, type StaffRecord, type StaffRepository } from '../data/staff-repository.js';
import { UnitInputError, UnitNotFoundError, type UnitsRepository } from '../data/units-repository.js';
import { ROLE_LABELS, type RoleId } from '../domain/roles.js';
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

/** the repositories' input errors (English, for developers) as the admin reads them, with the field at fault */
const IN_CHINESE: [RegExp, string, (m: RegExpExecArray) => string][] = [
  [/^username must be/, 'username', () => '用户名须为 2–64 个字符,以小写字母开头,只含字母、数字、点、横线或下划线'],
  [/^username (\S+) is reserved/, 'username', (m) => `用户名「${m[1]}」是系统保留的,请换一个`],
  [/^username (\S+) is taken/, 'username', (m) => `用户名「${m[1]}」已被使用,请换一个`],
  [/^displayName must not be empty/, 'displayName', () => '请填写姓名'],
  [/^displayName must have at most (\d+)/, 'displayName', (m) => `姓名最多 ${m[1]} 个字`],
  [/^displayName must/, 'displayName', () => '姓名须为文字,不能含控制字符或 < >'],
  [/^roles must be a non-empty list/, 'roles', () => '请至少选择一个角色'],
  [/^unknown role (.+?) \(known/, 'roles', (m) => `没有角色 ${m[1]}`],
  [/^roles must not repeat/, 'roles', () => '角色不能重复'],
  [/^role (.+) needs the account's unit/, 'unitId', (m) => `${m[1].split(', ').map((r) => ROLE_LABELS[r as RoleId] ?? r).join('、')}须选择所属单位`],
  [/^the password must have at least (\d+)/, 'password', (m) => `密码至少 ${m[1]} 个字符`],
  [/^the password must have at most (\d+)/, 'password', (m) => `密码最多 ${m[1]} 个字符`],
  [/^the password must/, 'password', () => '请填写密码'],
  [/^unitId must be/, 'unitId', () => '所属单位不正确'],
  [/^unit (.+) does not exist/, 'unitId', (m) => `单位 ${m[1]} 不存在`],
  [/^active must be true or false/, 'active', () => '“启用”只能是“是”或“否”'],
  [/date must be a calendar day written YYYY-MM-DD/, 'date', () => '日期须为有效的日期,写作 YYYY-MM-DD(如 2026-10-01)'],
  [/: label must be text/, 'label', () => '说明须为文字'],
  [/: source must be text/, 'source', () => '依据文件须为文字'],
  [/^label must be at most (\d+)/, 'label', (m) => `说明最多 ${m[1]} 个字`],
  [/^source must be at most (\d+)/, 'source', (m) => `依据文件最多 ${m[1]} 个字`],
  // units and their people
  [/^a unit named (.+) exists already/, 'name', (m) => `已有名为「${m[1]}」的单位`],
  [/^a township unit for code (\S+) exists already/, 'township', (m) => `区划代码 ${m[1]} 已有对应的乡镇单位`],
  [/^a unit with this id exists already/, 'id', () => '该单位编号已被使用'],
  [/^kind must be one of/, 'kind', () => '请选择单位类型(乡镇、市直部门或公共服务企事业单位)'],
  [/^only a township unit/, 'township', () => '只有乡镇单位填写乡镇区划代码'],
  [/^a township unit \(乡镇\) needs its township code/, 'township', () => '乡镇单位须填写 9 位或 12 位统计用区划代码(如 360783100)'],
  [/^duties must be a list|^a unit has at most 20 duty tags|^duty tag/, 'duties', () => '职责标签最多 20 个,每个由小写字母、数字和横线组成(如 market-regulation)'],
  [/^phone must/, 'phone', () => '电话须为手机号码或带区号的固定电话(如 0797-1234567)'],
  [/^role must be one of/, 'role', () => '请选择人员职责(承办人、责任人、分管领导或主要领导)'],
  [/^name must not be empty/, 'name', () => '请填写名称或姓名'],
  [/^name must have at most (\d+)/, 'name', (m) => `名称或姓名最多 ${m[1]} 个字`],
  [/^name must/, 'name', () => '名称或姓名须为文字,不能含控制字符或 < >'],
];

/** run a repository call, turning its input errors into 400 / 404 */
async function checked<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UnitNotFoundError || err instanceof StaffNotFoundError) throw new HttpError(404, 'NOT_FOUND', '未找到该记录');
    if (err instanceof UnitInputError || err instanceof StaffInputError || err instanceof CalendarInputError) {
      let field = (err as { field?: string }).field ?? '';
      let text = err.message;
      for (const [re, f, say] of IN_CHINESE) {
        const m = re.exec(err.message);
        if (!m) continue;
        field = f;
        text = say(m);
        break;
      }
      throw new HttpError(400, 'INVALID_INPUT', `输入有误:${text}`, [{ field, message: `输入有误:${text}` }]);
    }
    throw err;
  }
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
const duties = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(/[,,\s]+/).map((s) => s.trim()).filter(Boolean) : undefined;
const flag = (v: unknown): boolean | undefined => (v === true || v === 'true' || v === 'on' ? true : v === false || v === 'false' ? false : undefined);
const opt = (v: unknown) => (v === '' ? null : v);
const given = (v: unknown) => v !== undefined && v !== null && v !== '';

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
        // a label or source that is not text reaches the repository's check as it is (never "[object Object]")
        deps.calendar.setOverride({ date: body.date as string, workday, ...(given(body.label) && { label: body.label as string }), ...(given(body.source) && { source: body.source as string }), by: actor.username }),
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
