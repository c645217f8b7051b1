/**
 * JOB rows of the event log to JobEvents. A JOB row's `job` column is the job right after the
 * change, in the one JSON shape a job has as text (src/domain/job-json.ts), checked here
 * because nobody else validates that column.
 */
import { JOB_KINDS, JOB_STATUSES, type FingerprintJob, type JobStatus } from "../domain/job.js";
import { jobFromJson, type JobJson } from "../domain/job-json.js";
import { FINGERPRINT_BACKENDS, type FingerprintBackend } from "../domain/model.js";
import type { EventRow } from "./event-columns.js";
import type { JobEvent } from "./job-ports.js";
import { readDate, readEnum } from "./sql/values.js";

export function toJobEvent(row: EventRow): JobEvent {
  const where = String(row.id);
  if (row.jobId === null || row.job === null) throw new Error(`Stored JOB event ${row.id} has no jobId or no job snapshot.`);
  return {
    kind: "JOB",
    id: row.id,
    tenantId: row.tenantId,
    libraryId: row.libraryId,
    jobId: row.jobId,
    searchId: row.searchId,
    backend: readEnum<FingerprintBackend>(FINGERPRINT_BACKENDS, row.backend, "LibraryEvent.backend", where),
    previousStatus: row.previousStatus === null ? null : readEnum<JobStatus>(JOB_STATUSES, row.previousStatus, "LibraryEvent.previousStatus", where),
    status: readEnum<JobStatus>(JOB_STATUSES, row.status, "LibraryEvent.status", where),
    rawStatus: row.rawStatus,
    occurredAt: readDate(row.occurredAt, `LibraryEvent.occurredAt of row ${row.id}`),
    job: parseJobSnapshot(row.job, row.id),
  };
}

/** The `job` column back to a FingerprintJob, checking what the pipeline relies on. */
export function parseJobSnapshot(json: string, eventId: number): FingerprintJob {
  const where = `LibraryEvent ${eventId}`;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new Error(`Stored ${where} job snapshot is not JSON.`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`Stored ${where} job snapshot is not a JSON object.`);
  const record = value as Record<string, unknown>;
  for (const key of ["id", "tenantId", "libraryId", "createdAt", "updatedAt"] as const) {
    if (typeof record[key] !== "string") throw new Error(`Stored ${where} job snapshot: ${key} is not a string.`);
  }
  readEnum(JOB_STATUSES, record.status, "LibraryEvent.job.status", String(eventId));
  readEnum(JOB_KINDS, record.kind, "LibraryEvent.job.kind", String(eventId));
  if (!Array.isArray(record.matches)) throw new Error(`Stored ${where} job snapshot: matches is not a list.`);
  const job = jobFromJson(record as unknown as JobJson);
  for (const key of ["createdAt", "updatedAt", "finishedAt"] as const) {
    const date = job[key];
    if (date !== null && Number.isNaN(date.getTime())) throw new Error(`Stored ${where} job snapshot: ${key} is not a date.`);
  }
  return job;
}
