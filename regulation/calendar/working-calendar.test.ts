import { describe, it, expect } from '@jest/globals';
import { CalendarInputError, createWorkingCalendar, type WorkingCalendar } from './working-calendar.js';

/** an instant written as Asia/Shanghai wall-clock time, e.g. sh('2026-02-13 10:00') */
const sh = (local: string): Date => new Date(`${local.replace(' ', 'T')}+08:00`);
const iso = (d: Date) => d.toISOString();
const DAY = 86_400_000;

/** every day from..to inclusive, as YYYY-MM-DD */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}
const range = (from: string, to: string) => daysBetween(from, to);

/**
 * The State Council's schedules (国务院办公厅 notices of 2023-10-25, 2024-11-12, 2025-11-04), written
 * out independently of the package.
 */
const OFFICIAL: Record<number, { off: string[]; makeUp: string[] }> = {
  2024: {
    off: [
      '2024-01-01', ...range('2024-02-10', '2024-02-17'), ...range('2024-04-04', '2024-04-06'), ...range('2024-05-01', '2024-05-05'),
      '2024-06-10', ...range('2024-09-15', '2024-09-17'), ...range('2024-10-01', '2024-10-07'),
    ],
    makeUp: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  2025: {
    off: [
      '2025-01-01', ...range('2025-01-28', '2025-02-04'), ...range('2025-04-04', '2025-04-06'), ...range('2025-05-01', '2025-05-05'),
      ...range('2025-05-31', '2025-06-02'), ...range('2025-10-01', '2025-10-08'),
    ],
    makeUp: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  2026: {
    off: [
      ...range('2026-01-01', '2026-01-03'), ...range('2026-02-15', '2026-02-23'), ...range('2026-04-04', '2026-04-06'),
      ...range('2026-05-01', '2026-05-05'), ...range('2026-06-19', '2026-06-21'), ...range('2026-09-25', '2026-09-27'),
      ...range('2026-10-01', '2026-10-07'),
    ],
    makeUp: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
};

function expectedWorkday(day: string): boolean {
  const year = OFFICIAL[Number(day.slice(0, 4))];
  if (year?.makeUp.includes(day)) return true;
  if (year?.off.includes(day)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday >= 1 && weekday <= 5;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, none was thrown');
}

const calendar: WorkingCalendar = createWorkingCalendar({});

describe('working days: the official schedule (Mon–Fri minus statutory holidays plus make-up working days)', () => {
  it.each([2024, 2025, 2026])('given the official %i schedule, when every day of the year is asked, then exactly the Mon–Fri days minus holidays plus make-up days are working days', (year) => {
    const wrong = daysBetween(`${year}-01-01`, `${year}-12-31`).filter((d) => calendar.isWorkday(d) !== expectedWorkday(d));
    expect(wrong).toEqual([]);
  });

  it.each([
    ['2024-02-04', 'Sunday'],
    ['2024-02-18', 'Sunday'],
    ['2025-09-28', 'Sunday'],
    ['2025-10-11', 'Saturday'],
    ['2026-02-14', 'Saturday'],
    ['2026-02-28', 'Saturday'],
    ['2026-01-04', 'Sunday'],
    ['2026-09-20', 'Sunday'],
  ])('given make-up working day %s (a %s), when asked, then it is a working day', (day) => {
    expect(calendar.isWorkday(day)).toBe(true);
  });

  it.each(['2024-02-12', '2025-10-08', '2026-01-02', '2026-02-16', '2026-02-23', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-07'])(
    'given the weekday holiday %s, when asked, then it is not a working day',
    (day) => {
      expect(calendar.isWorkday(day)).toBe(false);
    },
  );

  it('given ordinary days, when asked, then Saturdays and Sundays are off and Mondays to Fridays work', () => {
    expect(['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09'].map((d) => calendar.isWorkday(d))).toEqual([true, false, false, true]);
  });
});

describe('dayOf: the Asia/Shanghai calendar day of an instant', () => {
  it('given 15:59:59.999Z and 16:00Z, when the day is asked, then the second is already the next day in Shanghai', () => {
    expect(calendar.dayOf(new Date('2026-02-13T15:59:59.999Z'))).toBe('2026-02-13');
    expect(calendar.dayOf(new Date('2026-02-13T16:00:00.000Z'))).toBe('2026-02-14');
  });
});

describe('dueAfter: "within n working days" ends at 24:00 Shanghai of the n-th working day after the start day (民法典 第二百零一条)', () => {
  it('given a complaint dispatched on Friday 2026-02-13, when its 5-working-day limit is computed, then it is due at 24:00 on Friday 2026-02-27', () => {
    // by hand: 02-13 (start day) is not counted; 02-14 is a make-up Saturday (1); 02-15..23 are the
    // Spring Festival; 02-24 Tue (2), 02-25 (3), 02-26 (4), 02-27 Fri (5) → 24:00 +08:00 = 16:00Z
    const due = calendar.dueAfter(sh('2026-02-13 10:00'), 5);
    expect(iso(due.dueAt)).toBe('2026-02-27T16:00:00.000Z');
    expect(due.provisional).toBe(false);
  });

  it('given a matter dispatched on Thursday 2026-03-05, when a 1-day limit is computed, then it ends at 24:00 on Friday (the start day is not counted)', () => {
    expect(iso(calendar.dueAfter(sh('2026-03-05 09:00'), 1).dueAt)).toBe('2026-03-06T16:00:00.000Z');
  });

  it('given a matter dispatched on Friday, when a 2-day limit is computed, then the weekend is skipped', () => {
    // 03-06 Fri start; 03-07/08 weekend; 03-09 Mon (1), 03-10 Tue (2)
    expect(iso(calendar.dueAfter(sh('2026-03-06 15:00'), 2).dueAt)).toBe('2026-03-10T16:00:00.000Z');
  });

  it('given a matter dispatched on a holiday (National Day, 2026-10-03), when a 2-day limit is computed, then it counts from the next working day the same way', () => {
    // 10-04..07 off; 10-08 Thu (1), 10-09 Fri (2)
    const onHoliday = calendar.dueAfter(sh('2026-10-03 11:00'), 2);
    expect(iso(onHoliday.dueAt)).toBe('2026-10-09T16:00:00.000Z');
    // the same as dispatched on the last day of the holiday
    expect(iso(calendar.dueAfter(sh('2026-10-07 20:00'), 2).dueAt)).toBe('2026-10-09T16:00:00.000Z');
  });

  it('given a matter dispatched on the first Spring Festival holiday (Sunday 2026-02-15), when a 1-day limit is computed, then it ends on the first working day after the holiday', () => {
    expect(iso(calendar.dueAfter(sh('2026-02-15 08:00'), 1).dueAt)).toBe('2026-02-24T16:00:00.000Z');
  });

  it('given dispatch at 23:59 vs 00:01 Shanghai (the same UTC date), when a 2-day limit is computed, then the Shanghai calendar day decides', () => {
    // 23:59 on Thu 03-05 (15:59Z): Fri 03-06 (1), Mon 03-09 (2)
    expect(iso(calendar.dueAfter(sh('2026-03-05 23:59'), 2).dueAt)).toBe('2026-03-09T16:00:00.000Z');
    // 00:01 on Fri 03-06 (16:01Z on 03-05): Mon 03-09 (1), Tue 03-10 (2)
    const late = sh('2026-03-06 00:01');
    expect(iso(late)).toBe('2026-03-05T16:01:00.000Z');
    expect(iso(calendar.dueAfter(late, 2).dueAt)).toBe('2026-03-10T16:00:00.000Z');
  });

  it('given a start on a make-up Saturday (2026-02-28), when a 1-day limit is computed, then the make-up day itself is not counted', () => {
    expect(iso(calendar.dueAfter(sh('2026-02-28 10:00'), 1).dueAt)).toBe('2026-03-02T16:00:00.000Z');
  });

  it('given a 5-day limit spanning 2024 New Year and a make-up Sunday, when computed, then 2024-02-04 counts', () => {
    // Thu 2024-02-01 start; Fri 02-02 (1), Sun 02-04 make-up (2), Mon 02-05 (3), 02-06 (4), 02-07 (5)
    expect(iso(calendar.dueAfter(sh('2024-02-01 10:00'), 5).dueAt)).toBe('2024-02-07T16:00:00.000Z');
  });
});

describe('overdueDays: "超期 N 个工作日" counts complete working days after the deadline (民法典 第一千二百五十九条)', () => {
  const deadline = new Date('2026-03-09T16:00:00.000Z'); // 24:00 Monday 2026-03-09

  it('given a deadline at 24:00, when asked during the deadline day or at the deadline, then it is 0', () => {
    expect(calendar.overdueDays(deadline, sh('2026-03-09 10:00'))).toBe(0);
    expect(calendar.overdueDays(deadline, deadline)).toBe(0);
    expect(calendar.overdueDays(deadline, new Date('2026-03-10T15:59:59.999Z'))).toBe(0);
  });

  it('given a deadline at 24:00 Monday, when one full working day (Tuesday) has passed, then it is 1', () => {
    expect(calendar.overdueDays(deadline, new Date('2026-03-10T16:00:00.000Z'))).toBe(1);
  });

  it('given a deadline at 24:00 Friday, when the weekend has passed, then it is still 0, and 1 after Monday', () => {
    const friday = new Date('2026-03-06T16:00:00.000Z');
    expect(calendar.overdueDays(friday, new Date('2026-03-08T16:00:00.000Z'))).toBe(0);
    expect(calendar.overdueDays(friday, new Date('2026-03-09T16:00:00.000Z'))).toBe(1);
  });

  it('given a deadline before National Day, when the holiday has passed, then only the working days count (make-up Saturday included)', () => {
    const before = new Date('2026-09-30T16:00:00.000Z');
    expect(calendar.overdueDays(before, new Date('2026-10-07T16:00:00.000Z'))).toBe(0);
    expect(calendar.overdueDays(before, new Date('2026-10-08T16:00:00.000Z'))).toBe(1);
    // 10-09 Fri (2), 10-10 make-up Sat (3)
    expect(calendar.overdueDays(before, new Date('2026-10-10T16:00:00.000Z'))).toBe(3);
  });

  it('given a deadline in the middle of a day, when asked, then the rest of that day is not a complete working day', () => {
    const midday = sh('2026-03-09 11:00');
    expect(calendar.overdueDays(midday, new Date('2026-03-09T16:00:00.000Z'))).toBe(0);
    expect(calendar.overdueDays(midday, new Date('2026-03-10T16:00:00.000Z'))).toBe(1);
  });

  it('given a moment before the deadline, when asked, then it is 0', () => {
    expect(calendar.overdueDays(deadline, new Date('2026-03-01T00:00:00.000Z'))).toBe(0);
  });

  it('given 7 complete working days after the deadline, when asked, then it is 7 ("7 个工作日以上" includes 7)', () => {
    // Tue 03-10 … Wed 03-18 (7 working days, weekend skipped)
    expect(calendar.overdueDays(deadline, new Date('2026-03-18T16:00:00.000Z'))).toBe(7);
    expect(iso(calendar.overdueAt(deadline, 7))).toBe('2026-03-18T16:00:00.000Z');
  });
});

describe('overdueAt: the instant overdueDays reaches k', () => {
  it('given deadlines over 2024–2027 (24:00 and mid-day), when overdueAt(d, k) is computed, then overdueDays is k there and k−1 one millisecond before', () => {
    const failures: string[] = [];
    for (const day of daysBetween('2024-01-01', '2027-03-31').filter((_, i) => i % 3 === 0)) {
      for (const d of [new Date(`${day}T16:00:00.000Z`), sh(`${day} 10:17`)]) {
        let previous = d.getTime();
        for (let k = 1; k <= 8; k++) {
          const at = calendar.overdueAt(d, k);
          const ok =
            calendar.overdueDays(d, at) === k &&
            calendar.overdueDays(d, new Date(at.getTime() - 1)) === k - 1 &&
            at.getTime() > previous &&
            at.toISOString().endsWith('T16:00:00.000Z') &&
            calendar.isWorkday(calendar.dayOf(new Date(at.getTime() - 1)));
          if (!ok) failures.push(`${d.toISOString()} k=${k} → ${at.toISOString()}`);
          previous = at.getTime();
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('admin overrides win over the package', () => {
  const withOverrides = createWorkingCalendar({
    overrides: [
      { date: '2026-03-07', workday: true, label: '调休上班', source: '市政府通知' },
      { date: '2026-03-09', workday: false, label: '临时放假' },
      { date: '2026-02-14', workday: false },
      { date: '2026-02-16', workday: true },
    ],
  });

  it('given a Saturday made a working day and a Monday made a holiday, when asked, then the overrides apply', () => {
    expect(withOverrides.isWorkday('2026-03-07')).toBe(true);
    expect(withOverrides.isWorkday('2026-03-09')).toBe(false);
    expect(calendar.isWorkday('2026-03-07')).toBe(false);
  });

  it('given those overrides, when deadlines are computed, then the Saturday counts and the Monday does not', () => {
    // Fri 03-06 start: Sat 03-07 (1); Sun off, Mon 03-09 off; Tue 03-10 (2)
    expect(iso(withOverrides.dueAfter(sh('2026-03-06 10:00'), 1).dueAt)).toBe('2026-03-07T16:00:00.000Z');
    expect(iso(withOverrides.dueAfter(sh('2026-03-06 10:00'), 2).dueAt)).toBe('2026-03-10T16:00:00.000Z');
    expect(withOverrides.overdueDays(new Date('2026-03-06T16:00:00.000Z'), new Date('2026-03-09T16:00:00.000Z'))).toBe(1);
  });

  it('given overrides on official days (make-up 02-14 off, holiday 02-16 on), when asked, then the overrides win', () => {
    expect(withOverrides.isWorkday('2026-02-14')).toBe(false);
    expect(withOverrides.isWorkday('2026-02-16')).toBe(true);
    expect(iso(withOverrides.dueAfter(sh('2026-02-13 10:00'), 1).dueAt)).toBe('2026-02-16T16:00:00.000Z');
  });
});

describe('coverage: the next year may not be published yet', () => {
  it('given chinese-days 1.5.7, when coverage is asked, then 2004–2026 are official and 2027 is not covered', () => {
    expect([2004, 2024, 2025, 2026].map((y) => calendar.coverage(y))).toEqual(['official', 'official', 'official', 'official']);
    expect(calendar.coverage(2027)).toBe('not-covered');
    expect(calendar.coverage(2003)).toBe('not-covered');
  });

  it('given 2027 is not covered, when a deadline counts into 2027, then it is provisional (Mon–Fri: New Year 2027 counted as a working day)', () => {
    // Wed 2026-12-30 start: Thu 12-31 (1), Fri 2027-01-01 (2, no schedule yet), Mon 01-04 (3), 01-05 (4), 01-06 (5)
    const due = calendar.dueAfter(sh('2026-12-30 10:00'), 5);
    expect(due).toEqual({ dueAt: new Date('2027-01-06T16:00:00.000Z'), provisional: true });
    expect(calendar.dueAfter(sh('2026-12-01 10:00'), 5).provisional).toBe(false);
  });

  it('given a deadline that ends on 2026-12-31, when computed, then it does not touch 2027 and is not provisional', () => {
    expect(calendar.dueAfter(sh('2026-12-30 10:00'), 1)).toEqual({ dueAt: new Date('2026-12-31T16:00:00.000Z'), provisional: false });
  });

  it('given 2027 not covered, when the banner is asked from 1 November 2026 (Shanghai), then it names 2027, and not on 31 October', () => {
    expect(calendar.nextYearBanner(sh('2026-11-01 00:00'))).toEqual({ year: 2027 });
    expect(calendar.nextYearBanner(new Date('2026-10-31T16:00:00.000Z'))).toEqual({ year: 2027 });
    expect(calendar.nextYearBanner(new Date('2026-10-31T15:59:59.999Z'))).toBeUndefined();
    expect(calendar.nextYearBanner(sh('2026-12-31 23:00'))).toEqual({ year: 2027 });
    expect(calendar.nextYearBanner(sh('2026-06-01 12:00'))).toBeUndefined();
  });

  it('given 2026 is official, when the banner is asked in November 2025, then there is none', () => {
    expect(calendar.nextYearBanner(sh('2025-11-15 12:00'))).toBeUndefined();
  });

  it('given the admins marked 2027 complete, when asked, then 2027 is covered by admins, deadlines are not provisional and there is no banner', () => {
    const marked = createWorkingCalendar({ completeYears: [2027], overrides: [{ date: '2027-01-01', workday: false, label: '元旦' }] });
    expect(marked.coverage(2027)).toBe('admin');
    expect(marked.coverage(2026)).toBe('official');
    expect(marked.nextYearBanner(sh('2026-11-01 00:00'))).toBeUndefined();
    // 12-31 (1), 2027-01-01 off by override, Mon 01-04 (2) … 01-07 (5)
    expect(marked.dueAfter(sh('2026-12-30 10:00'), 5)).toEqual({ dueAt: new Date('2027-01-07T16:00:00.000Z'), provisional: false });
  });
});

describe('bad input is refused with a clear CalendarInputError', () => {
  it.each([
    ['a day that does not exist', () => calendar.isWorkday('2026-02-30'), /2026-02-30.*YYYY-MM-DD|YYYY-MM-DD.*2026-02-30/],
    ['a day without leading zeros', () => calendar.isWorkday('2026-2-3'), /YYYY-MM-DD/],
    ['a day that is not text', () => calendar.isWorkday(20260203 as unknown as string), /YYYY-MM-DD/],
    ['n = 0', () => calendar.dueAfter(sh('2026-03-02 10:00'), 0), /from 1 to .*start day is never counted/],
    ['a fractional n', () => calendar.dueAfter(sh('2026-03-02 10:00'), 1.5), /whole number/],
    ['a negative n', () => calendar.dueAfter(sh('2026-03-02 10:00'), -2), /whole number/],
    ['an invalid Date', () => calendar.dueAfter(new Date('nope'), 2), /start instant must be a valid Date/],
    ['overdueAt with k = 0', () => calendar.overdueAt(new Date(), 0), /days must be a whole number/],
    ['overdueDays with a string', () => calendar.overdueDays('2026-03-02' as unknown as Date, new Date()), /deadline must be a valid Date/],
    ['a fractional year', () => calendar.coverage(2026.5), /year must be a whole number/],
    ['an override with a bad date', () => createWorkingCalendar({ overrides: [{ date: '2026/03/07', workday: true }] }), /override date/],
    ['an override without workday', () => createWorkingCalendar({ overrides: [{ date: '2026-03-07' } as never] }), /workday must be true or false/],
    [
      'an override given twice with opposite values',
      () => createWorkingCalendar({ overrides: [{ date: '2026-03-07', workday: true }, { date: '2026-03-07', workday: false }] }),
      /given twice/,
    ],
    ['a complete year that is not a year', () => createWorkingCalendar({ completeYears: ['2027' as unknown as number] }), /complete year/],
  ])('given %s, when used, then it is refused', (_name, fn, message) => {
    const error = errorOf(fn);
    expect(error).toBeInstanceOf(CalendarInputError);
    expect(error.name).toBe('CalendarInputError');
    expect(error.message).toMatch(message);
  });
});
