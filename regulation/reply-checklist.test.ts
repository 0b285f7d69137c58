import { describe, it, expect } from '@jest/globals';
import { checkReply, checkTemplateBody } from './reply-checklist.js';
import { fillPlaceholders, placeholdersIn, unknownPlaceholders } from './reply-templates.js';

const full = {
  handledAt: '2026-03-02T02:00:00.000Z',
  handlingUnit: '龙南镇人民政府',
  result: '已安排清理老街排水沟,3 月 2 日疏通完毕。',
  legalBasis: '《城镇排水与污水处理条例》第二十条',
  contactRecord: '3 月 2 日电话联系诉求人,诉求人表示满意。',
  replyText: '您好,……',
};

describe('第十五条 the checklist of a reply', () => {
  it('given every item of (一), then each is present and the reply is complete', () => {
    const out = checkReply(full);
    expect(out.items.map((i) => [i.label, i.present])).toEqual([
      ['办理时间', true],
      ['办理单位', true],
      ['办理结果', true],
      ['法律法规政策依据', true],
      ['回复诉求人情况', true],
    ]);
    expect(out).toMatchObject({ missing: [], complete: true });
    expect(out.items.find((i) => i.key === 'legalBasis')?.note).toBeUndefined();
  });

  it('given blanks and missing fields, then they are named in the checklist order; not an object: all missing', () => {
    const out = checkReply({ ...full, handledAt: null, result: '   ', contactRecord: undefined });
    expect(out.missing).toEqual(['办理时间', '办理结果', '回复诉求人情况']);
    expect(out.complete).toBe(false);
    expect(checkReply('回复').missing).toHaveLength(5);
    expect(checkReply(null).missing).toHaveLength(5);
  });

  it('given a basis that names no document, article or number, then it is present with a note', () => {
    expect(checkReply({ ...full, legalBasis: '相关规定' }).items.find((i) => i.key === 'legalBasis')).toMatchObject({ present: true, note: expect.stringContaining('条款') });
    for (const basis of ['国办发〔2020〕53号', '依照第十二条', '《信访工作条例》']) expect(checkReply({ ...full, legalBasis: basis }).items[3]?.note).toBeUndefined();
  });

  it('given a 投诉 or 举报, then (三) is an item: the document when investigated, reason and basis when not', () => {
    expect(checkReply(full, { category: 'consultation' }).items).toHaveLength(5);
    expect(checkReply(full, { category: 'complaint' }).missing).toEqual(['调查处理情况']);
    expect(checkReply({ ...full, investigation: 'investigated', investigationDocument: ['attachment:a1'] }, { category: 'report' }).complete).toBe(true);
    expect(checkReply({ ...full, investigation: 'investigated' }, { category: 'report' }).complete).toBe(false);
    expect(checkReply({ ...full, investigation: 'not-investigated', noInvestigationReason: '不属于本单位职责' }, { category: 'complaint' }).complete).toBe(false);
    expect(checkReply({ ...full, investigation: 'not-investigated', noInvestigationReason: '不属于职责', noInvestigationBasis: '《条例》第五条' }, { category: 'complaint' }).complete).toBe(true);
  });
});

describe('第十五条 what a reply template covers', () => {
  it('given placeholders and the words of each item, then each is present', () => {
    const body = '{办理单位}于{办理时间}收到您反映的问题。经核实,……根据《城乡规划法》第四十条,……。我们已电话联系您说明情况。';
    expect(checkTemplateBody(body)).toMatchObject({ missing: [], complete: true });
  });

  it('given a bare greeting, then every item is missing; a date written out counts as the time', () => {
    expect(checkTemplateBody('您好,感谢您的来信。').missing).toEqual(['办理时间', '办理单位', '办理结果', '法律法规政策依据', '回复诉求人情况']);
    expect(checkTemplateBody('2026年3月2日,我局……').missing).toEqual(['办理结果', '法律法规政策依据', '回复诉求人情况']);
  });
});

describe('reply template placeholders', () => {
  it('given values, then known placeholders are filled; one without a value and unknown ones stay as written', () => {
    const body = '{办理单位}已于{办理时间}办结您的诉求({查询编号}),{诉求人}……{办理单位}';
    expect(fillPlaceholders(body, { 办理单位: '龙南镇人民政府', 办理时间: ' ', 查询编号: 'WZ12345678' })).toBe('龙南镇人民政府已于{办理时间}办结您的诉求(WZ12345678),{诉求人}……龙南镇人民政府');
    expect(placeholdersIn(body)).toEqual(['办理单位', '办理时间', '查询编号', '诉求人']);
    expect(unknownPlaceholders(body)).toEqual(['诉求人']);
    expect(unknownPlaceholders('{ 办理单位 } {}')).toEqual([]);
  });
});
