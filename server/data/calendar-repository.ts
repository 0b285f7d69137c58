/**
 * The admins' working-day overrides and completed years (tables of migration 0101-calendar), and the
 * working calendar built from them. Plain objects in and out; raw SQL with replacements, the same on
 * SQLite and MySQL/MariaDB. Bad input throws CalendarInputError before anything is written.
 */
import { QueryTypes } from 'sequelize';
import type { Database } from '../../engine/embedded/store/database.js';
import {
  CalendarInputError,
  checkOverride,
  checkYear,
  createWorkingCalendar,
  type DayOverride,
  type WorkingCalendar,
  type WorkingCalendarOptions,
} from '../../regulation/calendar/working-calendar.js';

export interface CalendarOverrideRecord extends DayOverride {
  updatedBy: string;
  updatedAt: Date;
}

export interface SetOverrideInput extends DayOverride {
  /** who made the change (an admin's user name) */
  by: string;
}

export interface CalendarYearRecord {
  year: number;
  complete: boolean;
  markedBy: string;
  markedAt: Date;
}

export interface CalendarRepository {
  /** every override, by date */
  listOverrides(): Promise<CalendarOverrideRecord[]>;
  /** add or replace the override of a day */
  setOverride(input: SetOverrideInput): Promise<CalendarOverrideRecord>;
  /** drop the override of a day (the official schedule applies again); false when there was none */
  removeOverride(date: string): Promise<boolean>;
  /** mark a year's schedule complete (every holiday and make-up day entered) or not */
  markYearComplete(year: number, complete: boolean, by: string): Promise<CalendarYearRecord>;
  /** the years marked complete, ascending */
  listCompleteYears(): Promise<number[]>;
  /** what the working calendar is built from: the overrides and complete years now in the tables */
  loadOptions(): Promise<WorkingCalendarOptions>;
  /** the working calendar with the overrides and complete years now in the tables */
  loadCalendar(): Promise<WorkingCalendar>;
}

export interface CalendarRepositoryOptions {
  /** epoch milliseconds of "now" (tests pass a fixed clock) */
  now?: () => number;
}

const LIMITS = { label: 255, source: 500, by: 128 };

function checkText(value: string | undefined, what: string, max: number): void {
  if (value !== undefined && [...value].length > max) throw new CalendarInputError(`${what} must be at most ${max} characters (got ${[...value].length})`);
}

function checkBy(by: unknown): string {
  if (typeof by !== 'string' || by.trim() === '') throw new CalendarInputError(`by must name who makes the change (got ${JSON.stringify(by)})`);
  checkText(by, 'by', LIMITS.by);
  return by;
}

interface OverrideRow {
  date: string;
  workday: number | boolean | string;
  label: string | null;
  source_document: string | null;
  updated_by: string;
  updated_at: number | string;
}

function toOverride(row: OverrideRow): CalendarOverrideRecord {
  const out: CalendarOverrideRecord = {
    date: String(row.date),
    workday: Boolean(Number(row.workday)),
    updatedBy: String(row.updated_by),
    updatedAt: new Date(Number(row.updated_at)),
  };
  if (row.label !== null && row.label !== '') out.label = String(row.label);
  if (row.source_document !== null && row.source_document !== '') out.source = String(row.source_document);
  return out;
}

export function createCalendarRepository(db: Database, options: CalendarRepositoryOptions = {}): CalendarRepository {
  const now = options.now ?? Date.now;
  const select = <T>(sql: string, replacements: unknown[] = []) =>
    db.sequelize.query(sql, { type: QueryTypes.SELECT, replacements }) as Promise<T[]>;

  const repository: CalendarRepository = {
    async listOverrides() {
      const rows = await select<OverrideRow>(
        'SELECT `date`, workday, label, source_document, updated_by, updated_at FROM calendar_overrides ORDER BY `date`',
      );
      return rows.map(toOverride);
    },

    async setOverride(input) {
      if (typeof input !== 'object' || input === null) throw new CalendarInputError('setOverride needs { date, workday, label?, source?, by }');
      const override = checkOverride(input);
      const by = checkBy(input.by);
      checkText(override.label, 'label', LIMITS.label);
      checkText(override.source, 'source', LIMITS.source);
      const at = now();
      const row = [override.date, override.workday, override.label ?? null, override.source ?? null, by, at];
      await db.transaction(async (transaction) => {
        await db.sequelize.query('DELETE FROM calendar_overrides WHERE `date` = ?', { replacements: [override.date], transaction, type: QueryTypes.DELETE });
        await db.sequelize.query(
          'INSERT INTO calendar_overrides (`date`, workday, label, source_document, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
          { replacements: row, transaction, type: QueryTypes.INSERT },
        );
      });
      return { ...override, updatedBy: by, updatedAt: new Date(at) };
    },

    async removeOverride(date) {
      const override = checkOverride({ date, workday: false });
      return db.transaction(async (transaction) => {
        const found = await db.sequelize.query('SELECT `date` FROM calendar_overrides WHERE `date` = ?', {
          replacements: [override.date],
          transaction,
          type: QueryTypes.SELECT,
        });
        if (found.length === 0) return false;
        await db.sequelize.query('DELETE FROM calendar_overrides WHERE `date` = ?', { replacements: [override.date], transaction, type: QueryTypes.DELETE });
        return true;
      });
    },

    async markYearComplete(year, complete, by) {
      checkYear(year);
      if (typeof complete !== 'boolean') throw new CalendarInputError(`complete must be true or false (got ${JSON.stringify(complete)})`);
      checkBy(by);
      const at = now();
      await db.transaction(async (transaction) => {
        await db.sequelize.query('DELETE FROM calendar_years WHERE `year` = ?', { replacements: [year], transaction, type: QueryTypes.DELETE });
        await db.sequelize.query('INSERT INTO calendar_years (`year`, complete, marked_by, marked_at) VALUES (?, ?, ?, ?)', {
          replacements: [year, complete, by, at],
          transaction,
          type: QueryTypes.INSERT,
        });
      });
      return { year, complete, markedBy: by, markedAt: new Date(at) };
    },

    async listCompleteYears() {
      const rows = await select<{ year: number | string }>('SELECT `year` FROM calendar_years WHERE complete = ? ORDER BY `year`', [true]);
      return rows.map((r) => Number(r.year));
    },

    async loadOptions() {
      const [overrides, completeYears] = await Promise.all([repository.listOverrides(), repository.listCompleteYears()]);
      return { overrides: overrides.map(({ date, workday, label, source }) => ({ date, workday, label, source })), completeYears };
    },

    async loadCalendar() {
      return createWorkingCalendar(await repository.loadOptions());
    },
  };
  return repository;
}

/** the working calendar with the overrides and complete years stored in `db` */
export function loadCalendar(db: Database): Promise<WorkingCalendar> {
  return createCalendarRepository(db).loadCalendar();
}
