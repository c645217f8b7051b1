/**
 * MPS (ApsaraVideo Media Processing, 2014-06-18) fingerprint libraries ("FpShotDB").
 * Shapes: specs/alibaba-fingerprint-apis.md section 1.2. Note the quirks kept on
 * purpose: create answers `State`, list answers `Status`; lists are XML-style wrappers
 * (`FpShotDBList.FpShotDB[]`, `NonExistIds.String[]`); deletion is an async job.
 */
import { invalidParameter, notSupported, resourceNotFound } from "../errors.js";
import type { DelType, DeleteJob, MpsLibrary } from "../state.js";
import { formatTimestamp } from "../time.js";
import { MPS_FP_ACTIONS } from "../content/mps-actions.js";
import { MPS_FILE_DELETE_ACTIONS } from "../content/mps-file-delete.js";
import { MPS_IMPORT_ACTIONS } from "../content/mps-import.js";
import { MPS } from "./actions.js";
import { activationTime, checkQuota, checkTextRegion, idList, optional, required, userData } from "./params.js";
import type { ActionContext, ServiceDefinition } from "./types.js";

const MODEL_IDS = "11 (text), 12 (video), 13 (audio), 14 (image)";
const TEXT_MODEL = 11;

function modelId(ctx: ActionContext): number {
  const raw = optional(ctx, "ModelId");
  if (raw === undefined) return 12;
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 11 && n <= 14)) throw invalidParameter(`ModelId ${raw} is not one of ${MODEL_IDS}.`);
  return n;
}

/** Config is free-form, but must be the text of a JSON object when given. */
function config(ctx: ActionContext): string {
  const raw = optional(ctx, "Config");
  if (raw === undefined) return "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw invalidParameter(`The parameter Config is not valid JSON (${(e as Error).message}).`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter(`The parameter Config must be a JSON object such as {"key":"value"}, got ${Array.isArray(parsed) ? "an array" : JSON.stringify(parsed)}.`);
  }
  return raw;
}

function delType(ctx: ActionContext): DelType {
  const raw = optional(ctx, "DelType");
  if (raw === undefined) return "Purge";
  const v = raw.trim().toLowerCase();
  if (v === "purge") return "Purge";
  if (v === "delete") return "Delete";
  throw invalidParameter(`DelType ${raw} is not one of Purge, Delete.`);
}

function listView(lib: MpsLibrary) {
  return { FpDBId: lib.id, Name: lib.name, Description: lib.description, ModelId: lib.modelId, Status: lib.status };
}

function jobView(job: DeleteJob) {
  return {
    Id: job.id,
    FpDBId: job.fpDBId,
    DelType: job.delType,
    Status: job.status,
    Code: job.code,
    Message: job.message,
    CreationTime: formatTimestamp(job.createdAt),
    ...(job.finishedAt !== null ? { FinishTime: formatTimestamp(job.finishedAt) } : {}),
    ...(job.pipelineId !== undefined ? { PipelineId: job.pipelineId } : {}),
    ...(job.userData !== undefined ? { UserData: job.userData } : {}),
  };
}

function createFpShotDb(ctx: ActionContext) {
  const name = required(ctx, "Name");
  const id = modelId(ctx);
  const cfg = config(ctx);
  if (id === TEXT_MODEL) checkTextRegion(ctx, "ModelId=11");
  checkQuota(ctx, "mps", "MPS", "Delete one with SubmitFpDBDeleteJob (DelType=Delete) first.");
  const lib: MpsLibrary = {
    service: "mps",
    id: ctx.state.freshId(),
    owner: ctx.accessKeyId,
    name,
    description: optional(ctx, "Description") ?? "",
    modelId: id,
    config: cfg,
    status: "offline",
    region: ctx.region,
    createdAt: ctx.now,
    activatesAt: activationTime(ctx),
  };
  ctx.state.add(lib);
  return {
    FpShotDB: { FpDBId: lib.id, Name: lib.name, Description: lib.description, ModelId: lib.modelId, Config: lib.config, State: lib.status },
  };
}

/** Without FpDBIds the emulator lists all of the account's MPS libraries in the region (undocumented upstream). */
function listFpShotDb(ctx: ActionContext) {
  const ids = idList(ctx, "FpDBIds", 10);
  if (ids.length === 0) {
    return { FpShotDBList: { FpShotDB: (ctx.state.ownedBy(ctx.accessKeyId, "mps", ctx.region) as MpsLibrary[]).map(listView) }, NonExistIds: { String: [] } };
  }
  const found: MpsLibrary[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const lib = ctx.state.owned(id, ctx.accessKeyId, "mps", ctx.region);
    if (lib) found.push(lib as MpsLibrary);
    else missing.push(id);
  }
  return { FpShotDBList: { FpShotDB: found.map(listView) }, NonExistIds: { String: missing } };
}

function submitFpDbDeleteJob(ctx: ActionContext) {
  const fpDBId = required(ctx, "FpDBId");
  const type = delType(ctx);
  const data = userData(ctx);
  const lib = ctx.state.owned(fpDBId, ctx.accessKeyId, "mps", ctx.region) as MpsLibrary | undefined;
  if (!lib) throw resourceNotFound(`The library FpDBId ${fpDBId} does not exist.`);
  if (type === "Purge" && lib.modelId >= 11 && lib.modelId <= 14) {
    throw notSupported(`DelType Purge is not supported for libraries with ModelId ${lib.modelId}; use DelType=Delete.`);
  }
  const job: DeleteJob = {
    id: ctx.state.freshId(),
    owner: ctx.accessKeyId,
    fpDBId,
    region: ctx.region,
    delType: type,
    status: "Queuing",
    code: "",
    message: "",
    createdAt: ctx.now,
    finishesAt: ctx.now + ctx.settings.deleteJobDelayMs,
    finishedAt: null,
  };
  const pipelineId = optional(ctx, "PipelineId");
  if (pipelineId !== undefined) job.pipelineId = pipelineId;
  if (data !== undefined) job.userData = data;
  ctx.state.addJob(job);
  return { JobId: job.id };
}

/** Without JobIds: the account's latest 20 jobs, newest first. */
function queryFpDbDeleteJobList(ctx: ActionContext) {
  const ids = idList(ctx, "JobIds", 10);
  if (ids.length === 0) {
    const mine = [...ctx.state.jobs.values()].filter((j) => ctx.state.ownedJob(j.id, ctx.accessKeyId, ctx.region)).reverse().slice(0, 20);
    return { FpDBDeleteJobList: { FpDBDeleteJob: mine.map(jobView) }, NonExistIds: { String: [] } };
  }
  const found: DeleteJob[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const job = ctx.state.ownedJob(id, ctx.accessKeyId, ctx.region);
    if (job) found.push(job);
    else missing.push(id);
  }
  return { FpDBDeleteJobList: { FpDBDeleteJob: found.map(jobView) }, NonExistIds: { String: missing } };
}

export const mpsService: ServiceDefinition = {
  info: MPS,
  actions: {
    CreateFpShotDB: createFpShotDb,
    ListFpShotDB: listFpShotDb,
    SubmitFpDBDeleteJob: submitFpDbDeleteJob,
    QueryFpDBDeleteJobList: queryFpDbDeleteJobList,
    ...MPS_FP_ACTIONS,
    ...MPS_FILE_DELETE_ACTIONS,
    ...MPS_IMPORT_ACTIONS,
  },
};
