/**
 * `npm run workers` with ENGINE_REST_URL (bin/workers.ts; issue 19): no database, the same handlers
 * as Camunda 7 external-task workers against the app's /engine-rest with a remote worker's credential,
 * their stores reached through the app's worker services. It loads none of the app's database code.
 */
import type { Clock } from '../engine/clock.js';
import { loadRemoteWorkerConfig } from '../server/config.js';
import { createLogger, type Logger } from '../server/logger.js';
import { createWorkers, type JobType } from '../workers/registry.js';
import { remoteCompletion, remoteDepsFactory } from '../workers/remote/remote-deps.js';
import { startRemoteWorkers } from '../workers/remote/external-task-runner.js';

export interface RunningRemoteWorkerProcess {
  workerId: string;
  types: string[];
  stop(): Promise<void>;
}

/**
 * `npm run workers` with ENGINE_REST_URL: the handlers of ENGINE_REST_TOPICS (default all) as remote
 * workers; `clock`: the time the handlers read (the runner's own, not the app's).
 */
export function startRemoteWorkerProcess(env: NodeJS.ProcessEnv = process.env, log?: Logger, options: { clock?: Clock; asyncResponseTimeout?: number } = {}): RunningRemoteWorkerProcess {
  const config = loadRemoteWorkerConfig(env);
  const logger = log ?? createLogger(config.logLevel);
  const workerLog = logger.child({ part: 'workers' });
  const depsFor = remoteDepsFactory({
    baseUrl: config.engineRestUrl,
    user: config.user,
    password: config.password,
    publicBaseUrl: config.publicBaseUrl,
    logger: workerLog,
    ...(options.clock && { clock: options.clock }),
  });
  const running = startRemoteWorkers({
    baseUrl: config.engineRestUrl,
    user: config.user,
    password: config.password,
    types: config.topics,
    // the deps carry the job's id: the app serves a store call only for the job it belongs to
    handlerFor: (task) => createWorkers(depsFor(String(task.id)))[task.topicName as JobType],
    // the handlers' completion writes commit with the completion in the app, as the app's own workers' do
    completeWithWrites: remoteCompletion({ baseUrl: config.engineRestUrl, user: config.user, password: config.password }),
    logger: workerLog,
    maxTasks: config.maxTasks,
    lockDuration: config.lockDurationMs,
    ...(options.asyncResponseTimeout !== undefined && { asyncResponseTimeout: options.asyncResponseTimeout }),
  });
  logger.info({ engineRest: config.engineRestUrl, types: running.types.length }, '作业处理进程已启动(远程)');
  return running;
}
