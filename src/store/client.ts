/**
 * Opens the database a DATABASE_URL names, as the store's one query layer (src/store/sql):
 *  - SQLite: two better-sqlite3 connections to the file (a writer behind a FIFO queue, and a
 *    read-only reader; sql/sqlite-database.ts says why), tuned here;
 *  - PostgreSQL: one node-postgres pool, every wait bounded (sql/postgresql-database.ts).
 * Prisma is the schema and migration source only (prisma/, `npm run db:*`); nothing here runs it.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { DatabaseTarget } from "./database-url.js";
import type { SqlDatabase } from "./sql/database.js";
import { poolOptions, PostgresDatabase } from "./sql/postgresql-database.js";
import { serialQueue, SqliteDatabase } from "./sql/sqlite-database.js";

export interface Connection {
  kind: DatabaseTarget["kind"];
  /** Every statement of the store runs here. */
  sql: SqlDatabase;
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
  // The writer is opened now, to create the file and set its journal mode; better-sqlite3's
  // `timeout` is SQLite's busy timeout: a writer waits for the lock (e.g. while another process
  // migrates, or runs `npm run db:migrate`) instead of failing at once.
  const writer = new Database(target.file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  //  - WAL: readers do not block the writer and vice versa (the GraphQL API reads while the
  //    watcher writes); it is stored in the file, so every later connection gets it.
  //  - synchronous=NORMAL is durable in WAL mode except for the last commits on power loss.
  //  - foreign_keys: SQLite ignores FOREIGN KEY clauses unless asked, unlike PostgreSQL.
  //  synchronous and foreign_keys are per connection; the reader only reads.
  const mode = String(writer.pragma("journal_mode = WAL", { simple: true }));
  writer.pragma("synchronous = NORMAL");
  writer.pragma("foreign_keys = ON");
  if (mode.toLowerCase() !== "wal") log("store.sqlite.wal_unavailable", { journalMode: mode, file: target.file });
  // The reader is opened on first use: after the start-up migration has made the tables.
  const reader = () => new Database(target.file, { readonly: true, fileMustExist: true, timeout: SQLITE_BUSY_TIMEOUT_MS });
  const sql = new SqliteDatabase(() => writer, reader, serialQueue());
  return { kind: "sqlite", sql, close: () => sql.close() };
}

async function connectPostgres(target: Extract<DatabaseTarget, { kind: "postgresql" }>, log: StoreLog): Promise<Connection> {
  const pool = new pg.Pool(poolOptions(target.connectionString, postgresSessionOptions(target.schema)));
  // An idle pooled connection that the server drops (a restart) emits here; without a listener
  // it would end the process. The pool replaces it on the next checkout.
  pool.on("error", (err) => log("store.postgresql.pool_error", { error: err.message }));
  const sql = new PostgresDatabase(pool);
  return { kind: "postgresql", sql, close: () => sql.close() };
}

/**
 * node-postgres options that put a session in the `?schema=` schema, so the store's
 * unqualified table names resolve there.
 */
export function postgresSessionOptions(schema: string | undefined): { options?: string } {
  return schema ? { options: `-c search_path=${quoteSearchPath(schema)}` } : {};
}

function quoteSearchPath(schema: string): string {
  // libpq's `options` value: a double-quoted identifier; backslash and space need escaping.
  return `"${schema.replace(/"/g, '""')}"`.replace(/\\/g, "\\\\").replace(/ /g, "\\ ");
}
