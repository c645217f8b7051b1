/**
 * MPS SubmitFpFileDeleteJob / QueryFpFileDeleteJobList: deleting stored files is an async
 * job (Queuing -> Success after deleteJobDelayMs). PrimaryKeys are resolved to FileIds when
 * the job is submitted; FileIds that are not stored (any more) are skipped.
 */
import { ApiError } from "../errors.js";
import { idList, optional, required, userData } from "../services/params.js";
import type { ActionContext, ActionHandler } from "../services/types.js";
import { formatTimestamp } from "../time.js";
import type { FileDeleteJob } from "./model.js";
import { mpsLibrary } from "./mps-actions.js";
import { REGIONS, checkRegion } from "./regions.js";
import type { ContentRuntime } from "./runtime.js";

const MAX_ITEMS = 200;

function submitFpFileDeleteJob(ctx: ActionContext) {
  checkRegion(ctx.region, REGIONS.SubmitFpFileDeleteJob, "SubmitFpFileDeleteJob");
  const fpDBId = required(ctx, "FpDBId");
  const fileIds = idList(ctx, "FileIds", MAX_ITEMS);
  const primaryKeys = idList(ctx, "PrimaryKeys", MAX_ITEMS);
  if (fileIds.length === 0 && primaryKeys.length === 0) {
    throw new ApiError("MissingParameter", 400, `FileIds or PrimaryKeys is required (comma-separated, at most ${MAX_ITEMS} each).`);
  }
  if (primaryKeys.length > 0) checkRegion(ctx.region, REGIONS.SubmitFpFileDeleteJobPrimaryKeys, "SubmitFpFileDeleteJob with PrimaryKeys");
  const data = userData(ctx);
  const pipelineId = optional(ctx, "PipelineId");
  const lib = mpsLibrary(ctx, fpDBId, "FpDBId");
  const rt = ctx.content;
  const resolved = primaryKeys.map((k) => rt.store.fileByKey(lib.id, k)?.fileId).filter((id): id is string => id !== undefined);
  const job: FileDeleteJob = {
    id: rt.store.freshId((id) => ctx.state.libraries.has(id) || ctx.state.jobs.has(id)),
    owner: ctx.accessKeyId,
    libraryId: lib.id,
    region: ctx.region,
    fileIds: [...new Set([...fileIds, ...resolved])],
    status: "Queuing",
    code: "",
    message: "",
    ...(pipelineId !== undefined ? { pipelineId } : {}),
    ...(data !== undefined ? { userData: data } : {}),
    createdAt: ctx.now,
    finishedAt: null,
    seq: rt.store.nextSeq(),
  };
  rt.store.fileDeleteJobs.set(job.id, job);
  rt.start(job.id, () => runFileDeleteJob(rt, job));
  return { JobId: job.id };
}

async function runFileDeleteJob(rt: ContentRuntime, job: FileDeleteJob): Promise<void> {
  await rt.waits.sleep(job.id, job.createdAt + rt.deps.settings().deleteJobDelayMs - rt.deps.now());
  if (rt.waits.isClosed || rt.store.fileDeleteJobs.get(job.id) !== job || job.status !== "Queuing") return;
  for (const fileId of job.fileIds) {
    const file = rt.store.fileById(job.libraryId, fileId);
    if (file) rt.store.removeFile(job.libraryId, file.primaryKey);
  }
  job.status = "Success";
  job.finishedAt = rt.deps.now();
}

function view(job: FileDeleteJob) {
  return {
    Id: job.id,
    FpDBId: job.libraryId,
    FileIds: job.fileIds.join(","),
    Status: job.status,
    Code: job.code,
    Message: job.message,
    CreationTime: formatTimestamp(job.createdAt),
    ...(job.finishedAt !== null ? { FinishTime: formatTimestamp(job.finishedAt) } : {}),
    ...(job.pipelineId !== undefined ? { PipelineId: job.pipelineId } : {}),
    ...(job.userData !== undefined ? { UserData: job.userData } : {}),
  };
}

/** By JobIds (unknown ones in NonExistIds), else the account's 20 newest jobs. */
function queryFpFileDeleteJobList(ctx: ActionContext) {
  const jobs = ctx.content.store.fileDeleteJobs;
  const ids = idList(ctx, "JobIds", 10);
  if (ids.length === 0) {
    const latest = [...jobs.values()].filter((j) => j.owner === ctx.accessKeyId && j.region === ctx.region).sort((a, b) => b.seq - a.seq).slice(0, 20);
    return { FpFileDeleteJobList: { FpFileDeleteJob: latest.map(view) }, NonExistIds: { String: [] } };
  }
  const found: FileDeleteJob[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const job = jobs.get(id);
    if (job && job.owner === ctx.accessKeyId && job.region === ctx.region) found.push(job);
    else missing.push(id);
  }
  return { FpFileDeleteJobList: { FpFileDeleteJob: found.map(view) }, NonExistIds: { String: missing } };
}

export const MPS_FILE_DELETE_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  SubmitFpFileDeleteJob: submitFpFileDeleteJob,
  QueryFpFileDeleteJobList: queryFpFileDeleteJobList,
};
