/**
 * openStore applies migrations in-process (src/store/migration-runner.ts) instead of running
 * `prisma migrate deploy`. Prisma's CLI must still see such a database as its own: the same
 * `_prisma_migrations` table and rows as when the CLI migrates it, `migrate status` up to
 * date and `migrate deploy` with nothing to do. Each case drives the real CLI.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect } from "../../src/store/client.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { openStore } from "../../src/store/index.js";
import { configFile, findProjectRoot, migrationsDir, shippedMigrations } from "../../src/store/migrations.js";
import { announcePostgresqlCoverage, databaseKinds, type DatabaseKind, type TestDatabase } from "../support/databases.js";
import { rawAll, rawRun } from "../support/raw-sql.js";

announcePostgresqlCoverage("store prisma compatibility");

const root = findProjectRoot();

function prismaCli(kind: DatabaseKind["name"], url: string, args: string[]): { status: number | null; output: string } {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("prisma/package.json");
  const cli = path.join(path.dirname(pkg), JSON.parse(fs.readFileSync(pkg, "utf8")).bin.prisma);
  const result = spawnSync(
    process.execPath,
    ["--import", path.join(root, "prisma", "exit-when-done.mjs"), cli, ...args, "--config", configFile(root, kind)],
    { cwd: root, env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1", NO_COLOR: "1" }, encoding: "utf8" },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Bookkeeping {
  table: string[];
  rows: Array<{ migration_name: string; checksum: string; finished: boolean; rolled_back: boolean; logs: unknown; applied_steps_count: number }>;
}

/** The `_prisma_migrations` table's definition and rows, minus ids and times. */
async function bookkeeping(kind: DatabaseKind["name"], url: string): Promise<Bookkeeping> {
  const connection = await connect(parseDatabaseUrl(url), () => {});
  try {
    const table =
      kind === "sqlite"
        ? (
            await rawAll<{ name: string; type: string; notnull: bigint; dflt_value: string | null; pk: bigint }>(connection, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('_prisma_migrations')`)
          ).map((c) => `${c.name} ${c.type} ${c.notnull} ${c.dflt_value} ${c.pk}`)
        : (
            await rawAll<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null; len: number | null }>(connection, `SELECT column_name::text, data_type::text, is_nullable::text, column_default::text, character_maximum_length::int AS len
                 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '_prisma_migrations' ORDER BY ordinal_position`)
          ).map((c) => `${c.column_name} ${c.data_type} ${c.len} ${c.is_nullable} ${c.column_default}`);
    const rows = await rawAll<{ migration_name: string; checksum: string; finished: unknown; rolled_back: unknown; logs: unknown; applied_steps_count: unknown }>(connection, `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back, logs, applied_steps_count
         FROM "_prisma_migrations" ORDER BY migration_name`);
    return {
      table,
      rows: rows.map((r) => ({
        migration_name: r.migration_name,
        checksum: r.checksum,
        finished: Boolean(Number(r.finished)),
        rolled_back: Boolean(Number(r.rolled_back)),
        logs: r.logs,
        applied_steps_count: Number(r.applied_steps_count),
      })),
    };
  } finally {
    await connection.close();
  }
}

describe.each(databaseKinds)("in-process migrations vs the Prisma CLI on $name", (kind: DatabaseKind) => {
  const dropLater: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(dropLater.map((db) => db.drop()));
  });
  const fresh = async () => {
    const db = await kind.fresh();
    dropLater.push(db);
    // The CLI (unlike openStore) does not make the SQLite file's folder.
    const target = parseDatabaseUrl(db.url);
    if (target.kind === "sqlite") fs.mkdirSync(path.dirname(target.file), { recursive: true });
    return db;
  };

  it("writes the bookkeeping the CLI writes, and the CLI then finds nothing to do", async () => {
    const byCli = await fresh();
    const deployed = prismaCli(kind.name, byCli.url, ["migrate", "deploy"]);
    expect(deployed.status, deployed.output).toBe(0);

    const byGateway = await fresh();
    const store = await openStore({ databaseUrl: byGateway.url });
    await store.close();
    expect(store.migration.path).toBe("slow");
    expect(store.migration.applied).toEqual(shippedMigrations(migrationsDir(root, kind.name)));

    const expected = await bookkeeping(kind.name, byCli.url);
    const actual = await bookkeeping(kind.name, byGateway.url);
    expect(actual.table).toEqual(expected.table);
    expect(actual.rows).toEqual(expected.rows);

    const status = prismaCli(kind.name, byGateway.url, ["migrate", "status"]);
    expect(status.status, status.output).toBe(0);
    expect(status.output).toMatch(/Database schema is up to date/);
    const again = prismaCli(kind.name, byGateway.url, ["migrate", "deploy"]);
    expect(again.status, again.output).toBe(0);
    expect(again.output).toMatch(/No pending migrations to apply/);
  });

  it("refuses to go past a failed migration until it is resolved, as the CLI does (P3009)", async () => {
    const db = await fresh();
    // A table in the way: the first migration fails half-way and is recorded as failed.
    const connection = await connect(parseDatabaseUrl(db.url), () => {});
    try {
      if (kind.name === "postgresql") {
        const schema = new URL(db.url).searchParams.get("schema")!;
        await rawRun(connection, `CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      }
      await rawRun(connection, `CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" TIMESTAMP, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMP, "started_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
      await rawRun(connection, `CREATE TABLE "Lease" ("name" TEXT PRIMARY KEY)`);
    } finally {
      await connection.close();
    }
    await expect(openStore({ databaseUrl: db.url })).rejects.toThrow(/migration 20261121000000_init failed/);
    const failed = await bookkeeping(kind.name, db.url);
    expect(failed.rows).toEqual([expect.objectContaining({ migration_name: "20261121000000_init", finished: false, rolled_back: false })]);
    expect(String(failed.rows[0]!.logs)).toMatch(/Lease/);

    await expect(openStore({ databaseUrl: db.url })).rejects.toThrow(/failed earlier and was never marked resolved \(Prisma's P3009\)/);
    const cli = prismaCli(kind.name, db.url, ["migrate", "deploy"]);
    expect(cli.status).not.toBe(0);
    expect(cli.output).toMatch(/P3009/);
  });

  it("leaves a database it did not make alone (P3005)", async () => {
    const db = await fresh();
    const connection = await connect(parseDatabaseUrl(db.url), () => {});
    try {
      if (kind.name === "postgresql") {
        const schema = new URL(db.url).searchParams.get("schema")!;
        await rawRun(connection, `CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      }
      await rawRun(connection, `CREATE TABLE "SomethingElse" ("name" TEXT PRIMARY KEY)`);
    } finally {
      await connection.close();
    }
    await expect(openStore({ databaseUrl: db.url })).rejects.toThrow(/no _prisma_migrations table.*P3005/);
  });
});
