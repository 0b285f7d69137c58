/**
 * The 诉求 list with the power of a work queue (issue 15), through HTTP: every filter, the sorts,
 * keyset pages (no duplicate and no gap while cases arrive), search by tracking code and keyword,
 * the platform's logged search by phone, saved views, the CSV and Excel exports (the workbook read
 * back), and 督办 for a selection. Hundreds of cases are copies of submitted ones written straight
 * to the table with varied fields; what each list must hold is asked of the database directly (an
 * oracle in plain SQL). Runs on SQLite and MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import ExcelJS from 'exceljs';
import { QueryTypes } from 'sequelize';
import type request from 'supertest';
import { createTestApp, type Person, type TestApp } from '../app-harness.js';
import { screenAndDispatch, staff, submit, type Case, type Staff } from './articles/steps.js';

const COPIES = 260;
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const codeOf = (n: number) => {
  let s = '';
  for (let i = 0; i < 8; i++, n = Math.floor(n / ALPHABET.length)) s = ALPHABET[n % ALPHABET.length] + s;
  return `WZ${s}`;
};
const STATUSES = ['handling', 'closed', 'rejected', 'replied', 'submitted'];
const CATEGORIES = ['consultation', 'complaint', 'report', 'help', 'suggestion', 'other'];
const CHANNELS = ['web', 'wechat', 'hotline'];
const OTHER_PHONE = '13712345678';
/** 2026-02-28 12:00 in Shanghai; the copies go back an hour each from there */
const BASE = Date.parse('2026-02-28T04:00:00.000Z');

const linkOf = (res: request.Response, rel: 'next' | 'prev') => new RegExp(`<([^>]+)>; rel="${rel}"`).exec(String(res.headers.link ?? ''))?.[1];

describe('the case list: filters, sort, keyset pages, search, views, exports, 督办 of a selection', () => {
  let h: TestApp;
  let as: Staff;
  let dispatched: Case[];
  let undispatched: Case;
  let otherPhoneCase: Case;
  const sql = <T>(q: string, replacements: unknown[] = []) => h.t.db.sequelize.query(q, { replacements, type: QueryTypes.SELECT }) as Promise<T[]>;
  /** the ids the database holds for a condition, in the list's default order (the oracle) */
  const oracle = async (where: string, params: unknown[] = [], order = 'created_at DESC, id DESC') =>
    (await sql<{ id: string }>(`SELECT id FROM petitions${where ? ` WHERE ${where}` : ''} ORDER BY ${order}`, params)).map((r) => r.id);

  /** every page of a list, following its Link headers */
  async function walk(p: Person, qs: string): Promise<string[]> {
    const ids: string[] = [];
    for (let url: string | undefined = `/api/cases${qs ? `?${qs}` : ''}`, n = 0; url; n++) {
      const res = await p.get(url);
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
      expect(res.body.length).toBeLessThanOrEqual(50);
      ids.push(...(res.body as { id: string }[]).map((c) => c.id));
      url = linkOf(res, 'next');
      if (n > 100) throw new Error('too many pages');
    }
    return ids;
  }

  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
    as = staff(h);
    dispatched = [];
    for (const title of ['选择督办:菜市场占道', '选择督办:夜市噪音']) {
      const c = await submit(h, as, { title });
      await screenAndDispatch(h, as, c);
      dispatched.push(c);
    }
    undispatched = await submit(h, as, { title: '选择督办:尚未转办' });
    otherPhoneCase = await submit(h, as, { title: '另一位诉求人的诉求', petitionerPhone: OTHER_PHONE });
    const [original] = await sql<Record<string, unknown>>('SELECT * FROM petitions WHERE id = ?', [undispatched.id]);
    const columns = Object.keys(original);
    const rows = Array.from({ length: COPIES }, (_, i) => {
      // every tenth copy shares its time with the one before: the id breaks the tie
      const created = BASE - (i % 10 === 5 ? i - 1 : i) * 3600_000;
      return {
        ...original,
        id: `list-${String(i).padStart(4, '0')}`,
        tracking_code: codeOf(3_000_000 + i),
        title: i === 42 ? '打五折50%_优惠' : `诉求第 ${i} 件`,
        content: i % 3 === 0 ? '小区路灯不亮,夜间出行不便。' : '道路破损。',
        status: STATUSES[i % 5],
        category: CATEGORIES[i % 6],
        township: i % 2 ? '360783100' : '360783201',
        channel: CHANNELS[i % 3],
        urgent: i % 7 === 0,
        unit_id: i % 4 === 0 ? 'u-dongjiang' : 'u-longnan',
        phone_index: 'not-a-phone',
        created_at: created,
        updated_at: created + (i % 13) * 86_400_000,
        process_instance_key: null,
      };
    });
    await h.t.db.sequelize.query(`INSERT INTO petitions (${columns.join(', ')}) VALUES ${rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`, {
      replacements: rows.flatMap((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)),
    });
    // 红黄蓝: copy 3 reached blue, 8 yellow (after blue), 13 red (after blue and yellow)
    const ledger = [['list-0003', 'blue'], ['list-0008', 'blue'], ['list-0008', 'yellow'], ['list-0013', 'blue'], ['list-0013', 'yellow'], ['list-0013', 'red']];
    for (const [id, level] of ledger) {
      await h.t.db.sequelize.query('INSERT INTO score_ledger (unit_id, petition_id, deadline_seq, level, points, reason, created_at) VALUES (?, ?, 0, ?, 5, ?, ?)', { replacements: ['u-longnan', id, level, '逾期', BASE] });
    }
  }, 240_000);
  afterAll(async () => {
    await h?.close();
  });

  it('given every filter, when the platform lists with it, then the pages hold exactly the matching cases, newest first', async () => {
    const reviewer = await as('reviewer');
    const from = Date.parse('2026-02-20T00:00:00+08:00');
    const to = Date.parse('2026-02-25T00:00:00+08:00');
    const cases: [string, string, unknown[]][] = [
      ['', '', []],
      ['status=closed', 'status = ?', ['closed']],
      ['status=rejected', 'status = ?', ['rejected']],
      ['category=help', 'category = ?', ['help']],
      ['unit=u-dongjiang', 'unit_id = ?', ['u-dongjiang']],
      ['township=360783201', 'township = ?', ['360783201']],
      ['channel=hotline', 'channel = ?', ['hotline']],
      ['urgent=true', 'urgent = ?', [true]],
      ['urgent=false', 'urgent = ?', [false]],
      ['from=2026-02-20&to=2026-02-24', 'created_at >= ? AND created_at < ?', [from, to]],
      ['status=handling&category=complaint&township=360783100', 'status = ? AND category = ? AND township = ?', ['handling', 'complaint', '360783100']],
      ['status=closed&unit=u-longnan&channel=web', 'status = ? AND unit_id = ? AND channel = ?', ['closed', 'u-longnan', 'web']],
    ];
    for (const [qs, where, params] of cases) expect({ qs, ids: await walk(reviewer, qs) }).toEqual({ qs, ids: await oracle(where, params) });
    expect(await walk(reviewer, 'warning=blue')).toEqual(['list-0003', 'list-0008', 'list-0013']);
    expect(await walk(reviewer, 'warning=yellow')).toEqual(['list-0008', 'list-0013']);
    expect(await walk(reviewer, 'warning=red')).toEqual(['list-0013']);
    // closed and rejected cases are in the plain list too
    const all = await walk(reviewer, '');
    expect(all).toContain('list-0001');
    expect(all).toContain('list-0002');
    expect(all).toHaveLength(COPIES + 4);
  });

  it('given the sorts, when listed oldest first or by last update, then the order is the database’s, the id breaking ties', async () => {
    const reviewer = await as('reviewer');
    expect(await walk(reviewer, 'sort=oldest')).toEqual(await oracle('', [], 'created_at ASC, id ASC'));
    expect(await walk(reviewer, 'sort=updated')).toEqual(await oracle('', [], 'updated_at DESC, id DESC'));
    expect(await walk(reviewer, 'sort=oldest&status=replied')).toEqual(await oracle('status = ?', ['replied'], 'created_at ASC, id ASC'));
  });

  it('given keyset pages, when cases arrive between pages, then no case that was there is shown twice or missed, and 上一页 gives the page before', async () => {
    const reviewer = await as('reviewer');
    const before = await oracle('');
    const seen: string[] = [];
    let url: string | undefined = '/api/cases';
    const pages: string[][] = [];
    const urls: string[] = [];
    for (let n = 0; url; n++) {
      const res = await reviewer.get(url).expect(200);
      urls.push(url);
      pages.push((res.body as { id: string }[]).map((c) => c.id));
      seen.push(...pages[pages.length - 1]);
      url = linkOf(res, 'next');
      // a new case on top and one deep among the older ones, after each page
      await h.t.db.sequelize.query("INSERT INTO petitions (id, tracking_code, channel, category, urgent, confidential, title, content, township, petitioner_name_enc, petitioner_phone_enc, phone_index, status, unit_id, process_instance_key, created_at, updated_at) SELECT ?, ?, channel, category, urgent, confidential, title, content, township, petitioner_name_enc, petitioner_phone_enc, phone_index, status, unit_id, NULL, ?, ? FROM petitions WHERE id = 'list-0000'", {
        replacements: [`new-top-${n}`, codeOf(4_000_000 + n), Date.parse('2026-03-02T02:00:00Z') + n, Date.parse('2026-03-02T02:00:00Z') + n],
      });
      await h.t.db.sequelize.query("INSERT INTO petitions (id, tracking_code, channel, category, urgent, confidential, title, content, township, petitioner_name_enc, petitioner_phone_enc, phone_index, status, unit_id, process_instance_key, created_at, updated_at) SELECT ?, ?, channel, category, urgent, confidential, title, content, township, petitioner_name_enc, petitioner_phone_enc, phone_index, status, unit_id, NULL, ?, ? FROM petitions WHERE id = 'list-0000'", {
        replacements: [`new-deep-${n}`, codeOf(5_000_000 + n), BASE - 250 * 3600_000 - n, BASE - 250 * 3600_000 - n],
      });
      if (n > 20) throw new Error('too many pages');
    }
    const original = seen.filter((id) => !id.startsWith('new-'));
    expect(original).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);
    // 上一页 from the third page is the second page; back on the first, nothing is newer once the arrivals are gone
    await h.t.db.sequelize.query("DELETE FROM petitions WHERE id LIKE 'new-%'");
    const third = await reviewer.get(urls[2]).expect(200);
    const prev = await reviewer.get(linkOf(third, 'prev')!).expect(200);
    expect((prev.body as { id: string }[]).map((c) => c.id)).toEqual(pages[1]);
    expect(linkOf(prev, 'next')).toBeDefined();
    const first = await reviewer.get(linkOf(prev, 'prev')!).expect(200);
    expect(linkOf(first, 'prev')).toBeUndefined();
    expect((first.body as { id: string }[]).map((c) => c.id)).toEqual(before.slice(0, 50));
  });

  it('given a search, when it is a tracking code or a word, then the code finds its case exactly and the word searches titles and contents within a bounded range of dates', async () => {
    const reviewer = await as('reviewer');
    const one = await reviewer.get(`/api/cases?q=${encodeURIComponent(` ${codeOf(3_000_007).toLowerCase()} `)}`).expect(200);
    expect(one.body.map((c: { id: string }) => c.id)).toEqual(['list-0007']);
    expect(await walk(reviewer, `q=${encodeURIComponent('路灯')}`)).toEqual(await oracle('content LIKE ?', ['%路灯%']));
    expect(await walk(reviewer, `q=${encodeURIComponent('50%_')}`)).toEqual(['list-0042']);
    expect(await walk(reviewer, `q=${encodeURIComponent('夜市噪音')}`)).toEqual([dispatched[1].id]);
    // no range given: the last 90 days, and the answer says so; a range over a year is refused
    const notice = await reviewer.get(`/api/cases?q=${encodeURIComponent('路灯')}`).expect(200);
    expect(decodeURIComponent(String(notice.headers['x-notice']))).toContain('最近 90 天');
    const long = await reviewer.get(`/api/cases?q=${encodeURIComponent('路灯')}&from=2024-01-01&to=2026-03-01`).expect(400);
    expect(long.body.error.details[0].message).toContain('最长 366 天');
    expect(await walk(reviewer, `q=${encodeURIComponent('路灯')}&from=2026-02-27&to=2026-02-28`)).toEqual(await oracle('content LIKE ? AND created_at >= ? AND created_at < ?', ['%路灯%', Date.parse('2026-02-27T00:00:00+08:00'), Date.parse('2026-03-01T00:00:00+08:00')]));
  });

  it('given unknown values, when the API is asked, then 400 names each in Chinese; the page ignores them and says why', async () => {
    const reviewer = await as('reviewer');
    const bad = await reviewer.get('/api/cases?status=lost&category=x&channel=fax&urgent=maybe&warning=green&from=2026-02-30&sort=random&after=abc').expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['after', 'category', 'channel', 'from', 'sort', 'status', 'urgent', 'warning']);
    expect(bad.body.error.message).toContain('未知的状态');
    expect((await reviewer.get('/api/cases?status=closed&status=handling')).status).toBe(400);
    const page = await reviewer.get('/staff/cases?status=lost&category=help').set('accept', 'text/html').expect(200);
    expect(page.text).toContain('部分筛选条件无效');
    expect(page.text).toContain('未知的状态「lost」');
    expect(page.text).toContain(codeOf(3_000_003)); // category=help still applies: copy 3 is help
    // a cursor of another sort is refused too
    const res = await reviewer.get('/api/cases').expect(200);
    const cursor = new URL(linkOf(res, 'next')!, 'http://x').searchParams.get('after')!;
    expect((await reviewer.get(`/api/cases?sort=oldest&after=${cursor}`)).status).toBe(400);
  });

  it('第十九条 given a phone number, when the platform searches by it, then its cases are found, the search is audited without the number and each case shown is in the identity access log; units and leaders get 403', async () => {
    const intake = await as('intake');
    const found = await intake.get(`/api/cases?phone=${OTHER_PHONE}`).expect(200);
    expect(found.body.map((c: { id: string }) => c.id)).toEqual([otherPhoneCase.id]);
    const audit = await sql<{ action: string; detail: string | null; petition_id: string | null }>("SELECT action, detail, petition_id FROM audit_log WHERE action = 'case.phone-searched'");
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(OTHER_PHONE);
    expect(JSON.parse(String(audit[0].detail))).toEqual({ where: 'list', results: 1 });
    const log = await sql<{ petition_id: string; purpose: string }>("SELECT petition_id, purpose FROM identity_access_log WHERE purpose = 'phone-search'");
    expect(log).toEqual([{ petition_id: otherPhoneCase.id, purpose: 'phone-search' }]);
    // the page's search is a POST: the number stays out of the URL
    const page = await intake.post('/staff/cases/phone-search', { phone: OTHER_PHONE, list: 'category=complaint' }).set('accept', 'text/html').expect(200);
    expect(page.text).toContain(otherPhoneCase.code);
    expect(page.text).not.toContain(dispatched[0].code);
    expect(page.text).not.toContain(OTHER_PHONE);
    for (const who of ['handler-longnan', 'leader-longnan', 'leader', 'auditor']) {
      const p = await as(who);
      expect({ who, status: (await p.get(`/api/cases?phone=${OTHER_PHONE}`)).status }).toEqual({ who, status: 403 });
      expect({ who, status: (await p.get(`/staff/cases?phone=${OTHER_PHONE}`).set('accept', 'text/html')).status }).toEqual({ who, status: 403 });
      expect({ who, status: (await p.post('/staff/cases/phone-search', { phone: OTHER_PHONE }).set('accept', 'text/html')).status }).toEqual({ who, status: 403 });
      expect({ who, status: (await p.get(`/api/cases/export.csv?phone=${OTHER_PHONE}`)).status }).toEqual({ who, status: 403 });
    }
    expect(await sql("SELECT id FROM audit_log WHERE action = 'case.phone-searched'")).toHaveLength(2);
  });

  it("given a unit's handler, when they filter, search or export, then only their unit's cases come back; naming another unit is refused", async () => {
    const dj = await as('handler-dongjiang');
    const own = await oracle('unit_id = ?', ['u-dongjiang']);
    expect(await walk(dj, '')).toEqual(own);
    expect(await walk(dj, 'status=closed')).toEqual(await oracle('unit_id = ? AND status = ?', ['u-dongjiang', 'closed']));
    expect(await walk(dj, 'unit=u-dongjiang&sort=oldest')).toEqual(await oracle('unit_id = ?', ['u-dongjiang'], 'created_at ASC, id ASC'));
    expect(await walk(dj, `q=${codeOf(3_000_001)}`)).toEqual([]); // 龙南镇's case: nothing, not a 404 that tells it exists
    expect((await dj.get('/api/cases?unit=u-longnan')).status).toBe(403);
    expect((await dj.get('/staff/cases.xlsx?unit=u-longnan')).status).toBe(403);
    const csv = (await dj.get('/api/cases/export.csv?status=handling').buffer(true).expect(200)).text;
    const codes = csv.replace(/^\ufeff/, '').split('\r\n').filter(Boolean).slice(1).map((l) => l.split(',')[0]);
    const expected = await sql<{ tracking_code: string }>('SELECT tracking_code FROM petitions WHERE unit_id = ? AND status = ? ORDER BY created_at DESC, id DESC', ['u-dongjiang', 'handling']);
    expect(codes).toEqual(expected.map((r) => r.tracking_code));
    const book = await xlsxOf(dj, '/staff/cases.xlsx');
    expect(book.slice(1).map((r) => r[0])).toEqual((await sql<{ tracking_code: string }>('SELECT tracking_code FROM petitions WHERE unit_id = ? ORDER BY created_at DESC, id DESC', ['u-dongjiang'])).map((r) => r.tracking_code));
  });

  /** a download read back by exceljs: the first sheet's rows as text cells */
  async function xlsxOf(p: Person, path: string): Promise<string[][]> {
    const res = await p.get(path).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    const rows: string[][] = [];
    wb.worksheets[0].eachRow({ includeEmpty: true }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= 9; c++) cells.push(String(row.getCell(c).value ?? ''));
      rows.push(cells);
    });
    return rows;
  }

  /** CSV lines as cells (quotes undone; a formula-looking cell's protecting quote taken off) */
  function csvRows(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = '';
    let quoted = false;
    const s = text.replace(/^\ufeff/, '');
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (quoted) {
        if (ch === '"' && s[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        row.push(cell);
        cell = '';
      } else if (ch === '\r' && s[i + 1] === '\n') {
        row.push(cell);
        rows.push(row);
        row = [];
        cell = '';
        i++;
      } else cell += ch;
    }
    return rows.map((r) => r.map((c) => (/^'[=+\-@\t\r]/.test(c) ? c.slice(1) : c)));
  }

  it('given a filtered list, when it is exported as CSV and as Excel, then both hold every matching case with the same Chinese values, and the workbook reads back', async () => {
    const reviewer = await as('reviewer');
    for (const qs of ['', 'status=closed&sort=oldest', `q=${encodeURIComponent('路灯')}`]) {
      const csv = csvRows((await reviewer.get(`/staff/cases.csv${qs ? `?${qs}` : ''}`).buffer(true).expect(200)).text);
      const book = await xlsxOf(reviewer, `/staff/cases.xlsx${qs ? `?${qs}` : ''}`);
      expect(book[0]).toEqual(['查询编号', '类别', '标题', '状态', '承办单位', '渠道', '提交时间', '紧急', '保密']);
      expect(book).toEqual(csv);
      const ids = await walk(reviewer, qs);
      expect(book.length - 1).toBe(ids.length);
    }
    const book = await xlsxOf(reviewer, '/api/cases/export.xlsx?category=help&channel=web&township=360783100');
    const help = book.slice(1);
    expect(help.map((r) => r[0])).toEqual((await sql<{ tracking_code: string }>('SELECT tracking_code FROM petitions WHERE category = ? AND channel = ? AND township = ? ORDER BY created_at DESC, id DESC', ['help', 'web', '360783100'])).map((r) => r.tracking_code));
    for (const r of help) expect([r[1], r[5]]).toEqual(['求助', '网站']);
    expect(book.find((r) => r[0] === codeOf(3_000_009))).toEqual([codeOf(3_000_009), '求助', '诉求第 9 件', '已提交', '龙南镇人民政府', '网站', '2026-02-28 03:00:00', '否', '否']);
  });

  it('given saved views, when a person saves, lists and deletes them, then each sees only their own and the query is kept without cursor or phone', async () => {
    const reviewer = await as('reviewer');
    const intake = await as('intake');
    const saved = await reviewer.post('/api/case-views', { name: '已办结的投诉', query: '?status=closed&category=complaint&after=xyz&phone=13712345678' });
    expect(saved.status).toBe(400); // a bad cursor is a problem, not dropped silently
    const ok = await reviewer.post('/api/case-views', { name: '已办结的投诉', query: 'status=closed&category=complaint&phone=13712345678' }).expect(201);
    expect(ok.body.query).toBe('status=closed&category=complaint');
    expect((await reviewer.post('/api/case-views', { name: '已办结的投诉', query: 'status=closed' })).status).toBe(409);
    expect((await reviewer.post('/api/case-views', { name: '', query: 'status=nope' })).body.error.details.map((d: { field: string }) => d.field)).toEqual(['name', 'status']);
    expect((await reviewer.get('/api/case-views').expect(200)).body.map((v: { name: string }) => v.name)).toEqual(['已办结的投诉']);
    expect((await intake.get('/api/case-views').expect(200)).body).toEqual([]);
    expect((await intake.delete(`/api/case-views/${ok.body.id}`)).status).toBe(404);
    const page = await reviewer.get('/staff/cases').set('accept', 'text/html').expect(200);
    expect(page.text).toContain(`href="/staff/cases?status&#x3D;closed&amp;category&#x3D;complaint"`);
    // through the page's form, then deleted
    await reviewer.post('/staff/case-views', { name: '东江乡', query: 'unit=u-dongjiang' }).set('accept', 'text/html').expect(303);
    const views = (await reviewer.get('/api/case-views').expect(200)).body as { id: number; name: string }[];
    expect(views.map((v) => v.name).sort()).toEqual(['东江乡', '已办结的投诉'].sort());
    await reviewer.post(`/staff/case-views/${views.find((v) => v.name === '东江乡')!.id}/delete`).set('accept', 'text/html').expect(303);
    await reviewer.delete(`/api/case-views/${ok.body.id}`).expect(204);
    expect((await reviewer.get('/api/case-views').expect(200)).body).toEqual([]);
  });

  it('第二十三条 given a selection, when the reviewer starts 督办 for it, then each dispatched case starts one (audited, on its timeline), the others are refused with the reason and do not stop the rest', async () => {
    const reviewer = await as('reviewer');
    const ids = [dispatched[0].id, undispatched.id, 'no-such-case', dispatched[1].id];
    const res = await reviewer.post('/api/cases/supervise', { ids, trigger: '二', note: '同类投诉集中' }).expect(200);
    expect(res.body.results.map((r: { id: string; outcome: string; code?: string }) => [r.id, r.outcome, r.code ?? null])).toEqual([
      [dispatched[0].id, 'started', null],
      [undispatched.id, 'refused', 'NO_UNIT'],
      ['no-such-case', 'refused', 'NOT_FOUND'],
      [dispatched[1].id, 'started', null],
    ]);
    await h.settle();
    const tasks = await h.t.engine.listUserTasks({ state: 'created' });
    for (const c of dispatched) expect(tasks.filter((t) => t.processId === 'supervision' && t.variables.petitionId === c.id).map((t) => t.elementId)).toEqual(['Task_ChooseSupervision']);
    const audit = await sql<{ action: string; petition_id: string | null }>("SELECT action, petition_id FROM audit_log WHERE action LIKE 'case.supervision-%' ORDER BY id");
    expect(audit).toEqual([
      { action: 'case.supervision-started', petition_id: dispatched[0].id },
      { action: 'case.supervision-refused', petition_id: undispatched.id },
      { action: 'case.supervision-started', petition_id: dispatched[1].id },
    ]);
    // again: both already under supervision
    const again = await reviewer.post('/api/cases/supervise', { ids: [dispatched[0].id], trigger: '一' }).expect(200);
    expect(again.body.results[0]).toMatchObject({ outcome: 'refused', code: 'ALREADY_SUPERVISED', reason: '该诉求正在督办中' });
    // refused as a whole: too many, a trigger the selection does not take, not a reviewer
    expect((await reviewer.post('/api/cases/supervise', { ids: Array.from({ length: 101 }, (_, i) => `x-${i}`), trigger: '一' })).status).toBe(400);
    expect((await reviewer.post('/api/cases/supervise', { ids: [dispatched[0].id], trigger: '三' })).status).toBe(400);
    expect((await reviewer.post('/api/cases/supervise', { ids: [], trigger: '一' })).status).toBe(400);
    expect((await (await as('intake')).post('/api/cases/supervise', { ids: [dispatched[0].id], trigger: '一' })).status).toBe(403);
  });
});
