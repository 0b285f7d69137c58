/**
 * Issue 14, through HTTP: the bundles under /assets are named by content hash and sent as immutable
 * for a year, already compressed (br, else gzip, as the client takes them); pages and API answers are
 * never cached and are compressed as they are sent; the pages name the bundles of the current build.
 * Raw node requests, so that nothing decodes the bodies on the way.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import process from 'node:process';
import { promisify } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { projectRoot } from '../../app.js';
import { IMMUTABLE } from '../../http/assets.js';
import { createTestApp, type Person, type TestApp } from '../app-harness.js';

const dist = join(projectRoot, 'modeler', 'dist');

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('asset caching and compression', () => {
  let h: TestApp;
  let server: Server;
  let port: number;
  let modeler: Person;
  let manifest: Record<string, { file: string; imports?: string[] }>;

  /** GET with exactly these headers; the body as it came over the wire */
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<Raw>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [join(projectRoot, 'modeler', 'build.mjs')], { cwd: projectRoot });
    manifest = JSON.parse(readFileSync(join(dist, 'manifest.json'), 'utf8'));
    h = await createTestApp();
    server = h.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
    modeler = await h.signIn('modeler');
  }, 120_000);
  afterAll(async () => {
    if (server) await new Promise((resolve) => server.close(resolve));
    await h?.close();
  });

  it('sends a hashed bundle as immutable for a year, as brotli to a client that takes br, as gzip to one that takes only gzip, and as it is to one that takes neither', async () => {
    const file = manifest['task-form.js'].file;
    expect(file).toMatch(/^task-form-[A-Z2-7]{8}\.js$/);
    const plain = readFileSync(join(dist, file));

    const br = await get(`/assets/${file}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.status).toBe(200);
    expect(br.headers['cache-control']).toBe(IMMUTABLE);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.body.length).toBeLessThan(plain.length / 3);
    expect(brotliDecompressSync(br.body).equals(plain)).toBe(true);

    const gz = await get(`/assets/${file}`, { 'accept-encoding': 'gzip, deflate' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe(IMMUTABLE);
    expect(gunzipSync(gz.body).equals(plain)).toBe(true);

    // br refused with q=0: gzip
    expect((await get(`/assets/${file}`, { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');

    const identity = await get(`/assets/${file}`);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.equals(plain)).toBe(true);

    // the stylesheet and a shared chunk alike; a conditional request for what the client has is a 304
    const css = await get(`/assets/${manifest['task-form.css'].file}`, { 'accept-encoding': 'br' });
    expect(css.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': IMMUTABLE, 'content-type': expect.stringMatching(/^text\/css/) });
    const chunk = manifest['task-form.js'].imports?.[0] as string;
    expect(chunk).toMatch(/^chunks\/chunk-[A-Z2-7]{8}\.js$/);
    const chunked = await get(`/assets/${chunk}`, { 'accept-encoding': 'br' });
    expect(chunked.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': IMMUTABLE });
    expect((await get(`/assets/${chunk}`, { 'accept-encoding': 'br', 'if-none-match': chunked.headers.etag as string })).status).toBe(304);
  });

  it('does not let an unhashed or missing file under /assets be kept', async () => {
    expect((await get('/assets/manifest.json')).headers['cache-control']).toBe('no-cache');
    const missing = await get('/assets/task-form.js', { 'accept-encoding': 'br' });
    expect(missing.status).toBe(404);
    expect(missing.headers['cache-control']).toBe('no-store');
    expect((await get('/assets/..%2f..%2fpackage.json', { 'accept-encoding': 'br' })).status).toBeGreaterThanOrEqual(400);
  });

  it('never caches a page or an API answer, and compresses them as they are sent', async () => {
    const page = await get('/submit', { 'accept-encoding': 'gzip, deflate, br' });
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(page.body).toString('utf8')).toContain('</html>');
    // the security headers stay
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");

    const api = await get('/api/openapi.json', { 'accept-encoding': 'gzip' });
    expect(api.headers['cache-control']).toBe('no-store');
    expect(api.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(api.body).toString('utf8'))).toHaveProperty('openapi');

    const health = await get('/health');
    expect(health.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(health.body.toString('utf8'))).toMatchObject({ status: 'ok' });
  });

  it('names the current build on the pages: the modeler page loads its module script with its chunks preloaded, and its stylesheet', async () => {
    const page = await modeler.get('/processes/petition-lifecycle/edit').expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    const { file, imports = [] } = manifest['modeler.js'];
    expect(page.text).toContain(`<script type="module" src="/assets/${file}"></script>`);
    expect(imports.length).toBeGreaterThan(0);
    for (const chunk of imports) expect(page.text).toContain(`<link rel="modulepreload" href="/assets/${chunk}">`);
    expect(page.text).toContain(`<link rel="stylesheet" href="/assets/${manifest['modeler.css'].file}">`);
    // nothing of the other pages
    expect(page.text).not.toMatch(/\/assets\/(task-form|form-editor|viewer)-/);
  });
});
