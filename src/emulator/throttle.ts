/**
 * Per-account, per-action request rate limits (token bucket).
 *
 * A bucket holds up to `limit` tokens (at least one, so fractional limits such as 0.5
 * QPS still let a request through now and then) and refills at `limit` per second: a
 * burst of `limit` requests passes and the steady rate is `limit` QPS. Unlike a fixed
 * one-second window, the outcome of a quick burst does not depend on where the second
 * boundary falls, which keeps tests deterministic.
 */
interface Bucket {
  tokens: number;
  at: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  /** Takes one token; false means the request must be answered with Throttling. */
  take(accessKeyId: string, action: string, limit: number, now: number): boolean {
    const key = `${accessKeyId}\n${action}`;
    const capacity = Math.max(1, limit);
    const b = this.buckets.get(key) ?? { tokens: capacity, at: now };
    b.tokens = Math.min(capacity, b.tokens + ((now - b.at) * limit) / 1000);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  clear(): void {
    this.buckets.clear();
  }
}
