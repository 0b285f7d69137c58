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
  if (problems.length) throw new ConfigError(problems);
  return { port, dbUrl, engine, logLevel, processesDir };
}
