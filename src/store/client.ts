/**
 * Builds the Prisma client for a DATABASE_URL, with the driver adapter for its database.
 *
 * Two clients are generated (src/store/generated/{sqlite,postgresql}) because a Prisma schema
 * names one provider. Their model APIs are the same shape, so the repositories are typed
 * against the PostgreSQL client (`Db`), whose filter types are a superset (they include
 * `mode: "insensitive"`, which the repositories pass only to PostgreSQL). Each client is
 * imported only when it is used, so start-up loads one query compiler, not two.
 */
import fs from "node:fs";
import path from "node:path";
import type { PrismaClient as PostgresClient } from "./generated/postgresql/client.js";
import type { DatabaseTarget } from "./database-url.js";
import type { DirectDriver } from "./hot-reads.js";
import type { SqlDatabase } from "./sql/database.js";
import { poolOptions, PostgresDatabase } from "./sql/postgresql-database.js";
import { serialQueue, SqliteDatabase } from "./sql/sqlite-database.js";

export type Db = PostgresClient;

/** Runs one unit of database work (a query, or a transaction) with the client. */
export type UseDb = <T>(work: (db: Db) => PromiseLike<T>) => Promise<T>;

export interface Connection {
  kind: DatabaseTarget["kind"];
  /**
   * Every query goes through here. On PostgreSQL it simply runs the work (the pool gives a
   * transaction a connection of its own). On SQLite it runs one unit at a time, because the
   * better-sqlite3 adapter (6.19.3) has a single connection and its transaction mutex only
   * orders transactions among themselves: a plain query issued while another request's
   * transaction is open runs inside that transaction, and is rolled back with it (seen:
   * test/store/store.test.ts, "never lets a statement land in another request's transaction").
   * SQLite executes statements synchronously anyway, so this costs no parallelism.
   * Units must not nest (a unit that calls `use` again waits for itself).
   */
  use: UseDb;
  /** The driver itself, for the prepared hot reads (hot-reads.ts); not for writes. */
  driver: DirectDriver;
  /**
   * SQLite only: a writable better-sqlite3 connection of the store's own, for the prepared
   * writes of the create and job submit paths (intent-writes-sqlite.ts, job-writes-sqlite.ts),
   * used only inside `use` units.
   */
  sqliteWriter?: () => import("better-sqlite3").Database;
  /**
   * The store's query layer (src/store/sql): every repository moves onto it. On SQLite its
   * writes share `use`'s queue, so the two never interleave inside a transaction.
   */
  sql: SqlDatabase;
  /** Disconnects Prisma and ends the driver's pool. */
  close(): Promise<void>;
}

export type StoreLog = (msg: string, fields?: object) => void;

/** How long SQLite waits for another connection's write lock before failing (SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export async function connect(target: DatabaseTarget, log: StoreLog): Promise<Connection> {
  return target.kind === "sqlite" ? connectSqlite(target, log) : connectPostgres(target, log);
}

async function connectSqlite(target: Extract<DatabaseTarget, { kind: "sqlite" }>, log: StoreLog): Promise<Connection> {
  // SQLite creates the file, not its directory (./data on a fresh checkout).
  fs.mkdirSync(path.dirname(target.file), { recursive: true });
  const [{ PrismaClient }, { PrismaBetterSQLite3 }] = await Promise.all([
    import("./generated/sqlite/client.js"),
    import("@prisma/adapter-better-sqlite3"),
  ]);
  // better-sqlite3's `timeout` is SQLite's busy timeout: a writer waits for the lock (e.g.
  // while another process migrates, or runs `npm run db:migrate`) instead of failing at once.
  const adapter = new PrismaBetterSQLite3({ url: target.url, timeout: SQLITE_BUSY_TIMEOUT_MS });
  const client = new PrismaClient({ adapter });
  // PRAGMAs are raw SQL by nature; Prisma has no API for them. The adapter keeps one
  // connection per client, so connection-scoped settings stick.
  //  - WAL: readers do not block the writer and vice versa (the GraphQL API reads while the
  //    watcher writes); it is stored in the file, so every later connection gets it.
  //  - synchronous=NORMAL is durable in WAL mode except for the last commits on power loss.
  //  - foreign_keys: SQLite ignores FOREIGN KEY clauses unless asked, unlike PostgreSQL.
  const [mode] = await client.$queryRawUnsafe<Array<{ journal_mode: string }>>("PRAGMA journal_mode = WAL");
  await client.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  await client.$executeRawUnsafe("PRAGMA foreign_keys = ON");
  if (mode?.journal_mode?.toLowerCase() !== "wal") {
    log("store.sqlite.wal_unavailable", { journalMode: mode?.journal_mode, file: target.file });
  }
  const db = client as unknown as Db;
  const queue = serialQueue();
  const use: UseDb = (work) => queue(() => Promise.resolve(work(db)));
  // The hot reads' own read-only connection, opened on first use (after migrations).
  const { default: Database } = await import("better-sqlite3");
  let reader: InstanceType<typeof Database> | undefined;
  const driver: DirectDriver = {
    kind: "sqlite",
    reader: () => (reader ??= new Database(target.file, { readonly: true, fileMustExist: true, timeout: SQLITE_BUSY_TIMEOUT_MS })),
  };
  // The prepared writes' connection, opened on first use (after migrations), tuned like the
  // adapter's: synchronous and foreign_keys are per connection (WAL is the file's).
  let writer: InstanceType<typeof Database> | undefined;
  const sqliteWriter = () => {
    if (!writer) {
      writer = new Database(target.file, { fileMustExist: true, timeout: SQLITE_BUSY_TIMEOUT_MS });
      writer.pragma("synchronous = NORMAL");
      writer.pragma("foreign_keys = ON");
    }
    return writer;
  };
  // The query layer shares the two connections (it only prepares statements on them).
  const sql = new SqliteDatabase(sqliteWriter, driver.reader, queue);
  return {
    kind: "sqlite",
    use,
    driver,
    sqliteWriter,
    sql,
    async close() {
      await queue.idle();
      reader?.close();
      writer?.close();
      await client.$disconnect();
    },
  };
}

async function connectPostgres(target: Extract<DatabaseTarget, { kind: "postgresql" }>, log: StoreLog): Promise<Connection> {
  const [{ PrismaClient }, { PrismaPg }, { default: pg }] = await Promise.all([
    import("./generated/postgresql/client.js"),
    import("@prisma/adapter-pg"),
    import("pg"),
  ]);
  const pool = new pg.Pool(poolOptions(target.connectionString, postgresSessionOptions(target.schema)));
  const adapter = new PrismaPg(pool, {
    schema: target.schema,
    onPoolError: (err) => log("store.postgresql.pool_error", { error: err.message }),
  });
  // Prisma's defaults (wait 2 s for a pooled connection, 5 s per transaction) turned a busy
  // minute into failed creates and watcher rounds (P2028 in the soak with two instances on
  // two cores); a transaction that waits longer is slower, not lost.
  const client = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 20_000 } });
  return {
    kind: "postgresql",
    use: async (work) => work(client),
    driver: { kind: "postgresql", pool },
    sql: new PostgresDatabase(pool),
    async close() {
      await client.$disconnect();
      await pool.end();
    },
  };
}

/**
 * node-postgres options that put a session in the `?schema=` schema: raw statements (the
 * migration check and runner, /readyz) resolve unqualified names there too; Prisma's own
 * queries are qualified through the adapter's `schema` option.
 */
export function postgresSessionOptions(schema: string | undefined): { options?: string } {
  return schema ? { options: `-c search_path=${quoteSearchPath(schema)}` } : {};
}

function quoteSearchPath(schema: string): string {
  // libpq's `options` value: a double-quoted identifier; backslash and space need escaping.
  return `"${schema.replace(/"/g, '""')}"`.replace(/\\/g, "\\\\").replace(/ /g, "\\ ");
}
