/**
 * Fills a migrated, empty database with `count` libraries of one tenant in a few SQL
 * statements (generate_series on PostgreSQL, a recursive CTE on SQLite), for bench/scale.ts.
 * Through the gateway it would take hours at 1,000,000; the rows are what the store would
 * write, except `shard` (i mod 16 instead of shardOf(id): the bench runs without the watcher).
 *
 * The mix, by row number i (1-based):
 *  - backend ICE for even i, MPS for odd; model VIDEO/AUDIO/IMAGE/TEXT by (i / 2) mod 4;
 *  - status ACTIVE except i mod 20 in 0..2 (OFFLINE, PAUSED, DELETED): 85% ACTIVE;
 *  - region cn-shanghai / cn-beijing / cn-hangzhou by i mod 3;
 *  - name "movie trailers <i>" for i mod 1000 = 7 (exactly count / 1000 of them), otherwise
 *    one of seven phrases sharing trigrams with "trailers" ("trail cams", "trainers",
 *    "sailers", ...) so a trigram index has to intersect, not just look one up;
 *  - account "default" (the gateway's own cloud account) for every row;
 *  - createdAt one second apart in i order, so the keyset order is the row order.
 */
import type { Database } from "better-sqlite3";
import type pg from "pg";

export const SEED_TENANT = "default";
/** The name filter of the bench and how many rows match it per 1,000. */
export const RARE_NAME = "trailers";

const OTHER_NAMES = ["trail cams", "trainers", "sailers", "news clips", "music videos", "ad spots", "sports highlights"];
const BASE_EPOCH_S = Date.UTC(2025, 0, 1) / 1000;

export async function seedPostgres(client: pg.Client | pg.PoolClient, count: number): Promise<void> {
  const names = `(ARRAY[${OTHER_NAMES.map((n) => `'${n}'`).join(",")}])[(i % ${OTHER_NAMES.length}) + 1]`;
  await client.query(`
    INSERT INTO "Library" ("id", "tenantId", "account", "backend", "backendLibraryId", "region", "name", "description", "model", "config",
                           "status", "rawStatus", "deleteJobId", "createdAt", "updatedAt", "activatedAt", "nextCheckAt", "checkCount", "shard")
    SELECT lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0'),
           '${SEED_TENANT}',
           'default',
           CASE WHEN i % 2 = 0 THEN 'ICE' ELSE 'MPS' END,
           'bench-' || i,
           (ARRAY['cn-shanghai','cn-beijing','cn-hangzhou'])[(i % 3) + 1],
           CASE WHEN i % 1000 = 7 THEN 'movie ${RARE_NAME} ' || i ELSE ${names} || ' ' || i END,
           NULL,
           (ARRAY['VIDEO','AUDIO','IMAGE','TEXT'])[((i / 2) % 4) + 1],
           NULL,
           CASE i % 20 WHEN 0 THEN 'OFFLINE' WHEN 1 THEN 'PAUSED' WHEN 2 THEN 'DELETED' ELSE 'ACTIVE' END,
           CASE i % 20 WHEN 0 THEN 'Offline' WHEN 1 THEN 'Paused' WHEN 2 THEN 'Deleted' ELSE 'Active' END,
           NULL,
           to_timestamp(${BASE_EPOCH_S} + i) AT TIME ZONE 'UTC',
           to_timestamp(${BASE_EPOCH_S} + i) AT TIME ZONE 'UTC',
           CASE WHEN i % 20 > 2 THEN to_timestamp(${BASE_EPOCH_S} + i) AT TIME ZONE 'UTC' END,
           NULL, 0, i % 16
    FROM generate_series(1, ${count}) AS i`);
  // What autovacuum would soon do after a million inserts: statistics, the visibility map
  // (index-only scans) and, on a GIN index, its pending list merged into the tree.
  await client.query(`VACUUM ANALYZE "Library"`);
}

export function seedSqlite(db: Database, count: number): void {
  const names = `CASE i % ${OTHER_NAMES.length} ${OTHER_NAMES.map((n, k) => `WHEN ${k} THEN '${n}'`).join(" ")} END`;
  const time = `strftime('%Y-%m-%dT%H:%M:%f', ${BASE_EPOCH_S} + i, 'unixepoch') || '+00:00'`;
  db.exec(`
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${count})
    INSERT INTO "Library" ("id", "tenantId", "account", "backend", "backendLibraryId", "region", "name", "description", "model", "config",
                           "status", "rawStatus", "deleteJobId", "createdAt", "updatedAt", "activatedAt", "nextCheckAt", "checkCount", "shard")
    SELECT printf('%08x-0000-4000-8000-%012x', i, i),
           '${SEED_TENANT}',
           'default',
           CASE WHEN i % 2 = 0 THEN 'ICE' ELSE 'MPS' END,
           'bench-' || i,
           CASE i % 3 WHEN 0 THEN 'cn-shanghai' WHEN 1 THEN 'cn-beijing' ELSE 'cn-hangzhou' END,
           CASE WHEN i % 1000 = 7 THEN 'movie ${RARE_NAME} ' || i ELSE ${names} || ' ' || i END,
           NULL,
           CASE (i / 2) % 4 WHEN 0 THEN 'VIDEO' WHEN 1 THEN 'AUDIO' WHEN 2 THEN 'IMAGE' ELSE 'TEXT' END,
           NULL,
           CASE i % 20 WHEN 0 THEN 'OFFLINE' WHEN 1 THEN 'PAUSED' WHEN 2 THEN 'DELETED' ELSE 'ACTIVE' END,
           CASE i % 20 WHEN 0 THEN 'Offline' WHEN 1 THEN 'Paused' WHEN 2 THEN 'Deleted' ELSE 'Active' END,
           NULL,
           ${time},
           ${time},
           CASE WHEN i % 20 > 2 THEN ${time} END,
           NULL, 0, i % 16
    FROM seq`);
  db.exec(`ANALYZE`);
}
