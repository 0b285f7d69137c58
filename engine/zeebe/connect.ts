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
  const stdout = log && {
    debug: (s: string) => log.debug({ sdk: line(s).message }, 'zeebe worker'),
    info: (s: string) => log.debug({ sdk: line(s).message }, 'zeebe worker'),
    error: (s: string) => log.warn({ sdk: line(s).message }, 'zeebe worker'),
  };
  return { grpc: wrapGrpcClient(c8.getZeebeGrpcApiClient(), { ...(stdout && { stdout }) }), rest: wrapRestClient(c8.getOrchestrationClusterApiClient()) };
}

/** whether a TCP connection to host:port opens within `timeoutMs` (the scenario suite's broker check) */
export async function reachable(address: string, timeoutMs = 2_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const { connect } = await import('node:net');
  const m = /^(?:grpcs?:\/\/)?([^:/]+):(\d+)/.exec(address);
  if (!m) return { ok: false, reason: `ZEEBE_GRPC_ADDRESS "${address}" is not host:port` };
  return new Promise((resolve) => {
    const socket = connect({ host: m[1], port: Number(m[2]) });
    const done = (r: { ok: true } | { ok: false; reason: string }) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, reason: `no broker answered at ${address} within ${timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (err) => done({ ok: false, reason: `no broker at ${address}: ${err.message}` }));
  });
}
