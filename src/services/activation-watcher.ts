/**
 * Reads the status of every library that can still change (OFFLINE, PAUSED, DELETING,
 * UNKNOWN) until it settles, and records what it finds through the StatusRecorder, which
 * writes the event log and publishes. One round:
 *   1. hold the shard leases (libraries are split into WATCHER_SHARD_COUNT shards; a shard
 *      is polled only by the instance holding its lease; another instance takes a shard
 *      over when its holder stops renewing, e.g. because it died);
 *   2. load the libraries of held shards whose next check is due;
 *   3. read them all through one set of batching readers (List calls of at most ten ids per
 *      backend and region, delete-job queries likewise);
 *   4. reschedule: the next check comes after a quarter of the time since the library last
 *      changed (its updatedAt), between the minimum and the ceiling: a library created a few
 *      seconds ago is read every second, one quiet for an hour once a minute (by default).
 *      A read that failed backs off by doubling instead, to spare a struggling backend.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import { WATCHER_SHARD_COUNT } from "../domain/model.js";
import type { Store } from "../store/ports.js";
import type { LibraryLifecycle } from "./library-lifecycle.js";
import type { LiveReads } from "./live-library-reader.js";

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
  readonly instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly held = new Set<number>();
  private leasesCheckedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly store: Store,
    private readonly lifecycle: LibraryLifecycle,
    private readonly liveReads: () => LiveReads,
    private readonly settings: WatcherSettings,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Finishes the round in progress, then gives the leases up so another instance takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
    await Promise.allSettled([...this.held].map((shard) => this.store.leases.release(leaseName(shard), this.instanceId)));
    this.held.clear();
    this.leasesCheckedAt = 0;
  }

  /** One round, also callable directly (tests, benchmarks). */
  async runRound(now = new Date()): Promise<WatcherRoundReport> {
    await this.holdLeases();
    const report: WatcherRoundReport = { shardsHeld: this.held.size, checked: 0, changed: 0, failed: 0 };
    if (this.held.size === 0) return report;

    const due = await this.store.libraries.dueForCheck([...this.held], now, this.settings.batchSize);
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

  /**
   * Renews held leases and tries to take free or expired ones, every third of the lease
   * time rather than every round: sixteen UPDATEs per tick cost an idle instance 7% of a core.
   */
  private async holdLeases(): Promise<void> {
    const { leaseTtlMs } = this.settings;
    const now = Date.now();
    if (now - this.leasesCheckedAt < leaseTtlMs / 3) return;
    this.leasesCheckedAt = now;
    const taken: number[] = [];
    const lost: number[] = [];
    await Promise.all(
      Array.from({ length: WATCHER_SHARD_COUNT }, async (_, shard) => {
        const name = leaseName(shard);
        const ok = this.held.has(shard)
          ? await this.store.leases.renew(name, this.instanceId, leaseTtlMs)
          : await this.store.leases.acquire(name, this.instanceId, leaseTtlMs);
        if (ok && !this.held.has(shard)) taken.push(shard);
        if (!ok && this.held.has(shard)) lost.push(shard);
        if (ok) this.held.add(shard);
        else this.held.delete(shard);
      }),
    );
    // One line per change of hands, not one per shard (an instance alone takes all sixteen at start).
    const held = [...this.held].sort((a, b) => a - b);
    if (taken.length > 0) this.log.info({ taken: taken.sort((a, b) => a - b), held, instance: this.instanceId }, "watcher took shards");
    if (lost.length > 0) this.log.warn({ lost: lost.sort((a, b) => a - b), held, instance: this.instanceId }, "watcher lost shard leases");
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

const leaseName = (shard: number) => `watcher-shard-${shard}`;
const jitter = (ms: number) => Math.round(ms * (0.9 + Math.random() * 0.2));
