/**
 * The `wenzheng` command line (launched by bin/wenzheng.js from the build, dist/bin/wenzheng.js).
 *
 *   wenzheng calendar due <ISO instant> <N>
 *   wenzheng calendar overdue <deadline ISO> <at ISO>
 *   wenzheng calendar is-workday <YYYY-MM-DD>
 *
 * Every command honours the admins' overrides in the configured database (DB_URL, default
 * sqlite:data/wenzheng.sqlite, as the app), migrated first. Exit codes: 0 done, 1 failure (e.g. the
 * database), 2 bad arguments (usage on stderr).
 */
import { createDatabase, type Database } from '../engine/embedded/store/database.js';
import { loadCalendar } from '../server/data/calendar-repository.js';
import { appMigrations } from '../server/data/migrations.js';
import { CalendarInputError, MAX_WORKING_DAYS, isCalendarDay, type WorkingCalendar } from '../regulation/calendar/working-calendar.js';

export interface CliOutput {
  write(chunk: string): unknown;
}

export interface CliOptions {
  /** an open, migrated database; without it DB_URL is opened, migrated and closed */
  db?: Database;
  stdout: CliOutput;
  stderr: CliOutput;
  /** where DB_URL is read (default process.env) */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_DB_URL = 'sqlite:data/wenzheng.sqlite';

export const USAGE = `usage:
  wenzheng calendar due <instant> <N>          deadline of "within N working days" from <instant>
  wenzheng calendar overdue <deadline> <at>    complete working days overdue at <at>
  wenzheng calendar is-workday <YYYY-MM-DD>    true or false (a calendar day in Asia/Shanghai)

Instants are ISO 8601 with a UTC offset, e.g. 2026-02-13T10:00:00+08:00 or 2026-02-13T02:00:00Z.
N is a whole number of working days from 1 to ${MAX_WORKING_DAYS}; the start day is not counted.
Deadlines are printed in UTC: 24:00 Asia/Shanghai is 16:00Z.
The admins' calendar overrides are read from DB_URL (default ${DEFAULT_DB_URL}).
`;

class UsageError extends Error {}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** a strict ISO 8601 instant with a UTC offset (Date.parse alone takes 2026-02-30 for 2 March) */
export function parseInstant(text: string, what: string): Date {
  const m = INSTANT.exec(text);
  if (!m) throw new UsageError(`${what} must be an ISO 8601 instant with a UTC offset, e.g. 2026-02-13T10:00:00+08:00 (got "${text}")`);
  const [hour, minute, second, ms] = [m[4], m[5], m[6] ?? '0', m[7] ?? '0'].map(Number);
  const dayOk = isCalendarDay(`${m[1]}-${m[2]}-${m[3]}`);
  const timeOk = minute < 60 && second < 60 && (hour < 24 || (hour === 24 && minute === 0 && second === 0 && ms === 0));
  const offsetOk = m[8] === 'Z' || (Number(m[9]) < 24 && Number(m[10]) < 60);
  const date = new Date(text);
  if (!dayOk || !timeOk || !offsetOk || Number.isNaN(date.getTime())) throw new UsageError(`${what} is not a real date and time (got "${text}")`);
  return date;
}

function parseCount(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`N must be a whole number of working days (got "${text}")`);
  const n = Number(text);
  if (n < 1 || n > MAX_WORKING_DAYS) {
    throw new UsageError(`N must be from 1 to ${MAX_WORKING_DAYS} (got ${text})${n === 0 ? ': the start day is never counted' : ''}`);
  }
  return n;
}

type Command = (calendar: WorkingCalendar, out: CliOptions) => void;

/** checks the arguments before anything is opened; answers the command to run */
function parse(argv: string[]): Command | 'help' {
  const [group, name, ...args] = argv;
  if (group === undefined) throw new UsageError('no command given');
  if (['help', '--help', '-h'].includes(group) || (group === 'calendar' && (name === undefined || ['help', '--help', '-h'].includes(name)))) {
    if (group === 'calendar' && name === undefined) throw new UsageError('no calendar command given');
    return 'help';
  }
  if (group !== 'calendar') throw new UsageError(`unknown command "${group}"`);
  const arity = (n: number) => {
    if (args.length !== n) throw new UsageError(`calendar ${name} takes ${n} argument${n === 1 ? '' : 's'} (got ${args.length})`);
  };
  switch (name) {
    case 'due': {
      arity(2);
      const from = parseInstant(args[0], 'the start instant');
      const n = parseCount(args[1]);
      return (calendar, { stdout, stderr }) => {
        const { dueAt, provisional } = calendar.dueAfter(from, n);
        stdout.write(`${dueAt.toISOString()}\n`);
        if (provisional) stderr.write('(provisional) counted Mon–Fri plus overrides: a year in the count has no official or admin-complete schedule yet\n');
      };
    }
    case 'overdue': {
      arity(2);
      const deadline = parseInstant(args[0], 'the deadline');
      const at = parseInstant(args[1], 'the moment <at>');
      return (calendar, { stdout }) => {
        stdout.write(`${calendar.overdueDays(deadline, at)}\n`);
      };
    }
    case 'is-workday': {
      arity(1);
      if (!isCalendarDay(args[0])) throw new UsageError(`the day must be written YYYY-MM-DD (got "${args[0]}")`);
      const day = args[0];
      return (calendar, { stdout }) => {
        stdout.write(`${calendar.isWorkday(day)}\n`);
      };
    }
    default:
      throw new UsageError(`unknown calendar command "${name}"`);
  }
}

/** runs one command line (the arguments after `wenzheng`); answers the exit code */
export async function runCli(argv: string[], options: CliOptions): Promise<number> {
  const { stdout, stderr } = options;
  let command: Command | 'help';
  try {
    command = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    stderr.write(`wenzheng: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (command === 'help') {
    stdout.write(USAGE);
    return 0;
  }

  let db = options.db;
  const own = db === undefined;
  try {
    if (db === undefined) {
      db = await createDatabase({ url: (options.env ?? process.env).DB_URL ?? DEFAULT_DB_URL, migrations: appMigrations });
      await db.migrate();
    }
    command(await loadCalendar(db), options);
    return 0;
  } catch (err) {
    if (err instanceof CalendarInputError) {
      stderr.write(`wenzheng: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    stderr.write(`wenzheng: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    if (own && db) await db.close();
  }
}

/** the launcher's entry: process arguments and streams */
export function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  return runCli(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
}
