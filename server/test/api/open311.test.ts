/**
 * Open311 GeoReport v2 for third-party intake apps, and the OpenAPI document: every route the API
 * and Open311 serve is described there.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import request from 'supertest';
import { createTestApp, type TestApp } from '../app-harness.js';

const KEY = 'intake-app-key-000000000001';

describe('第六条 Open311 GeoReport v2', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp({ app: { open311ApiKeys: [KEY] } });
  });
  afterAll(() => h.close());

  it('given a third-party app, when it lists services, then they are the six categories in Chinese, each with its attributes', async () => {
    const services = await request(h.app).get('/open311/v2/services.json').expect(200);
    expect(services.body.map((s: { service_code: string }) => s.service_code)).toEqual(['consultation', 'complaint', 'report', 'help', 'suggestion', 'other']);
    expect(services.body[1]).toMatchObject({ service_name: '投诉', type: 'realtime', metadata: true });
    const definition = await request(h.app).get('/open311/v2/services/complaint.json').expect(200);
    expect(definition.body.attributes.map((a: { code: string }) => a.code)).toEqual(['title', 'township', 'confidential']);
    expect(definition.body.attributes[1].values).toContainEqual({ key: '360783100', name: '龙南镇人民政府' });
    expect((await request(h.app).get('/open311/v2/services/parking.json')).status).toBe(404);
    expect((await request(h.app).get('/open311/v2/services.xml')).body).toEqual([{ code: 400, description: '仅支持 JSON 格式(.json)' }]);
  });

  it('given an app with an API key, when it posts a request form-encoded, then the petition is registered and its status can be queried without its text or petitioner', async () => {
    const posted = await request(h.app)
      .post('/open311/v2/requests.json')
      .type('form')
      .send({ api_key: KEY, service_code: 'suggestion', description: '建议在龙南镇客家大道增设公交站台,方便老人出行。', last_name: '孙', first_name: '丽', phone: '13512345678', 'attribute[township]': '360783100' });
    expect(posted.status).toBe(201);
    const id = posted.body[0].service_request_id;
    expect(id).toMatch(/^WZ[2-9A-Z]{8}$/);
    await h.settle();
    const one = await request(h.app).get(`/open311/v2/requests/${id}.json`).expect(200);
    expect(one.body).toEqual([
      expect.objectContaining({ service_request_id: id, status: 'open', service_code: 'suggestion', service_name: '建议', status_notes: '受理审查中' }),
    ]);
    const text = JSON.stringify(one.body);
    for (const secret of ['13512345678', '孙丽', '公交站台']) expect(text).not.toContain(secret);
    const many = await request(h.app).get(`/open311/v2/requests.json?service_request_id=${id},WZ22222222`).expect(200);
    expect(many.body).toHaveLength(1);
    // the caller tracks it with the code and the phone
    const caller = await h.visitor();
    expect((await caller.post('/api/track', { trackingCode: id, phone: '13512345678' }).expect(200)).body).toMatchObject({ title: '建议在龙南镇客家大道增设公交站台,方便老人出行。', category: 'suggestion' });
    const intake = await h.signIn('intake');
    expect((await intake.get('/api/cases').expect(200)).body.find((c: { trackingCode: string }) => c.trackingCode === id)).toMatchObject({ township: '360783100', channel: 'web' });
  });

  it('given a wrong key or bad fields, when an app posts, then Open311 errors come back and nothing is registered', async () => {
    const count = async () => ((await h.t.db.sequelize.query('SELECT COUNT(*) AS n FROM petitions', { type: 'SELECT' as any })) as unknown as { n: number }[])[0].n;
    const before = Number(await count());
    const wrong = await request(h.app).post('/open311/v2/requests.json').send({ api_key: 'not-the-key-0000000000', service_code: 'help', description: '求助', first_name: '李', phone: '13512345678' });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual([{ code: 403, description: 'api_key 无效' }]);
    const bad = await request(h.app).post('/open311/v2/requests.json').send({ api_key: KEY, service_code: 'parking', description: '', phone: '123' });
    expect(bad.status).toBe(400);
    const descriptions = bad.body.map((e: { description: string }) => e.description).join(' | ');
    expect(descriptions).toContain('service_code');
    expect(descriptions).toContain('phone');
    expect(descriptions).toContain('description');
    expect((await request(h.app).get('/open311/v2/requests.json')).status).toBe(400);
    expect(Number(await count())).toBe(before);
  });
});

describe('the OpenAPI document', () => {
  let h: TestApp;
  beforeAll(async () => {
    h = await createTestApp();
  });
  afterAll(() => h.close());

  it('given the app, when its OpenAPI document is fetched, then it is OpenAPI 3.1 and describes every API and Open311 route the app serves', async () => {
    const doc = (await request(h.app).get('/api/openapi.json').expect(200)).body;
    expect(doc.openapi).toBe('3.1.0');
    const described = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) for (const m of Object.keys(ops)) described.add(`${m.toUpperCase()} ${path}`);
    // the routes Express has, by walking its router
    const served = new Set<string>();
    const walk = (stack: any[]) => {
      for (const layer of stack) {
        if (layer.route) {
          for (const m of Object.keys(layer.route.methods)) {
            const path = String(layer.route.path).replace(/:(\w+)\.:format/g, '{$1}.json').replace(/\.:format/g, '.json').replace(/:(\w+)/g, '{$1}');
            if (path.startsWith('/api/') || path.startsWith('/open311/')) served.add(`${m.toUpperCase()} ${path}`);
          }
        } else if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk((h.app as any).router.stack);
    const missing = [...served].filter((r) => !described.has(r) && r !== 'GET /api/openapi.json');
    expect(missing).toEqual([]);
    expect(served.size).toBeGreaterThan(30);
  });
});
