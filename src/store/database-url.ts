/**
 * DATABASE_URL decides which database the gateway keeps its registry in:
 *
 *   file:./data/gateway.db                           SQLite (embedded mode; the default)
 *   file:///var/lib/gateway/gateway.db               SQLite, absolute
 *   postgresql://user:pass@host:5432/db[?schema=s]   PostgreSQL (scale-out mode)
 *   postgres://...                                   the same
 *
 * `?schema=` is Prisma's convention for a PostgreSQL schema other than `public`. node-postgres
 * does not know it, so it is taken out of the connection string and applied as the session's
 * search_path and as the Prisma adapter's schema option.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_DATABASE_URL = "file:./data/gateway.db";

export type DatabaseTarget =
  | {
      kind: "sqlite";
      /** Absolute path of the database file. */
      file: string;
      /** `file:<absolute path>`: what the migration child process is given. */
      url: string;
    }
  | {
      kind: "postgresql";
      /** The URL without `schema`, for node-postgres. */
      connectionString: string;
      /** From `?schema=`; undefined means the server's default search_path (normally public). */
      schema: string | undefined;
      /** The URL as given, for the Prisma CLI config (which reads `schema` itself). */
      url: string;
    };

export function parseDatabaseUrl(databaseUrl: string, cwd: string = process.cwd()): DatabaseTarget {
  const url = databaseUrl.trim();
  if (url.startsWith("file:")) {
    // file:///abs/path is a real file URL; file:./rel and file:/abs are Prisma's shorthand.
    // Anything after "?" (Prisma's sqlite URLs allow e.g. ?connection_limit=1) is not a path.
    const withoutQuery = url.split("?")[0]!;
    const rawPath = withoutQuery.startsWith("file://") ? fileURLToPath(withoutQuery) : withoutQuery.slice("file:".length);
    if (rawPath === "" || rawPath === ":memory:") {
      throw new Error(
        `DATABASE_URL "${url}" names no file. The gateway keeps its registry in a file: use e.g. ${DEFAULT_DATABASE_URL}.`,
      );
    }
    const file = path.resolve(cwd, rawPath);
    return { kind: "sqlite", file, url: `file:${file}` };
  }
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`DATABASE_URL is not a valid PostgreSQL URL (expected postgresql://user:password@host:port/database).`);
    }
    const schema = parsed.searchParams.get("schema") ?? undefined;
    parsed.searchParams.delete("schema");
    return { kind: "postgresql", connectionString: parsed.toString(), schema: schema || undefined, url };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(
    `DATABASE_URL ${scheme ? `has the unsupported scheme "${scheme}:"` : "is not a URL"}. ` +
      `Accepted forms: file:./data/gateway.db (SQLite, the default), ` +
      `postgresql://user:password@host:5432/database or postgres://... (PostgreSQL, optionally ?schema=name).`,
  );
}

/** The URL with any password replaced, for logs and error messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]+):[^@/?#]*@/i, "$1:***@");
}

/** `"quoted"` SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
