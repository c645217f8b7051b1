/**
 * The HTTP client of the jobs-submit part's paths that go through a hop (gateway, relay,
 * Apollo floor): POST a JSON body, read a JSON answer.
 *
 *  - "node" (the default): node:http with a keep-alive agent. The direct path's SDK sends its
 *    calls the same way (httpx over node:http, through Node's keep-alive global agent), so
 *    the client's HTTP library is the same on both sides of the ratio and only the hop and
 *    what runs behind it are counted.
 *  - "fetch": Node's fetch (undici), what the part used until 4 Dec 2026. On the 2-core
 *    machine it costs about 1.4 ms more per call than node:http at 50 ms of backend latency
 *    (the same relay, interleaved: 56.9 vs 55.6 ms p50), which the ratio then counts as the
 *    gateway's.
 */
import { Agent, request } from "node:http";

export type BenchHttpClient = "node" | "fetch";
export type JsonPoster = (url: string, body: unknown) => Promise<{ status: number; body: any }>;

export function benchHttpClient(value: string | undefined): BenchHttpClient {
  if (value === undefined || value === "" || value === "node") return "node";
  if (value === "fetch") return "fetch";
  throw new Error(`BENCH_JOB_SUBMIT_CLIENT must be "node" or "fetch", not "${value}"`);
}

export function jsonPoster(client: BenchHttpClient, timeoutMs = 30_000): JsonPoster {
  return client === "fetch" ? postWithFetch(timeoutMs) : postWithNodeHttp(timeoutMs);
}

function postWithFetch(timeoutMs: number): JsonPoster {
  return async (url, body) => {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.json() };
  };
}

function postWithNodeHttp(timeoutMs: number): JsonPoster {
  const agent = new Agent({ keepAlive: true });
  const targets = new Map<string, URL>();
  return (url, body) =>
    new Promise((resolve, reject) => {
      let target = targets.get(url);
      if (!target) targets.set(url, (target = new URL(url)));
      const payload = JSON.stringify(body);
      const req = request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: "POST", agent, timeout: timeoutMs, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            try {
              resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) });
            } catch (error) {
              reject(error);
            }
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
}
