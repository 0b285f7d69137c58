/**
 * The files of a case (table `attachments`, migration 0401-attachments), bytes in the database.
 *
 * - `store` checks the upload first (server/domain/file-type.ts: not empty, not too large, the
 *   content an allowed type that agrees with the name's extension) and the ids, so a refused file
 *   writes nothing; then records the SHA-256 of the content with it, in one transaction.
 *   A refused file throws FileTypeError (its Chinese message is for the uploader), bad ids or
 *   arguments AttachmentInputError.
 * - `get` and `list` answer the record without the bytes (a case's list must not pull megabytes);
 *   `read` answers both.
 * - `verify` recomputes the checksum of what is stored: false when the bytes changed since
 *   `store` (or there is no such attachment).
 */
import { createHash, randomBytes } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import { checkUpload, DEFAULT_MAX_BYTES } from '../domain/file-type.js';
import { select, toDate, withTx, type Database } from './sql.js';

export { FileTypeError } from '../domain/file-type.js';

export interface AttachmentRecord {
  id: string;
  petitionId: string | null;
  /** the sanitised file name */
  filename: string;
  /** detected from the content */
  mediaType: string;
  ext: string;
  size: number;
  /** SHA-256 of the content, lower-case hex */
  sha256: string;
  /** the form field path (`reply.investigationDocument`) or `petition` */
  purpose: string;
  /** a staff account id or `petitioner` */
  uploadedBy: string;
  createdAt: Date;
}

export interface StoreInput {
  filename: string;
  content: Buffer;
  petitionId?: string | null;
  purpose: string;
  uploadedBy: string;
}

export interface AttachmentsRepository {
  /** in the caller's transaction when given (a petition's files commit with the petition) */
  store(input: StoreInput, tx?: Transaction): Promise<AttachmentRecord>;
  get(id: string): Promise<AttachmentRecord | undefined>;
  read(id: string): Promise<{ record: AttachmentRecord; content: Buffer } | undefined>;
  /** a case's attachments, oldest first; optionally of one purpose */
  list(filter: { petitionId: string; purpose?: string }): Promise<AttachmentRecord[]>;
  /** the stored bytes still have the recorded checksum and size; false also for an unknown id */
  verify(id: string): Promise<boolean>;
}

export class AttachmentInputError extends Error {
  constructor(
    message: string,
    /** the input field at fault */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AttachmentInputError';
  }
}

export const PETITIONER_UPLOADER = 'petitioner';
export const PETITION_PURPOSE = 'petition';

const ATTACHMENT_ID = /^att-[0-9a-f]{16}$/;
const ID = /^[\w.:-]{1,64}$/;
/** a form field path such as `reply.investigationDocument` (form keys are camelCase), or `petition` */
const PURPOSE = /^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)*$/;
/** as the audit log's actors: a staff account id or `petitioner` */
const UPLOADER = /^[a-z][a-z0-9._:-]{0,63}$/;

const newAttachmentId = () => `att-${randomBytes(8).toString('hex')}`;
const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

interface AttachmentRow {
  id: string;
  petition_id: string | null;
  filename: string;
  media_type: string;
  ext: string;
  size: number | string;
  sha256: string;
  purpose: string;
  uploaded_by: string;
  created_at: number | string;
}

const COLS = 'id, petition_id, filename, media_type, ext, size, sha256, purpose, uploaded_by, created_at';

function toRecord(r: AttachmentRow): AttachmentRecord {
  return {
    id: r.id,
    petitionId: r.petition_id ?? null,
    filename: r.filename,
    mediaType: r.media_type,
    ext: r.ext,
    size: Number(r.size),
    sha256: r.sha256,
    purpose: r.purpose,
    uploadedBy: r.uploaded_by,
    createdAt: toDate(r.created_at),
  };
}

/** both drivers answer a BLOB as a Buffer; a Uint8Array or string would be a driver change, not a file */
function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new Error('the database answered an attachment’s content that is not binary');
}

export function createAttachmentsRepository(db: Database, options: { now?: () => number; maxBytes?: number } = {}): AttachmentsRepository {
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new AttachmentInputError('maxBytes must be a positive number of bytes', 'maxBytes');

  const get = async (id: string): Promise<AttachmentRecord | undefined> => {
    if (typeof id !== 'string' || !ATTACHMENT_ID.test(id)) return undefined;
    const [row] = await select<AttachmentRow>(db, `SELECT ${COLS} FROM attachments WHERE id = ?`, [id]);
    return row === undefined ? undefined : toRecord(row);
  };

  const read = async (id: string): Promise<{ record: AttachmentRecord; content: Buffer } | undefined> => {
    if (typeof id !== 'string' || !ATTACHMENT_ID.test(id)) return undefined;
    const [row] = await select<AttachmentRow & { content: unknown }>(db, `SELECT ${COLS}, content FROM attachments WHERE id = ?`, [id]);
    return row === undefined ? undefined : { record: toRecord(row), content: toBuffer(row.content) };
  };

  return {
    async store(input, tx) {
      if (typeof input !== 'object' || input === null) throw new AttachmentInputError('store needs { filename, content, petitionId?, purpose, uploadedBy }');
      const { filename, content, purpose, uploadedBy } = input;
      const petitionId = input.petitionId ?? null;
      if (typeof filename !== 'string') throw new AttachmentInputError('filename must be text', 'filename');
      if (!Buffer.isBuffer(content)) throw new AttachmentInputError('content must be a Buffer', 'content');
      if (petitionId !== null && (typeof petitionId !== 'string' || !ID.test(petitionId))) throw new AttachmentInputError('petitionId must be a petition id', 'petitionId');
      if (typeof purpose !== 'string' || purpose.length > 64 || !PURPOSE.test(purpose)) {
        throw new AttachmentInputError('purpose must be a form field path such as "reply.investigationDocument", or "petition"', 'purpose');
      }
      if (typeof uploadedBy !== 'string' || !UPLOADER.test(uploadedBy)) throw new AttachmentInputError('uploadedBy must be a staff account id or "petitioner"', 'uploadedBy');

      const checked = checkUpload({ filename, content, maxBytes });
      const record: AttachmentRecord = {
        id: newAttachmentId(),
        petitionId,
        filename: checked.filename,
        mediaType: checked.mediaType,
        ext: checked.ext,
        size: checked.size,
        sha256: sha256(content),
        purpose,
        uploadedBy,
        createdAt: new Date(now()),
      };
      const row: [string, unknown][] = [
        ['id', record.id],
        ['petition_id', record.petitionId],
        ['filename', record.filename],
        ['media_type', record.mediaType],
        ['ext', record.ext],
        ['size', record.size],
        ['sha256', record.sha256],
        ['purpose', record.purpose],
        ['uploaded_by', record.uploadedBy],
        ['content', content],
        ['created_at', record.createdAt.getTime()],
      ];
      // Bound parameters, not sql.ts's replacements: a replacement inlines the bytes into the SQL
      // text as hex, twice their size, and a 10 MB file then exceeds MariaDB's default
      // max_allowed_packet (16 MB). Bound, mysql2 sends them as one binary value; SQLite binds them.
      // A duplicate id (64 random bits) would be a broken random source: the unique error is thrown.
      await withTx(db, tx, (transaction) =>
        db.sequelize.query(`INSERT INTO attachments (${row.map(([c]) => c).join(', ')}) VALUES (${row.map((_, i) => `$${i + 1}`).join(', ')})`, {
          bind: row.map(([, v]) => v),
          transaction,
          type: QueryTypes.INSERT,
        }),
      );
      return record;
    },

    get,
    read,

    async list(filter) {
      const petitionId = filter?.petitionId;
      if (typeof petitionId !== 'string' || !ID.test(petitionId)) throw new AttachmentInputError('list needs { petitionId } with a petition id', 'petitionId');
      const purpose = filter.purpose;
      if (purpose !== undefined && (typeof purpose !== 'string' || !PURPOSE.test(purpose))) throw new AttachmentInputError('purpose must be a form field path or "petition"', 'purpose');
      const rows = await select<AttachmentRow>(
        db,
        `SELECT ${COLS} FROM attachments WHERE petition_id = ?${purpose === undefined ? '' : ' AND purpose = ?'} ORDER BY created_at, id`,
        purpose === undefined ? [petitionId] : [petitionId, purpose],
      );
      return rows.map(toRecord);
    },

    async verify(id) {
      const found = await read(id);
      if (found === undefined) return false;
      return found.content.length === found.record.size && sha256(found.content) === found.record.sha256;
    },
  };
}
