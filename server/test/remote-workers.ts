/**
 * Issue 19 in the test harnesses: SCENARIO_REMOTE_WORKERS=N runs the same tests with the app's
 * engine holding no job handlers and N remote worker processes' runners — what `npm run workers`
 * starts with ENGINE_REST_URL (bin/remote-workers.ts startRemoteWorkerProcess: camunda-external-task-client-js
 * against the app's /engine-rest, the same handlers, their data through the worker services, no
 * database) — taking every job. The app listens on a local port; one credential scoped to every job
 * type; the runners read the test's fake clock. `settle()` waits until nothing is due or locked.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { startRemoteWorkerProcess, type RunningRemoteWorkerProcess } from '../../bin/remote-workers.js';
import type { FakeClock } from '../../engine/clock.js';
import type { EnginePort } from '../../engine/port.js';
import { jobTypes } from '../../workers/registry.js';
import type { StaffRecord } from '../data/staff-repository.js';
import { createLogger } from '../logger.js';
import type { RemoteWorkerService } from '../services/remote-worker-service.js';
import { settleJobs, type WorkerEngines } from './worker-engines.js';

/** how many remote worker runners do the jobs (SCENARIO_REMOTE_WORKERS; 0: none) */
export function remoteWorkersWanted(): number {
  const n = Number(process.env.SCENARIO_REMOTE_WORKERS ?? 0);
  if (!Number.isInteger(n) || n < 0) throw new Error(`SCENARIO_REMOTE_WORKERS must be a whole number (got "${process.env.SCENARIO_REMOTE_WORKERS}")`);
  return n;
}

export interface RemoteWorkerSet extends Omit<WorkerEngines, 'workers'> {
  runners: RunningRemoteWorkerProcess[];
  /** the app's /engine-rest address */
  baseUrl: string;
}

export async function startRemoteWorkerSet(options: {
  count: number;
  /** the app (createApp): it serves /engine-rest and the worker services */
  app: Express;
  clock: FakeClock;
  /** the app's engine: reads the jobs, and its idle() fires what is due (timers, message expiry) */
  engine: EnginePort;
  appIdle(): Promise<void>;
  timeout?: number;
}): Promise<RemoteWorkerSet> {
  const { count, app, clock, engine, appIdle, timeout = 60_000 } = options;
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`;
  // the harness's own credential, as an admin would make it (no admin signs in to a scenario)
  const service = app.locals.remoteWorkers as RemoteWorkerService;
  const { credential, secret } = await service.create({ id: 'system' } as StaffRecord, { name: '场景测试远程作业', topics: [...jobTypes] });
  const env = {
    ENGINE_REST_URL: baseUrl,
    ENGINE_REST_USER: credential.id,
    ENGINE_REST_PASSWORD: secret,
    PUBLIC_BASE_URL: 'https://wz.longnan.example',
    LOG_LEVEL: 'silent',
  };
  const log = createLogger('silent');
  const runners = Array.from({ length: count }, () => startRemoteWorkerProcess(env, log, { clock, asyncResponseTimeout: 1_000 }));
  return {
    runners,
    baseUrl,
    settle: () => settleJobs({ app: engine, appIdle, clock, timeout, who: 'the remote workers' }),
    async close() {
      await Promise.all(runners.map((r) => r.stop()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
