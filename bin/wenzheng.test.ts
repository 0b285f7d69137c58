/**
 * The `wenzheng calendar …` commands, in-process through runCli on a throw-away database (SQLite, or
 * MariaDB/MySQL when DB_URL is set), and once through the real launcher when the build exists.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDatabase, type Database } from '../engine/embedded/store/database.js';
import { openTestDatabase } from '../engine/test/harness.js';
import { createCalendarRepository } from '../server/data/calendar-repository.js';
import { appMigrations } from '../server/data/migrations.js';
import { runCli } from './wenzheng.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const launcher = join(root, 'bin', 'wenzheng.js');
const built = join(root, 'dist', 'bin', 'wenzheng.js');

let target: { url: string; drop(): Promise<void> };
let db: Database;

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url, migrations: appMigrations });
  await db.migrate();
  const repo = createCalendarRepository(db);
  await repo.setOverride({ date: '2026-03-07', workday: true, label: '调休上班', by: 'admin.li' });
  await repo.setOverride({ date: '2026-03-09', workday: false, label: '临时放假', by: 'admin.li' });
});

afterAll(async () => {
  await db?.close();
  await target?.drop();
});

/** runs one command line in-process; answers the exit code and what was written */
async function cli(argv: string[], options: { env?: NodeJS.ProcessEnv; withDb?: boolean } = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    db: options.withDb === false ? undefined : db,
    env: options.env,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

describe('wenzheng calendar due <instant> <N>', () => {
  it('given a complaint dispatched Friday 2026-02-13 10:00 Shanghai, when due … 5 is run, then it prints 24:00 on 2026-02-27 as UTC', async () => {
    expect(await cli(['calendar', 'due', '2026-02-13T10:00:00+08:00', '5'])).toEqual({ code: 0, out: '2026-02-27T16:00:00.000Z\n', err: '' });
  });

  it('given a Saturday override in the database, when due … 1 is run from Friday, then the Saturday counts', async () => {
    expect(await cli(['calendar', 'due', '2026-03-06T02:00:00Z', '1'])).toMatchObject({ code: 0, out: '2026-03-07T16:00:00.000Z\n' });
    // Sun off, Mon 03-09 off by override: Tue 03-10 is the 2nd
    expect(await cli(['calendar', 'due', '2026-03-06T02:00:00Z', '2'])).toMatchObject({ code: 0, out: '2026-03-10T16:00:00.000Z\n' });
  });

  it('given a count running into 2027 (not covered), when due is run, then the deadline is printed and "(provisional)" goes to stderr', async () => {
    const r = await cli(['calendar', 'due', '2026-12-30T10:00:00+08:00', '5']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('2027-01-06T16:00:00.000Z\n');
    expect(r.err).toMatch(/\(provisional\)/);
  });
});

describe('wenzheng calendar overdue <deadline> <at>', () => {
  it('given a deadline at 24:00 Friday 2026-03-06, when asked at 24:00 Tuesday, then the overridden Saturday and Tuesday count, Sunday and the overridden Monday do not', async () => {
    expect(await cli(['calendar', 'overdue', '2026-03-06T16:00:00Z', '2026-03-10T16:00:00Z'])).toEqual({ code: 0, out: '2\n', err: '' });
  });

  it('given the deadline itself, when asked, then it prints 0', async () => {
    expect(await cli(['calendar', 'overdue', '2026-03-10T16:00:00.000Z', '2026-03-11T00:00:00+08:00'])).toMatchObject({ code: 0, out: '0\n' });
  });
});

describe('wenzheng calendar is-workday <YYYY-MM-DD>', () => {
  it.each([
    ['2026-02-14', 'true'],
    ['2026-02-16', 'false'],
    ['2026-03-07', 'true'],
    ['2026-03-09', 'false'],
  ])('given %s, when asked, then it prints %s', async (day, answer) => {
    expect(await cli(['calendar', 'is-workday', day])).toEqual({ code: 0, out: `${answer}\n`, err: '' });
  });
});

describe('bad arguments: usage on stderr, exit code 2', () => {
  it.each([
    [[], /no command given/],
    [['calendar'], /no calendar command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['calendar', 'later', 'x'], /unknown calendar command "later"/],
    [['calendar', 'due', '2026-02-13T10:00:00+08:00'], /takes 2 arguments \(got 1\)/],
    [['calendar', 'due', '2026-02-13T10:00:00+08:00', '0'], /N must be from 1 .*start day is never counted/],
    [['calendar', 'due', '2026-02-13T10:00:00+08:00', '2.5'], /N must be a whole number/],
    [['calendar', 'due', '2026-02-13T10:00:00', '5'], /UTC offset/],
    [['calendar', 'due', '2026-02-30T10:00:00Z', '5'], /not a real date/],
    [['calendar', 'due', 'tomorrow', '5'], /ISO 8601/],
    [['calendar', 'overdue', '2026-03-06T16:00:00Z'], /takes 2 arguments/],
    [['calendar', 'is-workday', '2026-2-14'], /YYYY-MM-DD/],
    [['calendar', 'is-workday', '2026-02-14', 'extra'], /takes 1 argument \(got 2\)/],
  ])('given %j, when run, then it exits 2 with the usage', async (argv, message) => {
    const r = await cli(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).toContain('usage:');
  });

  it('given --help, when run, then the usage goes to stdout with exit code 0', async () => {
    const r = await cli(['--help']);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('wenzheng calendar due');
  });
});

describe('the database from DB_URL', () => {
  it('given no open database, when run with DB_URL, then it opens and migrates that database and honours its overrides', async () => {
    expect(await cli(['calendar', 'is-workday', '2026-03-07'], { withDb: false, env: { DB_URL: target.url } })).toEqual({ code: 0, out: 'true\n', err: '' });
  });

  it('given a DB_URL the app cannot use, when run, then it exits 1 with the reason', async () => {
    const r = await cli(['calendar', 'is-workday', '2026-03-07'], { withDb: false, env: { DB_URL: 'postgres://nowhere/x' } });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/DB_URL must start with sqlite:/);
  });
});

describe('the launcher bin/wenzheng.js', () => {
  const run = promisify(execFile);

  it('given no build next to it, when run, then it says the build is missing and how to make it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wz-launcher-'));
    try {
      const copy = join(dir, 'bin', 'wenzheng.js');
      mkdirSync(dirname(copy));
      copyFileSync(launcher, copy);
      const error = (await run(process.execPath, [copy]).then(
        () => undefined,
        (e: unknown) => e,
      )) as { code: number; stderr: string } | undefined;
      expect(error?.code).toBe(1);
      expect(error?.stderr).toMatch(/the build is missing .*npm run build/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('given the build (dist/bin/wenzheng.js), when the real command runs, then it prints the deadline with the database overrides', async () => {
    if (!existsSync(built)) {
      process.stdout.write(`skipped: ${built} does not exist (run \`npm run build\` to test the real command)\n`);
      return;
    }
    const { stdout } = await run(process.execPath, [launcher, 'calendar', 'due', '2026-03-06T02:00:00Z', '1'], {
      cwd: root,
      env: { ...process.env, DB_URL: target.url, TZ: 'America/Los_Angeles' },
      timeout: 60_000,
    });
    expect(stdout).toBe('2026-03-07T16:00:00.000Z\n');
  });
});
