-- CreateIndex
CREATE INDEX "FingerprintJob_tenantId_status_createdAt_id_idx" ON "FingerprintJob"("tenantId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "FingerprintJob_libraryId_status_createdAt_id_idx" ON "FingerprintJob"("libraryId", "status", "createdAt", "id");
