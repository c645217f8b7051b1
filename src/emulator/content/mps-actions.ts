/**
 * MPS (2014-06-18) fingerprint jobs and files: SubmitFpShotJob, QueryFpShotJobList,
 * ListFpShotFiles. Shapes: specs/alibaba-fingerprint-content-apis.md sections 2.1-2.4.
 * Lists use the XML-style wrappers (`FpShotJobList.FpShotJob[]`, `NonExistIds.String[]`).
 */
import { invalidParameter, missingParameter, resourceNotFound } from "../errors.js";
import { idList, optional, required, userData } from "../services/params.js";
import type { ActionContext, ActionHandler } from "../services/types.js";
import type { MpsLibrary } from "../state.js";
import { formatTimestamp, parseTimestamp } from "../time.js";
import { requireActive } from "./common-params.js";
import { runFpJob } from "./fp-job-run.js";
import { parseFpShotConfig } from "./job-config.js";
import { parseMpsInput } from "./media-input.js";
import type { FpJob, FpJobStatus } from "./model.js";
import { decodeToken, page, pageSize } from "./paging.js";
import { REGIONS, checkRegion } from "./regions.js";
import { mpsFpShotResult } from "./result-shapes.js";
import { libraryKind } from "./runtime.js";

/** Only jobs of the last six months can be queried (newer QueryFpShotJobList doc). */
const QUERY_WINDOW_MS = 183 * 24 * 3600 * 1000;
const STATES: ReadonlyArray<FpJobStatus | "All"> = ["All", "Queuing", "Analysing", "Fail", "Success"];

export function mpsLibrary(ctx: ActionContext, id: string, name: string): MpsLibrary {
  const lib = ctx.state.owned(id, ctx.accessKeyId, "mps", ctx.region);
  if (!lib) throw resourceNotFound(`The library ${name} ${id} does not exist.`);
  return lib as MpsLibrary;
}

function submitFpShotJob(ctx: ActionContext) {
  checkRegion(ctx.region, REGIONS.SubmitFpShotJob, "SubmitFpShotJob");
  const rawInput = required(ctx, "Input");
  const rawConfig = optional(ctx, "FpShotConfig");
  if (rawConfig === undefined) throw missingParameter("FpShotConfig");
  const data = userData(ctx);
  const pipelineId = optional(ctx, "PipelineId");
  const input = parseMpsInput(rawInput);
  const config = parseFpShotConfig(rawConfig);
  const lib = mpsLibrary(ctx, config.fpDBId, "FpShotConfig.FpDBId");
  const kind = libraryKind(lib);
  if (kind === "text") checkRegion(ctx.region, REGIONS.Text, "Text fingerprinting (a library with ModelId 11)");
  else if (config.textType !== undefined) {
    throw invalidParameter(`FpShotConfig.TextType applies to text libraries (ModelId 11) only; the library ${lib.id} has ModelId ${lib.modelId}.`);
  }
  requireActive(lib, "FpDBId", "ListFpShotDB");

  const rt = ctx.content;
  const job: FpJob = {
    id: rt.store.freshId((id) => ctx.state.libraries.has(id) || ctx.state.jobs.has(id)),
    service: "mps",
    owner: ctx.accessKeyId,
    libraryId: lib.id,
    kind,
    primaryKey: config.primaryKey,
    saveType: config.saveType,
    threshold: config.threshold,
    media: input.ref,
    region: ctx.region,
    status: "Queuing",
    code: "",
    message: "",
    createdAt: ctx.now,
    startedAt: null,
    finishedAt: null,
    mediaLength: null,
    hits: null,
    stored: false,
    fileId: null,
    resultKey: null,
    text: null,
    echo: {
      input: rawInput,
      ...(input.inputFile !== null ? { inputFile: input.inputFile } : {}),
      ...(pipelineId !== undefined ? { pipelineId } : {}),
      ...(data !== undefined ? { userData: data } : {}),
      ...(kind === "text" ? { textType: config.textType ?? "Text" } : {}),
    },
    seq: rt.store.nextSeq(),
  };
  rt.store.fpJobs.set(job.id, job);
  rt.start(job.id, () => runFpJob(rt, job));
  return { JobId: job.id };
}

function fpShotJobView(job: FpJob) {
  return {
    Id: job.id,
    State: job.status,
    Code: job.code,
    Message: job.message,
    CreationTime: formatTimestamp(job.createdAt),
    ...(job.finishedAt !== null ? { FinishTime: formatTimestamp(job.finishedAt) } : {}),
    ...(job.echo.pipelineId !== undefined ? { PipelineId: job.echo.pipelineId } : {}),
    ...(job.echo.userData !== undefined ? { UserData: job.echo.userData } : {}),
    ...(job.fileId !== null ? { FileId: job.fileId } : {}),
    ...(job.mediaLength !== null ? { Duration: job.mediaLength } : {}),
    Input: job.echo.input,
    ...(job.echo.inputFile !== undefined ? { InputFile: { ...job.echo.inputFile } } : {}),
    FpShotConfig: { FpDBId: job.libraryId, PrimaryKey: job.primaryKey, SaveType: job.saveType },
    ...(job.status === "Success" ? { FpShotResult: mpsFpShotResult(job.kind, job.hits ?? []) } : {}),
  };
}

function timeParam(ctx: ActionContext, name: string): number | undefined {
  const raw = optional(ctx, name);
  if (raw === undefined) return undefined;
  const t = parseTimestamp(raw.trim());
  if (t === undefined) throw invalidParameter(`The parameter ${name} ${JSON.stringify(raw)} is not a UTC time in the form YYYY-MM-DDThh:mm:ssZ.`);
  return t;
}

function stateParam(ctx: ActionContext): FpJobStatus | "All" {
  const raw = optional(ctx, "State");
  if (raw === undefined) return "All";
  const found = STATES.find((s) => s.toLowerCase() === raw.trim().toLowerCase());
  if (!found) throw invalidParameter(`The parameter State ${JSON.stringify(raw)} is not one of ${STATES.join(", ")}.`);
  return found;
}

/**
 * By JobIds (at most 10; unknown ones in NonExistIds), or else by the filters State,
 * PipelineId and the creation-time range, oldest first, MaximumPageSize (1-100, default
 * 10) at a time with NextPageToken.
 */
function queryFpShotJobList(ctx: ActionContext) {
  const store = ctx.content.store;
  // Jobs are regional like their libraries.
  const mine = (j: FpJob | undefined): j is FpJob => j !== undefined && j.service === "mps" && j.owner === ctx.accessKeyId && j.region === ctx.region;
  const ids = idList(ctx, "JobIds", 10);
  if (ids.length > 0) {
    const found: FpJob[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const job = store.fpJobs.get(id);
      if (mine(job) && job.createdAt >= ctx.now - QUERY_WINDOW_MS) found.push(job);
      else missing.push(id);
    }
    return { FpShotJobList: { FpShotJob: found.map(fpShotJobView) }, NonExistIds: { String: missing } };
  }
  const state = stateParam(ctx);
  const from = timeParam(ctx, "StartOfJobCreatedTimeRange");
  const to = timeParam(ctx, "EndOfJobCreatedTimeRange");
  if (from !== undefined && to !== undefined && from > to) {
    throw invalidParameter(`StartOfJobCreatedTimeRange is after EndOfJobCreatedTimeRange.`);
  }
  const pipelineId = optional(ctx, "PipelineId");
  const size = pageSize("MaximumPageSize", optional(ctx, "MaximumPageSize"), 100, 10);
  const scope = `fpshotjobs:${state}:${from ?? ""}:${to ?? ""}:${pipelineId ?? ""}`;
  const after = decodeToken("NextPageToken", optional(ctx, "NextPageToken"), scope);
  const earliest = Math.max(from ?? 0, ctx.now - QUERY_WINDOW_MS);
  const matching = [...store.fpJobs.values()]
    .filter(mine)
    .filter((j) => (state === "All" || j.status === state) && j.createdAt >= earliest && (to === undefined || j.createdAt <= to))
    .filter((j) => pipelineId === undefined || j.echo.pipelineId === pipelineId)
    .sort((a, b) => a.seq - b.seq);
  const { items, next } = page(matching, after, size, scope);
  return {
    FpShotJobList: { FpShotJob: items.map(fpShotJobView) },
    NonExistIds: { String: [] },
    ...(next !== undefined ? { NextPageToken: next } : {}),
  };
}

/** PageSize 1-100 (default 20); StartTime/EndTime filter the store time (Beijing/Hangzhou/Shanghai only). */
function listFpShotFiles(ctx: ActionContext) {
  checkRegion(ctx.region, REGIONS.ListFpShotFiles, "ListFpShotFiles");
  const lib = mpsLibrary(ctx, required(ctx, "FpDBId"), "FpDBId");
  const size = pageSize("PageSize", optional(ctx, "PageSize"), 100, 20);
  const from = timeParam(ctx, "StartTime");
  const to = timeParam(ctx, "EndTime");
  if (from !== undefined || to !== undefined) checkRegion(ctx.region, REGIONS.ListFpShotFilesTimeWindow, "ListFpShotFiles with StartTime/EndTime");
  if (from !== undefined && to !== undefined && from > to) throw invalidParameter("StartTime is after EndTime.");
  const scope = `fpshotfiles:${lib.id}:${from ?? ""}:${to ?? ""}`;
  const after = decodeToken("NextPageToken", optional(ctx, "NextPageToken"), scope);
  const files = ctx.content.store
    .files(lib.id)
    .filter((f) => (from === undefined || f.storedAt >= from) && (to === undefined || f.storedAt <= to));
  const { items, next } = page(files, after, size, scope);
  return {
    FpShotFileList: {
      FpShotFile: items.map((f) => ({ FileId: f.fileId, PrimaryKey: f.primaryKey, StoreTime: formatTimestamp(f.storedAt), InputFile: { ...f.inputFile } })),
    },
    ...(next !== undefined ? { NextPageToken: next } : {}),
  };
}

export const MPS_FP_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  SubmitFpShotJob: submitFpShotJob,
  QueryFpShotJobList: queryFpShotJobList,
  ListFpShotFiles: listFpShotFiles,
};
