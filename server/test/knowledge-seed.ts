/**
 * Knowledge entries for the portal's tests, written through the knowledge repository (seeding only:
 * the review process publishes them in the app). Seed before the app's first knowledge search — the
 * search index loads the published entries then; entries written later reach it when the service
 * catches up from the change sequence (at most a second).
 */
import { randomUUID } from 'node:crypto';
import type { Category } from '../../regulation/categories.js';
import { createKnowledgeRepository } from '../data/knowledge-repository.js';
import type { Database } from '../data/sql.js';
import { indexTerms } from '../domain/knowledge-search.js';

export interface SeedEntry {
  question: string;
  answer: string;
  basis?: string;
  ownerUnitId: string;
  categories?: Category[];
  published: boolean;
}

/** the portal's examples: two published entries and a draft that must never show */
export const PUBLISHED_MEDICAL: SeedEntry = {
  question: '新生儿医保怎么办理参保登记?',
  answer: '新生儿出生后 90 日内,父母持出生医学证明和户口簿到户籍所在地乡镇(街道)便民服务中心办理城乡居民医保参保登记,当年个人缴费按城乡居民标准执行。\n也可在“赣服通”手机端在线办理。',
  basis: '《江西省城乡居民基本医疗保险实施办法》第十二条',
  ownerUnitId: 'u-hrss',
  categories: ['consultation'],
  published: true,
};
export const PUBLISHED_RESIDENCE: SeedEntry = {
  question: '办理居住证需要什么材料?',
  answer: '居民身份证、近期照片和居住地址证明(房产证明或租赁合同),到居住地派出所办理。',
  basis: '《居住证暂行条例》第九条',
  ownerUnitId: 'u-longnan',
  categories: ['consultation'],
  published: true,
};
export const DRAFT_PARKING: SeedEntry = {
  question: '城区路边停车位夜间收费标准是多少?',
  answer: '草稿:尚待审核的收费标准答复。',
  ownerUnitId: 'u-market',
  categories: ['consultation'],
  published: false,
};

/** the entries, created (and published) at `at`; their ids in order */
export async function seedKnowledge(db: Database, entries: SeedEntry[], at: Date): Promise<string[]> {
  const repo = createKnowledgeRepository(db);
  const ids: string[] = [];
  for (const e of entries) {
    const id = randomUUID();
    await repo.create(
      {
        id,
        status: 'draft',
        version: 1,
        question: e.question,
        answer: e.answer,
        basis: e.basis ?? '',
        ownerUnitId: e.ownerUnitId,
        categories: e.categories ?? [],
        townships: [],
        validUntil: null,
        sourcePetitionId: null,
        createdBy: 'seed',
        createdAt: at,
        questionTerms: indexTerms(e.question),
        answerTerms: indexTerms(`${e.answer} ${e.basis ?? ''}`),
      },
      { action: 'created' },
    );
    if (e.published) await repo.setStatus(id, 'published', { action: 'published', actor: 'seed', at }, { published: true, reviewed: true });
    ids.push(id);
  }
  return ids;
}
