/**
 * Preloaded into a gateway child (`node --import <this file>`, SQLite only) to count its
 * store round trips from outside the code under measure: every better-sqlite3 statement the
 * process runs (Prisma's SQLite adapter, the hot reads and the prepared writes all go through
 * better-sqlite3), keyed by verb and table, and every prepare (Prisma's adapter prepares its
 * SQL again on each query). On SIGUSR2 the counts so far go to SQLITE_COUNTER_FILE as JSON
 * with an increasing `seq`, so the bench can take a difference around a batch of requests.
 */
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

type Counts = Record<string, number>;
const executed: Counts = {};
const prepared: Counts = {};
let seq = 0;

const keys = new Map<string, string>();

/** "INSERT FingerprintJob", "SELECT Library", "UPDATE CreateIntent", "BEGIN", ... (cached: the SQL texts are few). */
export function statementKey(sql: string): string {
  let key = keys.get(sql);
  if (key === undefined) keys.set(sql, (key = classify(sql)));
  return key;
}

function classify(sql: string): string {
  const text = sql.trim().replace(/\s+/g, " ");
  const verb = (/^(\w+)/.exec(text)?.[1] ?? "?").toUpperCase();
  // The hot reads select by a JSON list of ids: FROM json_each(?) AS wanted JOIN <table>.
  const joined = /\bFROM json_each\(\?\) AS \w+ (?:CROSS |INNER )?JOIN\s+[`"]?(\w+)/i.exec(text)?.[1];
  const table =
    verb === "SELECT" ? (joined ?? /\bFROM\s+(?:`?"?main"?`?\.)?[`"]?(\w+)/i.exec(text)?.[1])
    : verb === "INSERT" ? /\bINTO\s+(?:`?"?main"?`?\.)?[`"]?(\w+)/i.exec(text)?.[1]
    : verb === "UPDATE" ? /^UPDATE\s+(?:`?"?main"?`?\.)?[`"]?(\w+)/i.exec(text)?.[1]
    : verb === "DELETE" ? /\bFROM\s+(?:`?"?main"?`?\.)?[`"]?(\w+)/i.exec(text)?.[1]
    : undefined;
  return table ? `${verb} ${table}` : verb;
}

const bump = (counts: Counts, key: string) => (counts[key] = (counts[key] ?? 0) + 1);

const requireFromRoot = createRequire(join(process.cwd(), "package.json"));
const Database = requireFromRoot("better-sqlite3") as new (file: string) => {
  prepare(sql: string): object;
  close(): void;
};
const probe = new Database(":memory:");
const statementPrototype = Object.getPrototypeOf(probe.prepare("SELECT 1")) as Record<string, (...args: unknown[]) => unknown> & { source?: string };
probe.close();

for (const method of ["run", "get", "all", "iterate"] as const) {
  const original = statementPrototype[method];
  statementPrototype[method] = function (this: { source: string }, ...args: unknown[]) {
    bump(executed, statementKey(this.source));
    return original.apply(this, args);
  };
}
const databasePrototype = (Database as unknown as { prototype: { prepare(sql: string): unknown } }).prototype;
const originalPrepare = databasePrototype.prepare;
databasePrototype.prepare = function (this: unknown, sql: string) {
  bump(prepared, statementKey(sql));
  return originalPrepare.call(this, sql);
};

const file = process.env.SQLITE_COUNTER_FILE;
if (file) {
  process.on("SIGUSR2", () => {
    seq += 1;
    writeFileSync(file, JSON.stringify({ seq, executed, prepared }));
  });
}
