/**
 * `npm run bench:scale` (second half; alone: `npm run bench:scale-jobs`), issue #14: the job
 * lists behind `fingerprintJobs` and `FingerprintLibrary.jobs` at 10k / 100k / 1M jobs in one
 * tenant on PostgreSQL. Goal: page + totalCount under 50 ms median at 1M.
 *
 * For each size: a scratch schema migrated by the store itself, filled with SQL
 * (bench/lib/seed-jobs.ts), then the two store reads a `fingerprintJobs(first: 50)` request
 * with totalCount makes, one after the other, as one sample: JobRepository.list (a keyset
 * page, 51 rows read) and JobRepository.count. Measured on the store, not over GraphQL: the
 * resolvers are another branch's; what scales with the job count is these two reads (the
 * GraphQL layer adds a constant, see bench:scale for the libraries' figures over HTTP).
 * Median and p90 of BENCH_SCALE_SAMPLES samples after a warm-up; every count is checked
 * against COUNT(*) on the database, and every page against the same query written plainly.
 *
 *   BENCH_SCALE_JOB_SIZES=10000,100000,1000000
 *   BENCH_POSTGRES_URL or DATABASE_URL_TEST   the PostgreSQL server
 *   BENCH_OUT=bench/results/scale-jobs.json
 * Exits non-zero when a count or a page is wrong.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import type pg from "pg";
import type { FingerprintJob } from "../src/domain/job.js";
import { openStore, type JobCursor, type JobFilter, type OpenedStore } from "../src/store/index.js";
import { ROOT } from "./lib/gateway-child.js";
import { scratchDatabase, withPg, type ScratchDatabase } from "./lib/scratch-database.js";
import { libraryId, searchId, SEED_TENANT, seedJobsPostgres } from "./lib/seed-jobs.js";

const envInt = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const SIZES = (process.env.BENCH_SCALE_JOB_SIZES ?? "10000,100000,1000000")
  .split(",")
  .filter((s) => s.trim())
  .map(Number);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL_TEST ?? "postgresql://postgres@127.0.0.1:5432/test";
const SAMPLES = envInt("BENCH_SCALE_SAMPLES", 30);
const OUT = process.env.BENCH_OUT ?? join(ROOT, "bench", "results", "scale-jobs.json");
const FIRST = 50;

interface Case {
  name: string;
  filter: JobFilter;
  /** Start the page in the middle of the tenant's jobs (a deep page). */
  deep?: boolean;
}

/** fingerprintJobs' filters, and FingerprintLibrary.jobs (a libraryId filter). */
function cases(size: number): Case[] {
  return [
    { name: "all", filter: {} },
    { name: "all, deep page", filter: {}, deep: true },
    { name: "library.jobs", filter: { libraryId: libraryId(7) } },
    { name: "status RUNNING (newest 1%)", filter: { status: "RUNNING" } },
    { name: "library.jobs, status RUNNING", filter: { libraryId: libraryId(7), status: "RUNNING" } },
    { name: "status FAILED", filter: { status: "FAILED" } },
    { name: "MPS SEARCH SUCCEEDED", filter: { backend: "MPS", mode: "SEARCH", status: "SUCCEEDED" } },
    { name: "searchId", filter: { searchId: searchId(Math.floor(size / 2000)) } },
  ];
}

const log = (line: string) => console.log(`[scale-jobs ${new Date().toISOString().slice(11, 19)}] ${line}`);
const r1 = (x: number) => Math.round(x * 10) / 10;
const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];


/** The same filter written plainly: COUNT(*) and the page's ids, straight on the table. */
async function direct(client: pg.Client, filter: JobFilter, after: JobCursor | undefined): Promise<{ count: number; ids: string[] }> {
  const where = [`"tenantId" = '${SEED_TENANT}'`, `"submitState" = 'SUBMITTED'`, `"kind" = 'FINGERPRINT'`];
  for (const [key, value] of Object.entries(filter)) where.push(`"${key}" = '${value}'`);
  const count = Number((await client.query<{ n: string }>(`SELECT COUNT(*) AS n FROM "FingerprintJob" WHERE ${where.join(" AND ")}`)).rows[0].n);
  if (after) where.push(`("createdAt", "id") > ('${after.createdAt.toISOString()}'::timestamp(3), '${after.id}')`);
  const page = await client.query<{ id: string }>(
    `SELECT "id" FROM "FingerprintJob" WHERE ${where.join(" AND ")} ORDER BY "createdAt", "id" LIMIT ${FIRST}`,
  );
  return { count, ids: page.rows.map((row) => row.id) };
}

/** The cursor of the job in the middle of the tenant's list. */
async function middleCursor(client: pg.Client, size: number): Promise<JobCursor> {
  const { rows } = await client.query<{ id: string; createdAt: Date }>(
    `SELECT "id", "createdAt" AT TIME ZONE 'UTC' AS "createdAt" FROM "FingerprintJob" WHERE "tenantId" = '${SEED_TENANT}'
     ORDER BY "createdAt", "id" OFFSET ${Math.floor(size / 2)} LIMIT 1`,
  );
  return { id: rows[0].id, createdAt: rows[0].createdAt };
}

async function measure(store: OpenedStore, url: string, size: number) {
  const rows: Record<string, unknown> = {};
  const mid = await withPg(url, (client) => middleCursor(client, size));
  for (const c of cases(size)) {
    const after = c.deep ? mid : undefined;
    const sample = async (): Promise<{ ms: number; items: FingerprintJob[]; count: number }> => {
      const started = performance.now();
      const page = await store.jobs.list(SEED_TENANT, c.filter, FIRST, after);
      const count = await store.jobs.count(SEED_TENANT, c.filter);
      return { ms: performance.now() - started, items: page.items, count };
    };
    const first = await sample();
    const want = await withPg(url, (client) => direct(client, c.filter, after));
    if (first.count !== want.count) throw new Error(`${size} ${c.name}: totalCount ${first.count} but COUNT(*) ${want.count}`);
    if (JSON.stringify(first.items.map((j) => j.id)) !== JSON.stringify(want.ids)) throw new Error(`${size} ${c.name}: the page differs from the plain query's`);
    for (let i = 0; i < 3; i++) await sample();
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) times.push((await sample()).ms);
    times.sort((a, b) => a - b);
    const row = { medianMs: r1(pct(times, 0.5)), p90Ms: r1(pct(times, 0.9)), pageItems: first.items.length, totalCount: first.count, countStarMatches: true };
    rows[c.name] = row;
    log(`${size.toLocaleString("en")} jobs, ${c.name}: median ${row.medianMs} ms (p90 ${row.p90Ms}); ${row.pageItems} items; totalCount ${row.totalCount} = COUNT(*)`);
  }
  return rows;
}

let running: { database?: ScratchDatabase; store?: OpenedStore } = {};

async function run(size: number) {
  const database = scratchDatabase("fpgw_scale_jobs", POSTGRES_URL);
  running = { database };
  let store: OpenedStore | undefined;
  try {
    // The store migrates an empty database exactly as the gateway would.
    store = await openStore({ databaseUrl: database.url });
    running.store = store;
    const seedStarted = performance.now();
    await withPg(database.url, (client) => seedJobsPostgres(client, size));
    const seedSeconds = r1((performance.now() - seedStarted) / 1000);
    log(`${size.toLocaleString("en")} jobs: seeded in ${seedSeconds} s`);
    return { jobs: size, seedSeconds, queries: await measure(store, database.url, size) };
  } finally {
    await store?.close();
    await database.drop();
  }
}

function table(results: Array<Awaited<ReturnType<typeof run>>>): string {
  const lines = [`| jobs | query (first: ${FIRST} + totalCount) | median ms | p90 ms | totalCount = COUNT(*) |`, "|---:|---|---:|---:|---|"];
  for (const result of results) {
    for (const [name, row] of Object.entries(result.queries) as Array<[string, { medianMs: number; p90Ms: number; totalCount: number }]>) {
      lines.push(`| ${result.jobs.toLocaleString("en")} | ${name} | ${row.medianMs} | ${row.p90Ms} | ${row.totalCount.toLocaleString("en")} yes |`);
    }
  }
  return lines.join("\n");
}

async function main() {
  const load = { before: r1(loadavg()[0]), after: 0 };
  log(`load average (1 min) ${load.before} on ${cpus().length} cores`);
  const results = [];
  for (const size of SIZES) results.push(await run(size));
  load.after = r1(loadavg()[0]);
  mkdirSync(dirname(OUT), { recursive: true });
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? "?", node: process.version, loadAverage1m: load };
  writeFileSync(OUT, JSON.stringify({ at: new Date().toISOString(), machine, samples: SAMPLES, first: FIRST, results }, null, 2) + "\n");
  console.log(table(results));
  log(`load average (1 min) ${load.after} after the run; wrote ${OUT}`);
}

const watchdog = setTimeout(() => {
  console.error("bench:scale-jobs: watchdog fired");
  void Promise.allSettled([running.store?.close(), running.database?.drop()]).finally(() => process.exit(2));
}, envInt("BENCH_MAX_MINUTES", 30) * 60_000);
watchdog.unref();

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
