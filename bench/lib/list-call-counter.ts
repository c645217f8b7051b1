/**
 * A pass-through HTTP proxy in front of the emulator that counts the List calls and the
 * ids each one asks for (ListDNADB DBIds, ListFpShotDB FpDBIds; the job queries' JobIds). /metrics gives the call
 * count; only the wire shows how full each call was. Requests are forwarded byte for byte
 * with the same Host header, so the gateway's signatures still verify.
 *
 * With `rewriteOrigin`, the emulator's origin in the answers to API calls is replaced by the
 * proxy's, so the ICE DNAResult URLs a job query answers lead through the proxy too. A gateway
 * fetches result documents only from OSS hosts and from its ICE_ENDPOINT / MPS_ENDPOINT
 * origin (src/server/result-origins.ts; there is no other setting): with both endpoints on
 * the proxy, the emulator's own origin would be refused (RESULT_URL_REFUSED). The presigned
 * URL's signature does not cover the host, so the emulator still accepts it.
 */
import { Agent, createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

const LIST_ID_PARAMS: Record<string, string> = {
  ListDNADB: "DBIds",
  ListFpShotDB: "FpDBIds",
  // The job watcher's reads.
  QueryDNAJobList: "JobIds",
  QueryFpShotJobList: "JobIds",
  QueryFpFileDeleteJobList: "JobIds",
};

export interface ListCallStats {
  calls: Record<string, number>;
  ids: Record<string, number>;
  /** Distinct backend ids asked for at least once. */
  distinctIds: number;
  /** How many calls asked for 1, 2, ... 10 ids. */
  idsPerCallHistogram: Record<number, number>;
}

export interface ListCallCounter {
  endpoint: string;
  stats(): ListCallStats;
  reset(): void;
  close(): Promise<void>;
}

export interface ListCallCounterOptions {
  /** Replace the emulator's origin with the proxy's in the answers to API calls (see above). */
  rewriteOrigin?: boolean;
}

export async function startListCallCounter(targetPort: number, options: ListCallCounterOptions = {}): Promise<ListCallCounter> {
  // A fresh upstream connection per request: a pooled one could race the emulator's
  // keep-alive timeout and turn into a 502 that the gateway would count as a failure.
  const upstreamAgent = new Agent({ keepAlive: false });
  let calls: Record<string, number> = {};
  let ids: Record<string, number> = {};
  let histogram: Record<number, number> = {};
  let distinct = new Set<string>();

  /** The API action a request calls (undefined for an OSS request), counted when it is a List call. */
  const count = (req: IncomingMessage, body: Buffer): string | undefined => {
    const url = new URL(req.url ?? "/", "http://x");
    const form = /^application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "") ? new URLSearchParams(body.toString("utf8")) : new URLSearchParams();
    const param = (name: string) => url.searchParams.get(name) ?? form.get(name) ?? undefined;
    const headerAction = req.headers["x-acs-action"];
    const action = (Array.isArray(headerAction) ? headerAction[0] : headerAction) ?? param("Action");
    if (!action || !(action in LIST_ID_PARAMS)) return action;
    const asked = (param(LIST_ID_PARAMS[action]) ?? "").split(",").filter(Boolean);
    calls[action] = (calls[action] ?? 0) + 1;
    ids[action] = (ids[action] ?? 0) + asked.length;
    histogram[asked.length] = (histogram[asked.length] ?? 0) + 1;
    for (const id of asked) distinct.add(id);
    return action;
  };
  let ownOrigin = "";
  const targetOrigin = `http://127.0.0.1:${targetPort}`;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const action = count(req, body);
      const upstream = request(
        { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent: upstreamAgent },
        (answer) => {
          if (!options.rewriteOrigin || !action) {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => parts.push(chunk));
          answer.on("error", () => res.destroy());
          answer.on("end", () => {
            const text = Buffer.concat(parts).toString("utf8");
            const rewritten = Buffer.from(text.split(targetOrigin).join(ownOrigin), "utf8");
            const headers = { ...answer.headers, "content-length": String(rewritten.length) };
            delete headers["transfer-encoding"];
            res.writeHead(answer.statusCode ?? 502, headers);
            res.end(rewritten);
          });
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  ownOrigin = `http://127.0.0.1:${port}`;
  return {
    endpoint: `127.0.0.1:${port}`,
    stats: () => ({ calls: { ...calls }, ids: { ...ids }, distinctIds: distinct.size, idsPerCallHistogram: { ...histogram } }),
    reset: () => {
      calls = {};
      ids = {};
      histogram = {};
      distinct = new Set();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        upstreamAgent.destroy();
      }),
  };
}
