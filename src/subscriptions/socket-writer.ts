/**
 * Writes a WebSocket's outgoing frames in batches: the first frame of a turn corks the TCP
 * socket and the batch is uncorked on the next tick, so the 100 `next` messages one event
 * makes on one socket leave in one writev system call instead of 100 (ws uncorks after
 * every frame on its own). A batch that grows past BATCH_FLUSH_BYTES goes to the kernel at
 * once, so large payloads are not all held in the process until the fan-out ends; it still
 * counts as one batch (one turn's events) until its last frame has left.
 *
 * It also keeps what a client that stopped reading costs within a bound. Frames the kernel
 * has not taken wait in the process (the socket's bufferedAmount); a socket that would
 * hold more than `maxQueuedBytes` is closed with SUBSCRIBER_TOO_SLOW_CLOSE_CODE instead,
 * and the frame is dropped. The client reconnects and resubscribes with `after: <the last
 * eventId it processed>` to get what it missed from the event log. So the gateway holds at
 * most maxQueuedBytes per socket (the kernel's own socket buffers aside), whatever the
 * size of the payloads the client selected.
 *
 * It counts the batches that have not left yet as well: the event stream cuts off a
 * subscriber that falls SUBSCRIBER_BUFFER batches behind.
 */
import type { Duplex } from "node:stream";
import WebSocket from "ws";

/**
 * The close code for a client that fell more than SUBSCRIBER_MAX_QUEUED_BYTES behind: a
 * private code (4000-4999) that graphql-ws clients treat as retryable. 413 as in HTTP's
 * "content too large": too much was waiting for this client.
 */
export const SUBSCRIBER_TOO_SLOW_CLOSE_CODE = 4413;
export const SUBSCRIBER_TOO_SLOW_REASON = "Subscriber too slow: reconnect and resubscribe with after";

/** Past this many bytes corked, a batch is handed to the kernel without waiting for the next tick. */
const BATCH_FLUSH_BYTES = 64 * 1024;

export interface SocketWriterOptions {
  /** Bytes the socket may have queued (not yet taken by the kernel) before it is closed. */
  maxQueuedBytes: number;
  /** Told once when the socket is closed for being too slow. */
  onTooSlow?: (queuedBytes: number) => void;
}

export class SocketWriter {
  private corked = false;
  private batchesInFlight = 0;
  /** Frames handed to ws, and frames ws reported written: a batch has left when its last frame has. */
  private framesSent = 0;
  private framesLeft = 0;
  /** framesSent at the end of each batch still in flight, oldest first. */
  private batchEnds: number[] = [];
  private idle: Array<() => void> = [];
  private closedTooSlow = false;

  constructor(
    private readonly socket: WebSocket,
    /** The TCP socket under `socket` (the upgrade request's socket). */
    private readonly transport: Duplex,
    private readonly options: SocketWriterOptions,
  ) {
    socket.once("close", this.wakeIdle);
  }

  write(frame: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount + Buffer.byteLength(frame) > this.options.maxQueuedBytes) return this.closeTooSlow();
    if (!this.corked) {
      this.corked = true;
      this.batchesInFlight++;
      this.transport.cork();
      process.nextTick(this.endBatch);
    }
    this.framesSent++;
    this.socket.send(frame, this.frameLeft);
    if (this.transport.writableLength > BATCH_FLUSH_BYTES) {
      // To the kernel now, and corked again for the rest of the batch.
      this.transport.uncork();
      this.transport.cork();
    }
  }

  /** Batches written and not yet handed to the kernel. */
  get backlog(): number {
    return this.batchesInFlight;
  }

  /** Bytes written and not yet taken by the kernel. */
  get queuedBytes(): number {
    return this.socket.bufferedAmount;
  }

  /** Half the allowance is used: a replay waits for drained() before it writes more. */
  get full(): boolean {
    return this.socket.bufferedAmount > this.options.maxQueuedBytes / 2;
  }

  /** Resolves when every batch has left (or the socket closed). */
  drained(): Promise<void> {
    if (this.batchesInFlight === 0 || this.socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /**
   * The close frame queues behind what is already there; a client that never reads again
   * is cut by ws's close timeout. Nothing more is written meanwhile (the socket is CLOSING).
   */
  private closeTooSlow(): void {
    if (this.closedTooSlow) return;
    this.closedTooSlow = true;
    const queued = this.socket.bufferedAmount;
    this.socket.close(SUBSCRIBER_TOO_SLOW_CLOSE_CODE, SUBSCRIBER_TOO_SLOW_REASON);
    this.wakeIdle();
    this.options.onTooSlow?.(queued);
  }

  /** The turn is over: what it wrote goes out in one writev. */
  private readonly endBatch = (): void => {
    this.corked = false;
    this.batchEnds.push(this.framesSent);
    this.transport.uncork();
    this.countBatchesLeft();
  };

  /** ws calls it once per frame, in order (also with an error when the socket died). */
  private readonly frameLeft = (): void => {
    this.framesLeft++;
    this.countBatchesLeft();
  };

  private countBatchesLeft(): void {
    while (this.batchEnds.length > 0 && this.batchEnds[0]! <= this.framesLeft) {
      this.batchEnds.shift();
      this.batchesInFlight--;
    }
    if (this.batchesInFlight === 0) this.wakeIdle();
  }

  private readonly wakeIdle = (): void => {
    for (const resolve of this.idle.splice(0)) resolve();
  };
}
