/**
 * Writes a WebSocket's outgoing frames in batches: the first frame of a turn corks the TCP
 * socket and the batch is uncorked on the next tick, so the 100 `next` messages one event
 * makes on one socket leave in one writev system call instead of 100 (ws uncorks after
 * every frame on its own).
 *
 * It also counts the batches that have not left yet, which is how far behind a client that
 * stopped reading has fallen: the event stream cuts such a subscriber off past its limit.
 */
import type { Duplex } from "node:stream";
import WebSocket from "ws";

export class SocketWriter {
  private corked = false;
  private batchesInFlight = 0;
  private idle: Array<() => void> = [];

  constructor(
    private readonly socket: WebSocket,
    /** The TCP socket under `socket` (the upgrade request's socket). */
    private readonly transport: Duplex,
  ) {
    socket.once("close", this.wakeIdle);
  }

  write(frame: string): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (this.corked) {
      this.socket.send(frame);
      return;
    }
    this.corked = true;
    this.batchesInFlight++;
    this.transport.cork();
    process.nextTick(this.uncork);
    // Callbacks of one writev run together: the first frame's tells that the batch left.
    this.socket.send(frame, this.batchLeft);
  }

  /** Batches written and not yet handed to the kernel. */
  get backlog(): number {
    return this.batchesInFlight;
  }

  /** Resolves when every batch has left (or the socket closed). */
  drained(): Promise<void> {
    if (this.batchesInFlight === 0 || this.socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.transport.uncork();
  };

  private readonly batchLeft = (): void => {
    this.batchesInFlight--;
    if (this.batchesInFlight === 0) this.wakeIdle();
  };

  private readonly wakeIdle = (): void => {
    for (const resolve of this.idle.splice(0)) resolve();
  };
}
