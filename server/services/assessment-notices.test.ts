import { describe, it, expect } from '@jest/globals';
import JSZip from 'jszip';
import { ZERO_WARNINGS } from '../../regulation/assessment.js';
import { DEFAULT_TEMPLATES } from '../../regulation/notice-template.js';
import { chineseDate, noticeText, renderNotice, type NoticeUnit } from './assessment-notices.js';

const unit = (unitName: string, score: number | null, rank: number | null, standing: NoticeUnit['standing']): NoticeUnit => ({
  unitName,
  score,
  rank,
  standing,
  figures: {
    received: 12,
    accepted: 12,
    rejected: 0,
    closed: 10,
    closedOnTime: 9,
    rated: 8,
    satisfied: 7,
    redone: 1,
    rates: { acceptance: 1, completion: 10 / 12, onTime: 0.9, satisfaction: 0.875, redo: 0.1 },
    warnings: { ...ZERO_WARNINGS, blue: 1, yellow: 1, deductionTenths: 15, transfers: 1, criticisms: 1 },
  },
});

const input = (kind: 'praise' | 'criticism', units: NoticeUnit[]) => ({
  kind,
  template: DEFAULT_TEMPLATES[kind],
  periodLabel: '2026年第一季度',
  year: 2026,
  edition: 2,
  doneAt: new Date('2026-04-01T17:00:00.000Z'),
  units,
});

const UNITS = [unit('东江乡人民政府', 88.5, 2, 'praise'), unit('龙南镇人民政府', 92, 1, 'praise'), unit('杨村镇人民政府', 41.25, 3, 'criticism'), unit('龙南市自来水公司', null, null, null)];

describe('第二十七条 通报 documents', () => {
  it('fill the template: the named units in rank order with their figures, the period, edition, counts and date (China time)', () => {
    const n = noticeText(input('praise', UNITS));
    expect(n.title).toBe('关于2026年第一季度网络问政办理工作表现突出单位的通报');
    expect(n.docNumber).toBe('龙五型办字〔2026〕考2号');
    expect(n.date).toBe('2026年4月2日');
    expect(n.body[0]).toContain('共有3个单位参评。经考核,以下2个单位');
    expect(n.body[1]).toBe('龙南镇人民政府:考核得分92分,排名第1位。本期受理诉求12件,办结率83.3%,按期办结率90.0%,满意率87.5%。');
    expect(n.body[2]).toMatch(/^东江乡人民政府:考核得分88.5分,排名第2位/);
    const c = noticeText(input('criticism', UNITS));
    expect(c.body[1]).toBe('杨村镇人民政府:考核得分41.25分,排名第3位。本期受理诉求12件,按期办结率90.0%,满意率87.5%,重办率10.0%;红黄蓝预警计扣1.5分,转市政府督查室1件,通报批评1次。');
  });

  it('say so when no unit is named', () => {
    expect(noticeText(input('criticism', UNITS.filter((u) => u.standing !== 'criticism'))).body).toContain('本期无需通报批评的单位。');
    expect(chineseDate(new Date('2026-12-31T16:00:00.000Z'))).toBe('2027年1月1日');
  });

  it('a Word file whose document.xml holds every paragraph', async () => {
    const buffer = await renderNotice(input('praise', UNITS));
    const zip = await JSZip.loadAsync(buffer);
    const xml = await zip.file('word/document.xml')!.async('string');
    const plain = xml.replace(/<[^>]+>/g, '');
    for (const p of Object.values(noticeText(input('praise', UNITS))).flat()) expect(plain).toContain(p);
  });
});
