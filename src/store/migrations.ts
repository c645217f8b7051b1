/**
 * Start-up migration: the gateway brings its database schema up to date by itself, so
 * neither a fresh checkout nor a new release needs a manual `migrate` step.
 *
 * Fast path (every start): list the migration folders shipped with the code and compare them
 * with the finished rows of Prisma's `_prisma_migrations` table, in-process, over the
 * connection the store already has. When nothing is missing, that is all (a few ms).
 *
 * Slow path (a fresh database, or a release with a new migration): run the official
 * `prisma migrate deploy --config prisma/<kind>.config.ts` in a child process, then check
 * again. Deploy is Prisma's own code path (checksums, failed-migration detection, the
 * `_prisma_migrations` bookkeeping); re-implementing it here would be a second migrator.
 *
 * Several processes starting at once: the slow path runs under a lock of ours (a PostgreSQL
 * advisory lock, or a lock file beside the SQLite database), re-checks, and deploys only if
 * migrations are still missing; the others then find nothing to do. `migrate deploy` also
 * takes Prisma's advisory lock 72707369 on PostgreSQL (seen to serialize three concurrent
 * deploys on a fresh schema), but it waits at most 10 s for it, and on SQLite the schema
 * engine asks for the file exclusively, so two concurrent deploys can fail with SQLITE_BUSY.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { connect, type Connection, type StoreLog, type UseDb } from "./client.js";
import { quoteIdentifier, redactDatabaseUrl, type DatabaseTarget } from "./database-url.js";

export interface MigrationOutcome {
  path: "fast" | "slow";
  /** Migrations the slow path applied (empty on the fast path). */
  applied: string[];
  durationMs: number;
}

export interface MigrationOptions {
  /** Kill `prisma migrate deploy` after this long. */
  deployTimeoutMs?: number;
}

const DEFAULT_DEPLOY_TIMEOUT_MS = 120_000;

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

/**
 * Names of migrations the database has finished (and not rolled back).
 * Raw SQL: `_prisma_migrations` belongs to Prisma Migrate and is not a model of ours.
 */
export async function appliedMigrations(use: UseDb, target: DatabaseTarget): Promise<Set<string>> {
  let table: string;
  if (target.kind === "sqlite") {
    const found = await use((db) =>
      db.$queryRawUnsafe<unknown[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'"),
    );
    if (found.length === 0) return new Set();
    table = quoteIdentifier("_prisma_migrations");
  } else {
    // ::text because the pg adapter cannot read the catalog type `name`.
    const found = await use((db) =>
      db.$queryRawUnsafe<unknown[]>(
        "SELECT tablename::text AS name FROM pg_catalog.pg_tables" +
          " WHERE schemaname = COALESCE($1::text, current_schema()) AND tablename = '_prisma_migrations'",
        target.schema ?? null,
      ),
    );
    if (found.length === 0) return new Set();
    table = target.schema
      ? `${quoteIdentifier(target.schema)}.${quoteIdentifier("_prisma_migrations")}`
      : quoteIdentifier("_prisma_migrations");
  }
  const rows = await use((db) =>
    db.$queryRawUnsafe<Array<{ migration_name: string }>>(
      `SELECT migration_name FROM ${table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    ),
  );
  return new Set(rows.map((row) => row.migration_name));
}

async function pendingMigrations(use: UseDb, target: DatabaseTarget, root: string): Promise<string[]> {
  const applied = await appliedMigrations(use, target);
  return shippedMigrations(migrationsDir(root, target.kind)).filter((name) => !applied.has(name));
}

/**
 * Brings the database up to date and returns a connection to it. Takes the connection the
 * store opened; on SQLite's slow path that connection is closed and a new one returned,
 * because the schema engine puts the file in exclusive locking mode
 * (`PRAGMA main.locking_mode=EXCLUSIVE`) and waits for every other connection to let go.
 */
export async function ensureMigrated(
  connection: Connection,
  target: DatabaseTarget,
  log: StoreLog,
  options: MigrationOptions = {},
): Promise<{ connection: Connection; outcome: MigrationOutcome }> {
  const started = performance.now();
  const timeoutMs = options.deployTimeoutMs ?? DEFAULT_DEPLOY_TIMEOUT_MS;
  const root = findProjectRoot();
  const pending = await pendingMigrations(connection.use, target, root);
  if (pending.length === 0) {
    const outcome: MigrationOutcome = { path: "fast", applied: [], durationMs: performance.now() - started };
    log("store.migrations.up_to_date", { kind: target.kind, durationMs: Math.round(outcome.durationMs) });
    return { connection, outcome };
  }

  log("store.migrations.deploying", { kind: target.kind, pending });
  if (target.kind === "sqlite") await connection.close();
  await withMigrationLock(target, timeoutMs, async () => {
    // Another process may have migrated while this one waited for the lock.
    const check = target.kind === "sqlite" ? await connect(target, log) : connection;
    const stillPending = await pendingMigrations(check.use, target, root).finally(async () => {
      if (check !== connection) await check.close();
    });
    if (stillPending.length > 0) await runMigrateDeploy(target, root, timeoutMs);
  });
  const current = target.kind === "sqlite" ? await connect(target, log) : connection;

  const stillPending = await pendingMigrations(current.use, target, root);
  if (stillPending.length > 0) {
    await current.close();
    throw new MigrationError(
      `prisma migrate deploy finished, but ${stillPending.join(", ")} ${stillPending.length === 1 ? "is" : "are"} still not ` +
        `recorded as applied in ${redactDatabaseUrl(target.url)}. Run \`npm run db:migrate\` with the same DATABASE_URL and read its output.`,
    );
  }
  const outcome: MigrationOutcome = { path: "slow", applied: pending, durationMs: performance.now() - started };
  log("store.migrations.applied", { kind: target.kind, applied: pending, durationMs: Math.round(outcome.durationMs) });
  return { connection: current, outcome };
}

/**
 * One migrating process at a time per database, so concurrent start-ups queue up, re-check,
 * and find nothing left to do, instead of racing `prisma migrate deploy` against each other.
 *  - PostgreSQL: a session advisory lock keyed by the schema, on a connection of its own.
 *    (Deploy takes Prisma's own lock too, but gives up after 10 s of waiting.)
 *  - SQLite: a lock file beside the database, holding the owner's pid so a lock left by a
 *    dead process is recognised and removed. Embedded mode runs on one host, so a pid is
 *    meaningful.
 */
async function withMigrationLock(target: DatabaseTarget, timeoutMs: number, work: () => Promise<void>): Promise<void> {
  if (target.kind === "postgresql") {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: target.connectionString });
    await client.connect();
    try {
      await client.query(`SET lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`);
      const key = ["fingerprint-gateway:migrate", target.schema ?? ""];
      await client.query("SELECT pg_advisory_lock(hashtext($1), hashtext($2))", key);
      try {
        await work();
      } finally {
        await client.query("SELECT pg_advisory_unlock(hashtext($1), hashtext($2))", key);
      }
    } finally {
      await client.end();
    }
    return;
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
    await work();
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

function prismaCliPath(): string {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve("prisma/package.json");
  const bin = (JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { bin: { prisma: string } }).bin.prisma;
  return path.join(path.dirname(pkgJson), bin);
}

async function runMigrateDeploy(target: DatabaseTarget, root: string, timeoutMs: number): Promise<void> {
  const config = configFile(root, target.kind);
  const args = [
    // Lets the CLI exit when done instead of idling 10 s on a timer the schema engine leaves armed.
    "--import",
    pathToFileURL(path.join(root, "prisma", "exit-when-done.mjs")).href,
    prismaCliPath(),
    "migrate",
    "deploy",
    "--config",
    config,
  ];
  const { code, signal, output, timedOut } = await new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    output: string;
    timedOut: boolean;
  }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: target.url,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
        NO_COLOR: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, timedOut });
    });
  });
  if (code === 0) return;

  const relConfig = path.relative(root, config);
  const tail = output.trim().split("\n").slice(-25).join("\n");
  const why = timedOut ? `did not finish within ${timeoutMs} ms` : `exited with ${signal ?? `code ${code}`}`;
  throw new MigrationError(
    `Database migrations could not be applied to ${redactDatabaseUrl(target.url)}: prisma migrate deploy ${why}.\n` +
      `${tail}\n` +
      `What to do: make sure DATABASE_URL points at a reachable database the gateway may create tables in, ` +
      `then restart the gateway, or run \`npm run db:migrate\` (npx prisma migrate deploy --config ${relConfig}) to see the full output. ` +
      `If a migration failed half-way (P3009), repair the database and mark it with ` +
      `\`npx prisma migrate resolve --rolled-back <migration> --config ${relConfig}\` before retrying.`,
  );
}
