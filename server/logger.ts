import { pino, type Logger } from 'pino';

export type { Logger };

/** the app's one logger; passed down, never imported as a global. Never log a petitioner's identity. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'wenzheng' }, redact: { paths: ['*.phone', '*.petitionerName', '*.petitionerPhone'], censor: '[已隐藏]' } });
}
