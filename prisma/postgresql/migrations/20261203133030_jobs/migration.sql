-- AlterTable
ALTER TABLE "LibraryEvent" ADD COLUMN     "job" TEXT,
ADD COLUMN     "jobId" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'LIBRARY',
ADD COLUMN     "searchId" TEXT;

-- CreateTable
CREATE TABLE "FingerprintJob" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "libraryId" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "mode" TEXT,
    "primaryKey" TEXT NOT NULL,
    "primaryKeys" TEXT,
    "media" TEXT,
    "similarityThreshold" DOUBLE PRECISION NOT NULL,
    "userData" TEXT,
    "searchId" TEXT,
    "idempotencyKey" TEXT,
    "inputHash" TEXT NOT NULL,
    "submitState" TEXT NOT NULL,
    "backendJobId" TEXT,
    "status" TEXT NOT NULL,
    "rawStatus" TEXT NOT NULL,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "matches" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),
    "nextCheckAt" TIMESTAMP(3),
    "checkCount" INTEGER NOT NULL DEFAULT 0,
    "shard" INTEGER NOT NULL,

    CONSTRAINT "FingerprintJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DuplicateSearch" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "inputHash" TEXT NOT NULL,
    "media" TEXT NOT NULL,
    "libraryIds" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DuplicateSearch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobCount" (
    "tenantId" TEXT NOT NULL,
    "libraryId" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "JobCount_pkey" PRIMARY KEY ("tenantId","libraryId","backend","mode","status")
);

-- CreateIndex
CREATE INDEX "FingerprintJob_tenantId_createdAt_id_idx" ON "FingerprintJob"("tenantId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "FingerprintJob_libraryId_createdAt_id_idx" ON "FingerprintJob"("libraryId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "FingerprintJob_searchId_idx" ON "FingerprintJob"("searchId");

-- CreateIndex
CREATE INDEX "FingerprintJob_status_shard_nextCheckAt_idx" ON "FingerprintJob"("status", "shard", "nextCheckAt");

-- CreateIndex
CREATE INDEX "FingerprintJob_submitState_updatedAt_idx" ON "FingerprintJob"("submitState", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "FingerprintJob_tenantId_idempotencyKey_key" ON "FingerprintJob"("tenantId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "FingerprintJob_account_backend_backendJobId_key" ON "FingerprintJob"("account", "backend", "backendJobId");

-- CreateIndex
CREATE UNIQUE INDEX "DuplicateSearch_tenantId_idempotencyKey_key" ON "DuplicateSearch"("tenantId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "LibraryEvent_jobId_idx" ON "LibraryEvent"("jobId");

-- AddForeignKey
ALTER TABLE "FingerprintJob" ADD CONSTRAINT "FingerprintJob_libraryId_fkey" FOREIGN KEY ("libraryId") REFERENCES "Library"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FingerprintJob" ADD CONSTRAINT "FingerprintJob_searchId_fkey" FOREIGN KEY ("searchId") REFERENCES "DuplicateSearch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Everything below is written by hand (see 20261203100000_library_counts for why, and for why
-- function bodies are E-strings with \x3b for their semicolons): the triggers that keep
-- "JobCount" exact, so fingerprintJobs' totalCount is a sum over a few rows (issue #14).
--
-- A job is counted while the API lists it: submitState SUBMITTED and kind FINGERPRINT (PENDING
-- and REFUSED rows are idempotency records, DELETE_FILES rows the watcher's own bookkeeping).
-- Every insert, every change of a counted column (the key columns, submitState, kind) and every
-- delete (also a cascade from "Library") reaches "JobCount" in the writer's transaction, so a
-- committed count always equals COUNT(*) of the committed visible jobs. Count rows are upserted
-- in key order, so two transactions never take two count-row locks in opposite orders.
--  - INSERT and DELETE: once per statement, grouped over the transition table (a seed of a
--    million jobs in one statement makes one upsert per key).
--  - UPDATE: per row, only when a counted column changes (the watcher's schedule, matches and
--    error columns touch no count).
-- "mode" is null only for DELETE_FILES rows, which are not counted. COALESCE keeps a stray one
-- from failing the writer's statement on the NOT NULL key.
-- No backfill: the tables are new.
CREATE FUNCTION "JobCount_after_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
    INSERT INTO "JobCount" AS c ("tenantId", "libraryId", "backend", "mode", "status", "count")
    SELECT "tenantId", "libraryId", "backend", COALESCE("mode", ''''), "status", COUNT(*)::int
    FROM "job_count_new" WHERE "submitState" = ''SUBMITTED'' AND "kind" = ''FINGERPRINT''
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("tenantId", "libraryId", "backend", "mode", "status") DO UPDATE SET "count" = c."count" + EXCLUDED."count"\x3b
    RETURN NULL\x3b
END';

CREATE FUNCTION "JobCount_after_delete"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
    INSERT INTO "JobCount" AS c ("tenantId", "libraryId", "backend", "mode", "status", "count")
    SELECT "tenantId", "libraryId", "backend", COALESCE("mode", ''''), "status", -COUNT(*)::int
    FROM "job_count_old" WHERE "submitState" = ''SUBMITTED'' AND "kind" = ''FINGERPRINT''
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("tenantId", "libraryId", "backend", "mode", "status") DO UPDATE SET "count" = c."count" + EXCLUDED."count"\x3b
    RETURN NULL\x3b
END';

-- OLD and NEW never share a key here while both are counted (the WHEN below would not fire),
-- so the one INSERT never touches a count row twice.
CREATE FUNCTION "JobCount_after_update"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
    INSERT INTO "JobCount" AS c ("tenantId", "libraryId", "backend", "mode", "status", "count")
    SELECT d."tenantId", d."libraryId", d."backend", d."mode", d."status", d."count" FROM (VALUES
        (OLD."tenantId", OLD."libraryId", OLD."backend", COALESCE(OLD."mode", ''''), OLD."status", -1,
         OLD."submitState" = ''SUBMITTED'' AND OLD."kind" = ''FINGERPRINT''),
        (NEW."tenantId", NEW."libraryId", NEW."backend", COALESCE(NEW."mode", ''''), NEW."status", 1,
         NEW."submitState" = ''SUBMITTED'' AND NEW."kind" = ''FINGERPRINT'')
    ) AS d("tenantId", "libraryId", "backend", "mode", "status", "count", "counted")
    WHERE d."counted"
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("tenantId", "libraryId", "backend", "mode", "status") DO UPDATE SET "count" = c."count" + EXCLUDED."count"\x3b
    RETURN NULL\x3b
END';

CREATE TRIGGER "FingerprintJob_count_insert" AFTER INSERT ON "FingerprintJob"
    REFERENCING NEW TABLE AS "job_count_new" FOR EACH STATEMENT EXECUTE FUNCTION "JobCount_after_insert"();
CREATE TRIGGER "FingerprintJob_count_delete" AFTER DELETE ON "FingerprintJob"
    REFERENCING OLD TABLE AS "job_count_old" FOR EACH STATEMENT EXECUTE FUNCTION "JobCount_after_delete"();
CREATE TRIGGER "FingerprintJob_count_update"
    AFTER UPDATE OF "tenantId", "libraryId", "backend", "mode", "status", "submitState", "kind" ON "FingerprintJob"
    FOR EACH ROW
    WHEN ((OLD."tenantId", OLD."libraryId", OLD."backend", OLD."mode", OLD."status", OLD."submitState", OLD."kind")
          IS DISTINCT FROM (NEW."tenantId", NEW."libraryId", NEW."backend", NEW."mode", NEW."status", NEW."submitState", NEW."kind"))
    EXECUTE FUNCTION "JobCount_after_update"();
