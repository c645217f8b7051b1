/**
 * The store: the gateway's persistence, on Prisma over SQLite (embedded mode) or PostgreSQL
 * (scale-out mode), chosen by DATABASE_URL. Nothing outside src/store imports Prisma.
 *
 * `openStore` returns only when the database is usable: connected, tuned (SQLite: WAL and a
 * busy timeout) and migrated to the schema this code was built with (see migrations.ts).
 */
import { connect, type Connection, type StoreLog } from "./client.js";
import { CreateIntents } from "./create-intents.js";
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactDatabaseUrl } from "./database-url.js";
import { DuplicateSearches } from "./duplicate-searches.js";
import type { DuplicateSearchRepository, JobRepository } from "./job-ports.js";
import { JobStore } from "./job-store.js";
import type { Clock } from "./clock.js";
import { Leases } from "./leases.js";
import { LibraryEventLog } from "./library-event-log.js";
import { LibraryRegistry } from "./library-registry.js";
import { ensureMigrated, MigrationError, type MigrationOutcome } from "./migrations.js";
import type {
  CreateIntentRepository,
  LeaseRepository,
  EventLogRepository,
  LibraryRepository,
  Store,
} from "./ports.js";

export * from "./ports.js";
export * from "./job-ports.js";
export { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactDatabaseUrl } from "./database-url.js";
export { MigrationError, type MigrationOutcome } from "./migrations.js";

export interface OpenStoreOptions {
  /** file:./data/gateway.db (SQLite) or postgresql://... / postgres://... (optionally ?schema=name). */
  databaseUrl: string;
  log?: StoreLog;
  /**
   * Where createdAt/updatedAt, event times and lease expiries come from; tests pin it to write
   * rows with equal timestamps and to expire leases without waiting.
   */
  now?: Clock;
  /** How long to wait for another process that is migrating the same database (default 120 s). */
  migrateTimeoutMs?: number;
}

/** A Store, plus how its start-up migration went (for logs, tests and the bench). */
export interface OpenedStore extends Store {
  readonly migration: MigrationOutcome;
}

class PrismaStore implements OpenedStore {
  readonly libraries: LibraryRepository;
  readonly intents: CreateIntentRepository;
  readonly events: EventLogRepository;
  readonly leases: LeaseRepository;
  readonly jobs: JobRepository;
  readonly searches: DuplicateSearchRepository;
  readonly kind: Store["kind"];
  private closed = false;

  constructor(
    private readonly connection: Connection,
    readonly migration: MigrationOutcome,
    now: Clock,
  ) {
    this.kind = connection.kind;
    const libraries = new LibraryRegistry(connection.sql, now);
    this.libraries = libraries;
    this.intents = new CreateIntents(connection.sql, now);
    this.events = new LibraryEventLog(connection.sql);
    this.leases = new Leases(connection.sql, now);
    this.jobs = new JobStore(connection.sql, now);
    this.searches = new DuplicateSearches(connection.sql, now);
  }

  async ping(): Promise<void> {
    await this.connection.sql.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.close();
  }
}

export async function openStore(options: OpenStoreOptions): Promise<OpenedStore> {
  const log: StoreLog = options.log ?? (() => {});
  const target = parseDatabaseUrl(options.databaseUrl || DEFAULT_DATABASE_URL);
  const where = target.kind === "sqlite" ? target.file : redactDatabaseUrl(target.url);
  let connection: Connection;
  try {
    connection = await connect(target, log);
  } catch (error) {
    throw cannotOpen(where, error);
  }
  try {
    const migrated = await ensureMigrated(connection, target, log, { lockTimeoutMs: options.migrateTimeoutMs });
    connection = migrated.connection;
    const migration = migrated.outcome;
    log("store.opened", { kind: target.kind, database: where, migrationPath: migration.path });
    return new PrismaStore(connection, migration, options.now ?? (() => new Date()));
  } catch (error) {
    await connection.close().catch(() => {});
    throw error instanceof MigrationError ? error : cannotOpen(where, error);
  }
}

function cannotOpen(where: string, error: unknown): Error {
  // Prisma's messages start with the invocation; the last line says what went wrong.
  const lines = (error instanceof Error ? error.message : String(error)).split("\n").filter((line) => line.trim());
  return new Error(
    `Cannot open the database named by DATABASE_URL (${where}): ${lines.at(-1)?.trim() ?? "unknown error"}. ` +
      `Check that the server is running and the URL, user and database are right.`,
    { cause: error },
  );
}
