-- CreateTable
CREATE TABLE "Library" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "activatedAt" TIMESTAMP(3),
    "nextCheckAt" TIMESTAMP(3),
    "checkCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Library_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CreateIntent" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CreateIntent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LibraryEvent" (
    "id" SERIAL NOT NULL,
    "tenantId" TEXT NOT NULL,
    "libraryId" TEXT NOT NULL,
    "previousStatus" TEXT,
    "status" TEXT NOT NULL,
    "rawStatus" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LibraryEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
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

-- AddForeignKey
ALTER TABLE "CreateIntent" ADD CONSTRAINT "CreateIntent_libraryId_fkey" FOREIGN KEY ("libraryId") REFERENCES "Library"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LibraryEvent" ADD CONSTRAINT "LibraryEvent_libraryId_fkey" FOREIGN KEY ("libraryId") REFERENCES "Library"("id") ON DELETE CASCADE ON UPDATE CASCADE;
