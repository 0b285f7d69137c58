/**
 * The SDK's clients for the Zeebe adapter, configured by the SDK itself from its environment
 * variables (ZEEBE_GRPC_ADDRESS, ZEEBE_REST_ADDRESS, CAMUNDA_AUTH_STRATEGY, CAMUNDA_* — see the
 * README's configuration table). Loaded only when ENGINE=zeebe: the embedded default never loads
 * the SDK.
 */
import type { ZeebeRestApi } from './listener-worker.js';
import type { ZeebeGrpcApi } from './sdk-boundary.js';
import { wrapGrpcClient, wrapRestClient } from './sdk-client.js';

export async function connectZeebe(): Promise<{ grpc: ZeebeGrpcApi; rest: ZeebeRestApi }> {
  const { Camunda8 } = await import('@camunda8/sdk');
  const c8 = new Camunda8();
  return { grpc: wrapGrpcClient(c8.getZeebeGrpcApiClient()), rest: wrapRestClient(c8.getOrchestrationClusterApiClient()) };
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
