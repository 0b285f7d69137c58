/**
 * The production stack's docker-compose.yml, checked by a real compose implementation (Debian's
 * docker-compose: `config` parses, interpolates and validates against the compose schema, no daemon
 * needed): it is valid, has its services and volumes, and its resolved configuration (the YAML
 * `docker-compose config` prints, parsed) is wired as the README says — Camunda engine-only, the app
 * and the workers pointed at it, the start order, the health checks, the required keys. Each wiring
 * check is shown to fail on a copy broken in that one place, and a copy broken against the schema is
 * refused. Without docker-compose the test is skipped with the reason (CI installs it and requires it).
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { promisify } from 'node:util';
import { projectRoot } from './app.js';

// js-yaml is in package-lock already (eslint's); it ships no types, so it is required and typed here
const { load: parseYaml } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

const COMPOSE = '/usr/bin/docker-compose';
const missing = existsSync(COMPOSE) ? undefined : `${COMPOSE} not found (install the Debian package docker-compose)`;
if (missing && process.env.CI) throw new Error(`the compose check needs docker-compose under CI: ${missing}`);
if (missing) process.stderr.write(`compose check skipped: ${missing}\n`);
const describeCompose = missing ? describe.skip : describe;

const file = join(projectRoot, 'docker-compose.yml');
const example = join(projectRoot, '.env.example');
/** every variable docker-compose.yml interpolates (`${NAME…}`) */
const interpolated = (text: string) => [...new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]))].sort();
const KEYS = { PII_KEY: 'cGlpLWtleS1vZi10aGUtY29tcG9zZS1jaGVjay0zMiE=', SESSION_SECRET: 'c2Vzc2lvbi1zZWNyZXQtb2YtdGhlLWNoZWNrLTMyIQ==' };

const run = promisify(execFile);
let work: string;
/**
 * docker-compose with exactly `vars` for interpolation: none of this machine's environment that the
 * file reads, and an empty env file instead of a developer's `.env` next to it.
 */
const compose = (path: string, vars: Record<string, string>, args: string[], envFile = join(work, 'empty.env')) => {
  const env: Record<string, string | undefined> = { ...process.env, COMPOSE_PROJECT_NAME: 'wenzheng-check' };
  for (const name of interpolated(readFileSync(file, 'utf8'))) delete env[name];
  return run(COMPOSE, ['--env-file', envFile, '-f', path, ...args], { cwd: projectRoot, env: { ...env, ...vars } });
};

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  expose?: string[];
  ports?: unknown[];
  volumes?: string[];
  restart?: string;
}
interface Resolved {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}
const resolve = async (path: string, vars: Record<string, string> = KEYS) => parseYaml((await compose(path, vars, ['config'])).stdout) as Resolved;

/** what the README promises about the stack, checked on the resolved configuration; [] when all holds */
function wiringProblems(config: Resolved): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };
  const { mysql, camunda, app, workers } = config.services;
  if (!mysql || !camunda || !app || !workers) return ['services mysql, camunda, app and workers are needed'];

  // Camunda 8.8, engine only
  const cenv = camunda.environment ?? {};
  check(/^camunda\/camunda:8\.8\.\d+$/.test(camunda.image ?? ''), `camunda runs a pinned 8.8 patch of camunda/camunda (got ${camunda.image})`);
  check(cenv.CAMUNDA_DATA_SECONDARYSTORAGE_TYPE === 'none', 'camunda runs without secondary storage (CAMUNDA_DATA_SECONDARYSTORAGE_TYPE=none)');
  const profiles = (cenv.SPRING_PROFILES_ACTIVE ?? '').split(',');
  check(profiles.includes('broker') && !profiles.includes('consolidated-auth'), 'camunda runs the broker profile without consolidated-auth (Basic authentication needs secondary storage)');
  check(cenv.CAMUNDA_SECURITY_AUTHENTICATION_UNPROTECTEDAPI === 'true', 'camunda serves its API unprotected (inside the compose network only)');
  const dataDir = cenv.CAMUNDA_DATA_PRIMARYSTORAGE_DIRECTORY ?? '/usr/local/camunda/data';
  check((camunda.volumes ?? []).some((v) => new RegExp(`^camunda-data:${dataDir}(:|$)`).test(v)), `the broker's data directory ${dataDir} is the named volume camunda-data`);
  const probe = (camunda.healthcheck?.test ?? []).join(' ');
  check(/9600/.test(probe) && /\/actuator\/health\/readiness/.test(probe), 'camunda is healthy when its readiness probe on the management port 9600 says so');
  check(!/\b(curl|wget)\b/.test(probe), 'the camunda health check uses no curl or wget (the image has neither)');
  const exposed = (camunda.expose ?? []).map(String);
  check((camunda.ports ?? []).length === 0, 'camunda publishes no port outside the compose network (its API is unprotected)');

  // the app and the workers: one image, the same settings, pointed at the camunda service
  for (const [name, s] of [['app', app], ['workers', workers]] as const) {
    const env = s.environment ?? {};
    check(env.ENGINE === 'zeebe', `${name} runs ENGINE=zeebe`);
    check(env.NODE_ENV === 'production', `${name} runs NODE_ENV=production`);
    for (const [variable, protocol, port] of [['ZEEBE_GRPC_ADDRESS', 'grpc:', '26500'], ['ZEEBE_REST_ADDRESS', 'http:', '8080']] as const) {
      const url = URL.canParse(env[variable] ?? '') ? new URL(env[variable]) : undefined;
      check(url?.protocol === protocol && url.hostname === 'camunda' && url.port === port && exposed.includes(port),
        `${name}: ${variable} is ${protocol}//camunda:${port}, a port the camunda service exposes (got ${env[variable]})`);
    }
    // plain gRPC is said by the grpc:// scheme (the SDK 8.8 deprecates CAMUNDA_SECURE_CONNECTION)
    check(env.CAMUNDA_AUTH_STRATEGY === 'NONE' && env.CAMUNDA_SECURE_CONNECTION === undefined, `${name} talks to camunda without authentication, TLS off by the grpc:// address`);
    check(URL.canParse(env.DB_URL ?? '') && new URL(env.DB_URL).hostname === 'mysql', `${name}: DB_URL points at the mysql service`);
    check(Boolean(env.PII_KEY) && Boolean(env.SESSION_SECRET), `${name} gets PII_KEY and SESSION_SECRET`);
    check(Boolean(s.restart) && s.restart !== 'no', `${name} is restarted`);
  }
  check(app.image !== undefined && app.image === workers.image, 'app and workers run the same image');
  const sorted = (env: Record<string, string> | undefined, without: string[] = []) =>
    JSON.stringify(Object.entries(env ?? {}).filter(([k]) => !without.includes(k)).sort(([a], [b]) => a.localeCompare(b)));
  check(sorted(app.environment, ['PORT', 'WORKERS_IN_APP']) === sorted(workers.environment) && 'PORT' in (app.environment ?? {}), 'workers have the app\'s settings minus PORT and WORKERS_IN_APP');
  check(app.environment?.WORKERS_IN_APP === 'false', 'the app leaves the job handlers to the workers (WORKERS_IN_APP=false)');
  check(JSON.stringify(workers.command) === JSON.stringify(['node', 'dist/bin/workers.js']), 'workers run node dist/bin/workers.js');
  check((workers.ports ?? []).length === 0, 'workers publish no port (so they scale)');
  check(workers.restart === 'unless-stopped', 'workers restart unless stopped');

  // start order: the database and the broker are healthy before the app, the app before the workers
  const waitsFor = (s: Service, other: string) => s.depends_on?.[other]?.condition === 'service_healthy';
  check(waitsFor(app, 'mysql') && waitsFor(app, 'camunda'), 'app waits for mysql and camunda to be healthy');
  check(waitsFor(workers, 'mysql') && waitsFor(workers, 'camunda') && waitsFor(workers, 'app'), 'workers wait for mysql, camunda and the app (migrations, deployments) to be healthy');

  // health: every service but the workers reports it (depends_on conditions rely on them)
  // (docker-compose resolves `disable: true` to the test ["NONE"])
  for (const [name, s] of Object.entries(config.services)) {
    const test = s.healthcheck?.test ?? [];
    const has = test.length > 0 && test[0] !== 'NONE' && !s.healthcheck?.disable;
    if (name === 'workers') check(!has, 'workers have no health check');
    else check(has, `${name} has a health check`);
  }

  // named volumes, each one used
  for (const volume of Object.keys(config.volumes ?? {})) {
    check(Object.values(config.services).some((s) => (s.volumes ?? []).some((v) => v.startsWith(`${volume}:`))), `volume ${volume} is used`);
  }
  return problems;
}

describeCompose('docker-compose.yml', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'wz-compose-'));
    writeFileSync(join(work, 'empty.env'), '');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('given the compose file and the keys, when docker-compose validates it, then it is valid with MySQL, Camunda, the app and the workers and their two data volumes', async () => {
    await compose(file, KEYS, ['config', '-q']);
    expect((await compose(file, KEYS, ['config', '--services'])).stdout.trim().split('\n').sort()).toEqual(['app', 'camunda', 'mysql', 'workers']);
    expect((await compose(file, KEYS, ['config', '--volumes'])).stdout.trim().split('\n').sort()).toEqual(['camunda-data', 'mysql-data']);
  });

  it('given the resolved configuration, when its wiring is checked, then Camunda is engine-only, the app and workers point at it, they start in order and report their health', async () => {
    const config = await resolve(file);
    expect(wiringProblems(config)).toEqual([]);
    // spot checks of what the wiring means, in the resolved values themselves
    expect(config.services.camunda.environment).toMatchObject({ CAMUNDA_DATA_SECONDARYSTORAGE_TYPE: 'none' });
    expect(config.services.workers.environment).toMatchObject({ ENGINE: 'zeebe', ZEEBE_GRPC_ADDRESS: 'grpc://camunda:26500', ZEEBE_REST_ADDRESS: 'http://camunda:8080', PII_KEY: KEYS.PII_KEY });
    expect(config.services.workers.depends_on).toMatchObject({ app: { condition: 'service_healthy' } });
  });

  // copies broken in one place each; resolved one after the other in the background while the
  // other tests run (docker-compose takes about a second of CPU a run)
  const mutations: [string, (t: string) => string, RegExp][] = [
    ['secondary storage on', (t) => t.replace('CAMUNDA_DATA_SECONDARYSTORAGE_TYPE: none', 'CAMUNDA_DATA_SECONDARYSTORAGE_TYPE: elasticsearch'), /without secondary storage/],
    ['the consolidated-auth profile', (t) => t.replace('SPRING_PROFILES_ACTIVE: broker,standalone', 'SPRING_PROFILES_ACTIVE: broker,consolidated-auth'), /consolidated-auth/],
    ['the gRPC address on the wrong port', (t) => t.replace('grpc://camunda:26500', 'grpc://camunda:26501'), /app: ZEEBE_GRPC_ADDRESS/],
    ['the REST address on another host', (t) => t.replace('http://camunda:8080', 'http://localhost:8080'), /workers: ZEEBE_REST_ADDRESS/],
    ['the embedded engine', (t) => t.replace('ENGINE: zeebe', 'ENGINE: embedded'), /app runs ENGINE=zeebe/],
    ['workers not waiting for a healthy app', (t) => t.replace(/( {6}app:\n {8}condition: )service_healthy/, '$1service_started'), /workers wait for mysql, camunda and the app/],
    ['the liveness probe instead of readiness', (t) => t.replace('GET /actuator/health/readiness', 'GET /actuator/health/liveness'), /readiness probe/],
    ['the broker data on an anonymous volume', (t) => t.replace('- camunda-data:/usr/local/camunda/data', '- /usr/local/camunda/data'), /data directory/],
    ['the job handlers in the app too', (t) => t.replace('WORKERS_IN_APP: "false"', 'WORKERS_IN_APP: "true"'), /WORKERS_IN_APP=false/],
    ['a port published for the workers', (t) => t.replace('command: ["node", "dist/bin/workers.js"]', 'command: ["node", "dist/bin/workers.js"]\n    ports: ["3001:3000"]'), /workers publish no port/],
    ['no health check on mysql', (t) => t.replace(/ {4}healthcheck:\n {6}test: \["CMD", "mysqladmin".*\n(?: {6}.*\n)*/, '    healthcheck:\n      disable: true\n'), /mysql has a health check/],
  ];
  let mutated: Map<string, Promise<{ changed: boolean; problems: string[] }>>;
  beforeAll(() => {
    const text = readFileSync(file, 'utf8');
    let previous: Promise<unknown> = Promise.resolve();
    mutated = new Map(mutations.map(([what, mutate]) => {
      const copy = mutate(text);
      const dir = mkdtempSync(join(work, 'copy-'));
      writeFileSync(join(dir, 'docker-compose.yml'), copy);
      const result = previous.then(() => resolve(join(dir, 'docker-compose.yml'))).then((c) => ({ changed: copy !== text, problems: wiringProblems(c) }));
      previous = result.catch(() => undefined); // a failed run fails its own test, not the next one
      return [what, result];
    }));
  });

  it.each(mutations)('given a copy with %s, when its wiring is checked, then the check says what is wrong', async (what, _mutate, problem) => {
    const { changed, problems } = await mutated.get(what)!;
    expect(changed).toBe(true);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('given no PII_KEY or no SESSION_SECRET, when validated, then docker-compose refuses with a message that says how to make one', async () => {
    await expect(compose(file, {}, ['config', '-q'])).rejects.toMatchObject({ stderr: expect.stringMatching(/PII_KEY is required \(32 random bytes, base64: openssl rand -base64 32\)/) });
    await expect(compose(file, { PII_KEY: KEYS.PII_KEY }, ['config', '-q'])).rejects.toMatchObject({ stderr: expect.stringMatching(/SESSION_SECRET is required .*openssl rand -base64 32/) });
    // an empty value counts as none: .env.example copied and not filled in
    await expect(compose(file, {}, ['config', '-q'], example)).rejects.toMatchObject({ stderr: expect.stringMatching(/PII_KEY is required/) });
  });

  it('given .env.example filled in, when used as the env file, then it names every variable the compose file reads and the stack resolves with it', async () => {
    const text = readFileSync(example, 'utf8');
    const named = [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]).sort();
    expect(named).toEqual(interpolated(readFileSync(file, 'utf8')));
    const filled = join(work, 'filled.env');
    writeFileSync(filled, text.replace(/^PII_KEY=$/m, `PII_KEY=${KEYS.PII_KEY}`).replace(/^SESSION_SECRET=$/m, `SESSION_SECRET=${KEYS.SESSION_SECRET}`));
    const config = parseYaml((await compose(file, {}, ['config'], filled)).stdout) as Resolved;
    expect(wiringProblems(config)).toEqual([]);
    expect(config.services.app.environment).toMatchObject({ PII_KEY: KEYS.PII_KEY, SESSION_SECRET: KEYS.SESSION_SECRET });
  });

  it('given the scenario suite’s broker file, when validated, then it is one engine-only Camunda with the controlled clock, gRPC and REST on localhost only', async () => {
    const scenarios = join(projectRoot, 'docker-compose.scenarios.yml');
    const config = await resolve(scenarios, {});
    expect(Object.keys(config.services)).toEqual(['camunda']);
    const camunda = config.services.camunda;
    expect(camunda.image).toBe((await resolve(file)).services.camunda.image);
    expect(camunda.environment).toMatchObject({ CAMUNDA_DATA_SECONDARYSTORAGE_TYPE: 'none', ZEEBE_CLOCK_CONTROLLED: 'true', SPRING_PROFILES_ACTIVE: 'broker,standalone' });
    // docker-compose 1.29 prints short syntax: host_ip:published:target/protocol
    expect(camunda.ports).toEqual(['127.0.0.1:26500:26500/tcp', '127.0.0.1:8080:8080/tcp']);
    expect(camunda.healthcheck?.test?.join(' ')).toContain('/actuator/health/readiness');
  });

  it('given a broken copy, when validated, then docker-compose refuses it', async () => {
    const dir = mkdtempSync(join(work, 'broken-'));
    const broken = join(dir, 'docker-compose.yml');
    writeFileSync(broken, readFileSync(file, 'utf8').replace('condition: service_healthy', 'condition: when_it_feels_like_it'));
    await expect(compose(broken, KEYS, ['config', '-q'])).rejects.toMatchObject({ stderr: expect.stringMatching(/condition/) });
  });
});

// issue 19: the embedded engine's stack, its workers remote over /engine-rest
const embeddedFile = join(projectRoot, 'docker-compose.embedded.yml');
const DB_SETTINGS = ['DB_URL', 'PII_KEY', 'SESSION_SECRET', 'ZEEBE_GRPC_ADDRESS', 'ZEEBE_REST_ADDRESS'];

/** what the README promises of the embedded stack; [] when all holds */
function embeddedProblems(config: Resolved): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };
  const { mysql, app, workers } = config.services;
  if (!mysql || !app || !workers) return ['services mysql, app and workers are needed'];
  check(!config.services.camunda, 'the embedded stack has no camunda service');
  const aenv = app.environment ?? {};
  const wenv = workers.environment ?? {};
  check(aenv.ENGINE === 'embedded' && aenv.WORKERS_IN_APP === 'false', 'the app runs the embedded engine and leaves the job handlers to the workers');
  check(URL.canParse(aenv.DB_URL ?? '') && new URL(aenv.DB_URL).hostname === 'mysql', 'the app: DB_URL points at the mysql service');
  check(wenv.ENGINE_REST_URL === 'http://app:3000/engine-rest', `workers: ENGINE_REST_URL is the app's /engine-rest (got ${wenv.ENGINE_REST_URL})`);
  check('ENGINE_REST_USER' in wenv && 'ENGINE_REST_PASSWORD' in wenv, 'workers get the credential (ENGINE_REST_USER, ENGINE_REST_PASSWORD)');
  const leaked = DB_SETTINGS.filter((k) => k in wenv);
  check(leaked.length === 0, `workers carry no database settings or keys (got ${leaked.join(', ')})`);
  check(app.image !== undefined && app.image === workers.image, 'app and workers run the same image');
  check(JSON.stringify(workers.command) === JSON.stringify(['node', 'dist/bin/workers.js']), 'workers run node dist/bin/workers.js');
  check((workers.ports ?? []).length === 0, 'workers publish no port (so they scale)');
  check(workers.depends_on?.app?.condition === 'service_healthy' && workers.depends_on?.mysql === undefined, 'workers wait for a healthy app, not for the database');
  return problems;
}

describe('docker-compose.embedded.yml (read as YAML)', () => {
  const text = readFileSync(embeddedFile, 'utf8');
  const raw = parseYaml(text) as Resolved;

  it('given the embedded stack, when its wiring is checked, then the workers run remote against the app with no database settings', () => {
    expect(embeddedProblems(raw)).toEqual([]);
    expect(raw.services.workers.environment).toMatchObject({ ENGINE_REST_URL: 'http://app:3000/engine-rest', ENGINE_REST_USER: '${ENGINE_REST_USER:-}', ENGINE_REST_PASSWORD: '${ENGINE_REST_PASSWORD:-}' });
    expect(raw.services.workers.environment).not.toHaveProperty('DB_URL');
  });

  it.each([
    ['a DB_URL for the workers', (t: string) => t.replace('      ENGINE_REST_URL: http://app:3000/engine-rest\n', '      ENGINE_REST_URL: http://app:3000/engine-rest\n      DB_URL: mysql://wenzheng:x@mysql:3306/wenzheng\n'), /no database settings or keys \(got DB_URL\)/],
    ['the workers pointed elsewhere', (t: string) => t.replace('http://app:3000/engine-rest', 'http://app:3000/api'), /ENGINE_REST_URL is the app's/],
    ['the handlers in the app too', (t: string) => t.replace('WORKERS_IN_APP: "false"', 'WORKERS_IN_APP: "true"'), /leaves the job handlers to the workers/],
  ])('given a copy with %s, when its wiring is checked, then the check says what is wrong', (_what, mutate, problem) => {
    const copy = mutate(text);
    expect(copy).not.toBe(text);
    expect(embeddedProblems(parseYaml(copy) as Resolved)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });

  it('given the Zeebe stack, when read, then its workers still have the database (the Zeebe variant is unchanged)', () => {
    const zeebe = parseYaml(readFileSync(file, 'utf8')) as Resolved;
    expect(zeebe.services.workers.environment ?? {}).not.toHaveProperty('ENGINE_REST_URL');
  });
});

describeCompose('docker-compose.embedded.yml (resolved by docker-compose)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wz-compose-embedded-'));
    writeFileSync(join(dir, 'empty.env'), '');
    work = dir;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('given the keys, when docker-compose resolves it, then it is valid and wired as the README says', async () => {
    const config = await resolve(embeddedFile);
    expect(Object.keys(config.services).sort()).toEqual(['app', 'mysql', 'workers']);
    expect(embeddedProblems(config)).toEqual([]);
    expect(config.services.workers.environment).not.toHaveProperty('DB_URL');
  });
});
