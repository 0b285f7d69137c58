/**
 * Issue 18, done when: "a batch of 1,000 instances interrupted by kill -9 and finished after restart
 * with nothing done twice". The app runs as a child process (server/main.ts); a process admin starts
 * a cancel batch over 1,000 waiting instances through its API; the app is killed with SIGKILL in the
 * middle of the batch, and at that moment every item marked done is exactly an instance canceled
 * (the item commits in the cancel's transaction); started again, the app finishes the batch by
 * itself, and the engine's history shows each instance canceled once.
 *
 * BATCH_CRASH_SIZE sets the number of instances (default 1,000, as the issue asks: ~10 s on SQLite,
 * ~17 s on MariaDB on a 2-core machine; a smaller number makes a quicker run). SQLite and MariaDB.
 */
import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { createEmbeddedEngine } from '../../../engine/embedded/index.js';
import { createDatabase } from '../../../engine/embedded/store/database.js';
import { openTestDatabase } from '../../../engine/test/harness.js';
import { migrationsFor } from '../../engine-setup.js';
import { DEMO_PASSWORD } from '../../data/seed.js';
import { select } from '../../data/sql.js';
import { BATCH_PROBE } from '../batch-probe.js';
import { freePort, spawnApp, type AppChild } from '../app-child.js';

const SIZE = Math.max(20, Number(process.env.BATCH_CRASH_SIZE ?? 1000) || 1000);

async function until(what: string, done: () => Promise<boolean>, app?: AppChild, ms = 240_000) {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (app && (app.child.exitCode !== null || app.child.signalCode !== null)) throw new Error(`the app ended while waiting for ${what}: ${app.stderr()}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('批量操作在进程被强制终止后继续,且每个实例只处理一次', () => {
  it(`given a cancel batch over ${SIZE} instances, when the app is killed with kill -9 in the middle and started again, then the batch finishes and every instance was canceled exactly once`, async () => {
    const target = await openTestDatabase();
    const db = await createDatabase({ url: target.url, migrations: migrationsFor({ engine: 'embedded' }) });
    const apps: AppChild[] = [];
    try {
      await db.migrate();
      const engine = createEmbeddedEngine({ db, background: false });
      await engine.deploy([{ name: 'batch-probe.bpmn', content: BATCH_PROBE }]);
      for (let i = 0; i < SIZE; i++) await engine.start('batch-probe', { seq: i });
      await engine.close();

      const port = await freePort();
      const env = { DB_URL: target.url, ENGINE: 'embedded', PII_KEY: randomBytes(32).toString('base64'), SESSION_SECRET: randomBytes(32).toString('base64'), LOGIN_RATE_LIMIT: '100000' };
      const first = await spawnApp(env, port);
      apps.push(first);
      await first.up;

      const base = `http://127.0.0.1:${port}`;
      const agent = request.agent(base);
      const s = await agent.get('/api/session').expect(200);
      const login = await agent.post('/api/login').set('x-csrf-token', s.body.csrfToken).send({ username: 'modeler', password: DEMO_PASSWORD }).expect(200);
      const made = await agent.post('/api/inspector/batches').set('x-csrf-token', login.body.csrfToken).send({ kind: 'cancel', filter: { processId: 'batch-probe' }, reason: '强制终止测试' });
      expect([made.status, made.body.total]).toEqual([201, SIZE]);
      const id = made.body.id as string;

      const done = async () => Number((await select<{ n: number }>(db, "SELECT COUNT(*) AS n FROM operation_batch_items WHERE batch_id = ? AND state = 'done'", [id]))[0].n);
      await until('a quarter of the batch', async () => (await done()) >= SIZE / 4, first);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');

      // cut in the middle: what is marked done is exactly what is canceled
      const cut = await done();
      expect(cut).toBeLessThan(SIZE);
      const [mismatch] = await select<{ n: number }>(
        db,
        "SELECT COUNT(*) AS n FROM operation_batch_items b JOIN engine_instances i ON i.id = b.process_instance_key WHERE b.batch_id = ? AND ((b.state = 'done' AND i.state <> 'canceled') OR (b.state = 'pending' AND i.state = 'canceled'))",
        [id],
      );
      expect(Number(mismatch.n)).toBe(0);
      expect((await select<{ state: string }>(db, 'SELECT state FROM operation_batches WHERE id = ?', [id]))[0].state).toBe('running');

      // started again, the app goes on with the batch by itself
      const second = await spawnApp(env, port);
      apps.push(second);
      await second.up;
      await until('the batch to finish', async () => (await select<{ state: string }>(db, 'SELECT state FROM operation_batches WHERE id = ?', [id]))[0].state === 'done', second);

      expect(await done()).toBe(SIZE);
      const canceledTwice = await select<{ instance_id: string; n: number }>(db, "SELECT instance_id, COUNT(*) AS n FROM engine_history WHERE event = 'canceled' AND element_type = 'bpmn:Process' GROUP BY instance_id HAVING COUNT(*) > 1");
      expect(canceledTwice).toEqual([]);
      const [canceled] = await select<{ n: number }>(db, "SELECT COUNT(*) AS n FROM engine_instances WHERE process_id = 'batch-probe' AND state = 'canceled'");
      expect(Number(canceled.n)).toBe(SIZE);
      const audits = await select<{ action: string }>(db, "SELECT action FROM audit_log WHERE action LIKE 'batch.%' ORDER BY id");
      expect(audits.map((a) => a.action)).toEqual(['batch.created', 'batch.done']);
    } finally {
      for (const a of apps) {
        if (a.child.exitCode === null && a.child.signalCode === null) {
          a.child.kill('SIGTERM');
          await a.exited;
        }
      }
      await db.close();
      await target.drop();
    }
  }, 600_000);
});
