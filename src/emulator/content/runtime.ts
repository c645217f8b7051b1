/**
 * The content operations' runtime: the store, the running jobs, the queue pause switch
 * per service, and the dependencies (OSS stand-in, fingerprint engine) that jobs use.
 *
 * Jobs run as promises, each checking after every await that it still exists (a library
 * deletion or reset drops it) and still has the status it expects (the control API or
 * CancelDNAJob may have ended it). Status transitions are therefore decided in one place
 * per job and never race each other.
 */
import type { FingerprintEngine, MediaKind } from "../fingerprint/contract.js";
import type { OssObjects } from "../oss/contract.js";
import type { EmulatorSettings } from "../settings.js";
import type { EmulatorState, Library, Service } from "../state.js";
import type { FileDeleteJob, FpJob, ImportJob } from "./model.js";
import { ContentStore } from "./store.js";
import { JobWaits } from "./waits.js";

export interface ContentDeps {
  state: EmulatorState;
  settings(): EmulatorSettings;
  now(): number;
  log(line: string): void;
  /** The OSS stand-in; undefined when the emulator runs without one. */
  oss(): OssObjects | undefined;
  /** The fingerprint engine; undefined before start or after close. */
  engine(): FingerprintEngine | undefined;
}

/** Ends a job with Fail and this Code/Message. */
export class JobFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "JobFailure";
  }
}

export const MPS_KINDS: Readonly<Record<number, MediaKind>> = { 11: "text", 12: "video", 13: "audio", 14: "image" };

export function libraryKind(lib: Library): MediaKind {
  return lib.service === "ice" ? (lib.model.toLowerCase() as MediaKind) : (MPS_KINDS[lib.modelId] ?? "video");
}

export type AnyContentJob = FpJob | ImportJob | FileDeleteJob;

export class ContentRuntime {
  readonly store = new ContentStore();
  readonly waits = new JobWaits();
  private readonly paused = new Set<Service>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(readonly deps: ContentDeps) {}

  /** Starts a job's run; its promise is kept so the control API can await it. */
  start(jobId: string, run: () => Promise<void>): void {
    const p = run()
      .catch((e: unknown) => this.deps.log(`content job ${jobId}: ${(e as Error).stack ?? String(e)}`))
      .finally(() => {
        this.running.delete(jobId);
        this.waits.forget(jobId);
      });
    this.running.set(jobId, p);
  }

  isPaused(service: Service): boolean {
    return this.paused.has(service);
  }

  pauseQueue(service: Service): void {
    this.paused.add(service);
  }

  resumeQueue(service: Service): void {
    this.paused.delete(service);
    this.waits.wakeAll();
  }

  /**
   * The Queuing phase: the queue delay, then as long as the service's queue is paused.
   * False when the job stopped being queued meanwhile (cancelled, failed, dropped, closed).
   */
  async queueGate(jobId: string, service: Service, createdAt: number, stillQueued: () => boolean): Promise<boolean> {
    for (;;) {
      if (this.waits.isClosed || !stillQueued()) return false;
      if (this.waits.isRushed(jobId)) return true;
      if (this.paused.has(service)) {
        await this.waits.sleep(jobId, 60_000);
        continue;
      }
      const dueIn = createdAt + this.deps.settings().jobQueueDelayMs - this.deps.now();
      if (dueIn <= 0) return true;
      await this.waits.sleep(jobId, dueIn);
    }
  }

  /** Milliseconds of emulated analysis for media of this kind and length. */
  analysisMs(kind: MediaKind, length: number): number {
    // Text counts 50 characters as one media second and an image as one second.
    const seconds = kind === "text" ? length / 50 : kind === "image" ? 1 : length;
    return seconds * this.deps.settings().jobSecondsPerMediaSecond * 1000;
  }

  /** Makes every wait of the job end now and resolves when its run is over. */
  async rush(jobId: string): Promise<void> {
    this.waits.rush(jobId);
    await this.running.get(jobId);
  }

  job(jobId: string): AnyContentJob | undefined {
    return this.store.fpJobs.get(jobId) ?? this.store.importJobs.get(jobId) ?? this.store.fileDeleteJobs.get(jobId);
  }

  dropLibrary(libraryId: string): void {
    this.store.dropLibrary(libraryId);
  }

  reset(): void {
    this.store.clear();
    this.paused.clear();
    this.waits.reset();
  }

  /** Ends every wait and lets the runs finish (they see the closed flag and stop). */
  async close(): Promise<void> {
    this.waits.close();
    await Promise.allSettled([...this.running.values()]);
  }
}
