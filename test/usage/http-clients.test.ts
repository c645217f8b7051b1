/**
 * The GraphQL clients people already use, each on its default settings, against the gateway
 * as a newcomer starts it (development mode): urql (short queries go as GET, no preflight
 * header), Apollo Client with BatchHttpLink (two queries in one request) and with automatic
 * persisted queries (hash first, the query on a miss), and graphql-request. Each client's
 * own fetch is wrapped only to record what it sent.
 */
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { BatchHttpLink } from "@apollo/client/link/batch-http";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { Client as UrqlClient, fetchExchange } from "@urql/core";
import { GraphQLClient } from "graphql-request";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/gateway-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.gql(`mutation { createFingerprintLibrary(input: { name: "clients", model: VIDEO }) { library { id } } }`);
});
afterAll(() => h?.close());

interface Sent {
  method: string;
  body: unknown;
  status: number;
}

/** The global fetch, recording each request's method, parsed body and answer status. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const text = typeof init?.body === "string" ? init.body : undefined;
    sent.push({ method: init?.method ?? "GET", body: text === undefined ? undefined : JSON.parse(text), status: response.status });
    return response;
  };
}

const COUNT = gql`
  query LibraryCount {
    fingerprintLibraries {
      totalCount
    }
  }
`;
const NAMES = gql`
  query LibraryNames {
    fingerprintLibraries(first: 5) {
      nodes {
        id
        name
      }
    }
  }
`;

describe("GraphQL clients on their defaults", () => {
  it("urql: a short query goes as GET without a preflight header, and is answered", async () => {
    const sent: Sent[] = [];
    const client = new UrqlClient({ url: h.gateway.graphqlUrl, exchanges: [fetchExchange], fetch: recordingFetch(sent) });
    const result = await client.query(COUNT, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data).toEqual({ fingerprintLibraries: { totalCount: 1 } });
    expect(sent.map(({ method, status }) => ({ method, status }))).toEqual([{ method: "GET", status: 200 }]);
  });

  it("Apollo Client with BatchHttpLink: two queries in one request, each answered", async () => {
    const sent: Sent[] = [];
    const client = new ApolloClient({ link: new BatchHttpLink({ uri: h.gateway.graphqlUrl, fetch: recordingFetch(sent) }), cache: new InMemoryCache() });
    const [count, names] = await Promise.all([client.query({ query: COUNT }), client.query({ query: NAMES })]);
    expect(count.error).toBeUndefined();
    expect(count.data).toEqual({ fingerprintLibraries: { __typename: "FingerprintLibraryConnection", totalCount: 1 } });
    expect((names.data as { fingerprintLibraries: { nodes: Array<{ name: string }> } }).fingerprintLibraries.nodes.map((node) => node.name)).toEqual(["clients"]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: "POST", status: 200 });
    expect((sent[0]!.body as unknown[]).length).toBe(2);
  });

  it("Apollo Client with persisted queries: the hash alone, the full query once on a miss, then the hash alone again", async () => {
    const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
    const sent: Sent[] = [];
    const link = () => ApolloLink.from([new PersistedQueryLink({ sha256 }), new HttpLink({ uri: h.gateway.graphqlUrl, fetch: recordingFetch(sent) })]);
    const first = await new ApolloClient({ link: link(), cache: new InMemoryCache() }).query({ query: COUNT });
    expect(first.data).toMatchObject({ fingerprintLibraries: { totalCount: 1 } });
    const second = await new ApolloClient({ link: link(), cache: new InMemoryCache() }).query({ query: COUNT });
    expect(second.data).toMatchObject({ fingerprintLibraries: { totalCount: 1 } });
    const shapes = sent.map((request) => ({ method: request.method, withQuery: typeof (request.body as { query?: string }).query === "string", status: request.status }));
    expect(shapes).toEqual([
      { method: "POST", withQuery: false, status: 200 }, // PERSISTED_QUERY_NOT_FOUND
      { method: "POST", withQuery: true, status: 200 },
      { method: "POST", withQuery: false, status: 200 },
    ]);
  });

  it("graphql-request: a query and a mutation", async () => {
    const client = new GraphQLClient(h.gateway.graphqlUrl);
    expect(await client.request<{ fingerprintLibraries: { totalCount: number } }>(COUNT)).toEqual({ fingerprintLibraries: { totalCount: 1 } });
    const created = await client.request<{ createFingerprintLibrary: { library: { name: string } } }>(
      `mutation Create($name: String!) { createFingerprintLibrary(input: { name: $name, model: AUDIO }) { library { name } } }`,
      { name: "from graphql-request" },
    );
    expect(created.createFingerprintLibrary.library.name).toBe("from graphql-request");
  });
});
