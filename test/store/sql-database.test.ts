/**
 * The query layer (src/store/sql) on both databases: placeholders, value encodings,
 * transactions, unique violations, and SQLite's rule that nothing lands in another unit's
 * open transaction.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { scratchDatabase } from "../../bench/lib/scratch-database.js";
import { parseDatabaseUrl } from "../../src/store/database-url.js";
import { postgresSessionOptions } from "../../src/store/client.js";
import { sql, type SqlDatabase } from "../../src/store/sql/database.js";
import { poolOptions, PostgresDatabase } from "../../src/store/sql/postgresql-database.js";
import { serialQueue, SqliteDatabase } from "../../src/store/sql/sqlite-database.js";
import { isUniqueViolation } from "../../src/store/sql/unique-violation.js";
import { announcePostgresqlCoverage } from "../support/databases.js";

announcePostgresqlCoverage("store query layer");

interface Opened {
  db: SqlDatabase;
  drop(): Promise<void>;
}

const TABLE = {
  sqlite: `CREATE TABLE "T" ("id" TEXT PRIMARY KEY, "at" DATETIME, "flag" BOOLEAN NOT NULL, "n" INTEGER NOT NULL)`,
  postgresql: `CREATE TABLE "T" ("id" TEXT PRIMARY KEY, "at" TIMESTAMP(3), "flag" BOOLEAN NOT NULL, "n" INTEGER NOT NULL)`,
};

async function openSqlite(): Promise<Opened> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "gateway-sql-"));
  const file = path.join(dir, "t.db");
  const setup = new Database(file);
  setup.pragma("journal_mode = WAL");
  setup.exec(TABLE.sqlite);
  setup.close();
  const db = new SqliteDatabase(
    () => new Database(file),
    () => new Database(file, { readonly: true }),
    serialQueue(),
  );
  return { db, drop: async () => (await db.close(), await fs.rm(dir, { recursive: true, force: true })) };
}

async function openPostgres(baseUrl: string): Promise<Opened> {
  const scratch = await scratchDatabase("sql_test", baseUrl);
  const target = parseDatabaseUrl(scratch.url);
  if (target.kind !== "postgresql") throw new Error("expected PostgreSQL");
  const pool = new pg.Pool(poolOptions(target.connectionString, postgresSessionOptions(target.schema)));
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${target.schema}"`);
  await pool.query(TABLE.postgresql);
  const db = new PostgresDatabase(pool);
  return { db, drop: async () => (await db.close(), await scratch.drop()) };
}

const kinds: Array<[string, () => Promise<Opened>]> = [["sqlite", openSqlite]];
if (process.env.DATABASE_URL_TEST) kinds.push(["postgresql", () => openPostgres(process.env.DATABASE_URL_TEST!)]);

interface Row {
  id: string;
  at: unknown;
  flag: unknown;
  n: number;
}

const INSERT = sql(`INSERT INTO "T" ("n", "id", "at", "flag") VALUES ($4, $1, $2, $3)`);
const BY_ID = sql<Row>(`SELECT "id", "at", "flag", "n" FROM "T" WHERE "id" = $1 OR "id" = $1 || '-never'`);
const BY_IDS = sql<Row>({
  sqlite: `SELECT "id", "at", "flag", "n" FROM "T" WHERE "id" IN (SELECT value FROM json_each($1)) ORDER BY "id"`,
  postgresql: `SELECT "id", "at", "flag", "n" FROM "T" WHERE "id" = ANY($1::text[]) ORDER BY "id"`,
});
const COUNT = sql<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "T"`);
const AFTER = sql<{ id: string }>(`SELECT "id" FROM "T" WHERE "at" > $1 ORDER BY "id"`);

describe.each(kinds)("the query layer on %s", (_name, open) => {
  const opened: Opened[] = [];
  afterAll(async () => {
    await Promise.all(opened.map((o) => o.drop()));
  });
  const fresh = async () => {
    const o = await open();
    opened.push(o);
    return o.db;
  };

  it("binds $n placeholders in any order, repeated, and round-trips dates, booleans and arrays", async () => {
    const db = await fresh();
    const at = new Date("2026-03-04T05:06:07.089Z");
    expect(await db.run(INSERT, ["a", at, true, 7])).toBe(1);
    await db.run(INSERT, ["b", new Date("2026-03-05T00:00:00.000Z"), false, 8]);
    const row = await db.one(BY_ID, ["a"]);
    expect(row?.n).toBe(7);
    expect(new Date(row!.at as string).toISOString()).toBe(at.toISOString());
    expect(Boolean(row!.flag)).toBe(true);
    expect((await db.all(BY_IDS, [["b", "a", "zz"]])).map((r) => r.id)).toEqual(["a", "b"]);
    expect(await db.one(COUNT)).toEqual({ n: 2 });
    // A Date parameter compares as time, whatever the process's time zone.
    expect((await db.all(AFTER, [at])).map((r) => r.id)).toEqual(["b"]);
  });

  it("commits a transaction that resolves and rolls back one that throws", async () => {
    const db = await fresh();
    await db.transaction(async (tx) => {
      await tx.run(INSERT, ["kept", null, true, 1]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.run(INSERT, ["gone", null, true, 1]);
        expect(await tx.one(BY_ID, ["gone"])).toBeDefined();
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db.one(BY_ID, ["kept"])).toBeDefined();
    expect(await db.one(BY_ID, ["gone"])).toBeUndefined();
  });

  it("reports a unique violation the one way both drivers are tested for", async () => {
    const db = await fresh();
    await db.run(INSERT, ["dup", null, true, 1]);
    const error = await db.run(INSERT, ["dup", null, true, 1]).catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error("other"))).toBe(false);
  });

  it("never lets a statement land in another unit's open transaction", async () => {
    const db = await fresh();
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const aborted = db
      .transaction(async (tx) => {
        await tx.run(INSERT, ["inside", null, true, 1]);
        await paused;
        throw new Error("abort");
      })
      .catch(() => "aborted");
    const outside = db.run(INSERT, ["outside", null, true, 1]);
    release();
    expect(await aborted).toBe("aborted");
    await outside;
    expect(await db.one(BY_ID, ["outside"])).toBeDefined();
    expect(await db.one(BY_ID, ["inside"])).toBeUndefined();
  });
});
