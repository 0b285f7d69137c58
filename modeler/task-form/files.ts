/**
 * The files of filepicker fields. form-js puts a key `files::…` in the submitted data where a
 * filepicker's value goes, and the files themselves in `submit().files` (a Map from that key to
 * the field's File list). Each file is uploaded once; its key is then replaced by `attachment:<id>`
 * (or, for a field holding several files, by an array of them).
 */
import { readError, type ApiError } from './http.js';

export const FILE_KEY_PREFIX = 'files::';

export type Path = (string | number)[];

export interface FileSlot {
  /** where the key sits in the data, e.g. ['reply', 'investigationDocument'] */
  path: Path;
  /** the `files::…` key */
  key: string;
}

/** the places in `data` that hold a filepicker key */
export function findFileSlots(data: unknown, path: Path = []): FileSlot[] {
  if (typeof data === 'string') return data.startsWith(FILE_KEY_PREFIX) ? [{ path, key: data }] : [];
  if (Array.isArray(data)) return data.flatMap((item, i) => findFileSlots(item, [...path, i]));
  if (data && typeof data === 'object') return Object.entries(data).flatMap(([k, v]) => findFileSlots(v, [...path, k]));
  return [];
}

/** sets `value` at `path` inside `data` (the path exists: it came from `findFileSlots`) */
export function setAt(data: any, path: Path, value: unknown): void {
  let target = data;
  for (const step of path.slice(0, -1)) target = target[step];
  target[path[path.length - 1]] = value;
}

export interface UploadTarget {
  uploadUrl: string;
  csrf: string;
  petitionId: string;
}

export class UploadError extends Error {
  constructor(
    readonly file: File,
    readonly error: ApiError,
  ) {
    super(error.message);
    this.name = 'UploadError';
  }
}

/** uploaded files → their attachment id; kept across submits, so a retry sends nothing twice */
const uploaded = new WeakMap<File, string>();

async function uploadOne(file: File, purpose: string, target: UploadTarget): Promise<string> {
  const known = uploaded.get(file);
  if (known) return known;
  if (!target.uploadUrl) throw new UploadError(file, { status: 0, code: 'NO_UPLOAD_URL', message: '页面缺少附件上传地址(data-upload-url),无法上传附件' });
  const body = new FormData();
  // the text fields first, so a streaming parser (multer) has them before the file
  if (target.petitionId) body.append('petitionId', target.petitionId);
  body.append('purpose', purpose);
  body.append('file', file, file.name);
  let res: Response;
  try {
    res = await fetch(target.uploadUrl, {
      method: 'POST',
      body,
      headers: { 'x-csrf-token': target.csrf, accept: 'application/json' },
      credentials: 'same-origin',
    });
  } catch {
    throw new UploadError(file, { status: 0, code: 'NETWORK', message: `网络连接失败,附件「${file.name}」未能上传,请检查网络后重试` });
  }
  if (!res.ok) {
    const error = await readError(res);
    const message = res.status === 413 ? `附件「${file.name}」太大,无法上传` : `附件「${file.name}」上传失败:${error.message}`;
    throw new UploadError(file, { ...error, message });
  }
  const answer = (await res.json().catch(() => null)) as { id?: unknown } | null;
  const id = answer?.id;
  if ((typeof id !== 'string' && typeof id !== 'number') || id === '') {
    throw new UploadError(file, { status: res.status, code: 'BAD_UPLOAD_ANSWER', message: `附件「${file.name}」上传后服务器未返回编号` });
  }
  uploaded.set(file, String(id));
  return String(id);
}

/**
 * Uploads the files of the filepickers present in `data` (a hidden field's files stay behind) and
 * writes their references into `data`. `onProgress` hears of each file before it is sent.
 */
export async function uploadFiles(
  data: Record<string, unknown>,
  files: Map<string, File[]>,
  target: UploadTarget,
  onProgress: (file: File, index: number, total: number) => void = () => {},
): Promise<void> {
  const slots = findFileSlots(data);
  const total = slots.reduce((n, s) => n + (files.get(s.key)?.length ?? 0), 0);
  let index = 0;
  for (const slot of slots) {
    const list = files.get(slot.key) ?? [];
    const purpose = slot.path.join('.');
    const refs: string[] = [];
    for (const file of list) {
      onProgress(file, ++index, total);
      refs.push(`attachment:${await uploadOne(file, purpose, target)}`);
    }
    // no files behind the key (form-js lost them): send no value rather than a key the server cannot resolve
    setAt(data, slot.path, refs.length === 0 ? null : refs.length === 1 ? refs[0] : refs);
  }
}
