/**
 * Fills a migrated, empty PostgreSQL database with `count` fingerprint jobs of one tenant in a
 * few SQL statements (generate_series), for bench/scale-jobs.ts. The rows are what the store
 * would write, except `shard` (i mod 16: the bench runs no watcher). The counting triggers run
 * as for any insert, so "JobCount" is built by the seed itself.
 *
 * The mix, by row number i (1-based):
 *  - LIBRARIES libraries (half ICE, half MPS), job i in library i mod LIBRARIES;
 *  - mode SAVE / SEARCH / SEARCH_AND_SAVE / SEARCH_AND_SAVE_IF_UNIQUE by (i / LIBRARIES) mod 4;
 *  - status by age, as a live system has it: the newest 2% QUEUED or RUNNING, the rest
 *    SUCCEEDED except i mod 50 = 1 FAILED and i mod 200 = 2 CANCELED; a finished job that
 *    searched carries one match;
 *  - 1% PENDING (i mod 100 = 99) and 0.5% DELETE_FILES (i mod 200 = 77): rows the API must
 *    neither list nor count;
 *  - one DuplicateSearch per 1,000 jobs, holding the 10 jobs with i mod 1000 < 10;
 *  - createdAt one second apart in i order, so the keyset order is the row order.
 */
import type pg from "pg";

export const SEED_TENANT = "default";
export const LIBRARIES = 20;
const BASE_EPOCH_S = Date.UTC(2025, 0, 1) / 1000;

export const libraryId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
export const searchId = (k: number) => `5ea4c400-0000-4000-8000-${String(k).padStart(12, "0")}`;

export async function seedJobsPostgres(client: pg.Client, count: number): Promise<void> {
  const time = (expr: string) => `to_timestamp(${BASE_EPOCH_S} + ${expr}) AT TIME ZONE 'UTC'`;
  const libraryIdSql = (expr: string) => `'00000000-0000-4000-8000-' || lpad((${expr})::text, 12, '0')`;
  await client.query(`
    INSERT INTO "Library" ("id", "tenantId", "account", "backend", "backendLibraryId", "region", "name", "description", "model", "config",
                           "status", "rawStatus", "deleteJobId", "createdAt", "updatedAt", "activatedAt", "nextCheckAt", "checkCount", "shard")
    SELECT ${libraryIdSql("n")}, '${SEED_TENANT}', 'default', CASE WHEN n % 2 = 0 THEN 'ICE' ELSE 'MPS' END, 'bench-lib-' || n,
           'cn-shanghai', 'bench library ' || n, NULL, 'VIDEO', NULL, 'ACTIVE', 'Active', NULL,
           ${time("n")}, ${time("n")}, ${time("n")}, NULL, 0, n % 16
    FROM generate_series(0, ${LIBRARIES - 1}) AS n`);
  const searches = Math.floor(count / 1000) + 1;
  await client.query(`
    INSERT INTO "DuplicateSearch" ("id", "tenantId", "idempotencyKey", "inputHash", "media", "libraryIds", "createdAt")
    SELECT '5ea4c400-0000-4000-8000-' || lpad(k::text, 12, '0'), '${SEED_TENANT}', NULL, 'bench', '{"kind":"mediaId","mediaId":"m"}', '[]',
           ${time("k * 1000")}
    FROM generate_series(0, ${searches - 1}) AS k`);
  const recent = Math.floor(count * 0.98);
  const status = `CASE WHEN i > ${recent} THEN (CASE WHEN i % 2 = 0 THEN 'QUEUED' ELSE 'RUNNING' END)
                       WHEN i % 50 = 1 THEN 'FAILED' WHEN i % 200 = 2 THEN 'CANCELED' ELSE 'SUCCEEDED' END`;
  const mode = `(ARRAY['SAVE','SEARCH','SEARCH_AND_SAVE','SEARCH_AND_SAVE_IF_UNIQUE'])[((i / ${LIBRARIES}) % 4) + 1]`;
  await client.query(`
    INSERT INTO "FingerprintJob" ("id", "tenantId", "libraryId", "account", "backend", "region", "model", "kind", "mode", "primaryKey",
                                  "primaryKeys", "media", "similarityThreshold", "userData", "searchId", "idempotencyKey", "inputHash",
                                  "submitState", "backendJobId", "status", "rawStatus", "errorCode", "errorMessage", "matches",
                                  "createdAt", "updatedAt", "finishedAt", "nextCheckAt", "checkCount", "shard")
    SELECT lpad(to_hex(i), 8, '0') || '-0000-4000-9000-' || lpad(to_hex(i), 12, '0'),
           '${SEED_TENANT}',
           ${libraryIdSql(`i % ${LIBRARIES}`)},
           'default',
           CASE WHEN (i % ${LIBRARIES}) % 2 = 0 THEN 'ICE' ELSE 'MPS' END,
           'cn-shanghai', 'VIDEO',
           CASE WHEN i % 200 = 77 THEN 'DELETE_FILES' ELSE 'FINGERPRINT' END,
           CASE WHEN i % 200 = 77 THEN NULL ELSE m.mode END,
           CASE WHEN i % 200 = 77 THEN '' ELSE 'media-' || i END,
           CASE WHEN i % 200 = 77 THEN '["media-1","media-2"]' END,
           CASE WHEN i % 200 = 77 THEN NULL ELSE '{"kind":"oss","bucket":"bench","object":"clips/' || i || '.mp4","location":"oss-cn-shanghai"}' END,
           0.8, NULL,
           CASE WHEN i % 1000 < 10 THEN '5ea4c400-0000-4000-8000-' || lpad((i / 1000)::text, 12, '0') END,
           'bench-key-' || i, 'hash-' || i,
           CASE WHEN i % 100 = 99 THEN 'PENDING' ELSE 'SUBMITTED' END,
           CASE WHEN i % 100 = 99 THEN NULL ELSE 'backend-job-' || i END,
           s.status, s.status, NULL, NULL,
           CASE WHEN s.status = 'SUCCEEDED' AND m.mode <> 'SAVE'
                THEN '[{"primaryKey":"media-' || (i / 2) || '","similarity":0.91,"segments":[{"inputStart":0,"inputEnd":12.5,"matchStart":3,"matchEnd":15.5}]}]' END,
           ${time("i")}, ${time("i + 30")},
           CASE WHEN s.status IN ('SUCCEEDED', 'FAILED', 'CANCELED') THEN ${time("i + 30")} END,
           NULL, 0, i % 16
    FROM generate_series(1, ${count}) AS i
    CROSS JOIN LATERAL (SELECT ${mode} AS mode) AS m
    CROSS JOIN LATERAL (SELECT ${status} AS status) AS s`);
  // What autovacuum would soon do after a million inserts: statistics and the visibility map.
  await client.query(`VACUUM ANALYZE "FingerprintJob"`);
  await client.query(`VACUUM ANALYZE "JobCount"`);
}
