/**
 * The database connection shared by the engine's store and (later) the app: SQLite (a file; the
 * embedded default) or MySQL/MariaDB (production, CI). Writes go through `transaction()`, which on
 * SQLite takes an IMMEDIATE lock behind one in-process queue (SQLite allows one writer; deferred
 * transactions racing for it fail with SQLITE_BUSY).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { Sequelize, Transaction, UniqueConstraintError } from 'sequelize';
import { Umzug, SequelizeStorage } from 'umzug';
import { engineMigrations } from './migrations.js';

const require = createRequire(import.meta.url);

export type Dialect = 'sqlite' | 'mysql' | 'mariadb';

/**
 * Set while an inline job's handler runs inside the engine's transaction: a transaction of its own
 * there would wait for that one forever (SQLite's single writer), so it is refused — the handler
 * fails and its job is run the ordinary way.
 */
export const insideInlineJob = new AsyncLocalStorage<string>();

/**
 * Plain SQL with `?` parameters bound by the SQLite driver itself, past Sequelize (whose per-query
 * formatting, logging and stack capture cost as much as SQLite: ~230 µs of CPU a read against
 * ~110 µs). Inside a transaction on its connection, else on the reading connection (WAL: it sees
 * what is committed). Parameters are bound as they are: numbers, strings, null (never a Date, a
 * boolean or a list — the repositories pass epoch milliseconds and 0/1, as the schema stores them).
 */
export interface RawSql {
  all<T = Record<string, unknown>>(sql: string, params: unknown[], tx?: Transaction): Promise<T[]>;
  run(sql: string, params: unknown[], tx?: Transaction): Promise<{ changes: number; lastID: number }>;
}

export interface Database {
  sequelize: Sequelize;
  dialect: Dialect;
  /** SQLite only: statements past Sequelize (see RawSql) */
  raw?: RawSql;
  /** run `fn` in one write transaction */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `sqlite:data/wenzheng.sqlite`, `mysql://user:pass@host:3306/db`, `mariadb://…` */
  url: string;
  /** extra migrations run after the engine's (the app's tables) */
  migrations?: { name: string; up: (ctx: { sequelize: Sequelize }) => Promise<void> }[];
}

/** sqlite3 module whose connections set WAL and a busy timeout when they open (Sequelize opens one per transaction). */
function sqliteWithPragmas() {
  const sqlite3 = require('sqlite3');
  class Database extends sqlite3.Database {
    constructor(file: string, mode: number, callback: (err: Error | null) => void) {
      super(file, mode, (err: Error | null) => {
        if (err) return callback(err);
        this.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;', callback);
      });
    }
  }
  return { ...sqlite3, Database };
}

/**
 * Sequelize opens (and closes) a new SQLite connection for every transaction, which costs more than
 * the transaction itself. Transactions here are serialised by one queue, so they can share a single
 * long-lived writer connection; plain reads keep using the default one (WAL: they see committed data).
 */
function keepOneWriterConnection(sequelize: Sequelize) {
  const cm = sequelize.connectionManager as any;
  const get = cm.getConnection.bind(cm);
  const release = cm.releaseConnection.bind(cm);
  cm.getConnection = (opts: any = {}) => get(opts.uuid && opts.uuid !== 'default' ? { ...opts, uuid: 'writer' } : opts);
  cm.releaseConnection = (connection: any, force?: boolean) => {
    if (connection === cm.connections.writer && force !== true) return;
    return release(connection, force);
  };
}

function rawSqlite(sequelize: Sequelize): RawSql {
  let reader: Promise<any> | undefined;
  const connectionOf = (tx?: Transaction): Promise<any> => {
    if (tx) return Promise.resolve((tx as any).connection);
    // Sequelize's own default connection: opened once, kept for the life of the pool
    reader ??= (sequelize.connectionManager as any).getConnection({});
    return reader!;
  };
  // a unique-key violation is Sequelize's UniqueConstraintError here too: the repositories catch that
  const asSequelize = (err: Error & { code?: string }) =>
    err?.code === 'SQLITE_CONSTRAINT' && /UNIQUE|PRIMARY KEY/.test(err.message ?? '') ? new UniqueConstraintError({ message: err.message, parent: err as any }) : err;
  const bindable = (params: unknown[]) => params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? Number(p) : p instanceof Date ? p.getTime() : p));
  return {
    async all(sql, params, tx) {
      const conn = await connectionOf(tx);
      return new Promise((resolve, reject) => conn.all(sql, bindable(params), (err: Error | null, rows: any[]) => (err ? reject(asSequelize(err)) : resolve(rows))));
    },
    async run(sql, params, tx) {
      const conn = await connectionOf(tx);
      return new Promise((resolve, reject) =>
        conn.run(sql, bindable(params), function (this: { changes: number; lastID: number }, err: Error | null) {
          if (err) reject(asSequelize(err));
          else resolve({ changes: this.changes, lastID: this.lastID });
        }),
      );
    },
  };
}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  const { url } = options;
  let sequelize: Sequelize;
  let dialect: Dialect;
  if (url.startsWith('sqlite:')) {
    const storage = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!storage || storage === ':memory:') {
      throw new Error('DB_URL: an in-memory SQLite database cannot be shared between connections; give a file path');
    }
    mkdirSync(dirname(storage), { recursive: true });
    dialect = 'sqlite';
    sequelize = new Sequelize({
      dialect: 'sqlite',
      storage,
      dialectModule: sqliteWithPragmas(),
      logging: false,
      define: { underscored: true, timestamps: false },
    });
  } else if (/^(mysql|mariadb):\/\//.test(url)) {
    dialect = url.startsWith('mariadb') ? 'mariadb' : 'mysql';
    // mysql2 speaks to both; Sequelize's mariadb dialect would need another driver
    sequelize = new Sequelize(url.replace(/^mariadb:/, 'mysql:'), {
      dialect: 'mysql',
      dialectModule: require('mysql2'),
      logging: false,
      pool: { max: 10, min: 0, idle: 10_000 },
      dialectOptions: { dateStrings: false, supportBigNumbers: true, charset: 'utf8mb4' },
      timezone: '+00:00',
      define: { underscored: true, timestamps: false, charset: 'utf8mb4', collate: 'utf8mb4_bin' },
      hooks: {
        // READ COMMITTED once per connection: asked per transaction, Sequelize sends a SET TRANSACTION
        // before every START TRANSACTION (a round trip more per transaction)
        afterConnect: (connection: unknown) =>
          new Promise<void>((resolve, reject) => (connection as { query(sql: string, cb: (err: Error | null) => void): void }).query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (err) => (err ? reject(err) : resolve()))),
      },
    });
  } else {
    throw new Error(`DB_URL must start with sqlite:, mysql:// or mariadb:// (got "${url.replace(/\/\/[^@]*@/, '//…@')}")`);
  }
  await sequelize.authenticate();
  if (dialect === 'sqlite') keepOneWriterConnection(sequelize);

  let queue: Promise<unknown> = Promise.resolve();
  const transaction = <T>(fn: (tx: Transaction) => Promise<T>): Promise<T> => {
    const job = insideInlineJob.getStore();
    if (job) return Promise.reject(new Error(`the handler of inline job ${job} opened a transaction of its own: its writes must go through JobContext.transactional`));
    if (dialect !== 'sqlite') {
      // READ COMMITTED: the session's level, set when the connection opened (afterConnect above)
      return sequelize.transaction(fn);
    }
    const run = queue.then(() => sequelize.transaction({ type: Transaction.TYPES.IMMEDIATE }, fn));
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    sequelize,
    dialect,
    transaction,
    ...(dialect === 'sqlite' && { raw: rawSqlite(sequelize) }),
    async migrate() {
      const umzug = new Umzug({
        migrations: [...engineMigrations, ...(options.migrations ?? [])].map((m) => ({
          name: m.name,
          up: () => m.up({ sequelize }),
        })),
        context: { sequelize },
        storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
        logger: undefined,
      });
      await umzug.up();
    },
    close: () => sequelize.close(),
  };
}
