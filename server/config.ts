/**
 * The one place that reads configuration: environment variables, validated once at start-up,
 * typed, failing fast with every problem listed. Documented in README.md ("Configuration").
 */
import { statSync } from 'node:fs';
import { IdentityKeyError, parseIdentityKey } from './domain/identity-crypto.js';
import { jobTypes as allJobTypes } from '../workers/registry.js';

export type EngineKind = 'embedded' | 'zeebe';

export interface Config {
  /** HTTP port (PORT, default 3000) */
  port: number;
  /** database URL (DB_URL): sqlite:<file> (default sqlite:data/wenzheng.sqlite) or mysql://user:pass@host:3306/db */
  dbUrl: string;
  /** process engine (ENGINE: embedded, the default, or zeebe) */
  engine: EngineKind;
  /**
   * with ENGINE=zeebe: the broker's gRPC and REST addresses (ZEEBE_GRPC_ADDRESS, e.g.
   * grpc://camunda:26500; ZEEBE_REST_ADDRESS, e.g. http://camunda:8080). The SDK reads these and
   * its CAMUNDA_* variables (CAMUNDA_AUTH_STRATEGY, CAMUNDA_CLIENT_ID, …) itself; they are checked here.
   */
  zeebe?: { grpcAddress: string; restAddress: string };
  /** run the job handlers in the app process too (WORKERS_IN_APP, default true; false when `npm run workers` processes run them) */
  workersInApp: boolean;
  /** seconds a job stays with the worker that took it before another may take it (JOB_TIMEOUT_SECONDS, default 60): how long a crashed worker's jobs wait */
  jobTimeoutSeconds: number;
  /** ms between two looks for jobs another process made (JOB_POLL_MS, default 1000; embedded engine): what a job waits at most when its worker runs elsewhere */
  jobPollMs: number;
  /** ms between two runs of the notification outbox's dispatcher (OUTBOX_POLL_MS, default 5000): what an SMS waits at most after its case moved */
  outboxPollMs: number;
  /** log level (LOG_LEVEL: fatal|error|warn|info|debug|trace|silent; default info, silent under test) */
  logLevel: string;
  /** folder of the BPMN diagrams deployed at start (PROCESSES_DIR, default processes) */
  processesDir: string;
  /** folder of the DMN decision tables deployed at start beside the diagrams (DECISIONS_DIR, default decisions; a missing default folder deploys none) */
  decisionsDir: string;
  /**
   * key that encrypts petitioners' names and phones (PII_KEY: 32 bytes, base64). Required when
   * NODE_ENV=production; elsewhere a key is made once and kept in data/pii.key.
   */
  piiKey?: string;
  /** the portal's public address, for the evaluation link in SMS (PUBLIC_BASE_URL, default http://localhost:PORT) */
  publicBaseUrl: string;
  /**
   * key that signs CSRF tokens and the portal's challenge (SESSION_SECRET: at least 32 bytes, base64).
   * Required when NODE_ENV=production; elsewhere made once into data/session.key.
   */
  sessionSecret?: string;
  /** staff sessions end after this many hours (SESSION_TTL_HOURS, default 12) or 2 hours without a request */
  sessionTtlHours: number;
  /** largest upload, in MB (UPLOAD_MAX_MB, default 10) */
  uploadMaxMb: number;
  /** portal requests (submit, track, rate) per IP per 10 minutes (PORTAL_RATE_LIMIT, default 30) */
  portalRateLimit: number;
  /** sign-in attempts per IP per 15 minutes (LOGIN_RATE_LIMIT, default 20; accounts also lock after 5 failures) */
  loginRateLimit: number;
  /** API keys of the third-party intake apps allowed to submit through Open311 (OPEN311_API_KEYS, comma-separated; none: Open311 submission is off) */
  open311ApiKeys: string[];
  /** the app runs behind this many reverse proxies (TRUST_PROXY, default 0): client IPs for rate limits come from X-Forwarded-For */
  trustProxy: number;
  /** /engine-rest calls (Camunda 7 external tasks, issue 19) per remote-worker credential per minute (ENGINE_REST_RATE_LIMIT, default 12000) */
  engineRestRateLimit: number;
  /** ms between a long poll's looks for jobs another process made (ENGINE_REST_POLL_MS, default 500): what a remote worker's fetch waits at most for such a job */
  engineRestPollMs: number;
  /**
   * job types the app (and `npm run workers`) leave to remote workers on /engine-rest (REMOTE_JOB_TYPES:
   * comma-separated job types, or `*` for all; default none). Each must be a registered job type.
   */
  remoteJobTypes: string[];
  production: boolean;
}

/** a whole-number setting in [min, max], its default when unset; a bad value is a problem named */
function wholeNumber(env: NodeJS.ProcessEnv, problems: string[]) {
  return (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    const v = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(v) || v < min || v > max) {
      problems.push(`${name} must be a whole number ${min}–${max} (got "${raw}")`);
      return fallback;
    }
    return v;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a port number 0–65535 (got "${env.PORT}")`);
  const dbUrl = env.DB_URL ?? 'sqlite:data/wenzheng.sqlite';
  if (!/^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/.test(dbUrl)) problems.push('DB_URL must be sqlite:<file> or mysql://user:password@host:port/database');
  const engine = (env.ENGINE ?? 'embedded') as EngineKind;
  if (engine !== 'embedded' && engine !== 'zeebe') problems.push(`ENGINE must be "embedded" or "zeebe" (got "${env.ENGINE}")`);
  let zeebe: Config['zeebe'];
  if (engine === 'zeebe') {
    const grpcAddress = env.ZEEBE_GRPC_ADDRESS ?? '';
    const restAddress = env.ZEEBE_REST_ADDRESS ?? '';
    if (!/^(grpcs?:\/\/)?[\w.-]+:\d{1,5}$/.test(grpcAddress)) problems.push(`ENGINE=zeebe needs ZEEBE_GRPC_ADDRESS, the broker's gRPC address such as grpc://camunda:26500 (got "${grpcAddress}")`);
    if (!/^https?:\/\/[^\s]+$/.test(restAddress)) problems.push(`ENGINE=zeebe needs ZEEBE_REST_ADDRESS, the REST address such as http://camunda:8080 (got "${restAddress}")`);
    zeebe = { grpcAddress, restAddress };
  }
  const workersInAppRaw = env.WORKERS_IN_APP ?? 'true';
  if (workersInAppRaw !== 'true' && workersInAppRaw !== 'false') problems.push(`WORKERS_IN_APP must be true or false (got "${workersInAppRaw}")`);
  const workersInApp = workersInAppRaw !== 'false';
  const logLevel = env.LOG_LEVEL ?? (env.NODE_ENV === 'test' || env.JEST_WORKER_ID ? 'silent' : 'info');
  if (!LEVELS.has(logLevel)) problems.push(`LOG_LEVEL must be one of ${[...LEVELS].join(', ')} (got "${logLevel}")`);
  // a folder named in the environment must be there: a typo would otherwise start without the diagrams or tables
  const folder = (name: string, fallback: string): string => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    let isDir = false;
    try {
      isDir = statSync(raw).isDirectory();
    } catch {
      // missing or unreadable: said below
    }
    if (!isDir) problems.push(`${name} must be an existing folder (got "${raw}")`);
    return raw;
  };
  const processesDir = folder('PROCESSES_DIR', 'processes');
  const decisionsDir = folder('DECISIONS_DIR', 'decisions');
  const production = env.NODE_ENV === 'production';
  const piiKey = env.PII_KEY;
  if (piiKey !== undefined) {
    // the encryption's own check (length, base64, not one repeated byte), here so that a bad key stops
    // start-up with this message before the database is opened or migrated
    try {
      parseIdentityKey(piiKey, 'PII_KEY');
    } catch (err) {
      if (!(err instanceof IdentityKeyError)) throw err;
      problems.push(err.message);
    }
  }
  if (piiKey === undefined && production) problems.push('PII_KEY is required when NODE_ENV=production (32 bytes, base64)');
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${Number.isInteger(port) ? port : 3000}`;
  if (!/^https?:\/\/[^\s]+$/.test(publicBaseUrl)) problems.push(`PUBLIC_BASE_URL must be an http(s) address (got "${publicBaseUrl}")`);
  const sessionSecret = env.SESSION_SECRET;
  if (sessionSecret !== undefined && Buffer.from(sessionSecret, 'base64').length < 32) problems.push('SESSION_SECRET must be at least 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  if (sessionSecret === undefined && production) problems.push('SESSION_SECRET is required when NODE_ENV=production (32 bytes, base64)');
  const int = wholeNumber(env, problems);
  const sessionTtlHours = int('SESSION_TTL_HOURS', 12, 1, 24 * 30);
  const uploadMaxMb = int('UPLOAD_MAX_MB', 10, 1, 100);
  const jobTimeoutSeconds = int('JOB_TIMEOUT_SECONDS', 60, 1, 3600);
  const jobPollMs = int('JOB_POLL_MS', 1000, 50, 60_000);
  const outboxPollMs = int('OUTBOX_POLL_MS', 5000, 50, 600_000);
  const portalRateLimit = int('PORTAL_RATE_LIMIT', 30, 1, 100_000);
  const loginRateLimit = int('LOGIN_RATE_LIMIT', 20, 1, 100_000);
  const trustProxy = int('TRUST_PROXY', 0, 0, 10);
  const open311ApiKeys = (env.OPEN311_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (open311ApiKeys.some((k) => !/^[A-Za-z0-9_-]{16,128}$/.test(k))) problems.push('OPEN311_API_KEYS must be comma-separated keys of 16–128 letters, digits, - or _');
  const engineRestRateLimit = int('ENGINE_REST_RATE_LIMIT', 12_000, 1, 1_000_000);
  const engineRestPollMs = int('ENGINE_REST_POLL_MS', 500, 50, 60_000);
  const remoteRaw = (env.REMOTE_JOB_TYPES ?? '').trim();
  const remoteJobTypes = remoteRaw === '*' ? [...allJobTypes] : [...new Set(remoteRaw.split(',').map((t) => t.trim()).filter(Boolean))];
  const unknownTypes = remoteJobTypes.filter((t) => !(allJobTypes as readonly string[]).includes(t));
  if (unknownTypes.length) problems.push(`REMOTE_JOB_TYPES must list registered job types or be * (unknown: ${unknownTypes.join(', ')}; known: ${allJobTypes.join(', ')})`);
  if (problems.length) throw new ConfigError(problems);
  return {
    port,
    dbUrl,
    engine,
    ...(zeebe && { zeebe }),
    workersInApp,
    jobTimeoutSeconds,
    jobPollMs,
    outboxPollMs,
    logLevel,
    processesDir,
    decisionsDir,
    ...(piiKey !== undefined && { piiKey }),
    publicBaseUrl,
    ...(sessionSecret !== undefined && { sessionSecret }),
    sessionTtlHours,
    uploadMaxMb,
    portalRateLimit,
    loginRateLimit,
    open311ApiKeys,
    trustProxy,
    engineRestRateLimit,
    engineRestPollMs,
    remoteJobTypes,
    production,
  };
}

/**
 * `npm run workers` as a remote worker (issue 19: ENGINE_REST_URL set): the job handlers against the
 * app's `/engine-rest` over Camunda 7's external-task protocol, with a remote worker's credential
 * (an admin makes it at /admin/remote-workers) and no database at all.
 */
export interface RemoteWorkerConfig {
  /** the app's external-task REST address (ENGINE_REST_URL, e.g. http://app:3000/engine-rest) */
  engineRestUrl: string;
  /** the credential (ENGINE_REST_USER: its id; ENGINE_REST_PASSWORD: its secret) */
  user: string;
  password: string;
  /** the job types to take (ENGINE_REST_TOPICS, comma-separated; default every job type) */
  topics: string[];
  /** ms a fetched job stays locked (JOB_TIMEOUT_SECONDS × 1000, default 60 s): how long a crashed worker's jobs wait */
  lockDurationMs: number;
  /** jobs fetched and held at once (ENGINE_REST_MAX_TASKS, default 16) */
  maxTasks: number;
  /** the portal's public address, for the evaluation link in SMS (PUBLIC_BASE_URL; required when NODE_ENV=production) */
  publicBaseUrl: string;
  logLevel: string;
}

export function loadRemoteWorkerConfig(env: NodeJS.ProcessEnv = process.env, jobTypes: readonly string[] = allJobTypes): RemoteWorkerConfig {
  const problems: string[] = [];
  const engineRestUrl = (env.ENGINE_REST_URL ?? '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(engineRestUrl)) problems.push(`ENGINE_REST_URL must be the app's http(s) address of /engine-rest, such as http://app:3000/engine-rest (got "${env.ENGINE_REST_URL ?? ''}")`);
  const user = (env.ENGINE_REST_USER ?? '').trim();
  if (!user) problems.push('ENGINE_REST_USER is required with ENGINE_REST_URL: the id of a remote worker credential (an admin creates one at /admin/remote-workers)');
  const password = env.ENGINE_REST_PASSWORD ?? '';
  if (!password) problems.push("ENGINE_REST_PASSWORD is required with ENGINE_REST_URL: the credential's secret, shown once when it was created");
  const rawTopics = (env.ENGINE_REST_TOPICS ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = rawTopics.filter((t) => !jobTypes.includes(t));
  if (unknown.length) problems.push(`ENGINE_REST_TOPICS names job types there are no handlers for: ${unknown.join(', ')} (known: ${jobTypes.join(', ')})`);
  const topics = rawTopics.length ? [...new Set(rawTopics)] : [...jobTypes];
  const production = env.NODE_ENV === 'production';
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? (production ? '' : 'http://localhost:3000');
  if (!/^https?:\/\/[^\s]+$/.test(publicBaseUrl)) problems.push(production && !env.PUBLIC_BASE_URL ? 'PUBLIC_BASE_URL is required when NODE_ENV=production (the evaluation link in SMS)' : `PUBLIC_BASE_URL must be an http(s) address (got "${publicBaseUrl}")`);
  const logLevel = env.LOG_LEVEL ?? (env.NODE_ENV === 'test' || env.JEST_WORKER_ID ? 'silent' : 'info');
  if (!LEVELS.has(logLevel)) problems.push(`LOG_LEVEL must be one of ${[...LEVELS].join(', ')} (got "${logLevel}")`);
  const int = wholeNumber(env, problems);
  const lockDurationMs = int('JOB_TIMEOUT_SECONDS', 60, 1, 3600) * 1000;
  const maxTasks = int('ENGINE_REST_MAX_TASKS', 16, 1, 100);
  if (problems.length) throw new ConfigError(problems);
  return { engineRestUrl, user, password, topics, lockDurationMs, maxTasks, publicBaseUrl, logLevel };
}
