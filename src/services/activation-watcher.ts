/**
 * Reads the status of every library that can still change (OFFLINE, PAUSED, DELETING,
 * UNKNOWN) until it settles, and records what it finds through the StatusRecorder, which
 * writes the event log and publishes. One round:
 *   1. hold the shard leases (shard-leases.ts, shared with the job watcher);
 *   2. load the libraries of held shards whose next check is due;
 *   3. read them all through one set of batching readers (List calls of at most ten ids per
 *      backend and region, delete-job queries likewise);
 *   4. reschedule: the next check comes after a quarter of the time since the library last
 *      changed (its updatedAt), between the minimum and the ceiling: a library created a few
 *      seconds ago is read every second, one quiet for an hour once a minute (by default).
 *      A read that failed backs off by doubling instead, to spare a struggling backend.
 */
import type { Logger } from "pino";
import type { Store } from "../store/ports.js";
import type { LibraryLifecycle } from "./library-lifecycle.js";
import type { LiveReads } from "./live-library-reader.js";
import { ShardLeases } from "./shard-leases.js";

export interface WatcherSettings {
  /** Pause between rounds. */
  tickMs: number;
  /** First re-check of a new or just-changed library. */
  minIntervalMs: number;
  /** The back-off ceiling for a library that does not change. */
  maxIntervalMs: number;
  /** Libraries read per round at most. */
  batchSize: number;
  /** How long a shard lease lasts without renewal; a dead holder's shards move after this. */
  leaseTtlMs: number;
}

export interface WatcherRoundReport {
  shardsHeld: number;
  checked: number;
  changed: number;
  failed: number;
}

export class ActivationWatcher {
  private ownLeases: ShardLeases | undefined;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly lifecycle: LibraryLifecycle,
    private readonly liveReads: () => LiveReads,
    private readonly settings: WatcherSettings,
    private readonly log: Logger,
    /** Shared with the job watcher; without it the watcher holds leases of its own. */
    sharedLeases?: ShardLeases,
  ) {
    this.ownLeases = sharedLeases;
  }

  private get leases(): ShardLeases {
    return (this.ownLeases ??= new ShardLeases(this.store.leases, this.settings.leaseTtlMs, this.log));
  }

  get instanceId(): string {
    return this.leases.instanceId;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Finishes the round in progress, then gives the leases up so another instance takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await this.leases.release();
  }

  /** One round, also callable directly (tests, benchmarks). */
  async runRound(now = new Date()): Promise<WatcherRoundReport> {
    const held = await this.leases.hold();
    const report: WatcherRoundReport = { shardsHeld: held.length, checked: 0, changed: 0, failed: 0 };
    if (held.length === 0) return report;

    const due = await this.store.libraries.dueForCheck(held, now, this.settings.batchSize);
    if (due.length === 0) return report;
    const reads = this.liveReads();
    const outcomes = await Promise.allSettled(due.map((library) => this.lifecycle.refreshLibrary(library, reads)));

    const schedule = due.map((library, i) => {
      const outcome = outcomes[i];
      report.checked += 1;
      if (outcome.status === "rejected") {
        report.failed += 1;
        // checkCount counts consecutive failures: the back-off doubles with each.
        const failures = library.checkCount + 1;
        return { id: library.id, checkCount: failures, nextCheckAt: new Date(now.getTime() + this.failureInterval(failures)) };
      }
      if (outcome.value.status !== library.status || outcome.value.rawStatus !== library.rawStatus) report.changed += 1;
      const quietForMs = now.getTime() - outcome.value.updatedAt.getTime();
      return { id: library.id, checkCount: 0, nextCheckAt: new Date(now.getTime() + this.intervalFor(quietForMs)) };
    });
    await this.store.libraries.scheduleChecks(schedule);
    if (report.failed > 0) {
      const firstFailure = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected")?.reason;
      this.log.warn({ report, err: firstFailure }, "watcher could not read some libraries; they are retried with back-off");
    }
    return report;
  }

  /** A quarter of the quiet time, within [min, max], with ±10% jitter so libraries spread out. */
  intervalFor(quietForMs: number): number {
    return jitter(Math.min(this.settings.maxIntervalMs, Math.max(this.settings.minIntervalMs, quietForMs / 4)));
  }

  /** Doubling from the minimum per consecutive failure, capped. */
  failureInterval(failures: number): number {
    return jitter(Math.min(this.settings.maxIntervalMs, this.settings.minIntervalMs * 2 ** Math.min(failures, 30)));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runRound()
        .catch((error) => this.log.error({ err: error }, "watcher round failed"))
        .finally(() => {
          this.round = undefined;
          this.schedule(this.settings.tickMs);
        });
    }, delayMs);
  }
}

const jitter = (ms: number) => Math.round(ms * (0.9 + Math.random() * 0.2));
