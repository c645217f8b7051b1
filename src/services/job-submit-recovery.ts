/**
 * Finishes submits that were interrupted, like CreateRecovery does for libraries. A job row
 * is its own intent: PENDING from before the backend call until the backend's job id is
 * recorded. A PENDING row nobody has touched for the stale period is one whose caller died,
 * or whose submit got no clear answer (a timeout, a dropped connection, a 5xx).
 *
 * What can be found depends on the service:
 *  - MPS lists jobs by creation time (QueryFpShotJobList StartOf/EndOfJobCreatedTimeRange):
 *    the job with the row's library, primary key and SaveType created in the row's window is
 *    adopted (SUBMITTED); when there is none, nothing reached MPS and the row is REFUSED
 *    with BACKEND_UNAVAILABLE, so the client's retry with the same key submits afresh.
 *  - ICE's QueryDNAJobList takes ids only. A row without its job id cannot be settled
 *    without risking a second job, so it stays PENDING (its key keeps answering
 *    BACKEND_UNAVAILABLE with what to do) and the sweep reports it for a person.
 */
import type { Logger } from "pino";
import { SAVE_TYPES, type FingerprintJob, type JobMode } from "../domain/job.js";
import type { BackendAccounts } from "../backends/index.js";
import type { Store } from "../store/ports.js";
import type { FirstJobCheck } from "./job-schedule.js";

/** How far the backend's clock may be from ours when looking for a job by its creation time. */
const CLOCK_SKEW_MS = 5 * 60_000;

export type JobLookup =
  | { kind: "found"; backendJobId: string }
  /** The service can list the window and the job is not in it: nothing was submitted. */
  | { kind: "absent" }
  /** The service cannot be asked (ICE), or the answer was not conclusive. */
  | { kind: "unknown"; reason: string };

export interface JobRecoveryReport {
  examined: number;
  adopted: number;
  refused: number;
  unresolved: Array<{ jobId: string; reason: string }>;
}

export class JobSubmitRecovery {
  constructor(
    private readonly store: Store,
    private readonly accounts: BackendAccounts,
    private readonly log: Pick<Logger, "info" | "warn">,
    private readonly firstCheck: FirstJobCheck,
  ) {}

  /** Looks for the backend job of a PENDING row whose submit may have reached the backend. */
  async lookup(job: FingerprintJob): Promise<JobLookup> {
    const content = this.accounts.forTenant(job.tenantId)[job.backend].content;
    const library = await this.store.libraries.findById(job.tenantId, job.libraryId);
    if (!library) return { kind: "unknown", reason: "its library is no longer registered" };
    const from = new Date(job.createdAt.getTime() - CLOCK_SKEW_MS);
    const to = new Date(Math.max(Date.now(), job.updatedAt.getTime()) + CLOCK_SKEW_MS);
    const listed = await content.listJobsCreatedBetween(job.region, from, to);
    if (listed === null) {
      return { kind: "unknown", reason: `${job.backend} cannot look a job up without its id, so whether it accepted this submit is unknown` };
    }
    const saveType = SAVE_TYPES[job.mode as JobMode];
    const candidates = listed.filter((l) => l.backendLibraryId === library.backendLibraryId && l.primaryKey === job.primaryKey && l.saveType === saveType);
    if (candidates.length === 1) return { kind: "found", backendJobId: candidates[0]!.backendJobId };
    if (candidates.length === 0) return { kind: "absent" };
    // Two submits of the same key and mode in one window (different idempotency keys): which is ours is unknowable.
    return { kind: "unknown", reason: `${candidates.length} ${job.backend} jobs match this submit's library, key and mode` };
  }

  /** Settles a PENDING row this caller holds: SUBMITTED when found, REFUSED when certainly absent; the row otherwise. */
  async settle(job: FingerprintJob, absentCode: string, absentMessage: string): Promise<{ job: FingerprintJob; lookup: JobLookup }> {
    const lookup = await this.lookup(job);
    if (lookup.kind === "found") {
      this.log.warn({ jobId: job.id, backend: job.backend, backendJobId: lookup.backendJobId }, "adopting a job an interrupted submit made");
      return { job: await this.store.jobs.markSubmitted(job.id, lookup.backendJobId, this.firstCheck.at(job)), lookup };
    }
    if (lookup.kind === "absent") await this.store.jobs.markRefused(job.id, absentCode, absentMessage);
    return { job, lookup };
  }

  /** The start-up and periodic sweep over PENDING rows untouched for `staleAfterMs`. */
  async sweep(staleAfterMs: number): Promise<JobRecoveryReport> {
    const staleBefore = new Date(Date.now() - staleAfterMs);
    const report: JobRecoveryReport = { examined: 0, adopted: 0, refused: 0, unresolved: [] };
    for (const job of await this.store.jobs.listPending(staleBefore)) {
      report.examined += 1;
      if (!(await this.store.jobs.takeOverStale(job.id, staleBefore))) continue; // a live caller took it
      try {
        const { lookup } = await this.settle(job, "BACKEND_UNAVAILABLE", "The gateway stopped before this submit reached the backend; nothing was submitted. Send it again.");
        if (lookup.kind === "found") report.adopted += 1;
        else if (lookup.kind === "absent") report.refused += 1;
        else report.unresolved.push({ jobId: job.id, reason: lookup.reason });
      } catch (error) {
        report.unresolved.push({ jobId: job.id, reason: (error as Error).message });
      }
    }
    if (report.examined > 0) this.log.info({ report }, "job submit recovery sweep");
    return report;
  }
}
