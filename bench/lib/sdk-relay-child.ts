/**
 * The floor of any HTTP hop in front of the SDK (started by sdk-relay.ts): node:http in, the
 * body's JSON parsed, one SignedRpcClient call as the direct path makes it, the backend's
 * answer back as JSON. No GraphQL, no database, no checks: what the gateway's path costs over
 * this is the gateway's own work; what this costs over the direct call is the hop (the
 * client's HTTP request, two more processes woken per call, one more HTTP exchange).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SignedRpcClient, type RpcCredentials, type RpcParams } from "../../src/backends/signed-rpc-client.js";
import { serveParent } from "./forked-child.js";

export interface RelayRequest {
  version: string;
  action: string;
  params: RpcParams;
}

serveParent<{ endpoint: string; region: string; credentials: RpcCredentials }>(async ({ endpoint, region, credentials }) => {
  const clients = new Map<string, SignedRpcClient>();
  const clientFor = (version: string) => {
    let client = clients.get(version);
    if (!client) {
      client = new SignedRpcClient({
        version,
        target: () => ({ endpoint, protocol: "http", regionHeader: region }),
        credentials,
        connectTimeoutMs: 3000,
        readTimeoutMs: 10000,
        signatureAlgorithm: "v3",
      });
      clients.set(version, client);
    }
    return client;
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      try {
        const { version, action, params } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RelayRequest;
        const body = await clientFor(version).call(region, action, params);
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(JSON.stringify(body));
      } catch (error) {
        res.statusCode = 502;
        res.end(JSON.stringify({ error: (error as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ready: { url: `http://127.0.0.1:${port}/` },
    handlers: {},
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
});
