import { describe, it, expect } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('given no settings, when the app starts, then it runs on port 3000 with SQLite under data/ and the embedded engine', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 3000,
      dbUrl: 'sqlite:data/wenzheng.sqlite',
      engine: 'embedded',
      logLevel: 'info',
      processesDir: 'processes',
      publicBaseUrl: 'http://localhost:3000',
      production: false,
    });
  });

  it('given a MySQL URL and a port, when read, then both are taken', () => {
    const config = loadConfig({ PORT: '8080', DB_URL: 'mysql://wz:secret@db:3306/wenzheng', LOG_LEVEL: 'warn' });
    expect([config.port, config.dbUrl, config.logLevel]).toEqual([8080, 'mysql://wz:secret@db:3306/wenzheng', 'warn']);
  });

  it('given production without an encryption key, or a key of the wrong length, when read, then start-up fails', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PII_KEY is required/);
    expect(() => loadConfig({ PII_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/32 bytes/);
    expect(loadConfig({ NODE_ENV: 'production', PII_KEY: Buffer.alloc(32, 7).toString('base64') }).piiKey).toBe(Buffer.alloc(32, 7).toString('base64'));
  });

  it('given several bad values, when read, then start-up fails listing every problem', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DB_URL: 'postgres://x', ENGINE: 'camunda7', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT[\s\S]*DB_URL[\s\S]*ENGINE[\s\S]*LOG_LEVEL/);
  });
});
