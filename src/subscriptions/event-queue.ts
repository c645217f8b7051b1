/**
 * A subscriber's inbox: registered the moment it is made (so nothing published between
 * "start listening" and "start reading" is lost, which the replay seam relies on), bounded
 * (a client that stops reading is cut off with an error instead of growing memory without
 * limit), and ended from either side.
 */
export class SubscriberTooSlowError extends Error {
  override readonly name = "SubscriberTooSlowError";
}

export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly buffer: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: Error) => void } | null = null;
  private failure: Error | null = null;
  private done = false;
  private emptied: Array<() => void> = [];

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void,
  ) {}

  push(value: T): void {
    if (this.done) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = null;
      resolve({ value, done: false });
      return;
    }
    if (this.buffer.length >= this.capacity) {
      this.fail(new SubscriberTooSlowError(`The subscriber fell ${this.capacity} events behind and was disconnected; resubscribe with after: <last eventId>.`));
      return;
    }
    this.buffer.push(value);
  }

  fail(error: Error): void {
    this.failure = error;
    this.finish();
  }

  /** Values pushed and not read yet. */
  get size(): number {
    return this.buffer.length;
  }

  /** Resolves once the reader has taken everything pushed so far (or the queue ended). */
  whenEmpty(): Promise<void> {
    if (this.buffer.length === 0 || this.done) return Promise.resolve();
    return new Promise((resolve) => this.emptied.push(resolve));
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift()!;
      if (this.buffer.length === 0) this.wakeEmptied();
      return Promise.resolve({ value, done: false });
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.buffer.length = 0;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private wakeEmptied(): void {
    for (const resolve of this.emptied.splice(0)) resolve();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.wakeEmptied();
    this.onClose();
    if (this.waiting) {
      const { resolve, reject } = this.waiting;
      this.waiting = null;
      if (this.failure) {
        // Deliver the failure to the reader that is waiting now.
        const failure = this.failure;
        this.failure = null;
        reject(failure);
      } else {
        resolve({ value: undefined, done: true });
      }
    }
  }
}
