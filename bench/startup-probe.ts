/**
 * Child process of the bench: from its own start, open the database, start the engine and serve
 * one request (complete one parked user task). Prints {"ms": …} measured from process start.
 */
import { createEmbeddedEngine } from '../engine/embedded/index.js';
import { createDatabase } from '../engine/embedded/store/database.js';

async function main() {
  const file = process.argv[2];
  const db = await createDatabase({ url: `sqlite:${file}` });
  await db.migrate();
  const engine = createEmbeddedEngine({ db });
  await engine.open();
  const [task] = await db.sequelize.query("SELECT id FROM engine_user_tasks WHERE state = 'created' ORDER BY id DESC LIMIT 1", { plain: false, raw: true }) as any;
  const id = task[0].id as string;
  await engine.completeUserTask(id, { approved: true });
  const ms = performance.now();
  await engine.close();
  await db.close();
  process.stdout.write(`${JSON.stringify({ ms, completed: id })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err?.stack ?? err}\n`);
  process.exit(1);
});
