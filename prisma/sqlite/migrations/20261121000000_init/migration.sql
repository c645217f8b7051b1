-- CreateTable
CREATE TABLE "Library" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "backendLibraryId" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "model" TEXT NOT NULL,
    "config" TEXT,
    "status" TEXT NOT NULL,
    "rawStatus" TEXT NOT NULL,
    "deleteJobId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "activatedAt" DATETIME,
    "nextCheckAt" DATETIME,
    "checkCount" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "CreateIntent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tenantId" TEXT NOT NULL,
    "idempotencyKey" TEXT,
    "inputHash" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "input" TEXT NOT NULL,
    "backend" TEXT,
    "region" TEXT NOT NULL,
    "backendLibraryId" TEXT,
    "libraryId" TEXT,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CreateIntent_libraryId_fkey" FOREIGN KEY ("libraryId") REFERENCES "Library" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "LibraryEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" TEXT NOT NULL,
    "libraryId" TEXT NOT NULL,
    "previousStatus" TEXT,
    "status" TEXT NOT NULL,
    "rawStatus" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    CONSTRAINT "LibraryEvent_libraryId_fkey" FOREIGN KEY ("libraryId") REFERENCES "Library" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Library_tenantId_createdAt_id_idx" ON "Library"("tenantId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Library_status_nextCheckAt_idx" ON "Library"("status", "nextCheckAt");

-- CreateIndex
CREATE UNIQUE INDEX "Library_tenantId_backend_region_backendLibraryId_key" ON "Library"("tenantId", "backend", "region", "backendLibraryId");

-- CreateIndex
CREATE INDEX "CreateIntent_state_updatedAt_idx" ON "CreateIntent"("state", "updatedAt");

-- CreateIndex
CREATE INDEX "CreateIntent_libraryId_idx" ON "CreateIntent"("libraryId");

-- CreateIndex
CREATE UNIQUE INDEX "CreateIntent_tenantId_idempotencyKey_key" ON "CreateIntent"("tenantId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "LibraryEvent_tenantId_id_idx" ON "LibraryEvent"("tenantId", "id");

-- CreateIndex
CREATE INDEX "LibraryEvent_libraryId_id_idx" ON "LibraryEvent"("libraryId", "id");
