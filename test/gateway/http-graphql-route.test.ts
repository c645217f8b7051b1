/**
 * /graphql's one route to Apollo (src/server/http-graphql-route.ts, http-body.ts): the body
 * edge cases answered as body-parser answered them (limits, chunks, compressed bodies,
 * charsets), GET queries, the methods and media types it refuses.
 */
import { request } from "node:http";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/gateway-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_BODY_BYTES: "2000" } });
});
afterAll(() => h.close());

const QUERY = JSON.stringify({ query: "{ fingerprintLibraries { totalCount } }" });
const errorBody = async (response: Response) => ((await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> }).errors[0];

/** A raw POST with a chunked body (no Content-Length), which fetch cannot send on demand. */
function postChunked(chunks: string[]): Promise<{ status: number; body: string }> {
  const url = new URL(h.gateway.graphqlUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** A POST of QUERY with exactly this Accept header, or none (fetch always sends one). */
function postWithAccept(accept: string | undefined): Promise<{ status: number; contentType: string | undefined; body: string }> {
  const url = new URL(h.gateway.graphqlUrl);
  const headers: Record<string, string | number> = { "content-type": "application/json", "content-length": Buffer.byteLength(QUERY) };
  if (accept !== undefined) headers.accept = accept;
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve({ status: res.statusCode!, contentType: res.headers["content-type"], body }));
    });
    req.on("error", reject);
    req.end(QUERY);
  });
}

describe("the /graphql route to Apollo", () => {
  it("answers a plain JSON POST, with or without a utf-8 charset, and with a query string", async () => {
    for (const contentType of ["application/json", "application/json; charset=utf-8", 'Application/JSON;charset="UTF-8"']) {
      const response = await h.post(QUERY, { "content-type": contentType });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
    }
    const withQuery = await fetch(`${h.gateway.graphqlUrl}?x=1`, { method: "POST", headers: { "content-type": "application/json" }, body: QUERY });
    expect(await withQuery.json()).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
  });

  it("answers the same JSON for Accept */*, application/json or none (they reach Apollo as none), and negotiates any other Accept as sent", async () => {
    const answers = [];
    for (const accept of [undefined, "*/*", "application/json"]) answers.push(await postWithAccept(accept));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.contentType).toBe("application/json; charset=utf-8");
      expect(JSON.parse(answer.body)).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
    }
    const graphqlResponse = await postWithAccept("application/graphql-response+json, application/json;q=0.9");
    expect(graphqlResponse.contentType).toBe("application/graphql-response+json; charset=utf-8");
    const nothingServed = await postWithAccept("text/html");
    expect(nothingServed.status).toBe(406);
  });

  it("reads leading whitespace like body-parser, and refuses JSON that is not an object or array", async () => {
    expect((await h.post(`\n  ${QUERY}`)).status).toBe(200);
    for (const body of ["123", '"query"', "null", "{ nope"]) {
      const response = await h.post(body);
      expect(response.status).toBe(400);
      expect(await errorBody(response)).toEqual({ message: "The request body is not valid JSON.", extensions: { code: "BAD_USER_INPUT" } });
    }
  });

  it("refuses an oversized body with 413, whether Content-Length announces it or the chunks reveal it", async () => {
    const big = JSON.stringify({ query: "{ fingerprintLibraries { totalCount } }", variables: { pad: "x".repeat(5000) } });
    const announced = await h.post(big);
    expect(announced.status).toBe(413);
    expect(await errorBody(announced)).toEqual({ message: "The request body is larger than 2000 bytes (MAX_BODY_BYTES).", extensions: { code: "BAD_USER_INPUT" } });
    const chunked = await postChunked([big.slice(0, 1500), big.slice(1500)]);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).errors[0].message).toMatch(/larger than 2000 bytes/);
    // The connection is still usable, and a body in several chunks under the limit is read whole.
    const ok = await postChunked([QUERY.slice(0, 10), QUERY.slice(10)]);
    expect(JSON.parse(ok.body)).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
  });

  it("leaves an empty chunked body to Apollo as {}, which it refuses as a bad request", async () => {
    const empty = await postChunked([]);
    expect(empty.status).toBe(400);
  });

  it("reads gzip, deflate and br bodies, limits them by their decompressed size, and refuses another encoding or charset with 415", async () => {
    for (const [encoding, compress] of [["gzip", gzipSync], ["deflate", deflateSync], ["br", brotliCompressSync]] as const) {
      const compressed = await fetch(h.gateway.graphqlUrl, { method: "POST", headers: { "content-type": "application/json", "content-encoding": encoding }, body: compress(QUERY) });
      expect(await compressed.json()).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
    }
    // A bomb: 60 bytes on the wire, 5 kB once inflated.
    const bomb = gzipSync(JSON.stringify({ query: "{ fingerprintLibraries { totalCount } }", variables: { pad: "x".repeat(5000) } }));
    const inflated = await fetch(h.gateway.graphqlUrl, { method: "POST", headers: { "content-type": "application/json", "content-encoding": "gzip" }, body: bomb });
    expect(inflated.status).toBe(413);
    const corrupt = await fetch(h.gateway.graphqlUrl, { method: "POST", headers: { "content-type": "application/json", "content-encoding": "gzip" }, body: "not gzip" });
    expect(corrupt.status).toBe(400);
    expect((await errorBody(corrupt)).message).toBe("The request body could not be decompressed.");
    const zstd = await h.post(QUERY, { "content-type": "application/json", "content-encoding": "zstd" });
    expect(zstd.status).toBe(415);
    const latin1 = await h.post(QUERY, { "content-type": "application/json; charset=latin1" });
    expect(latin1.status).toBe(415);
    expect((await errorBody(latin1)).message).toMatch(/charset "latin1" is not supported; send UTF-8/);
  });

  it("serves a query over GET, and refuses a mutation over GET with 405", async () => {
    const query = await fetch(`${h.gateway.graphqlUrl}?query=${encodeURIComponent("{ fingerprintLibraries { totalCount } }")}`);
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ data: { fingerprintLibraries: { totalCount: 0 } } });
    const mutation = `mutation { createFingerprintLibrary(input: { name: "over-get", model: VIDEO }) { library { id } } }`;
    const refused = await fetch(`${h.gateway.graphqlUrl}?query=${encodeURIComponent(mutation)}`);
    expect(refused.status).toBe(405);
    expect((await h.gql("{ fingerprintLibraries { totalCount } }")).data).toEqual({ fingerprintLibraries: { totalCount: 0 } });
  });

  it("refuses other methods with 405 and Allow, and other media types with 415", async () => {
    const put = await fetch(h.gateway.graphqlUrl, { method: "PUT", headers: { "content-type": "application/json" }, body: QUERY });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST");
    const graphqlBody = await h.post("{ fingerprintLibraries { totalCount } }", { "content-type": "application/graphql" });
    expect(graphqlBody.status).toBe(415);
    expect((await errorBody(graphqlBody)).message).toMatch(/Content-Type: application\/json/);
  });
});
