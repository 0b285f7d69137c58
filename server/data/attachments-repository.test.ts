/**
 * Attachments (migration 0401-attachments): a throw-away SQLite file, or a throw-away
 * MariaDB/MySQL database when DB_URL is set.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash } from 'node:crypto';
import { createDatabase, type Database } from '../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../engine/test/harness.js';
import { DEFAULT_MAX_BYTES, FileTypeError } from '../domain/file-type.js';
import { AttachmentInputError, createAttachmentsRepository, type AttachmentsRepository, type StoreInput } from './attachments-repository.js';
import { appMigrations } from './migrations.js';
import { exec, select } from './sql.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;
let attachments: AttachmentsRepository;
let now = Date.parse('2026-03-02T02:00:00.000Z');

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  attachments = createAttachmentsRepository(db, { now: () => now });
});

afterAll(async () => {
  await db.close();
  await target.drop();
});

const rowCount = async () => Number((await select<{ n: number | string }>(db, 'SELECT COUNT(*) AS n FROM attachments'))[0].n);
const hex = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

const pdf = (body = '') => Buffer.from(`%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n${body}\n%%EOF\n`, 'latin1');
const png = () =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from('IHDR', 'latin1'), Buffer.alloc(17)]);

/** ~1 MB after a PDF header: every byte value, many times over, in a scrambled order */
function binaryPdf(): Buffer {
  const body = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < body.length; i++) body[i] = (i * 167 + (i >> 8)) & 0xff;
  return Buffer.concat([pdf(), body]);
}

describe('attachments', () => {
  it('stores the bytes and gives back the same bytes, with their checksum', async () => {
    const content = binaryPdf();
    expect(new Set(content).size).toBe(256);
    const record = await attachments.store({ filename: 'C:\\fakepath\\调查报告.pdf', content, petitionId: 'p-1', purpose: 'reply.investigationDocument', uploadedBy: 'st-0123456789abcdef' });
    expect(record).toEqual({
      id: expect.stringMatching(/^att-[0-9a-f]{16}$/),
      petitionId: 'p-1',
      filename: '调查报告.pdf',
      mediaType: 'application/pdf',
      ext: 'pdf',
      size: content.length,
      sha256: hex(content),
      purpose: 'reply.investigationDocument',
      uploadedBy: 'st-0123456789abcdef',
      createdAt: new Date(now),
    });
    expect(await attachments.get(record.id)).toEqual(record);
    const read = await attachments.read(record.id);
    expect(read?.record).toEqual(record);
    expect(Buffer.isBuffer(read?.content)).toBe(true);
    expect(read?.content.equals(content)).toBe(true);
    expect(await attachments.verify(record.id)).toBe(true);
  });

  it('stores a file of the largest allowed size', async () => {
    const content = Buffer.concat([pdf(), Buffer.alloc(DEFAULT_MAX_BYTES - pdf().length, 0xa5)]);
    const record = await attachments.store({ filename: '大文件.pdf', content, petitionId: 'p-big', purpose: 'petition', uploadedBy: 'petitioner' });
    expect(record.size).toBe(DEFAULT_MAX_BYTES);
    // MySQL's plain BLOB stops at 64 KB
    if (db.dialect !== 'sqlite') {
      const [column] = await select<{ t: string }>(db, "SELECT DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'attachments' AND COLUMN_NAME = 'content'");
      expect(column.t.toLowerCase()).toBe('longblob');
    }
    expect((await attachments.read(record.id))?.content.equals(content)).toBe(true);
  });

  it('lists a case’s attachments oldest first, optionally of one purpose, without their bytes', async () => {
    now += 1000;
    const a = await attachments.store({ filename: '现场照片', content: png(), petitionId: 'p-2', purpose: 'petition', uploadedBy: 'petitioner' });
    now += 1000;
    const b = await attachments.store({ filename: '书面说明.txt', content: Buffer.from('情况说明：已核实。\n'), petitionId: 'p-2', purpose: 'statementDocument', uploadedBy: 'st-1' });
    await attachments.store({ filename: 'other.pdf', content: pdf(), petitionId: 'p-3', purpose: 'petition', uploadedBy: 'petitioner' });
    await attachments.store({ filename: 'loose.pdf', content: pdf(), purpose: 'petition', uploadedBy: 'petitioner' });
    expect(a).toMatchObject({ filename: '现场照片.png', mediaType: 'image/png', ext: 'png', petitionId: 'p-2' });
    expect(b).toMatchObject({ mediaType: 'text/plain; charset=utf-8', ext: 'txt' });
    expect(await attachments.list({ petitionId: 'p-2' })).toEqual([a, b]);
    expect(await attachments.list({ petitionId: 'p-2', purpose: 'statementDocument' })).toEqual([b]);
    expect(await attachments.list({ petitionId: 'p-none' })).toEqual([]);
    expect(Object.keys((await attachments.list({ petitionId: 'p-2' }))[0])).not.toContain('content');
  });

  it('answers nothing for unknown or malformed ids', async () => {
    expect(await attachments.get('att-0000000000000000')).toBeUndefined();
    expect(await attachments.read('att-0000000000000000')).toBeUndefined();
    expect(await attachments.get("att-' OR 1=1 --")).toBeUndefined();
    expect(await attachments.verify('att-0000000000000000')).toBe(false);
    await expect(attachments.list({ petitionId: '' })).rejects.toThrow(AttachmentInputError);
  });

  it('finds out when the stored bytes changed', async () => {
    const content = pdf('1 0 obj << >> endobj');
    const record = await attachments.store({ filename: '答复.pdf', content, petitionId: 'p-4', purpose: 'draftReply.replyDocument', uploadedBy: 'st-2' });
    const changed = Buffer.from(content);
    changed[changed.length - 3] ^= 0x01;
    expect(await exec(db, 'UPDATE attachments SET content = ? WHERE id = ?', [changed, record.id])).toBe(1);
    expect(await attachments.verify(record.id)).toBe(false);
    expect(await exec(db, 'UPDATE attachments SET content = ? WHERE id = ?', [content, record.id])).toBe(1);
    expect(await attachments.verify(record.id)).toBe(true);
  });

  it('writes nothing for a refused file or bad input', async () => {
    const ok: StoreInput = { filename: 'a.pdf', content: pdf(), petitionId: 'p-5', purpose: 'petition', uploadedBy: 'petitioner' };
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
    const small = createAttachmentsRepository(db, { now: () => now, maxBytes: 100 });
    const before = await rowCount();
    const refused: [Promise<unknown>, string][] = [
      [attachments.store({ ...ok, content: Buffer.alloc(0) }), 'EMPTY'],
      [small.store({ ...ok, content: Buffer.concat([pdf(), Buffer.alloc(101 - pdf().length)]) }), 'TOO_LARGE'],
      [attachments.store({ ...ok, filename: '报告.pdf', content: elf }), 'TYPE_MISMATCH'],
      [attachments.store({ ...ok, filename: '报告.pdf', content: png() }), 'TYPE_MISMATCH'],
      [attachments.store({ ...ok, filename: '说明.txt', content: Buffer.from('a\0b') }), 'TYPE_MISMATCH'],
      [attachments.store({ ...ok, filename: 'run.exe', content: elf }), 'TYPE_NOT_ALLOWED'],
    ];
    for (const [promise, code] of refused) await expect(promise).rejects.toMatchObject({ name: 'FileTypeError', code });
    await expect(attachments.store({ ...ok, filename: '报告.pdf', content: elf })).rejects.toThrow('文件内容与扩展名 .pdf 不符');
    await expect(small.store({ ...ok, content: Buffer.concat([pdf(), Buffer.alloc(101 - pdf().length)]) })).rejects.toThrow(FileTypeError);
    expect(await small.store({ ...ok, content: Buffer.concat([pdf(), Buffer.alloc(100 - pdf().length)]) })).toMatchObject({ size: 100 });

    const bad: [Partial<StoreInput> | null, string, RegExp][] = [
      [{ ...ok, petitionId: 'p 5' }, 'petitionId', /petitionId/],
      [{ ...ok, petitionId: 'x'.repeat(65) }, 'petitionId', /petitionId/],
      [{ ...ok, purpose: '' }, 'purpose', /purpose/],
      [{ ...ok, purpose: 'reply..document' }, 'purpose', /purpose/],
      [{ ...ok, purpose: `a${'b'.repeat(64)}` }, 'purpose', /purpose/],
      [{ ...ok, uploadedBy: '张三' }, 'uploadedBy', /uploadedBy/],
      [{ ...ok, uploadedBy: undefined }, 'uploadedBy', /uploadedBy/],
      [{ ...ok, content: 'not bytes' as never }, 'content', /Buffer/],
      [{ ...ok, filename: 7 as never }, 'filename', /filename/],
      [null, undefined as never, /store needs/],
    ];
    for (const [input, field, message] of bad) {
      const attempt = attachments.store(input as StoreInput);
      await expect(attempt).rejects.toThrow(AttachmentInputError);
      await attempt.catch((err: AttachmentInputError) => {
        expect(err.message).toMatch(message);
        expect(err.field).toBe(field);
      });
    }
    expect(await rowCount()).toBe(before + 1);
    expect(() => createAttachmentsRepository(db, { maxBytes: 0 })).toThrow(AttachmentInputError);
  });
});
