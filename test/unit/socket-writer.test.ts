/**
 * SocketWriter over a real ws server and client on loopback: the frames of one socket leave
 * in the order written, one TCP write per event-loop turn; a socket whose client stopped
 * reading keeps its order and does not hold up another socket; past its byte allowance it
 * is closed with 4413 and later frames are dropped, never sent out of order.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { SocketWriter, SUBSCRIBER_TOO_SLOW_CLOSE_CODE, SUBSCRIBER_TOO_SLOW_REASON } from "../../src/subscriptions/socket-writer.js";
import { eventually } from "../support/gateway-harness.js";

interface Peer {
  writer: SocketWriter;
  /** TCP writes the server made on this socket since the writer was made (one per _write or _writev call). */
  tcpWrites: () => number;
  client: WebSocket;
  /** Frame numbers the client received, in order of arrival. */
  received: number[];
  closed: Promise<{ code: number; reason: string }>;
  tooSlow: number[];
}

let server: Server | undefined;
let wss: WebSocketServer | undefined;
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  wss?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = wss = undefined;
});

async function listen(): Promise<string> {
  server = createServer();
  wss = new WebSocketServer({ server });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function connect(url: string, maxQueuedBytes: number): Promise<Peer> {
  const accepted = new Promise<[WebSocket, Socket]>((resolve) => wss!.once("connection", (socket, request) => resolve([socket, request.socket as Socket])));
  const client = new WebSocket(url);
  clients.push(client);
  const received: number[] = [];
  client.on("message", (data) => received.push((JSON.parse(String(data)) as { n: number }).n));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => client.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => client.once("open", resolve).once("error", reject));
  const [socket, tcp] = await accepted;
  let writes = 0;
  // Count what reaches the TCP socket's own write methods: corked frames arrive as one _writev.
  const internals = tcp as unknown as { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
  const write = internals._write.bind(tcp);
  const writev = internals._writev.bind(tcp);
  internals._write = (...args) => (writes++, write(...args));
  internals._writev = (...args) => (writes++, writev(...args));
  const tooSlow: number[] = [];
  const writer = new SocketWriter(socket, tcp, { maxQueuedBytes, onTooSlow: (queued) => tooSlow.push(queued) });
  return { writer, tcpWrites: () => writes, client, received, closed, tooSlow };
}

const frame = (n: number, padding = 0) => JSON.stringify({ n, pad: "x".repeat(padding) });
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const upTo = (count: number) => Array.from({ length: count }, (_, i) => i);

describe("SocketWriter", () => {
  it("sends one turn's frames in order in one TCP write, and each further turn in one more", async () => {
    const peer = await connect(await listen(), 1 << 20);
    for (const n of upTo(100)) peer.writer.write(frame(n));
    expect(peer.writer.backlog).toBe(1);
    await turn();
    expect(peer.tcpWrites()).toBe(1);
    for (const n of upTo(50)) peer.writer.write(frame(100 + n));
    await turn();
    expect(peer.tcpWrites()).toBe(2);
    await eventually(async () => peer.received.length === 150);
    expect(peer.received).toEqual(upTo(150));
    await peer.writer.drained();
    expect(peer.writer.backlog).toBe(0);
  });

  it("keeps a slow socket's frames in order, and a slow socket does not hold up another", async () => {
    const url = await listen();
    const slow = await connect(url, 64 << 20);
    const fast = await connect(url, 64 << 20);
    slow.client.pause(); // the client stops reading: the kernel's buffers fill, then the process's
    let written = 0;
    let turns = 0;
    // Turn after turn (up to 64 MB), until frames wait in the process: the socket is slow.
    while (slow.writer.queuedBytes === 0 && turns < 4_000) {
      for (let i = 0; i < 4; i++) slow.writer.write(frame(written++, 4_000));
      fast.writer.write(frame(turns++));
      await turn();
    }
    expect(slow.writer.queuedBytes).toBeGreaterThan(0);
    expect(slow.writer.backlog).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) slow.writer.write(frame(written++, 4_000));
    await eventually(async () => fast.received.length === turns);
    expect(fast.received).toEqual(upTo(turns));
    expect(slow.received.length).toBeLessThan(written);
    const drained = slow.writer.drained();
    slow.client.resume();
    await drained;
    expect(slow.writer.backlog).toBe(0);
    await eventually(async () => slow.received.length === written, 20_000);
    expect(slow.received).toEqual(upTo(written));
    expect(slow.tooSlow).toEqual([]);
  });

  it("closes a socket that would queue more than maxQueuedBytes with 4413, and drops what follows", async () => {
    const maxQueuedBytes = 64 * 1024;
    const peer = await connect(await listen(), maxQueuedBytes);
    peer.client.pause();
    let written = 0;
    while (peer.client.readyState === WebSocket.OPEN && peer.tooSlow.length === 0 && written < 20_000) {
      for (let i = 0; i < 4; i++) peer.writer.write(frame(written++, 4_000));
      await turn();
    }
    expect(peer.tooSlow).toHaveLength(1);
    expect(peer.tooSlow[0]).toBeLessThanOrEqual(maxQueuedBytes);
    expect(peer.writer.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes + 128); // and the close frame
    // Nothing more leaves: a frame after the close would arrive out of turn.
    for (let i = 0; i < 4; i++) peer.writer.write(frame(written++, 4_000));
    await peer.writer.drained(); // resolves at once: the socket is closing
    peer.client.resume();
    expect(await peer.closed).toEqual({ code: SUBSCRIBER_TOO_SLOW_CLOSE_CODE, reason: SUBSCRIBER_TOO_SLOW_REASON });
    expect(peer.received.length).toBeGreaterThan(0);
    expect(peer.received.length).toBeLessThan(written);
    // What arrived is a gap-free prefix of what was written: the client resumes from the last one.
    expect(peer.received).toEqual(upTo(peer.received.length));
    expect(peer.tooSlow).toHaveLength(1);
  });
});
