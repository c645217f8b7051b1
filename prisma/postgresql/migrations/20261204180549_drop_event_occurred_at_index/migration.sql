-- DropIndex
DROP INDEX "LibraryEvent_occurredAt_idx";
