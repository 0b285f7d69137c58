import { describe, it, expect } from '@jest/globals';
import { createWorkingCalendar } from './calendar/working-calendar.js';
import { checkReturn, computeStage, DEADLINE_TABLE, describeLimits, dueAfterDeadline, finishLimitDays, warningInstants } from './deadlines.js';
import { checkExtension, extendFinish } from './extension.js';
import { formatShanghai, formatShanghaiMoment } from './format.js';
import { VariableError } from './variables.js';

const calendar = createWorkingCalendar({});
// Monday 2026-03-02, 10:00 in Shanghai
const MON = new Date('2026-03-02T02:00:00.000Z');
const endOf = (day: string) => new Date(`${day}T24:00:00+08:00`).toISOString();

describe('第十三条 table', () => {
  it('gives every category 2 working days for the first step and its finish limit', () => {
    for (const l of Object.values(DEADLINE_TABLE)) expect(l.firstStep).toBe(2);
    expect(finishLimitDays('consultation')).toBe(2);
    expect(finishLimitDays('complaint')).toBe(5);
    expect(finishLimitDays('help')).toBe(5);
    expect(finishLimitDays('suggestion')).toBe(5);
    expect(finishLimitDays('other')).toBe(5);
    expect(finishLimitDays('report')).toBe(10);
    expect(DEADLINE_TABLE.report.finishFrom).toBe('acceptance');
    expect(describeLimits('report')).toBe('举报类:2 个工作日内作出是否受理的决定,受理后 10 个工作日内办结(第十三条)');
  });
});

describe('compute-deadlines stage dispatch', () => {
  it('a complaint dispatched on Monday: return by Tuesday, contact by Wednesday, finish next Monday, warnings after', () => {
    const { variables, provisional } = computeStage(calendar, 'dispatch', { category: 'complaint', unitId: 'u-longnan' }, MON);
    expect(provisional).toBe(false);
    expect(variables).toEqual({
      unitGroup: 'unit:u-longnan',
      unitLeaderGroup: 'unit-leader:u-longnan',
      dispatchedAt: MON.toISOString(),
      returnDueAt: endOf('2026-03-03'),
      firstStepDueAt: endOf('2026-03-04'),
      finishDueAt: endOf('2026-03-09'),
      blueAt: endOf('2026-03-10'),
      yellowAt: endOf('2026-03-11'),
      redAt: endOf('2026-03-13'),
      transferAt: endOf('2026-03-18'),
      deadlineSeq: 1,
      extensionCount: 0,
    });
    expect(variables.returnDueAt).toBe('2026-03-03T16:00:00.000Z');
  });

  it('a consultation: the reply within 2 working days is the finish', () => {
    const { variables } = computeStage(calendar, 'dispatch', { category: 'consultation', unitId: 'u1' }, MON);
    expect(variables.firstStepDueAt).toBe(endOf('2026-03-04'));
    expect(variables.finishDueAt).toBe(endOf('2026-03-04'));
    expect(variables.redAt).toBe(endOf('2026-03-10'));
  });

  it('a report: until accepted, its deadline is the acceptance decision; report-accepted sets 10 working days', () => {
    const dispatched = computeStage(calendar, 'dispatch', { category: 'report', unitId: 'u1' }, MON).variables;
    expect(dispatched.finishDueAt).toBe(endOf('2026-03-04'));
    expect(dispatched.blueAt).toBe(endOf('2026-03-05'));
    const acceptedAt = new Date('2026-03-04T03:00:00.000Z'); // Wednesday
    const accepted = computeStage(calendar, 'report-accepted', { ...dispatched, category: 'report' }, acceptedAt).variables;
    expect(accepted).toEqual({
      finishDueAt: endOf('2026-03-18'),
      ...warningInstants(calendar, new Date(endOf('2026-03-18'))),
      deadlineSeq: 2,
    });
  });

  it('counts across the 2026 Spring Festival: the make-up Saturday counts, the holiday does not', () => {
    const fri = new Date('2026-02-13T02:00:00.000Z');
    const { variables } = computeStage(calendar, 'dispatch', { category: 'complaint', unitId: 'u1' }, fri);
    expect(variables.returnDueAt).toBe(endOf('2026-02-14'));
    expect(variables.firstStepDueAt).toBe(endOf('2026-02-24'));
    expect(variables.finishDueAt).toBe(endOf('2026-02-27'));
    // the next working day after Friday 27 is the make-up Saturday 28
    expect(variables.blueAt).toBe(endOf('2026-02-28'));
  });

  it('a matter dispatched on a Sunday counts from Monday', () => {
    const sun = new Date('2026-03-01T04:00:00.000Z');
    expect(computeStage(calendar, 'dispatch', { category: 'help', unitId: 'u1' }, sun).variables.returnDueAt).toBe(endOf('2026-03-02'));
  });

  it('applies an admin override (a day made a holiday) to the deadlines', () => {
    const withHoliday = createWorkingCalendar({ overrides: [{ date: '2026-03-03', workday: false }] });
    const { variables } = computeStage(withHoliday, 'dispatch', { category: 'complaint', unitId: 'u1' }, MON);
    expect(variables.returnDueAt).toBe(endOf('2026-03-04'));
    expect(variables.finishDueAt).toBe(endOf('2026-03-10'));
  });

  it('the shortest limit applies: a 市领导批示 limit shorter than the category', () => {
    const { variables } = computeStage(calendar, 'dispatch', { category: 'complaint', unitId: 'u1', leaderLimitDays: 3 }, MON);
    expect(variables.finishDueAt).toBe(endOf('2026-03-05'));
    expect(variables.firstStepDueAt).toBe(endOf('2026-03-04'));
    const longer = computeStage(calendar, 'dispatch', { category: 'complaint', unitId: 'u1', leaderLimitDays: 20 }, MON).variables;
    expect(longer.finishDueAt).toBe(endOf('2026-03-09'));
  });

  it('a re-dispatch moves deadlineSeq on and keeps the case\'s extensionCount', () => {
    const { variables } = computeStage(calendar, 'dispatch', { category: 'other', unitId: 'u2', deadlineSeq: 3, extensionCount: 1 }, MON);
    expect(variables.deadlineSeq).toBe(4);
    expect(variables.extensionCount).toBe(1);
    expect(variables.unitGroup).toBe('unit:u2');
  });

  it('marks a deadline counted over a year without a schedule as provisional', () => {
    const late = new Date('2031-12-30T02:00:00.000Z');
    expect(computeStage(calendar, 'dispatch', { category: 'complaint', unitId: 'u1' }, late).provisional).toBe(true);
  });

  it('refuses bad input with a clear error', () => {
    expect(() => computeStage(calendar, 'dispatch', { unitId: 'u1' }, MON)).toThrow('variable "category" must be one of consultation, complaint, report, help, suggestion, other (got nothing)');
    expect(() => computeStage(calendar, 'dispatch', { category: 'complaint' }, MON)).toThrow('variable "unitId" must be an id');
    expect(() => computeStage(calendar, 'dispatch', { category: 'complaint', unitId: 'u1', deadlineSeq: -1 }, MON)).toThrow(VariableError);
    expect(() => computeStage(calendar, 'report-accepted', { category: 'complaint' }, MON)).toThrow('reports only');
    expect(() => computeStage(calendar, 'nonsense' as never, {}, MON)).toThrow('unknown compute-deadlines stage');
  });
});

describe('compute-deadlines stages rating, redo, supervision', () => {
  it('rating and redo: 5 working days', () => {
    expect(computeStage(calendar, 'rating', {}, MON).variables).toEqual({ ratingDueAt: endOf('2026-03-09') });
    expect(computeStage(calendar, 'redo', {}, MON).variables).toEqual({ redoDueAt: endOf('2026-03-09') });
  });

  it('supervision: 2 working days for methods 一 and 二, the set limit for 三 and 四', () => {
    expect(computeStage(calendar, 'supervision', { supervisionMethod: '一' }, MON).variables).toEqual({ supervisionDueAt: endOf('2026-03-04') });
    expect(computeStage(calendar, 'supervision', { supervisionMethod: '二', supervisionLimitDays: 9 }, MON).variables.supervisionDueAt).toBe(endOf('2026-03-04'));
    expect(computeStage(calendar, 'supervision', { supervisionMethod: '三', supervisionLimitDays: 3 }, MON).variables.supervisionDueAt).toBe(endOf('2026-03-05'));
    expect(computeStage(calendar, 'supervision', { supervisionMethod: '四', leaderLimitDays: 1 }, MON).variables.supervisionDueAt).toBe(endOf('2026-03-03'));
    expect(() => computeStage(calendar, 'supervision', { supervisionMethod: '三' }, MON)).toThrow('needs "supervisionLimitDays"');
    expect(() => computeStage(calendar, 'supervision', { supervisionMethod: '五' }, MON)).toThrow('variable "supervisionMethod" must be one of 一, 二, 三, 四');
  });
});

describe('第十条 return window', () => {
  const due = new Date(endOf('2026-03-03'));
  it('allows a return until returnDueAt', () => {
    expect(checkReturn(due, new Date('2026-03-03T15:59:59.999Z'))).toEqual({ returnAllowed: true, returnRefusal: null });
    expect(checkReturn(due, due)).toEqual({ returnAllowed: true, returnRefusal: null });
  });
  it('refuses it after, saying until when', () => {
    expect(checkReturn(due, new Date('2026-03-04T01:00:00.000Z'))).toEqual({ returnAllowed: false, returnRefusal: '已超过退回期限:应在 2026-03-03 24:00 前申请退回' });
  });
});

describe('第十四条 extension', () => {
  const finishDueAt = new Date(endOf('2026-03-09'));
  const ok = { urgent: false, extensionCount: 0, finishDueAt };
  it('allows a first and a second request before the deadline', () => {
    expect(checkExtension(ok, MON)).toEqual({ extensionAllowed: true, extensionRefusal: null });
    expect(checkExtension({ ...ok, extensionCount: 1, extensionDays: 3 }, MON).extensionAllowed).toBe(true);
    expect(checkExtension({ ...ok, extensionDays: '3' }, MON).extensionAllowed).toBe(true);
  });
  it('refuses 突发 matters, a third request, a late request and a bad number of days, each with its reason', () => {
    expect(checkExtension({ ...ok, urgent: true }, MON)).toEqual({ extensionAllowed: false, extensionRefusal: '突发类事项不得申请延期(第十四条)' });
    expect(checkExtension({ ...ok, extensionCount: 2 }, MON).extensionRefusal).toBe('延期办理以 2 次为限,本事项已延期 2 次,不能再次申请(第十四条)');
    expect(checkExtension(ok, new Date('2026-03-09T16:00:00.001Z')).extensionRefusal).toBe(
      '已超过办理期限(2026-03-09 24:00),延期申请应在办理期限届满前提出(第十四条)',
    );
    expect(checkExtension({ ...ok, extensionDays: 0 }, MON).extensionRefusal).toContain('延期天数应为 1 至 30 个工作日的整数');
    expect(checkExtension({ ...ok, extensionDays: 2.5 }, MON).extensionAllowed).toBe(false);
  });
  it('adds the category\'s finish limit by default, counted from the current deadline\'s day', () => {
    const extended = extendFinish(calendar, { category: 'complaint', finishDueAt, extensionCount: 0, deadlineSeq: 1 });
    expect(extended).toMatchObject({ finishDueAt: endOf('2026-03-16'), blueAt: endOf('2026-03-17'), deadlineSeq: 2, extensionCount: 1, extensionDays: 5 });
    expect(extendFinish(calendar, { category: 'complaint', finishDueAt, extensionDays: 3, extensionCount: 1, deadlineSeq: 2 })).toMatchObject({
      finishDueAt: endOf('2026-03-12'),
      deadlineSeq: 3,
      extensionCount: 2,
    });
    expect(extendFinish(calendar, { category: 'report', finishDueAt, extensionCount: 0, deadlineSeq: 1 }).finishDueAt).toBe(endOf('2026-03-23'));
  });
  it('counts n more working days after a deadline from that deadline\'s own day', () => {
    // 24:00 Friday is 00:00 Saturday; 1 more working day is Monday, not Tuesday
    expect(dueAfterDeadline(calendar, new Date(endOf('2026-03-06')), 1).dueAt.toISOString()).toBe(endOf('2026-03-09'));
    expect(dueAfterDeadline(calendar, new Date(endOf('2026-03-09')), 1).dueAt.toISOString()).toBe(endOf('2026-03-10'));
  });
});

describe('formatShanghai', () => {
  it('shows Shanghai midnight as 24:00 of the day before, other instants as they are', () => {
    expect(formatShanghai(new Date('2026-03-03T16:00:00.000Z'))).toBe('2026-03-03 24:00');
    expect(formatShanghai(new Date('2026-03-03T02:05:00.000Z'))).toBe('2026-03-03 10:05');
    expect(formatShanghai(new Date('2026-12-31T16:00:00.000Z'))).toBe('2026-12-31 24:00');
  });
});

describe('formatShanghaiMoment', () => {
  it('given instants around Shanghai midnight, when shown as moments, then each reads on its own Shanghai day to the second', () => {
    expect(formatShanghaiMoment(new Date('2026-03-03T16:00:00.000Z'))).toBe('2026-03-04 00:00:00');
    expect(formatShanghaiMoment(new Date('2026-03-03T15:59:59.400Z'))).toBe('2026-03-03 23:59:59');
    expect(() => formatShanghaiMoment(new Date('x'))).toThrow(/invalid Date/);
  });
});
