/**
 * Text-direction control characters (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) in a petition
 * are refused with a clear Chinese error on every way in — the portal page, the API, Open311 — and
 * nothing is registered: invisible, they make a title or a reply read differently from what is
 * stored (a 诉求 "…反映的问题已解决" can be shown reversed in part). Runs on SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import { solveChallenge } from '../../domain/challenge.js';
import { createTestApp, PETITION_FIELDS, submitPetition, type TestApp } from '../app-harness.js';

const KEY = 'intake-app-key-000000000002';
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
const hex = (c: string) => `U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
const MESSAGE = (label: string) => `「${label}」含有不可见的控制字符(如改变文字方向的字符),请删除后再提交`;

describe('bidi control characters in a petition', () => {
  let h: TestApp;
  const petitions = async () => Number(((await h.t.db.sequelize.query('SELECT COUNT(*) AS n FROM petitions', { type: 'SELECT' as never })) as unknown as { n: number | string }[])[0].n);
  beforeAll(async () => {
    h = await createTestApp({ app: { open311ApiKeys: [KEY] } });
  });
  afterAll(() => h.close());

  it('given each of them in the content, or one in the title or the name, when submitted through the API, then 400 names the field in Chinese and nothing is registered', async () => {
    const citizen = await h.visitor();
    const before = await petitions();
    for (const c of BIDI) {
      const res = await submitPetition(h, citizen, { content: `路灯坏了${c}已经一周` });
      expect({ char: hex(c), status: res.status, code: res.body.error?.code, details: res.body.error?.details }).toEqual({
        char: hex(c),
        status: 400,
        code: 'INVALID_INPUT',
        details: [{ field: 'content', message: MESSAGE('诉求内容') }],
      });
    }
    const title = await submitPetition(h, citizen, { title: '小区\u202e灯路' });
    expect(title.body.error.details).toEqual([{ field: 'title', message: MESSAGE('标题') }]);
    const name = await submitPetition(h, citizen, { petitionerName: '王\u200f小明' });
    expect(name.body.error.details).toEqual([{ field: 'petitionerName', message: MESSAGE('姓名') }]);
    expect(await petitions()).toBe(before);
    // ordinary Chinese text with its punctuation still goes through
    expect((await submitPetition(h, citizen, { content: '路灯坏了——已经一周,“请尽快修复”。' })).status).toBe(201);
  });

  it('given one in the content, when submitted on the portal page, then the page shows the form again with the error at the field', async () => {
    const agent = h.agent();
    const html = (await agent.get('/submit').set('accept', 'text/html').expect(200)).text;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const token = /name="challengeToken" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const question = /验证:([^<]+?) <span/.exec(html)?.[1] ?? '';
    const before = await petitions();
    const res = await agent
      .post(`/submit?_csrf=${encodeURIComponent(csrf)}`)
      .set('accept', 'text/html')
      .type('form')
      .send({ ...PETITION_FIELDS, _csrf: csrf, agree: 'true', content: '路灯\u2067坏了\u2069一周', challengeToken: token, challengeAnswer: String(solveChallenge(question)), website: '' });
    expect(res.status).toBe(400);
    const at = res.text.indexOf('name="content"');
    expect(at).toBeGreaterThan(0);
    expect(/<span class="field-error">([^<]*)<\/span>/.exec(res.text.slice(at))?.[1]).toBe(MESSAGE('诉求内容'));
    await h.settle();
    expect(await petitions()).toBe(before);
  });

  it('given one in the description, when a third-party app posts it to Open311, then 400 says so and nothing is registered', async () => {
    const before = await petitions();
    const res = await request(h.app)
      .post('/open311/v2/requests.json')
      .send({ api_key: KEY, service_code: 'suggestion', description: '建议增设\u202d公交站台', first_name: '丽', last_name: '孙', phone: '13512345678' });
    expect(res.status).toBe(400);
    expect(res.body).toContainEqual({ code: 400, description: `description: ${MESSAGE('诉求内容')}` });
    await h.settle();
    expect(await petitions()).toBe(before);
  });
});
