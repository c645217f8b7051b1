/**
 * A pass-through HTTP proxy in front of the emulator that counts the List calls and the
 * ids each one asks for (ListDNADB DBIds, ListFpShotDB FpDBIds; the job queries' JobIds). /metrics gives the call
 * count; only the wire shows how full each call was. Requests are forwarded byte for byte
 * with the same Host header, so the gateway's signatures still verify.
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

export async function startListCallCounter(targetPort: number): Promise<ListCallCounter> {
  // A fresh upstream connection per request: a pooled one could race the emulator's
  // keep-alive timeout and turn into a 502 that the gateway would count as a failure.
  const upstreamAgent = new Agent({ keepAlive: false });
  let calls: Record<string, number> = {};
  let ids: Record<string, number> = {};
  let histogram: Record<number, number> = {};
  let distinct = new Set<string>();

  const count = (req: IncomingMessage, body: Buffer) => {
    const url = new URL(req.url ?? "/", "http://x");
    const form = /^application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "") ? new URLSearchParams(body.toString("utf8")) : new URLSearchParams();
    const param = (name: string) => url.searchParams.get(name) ?? form.get(name) ?? undefined;
    const headerAction = req.headers["x-acs-action"];
    const action = (Array.isArray(headerAction) ? headerAction[0] : headerAction) ?? param("Action");
    if (!action || !(action in LIST_ID_PARAMS)) return;
    const asked = (param(LIST_ID_PARAMS[action]) ?? "").split(",").filter(Boolean);
    calls[action] = (calls[action] ?? 0) + 1;
    ids[action] = (ids[action] ?? 0) + asked.length;
    histogram[asked.length] = (histogram[asked.length] ?? 0) + 1;
    for (const id of asked) distinct.add(id);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      count(req, body);
      const upstream = request(
        { host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent: upstreamAgent },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
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
