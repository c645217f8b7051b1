/**
 * ICE's content operations (API 2020-11-09): SubmitDNAJob, QueryDNAJobList, CancelDNAJob,
 * ListDNAFiles, DeleteDNAFiles. Wire facts: Input and Config are JSON strings; the job list is
 * a plain array with `Status`; the result is a URL (`DNAResult`), not inline; file deletion
 * is synchronous, at most 50 keys a call.
 */
import { MEDIA_TYPE_WORDS, normalizeJobStatus } from "../domain/job.js";
import { assertBatchSize } from "./batch-size.js";
import type { BackendContent, BackendFilePage, BackendFileDeleteResult, BackendJobLookup, BackendJobRequest, BackendJobState, FileDeleteJobState, JobMedia } from "./content-port.js";
import type { ResilientCaller } from "./resilient-caller.js";
import { isoDate, missingIds, pageToken } from "./wire-values.js";

interface IceJob {
  Id?: string;
  Status?: string;
  Code?: string;
  Message?: string;
  DNAResult?: string;
  FinishTime?: string;
}

interface IceFile {
  PrimaryKey?: string;
}

export class IceContent implements BackendContent {
  readonly maxDeleteKeys = 50;
  readonly maxFilePageSize = 100;

  constructor(private readonly caller: ResilientCaller) {}

  async submitJob(region: string, request: BackendJobRequest): Promise<{ backendJobId: string }> {
    const body = await this.caller.call(
      region,
      "SubmitDNAJob",
      {
        DBId: request.backendLibraryId,
        PrimaryKey: request.primaryKey,
        Input: JSON.stringify(iceInput(request.media)),
        Config: JSON.stringify({ SaveType: request.saveType, MediaType: MEDIA_TYPE_WORDS[request.model] }),
        UserData: request.userData ?? undefined,
      },
      { idempotent: false },
    );
    return { backendJobId: requiredJobId(body.JobId, "SubmitDNAJob") };
  }

  /** QueryDNAJobList takes ids only: a job whose id was lost cannot be found on ICE. */
  async listJobsCreatedBetween(): Promise<null> {
    return null;
  }

  async queryJobs(region: string, ids: readonly string[]): Promise<BackendJobLookup> {
    assertBatchSize(ids);
    if (ids.length === 0) return { found: [], missing: [] };
    const body = await this.caller.call(region, "QueryDNAJobList", { JobIds: ids.join(",") }, { idempotent: true });
    const found = (Array.isArray(body.JobList) ? (body.JobList as IceJob[]) : []).filter((job) => job.Id).map(toJobState);
    return { found, missing: missingIds(ids, found.map((job) => job.backendJobId)) };
  }

  async cancelJob(region: string, backendJobId: string): Promise<void> {
    await this.caller.call(region, "CancelDNAJob", { JobId: backendJobId }, { idempotent: false });
  }

  async listFiles(region: string, backendLibraryId: string, pageSize: number, token: string | null): Promise<BackendFilePage> {
    const body = await this.caller.call(
      region,
      "ListDNAFiles",
      { DBId: backendLibraryId, PageSize: pageSize, NextPageToken: token ?? undefined },
      { idempotent: true },
    );
    const files = (Array.isArray(body.FileList) ? (body.FileList as IceFile[]) : [])
      .filter((file) => typeof file.PrimaryKey === "string")
      // ICE lists no store time.
      .map((file) => ({ primaryKey: file.PrimaryKey!, storedAt: null }));
    return { files, nextToken: pageToken(body.NextPageToken) };
  }

  async deleteFiles(region: string, backendLibraryId: string, primaryKeys: readonly string[]): Promise<BackendFileDeleteResult> {
    if (primaryKeys.length > this.maxDeleteKeys) throw new RangeError(`DeleteDNAFiles takes at most ${this.maxDeleteKeys} keys; chunk them.`);
    // Deleting the same keys twice leaves the same library: safe to retry.
    await this.caller.call(region, "DeleteDNAFiles", { DBId: backendLibraryId, PrimaryKeys: primaryKeys.join(",") }, { idempotent: true });
    return { kind: "deleted" };
  }

  async fileDeleteJobs(): Promise<FileDeleteJobState[]> {
    return [];
  }
}

function iceInput(media: JobMedia): { Type: "OSS" | "Media"; Media: string } {
  return media.kind === "oss" ? { Type: "OSS", Media: `oss://${media.bucket}/${media.object}` } : { Type: "Media", Media: media.mediaId };
}

/** How a job ended by CancelDNAJob reads: `Fail` with this Code (the emulator's; ICE documents no cancel word). */
export const ICE_CANCELLED_CODE = "JobCancelled";

function toJobState(job: IceJob): BackendJobState {
  const normalized = normalizeJobStatus(job.Status);
  const { rawStatus } = normalized;
  // A cancel is the caller's doing, not a failure: CANCELED, with the raw word and code kept.
  const status = normalized.status === "FAILED" && job.Code === ICE_CANCELLED_CODE ? "CANCELED" : normalized.status;
  const url = typeof job.DNAResult === "string" && job.DNAResult !== "" ? job.DNAResult : null;
  return {
    backendJobId: job.Id!,
    status,
    rawStatus,
    errorCode: status === "FAILED" || status === "CANCELED" ? job.Code || null : null,
    errorMessage: status === "FAILED" || status === "CANCELED" ? job.Message || null : null,
    finishedAt: isoDate(job.FinishTime),
    result: status === "SUCCEEDED" && url ? { kind: "url", url } : { kind: "none" },
  };
}

export function requiredJobId(value: unknown, action: string): string {
  if (typeof value === "string" && value !== "") return value;
  throw new MissingJobIdError(action);
}

/** A submit answered 200 without a JobId: whether a job exists is unknown, so recovery decides. */
export class MissingJobIdError extends Error {
  override name = "MissingJobIdError";
  constructor(readonly action: string) {
    super(`${action} answered without a JobId.`);
  }
}
