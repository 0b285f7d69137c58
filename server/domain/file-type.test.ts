/**
 * File types by content, with real byte buffers built here: the signatures, a ZIP made by hand
 * (stored and deflated entries, central directory), an OLE compound file with a FAT chain.
 */
import { describe, it, expect } from '@jest/globals';
import { deflateRawSync } from 'node:zlib';
import {
  ACCEPT,
  checkUpload,
  DEFAULT_MAX_BYTES,
  detectExecutable,
  detectFileType,
  extensionOf,
  FileTypeError,
  formatSize,
  MAX_FILENAME_CHARS,
  sanitizeFileName,
  type FileTypeErrorCode,
} from './file-type.js';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * a ZIP archive: local headers, data, central directory, end record (the central part left off
 * when `truncated`; with `descriptor`, sizes and CRC follow the data, as streaming writers do)
 */
function zip(entries: [name: string, content: string | Buffer][], options: { deflate?: boolean; truncated?: boolean; descriptor?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, raw] of entries) {
    const data = Buffer.from(raw);
    const body = options.deflate ? deflateRawSync(data) : data;
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(options.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    local.copy(central, 8, 6, 26); // flags, method, time, date, crc, sizes
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    const descriptor = Buffer.alloc(options.descriptor ? 16 : 0);
    if (options.descriptor) {
      local.copy(descriptor, 4, 14, 26);
      descriptor.writeUInt32LE(0x08074b50, 0);
      local.fill(0, 14, 26);
      local.writeUInt16LE(0x0808, 6);
      central.writeUInt16LE(0x0808, 8);
    }
    locals.push(local, nameBytes, body, descriptor);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length + descriptor.length;
  }
  if (options.truncated) return Buffer.concat(locals);
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const docx = (options?: Parameters<typeof zip>[1]) =>
  zip(
    [
      ['[Content_Types].xml', CONTENT_TYPES],
      ['_rels/.rels', '<Relationships/>'],
      ['word/document.xml', '<w:document><w:body><w:p><w:r><w:t>调查报告</w:t></w:r></w:p></w:body></w:document>'],
    ],
    options,
  );
const xlsx = () =>
  zip(
    [
      ['[Content_Types].xml', CONTENT_TYPES],
      ['xl/workbook.xml', '<workbook/>'],
      ['xl/worksheets/sheet1.xml', '<worksheet/>'],
    ],
    { deflate: true },
  );

/**
 * An OLE compound file (version 3, 512-byte sectors): sector 0 the FAT, sectors 1–2 the directory
 * (chained in the FAT, so the second sector is only found by following it), `streams` after the root.
 */
function ole(streams: [name: string, type: 1 | 2][]): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 24);
  header.writeUInt16LE(3, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(1, 44); // FAT sectors
  header.writeUInt32LE(1, 48); // first directory sector
  header.writeUInt32LE(4096, 56);
  header.writeUInt32LE(0xfffffffe, 60);
  header.writeUInt32LE(0xfffffffe, 68);
  header.fill(0xff, 76);
  header.writeUInt32LE(0, 76); // the FAT is sector 0
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0);
  fat.writeUInt32LE(2, 4);
  fat.writeUInt32LE(0xfffffffe, 8);
  const directory = Buffer.alloc(1024);
  [['Root Entry', 5] as const, ...streams].forEach(([name, type], i) => {
    const e = i * 128;
    const nameBytes = Buffer.from(`${name}\0`, 'utf16le');
    nameBytes.copy(directory, e);
    directory.writeUInt16LE(nameBytes.length, e + 64);
    directory[e + 66] = type;
    directory.fill(0xff, e + 68, e + 80);
  });
  return Buffer.concat([header, fat, directory]);
}
// the stream that makes it a document is the fifth entry: in the second directory sector
const doc = () => ole([['\u0001CompObj', 2], ['1Table', 2], ['SummaryInformation', 2], ['WordDocument', 2]]);
const xls = () => ole([['Workbook', 2]]);

const pdf = () => Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
const png = () => {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(1, 8);
  ihdr.writeUInt32BE(1, 12);
  ihdr.writeUInt32BE(crc32(ihdr.subarray(4, 21)), 21);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
};
const jpeg = () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const gif = () => Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
const webp = () => Buffer.concat([Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00', 'latin1'), Buffer.alloc(13)]);
const text = (s: string) => Buffer.from(s, 'utf8');
const elf = () => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);
const mz = () => Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(56), Buffer.from('PE\0\0', 'latin1')]);

function refusal(fn: () => unknown): { code: FileTypeErrorCode; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof FileTypeError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a FileTypeError');
}

describe('detectFileType', () => {
  it('knows each allowed type by its bytes', () => {
    const cases: [Buffer, string, string][] = [
      [pdf(), 'pdf', 'application/pdf'],
      [png(), 'png', 'image/png'],
      [jpeg(), 'jpg', 'image/jpeg'],
      [gif(), 'gif', 'image/gif'],
      [webp(), 'webp', 'image/webp'],
      [docx(), 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [docx({ deflate: true }), 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      // the local headers carry no sizes here: only the central directory names the word/ part
      [docx({ deflate: true, descriptor: true }), 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      [xlsx(), 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      [doc(), 'doc', 'application/msword'],
      [xls(), 'xls', 'application/vnd.ms-excel'],
      [text('情况说明\r\n\t一、基本情况\f第二页\n'), 'txt', 'text/plain; charset=utf-8'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text('带 BOM 的文本')]), 'txt', 'text/plain; charset=utf-8'],
    ];
    for (const [buf, ext, mediaType] of cases) expect(detectFileType(buf)).toEqual({ ext, mediaType, label: expect.any(String) });
    expect(detectFileType(docx())?.label).toBe('Word 文档');
  });

  it('reads a ZIP whose central directory was cut off from its local headers', () => {
    expect(detectFileType(docx({ truncated: true }))?.ext).toBe('docx');
  });

  it('refuses ZIPs that are no Word or Excel package, and packages with macros', () => {
    expect(detectFileType(zip([['META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\n'], ['Main.class', 'x']]))).toBeUndefined();
    expect(detectFileType(zip([['word/document.xml', '<w:document/>']]))).toBeUndefined();
    expect(detectFileType(zip([['[Content_Types].xml', CONTENT_TYPES], ['ppt/presentation.xml', '<p/>']]))).toBeUndefined();
    expect(
      detectFileType(
        zip([
          ['[Content_Types].xml', CONTENT_TYPES],
          ['word/document.xml', '<w:document/>'],
          ['word/vbaProject.bin', Buffer.alloc(64)],
        ]),
      ),
    ).toBeUndefined();
  });

  it('refuses compound files that are no .doc or .xls (installers, encrypted packages) and ones with macros', () => {
    expect(detectFileType(ole([['\u0005SummaryInformation', 2], ['!_StringData', 2]]))).toBeUndefined();
    expect(detectFileType(ole([['EncryptionInfo', 2], ['EncryptedPackage', 2]]))).toBeUndefined();
    expect(detectFileType(ole([['WordDocument', 2], ['Macros', 1]]))).toBeUndefined();
    expect(detectFileType(ole([['Workbook', 2], ['_VBA_PROJECT_CUR', 1]]))).toBeUndefined();
    expect(detectFileType(doc().subarray(0, 512))).toBeUndefined();
  });

  it('refuses executables, scripts and active markup, whatever they contain besides', () => {
    const cases: [Buffer, string][] = [
      [mz(), 'Windows 可执行文件'],
      [elf(), 'ELF 可执行文件'],
      [Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), 'Mach-O 可执行文件'],
      [Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2]), 'Mach-O 可执行文件'],
      [text('#!/bin/sh\nrm -rf /\n'), '脚本文件'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text('#!/usr/bin/env node\n')]), '脚本文件'],
      [text('情况说明\n<SCRIPT>alert(1)</SCRIPT>'), '网页或脚本文件'],
      [text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), '网页或脚本文件'],
      [text('<!DOCTYPE html><title>x</title>'), '网页或脚本文件'],
      [text('< html>'), '网页或脚本文件'],
    ];
    for (const [buf, what] of cases) {
      expect(detectExecutable(buf)).toBe(what);
      expect(detectFileType(buf)).toBeUndefined();
    }
    expect(detectExecutable(pdf())).toBeUndefined();
    expect(detectExecutable(text('本人反映 html 页面打不开'))).toBeUndefined();
  });

  it('refuses text that is not clean UTF-8', () => {
    expect(detectFileType(text('abc\0def'))).toBeUndefined();
    expect(detectFileType(text('colour \u001b[31mred'))).toBeUndefined();
    expect(detectFileType(text('del \u007f'))).toBeUndefined();
    expect(detectFileType(text('c1 \u0085'))).toBeUndefined();
    expect(detectFileType(Buffer.from([0xd6, 0xd0, 0xce, 0xc4]))).toBeUndefined(); // 中文 in GBK
    expect(detectFileType(Buffer.from('情况', 'utf16le'))).toBeUndefined();
    expect(detectFileType(Buffer.from([0x00, 0x01, 0x02, 0xff]))).toBeUndefined();
    expect(detectFileType(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('sanitizeFileName', () => {
  it('keeps the last path part and Chinese, drops controls and spoofing characters', () => {
    expect(sanitizeFileName('C:\\fakepath\\调查报告（终稿）.pdf')).toBe('调查报告（终稿）.pdf');
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('a\u0000b\nc\u007f.txt')).toBe('abc.txt');
    expect(sanitizeFileName('\u202Efdp.exe')).toBe('fdp.exe');
    expect(sanitizeFileName('书面\u200b说明.docx')).toBe('书面说明.docx');
    expect(sanitizeFileName('  ..hidden.  ')).toBe('hidden');
    expect(sanitizeFileName('回复:"初稿"  <1>|?.doc')).toBe('回复__初稿_ _1___.doc');
    expect(sanitizeFileName('/')).toBe('');
    expect(sanitizeFileName(42)).toBe('');
  });

  it('caps the length at 120 characters and keeps the extension', () => {
    const long = sanitizeFileName(`${'很长的文件名'.repeat(40)}.XLSX`);
    expect(Array.from(long)).toHaveLength(MAX_FILENAME_CHARS);
    expect(long.endsWith('.XLSX')).toBe(true);
    const emoji = sanitizeFileName(`${'😀'.repeat(130)}.pdf`);
    expect(Array.from(emoji)).toHaveLength(MAX_FILENAME_CHARS);
    expect(emoji).toMatch(/^(?:😀)+\.pdf$/u);
    expect(Array.from(sanitizeFileName('字'.repeat(200)))).toHaveLength(MAX_FILENAME_CHARS);
  });

  it('finds the extension', () => {
    expect(extensionOf('a.PDF')).toBe('pdf');
    expect(extensionOf('archive.tar.gz')).toBe('gz');
    expect(extensionOf('pdf')).toBe('');
    expect(extensionOf('.pdf')).toBe('');
    expect(extensionOf('说明.文档')).toBe('');
  });
});

describe('checkUpload', () => {
  it('answers the sanitised name and the detected type', () => {
    expect(checkUpload({ filename: 'C:\\fakepath\\调查报告.PDF', content: pdf(), maxBytes: 1024 })).toEqual({
      filename: '调查报告.PDF',
      ext: 'pdf',
      mediaType: 'application/pdf',
      label: 'PDF 文档',
      size: pdf().length,
    });
    expect(checkUpload({ filename: '现场照片.jpeg', content: jpeg() })).toMatchObject({ filename: '现场照片.jpeg', ext: 'jpg', mediaType: 'image/jpeg' });
    expect(checkUpload({ filename: '书面说明.docx', content: docx({ deflate: true }) }).ext).toBe('docx');
    expect(checkUpload({ filename: '台账.xls', content: xls() }).ext).toBe('xls');
  });

  it('names a file without extension after its content', () => {
    expect(checkUpload({ filename: 'image', content: png() }).filename).toBe('image.png');
    expect(checkUpload({ filename: '', content: pdf() }).filename).toBe('附件.pdf');
    expect(checkUpload({ filename: '说明.文档', content: text('正文') }).filename).toBe('说明.文档.txt');
  });

  it('refuses an empty file and one byte over the limit', () => {
    expect(refusal(() => checkUpload({ filename: 'a.pdf', content: Buffer.alloc(0) }))).toEqual({ code: 'EMPTY', message: '文件为空，请重新选择文件' });
    const exact = Buffer.concat([pdf(), Buffer.alloc(DEFAULT_MAX_BYTES - pdf().length)]);
    expect(checkUpload({ filename: 'a.pdf', content: exact }).size).toBe(DEFAULT_MAX_BYTES);
    expect(refusal(() => checkUpload({ filename: 'a.pdf', content: Buffer.concat([exact, Buffer.from('\n')]) }))).toEqual({ code: 'TOO_LARGE', message: '文件超过 10 MB' });
    expect(refusal(() => checkUpload({ filename: 'a.pdf', content: pdf(), maxBytes: pdf().length - 1 })).code).toBe('TOO_LARGE');
    expect(formatSize(512 * 1024)).toBe('512 KB');
    expect(formatSize(2.5 * 1024 * 1024)).toBe('2.5 MB');
  });

  it('refuses names with an extension that is not allowed, whatever the content', () => {
    const message = '不支持的文件类型，请上传 PDF、Word、Excel、图片或文本文件';
    for (const [filename, content] of [
      ['setup.exe', mz()],
      ['照片.png.exe', png()],
      ['page.html', text('<html></html>')],
      ['archive.zip', docx()],
      ['图.svg', text('<svg/>')],
    ] as const) {
      expect(refusal(() => checkUpload({ filename, content }))).toEqual({ code: 'TYPE_NOT_ALLOWED', message });
    }
    expect(refusal(() => checkUpload({ filename: 'program', content: elf() })).code).toBe('TYPE_NOT_ALLOWED');
  });

  it('refuses content that does not match the name’s extension', () => {
    const cases: [string, Buffer, string][] = [
      ['报告.pdf', elf(), '文件内容与扩展名 .pdf 不符（这是ELF 可执行文件）'],
      ['报告.pdf', mz(), '文件内容与扩展名 .pdf 不符（这是Windows 可执行文件）'],
      ['报告.pdf', png(), '文件内容与扩展名 .pdf 不符（这是PNG 图片）'],
      ['说明.txt', text('abc\0'), '文件内容与扩展名 .txt 不符（文本文件须为 UTF-8 编码，且不含控制字符）'],
      ['说明.txt', text('<script>alert(1)</script>'), '文件内容与扩展名 .txt 不符（这是网页或脚本文件）'],
      ['说明.txt', Buffer.from([0xd6, 0xd0, 0xce, 0xc4]), '文件内容与扩展名 .txt 不符（文本文件须为 UTF-8 编码，且不含控制字符）'],
      ['表.xlsx', docx(), '文件内容与扩展名 .xlsx 不符（这是Word 文档）'],
      ['旧文档.doc', xls(), '文件内容与扩展名 .doc 不符（这是Excel 97-2003 表格）'],
      ['文档.docx', zip([['a.txt', 'x']]), '文件内容与扩展名 .docx 不符'],
    ];
    for (const [filename, content, message] of cases) expect(refusal(() => checkUpload({ filename, content }))).toEqual({ code: 'TYPE_MISMATCH', message });
  });

  it('lists the extensions for a file input', () => {
    expect(ACCEPT).toBe('.pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.doc,.xls,.txt');
  });
});
