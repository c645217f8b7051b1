-- totalCount without counting rows (issue #12). The table is what `node prisma/db.mjs new
-- library_counts` generated; the triggers and the backfill are written by hand (the Prisma
-- schema cannot say triggers, and `prisma migrate diff` ignores them, so npm run db:check
-- still passes). Name search stays a LIKE over the rows of the tenant on SQLite (it has no
-- trigram index that LIKE can use; figures in docs/design-store.md).
--
-- A later migration that makes Prisma redefine "Library" (CREATE "new_Library", copy, DROP,
-- RENAME) drops these triggers with the old table and must create them again:
-- test/store/library-counts.test.ts fails until it does.

-- CreateTable
CREATE TABLE "LibraryCount" (
    "tenantId" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    PRIMARY KEY ("tenantId", "backend", "model", "status", "region")
);

-- Counting triggers: they run inside the statement that changes "Library", so in its
-- transaction. SQLite has one writer at a time, so the order of the two upserts below
-- cannot deadlock anything.
CREATE TRIGGER "Library_count_insert" AFTER INSERT ON "Library"
BEGIN
    INSERT INTO "LibraryCount" ("tenantId", "backend", "model", "status", "region", "count")
    VALUES (NEW."tenantId", NEW."backend", NEW."model", NEW."status", NEW."region", 1)
    ON CONFLICT ("tenantId", "backend", "model", "status", "region") DO UPDATE SET "count" = "count" + 1;
END;

CREATE TRIGGER "Library_count_delete" AFTER DELETE ON "Library"
BEGIN
    INSERT INTO "LibraryCount" ("tenantId", "backend", "model", "status", "region", "count")
    VALUES (OLD."tenantId", OLD."backend", OLD."model", OLD."status", OLD."region", -1)
    ON CONFLICT ("tenantId", "backend", "model", "status", "region") DO UPDATE SET "count" = "count" - 1;
END;

CREATE TRIGGER "Library_count_update" AFTER UPDATE OF "tenantId", "backend", "model", "status", "region" ON "Library"
WHEN OLD."tenantId" IS NOT NEW."tenantId" OR OLD."backend" IS NOT NEW."backend" OR OLD."model" IS NOT NEW."model"
  OR OLD."status" IS NOT NEW."status" OR OLD."region" IS NOT NEW."region"
BEGIN
    INSERT INTO "LibraryCount" ("tenantId", "backend", "model", "status", "region", "count")
    VALUES (OLD."tenantId", OLD."backend", OLD."model", OLD."status", OLD."region", -1)
    ON CONFLICT ("tenantId", "backend", "model", "status", "region") DO UPDATE SET "count" = "count" - 1;
    INSERT INTO "LibraryCount" ("tenantId", "backend", "model", "status", "region", "count")
    VALUES (NEW."tenantId", NEW."backend", NEW."model", NEW."status", NEW."region", 1)
    ON CONFLICT ("tenantId", "backend", "model", "status", "region") DO UPDATE SET "count" = "count" + 1;
END;

-- Backfill from the libraries already registered.
INSERT INTO "LibraryCount" ("tenantId", "backend", "model", "status", "region", "count")
SELECT "tenantId", "backend", "model", "status", "region", COUNT(*)
FROM "Library" GROUP BY "tenantId", "backend", "model", "status", "region";
