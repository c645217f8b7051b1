/**
 * Remembers signature nonces so a replayed request is refused.
 *
 * A nonce only needs remembering while the request carrying it could still pass the
 * timestamp check, i.e. until its signing time + the skew tolerance. After that the
 * replay is refused as expired anyway, so the entry is dropped. A hard cap bounds the
 * memory even under a flood of requests with far-future timestamps.
 */
export class NonceCache {
  private readonly entries = new Map<string, number>(); // key -> forget-after (epoch ms)
  private lastSweep = 0;

  constructor(
    private readonly maxEntries = 100_000,
    private readonly sweepEveryMs = 1_000,
  ) {}

  /**
   * Records the nonce for this access key. Returns false when it was already seen
   * and has not expired yet (a replay).
   */
  remember(accessKeyId: string, nonce: string, forgetAfter: number, now: number): boolean {
    this.sweep(now);
    const key = `${accessKeyId}\n${nonce}`;
    const known = this.entries.get(key);
    if (known !== undefined && known >= now) return false;
    this.entries.delete(key); // re-insert so Map order stays roughly oldest-first
    this.entries.set(key, forgetAfter);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.sweepEveryMs) return;
    this.lastSweep = now;
    for (const [key, forgetAfter] of this.entries) {
      if (forgetAfter < now) this.entries.delete(key);
    }
  }
}
