/**
 * The timed waits of content jobs. A job waits in its queue (queue delay, or while the
 * service's queue is paused) and then for its analysis time. The control API can rush a
 * job (every wait of it ends now, a paused queue included), and closing the emulator ends
 * every wait so no timer outlives it.
 */
export class JobWaits {
  private readonly wakers = new Map<string, () => void>();
  private readonly rushed = new Set<string>();
  private closed = false;

  /** Resolves when `ms` pass, the job is rushed or woken, or the emulator closes. */
  sleep(jobId: string, ms: number): Promise<void> {
    if (this.closed || this.rushed.has(jobId) || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakers.get(jobId) === done) this.wakers.delete(jobId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.set(jobId, done);
    });
  }

  /** Ends the job's current wait (its state changed: cancelled, failed, queue resumed). */
  wake(jobId: string): void {
    this.wakers.get(jobId)?.();
  }

  wakeAll(): void {
    for (const w of [...this.wakers.values()]) w();
  }

  rush(jobId: string): void {
    this.rushed.add(jobId);
    this.wake(jobId);
  }

  isRushed(jobId: string): boolean {
    return this.rushed.has(jobId);
  }

  forget(jobId: string): void {
    this.rushed.delete(jobId);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  reset(): void {
    this.rushed.clear();
    this.wakeAll();
  }
}
