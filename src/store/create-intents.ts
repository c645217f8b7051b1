/**
 * Create intents: the write-ahead record of a create, and the idempotency key's record.
 *
 * Every write here is a create's own overhead on top of the backend call (issue #7), so each
 * is one fixed statement, prepared once per SQLite connection (~0.02 ms a run) or named once
 * per PostgreSQL connection, and nothing is read back that is already known. Through Prisma
 * model calls a create's four writes cost ~0.7–0.9 ms of CPU each (the query compiled in
 * WebAssembly every time, a RETURNING row mapped back); hand SQL took the gateway's CPU per
 * create from ~9 ms to ~3 ms (`npm run bench:creates`, gatewayCpuMsPerCreate; bench/README.md).
 *
 * `claim` is race-safe across processes without locks or transactions, by leaning on the
 * database's unique index on (tenantId, idempotencyKey):
 *  1. INSERT a PENDING row. The winner of a race is whoever's INSERT commits first; every
 *     other INSERT fails with a unique violation.
 *  2. A loser reads the existing row. If it is FAILED with the same input hash, the loser may
 *     take it over with a conditional UPDATE ... WHERE state = 'FAILED'. Only one concurrent
 *     UPDATE can match (the row lock makes the others re-check the WHERE and find PENDING),
 *     so at most one caller gets claimed: true; the rest get the record as it now is.
 * Intents without a key never collide: NULLs are distinct in unique indexes on both SQLite
 * and PostgreSQL.
 *
 * A crash at any point leaves a state the reconciler (create-recovery.ts) can finish from:
 * the intent is written before the backend is called, the backend's id the moment it
 * answers, and the library row together with SUCCEEDED in one transaction.
 */
import { randomUUID } from "node:crypto";
import type { Library } from "../domain/library.js";
import type { FingerprintBackend } from "../domain/model.js";
import { CREATE_INTENT_SELECT, toCreateIntent, type CreateIntentRow } from "./create-intent-columns.js";
import { INSERT_LIBRARY, insertLibraryParams, libraryInsertError, libraryOfNewRow, newLibraryRow } from "./library-columns.js";
import { type ClaimResult, type CreateIntent, type CreateIntentRepository, type NewLibrary } from "./ports.js";
import { sql, type SqlDatabase } from "./sql/database.js";
import { isUniqueViolation } from "./sql/unique-violation.js";

const INSERT_PENDING = sql(
  `INSERT INTO "CreateIntent" ("id", "tenantId", "idempotencyKey", "inputHash", "state", "input", "region", "createdAt", "updatedAt")
   VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $7)`,
);
const BY_ID = sql<CreateIntentRow>(`SELECT ${CREATE_INTENT_SELECT} FROM "CreateIntent" WHERE "id" = $1`);
const BY_KEY = sql<CreateIntentRow>(`SELECT ${CREATE_INTENT_SELECT} FROM "CreateIntent" WHERE "tenantId" = $1 AND "idempotencyKey" = $2`);
/**
 * A retry of a create that failed: the record becomes a fresh attempt. The earlier attempt's
 * backend fields stay: a create that failed ambiguously (a timeout, a 5xx) may have made a
 * library after all, and the service looks for it there first.
 */
const TAKE_OVER_FAILED = sql(
  `UPDATE "CreateIntent" SET "state" = 'PENDING', "input" = $1, "region" = $2, "libraryId" = NULL,
     "errorCode" = NULL, "errorMessage" = NULL, "updatedAt" = $3
   WHERE "id" = $4 AND "state" = 'FAILED'`,
);
const SET_BACKEND = sql(`UPDATE "CreateIntent" SET "backend" = $1, "updatedAt" = $2 WHERE "id" = $3`);
const SET_BACKEND_LIBRARY_ID = sql(`UPDATE "CreateIntent" SET "backendLibraryId" = $1, "updatedAt" = $2 WHERE "id" = $3`);
const SET_FAILED = sql(
  `UPDATE "CreateIntent" SET "state" = 'FAILED', "errorCode" = $1, "errorMessage" = $2, "updatedAt" = $3 WHERE "id" = $4`,
);
const SET_SUCCEEDED = sql(
  `UPDATE "CreateIntent" SET "state" = 'SUCCEEDED', "libraryId" = $1, "backend" = $2, "backendLibraryId" = $3,
     "errorCode" = NULL, "errorMessage" = NULL, "updatedAt" = $4
   WHERE "id" = $5`,
);
/**
 * Conditional on the staleness it was judged by: a contender that comes second sees the
 * bumped updatedAt, matches nothing, and gets false. (Dates compare as dates on PostgreSQL
 * and as text on SQLite, whose one stored format sorts in time order: sql/values.ts.)
 */
const TAKE_OVER_STALE = sql(
  `UPDATE "CreateIntent" SET "updatedAt" = $1 WHERE "id" = $2 AND "state" = 'PENDING' AND "updatedAt" < $3`,
);
const PENDING_BEFORE = sql<CreateIntentRow>(
  `SELECT ${CREATE_INTENT_SELECT} FROM "CreateIntent" WHERE "state" = 'PENDING' AND "updatedAt" < $1 ORDER BY "createdAt", "id"`,
);

export class CreateIntents implements CreateIntentRepository {
  constructor(
    private readonly db: SqlDatabase,
    /** Where createdAt/updatedAt come from (the store's clock; tests pin it). */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(intent: {
    tenantId: string;
    idempotencyKey: string | null;
    inputHash: string;
    input: string;
    region: string;
  }): Promise<ClaimResult> {
    const id = randomUUID();
    const now = this.now();
    try {
      await this.db.run(INSERT_PENDING, [id, intent.tenantId, intent.idempotencyKey, intent.inputHash, intent.input, intent.region, now]);
      // The row is known in full, so nothing is read back.
      return {
        claimed: true,
        intent: {
          id,
          tenantId: intent.tenantId,
          idempotencyKey: intent.idempotencyKey,
          inputHash: intent.inputHash,
          state: "PENDING",
          input: intent.input,
          region: intent.region,
          backend: null,
          backendLibraryId: null,
          libraryId: null,
          errorCode: null,
          errorMessage: null,
          createdAt: now,
          updatedAt: now,
        },
      };
    } catch (error) {
      if (!isUniqueViolation(error) || intent.idempotencyKey === null) throw error;
    }

    const existing = await this.db.one(BY_KEY, [intent.tenantId, intent.idempotencyKey]);
    if (!existing) {
      // Rows are never deleted, so a key that just collided cannot vanish.
      throw new Error(`Create intent for idempotency key "${intent.idempotencyKey}" collided but cannot be read back.`);
    }
    if (existing.state !== "FAILED" || existing.inputHash !== intent.inputHash) {
      return { claimed: false, intent: toCreateIntent(existing) };
    }

    const taken = await this.db.run(TAKE_OVER_FAILED, [intent.input, intent.region, this.now(), existing.id]);
    const current = await this.db.one(BY_ID, [existing.id]);
    if (!current) throw intentMissing(existing.id);
    return { claimed: taken === 1, intent: toCreateIntent(current) };
  }

  async findById(id: string): Promise<CreateIntent | null> {
    const row = await this.db.one(BY_ID, [id]);
    return row ? toCreateIntent(row) : null;
  }

  async markCalling(id: string, backend: FingerprintBackend): Promise<void> {
    expectOne(await this.db.run(SET_BACKEND, [backend, this.now(), id]), id);
  }

  async markBackendCreated(id: string, backendLibraryId: string): Promise<void> {
    expectOne(await this.db.run(SET_BACKEND_LIBRARY_ID, [backendLibraryId, this.now(), id]), id);
  }

  /**
   * In one transaction: insert the library row, then mark the intent SUCCEEDED pointing at
   * it. The library goes first because the intent's libraryId is a foreign key to it; a
   * missing intent rolls both back. The library's id is made here, so the intent can point at
   * it without reading the insert back.
   */
  async complete(id: string, library: NewLibrary): Promise<Library> {
    const now = this.now();
    const row = newLibraryRow(library, now);
    try {
      await this.db.transaction(async (tx) => {
        await tx.run(INSERT_LIBRARY, insertLibraryParams(row));
        expectOne(await tx.run(SET_SUCCEEDED, [row.id, library.backend, library.backendLibraryId, now, id]), id);
      });
    } catch (error) {
      throw libraryInsertError(error, library);
    }
    return libraryOfNewRow(row);
  }

  async markFailed(id: string, errorCode: string, errorMessage: string): Promise<void> {
    expectOne(await this.db.run(SET_FAILED, [errorCode, errorMessage, this.now(), id]), id);
  }

  async takeOverStale(id: string, olderThan: Date): Promise<boolean> {
    return (await this.db.run(TAKE_OVER_STALE, [this.now(), id, olderThan])) === 1;
  }

  async listPending(olderThan: Date): Promise<CreateIntent[]> {
    return (await this.db.all(PENDING_BEFORE, [olderThan])).map(toCreateIntent);
  }
}

function expectOne(changes: number, id: string): void {
  if (changes === 0) throw intentMissing(id);
}

function intentMissing(id: string): Error {
  return new Error(`Create intent ${id} does not exist.`);
}
