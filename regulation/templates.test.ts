import { describe, it, expect } from '@jest/globals';
import { ratingUrl, renderTemplate, TEMPLATE_IDS, TemplateError } from './templates.js';

describe('notification templates', () => {
  it('tells the petitioner the tracking code on receipt', () => {
    expect(renderTemplate('petition-received', { trackingCode: 'LN2603020001' })).toBe('【龙南问政】您的诉求已收到,查询码 LN2603020001。请凭查询码和本手机号查询办理进度。');
  });

  it('gives the 第八条 reason of a rejection and, for item 二, the number to call', () => {
    expect(renderTemplate('petition-rejected', { trackingCode: 'C1', outOfScopeItem: '三' })).toBe(
      '【龙南问政】您的诉求(查询码 C1)不在平台受理范围:属党委、人大、政协、法院、检察院、军队和武警职能的事项(第八条第(三)项)。',
    );
    expect(renderTemplate('petition-rejected', { trackingCode: 'C1', outOfScopeItem: '二' })).toContain('请拨打 110/119/120/122。');
    expect(renderTemplate('petition-rejected', { trackingCode: 'C1', outOfScopeItem: '二', emergencyNumber: '119' })).toContain('请拨打 119。');
  });

  it('sends the evaluation link with the reply', () => {
    const url = ratingUrl('https://wz.example.gov.cn/', 'LN 1');
    expect(url).toBe('https://wz.example.gov.cn/rate/LN%201');
    expect(renderTemplate('reply-ready', { trackingCode: 'LN 1', ratingUrl: url })).toBe(
      '【龙南问政】您的诉求(查询码 LN 1)已办理答复,请查看答复并评价:https://wz.example.gov.cn/rate/LN%201',
    );
  });

  it('shows deadlines in Shanghai time, 24:00 style', () => {
    expect(renderTemplate('extension-approved', { trackingCode: 'C1', finishDueAt: '2026-03-16T16:00:00.000Z' })).toBe(
      '【龙南问政】诉求(查询码 C1)的办理已获准延期,新的办理期限为 2026-03-16 24:00(第十四条)。',
    );
    expect(renderTemplate('extension-refused', { trackingCode: 'C1', extensionRefusal: '突发类事项不得申请延期(第十四条)', finishDueAt: '2026-03-09T16:00:00.000Z' })).toBe(
      '【龙南问政】事项(查询码 C1)的延期申请未获同意:突发类事项不得申请延期(第十四条)。原办理期限 2026-03-09 24:00 不变,请继续办理(第十四条)。',
    );
  });

  it('states the warning level and the deduction', () => {
    const p = { trackingCode: 'C1', finishDueAt: '2026-03-09T16:00:00.000Z', overdueDays: 4, deductionTenths: 30 };
    expect(renderTemplate('warning-red', p)).toBe(
      '【龙南问政】【红色预警】事项(查询码 C1)已超过办理期限(2026-03-09 24:00)4 个工作日,请抓紧办理。请单位主要领导督促办理。按第二十六条在“五型”政府建设年终考评中计扣 3 分。',
    );
    expect(renderTemplate('warning-blue', { ...p, overdueDays: 1, deductionTenths: 5 })).toContain('计扣 0.5 分');
  });

  it('renders every template with its fields', () => {
    const sample = {
      trackingCode: 'C1',
      finishDueAt: '2026-03-09T16:00:00.000Z',
      firstStepDueAt: '2026-03-04T16:00:00.000Z',
      redoDueAt: '2026-03-09T16:00:00.000Z',
      supervisionDueAt: '2026-03-04T16:00:00.000Z',
      outOfScopeItem: '一',
      ratingUrl: 'https://x/rate/C1',
      overdueDays: 1,
      deductionTenths: 5,
      unitName: '龙南镇人民政府',
      mergedIntoCode: 'WZ22222222',
      kindLabel: '月报',
      periodLabel: '2026年9月',
    };
    for (const id of TEMPLATE_IDS) expect(renderTemplate(id, sample)).toMatch(/^【龙南问政】/);
  });

  it('refuses an unknown template and a missing field', () => {
    expect(() => renderTemplate('nope', {})).toThrow(TemplateError);
    expect(() => renderTemplate('redo-requested', { trackingCode: 'C1' })).toThrow('template redo-requested needs redoDueAt');
  });
});
