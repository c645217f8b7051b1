/**
 * cancelFingerprintJob: ICE's CancelDNAJob, which works only while the job is Queuing; MPS
 * has no cancel at all. Refusals come before any backend call where the gateway already
 * knows the answer (another tenant's job, an MPS job, a job past QUEUED). After ICE accepted,
 * the change goes through the JobStatusRecorder (one transaction for the CANCELED status and
 * its event, then straight to the relay), so subscribers hear of it like any other end.
 */
import type { BackendAccounts } from "../backends/index.js";
import { GatewayError, notFound } from "../domain/errors.js";
import { isFinished, type FingerprintJob } from "../domain/job.js";
import type { JobRepository } from "../store/job-ports.js";
import type { JobStatusRecorder } from "./job-status-recorder.js";

/** The gateway's own word for a cancel it made (ICE documents none for a cancelled job). */
export const CANCELED_RAW_STATUS = "canceled";
/** Compare-and-set attempts when the watcher changes the row between our read and our write. */
const TRANSITION_ATTEMPTS = 3;

export class JobCancel {
  constructor(private readonly deps: { jobs: JobRepository; recorder: JobStatusRecorder; accounts: BackendAccounts }) {}

  async cancel(tenantId: string, jobId: string): Promise<FingerprintJob> {
    const job = await this.deps.jobs.findById(tenantId, jobId);
    if (!job) throw notFound(`Fingerprint job ${jobId}`);
    if (job.backend === "MPS") {
      throw new GatewayError("UNSUPPORTED_OPERATION", "MPS has no way to cancel a job; it runs to its end. Only ICE jobs can be canceled, and only while QUEUED.", {
        reason: "NO_CANCEL_ON_BACKEND",
      });
    }
    if (job.kind !== "FINGERPRINT") {
      throw new GatewayError("UNSUPPORTED_OPERATION", "A file-delete job cannot be canceled.", { reason: "NO_CANCEL_ON_BACKEND" });
    }
    if (job.status !== "QUEUED") throw notQueued(job.status);
    try {
      await this.deps.accounts.forTenant(tenantId)[job.backend].content.cancelJob(job.region, job.backendJobId!);
    } catch (error) {
      // The job left the queue between our read and ICE's check: ICE refuses the parameters.
      if (error instanceof GatewayError && error.code === "BAD_USER_INPUT") {
        throw new GatewayError("UNSUPPORTED_OPERATION", `ICE refused the cancel: the job is no longer queued (it has started or ended). Only QUEUED jobs can be canceled.`, {
          ...error.details,
          reason: "JOB_NOT_QUEUED",
        });
      }
      throw error;
    }
    return this.record(job);
  }

  private async record(job: FingerprintJob): Promise<FingerprintJob> {
    let current = job;
    for (let attempt = 0; attempt < TRANSITION_ATTEMPTS; attempt++) {
      const { job: after } = await this.deps.recorder.record(current, {
        status: "CANCELED",
        rawStatus: CANCELED_RAW_STATUS,
        errorCode: null,
        errorMessage: null,
        matches: [],
      });
      // Ours, or another writer recorded the end first (the watcher saw ICE's own word): either way settled.
      if (after.status === "CANCELED" || isFinished(after.status)) return after;
      current = after;
    }
    return current;
  }
}

function notQueued(status: string): GatewayError {
  return new GatewayError("UNSUPPORTED_OPERATION", `The job is ${status}; ICE cancels only QUEUED jobs (those not yet started).`, { reason: "JOB_NOT_QUEUED" });
}
