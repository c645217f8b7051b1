/**
 * IntentWrites on SQLite: statements prepared once on a better-sqlite3 connection of the
 * store's own (client.ts), instead of Prisma. See intent-writes.ts for why.
 *
 * Safe beside the adapter's connection because every write here runs inside a store unit
 * (`use`): no Prisma transaction of this process is open meanwhile, so this connection never
 * waits for a write lock its own process holds. Another process's lock is waited for up to
 * the busy timeout, exactly as the adapter's connection does.
 *
 * Values are stored as Prisma stores them (sql-values.ts), so Prisma reads and compares them
 * unchanged; a unique violation is reported as Prisma's P2002 (raw-writes.ts).
 */
import type { Database, Statement } from "better-sqlite3";
import type { FingerprintBackend } from "../domain/model.js";
import type { UseDb } from "./client.js";
import { intentMissing, type IntentCompletion, type IntentWrites, type PendingIntentRow } from "./intent-writes.js";
import { asModelError } from "./raw-writes.js";
import { sqliteDateTime, sqliteValue } from "./sql-values.js";

interface Statements {
  insertPending: Statement;
  setBackend: Statement;
  setBackendLibraryId: Statement;
  setFailed: Statement;
  succeed: Statement;
}

export class SqliteIntentWrites implements IntentWrites {
  private statements?: Statements;
  private readonly libraryInserts = new Map<string, Statement>();

  constructor(
    private readonly use: UseDb,
    /** The store's writable better-sqlite3 connection (opened on first use, after migrations). */
    private readonly writer: () => Database,
  ) {}

  insertPending(row: PendingIntentRow): Promise<void> {
    return this.run((s) => {
      s.insertPending.run(
        row.id,
        row.tenantId,
        row.idempotencyKey,
        row.inputHash,
        row.state,
        row.input,
        row.region,
        sqliteDateTime(row.createdAt),
        sqliteDateTime(row.updatedAt),
      );
    });
  }

  setBackend(id: string, backend: FingerprintBackend, now: Date): Promise<void> {
    return this.run((s) => expectOne(s.setBackend.run(backend, sqliteDateTime(now), id).changes, id));
  }

  setBackendLibraryId(id: string, backendLibraryId: string, now: Date): Promise<void> {
    return this.run((s) => expectOne(s.setBackendLibraryId.run(backendLibraryId, sqliteDateTime(now), id).changes, id));
  }

  setFailed(id: string, errorCode: string, errorMessage: string, now: Date): Promise<void> {
    return this.run((s) => expectOne(s.setFailed.run(errorCode, errorMessage, sqliteDateTime(now), id).changes, id));
  }

  complete(id: string, library: Record<string, unknown>, completion: IntentCompletion): Promise<void> {
    return this.run((s, db) => {
      const columns = Object.keys(library);
      const insert = this.libraryInsert(db, columns);
      // better-sqlite3's transaction: BEGIN, the function, COMMIT; ROLLBACK if it throws.
      db.transaction(() => {
        insert.run(...columns.map((column) => sqliteValue(library[column])));
        const changes = s.succeed.run(
          completion.libraryId,
          completion.backend,
          completion.backendLibraryId,
          sqliteDateTime(completion.updatedAt),
          id,
        ).changes;
        expectOne(changes, id);
      })();
    });
  }

  /** One store unit; the statements are prepared on the first one. */
  private run(work: (statements: Statements, db: Database) => void): Promise<void> {
    return this.use(async () => {
      const db = this.writer();
      try {
        work((this.statements ??= prepare(db)), db);
      } catch (error) {
        throw asModelError(error);
      }
    });
  }

  private libraryInsert(db: Database, columns: string[]): Statement {
    const key = columns.join(",");
    let statement = this.libraryInserts.get(key);
    if (!statement) {
      statement = db.prepare(
        `INSERT INTO "Library" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
      );
      this.libraryInserts.set(key, statement);
    }
    return statement;
  }
}

function expectOne(changes: number, id: string): void {
  if (changes === 0) throw intentMissing(id);
}

function prepare(db: Database): Statements {
  return {
    insertPending: db.prepare(
      `INSERT INTO "CreateIntent" ("id", "tenantId", "idempotencyKey", "inputHash", "state", "input", "region", "createdAt", "updatedAt")
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    setBackend: db.prepare(`UPDATE "CreateIntent" SET "backend" = ?, "updatedAt" = ? WHERE "id" = ?`),
    setBackendLibraryId: db.prepare(`UPDATE "CreateIntent" SET "backendLibraryId" = ?, "updatedAt" = ? WHERE "id" = ?`),
    setFailed: db.prepare(`UPDATE "CreateIntent" SET "state" = 'FAILED', "errorCode" = ?, "errorMessage" = ?, "updatedAt" = ? WHERE "id" = ?`),
    succeed: db.prepare(
      `UPDATE "CreateIntent" SET "state" = 'SUCCEEDED', "libraryId" = ?, "backend" = ?, "backendLibraryId" = ?,
         "errorCode" = NULL, "errorMessage" = NULL, "updatedAt" = ? WHERE "id" = ?`,
    ),
  };
}
