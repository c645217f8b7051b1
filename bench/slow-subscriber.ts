/**
 * `npx tsc -p tsconfig.build.json && node dist/bench/slow-subscriber.js`: what clients that
 * stop reading cost the gateway. The gateway runs as a child process (its RSS is its own)
 * against an in-process emulator. BENCH_SLOW_SOCKETS sockets (default 1) each carry 100
 * subscriptions selecting about 100 KB per event (90 aliased copies of a library with a
 * 1,000-character description), then stop reading (TCP paused); one more socket with the
 * same 100 subscriptions keeps reading. BENCH_EVENTS status changes (default 40) follow.
 *
 * It runs twice: with SUBSCRIBER_MAX_QUEUED_BYTES at BENCH_MAX_QUEUED_BYTES (default: the
 * gateway's default, 16 MiB), and with the cap at its largest allowed value (1 GiB), which
 * behaves as the gateway did before the cap existed. Printed per run: RSS before the
 * subscribers, after they pause, every 10 events; bytes queued in the process for all
 * sockets; sockets closed with 4413; events the reading socket got. The bound to compare
 * with is sockets x cap plus a constant. RSS also holds garbage not yet collected (each
 * event makes 10 MB of frames per socket), so "queued MiB" is the exact figure.
 *
 * Events follow each other with BENCH_EVENT_GAP_MS between them (default 0): a paused
 * client stops answering pings too, and the gateway drops it after two keep-alive periods
 * (about 24 s), so the run must be over well before that. On a busy machine the reading
 * socket (in this process) can fall 16 MiB behind as well and be closed; that is the cap
 * doing its work.
 */
import WebSocket from "ws";
import { DEFAULT_DEV_ACCOUNT, DEFAULT_QPS_LIMITS, startEmulator, type RunningEmulator } from "../src/emulator/index.js";
import { graphql, rssKb, scrapeMetrics, sleep, startGatewayChild, sumSamples, type GatewayChild } from "./lib/gateway-child.js";
import { scratchDatabase } from "./lib/scratch-database.js";

const envInt = (name: string, fallback: number, min = 1) => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  return n;
};

const SLOW_SOCKETS = envInt("BENCH_SLOW_SOCKETS", 1);
const SUBSCRIPTIONS_PER_SOCKET = 100;
const EVENTS = envInt("BENCH_EVENTS", 40);
const CAP = envInt("BENCH_MAX_QUEUED_BYTES", 16 * 1_048_576, 65_536);
/** Between events, so the reading socket (in this process, one thread) has time to read 10 MB. */
const EVENT_GAP_MS = envInt("BENCH_EVENT_GAP_MS", 0, 0);
const UNCAPPED = 1_073_741_824;
const MiB = 1_048_576;

const SUBSCRIPTION = `subscription($filter: LibraryEventFilter) { fingerprintLibraryStatusChanged(filter: $filter) { eventId ${Array.from(
  { length: 90 },
  (_, i) => `l${i}: library { id name description backendLibraryId region rawStatus }`,
).join(" ")} } }`;

interface Subscriber {
  socket: WebSocket;
  events: number;
  closeCode: number | undefined;
}

async function openSubscriber(graphqlUrl: string, libraryId: string): Promise<Subscriber> {
  const socket = new WebSocket(graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws");
  const subscriber: Subscriber = { socket, events: 0, closeCode: undefined };
  socket.once("close", (code) => (subscriber.closeCode = code));
  let acked!: () => void;
  const ack = new Promise<void>((resolve) => (acked = resolve));
  socket.on("message", (data) => {
    const text = String(data);
    if (text.startsWith('{"type":"connection_ack"')) acked();
    else if (text.includes('"type":"next"')) subscriber.events++;
    else if (text.includes('"type":"error"')) throw new Error(`subscription refused: ${text.slice(0, 300)}`);
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
  await ack;
  for (let i = 0; i < SUBSCRIPTIONS_PER_SOCKET; i++) {
    socket.send(JSON.stringify({ id: String(i), type: "subscribe", payload: { query: SUBSCRIPTION, variables: { filter: { ids: [libraryId] } } } }));
  }
  return subscriber;
}

interface Reading {
  at: string;
  rssMiB: number;
  queuedMiB: number;
  closed: number;
}

async function run(emulator: RunningEmulator, cap: number): Promise<{ readings: Reading[]; seconds: number; readerEvents: number; readerClosed: number | undefined }> {
  const database = scratchDatabase("bench_slow_subscriber");
  const gateway: GatewayChild = await startGatewayChild({
    LOG_LEVEL: "warn",
    ALLOW_UNAUTHENTICATED: "true",
    DATABASE_URL: database.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_DEV_ACCOUNT.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_DEV_ACCOUNT.accessKeySecret,
    ICE_ENDPOINT: emulator.endpoint,
    MPS_ENDPOINT: emulator.endpoint,
    BACKEND_PROTOCOL: "http",
    WATCHER_ENABLED: "false",
    RATE_LIMIT_REQUESTS: "0",
    MAX_ALIASES: "100",
    MAX_COST: "1000000",
    MAX_TOKENS: "100000",
    SUBSCRIBER_MAX_QUEUED_BYTES: String(cap),
  });
  const readings: Reading[] = [];
  const sockets: Subscriber[] = [];
  try {
    const read = async (at: string) => {
      await sleep(100); // the fan-out and the writes of the last event finish
      const samples = await scrapeMetrics(gateway.url);
      readings.push({
        at,
        rssMiB: rssKb(gateway.pid) / 1024,
        queuedMiB: sumSamples(samples, "gateway_websocket_queued_bytes") / MiB,
        closed: sumSamples(samples, "gateway_websocket_too_slow_closes_total"),
      });
    };
    const created = await graphql(gateway.graphqlUrl, `mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { library { id backendLibraryId } } }`, {
      input: { name: "slow-subscriber", model: "VIDEO", description: "d".repeat(1000) },
    });
    const library = created.createFingerprintLibrary.library as { id: string; backendLibraryId: string };
    await read("before subscribers");

    for (let s = 0; s < SLOW_SOCKETS + 1; s++) sockets.push(await openSubscriber(gateway.graphqlUrl, library.id));
    await sleep(1_000); // every subscribe registered
    const reader = sockets.at(-1)!;
    for (const slow of sockets.slice(0, -1)) slow.socket.pause();
    await read("subscribed, slow sockets paused");

    const started = Date.now();
    for (let event = 1; event <= EVENTS; event++) {
      emulator.control[event % 2 === 1 ? "activate" : "pause"](library.backendLibraryId);
      await graphql(gateway.graphqlUrl, `mutation($id: ID!) { refreshFingerprintLibrary(id: $id) { status } }`, { id: library.id });
      if (event % 10 === 0 || event === EVENTS) await read(`after ${event} events`);
      else await sleep(EVENT_GAP_MS);
    }
    const seconds = (Date.now() - started) / 1000;
    return { readings, seconds, readerEvents: reader.events, readerClosed: reader.closeCode };
  } finally {
    for (const subscriber of sockets) subscriber.socket.terminate();
    await gateway.stop();
    await database.drop().catch(() => {});
  }
}

function print(title: string, cap: number, result: Awaited<ReturnType<typeof run>>): void {
  console.log(`\n${title}: SUBSCRIBER_MAX_QUEUED_BYTES=${cap} (${(cap / MiB).toFixed(1)} MiB), ${SLOW_SOCKETS} paused socket(s) x ${SUBSCRIPTIONS_PER_SOCKET} subscriptions + 1 reading socket`);
  console.log("  when                              RSS MiB   queued MiB   closed 4413");
  for (const r of result.readings) {
    console.log(`  ${r.at.padEnd(32)} ${r.rssMiB.toFixed(0).padStart(8)} ${r.queuedMiB.toFixed(1).padStart(12)} ${String(r.closed).padStart(13)}`);
  }
  const first = result.readings[1]!.rssMiB;
  const last = result.readings.at(-1)!.rssMiB;
  console.log(`  ${EVENTS} events in ${result.seconds.toFixed(1)} s`);
  console.log(`  RSS growth from pause to end: ${(last - first).toFixed(0)} MiB; bound sockets x cap = ${((SLOW_SOCKETS * cap) / MiB).toFixed(0)} MiB`);
  console.log(`  reading socket: ${result.readerEvents} of ${EVENTS * SUBSCRIPTIONS_PER_SOCKET} messages, ${result.readerClosed === undefined ? "still open" : `closed ${result.readerClosed}`}`);
}

const emulator = await startEmulator({
  activationDelayMs: 86_400_000,
  activationJitterMs: 0,
  qpsLimits: Object.fromEntries(Object.keys(DEFAULT_QPS_LIMITS).map((action) => [action, 100_000])),
});
try {
  console.log(`slow subscribers: ${EVENTS} events of about 100 KB per subscription (node ${process.version})`);
  print("capped", CAP, await run(emulator, CAP));
  print("uncapped (the gateway before the cap)", UNCAPPED, await run(emulator, UNCAPPED));
} finally {
  await emulator.close();
}
