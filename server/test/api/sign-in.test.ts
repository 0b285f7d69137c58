/**
 * Sign-in tells a stranger nothing: an unknown user name, a wrong password and a locked account get
 * the same answer — status, body and roughly the time (the password hash runs for an unknown name
 * too) — so which accounts exist, and which are locked, cannot be learned by trying. The lock itself
 * stays: five failures in a row lock a real account for 15 minutes, even for the right password.
 * Runs on SQLite and on MariaDB.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type request from 'supertest';
import { createTestApp, DEMO_PASSWORD, type TestApp } from '../app-harness.js';

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
/** the page's error message and the field error, without the echoed user name */
const pageAnswer = (res: request.Response) => ({
  status: res.status,
  errors: /<div class="errors"[^>]*>([\s\S]*?)<\/div>/.exec(res.text)?.[1].split(/<[^>]+>/).map((t) => t.trim()).filter(Boolean),
  location: res.headers.location,
  session: ([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('wz_sid=') && !/wz_sid=;/.test(c)),
});

describe('sign-in answers', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(() => h.close());

  it('given an unknown user name, a wrong password and a locked account, when each signs in on the API, then the three answers are the same, and a locked account is refused even its right password until 15 minutes have passed', async () => {
    const stranger = await h.visitor();
    const unknown = await stranger.post('/api/login', { username: 'no-such-person', password: 'a guess 1234' });
    const wrong = await stranger.post('/api/login', { username: 'auditor', password: 'a guess 1234' });
    for (let i = 2; i <= 5; i++) await stranger.post('/api/login', { username: 'modeler', password: `a guess ${i}` });
    // the fifth failure locked it: the right password is now refused with the same answer
    await stranger.post('/api/login', { username: 'modeler', password: 'a guess 6' });
    const locked = await stranger.post('/api/login', { username: 'modeler', password: DEMO_PASSWORD });
    const answer = (res: request.Response) => ({ status: res.status, body: res.body, retryAfter: res.headers['retry-after'] });
    expect(answer(unknown)).toEqual(answer(wrong));
    expect(answer(locked)).toEqual(answer(wrong));
    expect(answer(wrong)).toEqual({
      status: 401,
      body: { error: { code: 'INVALID_CREDENTIALS', message: '用户名或密码不正确(连续输错 5 次,账号将暂停登录 15 分钟)' } },
      retryAfter: undefined,
    });
    // still locked for its owner; open again after 15 minutes
    h.t.clock.advance(14 * 60_000);
    expect((await stranger.post('/api/login', { username: 'modeler', password: DEMO_PASSWORD })).status).toBe(401);
    h.t.clock.advance(61_000);
    expect((await stranger.post('/api/login', { username: 'modeler', password: DEMO_PASSWORD })).status).toBe(200);
  });

  it('given the same three cases, when each signs in on the page, then the pages say the same', async () => {
    const agent = h.agent();
    const form = await agent.get('/login').expect(200);
    const post = (username: string, password: string) => agent.post('/login').type('form').set('accept', 'text/html').send({ _csrf: csrfOf(form.text), username, password, next: '' });
    const unknown = pageAnswer(await post('no-such-person', 'a guess 1234'));
    const wrong = pageAnswer(await post('auditor', 'a guess 1234'));
    for (let i = 1; i <= 5; i++) await post('leader', `a guess ${i}`);
    const locked = pageAnswer(await post('leader', DEMO_PASSWORD));
    expect(unknown).toEqual(wrong);
    expect(locked).toEqual(wrong);
    expect(wrong.status).toBe(401);
    expect(wrong.errors).toContain('用户名或密码不正确(连续输错 5 次,账号将暂停登录 15 分钟)');
    expect(wrong.session).toBe(false);
  });

  it('given many tries, when an unknown name and a known one are timed, then both cost about one password hash', async () => {
    const stranger = await h.visitor();
    const time = async (username: string) => {
      const start = process.hrtime.bigint();
      const res = await stranger.post('/api/login', { username, password: 'a guess 1234' });
      expect(res.status).toBe(401);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const unknown: number[] = [];
    const known: number[] = [];
    // one admin unlock keeps the known account below its lock while it is timed
    const admin = await h.signIn('admin');
    const { id } = (await admin.get('/api/admin/staff').expect(200)).body.find((s: { username: string }) => s.username === 'intake');
    for (let i = 0; i < 6; i++) {
      unknown.push(await time(`nobody-${i}`));
      known.push(await time('intake'));
      if (i % 3 === 2) await admin.post(`/api/admin/staff/${id}/unlock`).expect(204);
    }
    // a password hash is tens of milliseconds: without one, an unknown name would answer in a few
    expect(median(unknown)).toBeGreaterThan(median(known) / 3);
    expect(median(unknown)).toBeLessThan(median(known) * 3);
  });
});
