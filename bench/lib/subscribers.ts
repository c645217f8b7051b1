/**
 * N graphql-ws subscriptions multiplexed over S WebSockets (subscription i rides socket
 * i mod S), spread over T load-generator threads (socket s lives on thread s mod T;
 * BENCH_CLIENT_THREADS). One thread alone spends ~10 µs per received message (frame,
 * JSON.parse, graphql-ws bookkeeping), so at 10,000 subscribers it, not the gateway, would
 * set the last delivery's time. Each thread stamps a delivery with performance.now() (the
 * main thread's scale) the moment its `next` runs and hands the stamps over in batches.
 */
import { cpus } from "node:os";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { sleep } from "./gateway-child.js";
import type { SubscriberWorkerData, WorkerMessage } from "./subscriber-worker.js";

export const ACTIVATED_SUBSCRIPTION = `subscription BenchActivated { fingerprintLibraryActivated { eventId occurredAt library { id } } }`;

export type OnEvent = (subscriber: number, libraryId: string, receivedAt: number) => void;

/** Load-generator threads: BENCH_CLIENT_THREADS, else one per core (at least 1). */
export const CLIENT_THREADS = Math.max(1, Number(process.env.BENCH_CLIENT_THREADS) || cpus().length);

export class SubscriberFleet {
  private readonly workers: Worker[] = [];
  private closing: Array<Promise<void>> = [];
  readonly errors: string[] = [];
  completed = 0;
  socketsClosed = 0;

  constructor(
    private readonly graphqlUrl: string,
    readonly subscribers: number,
    readonly sockets: number,
    private readonly onEvent: OnEvent,
    readonly threads = Math.min(CLIENT_THREADS, sockets),
  ) {}

  /** Connects every socket (connection_ack received), then sends every subscribe message. */
  async open(timeoutMs: number): Promise<void> {
    const url = this.graphqlUrl.replace(/^http/, "ws");
    const clockOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
    const ready: Array<Promise<void>> = [];
    for (let t = 0; t < this.threads; t++) {
      const sockets: number[] = [];
      for (let s = t; s < this.sockets; s += this.threads) sockets.push(s);
      const subscriptions: Array<[number, number]> = [];
      for (let i = 0; i < this.subscribers; i++) {
        const s = i % this.sockets;
        if (s % this.threads === t) subscriptions.push([i, (s - t) / this.threads]);
      }
      const workerData: SubscriberWorkerData = { url, query: ACTIVATED_SUBSCRIPTION, clockOffsetMs, sockets, subscriptions, timeoutMs };
      const worker = new Worker(new URL("./subscriber-worker.js", import.meta.url), { workerData });
      this.workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.on("error", reject);
          worker.on("message", (message: WorkerMessage) => {
            if (message.type === "ready") resolve();
            else if (message.type === "failed") reject(new Error(message.error));
            else this.receive(message);
          });
        }),
      );
    }
    await withTimeout(Promise.all(ready), timeoutMs + 5_000, `${this.threads} load-generator threads did not all subscribe`);
  }

  /** Event-loop utilisation of the busiest load-generator thread (this one included) since `since`. */
  utilisationSince(since: EventLoopUtilization[]): number {
    const now = this.utilisation();
    return Math.max(...now.map((elu, i) => (since[i] ? performance.eventLoopUtilization(elu, since[i]).utilization : 0)));
  }

  /** A mark for utilisationSince: this thread's and every worker's event-loop utilisation so far. */
  utilisation(): EventLoopUtilization[] {
    return [performance.eventLoopUtilization(), ...this.workers.map((worker) => worker.performance.eventLoopUtilization())];
  }

  /** Completes every subscription and closes every socket. */
  async close(timeoutMs = 15_000): Promise<void> {
    const workers = this.workers.splice(0);
    this.closing = workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          worker.on("message", (message: WorkerMessage) => {
            if (message.type === "closed") {
              this.completed += message.completed;
              this.socketsClosed += message.socketsClosed;
              resolve();
            }
          });
          worker.on("exit", () => resolve());
          worker.postMessage({ type: "close" });
        }),
    );
    await withTimeout(Promise.all(this.closing), timeoutMs, "closing the WebSockets").catch(() => {});
    await Promise.allSettled(workers.map((worker) => worker.terminate()));
  }

  private receive(message: WorkerMessage): void {
    if (message.type === "error") {
      this.errors.push(message.text);
    } else if (message.type === "deliveries") {
      const { subscribers, at, libraryIds } = message;
      for (let k = 0; k < subscribers.length; k++) this.onEvent(subscribers[k], libraryIds[k], at[k]);
    }
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `done` every `everyMs` until it is true; throws after timeoutMs. */
export async function waitUntil(done: () => boolean, timeoutMs: number, what: string, everyMs = 5): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(everyMs);
  }
}
