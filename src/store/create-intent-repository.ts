/**
 * Create intents: the write-ahead record of a create, and the idempotency key's record.
 *
 * `claim` is race-safe across processes without locks or transactions, by leaning on the
 * database's unique index on (tenantId, idempotencyKey):
 *  1. INSERT a PENDING row. The winner of a race is whoever's INSERT commits first; every
 *     other INSERT fails with a unique violation (P2002).
 *  2. A loser reads the existing row. If it is FAILED with the same input hash, the loser may
 *     take it over with a conditional UPDATE ... WHERE state = 'FAILED'. Only one concurrent
 *     UPDATE can match (the row lock makes the others re-check the WHERE and find PENDING),
 *     so at most one caller gets claimed: true; the rest get the record as it now is.
 * Intents without a key never collide: NULLs are distinct in unique indexes on both SQLite
 * and PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import type { Library } from "../domain/library.js";
import type { FingerprintBackend } from "../domain/model.js";
import type { UseDb } from "./client.js";
import type { Library as LibraryRow } from "./generated/postgresql/client.js";
import type { Clock, PrismaLibraryRepository } from "./library-repository.js";
import { toCreateIntent, toLibrary } from "./mapping.js";
import type { ClaimResult, CreateIntent, CreateIntentRepository, NewLibrary } from "./ports.js";
import type { IntentWrites, PendingIntentRow } from "./intent-writes.js";
import { isUniqueViolation } from "./prisma-errors.js";

export class PrismaCreateIntentRepository implements CreateIntentRepository {
  constructor(
    private readonly use: UseDb,
    /** The create path's writes (claim's INSERT, the marks, complete); see intent-writes.ts. */
    private readonly writes: IntentWrites,
    private readonly libraries: PrismaLibraryRepository,
    private readonly now: Clock = () => new Date(),
  ) {}

  async claim(intent: {
    tenantId: string;
    idempotencyKey: string | null;
    inputHash: string;
    input: string;
    region: string;
  }): Promise<ClaimResult> {
    const now = this.now();
    const row: PendingIntentRow = {
      id: randomUUID(),
      tenantId: intent.tenantId,
      idempotencyKey: intent.idempotencyKey,
      inputHash: intent.inputHash,
      state: "PENDING",
      input: intent.input,
      region: intent.region,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.writes.insertPending(row);
      // The row is known in full, so nothing is read back.
      const unset = { backend: null, backendLibraryId: null, libraryId: null, errorCode: null, errorMessage: null };
      return { claimed: true, intent: toCreateIntent({ ...row, ...unset }) };
    } catch (error) {
      if (!isUniqueViolation(error) || intent.idempotencyKey === null) throw error;
    }

    const key = { tenantId: intent.tenantId, idempotencyKey: intent.idempotencyKey };
    const existing = await this.use((db) => db.createIntent.findFirst({ where: key }));
    if (!existing) {
      // Rows are never deleted, so a key that just collided cannot vanish.
      throw new Error(`Create intent for idempotency key "${intent.idempotencyKey}" collided but cannot be read back.`);
    }
    if (existing.state !== "FAILED" || existing.inputHash !== intent.inputHash) {
      return { claimed: false, intent: toCreateIntent(existing) };
    }

    // A retry of a create that failed: take the record over, as a fresh attempt. The earlier
    // attempt's backend fields stay: a create that failed ambiguously (a timeout, a 5xx)
    // may have made a library after all, and the service looks for it there first.
    const takeover = {
      state: "PENDING",
      input: intent.input,
      region: intent.region,
      libraryId: null,
      errorCode: null,
      errorMessage: null,
      updatedAt: this.now(),
    };
    const { count } = await this.use((db) =>
      db.createIntent.updateMany({ where: { id: existing.id, state: "FAILED" }, data: takeover }),
    );
    const current = await this.use((db) => db.createIntent.findUniqueOrThrow({ where: { id: existing.id } }));
    return { claimed: count === 1, intent: toCreateIntent(current) };
  }

  async findById(id: string): Promise<CreateIntent | null> {
    const row = await this.use((db) => db.createIntent.findUnique({ where: { id } }));
    return row && toCreateIntent(row);
  }

  async markCalling(id: string, backend: FingerprintBackend): Promise<void> {
    await this.writes.setBackend(id, backend, this.now());
  }

  async markBackendCreated(id: string, backendLibraryId: string): Promise<void> {
    await this.writes.setBackendLibraryId(id, backendLibraryId, this.now());
  }

  async complete(id: string, library: NewLibrary): Promise<Library> {
    // The library id is made here, so the intent can point at it without reading the insert back.
    const data = this.libraries.newLibraryData(library);
    const completion = { libraryId: data.id, backend: library.backend, backendLibraryId: library.backendLibraryId, updatedAt: this.now() };
    try {
      await this.writes.complete(id, data, completion);
    } catch (error) {
      throw this.libraries.translateInsertError(error, library);
    }
    // What the insert stored: newLibraryData's columns plus the columns' defaults.
    return toLibrary({ ...data, deleteJobId: null, nextCheckAt: null, checkCount: 0 } as LibraryRow);
  }

  async markFailed(id: string, errorCode: string, errorMessage: string): Promise<void> {
    await this.writes.setFailed(id, errorCode, errorMessage, this.now());
  }

  async takeOverStale(id: string, olderThan: Date): Promise<boolean> {
    // Conditional on the staleness it was judged by: a contender that comes second sees the
    // bumped updatedAt, matches nothing, and gets false.
    const bumped = { updatedAt: this.now() };
    const { count } = await this.use((db) =>
      db.createIntent.updateMany({ where: { id, state: "PENDING", updatedAt: { lt: olderThan } }, data: bumped }),
    );
    return count === 1;
  }

  async listPending(olderThan: Date): Promise<CreateIntent[]> {
    const rows = await this.use((db) =>
      db.createIntent.findMany({
        where: { state: "PENDING", updatedAt: { lt: olderThan } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    );
    return rows.map(toCreateIntent);
  }
}
