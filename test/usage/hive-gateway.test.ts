/**
 * The gateway as a subgraph of a supergraph served by Hive Gateway (and, for the same
 * composition, by @apollo/gateway): this subgraph plus the usage subgraph
 * (test/support/usage-subgraph.ts), composed from this gateway's `_service { sdl }`.
 *
 * Hive Gateway is configured as docs/operations.md tells an operator to:
 * - the router secret and the caller's Authorization go to this subgraph on every request;
 * - subscriptions to this subgraph go over graphql-ws (`subscriptions.kind: "ws"`). Hive's
 *   HTTP transport would otherwise send them as a GET (it uses GET for subscriptions and
 *   reads the answer as an event stream); this gateway streams subscriptions only over
 *   graphql-ws, the one subscription pipeline, so the router must use graphql-ws as well.
 *   graphql-ws carries no headers after the upgrade, so the secret and the Authorization
 *   travel as connection_init parameters, which the gateway reads like the headers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { toGlobalId } from "../../src/graphql/global-id.js";
import { CREATE, type CreateFingerprintLibraryInput } from "../support/documents.js";
import { startHarness, type GraphQLResponse, type Harness } from "../support/gateway-harness.js";
import { composeSupergraph, startUsageSubgraph, type UsageSubgraph } from "../support/usage-subgraph.js";

/**
 * @graphql-hive/gateway, loaded by a specifier TypeScript does not follow: its typings bring
 * graphql-yoga's global augmentation of GraphQLError's `extensions.http` (headers as a
 * record), which contradicts Apollo Server's (a Map) that the gateway's own code uses.
 */
type HiveRuntime = ((request: IncomingMessage, response: ServerResponse) => void) & { dispose(): Promise<void> };
type HivePlugin = { onFetch?(payload: { url: string; options: { body?: unknown } }): void };
const HIVE_GATEWAY = "@graphql-hive/gateway";
const { createGatewayRuntime } = (await import(HIVE_GATEWAY)) as { createGatewayRuntime(config: Record<string, unknown>): HiveRuntime };

const ROUTER_SECRET = "router-secret-for-the-hive-gateway-test-0123456789";
const ROUTER_HEADER = "x-router-secret";
const KEY_A = "hive-test-key-tenant-a-0123456789";
const KEY_B = "hive-test-key-tenant-b-0123456789";
const asTenant = (key: string) => ({ authorization: `Bearer ${key}` });

let h: Harness;
let usage: UsageSubgraph;
let supergraphSdl: string;
let hive: HiveRuntime;
let hiveServer: Server;
let hiveUrl: string;
let apollo: ApolloServer;
let apolloUrl: string;
/** The `_entities` requests Hive Gateway sent to this subgraph over HTTP (counted at its fetch). */
let entityCalls = 0;
/** Subscriptions Hive Gateway sent to this subgraph over HTTP (there should be none). */
let subscriptionFetches = 0;

async function createLibrary(key: string, input: CreateFingerprintLibraryInput): Promise<string> {
  const response = (await (await h.post(JSON.stringify({ query: print(CREATE), variables: { input } }), asTenant(key))).json()) as GraphQLResponse;
  expect(response.errors).toBeUndefined();
  return response.data!.createFingerprintLibrary.library.id;
}

async function viaRouter<T = any>(url: string, query: string, key = KEY_A): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...asTenant(key) }, body: JSON.stringify({ query }) });
  return (await response.json()) as GraphQLResponse<T>;
}

beforeAll(async () => {
  h = await startHarness({
    env: { ROUTER_SECRET, API_KEYS: `tenant-a:${KEY_A},tenant-b:${KEY_B}` },
    emulator: { activationDelayMs: 400, libraryQuota: 100 },
  });
  usage = await startUsageSubgraph();
  for (const [i, model] of (["VIDEO", "AUDIO", "IMAGE", "TEXT"] as const).entries()) {
    usage.libraryIds.push(await createLibrary(KEY_A, { name: `library-${i}`, model }));
  }

  const sdl = (await (await h.post(JSON.stringify({ query: "{ _service { sdl } }" }), { ...asTenant(KEY_A), [ROUTER_HEADER]: ROUTER_SECRET })).json()) as GraphQLResponse;
  expect(sdl.errors).toBeUndefined();
  supergraphSdl = composeSupergraph(sdl.data!._service.sdl, h.gateway.graphqlUrl, usage.url);

  hive = createGatewayRuntime({
    supergraph: supergraphSdl,
    // HIVE_DEBUG=1 prints Hive Gateway's own log: each subgraph call, the graphql-ws frames.
    logging: process.env.HIVE_DEBUG ? "debug" : false,
    transportEntries: {
      fingerprints: {
        headers: [[ROUTER_HEADER, ROUTER_SECRET]],
        options: {
          subscriptions: {
            kind: "ws",
            options: { connectionParams: { [ROUTER_HEADER]: ROUTER_SECRET, authorization: "{context.headers.authorization}" } },
          },
        },
      },
    },
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }: { request: Request }) => ({ authorization: request.headers.get("authorization") ?? undefined }),
    },
    plugins: (): HivePlugin[] => [
      {
        onFetch({ url, options }) {
          if (!url.startsWith(h.gateway.graphqlUrl)) return;
          const sent = `${url} ${String(options.body ?? "")}`;
          if (sent.includes("_entities")) entityCalls += 1;
          if (/subscription|fingerprintLibrary(StatusChanged|Activated)/.test(decodeURIComponent(sent))) subscriptionFetches += 1;
        },
      },
    ],
  });
  hiveServer = createServer(hive);
  await new Promise<void>((resolve) => hiveServer.listen(0, "127.0.0.1", resolve));
  const address = hiveServer.address() as { port: number };
  hiveUrl = `http://127.0.0.1:${address.port}/graphql`;

  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request, context }) {
          const authorization = (context as { authorization?: string }).authorization;
          if (authorization) request.http?.headers.set("authorization", authorization);
          if (name === "fingerprints") request.http?.headers.set(ROUTER_HEADER, ROUTER_SECRET);
        },
      }),
  });
  apollo = new ApolloServer({ gateway: gateway as any });
  apolloUrl = (
    await startStandaloneServer(apollo, {
      listen: { port: 0, host: "127.0.0.1" },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    })
  ).url;
});

afterAll(async () => {
  await apollo?.stop();
  await hive?.dispose();
  await new Promise((resolve) => hiveServer?.close(resolve));
  await usage?.stop();
  await h?.close();
});

const ENTITY_QUERY = `{ mostUsedLibraries(first: 4) { id usageCount name model backend } }`;
const expectedLibraries = () =>
  usage.libraryIds.map((id, i) => ({ id, usageCount: 100 - i, name: `library-${i}`, model: ["VIDEO", "AUDIO", "IMAGE", "TEXT"][i], backend: ["ICE", "ICE", "MPS", "MPS"][i] }));

describe("Hive Gateway", () => {
  it("resolves this subgraph's fields for the other subgraph's libraries in one _entities call and one registry query", async () => {
    const findManyByIds = vi.spyOn(h.gateway.services.store.libraries, "findManyByIds");
    try {
      entityCalls = 0;
      const response = await viaRouter(hiveUrl, ENTITY_QUERY);
      expect(response.errors).toBeUndefined();
      expect(response.data!.mostUsedLibraries).toEqual(expectedLibraries());
      expect(entityCalls).toBe(1);
      expect(findManyByIds).toHaveBeenCalledTimes(1);
    } finally {
      findManyByIds.mockRestore();
    }
  });

  it("answers NOT_FOUND, not an internal error, for a reference to another tenant's or a deleted library", async () => {
    const othersLibrary = await createLibrary(KEY_B, { name: "tenant-b-library", model: "IMAGE" });
    const neverExisted = toGlobalId("FingerprintLibrary", "00000000-0000-4000-8000-000000000000");
    for (const id of [othersLibrary, neverExisted]) {
      const response = await viaRouter(hiveUrl, `{ libraryById(id: "${id}") { id usageCount name } }`);
      expect(response.data).toEqual({ libraryById: null });
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]!.extensions).toMatchObject({ code: "NOT_FOUND" });
      expect(response.errors![0]!.message).not.toContain("tenant-b-library");
    }
  });

  it("passes a subscription through to this subgraph over graphql-ws, with the other subgraph's fields on each event", async () => {
    const id = await createLibrary(KEY_A, { name: "activates-later", model: "IMAGE" });
    // `after: "0"` replays what happened before the router's subscription reached this
    // subgraph, so the test does not depend on when that was.
    const events = subscribeOverSse(
      hiveUrl,
      `subscription { fingerprintLibraryStatusChanged(after: "0", filter: { ids: ["${id}"] }) { status library { id name usageCount } } }`,
    );
    try {
      for (;;) {
        const { value, done } = await events.next();
        if (done) throw new Error("the subscription ended before the library was active");
        expect(value.errors).toBeUndefined();
        const event = value.data!.fingerprintLibraryStatusChanged;
        expect(event.library).toEqual({ id, name: "activates-later", usageCount: 100 });
        if (event.status === "ACTIVE") break;
      }
      // Hive sent the subscription over graphql-ws: no HTTP request to this subgraph carried it.
      expect(subscriptionFetches).toBe(0);
    } finally {
      await events.return(undefined);
    }
  });
});

/** A subscription as a client sends it to Hive Gateway: GraphQL over SSE (distinct-connections mode). */
async function* subscribeOverSse(url: string, query: string): AsyncGenerator<GraphQLResponse> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...asTenant(KEY_A) },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const decoder = new TextDecoder();
  let buffered = "";
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = message.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
        if (/^event: complete/m.test(message)) return;
        if (data) yield JSON.parse(data) as GraphQLResponse;
      }
    }
  } finally {
    controller.abort();
  }
}

describe("@apollo/gateway, same supergraph", () => {
  it("resolves the same entity query with one registry query", async () => {
    const findManyByIds = vi.spyOn(h.gateway.services.store.libraries, "findManyByIds");
    try {
      const response = await viaRouter(apolloUrl, ENTITY_QUERY);
      expect(response.errors).toBeUndefined();
      expect(response.data!.mostUsedLibraries).toEqual(expectedLibraries());
      expect(findManyByIds).toHaveBeenCalledTimes(1);
    } finally {
      findManyByIds.mockRestore();
    }
  });

  it("answers NOT_FOUND for a reference to a library the caller does not have", async () => {
    const neverExisted = toGlobalId("FingerprintLibrary", "00000000-0000-4000-8000-000000000000");
    const response = await viaRouter(apolloUrl, `{ libraryById(id: "${neverExisted}") { id usageCount name } }`);
    expect(response.data).toEqual({ libraryById: null });
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["NOT_FOUND"]);
  });
});
