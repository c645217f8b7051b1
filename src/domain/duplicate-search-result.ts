/**
 * What a DuplicateSearch reports, from the SEARCH jobs it made (one per library): one status
 * for all of them, and every match of every library in one ranking.
 */
import type { FingerprintJob, FingerprintMatch, JobStatus } from "./job.js";

/**
 * FAILED as soon as one job failed (the others' matches are still listed), CANCELED when
 * one was cancelled, SUCCEEDED once every library's job has; otherwise RUNNING while any
 * job has started (or finished), QUEUED before. `libraryCount` counts jobs not yet
 * submitted (a search whose submits were interrupted is not done).
 */
export function searchStatus(jobs: readonly Pick<FingerprintJob, "status">[], libraryCount: number): JobStatus {
  if (jobs.some((job) => job.status === "FAILED")) return "FAILED";
  if (jobs.some((job) => job.status === "CANCELED")) return "CANCELED";
  if (jobs.length >= libraryCount && jobs.every((job) => job.status === "SUCCEEDED")) return "SUCCEEDED";
  if (jobs.some((job) => job.status !== "QUEUED")) return "RUNNING";
  return "QUEUED";
}

export interface LibraryMatch {
  libraryId: string;
  match: FingerprintMatch;
}

/** Every library's matches, most similar first; ties by library then key, so the order is stable. */
export function rankLibraryMatches(jobs: readonly Pick<FingerprintJob, "libraryId" | "matches">[]): LibraryMatch[] {
  return jobs
    .flatMap((job) => job.matches.map((match) => ({ libraryId: job.libraryId, match })))
    .sort(
      (a, b) =>
        b.match.similarity - a.match.similarity ||
        compare(a.libraryId, b.libraryId) ||
        compare(a.match.primaryKey, b.match.primaryKey),
    );
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
