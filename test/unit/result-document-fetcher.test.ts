import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResultDocumentFetcher, publicLookup } from "../../src/backends/result-document-fetcher.js";
import { GatewayError } from "../../src/domain/errors.js";

let server: Server;
let origin: string;
let hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    req.url = (req.url ?? "").split("?")[0];
    if (req.url === "/ok.json") return void res.end(JSON.stringify({ VideoDNA: [] }));
    if (req.url === "/redirect") return void res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    if (req.url === "/big") return void res.end(Buffer.alloc(2048, 32));
    if (req.url === "/not-json") return void res.end("<html>");
    if (req.url === "/slow") return void setTimeout(() => res.end("{}"), 2_000);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const reasonOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayError);
  return (error as GatewayError).details.reason;
};

describe("ResultDocumentFetcher", () => {
  const fetcher = () => new ResultDocumentFetcher({ allowedOrigins: [origin], maxBytes: 1024, timeoutMs: 500 });

  it("fetches JSON from an allowed origin", async () => {
    await expect(fetcher().fetch(`${origin}/ok.json?Signature=secret`)).resolves.toEqual({ VideoDNA: [] });
  });

  it("refuses hosts that are neither OSS nor configured, without sending anything", async () => {
    hits = [];
    const other = origin.replace("127.0.0.1", "localhost");
    expect(await reasonOf(fetcher().fetch(`${other}/ok.json`))).toBe("RESULT_URL_REFUSED");
    expect(await reasonOf(fetcher().fetch("http://169.254.169.254/latest/meta-data/"))).toBe("RESULT_URL_REFUSED");
    expect(await reasonOf(fetcher().fetch("file:///etc/passwd"))).toBe("RESULT_URL_REFUSED");
    expect(await reasonOf(fetcher().fetch("http://user:pw@bucket.oss-cn-shanghai.aliyuncs.com/x"))).toBe("RESULT_URL_REFUSED");
    expect(await reasonOf(fetcher().fetch("http://bucket.oss-cn-shanghai.aliyuncs.com:8080/x"))).toBe("RESULT_URL_REFUSED");
    expect(await reasonOf(fetcher().fetch("not a url"))).toBe("RESULT_URL_REFUSED");
    expect(hits).toEqual([]);
  });

  it("follows no redirect", async () => {
    expect(await reasonOf(fetcher().fetch(`${origin}/redirect`))).toBe("RESULT_UNREADABLE");
  });

  it("caps the size and the time, and wants JSON", async () => {
    expect(await reasonOf(fetcher().fetch(`${origin}/big`))).toBe("RESULT_TOO_LARGE");
    expect(await reasonOf(fetcher().fetch(`${origin}/slow`))).toBe("RESULT_UNREACHABLE");
    expect(await reasonOf(fetcher().fetch(`${origin}/not-json`))).toBe("RESULT_NOT_JSON");
  });

  it("never answers the signed query of the URL in its messages", async () => {
    const error = await fetcher().fetch(`${origin}/missing?OSSAccessKeyId=AK&Signature=s3cr3t`).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain("s3cr3t");
  });

  it("resolves OSS hosts only to public addresses", async () => {
    const result = await new Promise<Error | null>((resolve) => publicLookup("localhost", {}, (error) => resolve(error)));
    expect(result).toBeInstanceOf(GatewayError);
    expect((result as GatewayError).details.reason).toBe("RESULT_URL_REFUSED");
  });
});
