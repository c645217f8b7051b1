-- totalCount without counting rows, and name search over a trigram index (issue #12).
-- The table is what `node prisma/db.mjs new library_counts` generated. Everything after it
-- is written by hand: the Prisma schema cannot say triggers or extensions, and `prisma
-- migrate diff` ignores both, and expression indexes, so npm run db:check still passes.
--
-- Bodies of functions and of the DO block are E-strings whose semicolons are written \x3b:
-- `prisma migrate deploy` (npm run db:migrate) runs a script through @prisma/adapter-pg,
-- whose executeScript splits it at every semicolon, even inside dollar quotes and comments.
-- (The gateway applies the file whole, migration-runner.ts.) No comment here has one either.

-- CreateTable
CREATE TABLE "LibraryCount" (
    "tenantId" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "LibraryCount_pkey" PRIMARY KEY ("tenantId","backend","model","status","region")
);

-- Counting triggers. Every change reaches "LibraryCount" in the transaction of the writer,
-- so a committed count always equals COUNT(*) of the committed rows. Count rows are upserted
-- in key order, so two transactions never take the same two row locks in opposite orders (no
-- deadlock between a create and a status change, or two status changes).
--  - INSERT and DELETE: once per statement, grouped over the transition table, so a bulk
--    insert (an import, a seed) costs one upsert per key, not one per row.
--  - UPDATE: per row, and only when a counted column changes (the watcher schedule updates
--    and activatedAt writes touch no count).
CREATE FUNCTION "LibraryCount_after_insert"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
    INSERT INTO "LibraryCount" AS c ("tenantId", "backend", "model", "status", "region", "count")
    SELECT "tenantId", "backend", "model", "status", "region", COUNT(*)::int
    FROM "library_count_new" GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("tenantId", "backend", "model", "status", "region") DO UPDATE SET "count" = c."count" + EXCLUDED."count"\x3b
    RETURN NULL\x3b
END';

CREATE FUNCTION "LibraryCount_after_delete"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
    INSERT INTO "LibraryCount" AS c ("tenantId", "backend", "model", "status", "region", "count")
    SELECT "tenantId", "backend", "model", "status", "region", -COUNT(*)::int
    FROM "library_count_old" GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("tenantId", "backend", "model", "status", "region") DO UPDATE SET "count" = c."count" + EXCLUDED."count"\x3b
    RETURN NULL\x3b
END';

CREATE FUNCTION "LibraryCount_after_update"() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
    INSERT INTO "LibraryCount" AS c ("tenantId", "backend", "model", "status", "region", "count")
    SELECT * FROM (VALUES
        (OLD."tenantId", OLD."backend", OLD."model", OLD."status", OLD."region", -1),
        (NEW."tenantId", NEW."backend", NEW."model", NEW."status", NEW."region", 1)
    ) AS d("tenantId", "backend", "model", "status", "region", "count")
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("tenantId", "backend", "model", "status", "region") DO UPDATE SET "count" = c."count" + EXCLUDED."count"\x3b
    RETURN NULL\x3b
END';

CREATE TRIGGER "Library_count_insert" AFTER INSERT ON "Library"
    REFERENCING NEW TABLE AS "library_count_new" FOR EACH STATEMENT EXECUTE FUNCTION "LibraryCount_after_insert"();
CREATE TRIGGER "Library_count_delete" AFTER DELETE ON "Library"
    REFERENCING OLD TABLE AS "library_count_old" FOR EACH STATEMENT EXECUTE FUNCTION "LibraryCount_after_delete"();
CREATE TRIGGER "Library_count_update" AFTER UPDATE OF "tenantId", "backend", "model", "status", "region" ON "Library"
    FOR EACH ROW
    WHEN ((OLD."tenantId", OLD."backend", OLD."model", OLD."status", OLD."region")
          IS DISTINCT FROM (NEW."tenantId", NEW."backend", NEW."model", NEW."status", NEW."region"))
    EXECUTE FUNCTION "LibraryCount_after_update"();

-- Backfill from the libraries already registered (the triggers count from here on, and this
-- runs in the same transaction, so no write falls between the two).
INSERT INTO "LibraryCount" ("tenantId", "backend", "model", "status", "region", "count")
SELECT "tenantId", "backend", "model", "status", "region", COUNT(*)::int
FROM "Library" GROUP BY 1, 2, 3, 4, 5;

-- Name search: a trigram GIN index answers `lower("name") LIKE lower(pattern)` (terms of 3
-- or more characters) from its index hits instead of reading every row of the tenant. It is
-- an index on the expression lower("name"), not on the column, because `prisma migrate diff`
-- ignores expression indexes but would see a column index missing from the schema (which
-- cannot declare a GIN index: models.prisma is shared with SQLite) and drop it in the next
-- generated migration. The store name filters use that same expression
-- (src/store/like-pattern.ts).
-- pg_trgm is a database-wide extension and trusted (PostgreSQL 13+: a database owner may
-- create it). When absent it goes to "public", not to the schema being migrated: tests drop
-- their schemas with CASCADE, which would take the extension, and the index of every other
-- schema on it, along. The index names the operator class by the actual extension schema.
-- Where the extension cannot be had (not installed on the server, or no privilege), the
-- migration still succeeds without the index: name search is then correct but reads every
-- row of the tenant, and a WARNING says so.
DO E'
DECLARE
    trgm_schema text\x3b
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public\x3b
    EXCEPTION
        -- A concurrent migration of another schema created it first.
        WHEN unique_violation OR duplicate_object THEN NULL\x3b
        WHEN insufficient_privilege OR undefined_file OR invalid_schema_name OR feature_not_supported THEN
            RAISE WARNING ''pg_trgm is not available (%): no "Library_name_trgm_idx", nameContains reads every row'', SQLERRM\x3b
    END\x3b
    SELECT n.nspname INTO trgm_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = ''pg_trgm''\x3b
    IF trgm_schema IS NOT NULL THEN
        EXECUTE format(''CREATE INDEX "Library_name_trgm_idx" ON "Library" USING gin (lower("name") %I.gin_trgm_ops)'', trgm_schema)\x3b
    END IF\x3b
END';
