#!/usr/bin/env node
/**
 * Database chores around the two Prisma schemas (SQLite and PostgreSQL), for npm scripts:
 *
 *   node prisma/db.mjs migrate          apply pending migrations to DATABASE_URL (npm run db:migrate)
 *   node prisma/db.mjs check            fail when the schema and the migrations disagree (npm run db:check)
 *   node prisma/db.mjs new <name>       write a new migration for both databases from the schema
 *
 * The gateway migrates itself at start-up (src/store/migrations.ts); `migrate` is for doing
 * it ahead of time or reading Prisma's full output when that fails.
 *
 * `check` and `new` need a PostgreSQL server for the PostgreSQL half (Prisma replays the
 * migrations in a throw-away database there): they use DATABASE_URL_TEST, or DATABASE_URL
 * when that is postgresql://. Without one, `check` checks SQLite only, and fails in CI.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);
const prismaPkg = require.resolve("prisma/package.json");
const prismaCli = path.join(path.dirname(prismaPkg), JSON.parse(fs.readFileSync(prismaPkg, "utf8")).bin.prisma);
const exitWhenDone = path.join(root, "prisma", "exit-when-done.mjs");
const DEFAULT_DATABASE_URL = "file:./data/gateway.db";

/** Runs the Prisma CLI for one database; returns its exit code. */
function prisma(kind, databaseUrl, args, { quiet = false } = {}) {
  const result = spawnSync(
    process.execPath,
    ["--import", exitWhenDone, prismaCli, ...args, "--config", path.join("prisma", `${kind}.config.ts`)],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
      stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
      encoding: "utf8",
    },
  );
  if (result.error) throw result.error;
  return { code: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function kindOf(url) {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must be file:... (SQLite) or postgresql://... (PostgreSQL), got "${url.split(":")[0]}:..."`);
}

function postgresUrl() {
  for (const url of [process.env.DATABASE_URL_TEST, process.env.DATABASE_URL]) {
    if (url && kindOf(url) === "postgresql") {
      // The shadow database is made beside it; a ?schema= does not apply there.
      const parsed = new URL(url);
      parsed.searchParams.delete("schema");
      return parsed.toString();
    }
  }
  return undefined;
}

function migrationNames(kind) {
  const dir = path.join(root, "prisma", kind, "migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort();
}

function migrate() {
  const url = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  return prisma(kindOf(url), url, ["migrate", "deploy"]).code;
}

function check() {
  const problems = [];

  // 1. Both schema folders see the one model file (symlinks; a copy must stay identical).
  const models = fs.readFileSync(path.join(root, "prisma", "models.prisma"), "utf8");
  for (const kind of ["sqlite", "postgresql"]) {
    const file = path.join(root, "prisma", kind, "models.prisma");
    if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== models) {
      problems.push(`prisma/${kind}/models.prisma is not the same as prisma/models.prisma (it should be a symlink: ln -sf ../models.prisma prisma/${kind}/models.prisma)`);
    }
  }

  // 2. The two migration histories move in step.
  const sqliteNames = migrationNames("sqlite");
  const pgNames = migrationNames("postgresql");
  if (JSON.stringify(sqliteNames) !== JSON.stringify(pgNames)) {
    problems.push(`the migration folders differ:\n  sqlite:     ${sqliteNames.join(", ")}\n  postgresql: ${pgNames.join(", ")}`);
  }

  // 3. Replaying the migrations gives the schema (exit code 2 = there is a difference).
  const diffArgs = (kind) => [
    "migrate", "diff",
    "--from-migrations", `prisma/${kind}/migrations`,
    "--to-schema-datamodel", `prisma/${kind}`,
    "--exit-code",
  ];
  const targets = [["sqlite", "file::memory:"]];
  const pg = postgresUrl();
  if (pg) targets.push(["postgresql", pg]);
  else if (process.env.CI) problems.push("no PostgreSQL to check the PostgreSQL migrations on: set DATABASE_URL_TEST in CI");
  else console.log("db:check: PostgreSQL migrations not checked (set DATABASE_URL_TEST=postgresql://... to include them)");

  for (const [kind, url] of targets) {
    const { code, output } = prisma(kind, url, diffArgs(kind), { quiet: true });
    if (code === 0) console.log(`db:check: ${kind} migrations match the schema`);
    else if (code === 2) {
      problems.push(`the ${kind} migrations are stale: the schema has changes no migration makes:\n${indent(output)}\n  Write one with: node prisma/db.mjs new <name>`);
    } else problems.push(`prisma migrate diff failed for ${kind}:\n${indent(output)}`);
  }

  for (const problem of problems) console.error(`db:check: ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

function newMigration(name) {
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error("usage: node prisma/db.mjs new <name>   (lower-case letters, digits, underscores)");
    return 1;
  }
  const pg = postgresUrl();
  if (!pg) {
    console.error("db new: set DATABASE_URL_TEST=postgresql://... (Prisma replays the PostgreSQL migrations in a throw-away database)");
    return 1;
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const folder = `${stamp}_${name}`;
  // Diff both first (into a temp dir: an empty folder inside migrations/ would break the
  // replay), then write both, so a failure leaves no half-made migration behind.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "prisma-new-migration-"));
  try {
    for (const [kind, url] of [["sqlite", "file::memory:"], ["postgresql", pg]]) {
      const file = path.join(tmp, `${kind}.sql`);
      const { code, output } = prisma(
        kind,
        url,
        ["migrate", "diff", "--from-migrations", `prisma/${kind}/migrations`, "--to-schema-datamodel", `prisma/${kind}`, "--script", "-o", file],
        { quiet: true },
      );
      if (code !== 0) {
        console.error(`db new: prisma migrate diff failed for ${kind}:\n${indent(output)}`);
        return 1;
      }
      if (/This is an empty migration/.test(fs.readFileSync(file, "utf8"))) {
        console.error(`db new: the ${kind} schema has no changes to migrate`);
        return 1;
      }
    }
    for (const kind of ["sqlite", "postgresql"]) {
      const dir = path.join(root, "prisma", kind, "migrations", folder);
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(path.join(tmp, `${kind}.sql`), path.join(dir, "migration.sql"));
      console.log(`wrote prisma/${kind}/migrations/${folder}/migration.sql`);
    }
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function indent(text) {
  return text.trim().split("\n").map((line) => `    ${line}`).join("\n");
}

const [command, ...rest] = process.argv.slice(2);
const commands = { migrate, check, new: () => newMigration(rest[0]) };
if (!(command in commands)) {
  console.error("usage: node prisma/db.mjs migrate | check | new <name>");
  process.exit(64);
}
process.exit(commands[command]());
