/**
 * N graphql-ws subscriptions multiplexed over S WebSockets (subscription i rides socket
 * i mod S). The next() callback stamps performance.now() first and does as little as it
 * can, so the load generator's own cost stays out of the measured latency where possible.
 */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { sleep } from "./gateway-child.js";

export const ACTIVATED_SUBSCRIPTION = `subscription BenchActivated { fingerprintLibraryActivated { eventId occurredAt library { id } } }`;

export type OnEvent = (subscriber: number, libraryId: string, receivedAt: number) => void;

export class SubscriberFleet {
  private readonly clients: Client[] = [];
  private readonly disposers: Array<() => void> = [];
  readonly errors: string[] = [];
  completed = 0;
  socketsClosed = 0;

  constructor(
    private readonly graphqlUrl: string,
    readonly subscribers: number,
    readonly sockets: number,
    private readonly onEvent: OnEvent,
  ) {}

  /** Connects every socket (connection_ack received), then sends every subscribe message. */
  async open(timeoutMs: number): Promise<void> {
    const url = this.graphqlUrl.replace(/^http/, "ws");
    const connected: Array<Promise<void>> = [];
    for (let s = 0; s < this.sockets; s++) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      connected.push(new Promise<void>((res, rej) => ((resolve = res), (reject = rej))));
      const client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        keepAlive: 0,
        onNonLazyError: (error) => reject(new Error(`socket ${s} failed: ${describe(error)}`)),
        on: {
          connected: () => resolve(),
          closed: () => {
            this.socketsClosed += 1;
          },
        },
      });
      this.clients.push(client);
    }
    await withTimeout(Promise.all(connected), timeoutMs, `${this.sockets} WebSockets did not all connect`);

    for (let i = 0; i < this.subscribers; i++) {
      const client = this.clients[i % this.sockets];
      const dispose = client.subscribe<any>(
        { query: ACTIVATED_SUBSCRIPTION },
        {
          next: (result) => {
            const at = performance.now();
            if (result.errors?.length) {
              this.errors.push(`subscriber ${i}: ${result.errors.map((e) => e.message).join("; ")}`);
              return;
            }
            this.onEvent(i, result.data?.fingerprintLibraryActivated?.library?.id, at);
          },
          error: (error) => {
            this.errors.push(`subscriber ${i}: ${describe(error)}`);
          },
          complete: () => {
            this.completed += 1;
          },
        },
      );
      this.disposers.push(dispose);
      // Yield now and then so the sockets drain while 10,000 subscribe messages are queued.
      if (i % 1_000 === 999) await sleep(0);
    }
  }

  /** Completes every subscription and closes every socket. */
  async close(timeoutMs = 15_000): Promise<void> {
    for (const dispose of this.disposers.splice(0)) dispose();
    await withTimeout(
      Promise.allSettled(this.clients.splice(0).map((client) => client.dispose())),
      timeoutMs,
      "closing the WebSockets",
    ).catch(() => {});
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (Array.isArray(error)) return error.map((e) => (e as Error)?.message ?? String(e)).join("; ");
  if (error && typeof error === "object" && "code" in error) return `socket closed ${(error as { code: number }).code} ${(error as { reason?: string }).reason ?? ""}`;
  return String(error);
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
