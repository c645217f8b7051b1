/**
 * The create path writes its intent and library without Prisma's query builder
 * (src/store/intent-writes*.ts). What it stores must read back through Prisma exactly as a
 * model write would, or Prisma's own filters (updatedAt < cutoff) would compare wrongly.
 */
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { openStore, type OpenedStore } from "../../src/store/index.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";

announcePostgresqlCoverage("store intent writes");

describe.each(databaseKinds)("create-path writes on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  const closeLater: OpenedStore[] = [];
  afterAll(async () => {
    await Promise.all(closeLater.map((store) => store.close()));
    await Promise.all(dropLater.map((db) => db.drop()));
  });

  it("stores what Prisma stores, in the same format", async () => {
    const db = await kind.fresh();
    dropLater.push(db);
    const at = new Date("2026-03-04T05:06:07.089Z");
    const store = await openStore({ databaseUrl: db.url, now: () => at });
    closeLater.push(store);

    const { intent } = await store.intents.claim({ tenantId: "t", idempotencyKey: "k", inputHash: "h", input: "{}", region: "cn-shanghai" });
    await store.intents.markCalling(intent.id, "MPS");
    await store.intents.markBackendCreated(intent.id, "fp-1");
    const library = await store.intents.complete(intent.id, {
      tenantId: "t",
      account: "default",
      backend: "MPS",
      backendLibraryId: "fp-1",
      region: "cn-shanghai",
      name: "n",
      description: null,
      model: "IMAGE",
      config: '{"a":1}',
      status: "OFFLINE",
      rawStatus: "offline",
    });
    expect(await store.libraries.findById("t", library.id)).toEqual(library);
    expect(await store.intents.findById(intent.id)).toEqual({
      ...intent,
      state: "SUCCEEDED",
      backend: "MPS",
      backendLibraryId: "fp-1",
      libraryId: library.id,
      createdAt: at,
      updatedAt: at,
    });
    // Prisma's own comparison on the column finds it on the right side of a cutoff.
    expect(await store.intents.listPending(new Date(at.getTime() + 1))).toEqual([]);

    // Byte for byte what a Prisma model write stores (SQLite keeps DateTime as text).
    const connection = await connect(parseDatabaseUrl(db.url), () => {});
    try {
      await connection.use((d) =>
        d.createIntent.create({
          data: { id: "by-prisma", tenantId: "t", inputHash: "h", state: "PENDING", input: "{}", region: "r", createdAt: at, updatedAt: at },
        }),
      );
      const stored = await connection.use((d) =>
        d.$queryRawUnsafe<Array<{ id: string; createdAt: unknown; updatedAt: unknown }>>(
          `SELECT "id", CAST("createdAt" AS TEXT) AS "createdAt", CAST("updatedAt" AS TEXT) AS "updatedAt" FROM "CreateIntent" ORDER BY "id"`,
        ),
      );
      const [byPrisma] = stored.filter((row) => row.id === "by-prisma");
      const [byStore] = stored.filter((row) => row.id === intent.id);
      expect(byStore!.createdAt).toBe(byPrisma!.createdAt);
      expect(byStore!.updatedAt).toBe(byPrisma!.updatedAt);
    } finally {
      await connection.close();
    }
  });

  it("reports a missing intent and leaves no library behind", async () => {
    const db = await kind.fresh();
    dropLater.push(db);
    const store = await openStore({ databaseUrl: db.url });
    closeLater.push(store);
    await expect(store.intents.markCalling("nope", "ICE")).rejects.toThrow(/Create intent nope does not exist/);
    await expect(store.intents.markFailed("nope", "X", "y")).rejects.toThrow(/does not exist/);
    await expect(
      store.intents.complete("nope", {
        tenantId: "t", account: "default", backend: "ICE", backendLibraryId: "d-1", region: "r", name: "orphan", description: null, model: "VIDEO", config: null, status: "OFFLINE", rawStatus: "offline",
      }),
    ).rejects.toThrow(/does not exist/);
    expect(await store.libraries.count("t", {})).toBe(0);
  });
});
