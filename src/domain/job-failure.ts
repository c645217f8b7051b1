/**
 * Why a FAILED job failed, in the gateway's own error codes (docs/errors.md), so a client
 * handles "your media is not there" the same way on both services. The job keeps the
 * backend's Code beside it (FingerprintJob.errorCode); this is the word to branch on.
 */
import type { ErrorCode } from "./errors.js";
import type { FingerprintJob } from "./job.js";

/** The backends' codes for input the job could not read (seen on both services). */
const MEDIA_NOT_FOUND_CODES = new Set([
  // The bucket, object or ICE media id does not exist.
  "InvalidParameter.ResourceNotFound",
  // The bucket exists but the service cannot read it from the job's region.
  "PermissionDenied.ResourceAccess",
]);

/** The bytes are there but are not media of the library's kind: the caller sent the wrong file. */
const BAD_MEDIA_CODES = new Set(["InvalidParameter.ResourceContentBad"]);

export function jobFailureCode(job: Pick<FingerprintJob, "status" | "errorCode">): ErrorCode | null {
  if (job.status !== "FAILED") return null;
  const code = job.errorCode ?? "";
  if (MEDIA_NOT_FOUND_CODES.has(code)) return "MEDIA_NOT_FOUND";
  if (BAD_MEDIA_CODES.has(code)) return "BAD_USER_INPUT";
  return "BACKEND_ERROR";
}
