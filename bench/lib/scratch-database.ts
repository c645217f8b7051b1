/**
 * A database of its own for one run, dropped afterwards: a fresh schema
 * (`?schema=<prefix>_<random>`) on the PostgreSQL server `postgresUrl` names, or, without
 * one, a SQLite file in a new folder under the OS temp dir. Shared by the fault and soak
 * scripts and the store test suites.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface ScratchDatabase {
  /** A DATABASE_URL nobody has used yet. */
  url: string;
  kind: "sqlite" | "postgresql";
  drop(): Promise<void>;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

export function scratchDatabase(prefix: string, postgresUrl?: string): ScratchDatabase {
  const suffix = randomBytes(5).toString("hex");
  if (isPostgresUrl(postgresUrl)) {
    const schema = `${prefix}_${suffix}`;
    const url = new URL(postgresUrl);
    url.searchParams.set("schema", schema);
    return {
      url: url.toString(),
      kind: "postgresql",
      async drop() {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const dir = join(tmpdir(), `${prefix}-${suffix}`);
  mkdirSync(dir, { recursive: true });
  return { url: `file:${join(dir, "gateway.db")}`, kind: "sqlite", drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * One plain pg connection to a DATABASE_URL of this project's form (`?schema=` is Prisma's,
 * not libpq's: it becomes the search_path), for benches that read or seed with SQL.
 */
export async function withPg<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: parsed.toString(), ...(schema ? { options: `-c search_path="${schema}"` } : {}) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
