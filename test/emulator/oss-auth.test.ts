/**
 * Who may do what on the OSS stand-in: signatures (header V1/V4 and signed URLs), clock
 * skew, accounts that do not exist, and isolation between accounts.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { ALICE, BOB, startTestEmulator } from "./helpers.js";
import { ossClient } from "./oss-client.js";

let emu: RunningEmulator;
const BUCKET = "alice-media";

beforeAll(async () => {
  emu = await startTestEmulator();
  const alice = ossClient(emu);
  await alice.putBucket(BUCKET);
  alice.useBucket(BUCKET);
  await alice.put("clip.mp4", Buffer.from("alice's clip"));
});
afterAll(() => emu.close());

/** A request with a chosen Host header (fetch cannot set Host); answers status, headers and text. */
function raw(o: { method: string; path: string; headers?: Record<string, string> }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: emu.port, method: o.method, path: o.path, headers: o.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe.each([false, true])("signed headers, V4=%s", (v4) => {
  it("refuses a wrong secret with SignatureDoesNotMatch and shows the string it signed", async () => {
    const c = ossClient(emu, { v4, bucket: BUCKET, account: { accessKeyId: ALICE.accessKeyId, accessKeySecret: "not-the-secret" } });
    const err = (await c.get("clip.mp4").catch((e: unknown) => e)) as Record<string, unknown>;
    expect(err).toMatchObject({ name: "SignatureDoesNotMatchError", status: 403, code: "SignatureDoesNotMatch" });
    expect(JSON.stringify(err)).not.toContain(ALICE.accessKeySecret);
    expect(JSON.stringify(err)).not.toContain("not-the-secret");
    expect(String(err.message)).toMatch(/signature we calculated does not match/);
  });

  it("refuses an unknown AccessKeyId", async () => {
    const c = ossClient(emu, { v4, bucket: BUCKET, account: { accessKeyId: "LTAI-nobody", accessKeySecret: "x" } });
    await expect(c.get("clip.mp4")).rejects.toMatchObject({ name: "InvalidAccessKeyIdError", status: 403 });
  });

  it("refuses a request dated more than 15 minutes away, accepts 14", async () => {
    const c = ossClient(emu, { v4, bucket: BUCKET });
    (c as unknown as { options: { amendTimeSkewed: number } }).options.amendTimeSkewed = 16 * 60 * 1000;
    await expect(c.get("clip.mp4")).rejects.toMatchObject({ name: "RequestTimeTooSkewedError", status: 403 });
    (c as unknown as { options: { amendTimeSkewed: number } }).options.amendTimeSkewed = -14 * 60 * 1000;
    expect((await c.get("clip.mp4")).content.toString()).toBe("alice's clip");
  });

  it("keeps accounts apart: another account's bucket is AccessDenied, its name is taken", async () => {
    const bob = ossClient(emu, { v4, account: BOB, bucket: BUCKET });
    await expect(bob.get("clip.mp4")).rejects.toMatchObject({ name: "AccessDeniedError", status: 403 });
    await expect(bob.head("clip.mp4")).rejects.toMatchObject({ name: "AccessDeniedError", status: 403 });
    await expect(bob.put("mine.mp4", Buffer.from("x"))).rejects.toMatchObject({ name: "AccessDeniedError" });
    await expect(bob.list({ "max-keys": 10 }, {})).rejects.toMatchObject({ name: "AccessDeniedError" });
    await expect(bob.delete("clip.mp4")).rejects.toMatchObject({ name: "AccessDeniedError" });
    await expect(bob.putBucket(BUCKET)).rejects.toMatchObject({ name: "BucketAlreadyExistsError", status: 409 });
    // Alice's object is untouched.
    expect((await ossClient(emu, { v4, bucket: BUCKET }).get("clip.mp4")).content.toString()).toBe("alice's clip");
  });
});

describe("accounts", () => {
  it("list only their own buckets", async () => {
    const bob = ossClient(emu, { account: BOB, hostname: "localhost", sld: true });
    await bob.putBucket("bob-media");
    // ali-oss's typings say Bucket[]; the value is { buckets: [...] }.
    const names = async (c: ReturnType<typeof ossClient>) => ((await c.listBuckets({})) as unknown as { buckets: Array<{ name: string }> }).buckets.map((b) => b.name);
    expect(await names(bob)).toEqual(["bob-media"]);
    const alice = await names(ossClient(emu, { hostname: "localhost" }));
    expect(alice).toContain(BUCKET);
    expect(alice).not.toContain("bob-media");
  });

  it("see only their own buckets in-process too", async () => {
    expect(emu.oss.bucket(ALICE.accessKeyId, BUCKET)).toEqual({ name: BUCKET, location: "oss-cn-shanghai", accountId: ALICE.accessKeyId });
    expect(emu.oss.bucket(BOB.accessKeyId, BUCKET)).toBeUndefined();
    expect(await emu.oss.read(BOB.accessKeyId, BUCKET, "clip.mp4")).toBeUndefined();
    expect((await emu.oss.read(ALICE.accessKeyId, BUCKET, "clip.mp4"))!.body.toString()).toBe("alice's clip");
  });
});

describe("anonymous requests", () => {
  it("are refused in OSS's XML: AccessDenied on a bucket that exists, NoSuchBucket otherwise", async () => {
    const denied = await raw({ method: "GET", path: "/clip.mp4", headers: { host: `${BUCKET}.oss-cn-shanghai.aliyuncs.com` } });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message><RequestId>[0-9A-F]{24}<\/RequestId><HostId>alice-media.oss-cn-shanghai.aliyuncs.com<\/HostId><\/Error>/);
    expect(denied.headers["x-oss-request-id"]).toMatch(/^[0-9A-F]{24}$/);
    const missing = await raw({ method: "GET", path: "/clip.mp4", headers: { host: "nobody-here.oss-cn-shanghai.aliyuncs.com" } });
    expect(missing.status).toBe(404);
    expect(missing.body).toContain("<Code>NoSuchBucket</Code>");
    // HEAD has no body: the error travels in x-oss-err.
    const head = await raw({ method: "HEAD", path: "/clip.mp4", headers: { host: `${BUCKET}.oss-cn-shanghai.aliyuncs.com` } });
    expect(head.status).toBe(403);
    expect(Buffer.from(String(head.headers["x-oss-err"]), "base64").toString("utf8")).toContain("<Code>AccessDenied</Code>");
  });

  it("with a wrong-style Authorization header get InvalidArgument", async () => {
    const res = await raw({ method: "GET", path: "/clip.mp4", headers: { host: `${BUCKET}.oss-cn-shanghai.aliyuncs.com`, authorization: "Bearer abc" } });
    expect(res.status).toBe(400);
    expect(res.body).toContain("<Code>InvalidArgument</Code>");
  });
});

describe("signed URLs", () => {
  // ali-oss refuses signatureUrl on an IP endpoint; localhost + path-style gives /bucket/key URLs.
  const signer = () => ossClient(emu, { hostname: "localhost", sld: true, bucket: BUCKET });

  it("from ali-oss signatureUrl open the object for anyone until they expire", async () => {
    const url = signer().signatureUrl("clip.mp4", { expires: 60 });
    expect(url).toMatch(/\/alice-media\/clip\.mp4\?OSSAccessKeyId=LTAI-test-alice&Expires=\d+&Signature=/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("alice's clip");

    const withType = await fetch(signer().signatureUrl("clip.mp4", { expires: 60, response: { "content-type": "text/plain", "content-disposition": "attachment" } }));
    expect(withType.headers.get("content-type")).toBe("text/plain");
    expect(withType.headers.get("content-disposition")).toBe("attachment");
  });

  it("are refused when expired, tampered with, or pointed at another key", async () => {
    const expired = await fetch(signer().signatureUrl("clip.mp4", { expires: -5 }));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired\.<\/Message>/);

    const url = signer().signatureUrl("clip.mp4", { expires: 60 });
    const tampered = await fetch(url.replace(/Signature=[^&]+/, "Signature=AAAA"));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    const elsewhere = await fetch(url.replace("/clip.mp4?", "/other.mp4?"));
    expect(elsewhere.status).toBe(403);
  });

  it("from ali-oss signatureUrlV4 work too, until they expire", async () => {
    const v4 = ossClient(emu, { sld: true, bucket: BUCKET });
    const url = await v4.signatureUrlV4("GET", 60, {}, "clip.mp4");
    expect(url).toContain("x-oss-signature-version=OSS4-HMAC-SHA256");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("alice's clip");
    const tampered = await fetch(url.replace("x-oss-expires=60", "x-oss-expires=61"));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    const expired = await fetch(await v4.signatureUrlV4("GET", 0, {}, "clip.mp4").then(async (u) => (await new Promise((r) => setTimeout(r, 1100)), u)));
    expect(await expired.text()).toContain("Request has expired.");
  });

  it("from the in-process presignedGetUrl work the same way", async () => {
    const written = await emu.oss.write(ALICE.accessKeyId, "oss-cn-shanghai", "dna-results", "fingerprint/video/search_result/5/5.txt", Buffer.from('{"VideoDNA":[]}'), "text/plain");
    expect(written).toMatchObject({ bucket: "dna-results", key: "fingerprint/video/search_result/5/5.txt", size: 15, contentType: "text/plain" });
    const url = emu.oss.presignedGetUrl(ALICE.accessKeyId, "dna-results", "fingerprint/video/search_result/5/5.txt", 60);
    expect(url.startsWith(`${emu.url}/dna-results/fingerprint/video/search_result/5/5.txt?`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ VideoDNA: [] });
    // And ali-oss sees the object the content operations wrote.
    const viaClient = await ossClient(emu, { bucket: "dna-results" }).get("fingerprint/video/search_result/5/5.txt");
    expect(viaClient.content.toString()).toBe('{"VideoDNA":[]}');
  });
});

describe("a key that starts with its own bucket's name", () => {
  it("is told apart from a path-style request by the signature", async () => {
    const hosted = ossClient(emu, { bucket: BUCKET });
    await hosted.put(`${BUCKET}/nested.txt`, Buffer.from("virtual-hosted key"));
    const pathStyle = ossClient(emu, { bucket: BUCKET, sld: true });
    await pathStyle.put("nested.txt", Buffer.from("top-level key"));
    expect((await hosted.get(`${BUCKET}/nested.txt`)).content.toString()).toBe("virtual-hosted key");
    expect((await pathStyle.get("nested.txt")).content.toString()).toBe("top-level key");
    const names = (await hosted.list({ prefix: "", "max-keys": 100 }, {})).objects.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining([`${BUCKET}/nested.txt`, "nested.txt"]));
  });
});
