/**
 * 第二十二条: the platform publishes its channels and its rules — a public page anyone reaches from the
 * portal without signing in, naming every channel a petition can come through and the rules it runs by.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../app-harness.js';
import { CHANNEL_LABELS } from '../../../data/petition-row.js';

describe('第二十二条 公布受理渠道和管理规定', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp({ start: '2026-03-02T02:00:00.000Z' });
  });
  afterAll(() => h?.close());

  it('given a citizen who is not signed in, when they open the portal, then it links to a page that names every channel and the rules on deadlines, rating, warnings, reports and assessment', async () => {
    const home = await request(h.app).get('/').expect(200);
    expect(home.text).toContain('href="/rules"');
    const page = (await request(h.app).get('/rules').expect(200)).text;
    expect(page).toContain('第二十二条');
    for (const label of ['网站', '微信公众号', '热线电话']) expect(page).toContain(label);
    expect(Object.keys(CHANNEL_LABELS)).toHaveLength(3);
    for (const article of ['第六条', '第十三条', '第十七条', '第二十六条', '第二十五条', '第二十七条']) expect(page).toContain(article);
    expect(page).toContain('恶意、虚假诉求');
  });
});
