/**
 * Media Processing (MPS, API version 2014-06-18), "FpShotDB" libraries: CreateFpShotDB,
 * ListFpShotDB, SubmitFpDBDeleteJob, QueryFpDBDeleteJobList. Wire names: FpDBId, ModelId
 * (a number), `State` in the create answer but `Status` in the list answer, and XML-style
 * wrappers (FpShotDBList.FpShotDB, NonExistIds.String).
 */
import { GatewayError } from "../domain/errors.js";
import type { FingerprintModel } from "../domain/model.js";
import { normalizeStatus } from "../domain/status.js";
import { assertBatchSize } from "./batch-size.js";
import type { Backend, BackendCreateRequest, BackendDeleteResult, BackendLibrary, BackendLookup, DeleteJobStatus } from "./port.js";
import { MpsContent } from "./mps-content.js";
import type { ResilientCaller } from "./resilient-caller.js";
import { missingIds, wrappedList } from "./wire-values.js";

export const MPS_API_VERSION = "2014-06-18";

/** Documented per-account QPS limits (API spec, section 5; the newer, lower figures). */
export const MPS_QPS_LIMITS: Readonly<Record<string, number>> = {
  CreateFpShotDB: 100,
  ListFpShotDB: 100,
  SubmitFpDBDeleteJob: 100,
  QueryFpDBDeleteJobList: 100,
  // Content operations (content spec, section 2; the newer, lower figures where two are given).
  SubmitFpShotJob: 100,
  QueryFpShotJobList: 100,
  ListFpShotFiles: 100,
  SubmitFpFileDeleteJob: 10,
  QueryFpFileDeleteJobList: 500,
};

const MODEL_IDS: Readonly<Record<FingerprintModel, number>> = { TEXT: 11, VIDEO: 12, AUDIO: 13, IMAGE: 14 };
const MODELS_BY_ID: Readonly<Record<string, FingerprintModel>> = { "11": "TEXT", "12": "VIDEO", "13": "AUDIO", "14": "IMAGE" };

interface FpShotDb {
  FpDBId?: string;
  Name?: string;
  Description?: string;
  ModelId?: number | string;
  Config?: string;
  State?: string;
  Status?: string;
}

interface FpDbDeleteJob {
  Id?: string;
  FpDBId?: string;
  Status?: string;
  Message?: string;
}

export class MpsBackend implements Backend {
  readonly name = "MPS" as const;

  readonly content: MpsContent;

  constructor(private readonly caller: ResilientCaller) {
    this.content = new MpsContent(caller);
  }

  async create(region: string, request: BackendCreateRequest): Promise<BackendLibrary> {
    const body = await this.caller.call(
      region,
      "CreateFpShotDB",
      { Name: request.name, ModelId: MODEL_IDS[request.model], Description: request.description, Config: request.config },
      { idempotent: false },
    );
    // The create answer says `State`, not `Status`.
    const db = body.FpShotDB as FpShotDb | undefined;
    return toLibrary(db, db?.State, request.model);
  }

  async lookup(region: string, ids: readonly string[]): Promise<BackendLookup> {
    assertBatchSize(ids);
    if (ids.length === 0) return { found: [], missing: [] };
    const body = await this.caller.call(region, "ListFpShotDB", { FpDBIds: ids.join(",") }, { idempotent: true });
    const found = fpShotDbs(body).map((db) => toLibrary(db, db.Status));
    return { found, missing: missingIds(ids, found.map((library) => library.backendLibraryId), wrappedList<string>(body.NonExistIds, "String")) };
  }

  async listAll(region: string): Promise<BackendLibrary[]> {
    const body = await this.caller.call(region, "ListFpShotDB", {}, { idempotent: true });
    return fpShotDbs(body).map((db) => toLibrary(db, db.Status));
  }

  async delete(region: string, backendLibraryId: string): Promise<BackendDeleteResult> {
    // DelType Delete removes the library; the default, Purge, would only empty it.
    const body = await this.caller.call(region, "SubmitFpDBDeleteJob", { FpDBId: backendLibraryId, DelType: "Delete" }, { idempotent: false });
    if (typeof body.JobId !== "string" || body.JobId === "") {
      throw new GatewayError("BACKEND_ERROR", "MPS accepted the delete but answered no JobId; refresh the library to see its state.");
    }
    return { kind: "job", jobId: body.JobId };
  }

  async deleteJobs(region: string, jobIds: readonly string[]): Promise<DeleteJobStatus[]> {
    assertBatchSize(jobIds);
    if (jobIds.length === 0) return [];
    const body = await this.caller.call(region, "QueryFpDBDeleteJobList", { JobIds: jobIds.join(",") }, { idempotent: true });
    const jobs = (body.FpDBDeleteJobList as { FpDBDeleteJob?: FpDbDeleteJob[] } | undefined)?.FpDBDeleteJob ?? [];
    return jobs
      .filter((job): job is FpDbDeleteJob & { Id: string } => typeof job.Id === "string")
      .map((job) => ({
        jobId: job.Id,
        backendLibraryId: job.FpDBId ?? "",
        state: jobState(job.Status),
        message: job.Message || null,
      }));
  }
}

function jobState(status: string | undefined): DeleteJobStatus["state"] {
  const word = (status ?? "").toLowerCase();
  if (word === "success") return "SUCCEEDED";
  if (word === "fail" || word === "failed") return "FAILED";
  return "RUNNING";
}

function fpShotDbs(body: Record<string, unknown>): FpShotDb[] {
  const list = (body.FpShotDBList as { FpShotDB?: FpShotDb[] } | undefined)?.FpShotDB;
  return Array.isArray(list) ? list : [];
}

function toLibrary(db: FpShotDb | undefined, statusWord: string | undefined, requestedModel?: FingerprintModel): BackendLibrary {
  if (!db?.FpDBId) {
    throw new GatewayError("BACKEND_ERROR", "MPS answered without an FpDBId; the library state is unknown. Retry with the same idempotencyKey.");
  }
  const model = MODELS_BY_ID[String(db.ModelId ?? "")] ?? requestedModel;
  if (!model) throw new GatewayError("BACKEND_ERROR", `MPS library ${db.FpDBId} has a ModelId the gateway does not know (${String(db.ModelId)}).`);
  return {
    backendLibraryId: db.FpDBId,
    name: db.Name ?? "",
    description: db.Description || null,
    model,
    config: db.Config || null,
    ...normalizeStatus(statusWord),
  };
}
