import { describe, it, expect } from '@jest/globals';
import { createKnowledgeIndex, indexTerms, type IndexedEntry } from './knowledge-search.js';

const entry = (id: string, question: string, answer: string, categories = ['consultation'], townships: string[] = []): IndexedEntry => ({
  id,
  questionTerms: indexTerms(question),
  answerTerms: indexTerms(answer),
  categories,
  townships,
});

const ENTRIES = [
  entry('hukou-material', '新生儿办理户口登记需要哪些材料?', '携带出生医学证明、父母双方户口簿和居民身份证到户籍所在地派出所办理。', ['consultation'], ['杨村镇']),
  entry('hukou-place', '新生儿户口登记在哪里办理?', '到父母一方户籍所在地派出所户籍窗口办理,工作日上午8点至12点。', ['consultation'], ['龙南镇']),
  entry('medical-pay', '城乡居民医保每年什么时候缴费?', '每年9月至12月集中缴纳下一年度的城乡居民医疗保险费,可在赣服通缴费。', ['consultation'], ['龙南镇']),
  entry('pension', '养老保险断缴了怎么补缴?', '持身份证到社保经办窗口申请补缴,按规定计算滞纳金。', ['help'], ['武当镇']),
  entry('license', '个体工商户营业执照怎么注销?', '通过江西省市场主体登记平台申请简易注销,公示20天后办理。', ['consultation'], ['杨村镇']),
  entry('noise', '工地夜间施工噪音扰民向谁投诉?', '向住房和城乡建设局或生态环境局反映,夜间施工须办理许可。', ['complaint'], ['龙南镇']),
];

function build() {
  const index = createKnowledgeIndex();
  for (const e of ENTRIES) index.replace(e);
  return index;
}

describe('knowledge search (issue 17)', () => {
  it('stores the terms of a text cut, lower-cased and without punctuation', () => {
    const terms = indexTerms('请问:补办居民身份证需要多少钱?ABC').split(' ');
    expect(terms).toEqual(expect.arrayContaining(['补办', '身份证', '居民身份证', '多少', 'abc']));
    expect(terms).not.toContain('?');
    expect(terms).not.toContain(':');
  });

  it('puts the entry asked for word for word first, and finds it from a paraphrase among entries that share words', () => {
    const index = build();
    expect(index.search('新生儿办理户口登记需要哪些材料?')[0].id).toBe('hukou-material');
    // "在哪里" is what tells the two 新生儿户口 entries apart
    expect(index.search('我想问一下,刚出生的新生儿上户口,要到哪里去办呀')[0].id).toBe('hukou-place');
    expect(index.search('请问新生儿户口登记要准备什么材料')[0].id).toBe('hukou-material');
  });

  it('weighs a match in the question more than one in the answer', () => {
    const index = createKnowledgeIndex();
    index.replace(entry('in-answer', '孩子上学要办什么手续?', '先到派出所办理户口登记,再到学校报名。'));
    index.replace(entry('in-question', '户口登记要办什么手续?', '到派出所窗口,带齐材料即可办理。'));
    const hits = index.search('户口登记');
    expect(hits.map((h) => h.id)).toEqual(['in-question', 'in-answer']);
    expect(hits[0].score).toBeGreaterThan(hits[1].score);
  });

  it('filters by category and by township', () => {
    const index = build();
    expect(index.search('户口登记', { township: '龙南镇' }).map((h) => h.id)).toEqual(['hukou-place']);
    // an entry of no township is the whole city's: found in every township
    index.replace(entry('hukou-city', '户口登记的政策依据是什么?', '《中华人民共和国户口登记条例》。'));
    expect(index.search('户口登记', { township: '龙南镇' }).map((h) => h.id).sort()).toEqual(['hukou-city', 'hukou-place']);
    index.remove('hukou-city');
    // 营业执照's answer says 登记 as well: every hit is of the township, the 户口 one first
    expect(index.search('户口登记', { township: '杨村镇' }).map((h) => h.id)).toEqual(['hukou-material', 'license']);
    expect(index.search('噪音 投诉', { category: 'complaint' }).map((h) => h.id)).toEqual(['noise']);
    expect(index.search('噪音 投诉', { category: 'consultation' }).map((h) => h.id)).not.toContain('noise');
    expect(index.search('户口登记', { limit: 1 })).toHaveLength(1);
  });

  it('expands a query word to the other words of its synonym group, a little below the word itself', () => {
    const index = build();
    expect(index.search('落户').map((h) => h.id)).toEqual([]);
    index.setSynonyms([['户口', '户籍', '落户'], ['医保', '医疗保险'], ['营业执照', '执照']]);
    expect(index.search('新生儿落户要什么材料')[0].id).toBe('hukou-material');
    expect(index.search('医疗保险什么时候交')[0].id).toBe('medical-pay');
    // the word itself ranks above its synonym
    const both = createKnowledgeIndex();
    both.setSynonyms([['户口', '户籍']]);
    both.replace(entry('said', '户口迁移', '…'));
    both.replace(entry('synonym', '户籍迁移', '…'));
    expect(both.search('户口迁移').map((h) => h.id)).toEqual(['said', 'synonym']);
    // new groups replace the old ones
    index.setSynonyms([]);
    expect(index.search('落户')).toEqual([]);
  });

  it('drops words that say nothing: a query of fillers and punctuation finds nothing', () => {
    const index = build();
    expect(index.search('请问我想问一下怎么办呀???')).toEqual([]);
    expect(index.search('')).toEqual([]);
    // a single character counts for less than a word: an entry matching 证 ranks below one matching 房子
    const short = createKnowledgeIndex();
    short.replace(entry('char', '证什么时候能拿到?', '…'));
    short.replace(entry('word', '房子什么时候能拿到?', '…'));
    expect(short.search('房子的证').map((h) => h.id)).toEqual(['word', 'char']);
  });

  it('replaces and removes entries', () => {
    const index = build();
    expect(index.size).toBe(ENTRIES.length);
    index.replace(entry('license', '食品经营许可证怎么办理?', '到市场监督管理局窗口申请。'));
    expect(index.size).toBe(ENTRIES.length);
    expect(index.search('营业执照 注销').map((h) => h.id)).not.toContain('license');
    expect(index.search('食品经营许可证')[0].id).toBe('license');
    index.remove('license');
    index.remove('never-there');
    expect(index.has('license')).toBe(false);
    expect(index.size).toBe(ENTRIES.length - 1);
    expect(index.search('食品经营许可证').map((h) => h.id)).not.toContain('license');
  });

  it('keeps finding the live entries after many are replaced and removed (the postings are compacted)', () => {
    const index = createKnowledgeIndex();
    const words = ['户口', '医保', '社保', '低保', '公积金'];
    const terms = (i: number) => ({ id: `e${i}`, questionTerms: `${words[i % 5]} 办理 材料`, answerTerms: '窗口', categories: ['consultation'], townships: [] });
    for (let i = 0; i < 3000; i++) index.replace(terms(i));
    for (let i = 0; i < 2500; i++) index.remove(`e${i}`);
    for (let i = 2500; i < 2600; i++) index.replace({ ...terms(i), questionTerms: `营业执照 ${terms(i).questionTerms}` });
    expect(index.size).toBe(500);
    const hits = index.search('户口', { limit: 100 });
    expect(hits).toHaveLength(100);
    expect(hits.every((h) => Number(h.id.slice(1)) >= 2500 && Number(h.id.slice(1)) % 5 === 0)).toBe(true);
    expect(index.search('营业执照', { limit: 100 }).map((h) => h.id).sort()).toEqual(Array.from({ length: 100 }, (_, k) => `e${2500 + k}`).sort());
  });

  it('leaves out, when asked, hits far below the best: they share a common word, not the matter; an entry of no category answers in every category', () => {
    const index = build();
    index.replace(entry('streetlight', '城区路灯不亮找哪个部门报修?', '城区道路路灯由城市管理局负责维修,村道路灯由村委会报修。', []));
    const all = index.search('外地户籍在城区怎么办理居住证需要哪些材料');
    expect(all.length).toBeGreaterThan(1);
    const near = index.search('外地户籍在城区怎么办理居住证需要哪些材料', { minShare: 0.4 });
    expect(near.length).toBeLessThan(all.length);
    expect(near.every((h) => h.score >= near[0].score * 0.4)).toBe(true);
    expect(index.search('路灯不亮', { category: 'complaint' })[0]?.id).toBe('streetlight');
  });
});
