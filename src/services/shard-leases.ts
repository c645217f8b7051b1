/**
 * The watcher shard leases of one instance, shared by the activation watcher and the job
 * watcher: a library and a job of the same shard are watched by the same instance, and the
 * leases cost one set of renewals however many watchers use them. Records are split into
 * WATCHER_SHARD_COUNT shards; a shard is polled only by the instance holding its lease;
 * another instance takes a shard over when its holder stops renewing (e.g. it died).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import { WATCHER_SHARD_COUNT } from "../domain/model.js";
import type { LeaseRepository } from "../store/ports.js";

export class ShardLeases {
  readonly instanceId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly held = new Set<number>();
  private checkedAt = 0;
  private holding: Promise<void> | undefined;

  constructor(
    private readonly leases: LeaseRepository,
    /** How long a lease lasts without renewal; a dead holder's shards move after this. */
    private readonly leaseTtlMs: number,
    private readonly log: Logger,
  ) {}

  /** The shards this instance holds now, after renewing them when due. */
  async hold(): Promise<number[]> {
    // Two watchers asking at once share one renewal.
    this.holding ??= this.renew().finally(() => (this.holding = undefined));
    await this.holding;
    return [...this.held];
  }

  /** Gives the leases up so another instance takes over at once. Idempotent. */
  async release(): Promise<void> {
    await this.holding;
    const held = [...this.held];
    this.held.clear();
    this.checkedAt = 0;
    await Promise.allSettled(held.map((shard) => this.leases.release(leaseName(shard), this.instanceId)));
  }

  /**
   * Renews held leases and tries to take free or expired ones, every third of the lease
   * time rather than every round: sixteen UPDATEs per tick cost an idle instance 7% of a core.
   */
  private async renew(): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < this.leaseTtlMs / 3) return;
    this.checkedAt = now;
    const taken: number[] = [];
    const lost: number[] = [];
    await Promise.all(
      Array.from({ length: WATCHER_SHARD_COUNT }, async (_, shard) => {
        const name = leaseName(shard);
        const ok = this.held.has(shard)
          ? await this.leases.renew(name, this.instanceId, this.leaseTtlMs)
          : await this.leases.acquire(name, this.instanceId, this.leaseTtlMs);
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
}

const leaseName = (shard: number) => `watcher-shard-${shard}`;
