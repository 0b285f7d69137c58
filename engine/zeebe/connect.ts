/**
 * The SDK's clients for the Zeebe adapter, configured by the SDK itself from its environment
 * variables (ZEEBE_GRPC_ADDRESS, ZEEBE_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY, CAMUNDA_* — see the
 * README's configuration table). Loaded only when ENGINE=zeebe: the embedded default never loads
 * the SDK.
 */
import type { ZeebeRestApi } from './listener-worker.js';
import type { ZeebeGrpcApi } from './sdk-boundary.js';
import { wrapGrpcClient, wrapRestClient } from './sdk-client.js';

export interface ConnectLogger {
  debug(o: object, msg?: string): void;
  info(o: object, msg?: string): void;
  warn(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

export async function connectZeebe(log?: ConnectLogger, env: NodeJS.ProcessEnv = process.env): Promise<{ grpc: ZeebeGrpcApi; rest: ZeebeRestApi }> {
  const { Camunda8 } = await import('@camunda8/sdk');
  // the SDK logs through the app's logger (it would bring winston otherwise); its gRPC client's
  // own connection messages stay at ERROR unless ZEEBE_CLIENT_LOG_LEVEL says otherwise
  const meta = (args: unknown[]) => (args.length ? { sdk: args.map((a) => (a instanceof Error ? a.message : a)) } : {});
  const logger = log && {
    info: (m: string | undefined, ...a: unknown[]) => log.debug(meta(a), m),
    debug: (m: string | undefined, ...a: unknown[]) => log.debug(meta(a), m),
    trace: (m: string | undefined, ...a: unknown[]) => log.debug(meta(a), m),
    warn: (m: string | undefined, ...a: unknown[]) => log.warn(meta(a), m),
    error: (m: string | undefined, ...a: unknown[]) => log.error(meta(a), m),
  };
  const level = (env.ZEEBE_CLIENT_LOG_LEVEL ?? 'ERROR') as 'NONE' | 'DEBUG' | 'INFO' | 'ERROR';
  const c8 = new Camunda8({ ...(logger && { logger }), zeebeGrpcSettings: { ZEEBE_CLIENT_LOG_LEVEL: level } });
  const line = (s: string) => {
    try {
      return JSON.parse(s) as { message?: string };
    } catch {
      return { message: s };
    }
  };
  // every worker repeats the same connection error many times a second while the broker is away:
  // each message is logged once per 30 s, with how many were left out
  const seen = new Map<string, { at: number; left: number }>();
  const once = (message: string | undefined) => {
    const key = String(message ?? '').slice(0, 120);
    const now = Date.now();
    const s = seen.get(key);
    if (s && now - s.at < 30_000) {
      s.left++;
      return undefined;
    }
    if (seen.size > 200) seen.clear();
    seen.set(key, { at: now, left: 0 });
    return { sdk: message, ...(s?.left && { repeated: s.left }) };
  };
  const stdout = log && {
    debug: (s: string) => log.debug({ sdk: line(s).message }, 'zeebe worker'),
    info: (s: string) => log.debug({ sdk: line(s).message }, 'zeebe worker'),
    error: (s: string) => {
      const entry = once(line(s).message);
      if (entry) log.warn(entry, 'zeebe worker');
    },
  };
  const camunda = c8.getOrchestrationClusterApiClient();
  // the REST client logs to the console unless given a transport: into the app's logger instead
  if (log) {
    camunda.logger().setTransport((e) => {
      const entry = { sdk: e.scope, ...(e.code && { code: e.code }), detail: e.args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a)?.slice(0, 500))).join(' ').slice(0, 1000) };
      if (e.level !== 'error' && e.level !== 'warn') return log.debug(entry, 'camunda rest client');
      const throttled = once(`${entry.sdk} ${entry.detail}`);
      if (throttled) log.warn({ ...entry, ...(throttled.repeated && { repeated: throttled.repeated }) }, 'camunda rest client');
    });
  }
  return { grpc: wrapGrpcClient(c8.getZeebeGrpcApiClient(), { ...(stdout && { stdout }) }), rest: wrapRestClient(camunda) };
}
