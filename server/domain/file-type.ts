/**
 * What a case document may be (investigation documents, written statements, reply documents,
 * petition attachments), judged by its content — the magic bytes — never by its name alone: a name
 * is whatever the uploader typed, the bytes are what a reader's program will open.
 *
 * Allowed: PDF, PNG, JPEG, GIF, WebP, Word .docx / Excel .xlsx (an OOXML package: a ZIP with
 * `[Content_Types].xml` and `word/` or `xl/` parts), legacy .doc / .xls (an OLE compound file with a
 * `WordDocument` or `Workbook`/`Book` stream) and plain UTF-8 text. Never allowed, whatever the name:
 * executables (MZ/PE, ELF, Mach-O), `#!` scripts, text that looks like HTML, SVG or script (a browser
 * would run it if it were ever served inline), and Office files carrying macros (`vbaProject.bin`,
 * `Macros`, `_VBA_PROJECT_CUR`: the classic way an attachment infects the reader's machine).
 *
 * `checkUpload` also requires the name's extension to agree with the content, so that the name a
 * reviewer sees (「调查报告.pdf」) is what the file is.
 */

export interface DetectedType {
  /** the canonical extension, without the dot: `pdf`, `jpg`, `docx`… */
  ext: string;
  /** the media type to serve it with */
  mediaType: string;
  /** what to call it in Chinese UI text */
  label: string;
}

export type FileTypeErrorCode = 'EMPTY' | 'TOO_LARGE' | 'TYPE_NOT_ALLOWED' | 'TYPE_MISMATCH';

/** an upload that is refused; `message` is Chinese and fit to show the uploader */
export class FileTypeError extends Error {
  constructor(
    readonly code: FileTypeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileTypeError';
  }
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
/** longest stored file name, in characters (code points), extension included */
export const MAX_FILENAME_CHARS = 120;

interface Kind extends DetectedType {
  /** the extensions a name of this kind may have (the canonical one first) */
  extensions: readonly string[];
}

const OOXML = 'application/vnd.openxmlformats-officedocument';
const KINDS = {
  pdf: { ext: 'pdf', mediaType: 'application/pdf', label: 'PDF 文档', extensions: ['pdf'] },
  png: { ext: 'png', mediaType: 'image/png', label: 'PNG 图片', extensions: ['png'] },
  jpg: { ext: 'jpg', mediaType: 'image/jpeg', label: 'JPEG 图片', extensions: ['jpg', 'jpeg'] },
  gif: { ext: 'gif', mediaType: 'image/gif', label: 'GIF 图片', extensions: ['gif'] },
  webp: { ext: 'webp', mediaType: 'image/webp', label: 'WebP 图片', extensions: ['webp'] },
  docx: { ext: 'docx', mediaType: `${OOXML}.wordprocessingml.document`, label: 'Word 文档', extensions: ['docx'] },
  xlsx: { ext: 'xlsx', mediaType: `${OOXML}.spreadsheetml.sheet`, label: 'Excel 表格', extensions: ['xlsx'] },
  doc: { ext: 'doc', mediaType: 'application/msword', label: 'Word 97-2003 文档', extensions: ['doc'] },
  xls: { ext: 'xls', mediaType: 'application/vnd.ms-excel', label: 'Excel 97-2003 表格', extensions: ['xls'] },
  // the text check below proves UTF-8, so the charset can be promised to the browser
  txt: { ext: 'txt', mediaType: 'text/plain; charset=utf-8', label: '文本文件', extensions: ['txt'] },
} satisfies Record<string, Kind>;

/** every extension a name may end with, lower case, without the dot */
export const ALLOWED_EXTENSIONS: readonly string[] = Object.values(KINDS).flatMap((k) => k.extensions);
/** for `<input type="file" accept=…>` */
export const ACCEPT = ALLOWED_EXTENSIONS.map((e) => `.${e}`).join(',');

const NOT_ALLOWED_MESSAGE = '不支持的文件类型，请上传 PDF、Word、Excel、图片或文本文件';

const kind = (k: Kind): DetectedType => ({ ext: k.ext, mediaType: k.mediaType, label: k.label });

const startsWith = (buf: Buffer, bytes: readonly number[], at = 0) => buf.length >= at + bytes.length && bytes.every((b, i) => buf[at + i] === b);
const ascii = (buf: Buffer, at: number, text: string) => buf.length >= at + text.length && buf.toString('latin1', at, at + text.length) === text;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;

/** markup a browser would render or run; checked case-insensitively anywhere in a text file */
const ACTIVE_MARKUP = /<\s*(?:script|html|svg|iframe|object|embed|!doctype\s+html)\b|<\?php/i;

/**
 * Why the content is an executable or active content, or undefined. Checked before anything else:
 * no other verdict matters for these.
 */
export function detectExecutable(buf: Buffer): string | undefined {
  if (ascii(buf, 0, 'MZ')) return 'Windows 可执行文件';
  if (startsWith(buf, [0x7f, 0x45, 0x4c, 0x46])) return 'ELF 可执行文件';
  // Mach-O 32/64-bit in both byte orders, and universal ("fat") binaries (CA FE BA BE, which Java class files share: refused too)
  for (const magic of [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe]) {
    if (buf.length >= 4 && buf.readUInt32BE(0) === magic) return 'Mach-O 可执行文件';
  }
  const textStart = startsWith(buf, UTF8_BOM) ? 3 : 0;
  if (ascii(buf, textStart, '#!')) return '脚本文件';
  // only text can be markup a browser runs: binary formats are served under their own media type
  const text = decodeText(buf);
  if (text !== undefined && ACTIVE_MARKUP.test(text)) return '网页或脚本文件';
  return undefined;
}

/** the file's type by its content, or undefined when it is none of the allowed types (executables are undefined too) */
export function detectFileType(buf: Buffer): DetectedType | undefined {
  if (!Buffer.isBuffer(buf) || buf.length === 0) return undefined;
  if (detectExecutable(buf) !== undefined) return undefined;
  if (/^%PDF-\d\.\d/.test(buf.toString('latin1', 0, 8))) return kind(KINDS.pdf);
  // the signature, then the IHDR chunk that must come first
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) && ascii(buf, 12, 'IHDR')) return kind(KINDS.png);
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return kind(KINDS.jpg);
  if (ascii(buf, 0, 'GIF87a') || ascii(buf, 0, 'GIF89a')) return kind(KINDS.gif);
  if (ascii(buf, 0, 'RIFF') && ascii(buf, 8, 'WEBPVP8')) return kind(KINDS.webp);
  if (buf.length >= 4 && buf.readUInt32LE(0) === ZIP_LOCAL) return detectOoxml(buf);
  if (startsWith(buf, OLE_SIGNATURE)) return detectCompoundFile(buf);
  if (decodeText(buf) !== undefined) return kind(KINDS.txt);
  return undefined;
}

/**
 * The text of a plain-text file: valid UTF-8 (a leading BOM allowed), no NUL and no control
 * character but tab, CR, LF and form feed. Undefined otherwise — GBK files from older Windows
 * tools land here, which is why the .txt message asks for UTF-8.
 */
function decodeText(buf: Buffer): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    return undefined;
  }
  // C0 controls but \t \n \f \r, DEL, and the C1 controls (never in real text; a sign of a mis-decoded binary)
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f-\u009f]/.test(text)) return undefined;
  return text;
}

/** a ZIP that is a Word or Excel OOXML package without macros */
function detectOoxml(buf: Buffer): DetectedType | undefined {
  const names = zipCentralNames(buf) ?? zipLocalNames(buf);
  if (!names.includes('[Content_Types].xml')) return undefined;
  if (names.some((n) => /(?:^|\/)vbaProject\.bin$/i.test(n))) return undefined;
  const word = names.some((n) => n.startsWith('word/'));
  const excel = names.some((n) => n.startsWith('xl/'));
  // both at the top level is no package Office writes: refuse rather than guess
  if (word === excel) return undefined;
  return kind(word ? KINDS.docx : KINDS.xlsx);
}

/** the entry names from the central directory (found through the end record), or undefined when there is none to trust */
function zipCentralNames(buf: Buffer): string[] | undefined {
  // the end record is 22 bytes plus a comment of at most 65535
  const lowest = Math.max(0, buf.length - 22 - 0xffff);
  for (let end = buf.length - 22; end >= lowest; end--) {
    if (buf.readUInt32LE(end) !== ZIP_END) continue;
    const count = buf.readUInt16LE(end + 10);
    const size = buf.readUInt32LE(end + 12);
    const start = buf.readUInt32LE(end + 16);
    if (start + size > end) continue; // a signature inside the comment, or ZIP64 (0xFFFFFFFF): look further
    const names: string[] = [];
    let p = start;
    for (let i = 0; i < count; i++) {
      if (p + 46 > end || buf.readUInt32LE(p) !== ZIP_CENTRAL) return undefined;
      const nameLength = buf.readUInt16LE(p + 28);
      const next = p + 46 + nameLength + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
      if (next > end) return undefined;
      names.push(buf.toString('utf8', p + 46, p + 46 + nameLength));
      p = next;
    }
    return names;
  }
  return undefined;
}

/** the entry names from the local headers, walked from the start: for a ZIP whose end was cut off */
function zipLocalNames(buf: Buffer): string[] {
  const names: string[] = [];
  let p = 0;
  while (p + 30 <= buf.length && buf.readUInt32LE(p) === ZIP_LOCAL && names.length < 0xffff) {
    const flags = buf.readUInt16LE(p + 6);
    const compressed = buf.readUInt32LE(p + 18);
    const nameLength = buf.readUInt16LE(p + 26);
    const dataStart = p + 30 + nameLength + buf.readUInt16LE(p + 28);
    if (dataStart > buf.length) break;
    names.push(buf.toString('utf8', p + 30, p + 30 + nameLength));
    // with a data descriptor (flag bit 3) the size comes after the data: the walk cannot go on
    if (flags & 0x08 && compressed === 0) break;
    p = dataStart + compressed;
  }
  return names;
}

/**
 * An OLE compound file is .doc when it holds a `WordDocument` stream, .xls when `Workbook` (BIFF8)
 * or `Book` (BIFF5). The same container is used by MSI installers, PowerPoint, Outlook messages and
 * encrypted OOXML, so the signature alone is not enough: the directory is read (following the FAT).
 */
function detectCompoundFile(buf: Buffer): DetectedType | undefined {
  const entries = compoundFileEntries(buf);
  if (entries === undefined) return undefined;
  const has = (name: string) => entries.has(name.toUpperCase());
  if (has('Macros') || has('_VBA_PROJECT_CUR') || has('_VBA_PROJECT') || has('VBA')) return undefined;
  const word = has('WordDocument');
  const excel = has('Workbook') || has('Book');
  if (word === excel) return undefined;
  return kind(word ? KINDS.doc : KINDS.xls);
}

const MAX_REGULAR_SECTOR = 0xfffffffa;

/** the upper-cased names of the directory entries (streams and storages), or undefined when the header is not sound */
function compoundFileEntries(buf: Buffer): Set<string> | undefined {
  if (buf.length < 512) return undefined;
  const shift = buf.readUInt16LE(30);
  if (shift !== 9 && shift !== 12) return undefined;
  const size = 1 << shift;
  const perSector = size / 4;
  const sectorCount = Math.floor(buf.length / size) - 1;
  // the header takes the first sector's place: sector n starts at (n + 1) * size
  const sectorAt = (s: number) => (s < sectorCount ? (s + 1) * size : -1);

  // the FAT's own sectors: 109 in the header, more in the DIFAT chain
  const fatSectors: number[] = [];
  for (let i = 0; i < 109; i++) {
    const s = buf.readUInt32LE(76 + 4 * i);
    if (s > MAX_REGULAR_SECTOR) break;
    fatSectors.push(s);
  }
  let difat = buf.readUInt32LE(68);
  for (let n = Math.min(buf.readUInt32LE(72), sectorCount); n > 0 && difat <= MAX_REGULAR_SECTOR && fatSectors.length <= sectorCount; n--) {
    const off = sectorAt(difat);
    if (off < 0) break;
    for (let i = 0; i < perSector - 1; i++) {
      const s = buf.readUInt32LE(off + 4 * i);
      if (s <= MAX_REGULAR_SECTOR) fatSectors.push(s);
    }
    difat = buf.readUInt32LE(off + size - 4);
  }
  const nextSector = (s: number): number => {
    const fatSector = fatSectors[Math.floor(s / perSector)];
    const off = fatSector === undefined ? -1 : sectorAt(fatSector);
    return off < 0 ? 0xfffffffe : buf.readUInt32LE(off + 4 * (s % perSector));
  };

  const names = new Set<string>();
  const seen = new Set<number>();
  // seen guards against a FAT that loops (a crafted file must not hang the upload)
  for (let s = buf.readUInt32LE(48); s <= MAX_REGULAR_SECTOR && !seen.has(s); s = nextSector(s)) {
    seen.add(s);
    const off = sectorAt(s);
    if (off < 0) break;
    for (let e = off; e < off + size; e += 128) {
      const type = buf[e + 66];
      const nameBytes = buf.readUInt16LE(e + 64);
      // 1 storage, 2 stream, 5 root; the name is UTF-16LE with its terminating NUL counted
      if ((type === 1 || type === 2 || type === 5) && nameBytes >= 4 && nameBytes <= 64 && nameBytes % 2 === 0) {
        names.add(buf.toString('utf16le', e, e + nameBytes - 2).toUpperCase());
      }
    }
  }
  return names.size > 0 ? names : undefined;
}

/** the extension of a (sanitised) name, lower case without the dot: 1–10 letters or digits after the last dot, else '' */
export function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m && m.index > 0 ? m[1].toLowerCase() : '';
}

/**
 * A name fit to store and show: the last path part only (a browser may send `C:\fakepath\…`, a
 * crafted request `../../etc/x`), no control or format characters (a right-to-left override
 * makes 「exe.pdf」 of `\u202Efdp.exe`), none of the characters Windows forbids in a saved file
 * name, no leading dots (hidden files, `..`), at most MAX_FILENAME_CHARS characters with the
 * extension kept when shortened. Chinese and other letters are kept. '' when nothing is left.
 */
export function sanitizeFileName(name: unknown): string {
  if (typeof name !== 'string') return '';
  let n = name.normalize('NFC');
  n = n.slice(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
  n = n
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/gu, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  const chars = Array.from(n);
  if (chars.length <= MAX_FILENAME_CHARS) return n;
  const ext = extensionOf(n);
  if (ext === '') return chars.slice(0, MAX_FILENAME_CHARS).join('').trimEnd();
  const base = chars.slice(0, chars.length - ext.length - 1);
  return `${base.slice(0, MAX_FILENAME_CHARS - ext.length - 1).join('').trimEnd()}.${n.slice(-ext.length)}`;
}

/** `10 MB`, `512 KB`, `300 字节`: the limit as the message states it */
export function formatSize(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (bytes >= 1024 * 1024) return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.floor(bytes / 1024)} KB`;
  return `${bytes} 字节`;
}

export interface CheckedUpload extends DetectedType {
  /** the sanitised name; when the upload had no extension, the detected one is appended */
  filename: string;
  size: number;
}

/**
 * Checks an upload before anything is stored: not empty, at most `maxBytes`, the content one of
 * the allowed types, and the name's extension (when it has one) one that type may have.
 * Throws FileTypeError; answers the sanitised name and the detected type.
 */
export function checkUpload(input: { filename: string; content: Buffer; maxBytes?: number }): CheckedUpload {
  const { content } = input;
  const maxBytes = input.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Buffer.isBuffer(content)) throw new TypeError('checkUpload: content must be a Buffer');
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new TypeError('checkUpload: maxBytes must be a positive integer');
  if (content.length === 0) throw new FileTypeError('EMPTY', '文件为空，请重新选择文件');
  if (content.length > maxBytes) throw new FileTypeError('TOO_LARGE', `文件超过 ${formatSize(maxBytes)}`);

  const sanitised = sanitizeFileName(input.filename);
  const ext = extensionOf(sanitised);
  if (ext !== '' && !ALLOWED_EXTENSIONS.includes(ext)) throw new FileTypeError('TYPE_NOT_ALLOWED', NOT_ALLOWED_MESSAGE);

  const detected = detectFileType(content);
  const executable = detected === undefined ? detectExecutable(content) : undefined;
  if (detected === undefined) {
    if (ext === '') throw new FileTypeError('TYPE_NOT_ALLOWED', NOT_ALLOWED_MESSAGE);
    const why = executable !== undefined ? `（这是${executable}）` : ext === 'txt' ? '（文本文件须为 UTF-8 编码，且不含控制字符）' : '';
    throw new FileTypeError('TYPE_MISMATCH', `文件内容与扩展名 .${ext} 不符${why}`);
  }
  const k = KINDS[detected.ext as keyof typeof KINDS];
  if (ext !== '' && !k.extensions.includes(ext)) throw new FileTypeError('TYPE_MISMATCH', `文件内容与扩展名 .${ext} 不符（这是${detected.label}）`);

  // no usable name, or none with an extension: name it after what it is
  const filename = ext !== '' ? sanitised : sanitizeFileName(`${sanitised || '附件'}.${detected.ext}`);
  return { filename, ext: detected.ext, mediaType: detected.mediaType, label: detected.label, size: content.length };
}
