/**
 * Jobs for the event suites, written through the store's own job repository, as the job
 * service and watcher do: claim (PENDING), markSubmitted (QUEUED), then status changes with
 * transition, each of which appends its JOB event in the job's transaction. With the
 * gateway's JobStatusRecorder (the watcher's and cancel's writer) the change goes through it,
 * so the gateway publishes the event to the bus as in production; with the store alone
 * nothing is published and only the relay's sweep finds the event.
 */
import { randomUUID } from "node:crypto";
import type { FingerprintJob, JobStatus } from "../../src/domain/job.js";
import type { JobStatusRecorder } from "../../src/services/job-status-recorder.js";
import type { Store } from "../../src/store/index.js";
import { fromGlobalId } from "../../src/graphql/global-id.js";

const RAW: Record<JobStatus, string> = {
  QUEUED: "Queuing",
  RUNNING: "Analysing",
  SUCCEEDED: "Success",
  FAILED: "Fail",
  CANCELED: "Canceled",
  UNKNOWN: "Odd",
};

/** The internal id of a GraphQL global id. */
export const internalId = (globalId: string) => fromGlobalId(globalId)!.id;

/** A submitted (QUEUED) job in a library the tenant owns; `libraryId` is the internal id. */
export async function submittedJob(store: Store, tenantId: string, libraryId: string, options: { searchId?: string | null } = {}): Promise<FingerprintJob> {
  const library = await store.libraries.findById(tenantId, libraryId);
  if (!library) throw new Error(`library ${libraryId} is not tenant ${tenantId}'s`);
  const { job } = await store.jobs.claim({
    tenantId,
    library: { ...library, account: `test-account-${tenantId}` },
    kind: "FINGERPRINT",
    mode: "SEARCH",
    primaryKey: `pk-${randomUUID()}`,
    media: JSON.stringify({ kind: "oss", bucket: "media", object: "clip.mp4", location: "oss-cn-shanghai" }),
    similarityThreshold: 0.8,
    userData: null,
    searchId: options.searchId ?? null,
    idempotencyKey: null,
    inputHash: randomUUID(),
  });
  return store.jobs.markSubmitted(job.id, `backend-${job.id}`, new Date(Date.now() + 60_000));
}

/** Records a status change (and its JOB event); answers the job as stored and the event's id. */
export async function moveJob(
  store: Store,
  job: FingerprintJob,
  status: JobStatus,
  recorder?: JobStatusRecorder,
): Promise<{ job: FingerprintJob; eventId: number }> {
  const update = { status, rawStatus: RAW[status], ...(status === "FAILED" ? { errorCode: "InvalidMedia", errorMessage: "The media cannot be read." } : {}) };
  if (recorder) {
    const { job: stored, event } = await recorder.record(job, update);
    if (!event) throw new Error(`no event for ${job.id} ${job.status} -> ${status}`);
    return { job: stored, eventId: event.id };
  }
  const { job: stored, eventId } = await store.jobs.transition(job.id, { status: job.status, rawStatus: job.rawStatus }, update);
  if (eventId === null) throw new Error(`no event for ${job.id} ${job.status} -> ${status}`);
  return { job: stored, eventId };
}

/** Submitted, RUNNING, then `end`: two events, the second one finished. */
export async function runJob(
  store: Store,
  tenantId: string,
  libraryId: string,
  end: JobStatus,
  recorder?: JobStatusRecorder,
  options: { searchId?: string | null } = {},
) {
  const job = await submittedJob(store, tenantId, libraryId, options);
  const running = await moveJob(store, job, "RUNNING", recorder);
  const finished = await moveJob(store, running.job, end, recorder);
  return { job: finished.job, runningEventId: running.eventId, finishedEventId: finished.eventId };
}
