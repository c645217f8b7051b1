/**
 * The one place a job's status changes in the store, as StatusRecorder is for libraries:
 * the change and its JOB event are written in one transaction, only if the row still says
 * what this writer last saw (two writers that saw the same change make one event), and
 * listeners (the event relay) hear of every recorded event once.
 */
import type { FingerprintJob } from "../domain/job.js";
import type { JobEvent, JobStatusUpdate } from "../store/job-ports.js";
import type { JobRepository } from "../store/job-ports.js";

export type JobEventListener = (event: JobEvent) => void;

export class JobStatusRecorder {
  private readonly listeners: JobEventListener[] = [];

  constructor(private readonly store: { jobs: JobRepository }) {}

  onEvent(listener: JobEventListener): void {
    this.listeners.push(listener);
  }

  /** Writes the update when it changes the job; answers the job as stored and the event, if this writer made one. */
  async record(job: FingerprintJob, update: JobStatusUpdate): Promise<{ job: FingerprintJob; event: JobEvent | null }> {
    if (job.status === update.status && job.rawStatus === update.rawStatus) return { job, event: null };
    const result = await this.store.jobs.transition(job.id, { status: job.status, rawStatus: job.rawStatus }, update);
    if (result.eventId === null) return { job: result.job, event: null };
    const stored = result.job;
    const event: JobEvent = {
      kind: "JOB",
      id: result.eventId,
      tenantId: stored.tenantId,
      libraryId: stored.libraryId,
      jobId: stored.id,
      searchId: stored.searchId,
      backend: stored.backend,
      previousStatus: job.status,
      status: stored.status,
      rawStatus: stored.rawStatus,
      occurredAt: stored.updatedAt,
      job: stored,
    };
    for (const listener of this.listeners) listener(event);
    return { job: stored, event };
  }
}
