/**
 * Reply templates / 常用语 (issue 17): every staff account reads them (by category); platform
 * reviewers write them, each change audited in its transaction. Bad input is a 400 naming each
 * field's problem, and nothing is written. A template is shared text: no personal data, and only the
 * placeholders the case can fill (regulation/reply-templates.ts). For a case (`petitionId`, or the
 * draft-reply task's side panel) the placeholders are filled from it.
 */
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import { CATEGORIES, CATEGORY_LABELS, isCategory, type Category } from '../../regulation/categories.js';
import { looksPersonal } from '../../regulation/masking.js';
import { checkReply, checkTemplateBody, type ChecklistResult } from '../../regulation/reply-checklist.js';
import { chineseDate, fillPlaceholders, REPLY_PLACEHOLDERS, TEMPLATE_LIMITS, unknownPlaceholders, type ReplyPlaceholder } from '../../regulation/reply-templates.js';
import type { AuditRepository } from '../data/audit-repository.js';
import type { Petition } from '../data/petitions-repository.js';
import type { ReplyTemplateRecord, ReplyTemplatesRepository } from '../data/reply-templates-repository.js';
import type { StaffRecord } from '../data/staff-repository.js';
import type { UnitsRepository } from '../data/units-repository.js';
import { hasControlCharacters } from '../domain/text.js';
import { HttpError } from '../http-error.js';
import { inputError, type FieldProblem } from './petition-service.js';

export interface ReplyTemplateServiceDeps {
  repo: ReplyTemplatesRepository;
  audit: AuditRepository;
  units: Pick<UnitsRepository, 'get'>;
  clock: { now(): Date };
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /** the case when the account may see it; 404 otherwise (case-service's rule) */
  visible(staff: StaffRecord, petitionId: string): Promise<Petition>;
}

export interface ReplyTemplateView extends ReplyTemplateRecord {
  categoryLabel: string;
  /** what the body covers of 第十五条 (一) */
  checklist: ChecklistResult;
  /** the body with the case's values, when asked for a case */
  filled?: string;
}

export type PlaceholderValues = Record<ReplyPlaceholder, string>;

/** who may write templates */
export const mayEditReplyTemplates = (staff: StaffRecord | undefined): boolean => Boolean(staff?.roles.includes('platform-reviewer'));

const FIELDS = ['category', 'title', 'body'];

function text(v: unknown, field: string, label: string, max: number, problems: FieldProblem[]): string {
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push({ field, message: `请填写${label}` });
    return '';
  }
  // a body keeps its line breaks; a title is one line
  const t = field === 'body' ? v.replace(/\r\n?/g, '\n').trim() : v.trim();
  if ([...t].length > max) problems.push({ field, message: `${label}最多 ${max} 个字(现有 ${[...t].length} 个)` });
  else if (hasControlCharacters(field === 'body' ? t.replace(/[\n\t]/g, '') : t)) problems.push({ field, message: `${label}含有不可见的控制字符` });
  else if (looksPersonal(t)) problems.push({ field, message: `${label}中不能含有手机号码、身份证号或电子邮箱等个人信息(模板供所有承办人使用)` });
  return t;
}

/** the template's fields from a request body; a 400 naming every problem */
export function templateInput(raw: unknown): { category: Category; title: string; body: string } {
  const b = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(b)) if (!FIELDS.includes(k) && k !== '_csrf') problems.push({ field: k, message: `未知字段 ${k}(可填写:${FIELDS.join('、')})` });
  if (!isCategory(b.category)) problems.push({ field: 'category', message: `请选择诉求类别(${CATEGORIES.map((c) => `${c} ${CATEGORY_LABELS[c]}`).join('、')})` });
  const title = text(b.title, 'title', '模板名称', TEMPLATE_LIMITS.title, problems);
  const body = text(b.body, 'body', '模板内容', TEMPLATE_LIMITS.body, problems);
  const unknown = unknownPlaceholders(body);
  if (unknown.length) problems.push({ field: 'body', message: `未知的占位符 ${unknown.map((n) => `{${n}}`).join(' ')};可用的占位符:${REPLY_PLACEHOLDERS.map((n) => `{${n}}`).join(' ')}` });
  if (problems.length) throw inputError(problems);
  return { category: b.category as Category, title, body };
}

export function createReplyTemplateService(deps: ReplyTemplateServiceDeps) {
  const { repo, audit } = deps;
  const view = (t: ReplyTemplateRecord, values?: Partial<PlaceholderValues>): ReplyTemplateView => ({
    ...t,
    categoryLabel: isCategory(t.category) ? CATEGORY_LABELS[t.category] : t.category,
    checklist: checkTemplateBody(t.body),
    ...(values && { filled: fillPlaceholders(t.body, values) }),
  });
  const mayEdit = (staff: StaffRecord) => {
    if (!mayEditReplyTemplates(staff)) throw new HttpError(403, 'FORBIDDEN', '只有平台审核员可以维护答复模板');
  };
  const known = async (id: unknown, tx?: Transaction) => {
    const t = typeof id === 'string' && id.length <= 64 ? await repo.get(id, tx) : undefined;
    if (!t) throw new HttpError(404, 'NOT_FOUND', '未找到该答复模板');
    return t;
  };
  /** one title per category: a second 「政策解答」 under 咨询 would be a guess for the handler */
  const uniqueTitle = async (input: { category: string; title: string }, except?: string) => {
    const same = (await repo.list({ category: input.category })).find((t) => t.title === input.title && t.id !== except);
    if (same) throw new HttpError(409, 'TEMPLATE_EXISTS', `「${CATEGORY_LABELS[input.category as Category]}」类已有名为「${input.title}」的模板`, [{ field: 'title', message: '同一类别中模板名称不能重复' }]);
  };

  /** the placeholders' values for a case; {办理时间}: the reply's 办理时间 when written, else today */
  async function placeholderValues(p: Petition, handledAt?: unknown): Promise<PlaceholderValues> {
    const unit = p.unitId ? await deps.units.get(p.unitId) : undefined;
    return {
      办理单位: unit?.name ?? '',
      办理时间: (typeof handledAt === 'string' && chineseDate(handledAt)) || (chineseDate(deps.clock.now()) as string),
      诉求标题: p.title,
      查询编号: p.trackingCode ?? '',
      受理日期: chineseDate(p.createdAt) ?? '',
      诉求类别: CATEGORY_LABELS[p.category],
    };
  }

  return {
    placeholderValues,

    /** `category`: one category's; `petitionId`: the case's category (unless given) with each body filled from the case */
    async list(staff: StaffRecord, query: Record<string, unknown> = {}): Promise<{ category: Category | null; items: ReplyTemplateView[] }> {
      const problems: FieldProblem[] = [];
      const category = query.category === undefined || query.category === '' ? undefined : query.category;
      if (category !== undefined && !isCategory(category)) problems.push({ field: 'category', message: `未知的诉求类别(可选:${CATEGORIES.join('、')})` });
      const petitionId = query.petitionId === undefined || query.petitionId === '' ? undefined : query.petitionId;
      if (petitionId !== undefined && (typeof petitionId !== 'string' || petitionId.length > 64)) problems.push({ field: 'petitionId', message: '诉求编号格式不正确' });
      if (problems.length) throw inputError(problems);
      const petition = petitionId ? await deps.visible(staff, petitionId as string) : undefined;
      const values = petition ? await placeholderValues(petition) : undefined;
      const of = (category as Category | undefined) ?? petition?.category;
      return { category: of ?? null, items: (await repo.list(of ? { category: of } : {})).map((t) => view(t, values)) };
    },

    async get(id: unknown): Promise<ReplyTemplateView> {
      return view(await known(id));
    },

    async create(staff: StaffRecord, raw: unknown): Promise<ReplyTemplateView> {
      mayEdit(staff);
      const input = templateInput(raw);
      await uniqueTitle(input);
      const made = await deps.transaction(async (tx) => {
        const t = await repo.insert(randomUUID(), { ...input, by: staff.id }, tx);
        await audit.append({ actor: staff.id, action: 'reply-template.created', detail: { templateId: t.id, category: t.category, title: t.title } }, tx);
        return t;
      });
      return view(made);
    },

    async update(staff: StaffRecord, id: unknown, raw: unknown): Promise<ReplyTemplateView> {
      mayEdit(staff);
      const before = await known(id);
      const input = templateInput(raw);
      await uniqueTitle(input, before.id);
      const changed = await deps.transaction(async (tx) => {
        const t = await repo.update(before.id, { ...input, by: staff.id }, tx);
        if (!t) throw new HttpError(404, 'NOT_FOUND', '未找到该答复模板');
        await audit.append({ actor: staff.id, action: 'reply-template.updated', detail: { templateId: t.id, category: t.category, title: t.title, ...(before.title !== t.title && { titleBefore: before.title }), ...(before.category !== t.category && { categoryBefore: before.category }) } }, tx);
        return t;
      });
      return view(changed);
    },

    async remove(staff: StaffRecord, id: unknown): Promise<void> {
      mayEdit(staff);
      const t = await known(id);
      await deps.transaction(async (tx) => {
        if (!(await repo.remove(t.id, tx))) throw new HttpError(404, 'NOT_FOUND', '未找到该答复模板');
        await audit.append({ actor: staff.id, action: 'reply-template.deleted', detail: { templateId: t.id, category: t.category, title: t.title } }, tx);
      });
    },

    /**
     * The draft-reply task's side panel: the checklist of the reply as it stands, the case's
     * category's templates filled from the case, and what the page's script needs (`client`).
     */
    async panel(p: Petition, reply: unknown) {
      const handledAt = typeof reply === 'object' && reply !== null ? (reply as Record<string, unknown>).handledAt : undefined;
      const values = await placeholderValues(p, handledAt);
      const templates = (await repo.list({ category: p.category })).map((t) => view(t, values));
      const checklist = checkReply(reply, { category: p.category });
      return {
        category: p.category,
        categoryLabel: CATEGORY_LABELS[p.category],
        templates,
        checklist: { ...checklist, presentCount: checklist.items.filter((i) => i.present).length },
        client: { category: p.category, values, templates: templates.map((t) => ({ id: t.id, title: t.title, body: t.body })) },
      };
    },
  };
}

export type ReplyTemplateService = ReturnType<typeof createReplyTemplateService>;
