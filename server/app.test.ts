import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import { createApp } from './app.js';
import { createLogger } from './logger.js';
import { createWorkingCalendar } from '../regulation/calendar/working-calendar.js';
import { createTestApp, type TestApp } from './test/app-harness.js';

describe('HTTP app', () => {
  let h: TestApp;

  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(() => h.close());

  it('given next year’s official schedule is missing, when health is asked from 1 November, then it carries the notice, and not before', async () => {
    const calendar = async () => createWorkingCalendar({});
    const at = (iso: string) =>
      createApp({ engine: h.t.engine, db: h.t.db, key: Buffer.alloc(32, 1), secret: 'x'.repeat(40), log: createLogger('silent'), deployed: [{ processId: 'petition-lifecycle', version: 1 }], calendar, clock: { now: () => new Date(iso) } });
    const november = await request(at('2026-11-01T00:00:00+08:00')).get('/health');
    const october = await request(at('2026-10-31T23:59:00+08:00')).get('/health');
    expect(november.body).toEqual({ status: 'ok', engine: 'embedded', processes: [{ processId: 'petition-lifecycle', version: 1 }], notice: '2027 年法定节假日安排尚未录入,该年度的办理期限按周一至周五暂算' });
    expect(october.body.notice).toBeUndefined();
  });

  it('given a running instance, when an auditor asks for it, then its state comes back without its variables; anonymous callers get 401', async () => {
    const ref = await h.t.engine.start('petition-lifecycle', { petitionId: 'p-1', category: 'complaint' });
    const auditor = await h.signIn('auditor');
    const res = await auditor.get(`/api/process-instances/${ref.processInstanceKey}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ processInstanceKey: ref.processInstanceKey, processId: 'petition-lifecycle', state: 'active' });
    expect(res.body.variables).toBeUndefined();
    expect((await request(h.app).get(`/api/process-instances/${ref.processInstanceKey}`)).status).toBe(401);
  });

  it('given an unknown or malformed key, when asked for, then a clear error in Chinese comes back', async () => {
    const auditor = await h.signIn('auditor');
    const unknown = await auditor.get('/api/process-instances/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: 'NOT_FOUND', message: '未找到该流程实例' });
    const bad = await auditor.get(`/api/process-instances/${encodeURIComponent('<script>')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_KEY');
  });

  it('given a route that does not exist, when requested, then 404 in Chinese (JSON for the API, a page for a browser)', async () => {
    const api = await request(h.app).get('/api/nowhere');
    expect(api.status).toBe(404);
    expect(api.body.error.message).toBe('页面不存在');
    const page = await request(h.app).get('/nowhere').set('accept', 'text/html');
    expect(page.status).toBe(404);
    expect(page.text).toContain('页面不存在');
  });

  it('given any page, when served, then it carries the security headers', async () => {
    const res = await request(h.app).get('/');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });
});
