import { describe, it, expect } from '@jest/globals';
import { ConfigError, loadConfig, loadRemoteWorkerConfig } from './config.js';
import { jobTypes } from '../workers/registry.js';

// keys as `openssl rand -base64 32` makes them (a key of one repeated byte is refused)
const KEY = 'GE4NZQj+PERaSx8QGKKa5+N5UejDQfQqxBXA76Uiizk=';
const SECRET = 'ejSNB7OO8icg0pKc2/+rRJxG/sGeqilUmsGSscpcah8=';

describe('configuration', () => {
  it('given no settings, when the app starts, then it runs on port 3000 with SQLite under data/ and the embedded engine', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 3000,
      dbUrl: 'sqlite:data/wenzheng.sqlite',
      engine: 'embedded',
      workersInApp: true,
      jobTimeoutSeconds: 60,
      jobPollMs: 1000,
      outboxPollMs: 5000,
      logLevel: 'info',
      processesDir: 'processes',
      decisionsDir: 'decisions',
      publicBaseUrl: 'http://localhost:3000',
      sessionTtlHours: 12,
      uploadMaxMb: 10,
      portalRateLimit: 30,
      loginRateLimit: 20,
      open311ApiKeys: [],
      trustProxy: 0,
      engineRestRateLimit: 12_000,
      engineRestPollMs: 500,
      remoteJobTypes: [],
      production: false,
    });
  });

  it('given production without a session secret, or bad limits and API keys, when read, then start-up fails naming each', () => {
    const key = KEY;
    expect(() => loadConfig({ NODE_ENV: 'production', PII_KEY: key })).toThrow(/SESSION_SECRET is required/);
    expect(() => loadConfig({ SESSION_SECRET: 'c2hvcnQ=' })).toThrow(/at least 32 bytes/);
    expect(() => loadConfig({ UPLOAD_MAX_MB: '0', PORTAL_RATE_LIMIT: 'many', OPEN311_API_KEYS: 'short' })).toThrow(/UPLOAD_MAX_MB[\s\S]*PORTAL_RATE_LIMIT[\s\S]*OPEN311_API_KEYS/);
    expect(() => loadConfig({ JOB_TIMEOUT_SECONDS: '0' })).toThrow(/JOB_TIMEOUT_SECONDS must be a whole number 1–3600 \(got "0"\)/);
    expect(loadConfig({ JOB_TIMEOUT_SECONDS: '5' }).jobTimeoutSeconds).toBe(5);
    expect(() => loadConfig({ JOB_POLL_MS: '10' })).toThrow(/JOB_POLL_MS must be a whole number 50–60000 \(got "10"\)/);
    expect(loadConfig({ JOB_POLL_MS: '200' }).jobPollMs).toBe(200);
    expect(() => loadConfig({ OUTBOX_POLL_MS: 'soon' })).toThrow(/OUTBOX_POLL_MS must be a whole number 50–600000 \(got "soon"\)/);
    expect(loadConfig({ OUTBOX_POLL_MS: '250' }).outboxPollMs).toBe(250);
    const ok = loadConfig({ NODE_ENV: 'production', PII_KEY: key, SESSION_SECRET: key, OPEN311_API_KEYS: 'intake-app-key-000001, other-app-key-0000002', TRUST_PROXY: '1' });
    expect([ok.sessionSecret, ok.open311ApiKeys, ok.trustProxy]).toEqual([key, ['intake-app-key-000001', 'other-app-key-0000002'], 1]);
  });

  it('given the remote workers’ settings (issue 19), when read, then REMOTE_JOB_TYPES takes registered job types or *, an unknown one stops start-up, and the /engine-rest limits are checked', () => {
    const d = loadConfig({});
    expect([d.remoteJobTypes, d.engineRestRateLimit, d.engineRestPollMs]).toEqual([[], 12_000, 500]);
    expect(loadConfig({ REMOTE_JOB_TYPES: ' notify, publish-reply,notify ' }).remoteJobTypes).toEqual(['notify', 'publish-reply']);
    expect(loadConfig({ REMOTE_JOB_TYPES: '*' }).remoteJobTypes).toContain('compute-deadlines');
    expect(() => loadConfig({ REMOTE_JOB_TYPES: 'notify,send-fax' })).toThrow(/REMOTE_JOB_TYPES must list registered job types or be \* \(unknown: send-fax/);
    expect(() => loadConfig({ ENGINE_REST_RATE_LIMIT: '0', ENGINE_REST_POLL_MS: '10' })).toThrow(/ENGINE_REST_RATE_LIMIT[\s\S]*ENGINE_REST_POLL_MS/);
    expect(loadConfig({ ENGINE_REST_RATE_LIMIT: '600', ENGINE_REST_POLL_MS: '250' })).toMatchObject({ engineRestRateLimit: 600, engineRestPollMs: 250 });
  });

  it('given ENGINE=zeebe, when read, then the broker addresses are required and taken; WORKERS_IN_APP=false leaves the handlers to worker processes', () => {
    expect(() => loadConfig({ ENGINE: 'zeebe' })).toThrow(/ZEEBE_GRPC_ADDRESS[\s\S]*ZEEBE_REST_ADDRESS/);
    expect(() => loadConfig({ ENGINE: 'zeebe', ZEEBE_GRPC_ADDRESS: 'camunda', ZEEBE_REST_ADDRESS: 'http://camunda:8080' })).toThrow(/grpc:\/\/camunda:26500 \(got "camunda"\)/);
    expect(() => loadConfig({ WORKERS_IN_APP: 'no' })).toThrow(/WORKERS_IN_APP must be true or false/);
    const c = loadConfig({ ENGINE: 'zeebe', ZEEBE_GRPC_ADDRESS: 'grpc://camunda:26500', ZEEBE_REST_ADDRESS: 'http://camunda:8080', WORKERS_IN_APP: 'false' });
    expect([c.engine, c.zeebe, c.workersInApp]).toEqual(['zeebe', { grpcAddress: 'grpc://camunda:26500', restAddress: 'http://camunda:8080' }, false]);
  });

  it('given the folders of the diagrams and decision tables, when read, then an existing folder is taken and a missing one stops start-up', () => {
    expect(loadConfig({ PROCESSES_DIR: 'processes', DECISIONS_DIR: 'decisions' })).toMatchObject({ processesDir: 'processes', decisionsDir: 'decisions' });
    expect(() => loadConfig({ DECISIONS_DIR: 'no-such-folder' })).toThrow(/DECISIONS_DIR must be an existing folder \(got "no-such-folder"\)/);
    expect(() => loadConfig({ PROCESSES_DIR: 'package.json' })).toThrow(/PROCESSES_DIR must be an existing folder/);
  });

  it('given a MySQL URL and a port, when read, then both are taken', () => {
    const config = loadConfig({ PORT: '8080', DB_URL: 'mysql://wz:secret@db:3306/wenzheng', LOG_LEVEL: 'warn' });
    expect([config.port, config.dbUrl, config.logLevel]).toEqual([8080, 'mysql://wz:secret@db:3306/wenzheng', 'warn']);
  });

  it('given production without an encryption key, or a key of the wrong length, when read, then start-up fails', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PII_KEY is required/);
    expect(() => loadConfig({ PII_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/32 bytes/);
    expect(loadConfig({ NODE_ENV: 'production', PII_KEY: KEY, SESSION_SECRET: SECRET }).piiKey).toBe(KEY);
  });

  it('given a PII_KEY of one repeated byte (32 zero bytes, or any byte 32 times), when read, then the configuration check refuses it, saying why, before anything opens the database', () => {
    for (const byte of [0, 7, 0xff]) {
      const key = Buffer.alloc(32, byte).toString('base64');
      let error: unknown;
      try {
        loadConfig({ PII_KEY: key });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual(['PII_KEY is a trivial key (every byte the same): give 32 random bytes as base64 (e.g. `openssl rand -base64 32`)']);
      // the message never shows the key
      expect((error as ConfigError).message).not.toContain(key);
    }
    // base64url, as the encryption accepts it, passes too
    const random = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256));
    expect(loadConfig({ PII_KEY: random.toString('base64url') }).piiKey).toBe(random.toString('base64url'));
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

describe('remote worker configuration (issue 19)', () => {
  const remote = { ENGINE_REST_URL: 'http://app:3000/engine-rest/', ENGINE_REST_USER: 'c0ffee', ENGINE_REST_PASSWORD: 'secret' };

  it('given the address and the credential, when loaded, then every job type is taken, with no database setting needed', () => {
    expect(loadRemoteWorkerConfig({ ...remote, LOG_LEVEL: 'warn' })).toEqual({
      engineRestUrl: 'http://app:3000/engine-rest',
      user: 'c0ffee',
      password: 'secret',
      topics: [...jobTypes],
      lockDurationMs: 60_000,
      maxTasks: 16,
      publicBaseUrl: 'http://localhost:3000',
      logLevel: 'warn',
    });
    expect(loadRemoteWorkerConfig({ ...remote, ENGINE_REST_TOPICS: 'notify, publish-reply,notify', JOB_TIMEOUT_SECONDS: '120' })).toMatchObject({ topics: ['notify', 'publish-reply'], lockDurationMs: 120_000 });
  });

  it('given missing or wrong settings, when loaded, then it fails at once naming each', () => {
    let error: unknown;
    try {
      loadRemoteWorkerConfig({ ENGINE_REST_URL: 'app:3000', ENGINE_REST_TOPICS: 'notify,sign-off', NODE_ENV: 'production', ENGINE_REST_MAX_TASKS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/ENGINE_REST_URL must be the app's http\(s\) address/);
    expect(problems).toMatch(/ENGINE_REST_USER is required .*\/admin\/remote-workers/);
    expect(problems).toMatch(/ENGINE_REST_PASSWORD is required/);
    expect(problems).toMatch(/ENGINE_REST_TOPICS names job types there are no handlers for: sign-off/);
    expect(problems).toMatch(/PUBLIC_BASE_URL is required when NODE_ENV=production/);
    expect(problems).toMatch(/ENGINE_REST_MAX_TASKS must be a whole number 1–100/);
  });
});
