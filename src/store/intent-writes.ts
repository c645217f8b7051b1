/**
 * The writes a create makes on its intent, as one small port with one implementation per
 * database, because they are the gateway's own overhead on every create (issue #7):
 *  - SQLite (intent-writes-sqlite.ts): prepared statements on a better-sqlite3 connection of
 *    the store's own, ~0.02 ms each;
 *  - PostgreSQL (intent-writes-prisma.ts): fixed SQL through Prisma's `$executeRaw`.
 * A Prisma model call costs ~0.7–0.9 ms of CPU here (its query is compiled in WebAssembly
 * every time and a RETURNING row mapped back), and a create made four of them.
 *
 * Every method runs inside one store unit (`use`), so on SQLite it never overlaps a Prisma
 * transaction of this process. Errors: a unique violation is reported as Prisma's P2002 (see
 * raw-writes.ts), a missing intent as "Create intent <id> does not exist.".
 */
import type { FingerprintBackend } from "../domain/model.js";

/** A PENDING intent as claim inserts it. */
export interface PendingIntentRow {
  id: string;
  tenantId: string;
  idempotencyKey: string | null;
  inputHash: string;
  state: "PENDING";
  input: string;
  region: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface IntentCompletion {
  libraryId: string;
  backend: FingerprintBackend;
  backendLibraryId: string;
  updatedAt: Date;
}

export interface IntentWrites {
  insertPending(row: PendingIntentRow): Promise<void>;
  setBackend(id: string, backend: FingerprintBackend, now: Date): Promise<void>;
  setBackendLibraryId(id: string, backendLibraryId: string, now: Date): Promise<void>;
  setFailed(id: string, errorCode: string, errorMessage: string, now: Date): Promise<void>;
  /**
   * In one transaction: insert the library row (its scalar columns, as library-repository's
   * newLibraryData makes them), then mark the intent SUCCEEDED pointing at it. The library
   * goes first because the intent's libraryId is a foreign key to it; a missing intent rolls
   * both back.
   */
  complete(id: string, library: Record<string, unknown>, completion: IntentCompletion): Promise<void>;
}

export function intentMissing(id: string): Error {
  return new Error(`Create intent ${id} does not exist.`);
}
