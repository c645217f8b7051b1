/**
 * Prisma CLI configuration for the SQLite database (embedded mode).
 *
 *   prisma migrate deploy --config prisma/sqlite.config.ts
 *
 * Prisma 6's JS schema engine runs migrations through a driver adapter, so the CLI needs no
 * native engine download (which cannot succeed on machines without access to Prisma's CDN).
 * DATABASE_URL must be a `file:` URL; it defaults to the gateway's own default database.
 *
 * `prisma migrate diff --from-migrations` (npm run db:check) replays the migrations on an
 * in-memory shadow database. The schema engine sends each migration file to the shadow
 * database as one executeRaw call, which better-sqlite3 refuses ("contains more than one
 * statement": it prepares a single statement). The shadow connection below runs parameterless
 * SQL as a script instead. `migrate deploy` is unaffected: it already uses executeScript.
 */
import fs from "node:fs";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";

const here = import.meta.dirname;

export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: path.join(here, "sqlite"),
  migrations: { path: path.join(here, "sqlite", "migrations") },
  async adapter() {
    const url = process.env.DATABASE_URL || "file:./data/gateway.db";
    if (!url.startsWith("file:")) {
      throw new Error(`prisma/sqlite.config.ts needs a file: DATABASE_URL, got "${url.split(":")[0]}:..."`);
    }
    const file = url.slice("file:".length);
    // SQLite creates the file but not its directory.
    if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const factory = new PrismaBetterSQLite3({ url, timeout: 10_000 });
    return {
      provider: factory.provider,
      adapterName: factory.adapterName,
      connect: () => factory.connect(),
      async connectToShadowDb() {
        const shadow = await factory.connectToShadowDb();
        const executeRaw = shadow.executeRaw.bind(shadow);
        shadow.executeRaw = async (query) => {
          if (query.args.length > 0) return executeRaw(query);
          await shadow.executeScript(query.sql);
          return 0;
        };
        return shadow;
      },
    };
  },
});
