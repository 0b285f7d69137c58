import { describe, it, expect } from '@jest/globals';
import { createCheckReportDue } from './check-report-due.js';
import { createIssueReport } from './issue-report.js';
import { createTestDeps, jobContext } from './testing/in-memory.js';
import { renderTemplate } from '../regulation/templates.js';

describe('check-report-due (第二十五条)', () => {
  it('on 8 October 2026 (China time), the first working day after the holidays: September’s 月报 and the third quarter’s 季报', async () => {
    // 00:30 on 8 October in Shanghai is still 7 October in UTC
    const deps = createTestDeps({ now: '2026-10-07T16:30:00.000Z' });
    expect(await createCheckReportDue(deps)({}, jobContext('check-report-due'))).toEqual({
      reportDay: '2026-10-08',
      monthDue: true,
      quarterDue: true,
      reportMonth: { year: 2026, index: 9 },
      reportQuarter: { year: 2026, index: 3 },
    });
  });

  it('on a holiday or a later working day, nothing is due', async () => {
    for (const now of ['2026-10-06T02:00:00.000Z', '2026-10-09T02:00:00.000Z']) {
      const deps = createTestDeps({ now });
      expect(await createCheckReportDue(deps)({}, jobContext('check-report-due'))).toMatchObject({ monthDue: false, quarterDue: false });
    }
  });
});

describe('issue-report (第二十五条)', () => {
  const vars = { reportMonth: { year: 2026, index: 9 }, reportQuarter: { year: 2026, index: 3 } };

  it('archives the schedule’s edition once, and tells the platform office and the city’s leaders once', async () => {
    const deps = createTestDeps({ now: '2026-10-08T00:00:00.000Z' });
    const handler = createIssueReport(deps);
    await handler(vars, jobContext('issue-report', { kind: 'month' }));
    // the job retried after a crash: nothing new
    await handler(vars, jobContext('issue-report', { kind: 'month' }));
    expect(deps.reports.issued.map((r) => [r.figures.period.label, r.edition])).toEqual([['2026年9月', 1]]);
    expect(deps.reports.figuresAsked).toHaveLength(1);
    expect(deps.outbox.entries.map((e) => [e.recipientKind, e.template])).toEqual([
      ['platform', 'report-issued'],
      ['city-leaders', 'report-issued'],
    ]);
    expect(renderTemplate('report-issued', deps.outbox.entries[0].payload)).toBe('【龙南问政】2026年9月月报已出具,请登录平台“报告”页查看或下载(第二十五条)。');

    await handler(vars, jobContext('issue-report', { kind: 'quarter' }));
    expect(deps.reports.issued.map((r) => r.figures.period.label)).toEqual(['2026年9月', '2026年第三季度']);
  });

  it('a missing period or a wrong header is a wiring error of the diagram', async () => {
    const deps = createTestDeps();
    const handler = createIssueReport(deps);
    await expect(handler({}, jobContext('issue-report', { kind: 'month' }))).rejects.toThrow('issue-report: variable "reportMonth" must be an object');
    await expect(handler({ reportMonth: { year: 2026, index: 13 } }, jobContext('issue-report', { kind: 'month' }))).rejects.toThrow('月份应为 1 至 12');
    await expect(handler(vars, jobContext('issue-report', { kind: 'week' }))).rejects.toThrow('task header "kind" must be one of month, quarter');
    expect(deps.reports.issued).toEqual([]);
  });
});
