/**
 * Jobs for the job-watcher tests and bench, submitted the way the submit service does it
 * (a PENDING row first, then the backend's SubmitDNAJob / SubmitFpShotJob over the wire,
 * then SUBMITTED with the backend's job id), without the GraphQL layer.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Backends } from "../../src/backends/port.js";
import type { JobMedia } from "../../src/backends/content-port.js";
import { DEFAULT_SIMILARITY_THRESHOLD, SAVE_TYPES, type FingerprintJob, type JobMode } from "../../src/domain/job.js";
import type { Library } from "../../src/domain/library.js";
import type { JobRepository } from "../../src/store/job-ports.js";

export type AccountLibrary = Library & { account: string };

export const ossMedia = (bucket: string, object: string, region = "cn-shanghai"): JobMedia => ({ kind: "oss", bucket, object, location: `oss-${region}` });

export async function submitJobRow(
  jobs: JobRepository,
  backends: Backends,
  library: AccountLibrary,
  job: { mode: JobMode; media: JobMedia; primaryKey?: string; similarityThreshold?: number },
  firstCheckAt: Date = new Date(),
): Promise<FingerprintJob> {
  const primaryKey = job.primaryKey ?? `search-${randomUUID()}`;
  const similarityThreshold = job.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
  const media = JSON.stringify(job.media);
  const claim = await jobs.claim({
    tenantId: library.tenantId,
    library,
    kind: "FINGERPRINT",
    mode: job.mode,
    primaryKey,
    media,
    similarityThreshold,
    userData: null,
    searchId: null,
    idempotencyKey: null,
    inputHash: createHash("sha256").update(`${library.id}\u0000${job.mode}\u0000${primaryKey}\u0000${media}`).digest("hex"),
  });
  const { backendJobId } = await backends[library.backend].content.submitJob(library.region, {
    backendLibraryId: library.backendLibraryId,
    model: library.model,
    media: job.media,
    saveType: SAVE_TYPES[job.mode],
    primaryKey,
    similarityThreshold: library.backend === "MPS" ? similarityThreshold : null,
    userData: null,
  });
  return jobs.markSubmitted(claim.job.id, backendJobId, firstCheckAt);
}

/** An MPS file-delete job followed by the watcher (ICE deletes at once and makes no row). */
export async function submitFileDeleteRow(jobs: JobRepository, backends: Backends, library: AccountLibrary, primaryKeys: string[]): Promise<FingerprintJob> {
  const claim = await jobs.claim({
    tenantId: library.tenantId,
    library,
    kind: "DELETE_FILES",
    mode: null,
    primaryKey: "",
    primaryKeys,
    media: null,
    similarityThreshold: DEFAULT_SIMILARITY_THRESHOLD,
    userData: null,
    searchId: null,
    idempotencyKey: null,
    inputHash: createHash("sha256").update(`${library.id}\u0000delete\u0000${primaryKeys.join(",")}`).digest("hex"),
  });
  const deleted = await backends[library.backend].content.deleteFiles(library.region, library.backendLibraryId, primaryKeys);
  if (deleted.kind !== "job") throw new Error(`${library.backend} deleted at once; no job to follow`);
  return jobs.markSubmitted(claim.job.id, deleted.jobId, new Date());
}
