/**
 * `npm run workers` on the database (bin/workers.ts): every registered job handler against the
 * configured engine — ENGINE=zeebe: gRPC job workers; ENGINE=embedded: the jobs in the shared
 * database, locked per job (timers and messages stay with the app).
 */
import { createDatabase } from '../engine/embedded/store/database.js';
import type { Clock } from '../engine/clock.js';
import type { EnginePort } from '../engine/port.js';
import { loadConfig } from '../server/config.js';
import { createJobHandlers, migrationsFor, openConfiguredEngine } from '../server/engine-setup.js';
import { createLogger, type Logger } from '../server/logger.js';
import { resolvePiiKey } from '../server/secrets.js';
import { createPetitionsRepository } from '../server/data/petitions-repository.js';
import { createTaskEvents } from '../server/services/task-events.js';
import { createWorkQueueProjector } from '../server/services/queue-service.js';
import { createWorkItemsRepository } from '../server/data/work-items-repository.js';
import { workerOptions } from '../workers/registry.js';

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
