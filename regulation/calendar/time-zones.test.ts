/**
 * The calendar must give the same answers whatever the process's time zone (SPEC: all times are in
 * Asia/Shanghai). chinese-days reads dates with local time: with TZ=America/Los_Angeles its own
 * isWorkday('2026-03-07') — a plain Saturday — is true. The domain module is compiled (swc) into a
 * scratch folder and run in child processes with other TZ values; each prints its answers as JSON.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transformFile } from '@swc/core';
import { createWorkingCalendar } from './working-calendar.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
// inside the project, so the compiled module finds chinese-days in node_modules
const scratch = join(root, '.cache', `tz-check-${process.pid}`);

/** runs in the child: every day 2024–2027 as a 0/1 string, and the answers the tests check */
const PROBE = `
import { createWorkingCalendar } from './working-calendar.js';
const c = createWorkingCalendar({});
const o = createWorkingCalendar({ overrides: [{ date: '2026-03-07', workday: true }, { date: '2026-03-09', workday: false }] });
const sh = (s) => new Date(s.replace(' ', 'T') + '+08:00');
let bits = '';
for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2027, 11, 31); t += 86400000) bits += c.isWorkday(new Date(t).toISOString().slice(0, 10)) ? '1' : '0';
const answers = {
  localOffsetMinutes: new Date(2026, 0, 15).getTimezoneOffset(),
  bits,
  workdays: ['2024-02-04', '2024-02-18', '2025-09-28', '2025-10-11', '2026-02-14', '2026-02-28', '2026-02-13', '2026-02-16', '2026-03-07', '2026-10-01'].map((d) => [d, c.isWorkday(d)]),
  spring: c.dueAfter(sh('2026-02-13 10:00'), 5).dueAt.toISOString(),
  late: c.dueAfter(sh('2026-03-05 23:59'), 2).dueAt.toISOString(),
  early: c.dueAfter(sh('2026-03-06 00:01'), 2).dueAt.toISOString(),
  holiday: c.dueAfter(sh('2026-10-03 11:00'), 2).dueAt.toISOString(),
  provisional: c.dueAfter(sh('2026-12-30 10:00'), 5),
  overdue: [
    c.overdueDays(new Date('2026-03-09T16:00:00.000Z'), new Date('2026-03-10T15:59:59.999Z')),
    c.overdueDays(new Date('2026-03-09T16:00:00.000Z'), new Date('2026-03-10T16:00:00.000Z')),
    c.overdueDays(new Date('2026-09-30T16:00:00.000Z'), new Date('2026-10-10T16:00:00.000Z')),
  ],
  overdueAt: c.overdueAt(new Date('2026-09-30T16:00:00.000Z'), 3).toISOString(),
  dayOf: [c.dayOf(new Date('2026-02-13T15:59:59.999Z')), c.dayOf(new Date('2026-02-13T16:00:00.000Z'))],
  banner: [c.nextYearBanner(new Date('2026-10-31T15:59:59.999Z')) ?? null, c.nextYearBanner(new Date('2026-10-31T16:00:00.000Z')) ?? null],
  overrides: [o.isWorkday('2026-03-07'), o.isWorkday('2026-03-09'), o.dueAfter(sh('2026-03-06 10:00'), 2).dueAt.toISOString()],
};
process.stdout.write(JSON.stringify(answers));
`;

const EXPECTED = {
  workdays: [
    ['2024-02-04', true],
    ['2024-02-18', true],
    ['2025-09-28', true],
    ['2025-10-11', true],
    ['2026-02-14', true],
    ['2026-02-28', true],
    ['2026-02-13', true],
    ['2026-02-16', false],
    ['2026-03-07', false],
    ['2026-10-01', false],
  ],
  spring: '2026-02-27T16:00:00.000Z',
  late: '2026-03-09T16:00:00.000Z',
  early: '2026-03-10T16:00:00.000Z',
  holiday: '2026-10-09T16:00:00.000Z',
  provisional: { dueAt: '2027-01-06T16:00:00.000Z', provisional: true },
  overdue: [0, 1, 3],
  overdueAt: '2026-10-10T16:00:00.000Z',
  dayOf: ['2026-02-13', '2026-02-14'],
  banner: [null, { year: 2027 }],
  overrides: [true, false, '2026-03-10T16:00:00.000Z'],
};

/** the 0/1 string of the in-process calendar (this jest worker's own time zone) */
function bitsHere(): string {
  const c = createWorkingCalendar({});
  let bits = '';
  for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2027, 11, 31); t += 86_400_000) bits += c.isWorkday(new Date(t).toISOString().slice(0, 10)) ? '1' : '0';
  return bits;
}

async function probe(tz: string): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(scratch, 'probe.mjs')], {
    env: { ...process.env, TZ: tz },
    cwd: root,
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  for (const file of readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const { code } = await transformFile(join(here, file), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
      sourceMaps: false,
    });
    writeFileSync(join(scratch, file.replace(/\.ts$/, '.js')), code);
  }
  writeFileSync(join(scratch, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(scratch, 'probe.mjs'), PROBE);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the same answers in every process time zone (all day arithmetic in Asia/Shanghai)', () => {
  it.each([
    ['Asia/Shanghai', -480],
    ['UTC', 0],
    ['America/Los_Angeles', 480],
    ['Asia/Kolkata', -330],
    ['Pacific/Kiritimati', -840],
  ])('given TZ=%s, when the calendar runs in a child process, then its answers are the Shanghai ones', async (tz, offset) => {
    const { localOffsetMinutes, bits, provisional, ...answers } = await probe(tz);
    // the child really ran in that zone
    expect(localOffsetMinutes).toBe(offset);
    expect({ ...answers, provisional }).toEqual(EXPECTED);
    // every day of 2024–2027 agrees with this process's calendar
    expect(bits).toBe(bitsHere());
  });
});
