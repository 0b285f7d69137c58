/**
 * The user-task forms as versions (server/data/forms-repository.ts) behind the form gate
 * (server/deploy/form-gate.ts), and the app's live `forms` map — form id → the latest version's
 * schema — that the task service shows tasks with and the deploy gate takes its form ids from.
 *
 * - `importFormFiles` brings forms/*.form in at start: a file whose schema is new becomes the next
 *   version, by `start-up` (a fresh database gets version 1 of each). A file equal to an older stored
 *   version is not brought in again: that file is simply older than what an admin saved in the form
 *   editor since, and a restart must not undo the admin's save. A file that fails the gate stops
 *   start-up with every problem listed, as a diagram does.
 * - `save` checks, refuses with every problem (400) or with the deployed diagrams' uses of the fields
 *   it drops (409 FIELD_IN_USE, unless confirmed), writes the next version, updates the live map, and
 *   audits `form.saved`. An identical schema makes no version.
 * - `current` is the live map as the database has it: a form saved through another app process is
 *   what this one shows tasks with and checks deployments against (issue 13). Only the latest
 *   version numbers are read each time; a schema is read again when its version moved.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRepository } from '../data/audit-repository.js';
import { canonicalJson, FORM_ID, type FormSchemaJson, type FormsRepository, type FormVersionInfo } from '../data/forms-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { FormSchema } from '../domain/form-validation.js';
import { checkFormSchema, FormRejected, type FieldInUse, type FormGate, type FormProblem } from '../deploy/form-gate.js';
import { HttpError } from '../http-error.js';

export interface FormSummary {
  formId: string;
  /** the first heading of the form's text, else the form id */
  title: string;
  version: number;
  deployedBy: string;
  deployedAt: Date;
}

/** problems of forms/ files at start, each naming its file */
export class FormFilesRejected extends Error {
  constructor(readonly problems: (FormProblem & { file: string })[]) {
    super(`forms/ 中的表单未通过检查,共 ${problems.length} 个问题:\n${problems.map((p) => `  ${p.file}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('\n')}`);
    this.name = 'FormFilesRejected';
  }
}

/** the first markdown heading of the form's text components (the forms here open with `### 标题`) */
export function formTitle(formId: string, schema: unknown): string {
  const components = (schema as { components?: unknown })?.components;
  const stack = Array.isArray(components) ? [...components] : [];
  while (stack.length) {
    const c = stack.shift() as Record<string, unknown> | null;
    if (!c || typeof c !== 'object') continue;
    if (c.type === 'text' && typeof c.text === 'string') {
      const m = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/m.exec(c.text);
      if (m) return m[1].slice(0, 100);
    }
    if (Array.isArray(c.components)) stack.unshift(...c.components);
  }
  return formId;
}

const isObject = (x: unknown): x is FormSchemaJson => typeof x === 'object' && x !== null && !Array.isArray(x);
/** the schema as stored: with its id set to the form id when it had none */
const normalise = (formId: string, schema: FormSchemaJson): FormSchemaJson => (schema.id === undefined ? { ...schema, id: formId } : schema);

export interface ImportResult {
  forms: Map<string, FormSchema>;
  /** files that became a new version */
  created: { formId: string; version: number }[];
  /** files equal to an older version than the latest (saved in the editor since): not brought in */
  older: { formId: string; fileVersion: number; latest: number }[];
  /** fields a new version from a file drops that a deployed diagram uses (logged: the files are the admin's decision) */
  warnings: FieldInUse[];
}

export async function importFormFiles(deps: { repo: FormsRepository; gate: FormGate; dir: string; forms?: Map<string, FormSchema> }): Promise<ImportResult> {
  const { repo, gate } = deps;
  const files = readdirSync(deps.dir).filter((n) => n.endsWith('.form')).sort();
  const problems: (FormProblem & { file: string })[] = [];
  const parsed: { formId: string; schema: FormSchemaJson }[] = [];
  for (const file of files) {
    const formId = file.slice(0, -'.form'.length);
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(join(deps.dir, file), 'utf8'));
    } catch (err) {
      problems.push({ file, field: '', rule: 'json', message: `不是有效的 JSON:${(err as Error).message}` });
      continue;
    }
    const found = checkFormSchema(formId, schema);
    problems.push(...found.map((p) => ({ ...p, file })));
    if (!found.length) parsed.push({ formId, schema: normalise(formId, schema as FormSchemaJson) });
  }
  if (problems.length) throw new FormFilesRejected(problems);

  const result: ImportResult = { forms: deps.forms ?? new Map(), created: [], older: [], warnings: [] };
  for (const { formId, schema } of parsed) {
    const latest = await repo.get(formId);
    if (latest && canonicalJson(latest.schema) === canonicalJson(schema)) continue;
    const stored = latest && (await repo.findBySchema(formId, schema));
    if (latest && stored) {
      result.older.push({ formId, fileVersion: stored.version, latest: latest.version });
      continue;
    }
    if (latest) result.warnings.push(...(await gate.check(formId, schema, latest.schema)).warnings);
    const saved = await repo.save(formId, schema, { deployedBy: 'start-up' });
    if (saved.created) result.created.push({ formId, version: saved.version.version });
  }
  for (const v of await repo.listLatest()) result.forms.set(v.formId, v.schema as FormSchema);
  return result;
}

export interface FormServiceDeps {
  repo: FormsRepository;
  gate: FormGate;
  audit: AuditRepository;
  /** the live map: updated in place on every save */
  forms: Map<string, FormSchema>;
  /** forms/ to bring in on first use, when the app was built without importing it first */
  importFrom?: string;
}

export function createFormService(deps: FormServiceDeps) {
  const { repo, gate, audit, forms } = deps;
  let imported: Promise<unknown> | undefined = deps.importFrom ? undefined : Promise.resolve();
  const ready = () => (imported ??= importFormFiles({ repo, gate, dir: deps.importFrom as string, forms }).catch((err) => {
    imported = undefined;
    throw err;
  }));

  /** the version of each form the live map holds */
  const held = new Map<string, number>();
  let refreshing: Promise<Map<string, FormSchema>> | undefined;
  const refresh = async () => {
    await ready();
    const latest = await repo.latestVersions();
    for (const [formId, version] of latest) {
      if (held.get(formId) === version && forms.has(formId)) continue;
      const v = await repo.get(formId, version);
      if (!v) continue;
      forms.set(formId, v.schema as FormSchema);
      held.set(formId, version);
    }
    return forms;
  };

  const notFound = () => new HttpError(404, 'NOT_FOUND', '未找到该表单');
  const known = (formId: string) => typeof formId === 'string' && FORM_ID.test(formId);

  async function latestOf(formId: string) {
    await ready();
    if (!known(formId)) throw notFound();
    const latest = await repo.get(formId);
    if (!latest) throw notFound();
    return latest;
  }

  function bodyOf(input: unknown): { schema: unknown; confirmWarnings: boolean } {
    if (!isObject(input) || input.schema === undefined) throw new HttpError(400, 'INVALID_INPUT', '请求须为 { "schema": { …表单定义… }, "confirmWarnings"?: true }', [{ field: 'schema', message: '缺少表单定义' }]);
    if (input.confirmWarnings !== undefined && typeof input.confirmWarnings !== 'boolean') throw new HttpError(400, 'INVALID_INPUT', 'confirmWarnings 须为 true 或 false', [{ field: 'confirmWarnings', message: '须为 true 或 false' }]);
    return { schema: input.schema, confirmWarnings: input.confirmWarnings === true };
  }

  const service = {
    /** form id → the latest version's schema, saves of every app process included */
    current(): Promise<Map<string, FormSchema>> {
      // requests at once share one refresh
      refreshing ??= refresh().finally(() => (refreshing = undefined));
      return refreshing;
    },

    async list(): Promise<FormSummary[]> {
      await ready();
      return (await repo.listLatest()).map((v) => ({ formId: v.formId, title: formTitle(v.formId, v.schema), version: v.version, deployedBy: v.deployedBy, deployedAt: v.deployedAt }));
    },

    /** the latest version with its schema, and every version (newest first) */
    async get(formId: string): Promise<{ formId: string; title: string; version: number; deployedBy: string; deployedAt: Date; schema: FormSchemaJson; versions: Omit<FormVersionInfo, 'sha256' | 'formId'>[] }> {
      const latest = await latestOf(formId);
      const versions = (await repo.versions(formId)).map(({ version, deployedBy, deployedAt }) => ({ version, deployedBy, deployedAt }));
      return { formId, title: formTitle(formId, latest.schema), version: latest.version, deployedBy: latest.deployedBy, deployedAt: latest.deployedAt, schema: latest.schema, versions };
    },

    async getVersion(formId: string, version: number) {
      await latestOf(formId);
      if (!Number.isSafeInteger(version) || version < 1) throw new HttpError(404, 'NOT_FOUND', '未找到该表单版本');
      const v = await repo.get(formId, version);
      if (!v) throw new HttpError(404, 'NOT_FOUND', '未找到该表单版本');
      return { formId, version: v.version, deployedBy: v.deployedBy, deployedAt: v.deployedAt, schema: v.schema };
    },

    /** what saving would do: problems, warnings, the fields dropped; nothing is written */
    async check(formId: string, input: unknown) {
      await ready();
      const { schema } = bodyOf(input);
      const latest = known(formId) ? await repo.get(formId) : undefined;
      const normalised = isObject(schema) && known(formId) ? normalise(formId, schema) : schema;
      const unchanged = Boolean(latest && isObject(normalised) && canonicalJson(latest.schema) === canonicalJson(normalised));
      const found = await gate.check(formId, normalised, latest?.schema);
      return { formId, latestVersion: latest?.version ?? null, unchanged, ...found };
    },

    /** the next version (201), or the latest when the schema is the same (created: false) */
    async save(staff: StaffRecord, formId: string, input: unknown): Promise<{ formId: string; version: number; created: boolean }> {
      await ready();
      const { schema, confirmWarnings } = bodyOf(input);
      const latest = known(formId) ? await repo.get(formId) : undefined;
      const normalised = isObject(schema) && known(formId) ? normalise(formId, schema) : schema;
      if (latest && isObject(normalised) && canonicalJson(latest.schema) === canonicalJson(normalised)) return { formId, version: latest.version, created: false };
      const { problems, warnings, removed } = await gate.check(formId, normalised, latest?.schema);
      if (problems.length) throw new FormRejected(problems);
      if (warnings.length && !confirmWarnings) {
        const fields = [...new Set(warnings.map((w) => w.field))];
        throw new HttpError(409, 'FIELD_IN_USE', `新版本删除了已部署流程正在使用的字段(${fields.join('、')}),共 ${warnings.length} 处。确认后再保存`, warnings);
      }
      const saved = await repo.save(formId, normalised as FormSchemaJson, { deployedBy: staff.username });
      if (saved.created) {
        forms.set(formId, saved.version.schema as FormSchema);
        held.set(formId, saved.version.version);
        await audit.append({
          actor: staff.id,
          action: 'form.saved',
          detail: { formId, version: saved.version.version, removedFields: removed, confirmedWarnings: warnings.map((w) => ({ field: w.field, processId: w.processId, elementId: w.elementId, where: w.where })) },
        });
      }
      return { formId, version: saved.version.version, created: saved.created };
    },
  };
  return service;
}

export type FormService = ReturnType<typeof createFormService>;
