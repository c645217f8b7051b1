/**
 * The bugs the fuzz suite found, one small deterministic test each, so a fix can be checked
 * without reading fuzz output. Each must hold in production mode.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket, { type RawData } from "ws";
import { startHarness, type Harness } from "../support/gateway-harness.js";

const API_KEY = "regression-key-0123456789";
let h: Harness;
const savedNodeEnv = process.env.NODE_ENV;

beforeAll(async () => {
  process.env.NODE_ENV = "production";
  h = await startHarness({ env: { NODE_ENV: "production", API_KEYS: `default:${API_KEY}`, RATE_LIMIT_REQUESTS: "0", MAX_TOKENS: "200" } });
});
afterAll(async () => {
  await h?.close();
  process.env.NODE_ENV = savedNodeEnv;
});

async function post(body: unknown) {
  const response = await fetch(h.gateway.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } };
}

/** Opens a graphql-ws socket, sends the messages, returns what came back and the close code (null: still open after 500 ms). */
function session(messages: unknown[]): Promise<{ received: Array<Record<string, any>>; closeCode: number | null }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(h.gateway.graphqlUrl.replace(/^http/, "ws"), "graphql-transport-ws");
    const received: Array<Record<string, any>> = [];
    let closeCode: number | null = null;
    const done = () => {
      socket.removeAllListeners("close");
      socket.terminate();
      resolve({ received, closeCode });
    };
    const timer = setTimeout(done, 1_000);
    socket.on("message", (data: RawData) => received.push(JSON.parse(String(data))));
    socket.on("close", (code) => {
      closeCode = code;
      clearTimeout(timer);
      done();
    });
    socket.on("open", async () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: API_KEY } }));
      await new Promise((r) => setTimeout(r, 50));
      for (const message of messages) socket.send(typeof message === "string" ? message : JSON.stringify(message));
    });
  });
}

describe("HTTP", () => {
  it("answers a document that does not parse with 400, not 500", async () => {
    const { status, body } = await post({ query: "query { fingerprintLibraries( }" });
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(status).toBe(400);
  });

  it("answers a document over MAX_TOKENS with 400 and reason MAX_TOKENS, not 500", async () => {
    const { status, body } = await post({ query: `{ fingerprintLibraries { totalCount ${"totalCount ".repeat(250)} } }` });
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "MAX_TOKENS" });
    expect(body.errors![0].message).toMatch(/limit/i);
    expect(status).toBe(400);
  });

  it("refuses a subscription sent over HTTP as bad input, not as an internal failure", async () => {
    const { status, body } = await post({ query: "subscription { fingerprintLibraryActivated { eventId } }" });
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(status).toBe(400);
  });

  it("refuses a persisted-query hash that does not match its query as bad input, not as an internal failure", async () => {
    const { status, body } = await post({ query: "{ __typename }", extensions: { persistedQuery: { version: 1, sha256Hash: "abc" } } });
    expect(status).toBe(400);
    expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
  });
});

describe("graphql-ws", () => {
  it("answers a subscribe whose document does not parse with an error for that operation, and keeps the socket", async () => {
    const { received, closeCode } = await session([{ id: "1", type: "subscribe", payload: { query: "subscription { fingerprintLibraryActivated {" } }]);
    expect(closeCode).toBeNull();
    expect(received.find((m) => m.type === "error")).toMatchObject({ id: "1", payload: [{ extensions: { code: "BAD_USER_INPUT" } }] });
  });

  it("answers a document over MAX_TOKENS with MAX_TOKENS, as HTTP does", async () => {
    const { received } = await session([{ id: "1", type: "subscribe", payload: { query: `subscription { fingerprintLibraryActivated { eventId ${"eventId ".repeat(250)} } }` } }]);
    expect(received.find((m) => m.type === "error")).toMatchObject({ payload: [{ extensions: { code: "BAD_USER_INPUT", reason: "MAX_TOKENS" } }] });
  });

  it("answers validation and variable errors as BAD_USER_INPUT, not BACKEND_ERROR/INTERNAL", async () => {
    const { received } = await session([
      { id: "v", type: "subscribe", payload: { query: "subscription { fingerprintLibraryActivated { nope } }" } },
      { id: "c", type: "subscribe", payload: { query: "subscription($f: LibraryEventFilter) { fingerprintLibraryActivated(filter: $f) { eventId } }", variables: { f: false } } },
    ]);
    const errors = received.filter((m) => m.type === "error" || (m.type === "next" && m.payload?.errors));
    expect(errors).toHaveLength(2);
    for (const message of errors) {
      const list = message.type === "error" ? message.payload : message.payload.errors;
      expect(list[0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    }
  });

  it.each(["next", "error", "connection_ack"])("closes with 4400 (not 4500) when a client sends a %s message", async (type) => {
    const { closeCode } = await session([{ id: "1", type, payload: type === "error" ? [] : {} }]);
    expect(closeCode).toBe(4400);
  });

  it("keeps a client's protocol mistakes out of stderr: no console.error stack traces", async () => {
    // graphql-ws's own useServer printed these with console.error, stack and all.
    const printed = vi.spyOn(console, "error");
    try {
      expect((await session([{ id: "1", type: "next", payload: {} }])).closeCode).toBe(4400);
      expect((await session(["x".repeat(2 * 1024 * 1024)])).closeCode).toBe(1009);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });
});
