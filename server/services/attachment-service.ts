/**
 * Case documents uploaded by staff (investigation documents, written statements, reply documents:
 * the form's filepicker fields) and their downloads. A file is type-checked by its content and
 * size-limited (server/domain/file-type.ts) and stored with its SHA-256; only staff who may see the
 * case may download from it, and upload to it unless their unit only co-handles it (第十二条).
 */
import { AttachmentInputError, FileTypeError, type AttachmentRecord, type AttachmentsRepository } from '../data/attachments-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { HttpError } from '../http-error.js';
import { unitBound, type CaseService } from './case-service.js';

const PURPOSE = /^[A-Za-z][\w.]{0,63}$/;

export function createAttachmentService(deps: { attachments: AttachmentsRepository; cases: CaseService }) {
  const { attachments, cases } = deps;
  return {
    async upload(staff: StaffRecord, input: { petitionId?: string; purpose?: string; file?: { filename: string; content: Buffer } }): Promise<AttachmentRecord> {
      const problems: { field: string; message: string }[] = [];
      if (!input.file) problems.push({ field: 'file', message: '请选择要上传的文件' });
      if (!input.petitionId) problems.push({ field: 'petitionId', message: '缺少所属诉求' });
      if (!input.purpose || !PURPOSE.test(input.purpose)) problems.push({ field: 'purpose', message: '缺少文件用途(表单字段)' });
      if (problems.length) throw new HttpError(400, 'INVALID_INPUT', '上传的内容有误', problems);
      const petition = await cases.visible(staff, input.petitionId as string);
      // 第十二条: a co-handling unit reads the case; the lead unit's handler files its documents
      if (unitBound(staff) && petition.unitId !== staff.unitId) throw new HttpError(403, 'FORBIDDEN', '协办单位只能查看该诉求,文件由牵头单位上传');
      try {
        return await attachments.store({ filename: input.file!.filename, content: input.file!.content, petitionId: petition.id, purpose: input.purpose as string, uploadedBy: staff.id });
      } catch (err) {
        if (err instanceof FileTypeError) throw new HttpError(err.code === 'TOO_LARGE' ? 413 : 400, `FILE_${err.code}`, err.message, [{ field: 'file', message: err.message }]);
        if (err instanceof AttachmentInputError) throw new HttpError(400, 'INVALID_INPUT', err.message, [{ field: 'file', message: err.message }]);
        throw err;
      }
    },

    async read(staff: StaffRecord, id: string): Promise<{ record: AttachmentRecord; content: Buffer }> {
      const found = typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? await attachments.read(id) : undefined;
      if (!found || !found.record.petitionId) throw new HttpError(404, 'NOT_FOUND', '未找到该附件');
      await cases.visible(staff, found.record.petitionId).catch(() => {
        throw new HttpError(404, 'NOT_FOUND', '未找到该附件');
      });
      return found;
    },
  };
}

export type AttachmentService = ReturnType<typeof createAttachmentService>;
