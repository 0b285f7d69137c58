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
import { ConfigError } from '../server/config.js';

// the mode's own code only (database-workers.ts or remote-workers.ts): a remote process loads no database code
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  (process.env.ENGINE_REST_URL ? import('./remote-workers.js').then((m) => m.startRemoteWorkerProcess()) : import('./database-workers.js').then((m) => m.startWorkers())).then(
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
