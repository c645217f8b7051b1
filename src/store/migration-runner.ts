/**
 * Applies migration.sql files the way `prisma migrate deploy` (6.19) does, in-process, so the
 * gateway needs no second process (and no schema engine) to migrate at start-up.
 *
 * What Prisma Migrate relies on, and this reproduces (checked against rows the CLI wrote):
 *  - `_prisma_migrations`, created with the CLI's own DDL for the provider;
 *  - per migration a row: a random id, checksum = SHA-256 (hex) of migration.sql, started_at;
 *    then the whole script run as one batch (SQLite: sqlite3_exec, no transaction around it,
 *    because a RedefineTables script turns foreign keys off, which SQLite ignores inside a
 *    transaction; PostgreSQL: one simple-protocol query, i.e. one implicit transaction); then
 *    finished_at and applied_steps_count = 1. On failure the error goes to `logs` and
 *    finished_at stays NULL, which `migrate deploy` (and this code) then refuse to go past
 *    (P3009) until `prisma migrate resolve` marks it;
 *  - a database that has tables but no `_prisma_migrations` is not ours to migrate (P3005).
 * Timestamps: SQLite gets the text Prisma writes (`2026-11-21T16:44:42.396+00:00`, what the
 * driver adapter makes of a Date); PostgreSQL gets timestamptz.
 */
import { createHash, randomUUID } from "node:crypto";
import type { DatabaseTarget } from "./database-url.js";
import { quoteIdentifier } from "./database-url.js";
import { SQLITE_BUSY_TIMEOUT_MS, postgresSessionOptions } from "./client.js";

export interface MigrationState {
  /** The `_prisma_migrations` table exists. */
  tracked: boolean;
  /** Finished and not rolled back. */
  finished: Set<string>;
  /** Started but neither finished nor rolled back: a failed migration (Prisma's P3009). */
  failed: string[];
  /** Tables other than `_prisma_migrations` (to refuse a foreign, non-empty database: P3005). */
  otherTables: number;
}

export interface MigrationSession {
  state(): Promise<MigrationState>;
  /** Records and runs one migration (migration.sql's bytes); throws with the database's message when it fails. */
  apply(name: string, file: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** The CLI's checksum of a migration: SHA-256 of the file's bytes, lower-case hex. */
export function migrationChecksum(script: string | Buffer): string {
  return createHash("sha256").update(script).digest("hex");
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export async function openMigrationSession(target: DatabaseTarget): Promise<MigrationSession> {
  return target.kind === "sqlite" ? openSqliteSession(target) : openPostgresSession(target);
}

/** The database's own message, not the driver adapter's error kind. */
function messageOf(error: unknown): string {
  const cause = (error as { cause?: { originalMessage?: unknown } })?.cause;
  if (cause && typeof cause.originalMessage === "string") return cause.originalMessage;
  return error instanceof Error ? error.message : String(error);
}

async function openSqliteSession(target: Extract<DatabaseTarget, { kind: "sqlite" }>): Promise<MigrationSession> {
  // A connection of its own through the driver adapter's public interface: executeScript runs
  // a whole file (sqlite3_exec), which a Prisma client query cannot.
  const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
  const adapter = await new PrismaBetterSQLite3({ url: target.url, timeout: SQLITE_BUSY_TIMEOUT_MS }).connect();
  const text = { scalarType: "string", arity: "scalar", dbType: null } as const;
  const date = { scalarType: "datetime", arity: "scalar", dbType: null } as const;
  const argType = (value: unknown) => (value instanceof Date ? date : text);
  const run = async (sql: string, args: unknown[] = []) => {
    await adapter.executeRaw({ sql, args, argTypes: args.map(argType) } as never);
  };
  const rows = async (sql: string): Promise<unknown[][]> => (await adapter.queryRaw({ sql, args: [], argTypes: [] } as never)).rows;
  return {
    async state() {
      const tables = (await rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")).map((r) => String(r[0]));
      const tracked = tables.includes("_prisma_migrations");
      const otherTables = tables.filter((name) => name !== "_prisma_migrations").length;
      if (!tracked) return { tracked, finished: new Set(), failed: [], otherTables };
      const all = await rows('SELECT "migration_name", "finished_at" IS NOT NULL, "rolled_back_at" IS NOT NULL FROM "_prisma_migrations"');
      return summarize(all, otherTables);
    },
    async apply(name, file) {
      const script = file.toString("utf8");
      await adapter.executeScript(SQLITE_TABLE);
      const id = randomUUID();
      await run(
        'INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES (?, ?, ?, ?, 0)',
        [id, migrationChecksum(file), name, new Date()],
      );
      try {
        await adapter.executeScript(script);
      } catch (error) {
        const logs = messageOf(error);
        await run('UPDATE "_prisma_migrations" SET "logs" = ? WHERE "id" = ?', [logs, id]).catch(() => {});
        throw new Error(logs, { cause: error });
      }
      await run('UPDATE "_prisma_migrations" SET "finished_at" = ?, "applied_steps_count" = 1 WHERE "id" = ?', [new Date(), id]);
    },
    close: () => adapter.dispose(),
  };
}

async function openPostgresSession(target: Extract<DatabaseTarget, { kind: "postgresql" }>): Promise<MigrationSession> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: target.connectionString, ...postgresSessionOptions(target.schema) });
  await client.connect();
  // Like the CLI, make the schema named by ?schema= when it is not there yet.
  if (target.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(target.schema)}`);
  return {
    async state() {
      const tables = await client.query<{ name: string }>(
        "SELECT tablename::text AS name FROM pg_catalog.pg_tables WHERE schemaname = current_schema()",
      );
      const names = tables.rows.map((row) => row.name);
      const tracked = names.includes("_prisma_migrations");
      const otherTables = names.filter((name) => name !== "_prisma_migrations").length;
      if (!tracked) return { tracked, finished: new Set(), failed: [], otherTables };
      const all = await client.query({
        text: 'SELECT "migration_name", "finished_at" IS NOT NULL, "rolled_back_at" IS NOT NULL FROM "_prisma_migrations"',
        rowMode: "array",
      });
      return summarize(all.rows as unknown[][], otherTables);
    },
    async apply(name, file) {
      const script = file.toString("utf8");
      await client.query(POSTGRES_TABLE);
      const id = randomUUID();
      await client.query(
        'INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES ($1, $2, $3, now(), 0)',
        [id, migrationChecksum(file), name],
      );
      try {
        await client.query(script); // no parameters: the simple protocol, several statements in one transaction
      } catch (error) {
        const logs = messageOf(error);
        await client.query('UPDATE "_prisma_migrations" SET "logs" = $1 WHERE "id" = $2', [logs, id]).catch(() => {});
        throw new Error(logs, { cause: error });
      }
      await client.query('UPDATE "_prisma_migrations" SET "finished_at" = now(), "applied_steps_count" = 1 WHERE "id" = $1', [id]);
    },
    close: () => client.end(),
  };
}

function summarize(rows: unknown[][], otherTables: number): MigrationState {
  const finished = new Set<string>();
  const failed: string[] = [];
  // SQLite answers booleans as 0/1 (bigint with the adapter's safe integers), PostgreSQL as true/false.
  const yes = (value: unknown) => value === true || Number(value) === 1;
  for (const [name, isFinished, isRolledBack] of rows) {
    if (yes(isRolledBack)) continue;
    if (yes(isFinished)) finished.add(String(name));
    else failed.push(String(name));
  }
  return { tracked: true, finished, failed, otherTables };
}
