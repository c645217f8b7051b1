/**
 * Fetches ICE's `DNAResult` document. The URL arrives over the network (in a backend answer),
 * and the gateway fetches it from inside its own network: a server-side request forgery
 * risk if taken at face value. So:
 * - only OSS hosts (`<bucket>.oss-<region>[-internal].aliyuncs.com`, http or https) and the
 *   origins configured for the emulator are fetched; anything else is refused unsent;
 * - an OSS host must resolve to a public address (no loopback, private, link-local or
 *   metadata address), checked on the address actually connected to, so DNS cannot swap it;
 * - no redirect is followed (a 3xx is an error), the body is capped in bytes and the whole
 *   fetch in time, and the answer must be JSON.
 */
import { BlockList, isIP } from "node:net";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { GatewayError } from "../domain/errors.js";

export interface ResultFetcherOptions {
  /** Exact origins also allowed (`http://127.0.0.1:41259`): the emulator in embedded mode and tests. */
  allowedOrigins: readonly string[];
  /** Default 8 MiB: a result lists matches, not media. */
  maxBytes?: number;
  /** Default 10 s for the whole fetch, headers and body. */
  timeoutMs?: number;
}

const OSS_HOST = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]\.oss-[a-z0-9]+(?:-[a-z0-9]+)*\.aliyuncs\.com$/;

/** Addresses no result document lives at: loopback, private, link-local (cloud metadata), CGNAT, multicast, unspecified. */
const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16],
  ["172.16.0.0", 12], ["192.168.0.0", 16], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) INTERNAL.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["::ffff:0:0", 96]] as const) {
  INTERNAL.addSubnet(net, prefix, "ipv6");
}

export class ResultDocumentFetcher {
  private readonly allowedOrigins: ReadonlySet<string>;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;

  constructor(options: ResultFetcherOptions) {
    this.allowedOrigins = new Set(options.allowedOrigins.map((origin) => new URL(origin).origin));
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The parsed JSON document; a GatewayError (BACKEND_ERROR, `reason`) for anything refused or unreadable. */
  async fetch(rawUrl: string): Promise<unknown> {
    const url = this.check(rawUrl);
    const body = await this.download(url, !this.allowedOrigins.has(url.origin));
    try {
      return JSON.parse(body.toString("utf8"));
    } catch {
      throw refused("RESULT_NOT_JSON", `the result document at ${describe(url)} is not JSON`);
    }
  }

  /** Why a URL is refused, or the parsed URL; exported for the tests through fetch(). */
  private check(rawUrl: string): URL {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw refused("RESULT_URL_REFUSED", "the backend's result URL is not a URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw refused("RESULT_URL_REFUSED", `the result URL's scheme ${url.protocol} is not http or https`);
    if (url.username || url.password) throw refused("RESULT_URL_REFUSED", "the result URL carries credentials");
    if (this.allowedOrigins.has(url.origin)) return url;
    if (!OSS_HOST.test(url.hostname) || (url.port !== "" && url.port !== "80" && url.port !== "443")) {
      throw refused("RESULT_URL_REFUSED", `the result URL's host ${url.hostname} is not an OSS host`);
    }
    return url;
  }

  private download(url: URL, publicOnly: boolean): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const req = send(url, {
        method: "GET",
        headers: { accept: "application/json, text/plain;q=0.9" },
        lookup: publicOnly ? publicLookup : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      req.on("response", (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          res.resume();
          const what = res.statusCode && res.statusCode >= 300 && res.statusCode < 400 ? "redirected (not followed)" : `answered HTTP ${res.statusCode}`;
          reject(refused("RESULT_UNREADABLE", `the result document at ${describe(url)} ${what}`));
          return;
        }
        const declared = Number(res.headers["content-length"]);
        if (Number.isFinite(declared) && declared > this.maxBytes) {
          res.destroy();
          reject(tooLarge(url, this.maxBytes));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > this.maxBytes) {
            res.destroy();
            reject(tooLarge(url, this.maxBytes));
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () => resolve(Buffer.concat(chunks)));
        res.on("error", (error) => reject(unreadable(url, error)));
      });
      req.on("error", (error) => reject(error instanceof GatewayError ? error : unreadable(url, error)));
      req.end();
    });
  }
}

/** DNS lookup that refuses internal addresses, so the address connected to is the one checked (exported for its test). */
export function publicLookup(
  hostname: string,
  options: object,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    const internal = list.find((a) => isIP(a.address) && INTERNAL.check(a.address, a.family === 6 ? "ipv6" : "ipv4"));
    if (internal || list.length === 0) {
      return callback(refused("RESULT_URL_REFUSED", `the result host ${hostname} resolves to an internal address`) as NodeJS.ErrnoException, []);
    }
    const all = (options as { all?: boolean }).all;
    if (all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  });
}

function describe(url: URL): string {
  // The query of a signed OSS URL holds a signature: never log or answer it.
  return `${url.origin}${url.pathname}`;
}

function refused(reason: string, message: string): GatewayError {
  return new GatewayError("BACKEND_ERROR", `The job's result could not be read: ${message}.`, { reason, retryable: false });
}

function tooLarge(url: URL, maxBytes: number): GatewayError {
  return refused("RESULT_TOO_LARGE", `the result document at ${describe(url)} is over ${maxBytes} bytes`);
}

function unreadable(url: URL, error: Error): GatewayError {
  const timedOut = error.name === "TimeoutError" || error.name === "AbortError";
  return new GatewayError("BACKEND_UNAVAILABLE", `The job's result at ${describe(url)} could not be fetched: ${timedOut ? "timed out" : "connection failed"}.`, {
    reason: "RESULT_UNREACHABLE",
    retryable: true,
  });
}
