/**
 * The databases the store suites run on: always a fresh SQLite file under the OS temp dir,
 * and, when DATABASE_URL_TEST names a PostgreSQL server, a fresh schema on it
 * (`?schema=store_test_<random>`, dropped afterwards). In CI the PostgreSQL half must run:
 * a missing DATABASE_URL_TEST fails the run instead of passing by skipping.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, it } from "vitest";
import { scratchDatabase } from "../../bench/lib/scratch-database.js";

export interface TestDatabase {
  /** A DATABASE_URL for a database (or schema) nobody has used yet. */
  url: string;
  drop(): Promise<void>;
}

export interface DatabaseKind {
  name: "sqlite" | "postgresql";
  fresh(): Promise<TestDatabase>;
}

export const sqlite: DatabaseKind = {
  name: "sqlite",
  async fresh() {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "gateway-store-"));
    return {
      // A subdirectory that does not exist yet: openStore must create it.
      url: `file:${path.join(dir, "data", "gateway.db")}`,
      drop: () => fs.rm(dir, { recursive: true, force: true }),
    };
  },
};

export function postgresql(baseUrl: string): DatabaseKind {
  return { name: "postgresql", fresh: async () => scratchDatabase("store_test", baseUrl) };
}

const pgUrl = process.env.DATABASE_URL_TEST;

/** The kinds to run; the reason PostgreSQL is left out, if it is. */
export const databaseKinds: DatabaseKind[] = pgUrl ? [sqlite, postgresql(pgUrl)] : [sqlite];

export const postgresqlMissing: "ci" | "local" | null = pgUrl ? null : process.env.CI ? "ci" : "local";

/**
 * Call at the top of a suite that runs on databaseKinds: in CI a missing PostgreSQL is a
 * failing test, outside CI one printed line saying what was skipped and why.
 */
export function announcePostgresqlCoverage(suite: string): void {
  if (postgresqlMissing === "ci") {
    describe(`${suite} on PostgreSQL`, () => {
      it("needs DATABASE_URL_TEST", () => {
        throw new Error("DATABASE_URL_TEST must be set in CI (e.g. postgresql://postgres@127.0.0.1:5432/test)");
      });
    });
  } else if (postgresqlMissing === "local") {
    console.log(`${suite} on PostgreSQL skipped: DATABASE_URL_TEST is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)`);
  }
}

/**
 * For suites that need PostgreSQL and Redis together (several instances on one database and
 * one bus): their URLs, or what is missing. Like announcePostgresqlCoverage, a missing server
 * fails the run in CI and is one printed line elsewhere.
 */
export function scaleOutServers(suite: string): { pgUrl?: string; redisUrl?: string; missing: string } {
  const pgUrl = process.env.DATABASE_URL_TEST;
  const redisUrl = process.env.REDIS_URL_TEST;
  const missing = [!pgUrl && "DATABASE_URL_TEST", !redisUrl && "REDIS_URL_TEST"].filter(Boolean).join(" and ");
  const example = "(e.g. postgresql://postgres@127.0.0.1:5432/test, redis://127.0.0.1:6379)";
  if (missing && process.env.CI) {
    describe(suite, () => {
      it("needs its servers", () => {
        throw new Error(`${missing} must be set in CI ${example}`);
      });
    });
  } else if (missing) {
    console.log(`${suite} skipped: ${missing} not set ${example}`);
  }
  return { pgUrl, redisUrl, missing };
}
