/**
 * The versions of the user-task forms (table `form_versions`, migration 0501-form-versions): form id,
 * version, the form-js schema, who saved it and when. Versions are only added, never changed.
 *
 * - `save` makes the next version of a form, unless the schema is the same as the latest one's
 *   (compared as canonical JSON: the order of an object's keys is not a change) — then it answers
 *   the latest with `created: false` and writes nothing.
 * - `listLatest`, `versions`, `get`, `findBySchema` read; every answer is a plain object.
 * Checking that a schema is a usable form is the form gate's (server/deploy/form-gate.ts); here only
 * the shape of the arguments is checked (FormsInputError).
 */
import { createHash } from 'node:crypto';
import { insertIfAbsent, select, toDate, type Database } from './sql.js';

/** a form id: also a file name in forms/ and a `zeebe:formDefinition formId` */
export const FORM_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
/** as the audit log's actors: a username, or `start-up` */
const SAVER = /^[a-z][a-z0-9._:-]{0,127}$/;
/** well above the form gate's cap: the repository only refuses what cannot be a form */
const MAX_JSON = 1024 * 1024;

export type FormSchemaJson = Record<string, unknown>;

export interface FormVersionInfo {
  formId: string;
  version: number;
  /** username, or `start-up` (a file of forms/ brought in at start) */
  deployedBy: string;
  deployedAt: Date;
  /** SHA-256 of the schema's canonical JSON */
  sha256: string;
}

export interface FormVersion extends FormVersionInfo {
  schema: FormSchemaJson;
}

export interface FormsRepository {
  /** the latest version of every form, by form id */
  listLatest(): Promise<FormVersion[]>;
  /** form id → its latest version number, without the schemas (a cheap check for saves made elsewhere) */
  latestVersions(): Promise<Map<string, number>>;
  /** a form's versions without their schemas, newest first (empty for an unknown form) */
  versions(formId: string): Promise<FormVersionInfo[]>;
  /** one version, or the latest when no version is given */
  get(formId: string, version?: number): Promise<FormVersion | undefined>;
  /** the newest stored version of the form with exactly this schema */
  findBySchema(formId: string, schema: FormSchemaJson): Promise<FormVersionInfo | undefined>;
  /** the next version; an identical schema to the latest's makes none (`created: false`) */
  save(formId: string, schema: FormSchemaJson, meta: { deployedBy: string }): Promise<{ version: FormVersion; created: boolean }>;
}

export class FormsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormsInputError';
  }
}

/** JSON with every object's keys sorted: equal for schemas that differ only in key order */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value));
}

/** another save took the version first */
class Raced extends Error {}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Row {
  form_id: string;
  version: number | string;
  schema_json?: string;
  schema_sha256: string;
  deployed_by: string;
  deployed_at: number | string;
}

function toInfo(r: Row): FormVersionInfo {
  return { formId: r.form_id, version: Number(r.version), deployedBy: r.deployed_by, deployedAt: toDate(r.deployed_at), sha256: r.schema_sha256 };
}

function toVersion(r: Row): FormVersion {
  return { ...toInfo(r), schema: JSON.parse(r.schema_json as string) as FormSchemaJson };
}

function checkFormId(formId: unknown): asserts formId is string {
  if (typeof formId !== 'string' || !FORM_ID.test(formId)) throw new FormsInputError('form id must start with a letter and hold only letters, digits, - and _ (at most 64)');
}

function checkSchema(schema: unknown): string {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) throw new FormsInputError('a form schema must be a JSON object');
  const json = JSON.stringify(schema);
  if (json.length > MAX_JSON) throw new FormsInputError(`a form schema must be smaller than ${MAX_JSON} characters of JSON`);
  return json;
}

export function createFormsRepository(db: Database, options: { now?: () => number } = {}): FormsRepository {
  const now = options.now ?? Date.now;
  const INFO = 'form_id, version, schema_sha256, deployed_by, deployed_at';
  const ALL = `${INFO}, schema_json`;

  const repo: FormsRepository = {
    async listLatest() {
      const rows = await select<Row>(
        db,
        `SELECT ${ALL} FROM form_versions f WHERE version = (SELECT MAX(version) FROM form_versions l WHERE l.form_id = f.form_id) ORDER BY form_id`,
      );
      return rows.map(toVersion);
    },

    async latestVersions() {
      const rows = await select<{ form_id: string; version: number | string }>(db, 'SELECT form_id, MAX(version) AS version FROM form_versions GROUP BY form_id');
      return new Map(rows.map((r) => [r.form_id, Number(r.version)]));
    },

    async versions(formId) {
      checkFormId(formId);
      return (await select<Row>(db, `SELECT ${INFO} FROM form_versions WHERE form_id = ? ORDER BY version DESC`, [formId])).map(toInfo);
    },

    async get(formId, version) {
      checkFormId(formId);
      if (version !== undefined && (!Number.isSafeInteger(version) || version < 1)) throw new FormsInputError('version must be a positive integer');
      const rows =
        version === undefined
          ? await select<Row>(db, `SELECT ${ALL} FROM form_versions WHERE form_id = ? ORDER BY version DESC LIMIT 1`, [formId])
          : await select<Row>(db, `SELECT ${ALL} FROM form_versions WHERE form_id = ? AND version = ?`, [formId, version]);
      return rows[0] && toVersion(rows[0]);
    },

    async findBySchema(formId, schema) {
      checkFormId(formId);
      checkSchema(schema);
      const rows = await select<Row>(db, `SELECT ${INFO} FROM form_versions WHERE form_id = ? AND schema_sha256 = ? ORDER BY version DESC LIMIT 1`, [formId, sha256(canonicalJson(schema))]);
      return rows[0] && toInfo(rows[0]);
    },

    async save(formId, schema, meta) {
      checkFormId(formId);
      const json = checkSchema(schema);
      if (typeof meta?.deployedBy !== 'string' || !SAVER.test(meta.deployedBy)) throw new FormsInputError('deployedBy must be a username or "start-up"');
      const hash = sha256(canonicalJson(schema));
      // two saves at once may pick the same next version: the primary key refuses one, which tries again
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await db.transaction(async (tx) => {
            const [latest] = await select<Row>(db, `SELECT ${ALL} FROM form_versions WHERE form_id = ? ORDER BY version DESC LIMIT 1`, [formId], tx);
            if (latest && latest.schema_sha256 === hash) return { version: toVersion(latest), created: false };
            const row: Row = { form_id: formId, version: latest ? Number(latest.version) + 1 : 1, schema_json: json, schema_sha256: hash, deployed_by: meta.deployedBy, deployed_at: now() };
            if (!(await insertIfAbsent(db, 'form_versions', { ...row }, tx))) throw new Raced();
            return { version: toVersion(row), created: true };
          });
          return result;
        } catch (err) {
          if (err instanceof Raced && attempt < 5) continue;
          throw err;
        }
      }
    },
  };
  return repo;
}
