/**
 * Follows every submitted job until it ends, the job half of the activation watcher. One round:
 *   1. hold the shard leases (shard-leases.ts, shared with the activation watcher);
 *   2. load the unfinished jobs of held shards whose next check is due (store.jobs.dueForCheck),
 *      plus those due within a quarter interval that fill up a call going out anyway;
 *   3. read them per (account, backend, region, kind), at most ten ids a call
 *      (QueryDNAJobList, QueryFpShotJobList; MPS file-delete jobs with QueryFpFileDeleteJobList);
 *   4. as each call answers, record each change of its jobs through the JobStatusRecorder (row + JOB event in one transaction,
 *      compare-and-set): a search that SUCCEEDED gets its matches first (MPS inline, ICE's
 *      DNAResult document fetched), ranked with the job's threshold;
 *   5. reschedule the rest by the job's expected duration (job-check-schedule.ts), telling the
 *      schedule how late after falling due each read's outcome was recorded;
 *   6. sleep until the next job falls due (known from the jobs loaded for fillers), between half
 *      a tick and a tick: a job is picked up close to when it is due.
 *
 * Reconciliation (docs/operations.md): a job the backend does not know (any more) is FAILED
 * with JOB_NOT_FOUND_ON_BACKEND once it is older than missingGraceMs; a job still unfinished
 * after stuckAfterMs is FAILED with JOB_STUCK; a result document that cannot be fetched is
 * retried on later checks and, after resultAttempts, the job is FAILED with the fetcher's
 * reason (RESULT_UNREACHABLE, RESULT_UNREADABLE, ...). A failed read of the backend never
 * fails a job: it backs off and reads again.
 */
import type { Logger } from "pino";
import { isFinished, type FingerprintJob, type JobStatus } from "../domain/job.js";
import type { FingerprintBackend } from "../domain/model.js";
import { GatewayError } from "../domain/errors.js";
import type { BackendAccounts } from "../backends/index.js";
import type { Backends } from "../backends/port.js";
import type { BackendJobLookup, BackendJobState } from "../backends/content-port.js";
import type { JobRepository, JobStatusUpdate, WatchedJob } from "../store/job-ports.js";
import { batchJobReads, dueWithBatchFillers, JobCheckSchedule, type JobReadBatch, type JobScheduleSettings } from "./job-check-schedule.js";
import type { JobResultReader } from "./job-result-reader.js";
import type { JobStatusRecorder } from "./job-status-recorder.js";
import type { ShardLeases } from "./shard-leases.js";

export interface JobWatcherSettings extends JobScheduleSettings {
  /** Pause between rounds. */
  tickMs: number;
  /** Jobs read per round at most. */
  batchSize: number;
  /** Fetches of a finished job's result document before the job is FAILED. */
  resultAttempts: number;
  /** A job the backend does not list is reconciled only once it is at least this old (a just-submitted job may not be listed yet). */
  missingGraceMs: number;
  /** A job still unfinished this long after its submit is FAILED with JOB_STUCK. */
  stuckAfterMs: number;
}

/** What the job watcher tells metrics. */
export interface JobWatcherObserver {
  backendCall(event: { backend: FingerprintBackend; action: string; outcome: "ok" | "error"; jobs: number }): void;
  jobFinished(event: { backend: FingerprintBackend; status: JobStatus; seconds: number }): void;
}

export interface JobWatcherRoundReport {
  shardsHeld: number;
  checked: number;
  changed: number;
  failed: number;
  backendCalls: number;
  /** Where the round's time went: loading due jobs, backend reads with recording (results and transitions), rescheduling. */
  ms: { load: number; readAndRecord: number; schedule: number };
  /** When the next round has work: the earliest job loaded but not read (now when the load was cut at batchSize); null when none is known before the tick. */
  nextDueAt: Date | null;
}

/** Error codes the gateway writes into a job's errorCode (the backend's own codes are kept as they are). */
export const JOB_RECONCILE_CODES = {
  missing: "JOB_NOT_FOUND_ON_BACKEND",
  stuck: "JOB_STUCK",
} as const;

type Observation =
  | { kind: "found"; state: BackendJobState }
  | { kind: "missing" }
  | { kind: "error"; error: unknown };

interface Outcome {
  changed: boolean;
  failed: boolean;
  /** Null when the job is finished (the store stops listing it). */
  next: { nextCheckAt: Date; checkCount: number } | null;
}

export class JobWatcher {
  readonly schedule: JobCheckSchedule;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly deps: {
      jobs: JobRepository;
      accounts: BackendAccounts;
      leases: ShardLeases;
      recorder: JobStatusRecorder;
      results: JobResultReader;
      observer?: JobWatcherObserver;
    },
    private readonly settings: JobWatcherSettings,
    private readonly log: Logger,
  ) {
    this.schedule = new JobCheckSchedule(settings);
  }

  start(): void {
    this.stopped = false;
    this.scheduleRound(0);
  }

  /** Finishes the round in progress; the leases are released by whoever owns them. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One round, also callable directly (tests, benchmarks). */
  async runRound(now = new Date()): Promise<JobWatcherRoundReport> {
    const held = await this.deps.leases.hold();
    const report: JobWatcherRoundReport = { shardsHeld: held.length, checked: 0, changed: 0, failed: 0, backendCalls: 0, ms: { load: 0, readAndRecord: 0, schedule: 0 }, nextDueAt: null };
    if (held.length === 0) return report;
    let mark = performance.now();
    const lap = () => {
      const before = mark;
      mark = performance.now();
      return Math.round(mark - before);
    };
    // Jobs due a quarter interval from now may fill up a call that goes out anyway (dueWithBatchFillers).
    const horizon = new Date(now.getTime() + Math.floor(this.settings.minIntervalMs / 4));
    const loaded = await this.deps.jobs.dueForCheck(held, horizon, this.settings.batchSize);
    const due = dueWithBatchFillers(loaded, now);
    report.nextDueAt = nextDueAt(loaded, due, now, this.settings.batchSize);
    report.ms.load = lap();
    if (due.length === 0) return report;

    // Each batch is recorded as soon as its own call answered: a slow call delays only its ten jobs.
    const observations = new Map<string, Observation>();
    const batches = batchJobReads(due);
    report.backendCalls = batches.length;
    const settled = new Map<string, PromiseSettledResult<Outcome>>();
    await Promise.all(
      batches.map(async (batch) => {
        await this.read(batch, observations);
        const results = await Promise.allSettled(batch.jobs.map((job) => this.settle(job, observations.get(job.id) ?? { kind: "missing" }, now)));
        const recordedAt = Date.now();
        batch.jobs.forEach((job, i) => {
          settled.set(job.id, results[i]!);
          // Jobs read because they were due (not fillers read early): how late their outcome was recorded.
          if (results[i]!.status === "fulfilled" && job.nextCheckAt !== null && job.nextCheckAt <= now) this.schedule.observeLateness(recordedAt - job.nextCheckAt.getTime());
        });
      }),
    );
    const outcomes = due.map((job) => settled.get(job.id) ?? ({ status: "rejected", reason: new Error(`job ${job.id} has no backend job id`) } as const));
    report.ms.readAndRecord = lap();
    const schedule: Array<{ id: string; nextCheckAt: Date; checkCount: number }> = [];
    let firstError: unknown;
    outcomes.forEach((outcome, i) => {
      const job = due[i]!;
      report.checked += 1;
      if (outcome.status === "rejected") {
        // The store refused the write: read again later, like a failed backend read.
        firstError ??= outcome.reason;
        report.failed += 1;
        schedule.push({ id: job.id, checkCount: job.checkCount + 1, nextCheckAt: this.schedule.failureCheckAt(job.checkCount + 1, now) });
        return;
      }
      if (outcome.value.changed) report.changed += 1;
      if (outcome.value.failed) {
        report.failed += 1;
        firstError ??= (observations.get(job.id) as { error?: unknown } | undefined)?.error;
      }
      if (outcome.value.next) schedule.push({ id: job.id, ...outcome.value.next });
    });
    if (schedule.length > 0) await this.deps.jobs.scheduleChecks(schedule);
    report.ms.schedule = lap();
    if (report.failed > 0) this.log.warn({ report, err: firstError }, "job watcher could not read some jobs; they are read again with back-off");
    return report;
  }

  /** One backend call for one batch; every job of it gets an observation. */
  private async read(batch: JobReadBatch<WatchedJob>, into: Map<string, Observation>): Promise<void> {
    const backends = this.backendsOf(batch.jobs[0]!);
    const content = backends[batch.backend].content;
    const action = batch.kind === "DELETE_FILES" ? "fileDeleteJobs" : "queryJobs";
    let lookup: BackendJobLookup;
    try {
      lookup = batch.kind === "DELETE_FILES" ? await fileDeleteLookup(content, batch.region, batch.backendJobIds) : await content.queryJobs(batch.region, batch.backendJobIds);
      this.deps.observer?.backendCall({ backend: batch.backend, action, outcome: "ok", jobs: batch.backendJobIds.length });
    } catch (error) {
      this.deps.observer?.backendCall({ backend: batch.backend, action, outcome: "error", jobs: batch.backendJobIds.length });
      for (const job of batch.jobs) into.set(job.id, { kind: "error", error });
      return;
    }
    const byId = new Map(lookup.found.map((state) => [state.backendJobId, state] as const));
    for (const job of batch.jobs) {
      const state = byId.get(job.backendJobId!);
      into.set(job.id, state ? { kind: "found", state } : { kind: "missing" });
    }
  }

  /** Records what was seen of one job and says when to read it next. */
  private async settle(job: WatchedJob, seen: Observation, now: Date): Promise<Outcome> {
    const ageMs = now.getTime() - job.createdAt.getTime();
    if (seen.kind === "error") return { changed: false, failed: true, next: this.retry(job, now) };
    if (seen.kind === "missing") {
      if (ageMs < this.settings.missingGraceMs) return { changed: false, failed: false, next: this.onTime(job, now) };
      return this.finish(job, {
        status: "FAILED",
        rawStatus: job.rawStatus,
        errorCode: JOB_RECONCILE_CODES.missing,
        errorMessage: `The ${job.backend} job ${job.backendJobId} no longer exists on the backend (for this account and region); it was marked failed by the gateway.`,
      }, now);
    }

    const { state } = seen;
    if (state.status === "SUCCEEDED") return this.succeed(job, state, now);
    if (isFinished(state.status)) {
      return this.finish(job, { status: state.status, rawStatus: state.rawStatus, errorCode: state.errorCode, errorMessage: state.errorMessage }, now, state.finishedAt);
    }
    if (ageMs > this.settings.stuckAfterMs) {
      return this.finish(job, {
        status: "FAILED",
        rawStatus: state.rawStatus,
        errorCode: JOB_RECONCILE_CODES.stuck,
        errorMessage: `The ${job.backend} job ${job.backendJobId} was still ${state.rawStatus || "unfinished"} ${Math.round(ageMs / 60_000)} minutes after its submit; the gateway stopped following it.`,
      }, now);
    }
    // Only a change of status is written (QUEUED -> RUNNING): a new raw word within the same
    // status (the first "Queuing" after the submit's "") would cost a transaction and an event
    // per job and tell subscribers nothing; the raw word is written with the next change.
    if (state.status === job.status) return { changed: false, failed: false, next: this.onTime(job, now) };
    const { job: stored, event } = await this.deps.recorder.record(job, { status: state.status, rawStatus: state.rawStatus });
    if (isFinished(stored.status)) return { changed: event !== null, failed: false, next: null };
    return { changed: event !== null, failed: false, next: this.onTime(job, now) };
  }

  private async succeed(job: WatchedJob, state: BackendJobState, now: Date): Promise<Outcome> {
    let matches;
    try {
      matches = await this.deps.results.matches(job, state.result);
    } catch (error) {
      const attempts = job.checkCount + 1;
      const retryable = !(error instanceof GatewayError) || error.details.retryable !== false;
      if (retryable && attempts < this.settings.resultAttempts) {
        this.log.warn({ err: error, jobId: job.id, attempts }, "job result not readable yet; read again later");
        return { changed: false, failed: true, next: { checkCount: attempts, nextCheckAt: this.schedule.failureCheckAt(attempts, now) } };
      }
      const reason = error instanceof GatewayError && typeof error.details.reason === "string" ? error.details.reason : "RESULT_UNREADABLE";
      return this.finish(job, {
        status: "FAILED",
        rawStatus: state.rawStatus,
        errorCode: reason,
        errorMessage: `${error instanceof Error ? error.message : String(error)} The backend finished the job, but its matches could not be read (${attempts} attempt${attempts === 1 ? "" : "s"}).`,
      }, now, state.finishedAt);
    }
    return this.finish(job, { status: "SUCCEEDED", rawStatus: state.rawStatus, errorCode: null, errorMessage: null, matches }, now, state.finishedAt);
  }

  private async finish(job: WatchedJob, update: JobStatusUpdate, now: Date, backendFinishedAt: Date | null = null): Promise<Outcome> {
    const { job: stored, event } = await this.deps.recorder.record(job, update);
    if (event) {
      const end = stored.finishedAt ?? now;
      this.deps.observer?.jobFinished({ backend: stored.backend, status: stored.status, seconds: Math.max(0, (end.getTime() - stored.createdAt.getTime()) / 1000) });
    }
    // Learn from jobs that ran to their end, not from the gateway's own verdicts.
    if (update.errorCode !== JOB_RECONCILE_CODES.missing && update.errorCode !== JOB_RECONCILE_CODES.stuck) {
      this.schedule.learn(job.backend, job.model, (backendFinishedAt ?? now).getTime() - job.createdAt.getTime());
    }
    if (isFinished(stored.status)) return { changed: event !== null, failed: false, next: null };
    // Another writer moved it back to something unfinished (not expected): keep following it.
    return { changed: event !== null, failed: false, next: this.onTime(stored, now) };
  }

  private onTime(job: FingerprintJob, now: Date) {
    return { checkCount: 0, nextCheckAt: this.schedule.nextCheckAt(job, now) };
  }

  private retry(job: WatchedJob, now: Date) {
    return { checkCount: job.checkCount + 1, nextCheckAt: this.schedule.failureCheckAt(job.checkCount + 1, now) };
  }

  /** The account the job was submitted with (copied onto the row), so a tenant's jobs are read with its own keys. */
  private backendsOf(job: FingerprintJob): Backends {
    return this.deps.accounts.all().find((entry) => entry.account === job.account)?.backends ?? this.deps.accounts.forTenant(job.tenantId);
  }

  private scheduleRound(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      let next = this.settings.tickMs;
      this.round = this.runRound()
        .then((report) => {
          // Sooner when a job falls due, but never closer than half a tick: a round loads every
          // job due within the fill-ahead, and back-to-back rounds would reload most of them.
          if (report.nextDueAt) next = Math.min(next, Math.max(next / 2, report.nextDueAt.getTime() - Date.now()));
        })
        .catch((error) => this.log.error({ err: error }, "job watcher round failed"))
        .finally(() => {
          this.round = undefined;
          this.scheduleRound(next);
        });
    }, delayMs);
  }
}

/**
 * When the next round has work: at once when the load was cut at `limit` (more jobs are due),
 * else the earliest due time among the jobs loaded as possible fillers but not read.
 */
export function nextDueAt(loaded: readonly WatchedJob[], read: readonly WatchedJob[], now: Date, limit: number): Date | null {
  if (loaded.length >= limit) return now;
  const taken = new Set(read.map((job) => job.id));
  let earliest: Date | null = null;
  for (const job of loaded) {
    if (taken.has(job.id) || job.nextCheckAt === null) continue;
    if (earliest === null || job.nextCheckAt < earliest) earliest = job.nextCheckAt;
  }
  return earliest;
}

/** MPS file-delete jobs read as job states (no result; a job not listed is missing). */
async function fileDeleteLookup(content: Backends[FingerprintBackend]["content"], region: string, ids: readonly string[]): Promise<BackendJobLookup> {
  const states = await content.fileDeleteJobs(region, ids);
  const found: BackendJobState[] = states.map((state) => ({
    backendJobId: state.jobId,
    status: state.status,
    rawStatus: state.rawStatus,
    errorCode: state.status === "FAILED" ? (state.code ?? null) : null,
    errorMessage: state.status === "FAILED" ? state.message : null,
    finishedAt: null,
    result: { kind: "none" },
  }));
  const seen = new Set(found.map((state) => state.backendJobId));
  return { found, missing: ids.filter((id) => !seen.has(id)) };
}
