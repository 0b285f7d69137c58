import { describe, it, expect } from '@jest/globals';
import { checkTemplate, DEFAULT_TEMPLATES, fill, paragraphs, placeholdersOf } from './notice-template.js';

describe('第二十七条 通报 templates', () => {
  it('the defaults pass their own checks', () => {
    for (const t of Object.values(DEFAULT_TEMPLATES)) expect(checkTemplate(t)).toEqual({ template: t, problems: [] });
  });

  it('refuses an unknown placeholder, naming it and the known ones', () => {
    const { problems, template } = checkTemplate({ ...DEFAULT_TEMPLATES.praise, intro: '{{期间}} {{季度}} 考核' });
    expect(template).toBeUndefined();
    expect(problems).toEqual([{ field: 'intro', message: expect.stringContaining('未知的占位符 {{季度}}') }]);
    expect(problems[0].message).toContain('{{期间}}');
  });

  it('refuses a unit placeholder outside the unit paragraph, unpaired braces, blanks and unknown fields', () => {
    const { problems } = checkTemplate({ ...DEFAULT_TEMPLATES.criticism, title: '{{单位}}的通报', closing: '请于{{日期}}前{{整改', issuer: '  ', extra: 'x' });
    expect(problems.map((p) => p.field).sort()).toEqual(['closing', 'extra', 'issuer', 'title']);
    expect(problems.find((p) => p.field === 'title')?.message).toContain('只能用在单位段落中');
    expect(problems.find((p) => p.field === 'closing')?.message).toContain('花括号不成对');
  });

  it('refuses what is not text', () => {
    expect(checkTemplate(null).problems).toHaveLength(1);
    expect(checkTemplate({ ...DEFAULT_TEMPLATES.praise, title: 5 }).problems).toEqual([{ field: 'title', message: '标题须为文字' }]);
    expect(checkTemplate({ ...DEFAULT_TEMPLATES.praise, intro: 'x'.repeat(4001) }).problems[0].message).toContain('4000');
  });

  it('fills placeholders (spaces inside the braces allowed) and splits paragraphs', () => {
    expect(placeholdersOf('{{单位}}得{{ 得分 }}分')).toEqual(['单位', '得分']);
    expect(fill('{{单位}}得{{ 得分 }}分', { 单位: '龙南镇人民政府', 得分: '92.5' })).toBe('龙南镇人民政府得92.5分');
    expect(paragraphs('一\n\n 二 \n')).toEqual(['一', '二']);
  });
});
