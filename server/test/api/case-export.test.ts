/**
 * The case export (`GET /api/cases/export.csv`, `/staff/cases.csv`) as the office opens it in Excel:
 * every case the account may open — no cap (it used to stop silently at 10,000 rows) — newest first,
 * Chinese headers and labels, Shanghai local times; a unit's export holds its own cases only.
 * Thousands of cases are copies of one submitted through the portal, written straight to the table
 * (new ids, tracking codes and times): what is tested is the export, through HTTP.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createTestApp, submitPetition, type TestApp } from '../app-harness.js';

const COPIES = 10_050;
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const codeOf = (n: number) => {
  let s = '';
  for (let i = 0; i < 8; i++, n = Math.floor(n / ALPHABET.length)) s = ALPHABET[n % ALPHABET.length] + s;
  return `WZ${s}`;
};

describe('the case export', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
    await submitPetition(h, await h.visitor(), { title: '原件诉求', content: '龙南镇路灯不亮,请尽快修复。' });
    const db = h.t.db.sequelize;
    const [original] = (await db.query('SELECT * FROM petitions LIMIT 1', { type: QueryTypes.SELECT })) as Record<string, unknown>[];
    const columns = Object.keys(original);
    const base = Date.parse('2026-01-05T16:00:00.000Z'); // 2026-01-06 00:00:00 in Shanghai
    const copy = (i: number) => ({
      ...original,
      id: `copy-${String(i).padStart(6, '0')}`,
      tracking_code: codeOf(1_000_000 + i),
      title: i === 0 ? '=HYPERLINK("x")' : `路灯诉求 ${i}`,
      channel: i % 2 ? 'hotline' : 'wechat',
      unit_id: i === COPIES - 1 ? 'u-dongjiang' : 'u-longnan',
      created_at: base - i * 60_000,
      updated_at: base - i * 60_000,
      process_instance_key: null,
    });
    for (let from = 0; from < COPIES; from += 500) {
      const rows = Array.from({ length: Math.min(500, COPIES - from) }, (_, k) => copy(from + k));
      await db.query(`INSERT INTO petitions (${columns.join(', ')}) VALUES ${rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`, {
        replacements: rows.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)),
      });
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  const linesOf = (text: string) => text.replace(/^\ufeff/, '').split('\r\n').filter(Boolean);

  it('given more than 10,000 cases, when the platform exports them, then every case is a row, newest first, in Chinese with Shanghai times', async () => {
    const reviewer = await h.signIn('reviewer');
    const res = await reviewer.get('/api/cases/export.csv').buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text.startsWith('\ufeff')).toBe(true);
    const lines = linesOf(res.text);
    expect(lines[0]).toBe('查询编号,类别,标题,状态,承办单位,渠道,提交时间,紧急,保密');
    expect(lines).toHaveLength(1 + COPIES + 1);
    // the copies are older than the original: after it, newest first, to the second in Shanghai time
    // (a cell that a spreadsheet would run as a formula is quoted as text)
    expect(lines[2]).toBe(`${codeOf(1_000_000)},投诉,"'=HYPERLINK(""x"")",受理审查中,龙南镇人民政府,微信公众号,2026-01-06 00:00:00,否,否`);
    expect(lines[3]).toBe(`${codeOf(1_000_001)},投诉,路灯诉求 1,受理审查中,龙南镇人民政府,热线电话,2026-01-05 23:59:00,否,否`);
    expect(new Set(lines.slice(1).map((l) => l.split(',')[0])).size).toBe(COPIES + 1);
    expect(res.text).not.toMatch(/hotline|wechat|T\d\d:\d\d:\d\d\.\d{3}Z/);
  });

  it("given a unit's handler, when they export, then they get their unit's cases only, every one of them", async () => {
    const handler = await h.signIn('handler-dongjiang');
    const lines = linesOf((await handler.get('/staff/cases.csv').buffer(true).expect(200)).text);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([codeOf(1_000_000 + COPIES - 1)]);
  });
});
