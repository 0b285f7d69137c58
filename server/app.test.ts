import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import { createTestEngine, type TestEngine } from '../engine/test/harness.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';
import { createWorkingCalendar } from './domain/calendar/working-calendar.js';

describe('HTTP app', () => {
  let t: TestEngine;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    t = await createTestEngine();
    const deployed = await t.deploy('user-task.bpmn');
    app = createApp({ engine: t.engine, log: createLogger('silent'), deployed: deployed.processes.map((p) => ({ processId: p.processId, version: p.version })) });
  });
  afterAll(() => t.close());

  it('given the deployed diagrams, when health is asked, then it lists them', async () => {
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', processes: [{ processId: 'user-task', version: 1 }] });
  });

  it('given next year’s official schedule is missing, when health is asked from 1 November, then it carries the notice, and not before', async () => {
    const calendar = async () => createWorkingCalendar({});
    const at = (iso: string) => createApp({ engine: t.engine, log: createLogger('silent'), deployed: [], calendar, clock: { now: () => new Date(iso) } });
    const november = await request(at('2026-11-01T00:00:00+08:00')).get('/health');
    const october = await request(at('2026-10-31T23:59:00+08:00')).get('/health');
    expect(november.body.notice).toBe('2027 年法定节假日安排尚未录入,该年度的办理期限按周一至周五暂算');
    expect(october.body.notice).toBeUndefined();
  });

  it('given a running instance, when it is asked for, then its state comes back without its variables', async () => {
    const ref = await t.engine.start('user-task', { reviewer: 'li.ming', petitionerPhone: '13800000000' });
    const res = await request(app).get(`/api/process-instances/${ref.processInstanceKey}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ processInstanceKey: ref.processInstanceKey, processId: 'user-task', state: 'active', version: 1 });
    expect(res.body.variables).toBeUndefined();
  });

  it('given an unknown or malformed key, when asked for, then a clear error in Chinese comes back', async () => {
    const unknown = await request(app).get('/api/process-instances/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toEqual({ code: 'NOT_FOUND', message: '未找到该流程实例' });
    const bad = await request(app).get(`/api/process-instances/${encodeURIComponent('<script>')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_KEY');
  });

  it('given a route that does not exist, when requested, then 404 in Chinese', async () => {
    const res = await request(app).get('/nowhere');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('页面不存在');
  });
});
