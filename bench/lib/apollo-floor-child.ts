/**
 * The floor of the stack the gateway is built on (started by apollo-floor.ts): node:http in,
 * the body read and parsed, Apollo Server 5's `executeHTTPGraphQLRequest` called as
 * src/server/http-graphql-route.ts calls it, one mutation of the gateway's shape
 * (`submitFingerprintJob(input)`, the same input types and selection), whose resolver makes
 * the same SignedRpcClient call with the same wire parameters as the direct path.
 *
 * Nothing else: no database (no library read, no durable intent, no record of the job), no
 * authentication, no type-graphql, no plugins, no validation. So what this costs over the
 * relay is one GraphQL execution in Apollo, and what the gateway costs over this is its own
 * work. The libraryId it takes is the backend's library id, registered with its backend
 * first (`register`).
 */
import { ApolloServer, HeaderMap } from "@apollo/server";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SignedRpcClient, type RpcCredentials } from "../../src/backends/signed-rpc-client.js";
import { ICE_API_VERSION } from "../../src/backends/ice-backend.js";
import { MPS_API_VERSION } from "../../src/backends/mps-backend.js";
import { serveParent } from "./forked-child.js";
import { SUBMIT_ACTION, submitWireParams, type SubmitBackend } from "./submit-wire.js";

const TYPE_DEFS = /* GraphQL */ `
  enum FingerprintJobMode { SAVE SEARCH SEARCH_AND_SAVE SEARCH_AND_SAVE_IF_UNIQUE }
  enum FingerprintJobStatus { QUEUED RUNNING SUCCEEDED FAILED CANCELED UNKNOWN }
  input OssObjectInput { bucket: String! location: String object: String! }
  input MediaInput { mediaId: String oss: OssObjectInput }
  input SubmitFingerprintJobInput {
    idempotencyKey: String
    libraryId: ID!
    media: MediaInput!
    mode: FingerprintJobMode!
    primaryKey: String
    similarityThreshold: Float
    userData: String
  }
  type FingerprintJob { id: ID! backendJobId: String status: FingerprintJobStatus! primaryKey: String! }
  type SubmitFingerprintJobPayload { replayed: Boolean! job: FingerprintJob! }
  type Query { ok: Boolean }
  type Mutation { submitFingerprintJob(input: SubmitFingerprintJobInput!): SubmitFingerprintJobPayload! }
`;

interface FloorInput {
  libraryId: string;
  primaryKey: string;
}

serveParent<{ endpoint: string; region: string; credentials: RpcCredentials }>(async ({ endpoint, region, credentials }) => {
  const backends = new Map<string, SubmitBackend>();
  const clientFor = (version: string) =>
    new SignedRpcClient({ version, target: () => ({ endpoint, protocol: "http", regionHeader: region }), credentials, connectTimeoutMs: 3000, readTimeoutMs: 10000, signatureAlgorithm: "v3" });
  const clients = { ICE: clientFor(ICE_API_VERSION), MPS: clientFor(MPS_API_VERSION) };
  let jobs = 0;
  const submitFingerprintJob = async (_: unknown, { input }: { input: FloorInput }) => {
    const backend = backends.get(input.libraryId);
    if (!backend) throw new Error(`library ${input.libraryId} was not registered`);
    const answer = await clients[backend].call(region, SUBMIT_ACTION[backend], submitWireParams(backend, input.libraryId, input.primaryKey));
    return { replayed: false, job: { id: `floor-${++jobs}`, backendJobId: answer.JobId, status: "QUEUED", primaryKey: input.primaryKey } };
  };
  const apollo = new ApolloServer({ typeDefs: TYPE_DEFS, resolvers: { Mutation: { submitFingerprintJob } } });
  await apollo.start();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      try {
        const headers = new HeaderMap();
        for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: "POST", headers, search: "", body }, context: async () => ({}) });
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        res.end(response.body.kind === "complete" ? response.body.string : "");
      } catch (error) {
        res.statusCode = 500;
        res.end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ready: { url: `http://127.0.0.1:${port}/graphql` },
    handlers: { register: (backendLibraryId: string, backend: SubmitBackend) => void backends.set(backendLibraryId, backend) },
    close: async () => {
      await apollo.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
});
