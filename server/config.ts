/**
 * The one place that reads configuration: environment variables, validated once at start-up,
 * typed, failing fast with every problem listed. Documented in README.md ("Configuration").
 */
export type EngineKind = 'embedded';

export interface Config {
  /** HTTP port (PORT, default 3000) */
  port: number;
  /** database URL (DB_URL): sqlite:<file> (default sqlite:data/wenzheng.sqlite) or mysql://user:pass@host:3306/db */
  dbUrl: string;
  /** process engine (ENGINE, default embedded) */
  engine: EngineKind;
  /** log level (LOG_LEVEL: fatal|error|warn|info|debug|trace|silent; default info, silent under test) */
  logLevel: string;
  /** folder of the BPMN diagrams deployed at start (PROCESSES_DIR, default processes) */
  processesDir: string;
  /**
   * key that encrypts petitioners' names and phones (PII_KEY: 32 bytes, base64). Required when
   * NODE_ENV=production; elsewhere a key is made once and kept in data/pii.key.
   */
  piiKey?: string;
  /** the portal's public address, for the evaluation link in SMS (PUBLIC_BASE_URL, default http://localhost:PORT) */
  publicBaseUrl: string;
  production: boolean;
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
  if (engine !== 'embedded') problems.push(`ENGINE must be "embedded" (got "${env.ENGINE}")`);
  const logLevel = env.LOG_LEVEL ?? (env.NODE_ENV === 'test' || env.JEST_WORKER_ID ? 'silent' : 'info');
  if (!LEVELS.has(logLevel)) problems.push(`LOG_LEVEL must be one of ${[...LEVELS].join(', ')} (got "${logLevel}")`);
  const processesDir = env.PROCESSES_DIR ?? 'processes';
  const production = env.NODE_ENV === 'production';
  const piiKey = env.PII_KEY;
  if (piiKey !== undefined && Buffer.from(piiKey, 'base64').length !== 32) problems.push('PII_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
  if (piiKey === undefined && production) problems.push('PII_KEY is required when NODE_ENV=production (32 bytes, base64)');
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://localhost:${Number.isInteger(port) ? port : 3000}`;
  if (!/^https?:\/\/[^\s]+$/.test(publicBaseUrl)) problems.push(`PUBLIC_BASE_URL must be an http(s) address (got "${publicBaseUrl}")`);
  if (problems.length) throw new ConfigError(problems);
  return { port, dbUrl, engine, logLevel, processesDir, ...(piiKey !== undefined && { piiKey }), publicBaseUrl, production };
}
