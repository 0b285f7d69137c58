/**
 * `check-report-due`: 第二十五条. Asked once a day by `office-reports`: is today (Asia/Shanghai) the
 * first working day of its month, so that the month before is due (`monthDue`), and does that month
 * begin a quarter (`quarterDue`)? The calendar is the working-day calendar as it is now (an admin's
 * holiday moves the day). The periods are output whether due or not; the diagram only branches.
 */
import { reportsDue } from '../regulation/report-schedule.js';
import type { WorkerDeps } from './deps.js';
import { defineJob, type JobHandler } from './job.js';

export function createCheckReportDue(deps: Pick<WorkerDeps, 'calendar' | 'clock'>): JobHandler {
  return defineJob('check-report-due', async () => {
    const calendar = await deps.calendar();
    const today = calendar.dayOf(deps.clock.now());
    const due = reportsDue(calendar, today);
    return {
      reportDay: today,
      monthDue: due.monthDue,
      quarterDue: due.quarterDue,
      reportMonth: { year: due.month.year, index: due.month.index },
      reportQuarter: { year: due.quarter.year, index: due.quarter.index },
    };
  });
}
