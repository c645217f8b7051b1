/**
 * ICE (2020-11-09) content actions: SubmitDNAJob, QueryDNAJobList, CancelDNAJob,
 * ListDNAFiles, DeleteDNAFiles. Shapes: specs/alibaba-fingerprint-content-apis.md section 1.
 */
import { resourceNotFound } from "../errors.js";
import { idList, optional, required, userData } from "../services/params.js";
import type { ActionContext, ActionHandler } from "../services/types.js";
import type { IceLibrary } from "../state.js";
import { formatTimestamp } from "../time.js";
import { invalidState, requireActive } from "./common-params.js";
import { failJob, runFpJob } from "./fp-job-run.js";
import { parseIceConfig } from "./job-config.js";
import { parseIceInput } from "./media-input.js";
import type { FpJob } from "./model.js";
import { decodeToken, page, pageSize } from "./paging.js";
import { resultUrl } from "./publish.js";
import { REGIONS, checkRegion } from "./regions.js";
import { libraryKind } from "./runtime.js";

export const CANCELLED_CODE = "JobCancelled";

function iceLibrary(ctx: ActionContext, id: string): IceLibrary {
  const lib = ctx.state.owned(id, ctx.accessKeyId, "ice", ctx.region);
  if (!lib) throw resourceNotFound(`The library DBId ${id} does not exist.`);
  return lib as IceLibrary;
}

function submitDnaJob(ctx: ActionContext) {
  checkRegion(ctx.region, REGIONS.SubmitDNAJob, "SubmitDNAJob");
  const dbId = required(ctx, "DBId");
  const primaryKey = required(ctx, "PrimaryKey");
  const rawInput = required(ctx, "Input");
  const data = userData(ctx);
  const input = parseIceInput(rawInput);
  const lib = iceLibrary(ctx, dbId);
  const kind = libraryKind(lib);
  if (kind === "text") checkRegion(ctx.region, REGIONS.Text, "Text DNA (a library with Model Text)");
  const rawConfig = optional(ctx, "Config");
  const config = parseIceConfig(rawConfig, kind);
  requireActive(lib, "DBId", "ListDNADB");

  const rt = ctx.content;
  const templateId = optional(ctx, "TemplateId");
  const pipelineId = optional(ctx, "PipelineId");
  const job: FpJob = {
    id: rt.store.freshId((id) => ctx.state.libraries.has(id) || ctx.state.jobs.has(id)),
    service: "ice",
    owner: ctx.accessKeyId,
    libraryId: lib.id,
    kind,
    primaryKey,
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
      iceInput: input.echo,
      ...(rawConfig !== undefined ? { config: rawConfig } : {}),
      ...(templateId !== undefined ? { templateId } : {}),
      ...(pipelineId !== undefined ? { pipelineId } : {}),
      ...(data !== undefined ? { userData: data } : {}),
    },
    seq: rt.store.nextSeq(),
  };
  rt.store.fpJobs.set(job.id, job);
  rt.start(job.id, () => runFpJob(rt, job));
  return { JobId: job.id };
}

function jobView(ctx: ActionContext, job: FpJob) {
  const url = job.status === "Success" ? resultUrl(ctx.content.deps.oss(), job.owner, job.resultKey) : undefined;
  return {
    Id: job.id,
    DBId: job.libraryId,
    PrimaryKey: job.primaryKey,
    Status: job.status,
    Code: job.code,
    Message: job.message,
    ...(url !== undefined ? { DNAResult: url } : {}),
    ...(job.echo.config !== undefined ? { Config: job.echo.config } : {}),
    Input: job.echo.iceInput,
    CreationTime: formatTimestamp(job.createdAt),
    ...(job.finishedAt !== null ? { FinishTime: formatTimestamp(job.finishedAt) } : {}),
    ...(job.echo.userData !== undefined ? { UserData: job.echo.userData } : {}),
  };
}

/** Jobs are regional like their libraries: seen by their account in the region they were submitted in. */
function mine(ctx: ActionContext, job: FpJob | undefined): job is FpJob {
  return job !== undefined && job.service === "ice" && job.owner === ctx.accessKeyId && job.region === ctx.region;
}

function myIceJobs(ctx: ActionContext): FpJob[] {
  return [...ctx.content.store.fpJobs.values()].filter((j) => mine(ctx, j));
}

/** By JobIds (at most 10; unknown ids are left out), else the account's 20 newest jobs. */
function queryDnaJobList(ctx: ActionContext) {
  const ids = idList(ctx, "JobIds", 10);
  const jobs =
    ids.length === 0
      ? myIceJobs(ctx).sort((a, b) => b.seq - a.seq).slice(0, 20)
      : ids.map((id) => ctx.content.store.fpJobs.get(id)).filter((j): j is FpJob => mine(ctx, j));
  return { JobList: jobs.map((j) => jobView(ctx, j)) };
}

function cancelDnaJob(ctx: ActionContext) {
  const jobId = required(ctx, "JobId");
  const job = ctx.content.store.fpJobs.get(jobId);
  if (!mine(ctx, job)) throw resourceNotFound(`The job JobId ${jobId} does not exist.`);
  if (job.status !== "Queuing") {
    throw invalidState(`The job ${jobId} is ${job.status}; only Queuing jobs can be cancelled (pause the queue to keep jobs queued).`);
  }
  failJob(job, CANCELLED_CODE, "The job was cancelled with CancelDNAJob before it started.", ctx.now);
  ctx.content.waits.wake(jobId);
  return { JobId: jobId };
}

function listDnaFiles(ctx: ActionContext) {
  const lib = iceLibrary(ctx, required(ctx, "DBId"));
  const size = pageSize("PageSize", optional(ctx, "PageSize"), 100, 20);
  const scope = `dnafiles:${lib.id}`;
  const after = decodeToken("NextPageToken", optional(ctx, "NextPageToken"), scope);
  const { items, next } = page(ctx.content.store.files(lib.id), after, size, scope);
  return {
    FileList: items.map((f) => ({ PrimaryKey: f.primaryKey, InputFile: { ...f.inputFile } })),
    ...(next !== undefined ? { NextPageToken: next } : {}),
  };
}

/** Synchronous; keys that are not stored are ignored (deleting is idempotent). */
function deleteDnaFiles(ctx: ActionContext) {
  const dbId = required(ctx, "DBId");
  required(ctx, "PrimaryKeys");
  const keys = idList(ctx, "PrimaryKeys", 50);
  const lib = iceLibrary(ctx, dbId);
  for (const key of keys) ctx.content.store.removeFile(lib.id, key);
  return {};
}

export const ICE_CONTENT_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  SubmitDNAJob: submitDnaJob,
  QueryDNAJobList: queryDnaJobList,
  CancelDNAJob: cancelDnaJob,
  ListDNAFiles: listDnaFiles,
  DeleteDNAFiles: deleteDnaFiles,
};
