/**
 * One load-generator thread of a SubscriberFleet: its share of the sockets (graphql-ws
 * clients over `ws`) and of the subscriptions. Every `next` is stamped here, the moment it
 * runs, on the main thread's performance.now() scale (both derive from the same monotonic
 * clock), and the stamps go to the main thread in batches, so the main thread's own work
 * never delays a stamp.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface SubscriberWorkerData {
  url: string;
  query: string;
  /** main thread: hrtime in ms minus performance.now(), constant for the process. */
  clockOffsetMs: number;
  /** This thread's sockets (global socket numbers). */
  sockets: number[];
  /** This thread's subscriptions: [subscriber number, index into `sockets`]. */
  subscriptions: Array<[number, number]>;
  timeoutMs: number;
}

export type WorkerMessage =
  | { type: "ready" }
  | { type: "failed"; error: string }
  | { type: "deliveries"; subscribers: Uint32Array; at: Float64Array; libraryIds: string[] }
  | { type: "error"; text: string }
  | { type: "closed"; completed: number; socketsClosed: number };

const data = workerData as SubscriberWorkerData;
const port = parentPort!;
const now = () => Number(process.hrtime.bigint()) / 1e6 - data.clockOffsetMs;

const clients: Client[] = [];
const disposers: Array<() => void> = [];
let completed = 0;
let socketsClosed = 0;

// Deliveries since the last batch; flushed on the next turn so a burst goes in one message.
let batchSubscribers: number[] = [];
let batchAt: number[] = [];
let batchIds: string[] = [];
let flushScheduled = false;
function flush(): void {
  flushScheduled = false;
  if (batchSubscribers.length === 0) return;
  const subscribers = Uint32Array.from(batchSubscribers);
  const at = Float64Array.from(batchAt);
  const message: WorkerMessage = { type: "deliveries", subscribers, at, libraryIds: batchIds };
  batchSubscribers = [];
  batchAt = [];
  batchIds = [];
  port.postMessage(message, [subscribers.buffer as ArrayBuffer, at.buffer as ArrayBuffer]);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => (e as Error)?.message ?? String(e)).join("; ");
  if (error && typeof error === "object" && "code" in error) return `socket closed ${(error as { code: number }).code} ${(error as { reason?: string }).reason ?? ""}`;
  return String(error);
}

async function open(): Promise<void> {
  const connected: Array<Promise<void>> = [];
  for (const s of data.sockets) {
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    connected.push(new Promise<void>((res, rej) => ((resolve = res), (reject = rej))));
    clients.push(
      createClient({
        url: data.url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        keepAlive: 0,
        onNonLazyError: (error) => reject(new Error(`socket ${s} failed: ${describe(error)}`)),
        on: {
          connected: () => resolve(),
          closed: () => {
            socketsClosed += 1;
          },
        },
      }),
    );
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(connected),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${data.timeoutMs} ms: ${data.sockets.length} WebSockets did not all connect`)), data.timeoutMs))),
  ]).finally(() => clearTimeout(timer));

  let sent = 0;
  for (const [subscriber, socket] of data.subscriptions) {
    const dispose = clients[socket].subscribe<any>(
      { query: data.query },
      {
        next: (result) => {
          const at = now();
          if (result.errors?.length) {
            port.postMessage({ type: "error", text: `subscriber ${subscriber}: ${result.errors.map((e) => e.message).join("; ")}` } satisfies WorkerMessage);
            return;
          }
          batchSubscribers.push(subscriber);
          batchAt.push(at);
          batchIds.push(result.data?.fingerprintLibraryActivated?.library?.id);
          if (!flushScheduled) {
            flushScheduled = true;
            setImmediate(flush);
          }
        },
        error: (error) => port.postMessage({ type: "error", text: `subscriber ${subscriber}: ${describe(error)}` } satisfies WorkerMessage),
        complete: () => {
          completed += 1;
        },
      },
    );
    disposers.push(dispose);
    // Yield now and then so the sockets drain while thousands of subscribe messages are queued.
    if (++sent % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

async function close(): Promise<void> {
  for (const dispose of disposers.splice(0)) dispose();
  await Promise.allSettled(clients.splice(0).map((client) => client.dispose()));
  flush();
  port.postMessage({ type: "closed", completed, socketsClosed } satisfies WorkerMessage);
}

port.on("message", (message: { type: "close" }) => {
  if (message.type === "close") void close();
});

open().then(
  () => port.postMessage({ type: "ready" } satisfies WorkerMessage),
  (error: unknown) => port.postMessage({ type: "failed", error: describe(error) } satisfies WorkerMessage),
);
