/**
 * Start-up migration: the gateway brings its database schema up to date by itself, so
 * neither a fresh checkout nor a new release needs a manual `migrate` step.
 *
 * Fast path (every start): list the migration folders shipped with the code and compare them
 * with the finished rows of Prisma's `_prisma_migrations` table, in-process, over the
 * connection the store already has. When nothing is missing, that is all (a few ms).
 *
 * Slow path (a fresh database, or a release with a new migration): apply the missing
 * migration.sql files in-process, the way `prisma migrate deploy` does, with the same
 * `_prisma_migrations` bookkeeping (see migration-runner.ts), so `prisma migrate deploy`,
 * `migrate status` and `npm run db:check` see the database exactly as if the CLI had
 * migrated it. Spawning the CLI instead cost 1.5–3 s of start-up (a second Node process
 * plus the schema engine), which broke the "ready in under 2 s" goal on a fresh database.
 *
 * Several processes starting at once: the slow path runs under a lock of ours (a PostgreSQL
 * advisory lock, or a lock file beside the SQLite database), re-checks, and applies only what
 * is still missing; the others then find nothing to do.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Connection, StoreLog } from "./client.js";
import { sql, type SqlDatabase } from "./sql/database.js";
import { redactDatabaseUrl, type DatabaseTarget } from "./database-url.js";
import { openMigrationSession, type MigrationSession } from "./migration-runner.js";

export interface MigrationOutcome {
  path: "fast" | "slow";
  /** Migrations the slow path applied (empty on the fast path). */
  applied: string[];
  durationMs: number;
}

export interface MigrationOptions {
  /** Give up waiting for another process's migration (the lock) after this long. */
  lockTimeoutMs?: number;
}

const DEFAULT_LOCK_TIMEOUT_MS = 120_000;

/** The database is reachable, but its schema could not be brought up to date. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

/** Where prisma/ lives: the nearest ancestor of this file that has prisma/sqlite.config.ts (works from src/ and dist/src/). */
export function findProjectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "prisma", "sqlite.config.ts"))) return dir;
    if (path.dirname(dir) === dir) {
      throw new Error(`Cannot find the prisma/ folder (with sqlite.config.ts) above ${from}; the store needs its migrations.`);
    }
  }
}

export function migrationsDir(root: string, kind: DatabaseTarget["kind"]): string {
  return path.join(root, "prisma", kind, "migrations");
}

export function configFile(root: string, kind: DatabaseTarget["kind"]): string {
  return path.join(root, "prisma", `${kind}.config.ts`);
}

/** Migration names shipped with the code: folders holding a migration.sql, in order. */
export function shippedMigrations(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new Error(`The migrations folder ${dir} is missing.`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

const SQLITE_TRACKED = sql<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`);
const POSTGRES_TRACKED = sql<{ name: string }>(
  `SELECT tablename::text AS name FROM pg_catalog.pg_tables WHERE schemaname = COALESCE($1::text, current_schema()) AND tablename = '_prisma_migrations'`,
);
// The session's search_path is the `?schema=` schema (client.ts), so the name is unqualified.
const FINISHED = sql<{ migration_name: string }>(
  `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  // Planned per call: the table may not exist when a connection first sees the text.
  { planPerCall: true },
);

/**
 * Names of migrations the database has finished (and not rolled back).
 * `_prisma_migrations` belongs to Prisma Migrate's bookkeeping (migration-runner.ts), not to the store's tables.
 */
export async function appliedMigrations(db: SqlDatabase, target: DatabaseTarget): Promise<Set<string>> {
  const tracked = target.kind === "sqlite" ? await db.all(SQLITE_TRACKED) : await db.all(POSTGRES_TRACKED, [target.schema ?? null]);
  if (tracked.length === 0) return new Set();
  const rows = await db.all(FINISHED);
  return new Set(rows.map((row) => row.migration_name));
}

async function pendingMigrations(db: SqlDatabase, target: DatabaseTarget, root: string): Promise<string[]> {
  const applied = await appliedMigrations(db, target);
  return shippedMigrations(migrationsDir(root, target.kind)).filter((name) => !applied.has(name));
}


/**
 * Brings the database up to date over the store's connection (which stays open: applying
 * in-process needs no exclusive access, unlike the CLI's schema engine on SQLite).
 */
export async function ensureMigrated(
  connection: Connection,
  target: DatabaseTarget,
  log: StoreLog,
  options: MigrationOptions = {},
): Promise<{ connection: Connection; outcome: MigrationOutcome }> {
  const started = performance.now();
  const timeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const root = findProjectRoot();
  const pending = await pendingMigrations(connection.sql, target, root);
  if (pending.length === 0) {
    const outcome: MigrationOutcome = { path: "fast", applied: [], durationMs: performance.now() - started };
    log("store.migrations.up_to_date", { kind: target.kind, durationMs: Math.round(outcome.durationMs) });
    return { connection, outcome };
  }

  log("store.migrations.applying", { kind: target.kind, pending });
  // Another process may have migrated while this one waited for the lock: the session re-reads.
  const applied = await withMigrationLock(target, timeoutMs, () => applyPending(target, migrationsDir(root, target.kind)));

  const stillPending = await pendingMigrations(connection.sql, target, root);
  if (stillPending.length > 0) {
    throw new MigrationError(
      `Migrations were applied, but ${stillPending.join(", ")} ${stillPending.length === 1 ? "is" : "are"} still not ` +
        `recorded as applied in ${redactDatabaseUrl(target.url)}. Run \`npm run db:migrate\` with the same DATABASE_URL and read its output.`,
    );
  }
  const outcome: MigrationOutcome = { path: "slow", applied, durationMs: performance.now() - started };
  log("store.migrations.applied", { kind: target.kind, applied, durationMs: Math.round(outcome.durationMs) });
  return { connection, outcome };
}

/** Applies what is still missing, in name order; returns the names applied. */
async function applyPending(target: DatabaseTarget, dir: string): Promise<string[]> {
  let session: MigrationSession;
  try {
    session = await openMigrationSession(target);
  } catch (error) {
    throw cannotApply(target, `the migration connection failed: ${(error as Error).message}`, dir);
  }
  try {
    const state = await session.state();
    if (state.failed.length > 0) {
      throw cannotApply(target, `migration ${state.failed.join(", ")} failed earlier and was never marked resolved (Prisma's P3009)`, dir);
    }
    if (!state.tracked && state.otherTables > 0) {
      throw cannotApply(
        target,
        `the database already has ${state.otherTables} table(s) but no _prisma_migrations table, so it was not made by these migrations (Prisma's P3005)`,
        dir,
      );
    }
    const applied: string[] = [];
    for (const name of shippedMigrations(dir).filter((name) => !state.finished.has(name))) {
      const file = fs.readFileSync(path.join(dir, name, "migration.sql"));
      try {
        await session.apply(name, file);
      } catch (error) {
        throw cannotApply(target, `migration ${name} failed: ${(error as Error).message}`, dir);
      }
      applied.push(name);
    }
    return applied;
  } finally {
    await session.close().catch(() => {});
  }
}

function cannotApply(target: DatabaseTarget, why: string, dir: string): MigrationError {
  const relConfig = path.relative(findProjectRoot(), configFile(findProjectRoot(), target.kind));
  return new MigrationError(
    `Database migrations could not be applied to ${redactDatabaseUrl(target.url)}: ${why}.\n` +
      `What to do: make sure DATABASE_URL points at a reachable database the gateway may create tables in, ` +
      `then restart the gateway, or run \`npm run db:migrate\` (npx prisma migrate deploy --config ${relConfig}) to see Prisma's own account. ` +
      `If a migration failed half-way (P3009), repair the database and mark it with ` +
      `\`npx prisma migrate resolve --rolled-back <migration> --config ${relConfig}\` before retrying; ` +
      `a database made some other way needs a baseline (\`prisma migrate resolve --applied\`, see ${path.relative(findProjectRoot(), dir)}).`,
  );
}

/**
 * One migrating process at a time per database, so concurrent start-ups queue up, re-check,
 * and find nothing left to do, instead of racing each other.
 *  - PostgreSQL: a session advisory lock keyed by the schema, on a connection of its own.
 *  - SQLite: a lock file beside the database, holding the owner's pid so a lock left by a
 *    dead process is recognised and removed. Embedded mode runs on one host, so a pid is
 *    meaningful.
 */
async function withMigrationLock<T>(target: DatabaseTarget, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  if (target.kind === "postgresql") {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: target.connectionString });
    await client.connect();
    try {
      await client.query(`SET lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      const key = ["fingerprint-gateway:migrate", target.schema ?? ""];
      await client.query("SELECT pg_advisory_lock(hashtext($1), hashtext($2))", key);
      try {
        return await work();
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", key);
      }
    } finally {
      await client.end();
    }
  }

  const lockFile = `${target.file}.migrate-lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (lockHolderIsGone(lockFile)) {
      fs.rmSync(lockFile, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new MigrationError(
        `Timed out waiting for ${lockFile}: another process is migrating ${target.file}. ` +
          `If no gateway is running, delete the lock file and start again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

function lockHolderIsGone(lockFile: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(lockFile, "utf8"), 10);
  } catch {
    return false; // just removed by its holder: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) {
    // Created but not written yet, or garbage: stale only if it has been so for a while.
    try {
      return Date.now() - fs.statSync(lockFile).mtimeMs > 30_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
