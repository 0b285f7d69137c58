/**
 * The Database layer's transactions: a throw-away SQLite file, or a throw-away MariaDB/MySQL database
 * when DB_URL is set (`npm run test:mariadb`). On MySQL every transaction reads what others
 * committed (READ COMMITTED: the engine's job locking and message correlation rely on it), and asks
 * for it once per connection rather than before every transaction.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { QueryTypes } from 'sequelize';
import { createDatabase, type Database } from './database.js';
import { openTestDatabase } from '../../test/harness.js';

let target: { url: string; drop(): Promise<void> };
let db: Database;

beforeAll(async () => {
  target = await openTestDatabase();
  db = await createDatabase({ url: target.url });
  await db.migrate();
});

afterAll(async () => {
  await db?.close();
  await target.drop();
});

describe('transactions', () => {
  it('given MySQL, when transactions run at once on several connections, then each is READ COMMITTED and none sent a SET TRANSACTION of its own', async () => {
    if (db.dialect === 'sqlite') return expect(db.raw).toBeDefined(); // one writer, serialised: no isolation levels to choose
    const sent: string[] = [];
    // Sequelize's logging sees every statement it sends, its own START TRANSACTION and SET TRANSACTION included
    const options = (db.sequelize as unknown as { options: { logging: unknown } }).options;
    const logging = options.logging;
    options.logging = (sql: string) => sent.push(sql);
    try {
      const levels = await Promise.all(
        Array.from({ length: 4 }, () =>
          db.transaction(async (tx) => {
            // the session's level (MariaDB before 11.1 names it tx_isolation, MySQL 8 transaction_isolation)
            const rows = (await db.sequelize.query("SHOW VARIABLES WHERE Variable_name IN ('tx_isolation', 'transaction_isolation')", { type: QueryTypes.SELECT, transaction: tx })) as { Value: string }[];
            return rows[0]?.Value;
          }),
        ),
      );
      expect(levels).toEqual(Array(4).fill('READ-COMMITTED'));
      expect(sent.filter((s) => /START TRANSACTION/i.test(s))).toHaveLength(4);
      expect(sent.filter((s) => /SET TRANSACTION ISOLATION/i.test(s))).toEqual([]);
    } finally {
      options.logging = logging;
    }
  });
});
