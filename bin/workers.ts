/**
 * `npm run workers`: every registered job handler against the configured engine, in a process of
 * its own, so production runs N of them beside the app (docker compose: `--scale workers=N`).
 * ENGINE=zeebe: gRPC job workers — Zeebe spreads each type's jobs over all worker processes.
 * ENGINE=embedded: the jobs in the shared database, locked per job (timers and messages stay with
 * the app). The app migrates the database and deploys the diagrams; start it first.
 * Stops on SIGINT / SIGTERM after the jobs in hand are finished.
 *
 * With ENGINE_REST_URL (issue 19) it runs remote instead: no database, the same handlers as Camunda 7
 * external-task workers against the app's /engine-rest with a remote worker's credential
 * (ENGINE_REST_USER / ENGINE_REST_PASSWORD), their stores reached through the app's worker services.
 */
import { pathToFileURL } from 'node:url';
import { createDatabase } from '../engine/embedded/store/database.js';
import type { Clock } from '../engine/clock.js';
import type { EnginePort } from '../engine/port.js';
import { ConfigError, loadConfig, loadRemoteWorkerConfig } from '../server/config.js';
import { createJobHandlers, migrationsFor, openConfiguredEngine } from '../server/engine-setup.js';
import { createLogger, type Logger } from '../server/logger.js';
import { resolvePiiKey } from '../server/secrets.js';
import { createPetitionsRepository } from '../server/data/petitions-repository.js';
import { createTaskEvents } from '../server/services/task-events.js';
import { createWorkQueueProjector } from '../server/services/queue-service.js';
import { createWorkItemsRepository } from '../server/data/work-items-repository.js';
import { createWorkers, workerOptions, type JobType } from '../workers/registry.js';
import { remoteCompletion, remoteDepsFactory } from '../workers/remote/remote-deps.js';
import { startRemoteWorkers } from '../workers/remote/external-task-runner.js';

export interface RunningWorkers {
  engine: EnginePort;
  types: string[];
  stop(): Promise<void>;
}

/**
 * `clock`: the time the engine and the handlers read (tests pass their fake clock; an embedded
 * engine's job loop also wakes when it jumps).
 */
export async function startWorkers(env: NodeJS.ProcessEnv = process.env, log?: Logger, options: { clock?: Clock } = {}): Promise<RunningWorkers> {
  const { clock } = options;
  const config = loadConfig(env);
  const logger = log ?? createLogger(config.logLevel);
  const db = await createDatabase({ url: config.dbUrl, migrations: migrationsFor(config) });
  // nothing to do when the app has migrated already; a worker started alone still finds its tables
  await db.migrate();
  const engine = await openConfiguredEngine(config, { db, log: logger, role: 'workers', clock });
  const key = resolvePiiKey(config, logger);
  const handlers = createJobHandlers({ db, key, log: logger, config, clock, engine });
  // a job here creates user tasks too: the case's unit and status commit with them, as in the app
  const petitions = createPetitionsRepository(db, { key, ...(clock && { clock }) });
  createTaskEvents({ petitions }).attach(engine);
  // and the work queue's row of each task (server/services/queue-service.ts)
  engine.projectUserTasks(createWorkQueueProjector({ workItems: createWorkItemsRepository(db), petitions, clock: clock ?? { now: () => new Date() } }));
  // REMOTE_JOB_TYPES: left to remote workers on /engine-rest (issue 19)
  const types = Object.keys(handlers).filter((t) => !config.remoteJobTypes.includes(t));
  for (const type of types) engine.registerWorker(type, handlers[type as keyof typeof handlers], workerOptions(type, { timeout: config.jobTimeoutSeconds * 1000 }));
  await engine.open();
  logger.info({ engine: config.engine, types: types.length }, '作业处理进程已启动');
  return {
    engine,
    types,
    async stop() {
      await engine.close();
      await db.close();
    },
  };
}

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

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  (process.env.ENGINE_REST_URL ? Promise.resolve().then(() => startRemoteWorkerProcess()) : startWorkers()).then(
    (running) => {
      // the engine's loops use unref'd timers (they must not hold the app or a test open): without
      // this the process would end with code 0 between two polls, leaving the jobs it locked to
      // wait for their timeout. It stays until told to stop.
      const hold = setInterval(() => undefined, 60 * 60_000);
      let stopping: Promise<void> | undefined;
      const stop = () => {
        stopping ??= running.stop().then(
          () => {
            clearInterval(hold);
            process.exit(0);
          },
          (err) => {
            process.stderr.write(`${err?.stack ?? err}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err) => {
      process.stderr.write(`${err instanceof ConfigError ? err.message : (err?.stack ?? err)}\n`);
      process.exit(err instanceof ConfigError ? 2 : 1);
    },
  );
}
