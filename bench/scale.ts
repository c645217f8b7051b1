/**
 * `npm run bench:scale` (issue #12): the registry's list queries at 10k / 100k / 1M libraries
 * in one tenant, through the gateway's real GraphQL path.
 *
 * For each database and size: a scratch database (bench/lib/scratch-database.ts) migrated by
 * the store itself, filled with SQL (bench/lib/seed-libraries.ts), then a gateway child
 * process (embedded mode, watcher off) answering the four queries of the issue:
 *   page                  first: 50, no totalCount
 *   page+count            first: 50 + totalCount
 *   name+count            nameContains "trailers" (1 in 1,000 rows) + totalCount
 *   ice-active+count      backend ICE, status ACTIVE + totalCount
 * Each is measured sequentially (median and p90 of BENCH_SCALE_SAMPLES requests after a
 * warm-up) and under BENCH_SCALE_CONNECTIONS concurrent connections for BENCH_SCALE_SECONDS
 * (autocannon: req/s, p50, p99). Every totalCount is checked against COUNT(*) on the database.
 * On PostgreSQL it also reads the name query's statements straight on the database (the SQL the
 * store sends, from library-pages.ts and library-counts.ts): EXPLAIN ANALYZE of the counted page the
 * gateway runs and of the page + count pair it ran before, and, when the server runs on this
 * host (/proc/<backend pid>/schedstat readable), the server's CPU time per request, a figure
 * other processes' load barely moves.
 *
 *   BENCH_SCALE_SIZES=10000,100000,1000000   PostgreSQL sizes (BENCH_POSTGRES_URL or DATABASE_URL_TEST)
 *   BENCH_SCALE_SQLITE_SIZES=100000          SQLite sizes ("" for none)
 *   BENCH_OUT=bench/results/scale.json       where the JSON goes
 * Exits non-zero when a count is wrong or a request fails.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { openStore } from "../src/store/index.js";
import { postgresPageStatement } from "../src/store/library-pages.js";
import { postgresCountStatement } from "../src/store/library-counts.js";
import { ROOT, graphql, startGatewayChild, type GatewayChild } from "./lib/gateway-child.js";
import { scratchDatabase, withPg, type ScratchDatabase } from "./lib/scratch-database.js";
import { RARE_NAME, SEED_TENANT, seedPostgres, seedSqlite } from "./lib/seed-libraries.js";

const envInt = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const sizes = (name: string, fallback: string) =>
  (process.env[name] ?? fallback)
    .split(",")
    .filter((s) => s.trim())
    .map(Number);
const PG_SIZES = sizes("BENCH_SCALE_SIZES", "10000,100000,1000000");
const SQLITE_SIZES = sizes("BENCH_SCALE_SQLITE_SIZES", "100000");
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL_TEST ?? "postgresql://postgres@127.0.0.1:5432/test";
const SAMPLES = envInt("BENCH_SCALE_SAMPLES", 30);
const CONNECTIONS = envInt("BENCH_SCALE_CONNECTIONS", 20);
const SECONDS = envInt("BENCH_SCALE_SECONDS", 5);
const OUT = process.env.BENCH_OUT ?? join(ROOT, "bench", "results", "scale.json");

const FIELDS = "nodes { id name backend model status rawStatus createdAt } pageInfo { hasNextPage endCursor }";
const QUERIES = [
  { name: "page", filter: null, count: false },
  { name: "page+count", filter: null, count: true },
  { name: "name+count", filter: { nameContains: RARE_NAME }, count: true },
  { name: "ice-active+count", filter: { backend: "ICE", status: "ACTIVE" }, count: true },
] as const;

type Filter = (typeof QUERIES)[number]["filter"];

const log = (line: string) => console.log(`[scale ${new Date().toISOString().slice(11, 19)}] ${line}`);
const r1 = (x: number) => Math.round(x * 10) / 10;
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

function queryText(filter: Filter, count: boolean): string {
  const args = filter ? `first: 50, filter: $filter` : `first: 50`;
  const head = filter ? `query Scale($filter: FingerprintLibraryFilter)` : `query Scale`;
  return `${head} { fingerprintLibraries(${args}) { ${FIELDS}${count ? " totalCount" : ""} } }`;
}

/** COUNT(*) straight on the database, for the same filter as the gateway's. */
async function directCount(kind: "sqlite" | "postgresql", url: string, filter: Filter): Promise<number> {
  const where: string[] = [`"tenantId" = '${SEED_TENANT}'`];
  if (filter && "backend" in filter) where.push(`"backend" = '${filter.backend}'`, `"status" = '${filter.status}'`);
  if (filter && "nameContains" in filter) where.push(`"name" ${kind === "postgresql" ? "ILIKE" : "LIKE"} '%${filter.nameContains}%'`);
  const sql = `SELECT COUNT(*) AS n FROM "Library" WHERE ${where.join(" AND ")}`;
  if (kind === "sqlite") {
    const db = new Database(url.replace(/^file:/, ""), { readonly: true });
    try {
      return Number((db.prepare(sql).get() as { n: number }).n);
    } finally {
      db.close();
    }
  }
  return withPg(url, async (client) => Number((await client.query<{ n: string }>(sql)).rows[0].n));
}


async function seed(database: ScratchDatabase, count: number): Promise<void> {
  // The store migrates an empty database exactly as the gateway would.
  const store = await openStore({ databaseUrl: database.url });
  await store.close();
  if (database.kind === "sqlite") {
    const db = new Database(database.url.replace(/^file:/, ""));
    try {
      seedSqlite(db, count);
    } finally {
      db.close();
    }
  } else {
    await withPg(database.url, (client) => seedPostgres(client, count));
  }
}

async function post(url: string, body: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const json = (await response.json()) as { errors?: unknown[] };
  if (!response.ok || json.errors) throw new Error(`request failed: HTTP ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
  return performance.now() - started;
}

async function measure(gateway: GatewayChild, kind: "sqlite" | "postgresql", url: string, size: number) {
  const rows: Record<string, unknown> = {};
  for (const q of QUERIES) {
    const query = queryText(q.filter, q.count);
    const variables = q.filter ? { filter: q.filter } : {};
    const body = JSON.stringify({ query, variables });
    let exact: { totalCount: number; countStar: number } | undefined;
    if (q.count) {
      const data = await graphql<{ fingerprintLibraries: { totalCount: number } }>(gateway.graphqlUrl, query, variables, 120_000);
      const countStar = await directCount(kind, url, q.filter);
      exact = { totalCount: data.fingerprintLibraries.totalCount, countStar };
      if (exact.totalCount !== countStar) throw new Error(`${kind} ${size} ${q.name}: totalCount ${exact.totalCount} but COUNT(*) ${countStar}`);
    }
    for (let i = 0; i < 3; i++) await post(gateway.graphqlUrl, body);
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) times.push(await post(gateway.graphqlUrl, body));
    times.sort((a, b) => a - b);
    const loaded = await autocannon({
      url: gateway.graphqlUrl,
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      connections: CONNECTIONS,
      duration: SECONDS,
      timeout: 30,
    });
    if (loaded.errors || loaded.non2xx || loaded.timeouts) throw new Error(`${kind} ${size} ${q.name}: ${loaded.errors} errors, ${loaded.non2xx} non-2xx, ${loaded.timeouts} timeouts under load`);
    const row = {
      medianMs: r1(pct(times, 0.5)),
      p90Ms: r1(pct(times, 0.9)),
      loaded: { requestsPerSec: r1(loaded.requests.average), p50Ms: loaded.latency.p50, p99Ms: loaded.latency.p99 },
      ...(exact ? { totalCount: exact.totalCount, countStarMatches: true } : {}),
    };
    rows[q.name] = row;
    log(
      `${kind} ${size.toLocaleString("en")} ${q.name}: median ${row.medianMs} ms (p90 ${row.p90Ms}); ${CONNECTIONS} conns ` +
        `${row.loaded.requestsPerSec} req/s p50 ${row.loaded.p50Ms} p99 ${row.loaded.p99Ms} ms` +
        (exact ? `; totalCount ${exact.totalCount} = COUNT(*)` : ""),
    );
  }
  return rows;
}

/** The name query as statements: the counted page (one statement), and page + count (two). */
function nameStatements() {
  const filter = { nameContains: RARE_NAME };
  return {
    countedPage: [postgresPageStatement(SEED_TENANT, filter, 51, undefined, true)],
    pagePlusCount: [postgresPageStatement(SEED_TENANT, filter, 51, undefined, false), postgresCountStatement(SEED_TENANT, filter)],
  };
}

interface PlanFigures {
  /** Sum of the statements' EXPLAIN ANALYZE execution times (median of 5). */
  executionMs: number;
  /** The PostgreSQL backend's CPU time per request (all its statements), mean of SAMPLES; null when /proc is not readable. */
  serverCpuMs: number | null;
  /** Whether every statement reads "Library_name_trgm_idx". */
  usesTrigramIndex: boolean;
}

async function planFigures(url: string): Promise<Record<string, PlanFigures>> {
  return withPg(url, async (client) => {
    const pid = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    const cpuNs = () => {
      try {
        return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        return null;
      }
    };
    const figures: Record<string, PlanFigures> = {};
    for (const [name, statements] of Object.entries(nameStatements())) {
      const run = async () => {
        for (const statement of statements) await client.query(statement);
      };
      for (let i = 0; i < 3; i++) await run();
      const before = cpuNs();
      for (let i = 0; i < SAMPLES; i++) await run();
      const after = cpuNs();
      const executions: number[] = [];
      let usesTrigramIndex = true;
      for (let i = 0; i < 5; i++) {
        let total = 0;
        for (const statement of statements) {
          const explained = await client.query<{ "QUERY PLAN": Array<{ "Execution Time": number; Plan: unknown }> }>({
            text: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement.text}`,
            values: statement.values,
          });
          const [plan] = explained.rows[0]["QUERY PLAN"];
          total += plan["Execution Time"];
          if (!JSON.stringify(plan.Plan).includes("Library_name_trgm_idx")) usesTrigramIndex = false;
        }
        executions.push(total);
      }
      executions.sort((a, b) => a - b);
      figures[name] = {
        executionMs: r1(executions[2]),
        serverCpuMs: before === null || after === null ? null : r1((after - before) / SAMPLES / 1e6),
        usesTrigramIndex,
      };
      log(`name query, ${name}: EXPLAIN ANALYZE ${figures[name].executionMs} ms, server CPU ${figures[name].serverCpuMs ?? "?"} ms/request, trigram index: ${usesTrigramIndex}`);
    }
    return figures;
  });
}

/** What the watchdog must stop if it fires mid-run. */
let running: { gateway?: GatewayChild; database?: ScratchDatabase } = {};

async function run(kind: "sqlite" | "postgresql", size: number) {
  const database = scratchDatabase("fpgw_scale", kind === "postgresql" ? POSTGRES_URL : undefined);
  running = { database };
  let gateway: GatewayChild | undefined;
  try {
    const seedStarted = performance.now();
    await seed(database, size);
    const seedSeconds = r1((performance.now() - seedStarted) / 1000);
    log(`${kind} ${size.toLocaleString("en")}: seeded in ${seedSeconds} s`);
    gateway = await startGatewayChild(
      {
        NODE_ENV: "production",
        DATABASE_URL: database.url,
        ALLOW_UNAUTHENTICATED: "true",
        DEFAULT_TENANT: SEED_TENANT,
        WATCHER_ENABLED: "false",
        RATE_LIMIT_REQUESTS: "0",
      },
      { timeoutMs: 120_000 },
    );
    running.gateway = gateway;
    const queries = await measure(gateway, kind, database.url, size);
    const nameQueryPlans = kind === "postgresql" ? await planFigures(database.url) : undefined;
    return { kind, libraries: size, seedSeconds, queries, ...(nameQueryPlans ? { nameQueryPlans } : {}) };
  } finally {
    await gateway?.stop();
    await database.drop();
  }
}

function table(results: Array<Awaited<ReturnType<typeof run>>>): string {
  const lines = [
    `| database | libraries | query (first: 50) | median ms, sequential | req/s, ${CONNECTIONS} conns | p50 / p99 ms | totalCount = COUNT(*) |`,
    "|---|---:|---|---:|---:|---:|---|",
  ];
  for (const result of results) {
    for (const [name, row] of Object.entries(result.queries) as Array<[string, any]>) {
      lines.push(
        `| ${result.kind} | ${result.libraries.toLocaleString("en")} | ${name} | ${row.medianMs} | ${row.loaded.requestsPerSec} | ` +
          `${row.loaded.p50Ms} / ${row.loaded.p99Ms} | ${row.totalCount === undefined ? "" : `${row.totalCount.toLocaleString("en")} yes`} |`,
      );
    }
  }
  lines.push(
    "",
    `| libraries | name query "${RARE_NAME}" + totalCount, on PostgreSQL | EXPLAIN ANALYZE ms | server CPU ms / request | trigram index |`,
    "|---:|---|---:|---:|---|",
  );
  for (const result of results) {
    for (const [name, plan] of Object.entries(("nameQueryPlans" in result && result.nameQueryPlans) || {})) {
      lines.push(`| ${result.libraries.toLocaleString("en")} | ${name} | ${plan.executionMs} | ${plan.serverCpuMs ?? "?"} | ${plan.usesTrigramIndex ? "yes" : "no"} |`);
    }
  }
  return lines.join("\n");
}

/**
 * How busy the database server is right now, so figures from a shared machine can be read:
 * the time PostgreSQL takes to count a 3,000,000-row series (pure CPU, no table).
 */
async function calibrationMs(): Promise<number> {
  return withPg(POSTGRES_URL, async (client) => {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await client.query("SELECT count(*) FROM generate_series(1, 3000000)");
      times.push(performance.now() - started);
    }
    return r1(times.sort((a, b) => a - b)[1]);
  });
}

async function main() {
  const results = [];
  const calibration = { before: await calibrationMs(), after: 0 };
  log(`calibration: PostgreSQL counts generate_series(1, 3000000) in ${calibration.before} ms (lower is a quieter machine)`);
  for (const size of PG_SIZES) results.push(await run("postgresql", size));
  for (const size of SQLITE_SIZES) results.push(await run("sqlite", size));
  calibration.after = await calibrationMs();
  log(`calibration: ${calibration.after} ms after the run`);
  mkdirSync(dirname(OUT), { recursive: true });
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, loadAverage1m: r1(loadavg()[0]) };
  writeFileSync(OUT, JSON.stringify({ at: new Date().toISOString(), machine, calibrationMs: calibration, samples: SAMPLES, connections: CONNECTIONS, seconds: SECONDS, results }, null, 2) + "\n");
  console.log(table(results));
  log(`wrote ${OUT}`);
}

const watchdog = setTimeout(() => {
  console.error("bench:scale: watchdog fired");
  void Promise.allSettled([running.gateway?.stop(2_000), running.database?.drop()]).finally(() => process.exit(2));
}, envInt("BENCH_MAX_MINUTES", 30) * 60_000);
watchdog.unref();

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
