/**
 * Prisma CLI configuration for PostgreSQL (scale-out mode).
 *
 *   DATABASE_URL=postgresql://... prisma migrate deploy --config prisma/postgresql.config.ts
 *
 * Prisma 6's JS schema engine runs migrations through a driver adapter, so the CLI needs no
 * native engine download. Two things the adapter needs help with here:
 *  - The schema engine reads catalog columns of type `name` (OID 19) and, when it describes a
 *    schema (migrate diff), `"char"` (OID 18), which @prisma/adapter-pg cannot deserialize
 *    ("Column type 'name' could not be deserialized", prisma/orm#27403). Both arrive from
 *    node-postgres as JS strings, so the pool below reports such columns as text (OID 25).
 *  - A `?schema=` parameter in the URL (Prisma's convention) is not understood by node-postgres;
 *    it is turned into the connection's search_path and the adapter's schema option.
 * Run the CLI with `node --import ./prisma/exit-when-done.mjs` to spare the 10 s it otherwise
 * idles before exiting (see that file); `npm run db:migrate` does.
 */
import { randomUUID } from "node:crypto";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

const here = import.meta.dirname;

const PG_CHAR_OID = 18;
const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

/** A pg.Pool whose results describe `name` and `"char"` columns as `text`. Used for migrations only. */
class NameAsTextPool extends pg.Pool {
  // pg's query() has many overloads; only the promise form is used by the adapter.
  override query(...args: unknown[]): any {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === "function") {
      return (result as Promise<pg.QueryResult>).then((res) => {
        for (const field of res?.fields ?? []) {
          if (field.dataTypeID === PG_NAME_OID || field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
        }
        return res;
      });
    }
    return result;
  }
}

function pgSearchPath(schema: string): string {
  // libpq `options` value: a double-quoted identifier, with backslash and space escaped.
  return `-c search_path=${`"${schema.replace(/"/g, '""')}"`.replace(/\\/g, "\\\\").replace(/ /g, "\\ ")}`;
}

/**
 * The adapter for one database. The schema engine's advisory lock is session-level and never
 * explicitly released, so the pool has one connection (max: 1) that is never closed for being
 * idle (idleTimeoutMillis: 0): the lock is held by the connection that runs the migration
 * until the process ends. The CLI does not end the pool, so allowExitOnIdle lets the process
 * exit when the work is done instead of waiting for the idle connection.
 */
function pgAdapter(connectionString: string, schema: string | undefined): PrismaPg {
  const pool = new NameAsTextPool({
    connectionString,
    max: 1,
    idleTimeoutMillis: 0,
    allowExitOnIdle: true,
    ...(schema ? { options: pgSearchPath(schema) } : {}),
  });
  return new PrismaPg(pool, { schema, disposeExternalPool: true });
}

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join(here, "postgresql"),
  migrations: { path: path.join(here, "postgresql", "migrations") },
  async adapter() {
    const raw = process.env.DATABASE_URL;
    if (!raw || !/^postgres(ql)?:\/\//.test(raw)) {
      throw new Error("prisma/postgresql.config.ts needs DATABASE_URL=postgresql://user@host:port/database[?schema=name]");
    }
    const url = new URL(raw);
    const schema = url.searchParams.get("schema") || undefined;
    url.searchParams.delete("schema");
    const main = pgAdapter(url.toString(), schema);
    return {
      provider: main.provider,
      adapterName: main.adapterName,
      connect: () => main.connect(),
      /**
       * `migrate diff --from-migrations` (npm run db:check) replays the migrations in a
       * throw-away database. PrismaPg's own shadow database would use a plain pg.Pool (no
       * `name` fix) with the main connection's search_path, so it is made here instead.
       */
      async connectToShadowDb() {
        const admin = new pg.Client({ connectionString: url.toString() });
        await admin.connect();
        const database = `prisma_shadow_${randomUUID().replace(/-/g, "")}`;
        await admin.query(`CREATE DATABASE "${database}"`);
        const shadowUrl = new URL(url);
        shadowUrl.pathname = `/${database}`;
        const shadow = await pgAdapter(shadowUrl.toString(), undefined).connect();
        const dispose = shadow.dispose.bind(shadow);
        shadow.dispose = async () => {
          try {
            await dispose();
            await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
          } finally {
            await admin.end();
          }
        };
        return shadow;
      },
    };
  },
});
