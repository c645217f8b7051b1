/**
 * Fuzzing the public surface of one in-process gateway (NODE_ENV=production) with random
 * and mutated input: GraphQL documents (the shipped operations with tokens dropped,
 * duplicated, shuffled, random characters inserted), hostile variables, huge and deeply
 * nested documents, bodies that are not JSON, wrong content types, odd methods and query
 * strings, and malformed graphql-ws traffic on a raw socket.
 *
 * Every answer must be < 500, carry only the contract's error codes with a message, and
 * show no stack frame, source path or "prisma"; the gateway must answer /healthz after
 * every batch; a WebSocket protocol violation must close the socket with a 44xx code (1009
 * for a message over the size limit, which the ws library enforces before graphql-ws sees it).
 *
 * Runs are seeded: the seed is in each test's name, FUZZ_SEED=<n> replays a run exactly,
 * FUZZ_CASES=<n> changes its size. A failure lists the case number and the request.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { type RawData } from "ws";
import { startHarness, type Harness } from "../support/gateway-harness.js";
import { errorProblems, httpProblems, leakProblems } from "./checks.js";
import {
  CONTENT_TYPES,
  HUGE,
  Random,
  SHIPPED,
  deepObject,
  deepSelection,
  mutateDocument,
  randomIdentifier,
  randomText,
  variablesFor,
  weirdValue,
} from "./generators.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
// `npm test` runs a smaller sample on every run; `npm run test:fuzz` (FUZZ=1) the full one.
const CASES = Number(process.env.FUZZ_CASES ?? (process.env.FUZZ ? 300 : 100));
const BATCH = 25;
const CASE_TIMEOUT_MS = 15_000;
/** Production refuses to run open: one API key; most cases send it, some send other credentials or none. */
const API_KEY = "fuzz-key-0123456789abcdef";
const AUTH = { authorization: `Bearer ${API_KEY}` };

let h: Harness;
let base: string;
let wsUrl: string;
const savedNodeEnv = process.env.NODE_ENV;

beforeAll(async () => {
  logsSeen = 0;
  // Express and Apollo read NODE_ENV from the process; the gateway's config from its env.
  process.env.NODE_ENV = "production";
  h = await startHarness({
    env: {
      NODE_ENV: "production",
      API_KEYS: `default:${API_KEY}`,
      LOG_LEVEL: "warn",
      RATE_LIMIT_REQUESTS: "0",
      MAX_SUBSCRIPTIONS_PER_TENANT: "100000",
      BACKEND_RETRIES: "1",
    },
    emulator: { libraryQuota: 100_000, activationDelayMs: 50 },
  });
  base = h.gateway.url;
  wsUrl = h.gateway.graphqlUrl.replace(/^http/, "ws");
});
afterAll(async () => {
  await h?.close();
  process.env.NODE_ENV = savedNodeEnv;
});

interface HttpCase {
  label: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function send(c: HttpCase): Promise<{ status: number; body: string; contentType: string | null }> {
  const response = await fetch(base + (c.path ?? "/graphql"), {
    method: c.method ?? "POST",
    // Authenticated unless the case sets its own authorization (or asks for none with an empty one).
    headers: Object.fromEntries(Object.entries({ ...AUTH, ...(c.headers ?? { "content-type": "application/json" }) }).filter(([, v]) => v !== "")),
    body: c.body,
    redirect: "manual",
    signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text(), contentType: response.headers.get("content-type") };
}

/** Runs the cases in order, checking each answer and /healthz after every batch; returns the problems. */
async function runHttp(cases: Iterable<HttpCase>, seedLabel: string): Promise<{ problems: string[]; statuses: Map<number, number> }> {
  const problems: string[] = [];
  const statuses = new Map<number, number>();
  let n = 0;
  for (const c of cases) {
    n += 1;
    const request = `${c.method ?? "POST"} ${c.path ?? "/graphql"} ${JSON.stringify(c.headers ?? {})} ${c.body ?? ""}`;
    try {
      const answer = await send(c);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      for (const problem of httpProblems(answer.status, answer.body, answer.contentType, request)) {
        problems.push(`[${seedLabel} case ${n}: ${c.label}] ${problem}\n    request: ${request.slice(0, 300)}`);
      }
    } catch (error) {
      problems.push(`[${seedLabel} case ${n}: ${c.label}] no answer: ${(error as Error).message}\n    request: ${request.slice(0, 300)}`);
    }
    if (n % BATCH === 0) problems.push(...(await healthProblems(`${seedLabel} after case ${n}`)));
  }
  problems.push(...(await healthProblems(`${seedLabel} at the end`)));
  return { problems, statuses };
}

/** The distinct unexpected failures the gateway logged since the last call (to say where a reason INTERNAL came from). */
let logsSeen = 0;
function loggedFailures(): string[] {
  const lines = h.logs.slice(logsSeen);
  logsSeen = h.logs.length;
  const found = new Set<string>();
  for (const line of lines) {
    if (!/unexpected error|Internal error/i.test(line)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string; stack?: string } };
      const frame = entry.err?.stack?.split("\n").find((l) => /\/src\//.test(l))?.trim() ?? "";
      found.add(`gateway log: ${entry.msg}: ${entry.err?.message} ${frame}`);
    } catch {
      found.add(`gateway log: ${line.slice(0, 300)}`);
    }
  }
  return [...found];
}

async function healthProblems(when: string): Promise<string[]> {
  try {
    const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
    return response.status === 200 ? [] : [`/healthz answered ${response.status} ${when}`];
  } catch (error) {
    return [`/healthz did not answer ${when}: ${(error as Error).message}`];
  }
}

const json = (value: unknown) => ({ "content-type": "application/json", body: JSON.stringify(value) });

function* documentCases(rng: Random): Generator<HttpCase> {
  for (let i = 0; i < CASES; i++) {
    const operation = rng.pick(SHIPPED);
    const roll = rng.next();
    let query = operation.query;
    let how = "as shipped";
    if (roll < 0.7) ({ query, how } = mutateDocument(rng, operation.query));
    const variables = roll > 0.85 ? weirdValue(rng) : variablesFor(rng, operation.name);
    const payload: Record<string, unknown> = { query, variables };
    if (rng.chance(0.1)) payload.operationName = rng.pick([operation.name, randomIdentifier(rng), 42, null, ["x"]]);
    if (rng.chance(0.05)) payload.extensions = weirdValue(rng);
    const { "content-type": contentType, body } = json(payload);
    yield { label: `${operation.name} ${how}`, headers: { "content-type": contentType }, body };
  }
}

function* envelopeCases(rng: Random): Generator<HttpCase> {
  const valid = JSON.stringify({ query: "{ fingerprintLibraries(first: 1) { totalCount } }" });
  const bodies = [
    "",
    "{",
    "{ this is not json",
    "null",
    "[]",
    "[1,2,3]",
    '"a string"',
    "123",
    "true",
    '{"query": 5}',
    '{"query": null}',
    '{"query": ["{ __typename }"]}',
    '{"query": {"kind": "Document"}}',
    '{"query": "{ __typename }", "variables": "not an object"}',
    '{"query": "{ __typename }", "variables": [1]}',
    '{"query": "{ __typename }", "variables": 7}',
    '{"query": "{ __typename }", "operationName": {}}',
    '{"query": "{ __typename }", "extensions": "x"}',
    '{"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}',
    '{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0000000000000000000000000000000000000000000000000000000000000000"}}}',
    '[{"query": "{ __typename }"}, {"query": "{ __typename }"}]',
    '{"query": "{ __typename }", "query": "{ __typename }"}',
    '{"__proto__": {"query": "{ __typename }"}}',
    '{"query": "{ __typename }"}garbage',
    "\ufeff" + valid,
    valid.slice(0, 20),
    '{"query": "\\ud800"}',
    '{"query": "{ fingerprintLibraries(first: 1) { totalCount } }", "variables": {"first": 1e999}}',
    "[".repeat(50_000),
    '{"a":'.repeat(20_000),
  ];
  for (const body of bodies) yield { label: `body ${JSON.stringify(body.slice(0, 40))}`, body };
  for (const contentType of CONTENT_TYPES) {
    yield { label: `content-type ${JSON.stringify(contentType)}`, headers: contentType ? { "content-type": contentType } : {}, body: valid };
    yield { label: `content-type ${JSON.stringify(contentType)} + form body`, headers: contentType ? { "content-type": contentType } : {}, body: "query=%7B__typename%7D" };
  }
  const queryStrings = [
    "",
    "?",
    "?query=",
    "?query={__typename}",
    "?query=%7B__typename%7D",
    "?query=%ZZ",
    "?query=%",
    "?query=%E0%A4%A",
    "?query=%7B__typename%7D&query=%7B__typename%7D",
    "?query[]=a&query[]=b",
    "?query[a]=b",
    "?variables=notjson&query=%7B__typename%7D",
    "?variables=%5B1%5D&query=%7B__typename%7D",
    "?extensions=%7Bx&query=%7B__typename%7D",
    "?operationName=&query=%7B__typename%7D",
    "?query=mutation%20%7B%20deleteFingerprintLibrary(id%3A%22x%22)%20%7B%20library%20%7B%20id%20%7D%20%7D%20%7D",
    "?query=subscription%20%7B%20fingerprintLibraryActivated%20%7B%20eventId%20%7D%20%7D",
    `?query=${encodeURIComponent(deepSelection(200))}`,
    `?query=${"a".repeat(8_000)}`,
    `?${"x=1&".repeat(2_000)}`,
    "?__proto__[query]=x",
    "?query=%00",
  ];
  for (const qs of queryStrings) {
    const variants: Array<Record<string, string>> = [{}, { "apollo-require-preflight": "1" }, { "content-type": "application/json" }, { accept: "text/html" }];
    for (const headers of variants) {
      yield { label: `GET ${qs.slice(0, 40)} ${JSON.stringify(headers)}`, method: "GET", path: `/graphql${qs}`, headers };
    }
  }
  for (const method of ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]) {
    yield { label: `${method} /graphql`, method, headers: { "content-type": "application/json" }, body: method === "HEAD" ? undefined : valid };
  }
  for (const path of ["/graphql/", "/graphql//x", "/GRAPHQL", "/graphql%00", "/graphql?query", "/%2e%2e/graphql", "/graphiql/../graphql", "/healthz?x=%ZZ", "/metrics?x", "/readyz", "/nope", "/graphiql/%ZZ", "/graphiql/../../etc/passwd"]) {
    yield { label: `GET ${path}`, method: "GET", path, headers: {} };
    yield { label: `POST ${path}`, method: "POST", path, headers: { "content-type": "application/json" }, body: valid };
  }
  for (let i = 0; i < 40; i++) {
    const bytes = Buffer.from(Array.from({ length: rng.int(1, 300) }, () => rng.int(0, 255)));
    yield { label: `random bytes #${i}`, headers: { "content-type": rng.pick(CONTENT_TYPES) || "application/json" }, body: bytes.toString("latin1") };
  }
  const odd: Array<Record<string, string>> = [
    { authorization: "" },
    { authorization: "Bearer wrong-key-0123456789abcdef" },
    { authorization: API_KEY },
    { authorization: "Bearer" },
    { authorization: "Bearer " + "x".repeat(8_000) },
    { authorization: "Basic Zm9vOmJhcg==" },
    { authorization: "Bearer a.b.c" },
    { accept: "application/graphql-response+json" },
    { accept: "application/xml" },
    { "x-forwarded-for": "not an ip" },
  ];
  for (const header of odd) {
    yield { label: `header ${JSON.stringify(header).slice(0, 60)}`, headers: { "content-type": "application/json", ...header }, body: valid };
  }
}

function* bigCases(): Generator<HttpCase> {
  const pad = (n: number) => "x".repeat(n);
  yield { label: "200 levels of { a, closed", ...json({ query: deepSelection(200) }) };
  yield { label: "200 levels of { a, never closed", ...json({ query: deepSelection(200, false) }) };
  yield { label: "5,000 levels of { a", ...json({ query: deepSelection(5_000) }) };
  yield { label: "100,000 levels of { a (near 1 MB)", ...json({ query: deepSelection(100_000, false) }) };
  yield { label: "200 nested list values", ...json({ query: `{ fingerprintLibraries(first: ${"[".repeat(200)}1${"]".repeat(200)}) { totalCount } }` }) };
  yield { label: "50,000 nested object values", ...json({ query: `{ fingerprintLibraries(filter: ${"{a:".repeat(50_000)}1${"}".repeat(50_000)}) { totalCount } }` }) };
  yield { label: "a 1 MB string literal in the document", ...json({ query: `{ fingerprintLibrary(id: "${pad(HUGE)}") { id } }` }) };
  yield { label: "a 1 MB block string", ...json({ query: `{ fingerprintLibrary(id: """${pad(HUGE)}""") { id } }` }) };
  yield { label: "a 1 MB comment", ...json({ query: `#${pad(HUGE)}\n{ __typename }` }) };
  yield { label: "1 MB of whitespace", ...json({ query: `${" ".repeat(HUGE)}{ __typename }` }) };
  yield { label: "1 MB of tokens", ...json({ query: `{ ${"a ".repeat(HUGE / 2)}}` }) };
  yield { label: "1 MB of aliases", ...json({ query: `{ ${Array.from({ length: 60_000 }, (_, i) => `a${i}:__typename`).join(" ")} }` }) };
  yield { label: "a 1 MB name variable", ...json({ query: "mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { replayed } }", variables: { input: { name: pad(HUGE), model: "VIDEO" } } }) };
  yield { label: "a 1 MB config variable", ...json({ query: "mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { replayed } }", variables: { input: { name: "big-config", model: "IMAGE", config: { a: pad(HUGE) } } } }) };
  yield { label: "a 1 MB idempotency key", ...json({ query: "mutation($input: CreateFingerprintLibraryInput!) { createFingerprintLibrary(input: $input) { replayed } }", variables: { input: { name: "k", model: "VIDEO", idempotencyKey: pad(HUGE) } } }) };
  yield { label: "a 1 MB id", ...json({ query: "query($id: ID!) { fingerprintLibrary(id: $id) { id } }", variables: { id: pad(HUGE) } }) };
  yield { label: "a 1 MB cursor", ...json({ query: "query($after: String) { fingerprintLibraries(after: $after) { totalCount } }", variables: { after: pad(HUGE) } }) };
  yield { label: "a 1 MB nameContains", ...json({ query: "query($f: FingerprintLibraryFilter) { fingerprintLibraries(filter: $f) { totalCount } }", variables: { f: { nameContains: pad(HUGE) } } }) };
  yield { label: "400 levels of nested variables", ...json({ query: "query($f: FingerprintLibraryFilter) { fingerprintLibraries(filter: $f) { totalCount } }", variables: { f: deepObject(400) } }) };
  yield { label: "10,000 unused variables", ...json({ query: "{ __typename }", variables: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`v${i}`, i])) }) };
  yield { label: "10,000 variable definitions", ...json({ query: `query(${Array.from({ length: 10_000 }, (_, i) => `$v${i}: Int`).join(" ")}) { __typename }` }) };
  yield { label: "10,000 fragments", ...json({ query: `{ ...f0 } ${Array.from({ length: 10_000 }, (_, i) => `fragment f${i} on Query { ...f${i + 1} }`).join(" ")} fragment f10000 on Query { __typename }` }) };
  yield { label: "a fragment cycle", ...json({ query: "{ ...a } fragment a on Query { ...b } fragment b on Query { ...a }" }) };
  yield { label: "10,000 directives", ...json({ query: `{ __typename ${"@skip(if: false) ".repeat(10_000)}}` }) };
  yield { label: "10,000 operations", ...json({ query: Array.from({ length: 10_000 }, (_, i) => `query q${i} { __typename }`).join(" "), operationName: "q9999" }) };
  yield { label: "just over the body limit", ...json({ query: "{ __typename }", variables: { pad: pad(1_048_576) } }) };
  yield { label: "3 MB", ...json({ query: "{ __typename }", variables: { pad: pad(3 * 1_048_576) } }) };
}

describe("fuzzing the HTTP surface", () => {
  it(`mutated shipped operations and hostile variables: ${CASES} cases, seed ${SEED}`, async () => {
    const { problems, statuses } = await runHttp(documentCases(new Random(SEED)), `seed ${SEED}`);
    console.log(`fuzz documents (seed ${SEED}): ${CASES} cases, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    const logged = loggedFailures();
    if (problems.length > 0) problems.push(...logged);
    expect(problems).toEqual([]);
  }, 300_000);

  it(`bodies, content types, methods, paths, headers and query strings, seed ${SEED + 1}`, async () => {
    const { problems, statuses } = await runHttp(envelopeCases(new Random(SEED + 1)), `seed ${SEED + 1}`);
    console.log(`fuzz envelopes (seed ${SEED + 1}): statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    const logged = loggedFailures();
    if (problems.length > 0) problems.push(...logged);
    expect(problems).toEqual([]);
  }, 300_000);

  it("huge (1 MB) and deeply nested documents and variables", async () => {
    const { problems, statuses } = await runHttp(bigCases(), "big");
    console.log(`fuzz big documents: statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    const logged = loggedFailures();
    if (problems.length > 0) problems.push(...logged);
    expect(problems).toEqual([]);
  }, 300_000);
});

// ---------------------------------------------------------------------------- WebSocket

interface WsOutcome {
  /** Close code, or null if the socket was still open when the case ended (we then close it 1000). */
  closedBy: number | null;
  reason: string;
  messages: Array<Record<string, unknown>>;
  unparsable: string[];
  openError?: string;
}

type WsStep = string | Buffer | { wait: number } | { terminate: true };

/** Opens a raw socket, sends the steps, collects what comes back until it closes or goes quiet. */
function wsCase(steps: WsStep[], protocol: string | string[] | undefined = "graphql-transport-ws", quietMs = 300): Promise<WsOutcome> {
  return new Promise((resolve) => {
    const outcome: WsOutcome = { closedBy: null, reason: "", messages: [], unparsable: [] };
    const socket = new WebSocket(wsUrl, protocol, { maxPayload: 16 * 1_048_576 });
    let finished = false;
    let terminated = false;
    let quiet: NodeJS.Timeout | undefined;
    const hardStop = setTimeout(() => finish(), CASE_TIMEOUT_MS);
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(quiet);
      clearTimeout(hardStop);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
        socket.once("close", () => resolve(outcome));
        socket.close(1000);
        setTimeout(() => {
          socket.terminate();
          resolve(outcome);
        }, 2_000).unref();
      } else resolve(outcome);
    };
    const armQuiet = () => {
      clearTimeout(quiet);
      quiet = setTimeout(finish, quietMs);
    };
    socket.on("message", (data: RawData) => {
      const text = String(data);
      try {
        outcome.messages.push(JSON.parse(text));
      } catch {
        outcome.unparsable.push(text.slice(0, 200));
      }
      armQuiet();
    });
    socket.on("close", (code, reason) => {
      if (!finished && !terminated) {
        outcome.closedBy = code;
        outcome.reason = String(reason);
      }
      finish();
    });
    socket.on("error", (error) => {
      if (!finished) outcome.openError = error.message;
    });
    socket.on("unexpected-response", (_req, res) => {
      outcome.openError = `HTTP ${res.statusCode}`;
      if ((res.statusCode ?? 0) >= 500) outcome.closedBy = -res.statusCode!;
      finish();
    });
    socket.on("open", async () => {
      for (const step of steps) {
        if (finished || socket.readyState !== WebSocket.OPEN) break;
        if (typeof step === "object" && "wait" in step) await new Promise((r) => setTimeout(r, step.wait));
        else if (typeof step === "object" && "terminate" in step) {
          terminated = true;
          socket.terminate();
          finish();
          return;
        } else await new Promise<void>((r) => socket.send(step, () => r()));
      }
      armQuiet();
    });
  });
}

/** What a case's outcome may be, and the problems if it is not. */
function wsProblems(label: string, outcome: WsOutcome, expectClose: "44xx" | "44xx-or-1009" | "open-or-44xx", request: string): string[] {
  const problems: string[] = [];
  const code = outcome.closedBy;
  // The ws client itself gives up on a handshake without the subprotocol it asked for (1006, "Server sent no subprotocol"):
  // the server refused the protocol, which is the right answer.
  if (code === 1006 && /subprotocol/i.test(outcome.openError ?? "")) return problems;
  if (code !== null) {
    const allowed = (code >= 4400 && code <= 4499) || (expectClose === "44xx-or-1009" && code === 1009);
    if (!allowed) problems.push(`${label}: the server closed the socket with ${code} ${JSON.stringify(outcome.reason)}`);
  } else if (expectClose !== "open-or-44xx") {
    problems.push(`${label}: the socket stayed open after a protocol violation`);
  }
  for (const message of outcome.messages) {
    const payload = message.payload as unknown;
    if (message.type === "error") problems.push(...errorProblems(payload).map((p) => `${label}: ${p}`));
    if (message.type === "next" && payload && typeof payload === "object") problems.push(...errorProblems((payload as { errors?: unknown }).errors).map((p) => `${label}: ${p}`));
  }
  const everything = JSON.stringify(outcome.messages) + outcome.unparsable.join("") + outcome.reason;
  problems.push(...leakProblems(everything, request).map((p) => `${label}: ${p}`));
  if (outcome.unparsable.length > 0) problems.push(`${label}: the server sent text that is not JSON: ${outcome.unparsable[0]}`);
  return problems;
}

const INIT = JSON.stringify({ type: "connection_init", payload: { Authorization: API_KEY } });
const subscribeMessage = (id: string, query: string, variables?: unknown) => JSON.stringify({ id, type: "subscribe", payload: { query, variables } });
const ACTIVATION = SHIPPED.find((op) => op.name === "LibraryActivated")!.query;

describe("fuzzing the graphql-ws endpoint", () => {
  it("closes with the protocol's 44xx codes on each kind of violation", async () => {
    const cases: Array<{ label: string; steps: WsStep[]; expect: "44xx" | "44xx-or-1009" | "open-or-44xx"; code?: number; protocol?: string | string[] }> = [
      { label: "garbage text before init", steps: ["hello, server"], expect: "44xx", code: 4400 },
      { label: "garbage text after init", steps: [INIT, { wait: 50 }, "}{"], expect: "44xx", code: 4400 },
      { label: "a JSON array", steps: ["[]"], expect: "44xx", code: 4400 },
      { label: "a JSON number", steps: ["42"], expect: "44xx", code: 4400 },
      { label: "null", steps: ["null"], expect: "44xx", code: 4400 },
      { label: "an unknown type", steps: [JSON.stringify({ type: "nope" })], expect: "44xx", code: 4400 },
      { label: "a type that is not a string", steps: [JSON.stringify({ type: 7 })], expect: "44xx", code: 4400 },
      { label: "connection_init with a string payload", steps: [JSON.stringify({ type: "connection_init", payload: "x" })], expect: "44xx", code: 4400 },
      { label: "connection_init with an array payload", steps: [JSON.stringify({ type: "connection_init", payload: [1] })], expect: "44xx", code: 4400 },
      { label: "subscribe before connection_init", steps: [subscribeMessage("1", ACTIVATION)], expect: "44xx", code: 4401 },
      { label: "two connection_init", steps: [INIT, INIT], expect: "44xx", code: 4429 },
      { label: "duplicate subscribe ids", steps: [INIT, { wait: 50 }, subscribeMessage("dup", ACTIVATION), subscribeMessage("dup", ACTIVATION)], expect: "44xx", code: 4409 },
      { label: "subscribe without an id", steps: [INIT, { wait: 50 }, JSON.stringify({ type: "subscribe", payload: { query: ACTIVATION } })], expect: "44xx", code: 4400 },
      { label: "subscribe with a numeric id", steps: [INIT, { wait: 50 }, JSON.stringify({ id: 1, type: "subscribe", payload: { query: ACTIVATION } })], expect: "44xx", code: 4400 },
      { label: "subscribe with an empty id", steps: [INIT, { wait: 50 }, JSON.stringify({ id: "", type: "subscribe", payload: { query: ACTIVATION } })], expect: "44xx", code: 4400 },
      { label: "subscribe without a payload", steps: [INIT, { wait: 50 }, JSON.stringify({ id: "1", type: "subscribe" })], expect: "44xx", code: 4400 },
      { label: "subscribe with a numeric query", steps: [INIT, { wait: 50 }, JSON.stringify({ id: "1", type: "subscribe", payload: { query: 5 } })], expect: "44xx", code: 4400 },
      { label: "subscribe with string variables", steps: [INIT, { wait: 50 }, JSON.stringify({ id: "1", type: "subscribe", payload: { query: ACTIVATION, variables: "x" } })], expect: "44xx", code: 4400 },
      { label: "complete without an id", steps: [INIT, { wait: 50 }, JSON.stringify({ type: "complete" })], expect: "44xx", code: 4400 },
      { label: "a server-only message (next)", steps: [INIT, { wait: 50 }, JSON.stringify({ id: "1", type: "next", payload: {} })], expect: "44xx", code: 4400 },
      { label: "a server-only message (connection_ack)", steps: [JSON.stringify({ type: "connection_ack" })], expect: "44xx", code: 4400 },
      { label: "a binary frame of garbage", steps: [Buffer.from([0xff, 0x00, 0xfe, 0x01])], expect: "44xx", code: 4400 },
      { label: "a message over the size limit", steps: [INIT, { wait: 50 }, subscribeMessage("big", `subscription { fingerprintLibraryActivated { eventId } } #${"x".repeat(1_048_576 + 10)}`)], expect: "44xx-or-1009" },
      { label: "a huge payload just under the limit", steps: [INIT, { wait: 50 }, subscribeMessage("big", `subscription { fingerprintLibraryActivated { eventId } } #${"x".repeat(HUGE)}`)], expect: "open-or-44xx" },
      { label: "a huge garbage frame", steps: ["x".repeat(HUGE)], expect: "44xx", code: 4400 },
      { label: "no credentials", steps: [JSON.stringify({ type: "connection_init" })], expect: "44xx", code: 4403 },
      { label: "a wrong key", steps: [JSON.stringify({ type: "connection_init", payload: { Authorization: "Bearer not-the-key-0123456789" } })], expect: "44xx", code: 4403 },
      { label: "no subprotocol", steps: [INIT], expect: "44xx", protocol: [] },
      { label: "a wrong subprotocol", steps: [INIT], expect: "44xx", protocol: "graphql-ws" },
      { label: "a wrong and the right subprotocol", steps: [INIT], expect: "open-or-44xx", protocol: ["graphql-ws", "graphql-transport-ws"] },
    ];
    const problems: string[] = [];
    const codes: Record<string, number | null> = {};
    for (const c of cases) {
      const outcome = await wsCase(c.steps, c.protocol ?? "graphql-transport-ws");
      codes[c.label] = outcome.closedBy;
      const request = c.steps.map((s) => (typeof s === "string" ? s.slice(0, 500) : JSON.stringify(s).slice(0, 100))).join(" ");
      problems.push(...wsProblems(c.label, outcome, c.expect, request));
      if (c.code !== undefined && outcome.closedBy !== null && outcome.closedBy !== c.code) problems.push(`${c.label}: closed with ${outcome.closedBy}, expected ${c.code}`);
    }
    problems.push(...(await healthProblems("after the WebSocket violations")));
    console.log(`fuzz ws close codes: ${JSON.stringify(codes)}`);
    const logged = loggedFailures();
    if (problems.length > 0) problems.push(...logged);
    expect(problems).toEqual([]);
  }, 300_000);

  it(`random graphql-ws sessions: ${Math.round(CASES / 3)} sessions, seed ${SEED + 2}`, async () => {
    const rng = new Random(SEED + 2);
    const problems: string[] = [];
    const closeCodes = new Map<string, number>();
    for (let i = 1; i <= Math.round(CASES / 3); i++) {
      const steps: WsStep[] = [];
      if (rng.chance(0.9)) steps.push(rng.chance(0.85) ? INIT : JSON.stringify({ type: "connection_init", payload: rng.chance(0.5) ? weirdValue(rng) : { Authorization: rng.pick(["", "nope", `Bearer ${API_KEY}x`, API_KEY.slice(1)]) } }));
      if (rng.chance(0.8)) steps.push({ wait: 30 });
      for (let n = rng.int(1, 8); n > 0; n--) {
        const op = rng.pick(SHIPPED);
        const id = rng.chance(0.8) ? `s${rng.int(0, 5)}` : randomText(rng, 10);
        const roll = rng.next();
        if (roll < 0.45) {
          const query = rng.chance(0.6) ? mutateDocument(rng, op.query).query : op.query;
          steps.push(subscribeMessage(id, query, variablesFor(rng, op.name)));
        } else if (roll < 0.55) steps.push(JSON.stringify({ id, type: "complete" }));
        else if (roll < 0.65) steps.push(JSON.stringify({ type: rng.pick(["ping", "pong"]), payload: rng.chance(0.5) ? weirdValue(rng) : undefined }));
        else if (roll < 0.75) steps.push(randomText(rng, 60));
        else if (roll < 0.85) steps.push(JSON.stringify(weirdValue(rng)));
        else if (roll < 0.9) steps.push(JSON.stringify({ id, type: "subscribe", payload: weirdValue(rng) }));
        else if (roll < 0.95) steps.push({ wait: rng.int(0, 50) });
        else steps.push({ terminate: true });
      }
      const outcome = await wsCase(steps, "graphql-transport-ws", 150);
      const key = String(outcome.closedBy);
      closeCodes.set(key, (closeCodes.get(key) ?? 0) + 1);
      const request = steps.map((s) => (typeof s === "string" ? s.slice(0, 300) : JSON.stringify(s))).join(" ");
      problems.push(...wsProblems(`seed ${SEED + 2} session ${i}`, outcome, "open-or-44xx", request).map((p) => `${p}\n    sent: ${request.slice(0, 400)}`));
      if (i % BATCH === 0) problems.push(...(await healthProblems(`after ws session ${i}`)));
    }
    problems.push(...(await healthProblems("after the random ws sessions")));
    console.log(`fuzz ws sessions (seed ${SEED + 2}): close codes ${JSON.stringify(Object.fromEntries(closeCodes))}`);
    const logged = loggedFailures();
    if (problems.length > 0) problems.push(...logged);
    expect(problems).toEqual([]);
  }, 300_000);

  it("survives 50 sockets cut off mid-subscription, and still delivers to a well-behaved client", async () => {
    const problems: string[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        wsCase([INIT, { wait: 20 }, subscribeMessage(`cut-${i}`, ACTIVATION), { wait: 20 }, { terminate: true }]).then((outcome) =>
          problems.push(...wsProblems(`cut ${i}`, outcome, "open-or-44xx", "")),
        ),
      ),
    );
    problems.push(...(await healthProblems("after cutting 50 sockets")));
    // A normal subscriber still gets its event.
    const name = `after-fuzz-${randomUUID().slice(0, 8)}`;
    const received = await new Promise<Record<string, unknown>[]>((resolve) => {
      const socket = new WebSocket(wsUrl, "graphql-transport-ws");
      const got: Record<string, unknown>[] = [];
      const timer = setTimeout(() => {
        socket.terminate();
        resolve(got);
      }, 10_000);
      socket.on("open", () => socket.send(INIT));
      socket.on("message", async (data: RawData) => {
        const message = JSON.parse(String(data));
        if (message.type === "connection_ack") {
          socket.send(subscribeMessage("ok", `subscription { fingerprintLibraryActivated { library { name } } }`));
          await new Promise((r) => setTimeout(r, 150));
          await fetch(h.gateway.graphqlUrl, {
            method: "POST",
            headers: { "content-type": "application/json", ...AUTH },
            body: JSON.stringify({ query: `mutation { createFingerprintLibrary(input: { name: "${name}", model: VIDEO }) { replayed } }` }),
          });
        } else if (message.type === "next" && message.payload?.data?.fingerprintLibraryActivated?.library?.name === name) {
          got.push(message);
          clearTimeout(timer);
          socket.close(1000);
          resolve(got);
        }
      });
    });
    expect(received).toHaveLength(1);
    const logged = loggedFailures();
    if (problems.length > 0) problems.push(...logged);
    expect(problems).toEqual([]);
  }, 60_000);
});
