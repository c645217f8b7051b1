/**
 * When the job watcher reads a job next, and which jobs one backend call reads together.
 *
 * Jobs are read when they may have finished, not on a fixed beat. Neither service says how
 * long a job will take (the media's length is known only once it ran), so the duration is
 * learned per backend and model from the jobs that finished here, the way TCP learns a
 * round-trip time (RFC 6298): a moving mean and a moving mean deviation, seeded by a setting.
 * A job is left alone until mean - 3 x deviation, read often until mean + 2 x deviation (when
 * nearly all jobs end), and after that less and less often: from the same spacing, growing to a
 * quarter of how late it is, up to the ceiling. A read that failed backs off by doubling. (A
 * finish before the window is seen only at its start, so the early side is the wider one.)
 *
 * "Often" keeps a promise: inside the window a job's finish is recorded (its event committed)
 * within one minimum interval of the backend's Success. A read is not instant: the job is
 * picked up a little after it falls due, its call answers, a finish is recorded. The watcher
 * reports that lateness (due -> recorded) of every read, and the schedule learns it the same
 * RFC 6298 way (a moving mean and mean deviation). Reads in the window are spaced by the
 * interval less mean + 4 x deviation of the lateness (at most half the interval), so the last
 * read before a finish and the read that sees it are never more than one interval apart,
 * including the second read's own lateness.
 *
 * Reads are grouped per (account, backend, region, kind) and sent at most ten ids a call
 * (QueryDNAJobList / QueryFpShotJobList / QueryFpFileDeleteJobList): with jobs due together,
 * 1,000 refreshes cost about 100 calls.
 */
import { MAX_IDS_PER_LIST_CALL, type FingerprintBackend, type FingerprintModel } from "../domain/model.js";
import type { FingerprintJob, JobKind } from "../domain/job.js";

export interface JobScheduleSettings {
  /** Shortest time between two reads of one job. */
  minIntervalMs: number;
  /** Longest time between two reads of one job. */
  maxIntervalMs: number;
  /** A job's expected duration before any job of its backend and model has finished here. */
  expectedDurationMs: number;
}

type Scheduled = Pick<FingerprintJob, "backend" | "model" | "createdAt">;

/** The expected window: from mean - EARLY to mean + LATE deviations (see the header). */
const EARLY_DEVIATIONS = 3;
const LATE_DEVIATIONS = 2;

/** Weights of the newest finished job in the moving mean and deviation (RFC 6298's alpha and beta). */
const MEAN_WEIGHT = 1 / 8;
const DEVIATION_WEIGHT = 1 / 4;

interface Estimate {
  meanMs: number;
  deviationMs: number;
}

/** RFC 6298's update of a moving mean and mean deviation; the first sample seeds both. */
function updated(before: Estimate | undefined, sampleMs: number): Estimate {
  if (!before) return { meanMs: sampleMs, deviationMs: sampleMs / 2 };
  return {
    meanMs: before.meanMs + MEAN_WEIGHT * (sampleMs - before.meanMs),
    deviationMs: before.deviationMs + DEVIATION_WEIGHT * (Math.abs(sampleMs - before.meanMs) - before.deviationMs),
  };
}

export class JobCheckSchedule {
  private readonly estimates = new Map<string, Estimate>();
  /** How long after falling due a read's outcome is recorded (pick-up, the call, the write). */
  private lateness: Estimate | undefined;

  constructor(
    private readonly settings: JobScheduleSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** What a job of this backend and model is expected to take, submit to finish: [earliest, latest] of the usual range. */
  expectedWindowMs(backend: FingerprintBackend, model: FingerprintModel): { earliestMs: number; latestMs: number } {
    const { meanMs, deviationMs } = this.estimate(backend, model);
    return { earliestMs: Math.max(0, meanMs - EARLY_DEVIATIONS * deviationMs), latestMs: meanMs + LATE_DEVIATIONS * deviationMs };
  }

  /** Learns from a job that finished `durationMs` after it was submitted. */
  learn(backend: FingerprintBackend, model: FingerprintModel, durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    const key = `${backend}/${model}`;
    this.estimates.set(key, updated(this.estimates.get(key), durationMs));
  }

  /** Learns from a read whose outcome was recorded `latenessMs` after the job fell due. */
  observeLateness(latenessMs: number): void {
    if (!Number.isFinite(latenessMs)) return;
    this.lateness = updated(this.lateness, Math.max(0, latenessMs));
  }

  /** What a read in the window is spaced closer than the interval by: the lateness to allow for (mean + 4 x deviation, at most half the interval). */
  readAllowanceMs(): number {
    if (!this.lateness) return 0;
    return Math.min(this.settings.minIntervalMs / 2, Math.round(this.lateness.meanMs + 4 * this.lateness.deviationMs));
  }

  /** When to read a job that is not finished yet (also its first read, right after the submit). */
  nextCheckAt(job: Scheduled, now: Date): Date {
    const ageMs = now.getTime() - job.createdAt.getTime();
    const { earliestMs, latestMs } = this.expectedWindowMs(job.backend, job.model);
    // Inside the window: the interval less the lateness of the next read, so a finish is
    // recorded within one interval of it. Before it: at its start (a spacing at the least, so
    // reads do not crowd towards it). After it: from the spacing up to a quarter of the delay.
    const spacingMs = this.settings.minIntervalMs - this.readAllowanceMs();
    const delay = ageMs < earliestMs ? Math.max(spacingMs, earliestMs - ageMs) : ageMs > latestMs ? Math.max(spacingMs, (ageMs - latestMs) / 4) : spacingMs;
    // Jitter only below: spreads jobs submitted together without ever reading later than planned.
    return new Date(now.getTime() + Math.round(Math.min(this.settings.maxIntervalMs, delay) * (0.9 + this.random() * 0.1)));
  }

  private estimate(backend: FingerprintBackend, model: FingerprintModel): Estimate {
    const seed = this.settings.expectedDurationMs;
    return this.estimates.get(`${backend}/${model}`) ?? { meanMs: seed, deviationMs: seed / 2 };
  }

  /** After `failures` consecutive failed reads: doubling from the minimum, capped. */
  failureCheckAt(failures: number, now: Date): Date {
    return new Date(now.getTime() + this.jitter(this.clamp(this.settings.minIntervalMs * 2 ** Math.min(Math.max(failures - 1, 0), 30))));
  }

  private clamp(ms: number): number {
    return Math.min(this.settings.maxIntervalMs, Math.max(this.settings.minIntervalMs, ms));
  }

  /** ±10%, so jobs submitted together spread out instead of arriving in waves. */
  private jitter(ms: number): number {
    return Math.round(ms * (0.9 + this.random() * 0.2));
  }
}

export interface JobReadBatch<J> {
  account: string;
  backend: FingerprintBackend;
  region: string;
  kind: JobKind;
  /** At most MAX_IDS_PER_LIST_CALL distinct backend job ids. */
  backendJobIds: string[];
  /** The store's jobs these ids belong to (several rows may share one backend id). */
  jobs: J[];
}

type Batchable = Pick<FingerprintJob, "account" | "backend" | "region" | "kind" | "backendJobId">;

/** One backend call speaks for one account, one service, one region and one kind of job. */
export function batchJobReads<J extends Batchable>(jobs: readonly J[]): JobReadBatch<J>[] {
  const groups = new Map<string, { sample: J; byId: Map<string, J[]> }>();
  for (const job of jobs) {
    if (!job.backendJobId) continue;
    const key = [job.account, job.backend, job.region, job.kind].join("\u0000");
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { sample: job, byId: new Map() }));
    const same = group.byId.get(job.backendJobId);
    if (same) same.push(job);
    else group.byId.set(job.backendJobId, [job]);
  }
  const batches: JobReadBatch<J>[] = [];
  for (const { sample, byId } of groups.values()) {
    const ids = [...byId.keys()];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_LIST_CALL) {
      const backendJobIds = ids.slice(i, i + MAX_IDS_PER_LIST_CALL);
      batches.push({
        account: sample.account,
        backend: sample.backend,
        region: sample.region,
        kind: sample.kind,
        backendJobIds,
        jobs: backendJobIds.flatMap((id) => byId.get(id)!),
      });
    }
  }
  return batches;
}

type Fillable = Batchable & Pick<FingerprintJob, "id"> & { nextCheckAt: Date | null };

/**
 * The jobs to read this round: every job due by `now`, plus, from the jobs due a little later
 * (`soon`, due by now + the fill-ahead), just enough of the same (account, backend, region,
 * kind) to fill the last call of that group up to ten ids. That call is sent anyway; the
 * early jobs ride along instead of costing a call of their own a moment later. So short
 * watcher ticks (a job is read close to when it is due) keep calls near ten ids each.
 */
export function dueWithBatchFillers<J extends Fillable>(loaded: readonly J[], now: Date): J[] {
  const due: J[] = [];
  const soon: J[] = [];
  for (const job of loaded) (job.nextCheckAt === null || job.nextCheckAt <= now ? due : soon).push(job);
  const ids = new Map<string, Set<string>>();
  const groupOf = (job: J) => [job.account, job.backend, job.region, job.kind].join("\u0000");
  for (const job of due) {
    if (!job.backendJobId) continue;
    const key = groupOf(job);
    let set = ids.get(key);
    if (!set) ids.set(key, (set = new Set()));
    set.add(job.backendJobId);
  }
  const fillers: J[] = [];
  for (const job of soon) {
    const set = job.backendJobId ? ids.get(groupOf(job)) : undefined;
    // Only groups with a partly filled call this round; a backend id already in it costs nothing more.
    if (!set || (set.size % MAX_IDS_PER_LIST_CALL === 0 && !set.has(job.backendJobId!))) continue;
    set.add(job.backendJobId!);
    fillers.push(job);
  }
  return [...due, ...fillers];
}
