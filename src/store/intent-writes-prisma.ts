/** IntentWrites on PostgreSQL: fixed SQL through Prisma's `$executeRaw` (see intent-writes.ts). */
import type { FingerprintBackend } from "../domain/model.js";
import type { UseDb } from "./client.js";
import { intentMissing, type IntentCompletion, type IntentWrites, type PendingIntentRow } from "./intent-writes.js";
import { asModelError, insertStatement } from "./raw-writes.js";

export class PrismaIntentWrites implements IntentWrites {
  constructor(private readonly use: UseDb) {}

  async insertPending(row: PendingIntentRow): Promise<void> {
    try {
      await this.use(
        (db) => db.$executeRaw`INSERT INTO "CreateIntent" ("id", "tenantId", "idempotencyKey", "inputHash", "state", "input", "region", "createdAt", "updatedAt")
          VALUES (${row.id}, ${row.tenantId}, ${row.idempotencyKey}, ${row.inputHash}, ${row.state}, ${row.input}, ${row.region}, ${row.createdAt}, ${row.updatedAt})`,
      );
    } catch (error) {
      throw asModelError(error);
    }
  }

  async setBackend(id: string, backend: FingerprintBackend, now: Date): Promise<void> {
    const count = await this.use((db) => db.$executeRaw`UPDATE "CreateIntent" SET "backend" = ${backend}, "updatedAt" = ${now} WHERE "id" = ${id}`);
    if (count === 0) throw intentMissing(id);
  }

  async setBackendLibraryId(id: string, backendLibraryId: string, now: Date): Promise<void> {
    const count = await this.use(
      (db) => db.$executeRaw`UPDATE "CreateIntent" SET "backendLibraryId" = ${backendLibraryId}, "updatedAt" = ${now} WHERE "id" = ${id}`,
    );
    if (count === 0) throw intentMissing(id);
  }

  async setFailed(id: string, errorCode: string, errorMessage: string, now: Date): Promise<void> {
    const count = await this.use(
      (db) =>
        db.$executeRaw`UPDATE "CreateIntent" SET "state" = 'FAILED', "errorCode" = ${errorCode}, "errorMessage" = ${errorMessage}, "updatedAt" = ${now} WHERE "id" = ${id}`,
    );
    if (count === 0) throw intentMissing(id);
  }

  async complete(id: string, library: Record<string, unknown>, completion: IntentCompletion): Promise<void> {
    const insert = insertStatement("Library", library);
    try {
      // Interactive rather than a batch: the UPDATE's row count decides whether to roll back.
      await this.use((db) =>
        db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(insert.sql, ...insert.values);
          const count = await tx.$executeRaw`UPDATE "CreateIntent"
            SET "state" = 'SUCCEEDED', "libraryId" = ${completion.libraryId}, "backend" = ${completion.backend},
                "backendLibraryId" = ${completion.backendLibraryId}, "errorCode" = NULL, "errorMessage" = NULL, "updatedAt" = ${completion.updatedAt}
            WHERE "id" = ${id}`;
          if (count === 0) throw intentMissing(id);
        }),
      );
    } catch (error) {
      throw asModelError(error);
    }
  }
}
