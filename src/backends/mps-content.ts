/**
 * MPS's content operations (API 2014-06-18): SubmitFpShotJob, QueryFpShotJobList,
 * ListFpShotFiles, SubmitFpFileDeleteJob, QueryFpFileDeleteJobList. Wire facts: Input is the
 * OSS triple as JSON with the object URL-encoded; FpShotConfig carries library, key, SaveType
 * and threshold; jobs say `State`; results come inline (FpShotResult); XML-style wrappers;
 * file deletion is a job of its own, at most 200 keys. MPS has no cancel.
 */
import { GatewayError } from "../domain/errors.js";
import { normalizeJobStatus } from "../domain/job.js";
import { assertBatchSize } from "./batch-size.js";
import type { BackendContent, BackendFilePage, BackendFileDeleteResult, BackendJobLookup, BackendJobRequest, BackendJobState, FileDeleteJobState, ListedBackendJob } from "./content-port.js";
import { requiredJobId } from "./ice-content.js";
import { matchesFromMpsResult } from "./match-results.js";
import type { ResilientCaller } from "./resilient-caller.js";
import { isoDate, missingIds, pageToken, wrappedList } from "./wire-values.js";

interface FpShotJob {
  Id?: string;
  FpShotConfig?: { FpDBId?: string; PrimaryKey?: string; SaveType?: string };
  State?: string;
  Code?: string;
  Message?: string;
  FinishTime?: string;
  FpShotResult?: unknown;
}

interface FpShotFile {
  PrimaryKey?: string;
  StoreTime?: string;
}

interface FpFileDeleteJob {
  Id?: string;
  Status?: string;
  Code?: string;
  Message?: string;
}

export class MpsContent implements BackendContent {
  readonly maxDeleteKeys = 200;
  readonly maxFilePageSize = 100;

  constructor(private readonly caller: ResilientCaller) {}

  async submitJob(region: string, request: BackendJobRequest): Promise<{ backendJobId: string }> {
    if (request.media.kind !== "oss") {
      throw new GatewayError("BAD_USER_INPUT", "MPS libraries take media from OSS only (media.oss); media.mediaId is for ICE libraries.", { field: "media" });
    }
    const config: Record<string, unknown> = { FpDBId: request.backendLibraryId, PrimaryKey: request.primaryKey, SaveType: request.saveType };
    if (request.similarityThreshold !== null) config.SimilarityThreshold = request.similarityThreshold;
    if (request.model === "TEXT") config.TextType = "Text";
    const body = await this.caller.call(
      region,
      "SubmitFpShotJob",
      {
        Input: JSON.stringify({ Bucket: request.media.bucket, Location: request.media.location, Object: encodeURIComponent(request.media.object) }),
        FpShotConfig: JSON.stringify(config),
        UserData: request.userData ?? undefined,
      },
      { idempotent: false },
    );
    return { backendJobId: requiredJobId(body.JobId, "SubmitFpShotJob") };
  }

  async queryJobs(region: string, ids: readonly string[]): Promise<BackendJobLookup> {
    assertBatchSize(ids);
    if (ids.length === 0) return { found: [], missing: [] };
    const body = await this.caller.call(region, "QueryFpShotJobList", { JobIds: ids.join(",") }, { idempotent: true });
    const found = wrappedList<FpShotJob>(body.FpShotJobList, "FpShotJob").filter((job) => job.Id).map(toJobState);
    return { found, missing: missingIds(ids, found.map((job) => job.backendJobId), wrappedList<string>(body.NonExistIds, "String")) };
  }

  /**
   * QueryFpShotJobList by creation-time range (whole seconds, UTC), oldest first, 100 a page.
   * Bounded: a lost submit is looked for in a window of minutes, so more than
   * MAX_LISTED_PAGES pages means the window is too busy to search and the answer is null.
   */
  async listJobsCreatedBetween(region: string, from: Date, to: Date): Promise<ListedBackendJob[] | null> {
    const listed: ListedBackendJob[] = [];
    let token: string | null = null;
    for (let pageCount = 0; pageCount < MAX_LISTED_PAGES; pageCount++) {
      const body = await this.caller.call(
        region,
        "QueryFpShotJobList",
        {
          StartOfJobCreatedTimeRange: wireSecond(from, "floor"),
          EndOfJobCreatedTimeRange: wireSecond(to, "ceil"),
          MaximumPageSize: 100,
          NextPageToken: token ?? undefined,
        },
        { idempotent: true },
      );
      for (const job of wrappedList<FpShotJob>(body.FpShotJobList, "FpShotJob")) {
        if (!job.Id || !job.FpShotConfig?.FpDBId || typeof job.FpShotConfig.PrimaryKey !== "string") continue;
        listed.push({ backendJobId: job.Id, backendLibraryId: job.FpShotConfig.FpDBId, primaryKey: job.FpShotConfig.PrimaryKey, saveType: job.FpShotConfig.SaveType ?? "" });
      }
      token = pageToken(body.NextPageToken);
      if (token === null) return listed;
    }
    return null;
  }

  async cancelJob(): Promise<void> {
    throw new GatewayError("UNSUPPORTED_OPERATION", "MPS has no way to cancel a fingerprint job; it runs to its end. Cancel is for ICE (VIDEO and AUDIO) jobs.");
  }

  async listFiles(region: string, backendLibraryId: string, pageSize: number, token: string | null): Promise<BackendFilePage> {
    const body = await this.caller.call(
      region,
      "ListFpShotFiles",
      { FpDBId: backendLibraryId, PageSize: pageSize, NextPageToken: token ?? undefined },
      { idempotent: true },
    );
    const files = wrappedList<FpShotFile>(body.FpShotFileList, "FpShotFile")
      .filter((file) => typeof file.PrimaryKey === "string")
      .map((file) => ({ primaryKey: file.PrimaryKey!, storedAt: isoDate(file.StoreTime) }));
    return { files, nextToken: pageToken(body.NextPageToken) };
  }

  async deleteFiles(region: string, backendLibraryId: string, primaryKeys: readonly string[]): Promise<BackendFileDeleteResult> {
    if (primaryKeys.length > this.maxDeleteKeys) throw new RangeError(`SubmitFpFileDeleteJob takes at most ${this.maxDeleteKeys} keys; chunk them.`);
    const body = await this.caller.call(region, "SubmitFpFileDeleteJob", { FpDBId: backendLibraryId, PrimaryKeys: primaryKeys.join(",") }, { idempotent: false });
    return { kind: "job", jobId: requiredJobId(body.JobId, "SubmitFpFileDeleteJob") };
  }

  async fileDeleteJobs(region: string, jobIds: readonly string[]): Promise<FileDeleteJobState[]> {
    assertBatchSize(jobIds);
    if (jobIds.length === 0) return [];
    const body = await this.caller.call(region, "QueryFpFileDeleteJobList", { JobIds: jobIds.join(",") }, { idempotent: true });
    return wrappedList<FpFileDeleteJob>(body.FpFileDeleteJobList, "FpFileDeleteJob")
      .filter((job) => job.Id)
      .map((job) => ({ jobId: job.Id!, ...normalizeJobStatus(job.Status), code: job.Code || null, message: job.Message || null }));
  }
}

const MAX_LISTED_PAGES = 20;

/** MPS's time filter format, YYYY-MM-DDThh:mm:ssZ, rounded outwards so the window is never narrower than asked. */
function wireSecond(at: Date, round: "floor" | "ceil"): string {
  const seconds = round === "floor" ? Math.floor(at.getTime() / 1000) : Math.ceil(at.getTime() / 1000);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function toJobState(job: FpShotJob): BackendJobState {
  const { status, rawStatus } = normalizeJobStatus(job.State);
  return {
    backendJobId: job.Id!,
    status,
    rawStatus,
    errorCode: status === "FAILED" ? job.Code || null : null,
    errorMessage: status === "FAILED" ? job.Message || null : null,
    finishedAt: isoDate(job.FinishTime),
    result: status === "SUCCEEDED" ? { kind: "inline", matches: matchesFromMpsResult(job.FpShotResult) } : { kind: "none" },
  };
}
