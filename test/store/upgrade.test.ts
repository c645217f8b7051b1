/**
 * A database made by an earlier release (only the first migration applied, with data in it)
 * is brought up to date by openStore's slow path, and the later migrations backfill what the
 * new columns need. The earlier state is made with Prisma's own `migrate deploy`, pointed at a
 * copy of the migrations folder that holds only the first migration.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shardOf } from "../../src/domain/model.js";
import { connect } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { openStore, type OpenedStore } from "../../src/store/index.js";
import { configFile, findProjectRoot, migrationsDir, shippedMigrations } from "../../src/store/migrations.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { ManualClock } from "./fixtures.js";
import { rawAll, rawRun } from "../support/raw-sql.js";

announcePostgresqlCoverage("store upgrade");

const root = findProjectRoot();

/** Applies only the first `count` shipped migrations to the database at `url`. */
function deployFirstMigrations(kind: DatabaseKind["name"], url: string, count: number): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gateway-old-migrations-"));
  try {
    const source = migrationsDir(root, kind);
    const target = path.join(tmp, "migrations");
    fs.mkdirSync(target);
    fs.copyFileSync(path.join(source, "migration_lock.toml"), path.join(target, "migration_lock.toml"));
    for (const name of shippedMigrations(source).slice(0, count)) {
      fs.cpSync(path.join(source, name), path.join(target, name), { recursive: true });
    }
    // The project's config (its adapter set-up), with the migrations folder swapped.
    const config = path.join(tmp, `${kind}.config.ts`);
    fs.writeFileSync(
      config,
      `import base from ${JSON.stringify(configFile(root, kind))};\n` +
        `export default { ...base, migrations: { ...base.migrations, path: ${JSON.stringify(target)} } };\n`,
    );
    const require = createRequire(import.meta.url);
    const pkg = require.resolve("prisma/package.json");
    const cli = path.join(path.dirname(pkg), JSON.parse(fs.readFileSync(pkg, "utf8")).bin.prisma);
    const result = spawnSync(
      process.execPath,
      ["--import", path.join(root, "prisma", "exit-when-done.mjs"), cli, "migrate", "deploy", "--config", config],
      {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1", NO_COLOR: "1" },
        encoding: "utf8",
      },
    );
    if (result.status !== 0) throw new Error(`migrate deploy of the first ${count} migration(s) failed:\n${result.stdout}${result.stderr}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

describe.each(databaseKinds)("store upgrade on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  const closeLater: OpenedStore[] = [];
  afterAll(async () => {
    await Promise.all(closeLater.map((store) => store.close()));
    await Promise.all(dropLater.map((db) => db.drop()));
  });

  it("applies the new migrations to a database that has the first one, backfilling shards and events", async () => {
    const db = await kind.fresh();
    dropLater.push(db);
    const shipped = shippedMigrations(migrationsDir(root, kind.name));
    expect(shipped.length).toBeGreaterThan(1);
    deployFirstMigrations(kind.name, db.url, 1);

    // Rows as the first release wrote them (raw SQL: the generated client knows only the new schema).
    const SECOND_HOLDER = "ffffffff-1111-4222-8333-999999999999";
    const ids = Array.from({ length: 40 }, (_, i) => `${(i * 7919).toString(16).padStart(8, "0")}-1111-4222-8333-${String(i).padStart(12, "0")}`);
    const stamp = kind.name === "sqlite" ? "2026-01-01T00:00:00.000+00:00" : "2026-01-01 00:00:00.000";
    let highestOldId = 0;
    const old = await connect(parseDatabaseUrl(db.url), () => {});
    try {
      for (const [i, id] of ids.entries()) {
        await rawRun(old, `INSERT INTO "Library" ("id", "tenantId", "backend", "backendLibraryId", "region", "name", "description", "model", "config", "status", "rawStatus", "createdAt", "updatedAt")
             VALUES ('${id}', 'tenant-old', 'MPS', 'fp-${i}', 'cn-shanghai', 'old ${i}', NULL, 'AUDIO', NULL, 'PAUSED', 'Paused', '${stamp}', '${stamp}')`);
      }
      // The old index was per tenant and region: another tenant could hold the same backend library.
      await rawRun(old, `INSERT INTO "Library" ("id", "tenantId", "backend", "backendLibraryId", "region", "name", "description", "model", "config", "status", "rawStatus", "createdAt", "updatedAt")
           VALUES ('${SECOND_HOLDER}', 'tenant-other', 'MPS', 'fp-0', 'cn-beijing', 'taken', NULL, 'AUDIO', NULL, 'PAUSED', 'Paused', '${stamp}', '${stamp}')`);
      for (const status of ["PAUSED", "ACTIVE"]) {
        await rawRun(old, `INSERT INTO "LibraryEvent" ("tenantId", "libraryId", "previousStatus", "status", "rawStatus", "occurredAt")
             VALUES ('tenant-old', '${ids[0]}', 'OFFLINE', '${status}', '${status.toLowerCase()}', '${stamp}')`);
      }
      // The newest event gone again: its id must still never be handed out twice.
      const [{ max }] = await rawAll<{ max: number }>(old, `SELECT MAX("id") AS "max" FROM "LibraryEvent"`);
      highestOldId = Number(max);
      await rawRun(old, `DELETE FROM "LibraryEvent" WHERE "id" = ${highestOldId}`);
    } finally {
      await old.close();
    }

    const clock = new ManualClock(Date.parse("2026-09-01T00:00:00.000Z"));
    const store = await openStore({ databaseUrl: db.url, now: clock.now });
    closeLater.push(store);
    expect(store.migration.path).toBe("slow");
    expect(store.migration.applied).toEqual(shipped.slice(1));

    // The per-key library counts start from the rows already there (library_counts backfill).
    expect(await store.libraries.count("tenant-old", {})).toBe(ids.length);
    expect(await store.libraries.count("tenant-old", { backend: "MPS", model: "AUDIO", status: "PAUSED", region: "cn-shanghai" })).toBe(ids.length);
    expect(await store.libraries.count("tenant-old", { status: "ACTIVE" })).toBe(0);

    // Every old row is in its shard.
    const check = await connect(parseDatabaseUrl(db.url), () => {});
    try {
      const rows = await rawAll<{ id: string; shard: number }>(check, `SELECT "id", "shard" FROM "Library"`);
      expect(rows.length).toBe(ids.length + 1);
      for (const row of rows) expect(row.shard, row.id).toBe(shardOf(row.id));
      expect(new Set(rows.map((r) => r.shard)).size).toBeGreaterThan(4);
    } finally {
      await check.close();
    }
    // Every old row gets its tenant's account when the gateway starts, except the second holder of one backend library.
    const accounts = await store.libraries.assignLegacyAccounts(() => "default");
    expect(accounts.assigned).toBe(ids.length);
    expect(accounts.conflicts.map((l) => l.id)).toEqual([SECOND_HOLDER]);
    expect((await store.libraries.findByBackendId("default", "MPS", "fp-0"))?.id).toBe(ids[0]);
    expect(await store.libraries.assignLegacyAccounts(() => "default")).toEqual({ assigned: 0, conflicts: [expect.objectContaining({ id: SECOND_HOLDER })] });

    const due = await store.libraries.dueForCheck([shardOf(ids[0]!)], clock.now(), 100);
    expect(due.map((l) => l.id)).toContain(ids[0]);

    // The old event reads as a complete event.
    const [legacy] = await store.events.listAfter("tenant-old", 0, {}, 10);
    expect(legacy).toMatchObject({
      libraryId: ids[0],
      backend: "MPS",
      model: "AUDIO",
      previousStatus: "OFFLINE",
      status: "PAUSED",
      rawStatus: "paused",
      firstActivation: false,
      occurredAt: new Date("2026-01-01T00:00:00.000Z"),
    });
    expect(legacy!.library).toMatchObject({
      id: ids[0],
      name: "old 0",
      description: null,
      status: "PAUSED",
      createdAt: new Date("2026-01-01T00:00:00.000Z"),
      activatedAt: null,
    });

    // New events come after it.
    const { event } = await store.libraries.transition(ids[0]!, { status: "PAUSED", rawStatus: "Paused" }, { status: "ACTIVE", rawStatus: "Active" });
    expect(highestOldId).toBeGreaterThan(legacy!.id);
    expect(event!.id).toBeGreaterThan(highestOldId);
    expect(event!.firstActivation).toBe(true);
  });
});
