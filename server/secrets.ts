/**
 * The key that encrypts petitioners' identity. Production passes PII_KEY (config refuses to start
 * without it); a developer's `npm start` gets one made once and kept beside the SQLite file, so that
 * the demo data stays readable across restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

export function resolvePiiKey(config: Config, log: Logger, file = 'data/pii.key'): string {
  return config.piiKey ?? developmentKey(file, 'PII_KEY', log);
}

/** the key that signs CSRF tokens and portal challenges (SESSION_SECRET; made once into data/session.key outside production) */
export function resolveSessionSecret(config: Config, log: Logger, file = 'data/session.key'): string {
  return config.sessionSecret ?? developmentKey(file, 'SESSION_SECRET', log);
}

function developmentKey(file: string, variable: string, log: Logger): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  log.warn({ file }, `${variable} is not set: made a development key; set ${variable} in production`);
  return key;
}
