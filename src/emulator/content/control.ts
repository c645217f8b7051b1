/**
 * Control-API operations on content jobs: finish one now, fail one with a chosen
 * Code/Message, pause or resume a service's queue, and a view of jobs and stored files
 * for GET /_emulator/state. Views show AccessKeyIds only, never secrets.
 */
import type { Service } from "../state.js";
import { formatTimestamp } from "../time.js";
import { failJob } from "./fp-job-run.js";
import type { AnyContentJob, ContentRuntime } from "./runtime.js";

export interface ContentJobView {
  id: string;
  type: "fingerprint" | "fileDelete" | "import";
  service: Service;
  owner: string;
  libraryId: string;
  status: string;
  code: string;
  message: string;
  createdAt: string;
  finishedAt: string | null;
  /** Fingerprint jobs. */
  primaryKey?: string;
  saveType?: string;
  kind?: string;
  stored?: boolean;
  fileId?: string | null;
  matches?: Array<{ primaryKey: string; similarity: number }>;
}

export interface ContentStateView {
  pausedQueues: Service[];
  jobs: ContentJobView[];
  files: Array<{ libraryId: string; fileId: string; primaryKey: string; storedAt: string }>;
}

export class ContentControlError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function typeOf(rt: ContentRuntime, id: string): ContentJobView["type"] {
  return rt.store.fpJobs.has(id) ? "fingerprint" : rt.store.importJobs.has(id) ? "import" : "fileDelete";
}

export function contentJobView(rt: ContentRuntime, job: AnyContentJob): ContentJobView {
  const type = typeOf(rt, job.id);
  const base: ContentJobView = {
    id: job.id,
    type,
    service: "service" in job ? job.service : "mps",
    owner: job.owner,
    libraryId: job.libraryId,
    status: job.status,
    code: job.code,
    message: job.message,
    createdAt: formatTimestamp(job.createdAt),
    finishedAt: job.finishedAt === null ? null : formatTimestamp(job.finishedAt),
  };
  if (!("primaryKey" in job)) return base;
  return {
    ...base,
    primaryKey: job.primaryKey,
    saveType: job.saveType,
    kind: job.kind,
    stored: job.stored,
    fileId: job.fileId,
    ...(job.hits ? { matches: job.hits.map((h) => ({ primaryKey: h.primaryKey, similarity: h.similarity })) } : {}),
  };
}

export function contentState(rt: ContentRuntime, libraryIds: Iterable<string>): ContentStateView {
  const s = rt.store;
  return {
    pausedQueues: (["ice", "mps"] as const).filter((x) => rt.isPaused(x)),
    jobs: [...s.fpJobs.values(), ...s.importJobs.values(), ...s.fileDeleteJobs.values()].sort((a, b) => a.seq - b.seq).map((j) => contentJobView(rt, j)),
    files: [...libraryIds].flatMap((libraryId) =>
      s.files(libraryId).map((f) => ({ libraryId, fileId: f.fileId, primaryKey: f.primaryKey, storedAt: formatTimestamp(f.storedAt) })),
    ),
  };
}

function unfinished(rt: ContentRuntime, jobId: string): AnyContentJob {
  const job = rt.job(jobId);
  if (!job) throw new ContentControlError(404, "JobNotFound", `No content job (DNA, FpShot, file-delete or import job) has the id ${jobId}.`);
  if (job.status === "Success" || job.status === "Fail") {
    throw new ContentControlError(409, "JobAlreadyFinished", `The job ${jobId} has already finished with status ${job.status}.`);
  }
  return job;
}

/** Runs the job to its end now: no queue delay, no paused queue, no analysis wait. */
export async function finishContentJob(rt: ContentRuntime, jobId: string): Promise<ContentJobView> {
  const job = unfinished(rt, jobId);
  await rt.rush(jobId);
  return contentJobView(rt, job);
}

export function failContentJob(rt: ContentRuntime, jobId: string, code?: unknown, message?: unknown): ContentJobView {
  const job = unfinished(rt, jobId);
  if (code !== undefined && (typeof code !== "string" || code === "")) throw new ContentControlError(400, "InvalidFailure", "code must be a non-empty string.");
  if (message !== undefined && (typeof message !== "string" || message === "")) throw new ContentControlError(400, "InvalidFailure", "message must be a non-empty string.");
  failJob(job, (code as string | undefined) ?? "InternalError", (message as string | undefined) ?? "The job failed (set through the emulator's control API).", rt.deps.now());
  rt.waits.wake(jobId);
  return contentJobView(rt, job);
}

export function checkService(service: string): Service {
  if (service !== "ice" && service !== "mps") throw new ContentControlError(404, "QueueNotFound", `There is no queue ${service}; use ice or mps.`);
  return service;
}
