/**
 * A fixed-size pool of fingerprint worker threads. One request per worker at a time (hashing
 * is CPU-bound; more in flight per thread would only interleave it), a FIFO queue beyond that.
 *
 * Workers start lazily, on the first request that finds every started worker busy, so an
 * emulator that never fingerprints never starts a thread. An idle worker is unref'd: it never
 * keeps the process alive on its own; a busy one is ref'd so a pending request does.
 *
 * A worker that dies (crash, out of memory) fails its one request and is replaced on demand.
 * A worker that dies before it ever said "ready" (a broken build, a loader error) fails every
 * queued request with that error instead of being restarted in a loop.
 */
import { Worker } from "node:worker_threads";
import { MediaDecodeError, type Fingerprint, type MediaKind } from "./contract.js";
import { WORKER_READY, type FingerprintReply, type FingerprintRequest, type WorkerError } from "./worker-protocol.js";
import { workerScript } from "./worker-script.js";

interface Task {
  request: FingerprintRequest;
  resolve(fingerprint: Fingerprint): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task?: Task;
}

export interface WorkerPoolOptions {
  size: number;
  /** Awaited once, before the first worker starts (see EngineKind.preloadInMainThread). */
  beforeFirstWorker?: () => Promise<unknown>;
}

export class PoolClosedError extends Error {
  override name = "PoolClosedError";
}

function fromWorkerError(error: WorkerError): Error {
  if (error.name === "MediaDecodeError" && error.kind) return new MediaDecodeError(error.message, error.kind);
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

export class WorkerPool {
  readonly size: number;
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private prepared?: Promise<unknown>;
  private readonly beforeFirstWorker?: () => Promise<unknown>;

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`workers must be a whole number >= 1, got ${options.size}`);
    this.size = options.size;
    this.beforeFirstWorker = options.beforeFirstWorker;
  }

  /** Started worker threads (for tests and metrics). */
  get threads(): number {
    return this.slots.size;
  }

  async run(kind: MediaKind, bytes: Uint8Array): Promise<Fingerprint> {
    if (this.closed) throw new PoolClosedError("The fingerprint engine is closed.");
    this.prepared ??= this.beforeFirstWorker ? this.beforeFirstWorker() : Promise.resolve();
    await this.prepared;
    return new Promise<Fingerprint>((resolve, reject) => {
      if (this.closed) return reject(new PoolClosedError("The fingerprint engine is closed."));
      this.queue.push({ request: { id: this.nextId++, kind, bytes }, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new PoolClosedError("The fingerprint engine closed before this request ran."));
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) slot.task?.reject(new PoolClosedError("The fingerprint engine closed while this request ran."));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let idle = [...this.slots].find((slot) => !slot.task);
      if (!idle && this.slots.size < this.size) idle = this.start();
      if (!idle) return;
      const task = this.queue.shift()!;
      idle.task = task;
      idle.worker.ref();
      idle.worker.postMessage(task.request);
    }
  }

  private start(): Slot {
    const script = workerScript();
    const worker = new Worker(script.filename, script.options);
    const slot: Slot = { worker, ready: false };
    this.slots.add(slot);
    worker.on("message", (message: FingerprintReply | typeof WORKER_READY) => {
      if (message === WORKER_READY) {
        slot.ready = true;
        return;
      }
      const task = slot.task;
      slot.task = undefined;
      worker.unref();
      if (task && task.request.id === message.id) {
        if (message.ok) task.resolve(message.fingerprint);
        else task.reject(fromWorkerError(message.error));
      }
      this.dispatch();
    });
    worker.on("error", (error) => this.lost(slot, error));
    worker.on("exit", (code) => this.lost(slot, new Error(`The fingerprint worker exited with code ${code}.`)));
    return slot;
  }

  private lost(slot: Slot, cause: Error): void {
    if (!this.slots.delete(slot)) return;
    const error = new Error(`A fingerprint worker thread failed: ${cause.message}`, { cause });
    slot.task?.reject(error);
    slot.task = undefined;
    if (!slot.ready) {
      for (const task of this.queue.splice(0)) task.reject(error);
      return;
    }
    this.dispatch();
  }
}
