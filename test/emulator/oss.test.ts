/**
 * The OSS stand-in driven by the official ali-oss client, in both host forms (bucket in
 * the Host header; path-style with sldEnable) and both signing versions (V1; V4).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { startTestEmulator } from "./helpers.js";
import { ossClient } from "./oss-client.js";

let emu: RunningEmulator;
let scratch: string;
beforeAll(async () => {
  emu = await startTestEmulator();
  scratch = await mkdtemp(join(tmpdir(), "oss-test-"));
});
afterAll(async () => {
  await emu.close();
  await rm(scratch, { recursive: true, force: true });
});

/** ali-oss's typings leave response headers untyped. */
const headersOf = (r: { res: unknown }) => (r.res as { headers: Record<string, string> }).headers;

const FORMS = [
  { label: "V1, bucket in Host", v4: false, sld: false },
  { label: "V1, path-style (sldEnable)", v4: false, sld: true },
  { label: "V4, bucket in Host", v4: true, sld: false },
  { label: "V4, path-style (sldEnable)", v4: true, sld: true },
];

describe.each(FORMS)("ali-oss, $label", ({ v4, sld }) => {
  const bucket = `media-${v4 ? "v4" : "v1"}-${sld ? "path" : "host"}`;
  const client = () => ossClient(emu, { v4, sld, bucket });

  beforeAll(async () => {
    const created = await ossClient(emu, { v4, sld }).putBucket(bucket);
    expect(created.bucket).toBe(bucket);
  });

  it("puts, gets, heads and deletes an object whose key needs escaping", async () => {
    const c = client();
    const key = "dir/a b+c (1)é.mp4";
    const put = await c.put(key, Buffer.from("hello world"), { meta: { origin: "test" } } as never);
    expect(put.res.status).toBe(200);
    expect(headersOf(put)["etag"]).toBe(`"${createHash("md5").update("hello world").digest("hex").toUpperCase()}"`);
    expect(headersOf(put)["x-oss-request-id"]).toMatch(/^[0-9A-F]{24}$/);

    const got = await c.get(key);
    expect(got.content.toString()).toBe("hello world");
    expect(headersOf(got)["content-type"]).toBe("video/mp4");

    const head = await c.head(key);
    expect(head.status).toBe(200);
    expect(head.meta).toEqual({ origin: "test" });
    expect(headersOf(head)["content-length"]).toBe("11");

    const meta = await (c as unknown as { getObjectMeta(k: string): Promise<{ res: unknown }> }).getObjectMeta(key);
    expect(headersOf(meta)["content-length"]).toBe("11");

    await c.delete(key);
    await expect(c.get(key)).rejects.toMatchObject({ name: "NoSuchKeyError", status: 404, code: "NoSuchKey" });
    await expect(c.head(key)).rejects.toMatchObject({ name: "NoSuchKeyError", status: 404 });
    // Deleting a missing key succeeds, as on OSS.
    expect((await c.delete(key)).res.status).toBe(204);
  });

  it("keeps an object when the upload says x-oss-forbid-overwrite", async () => {
    const c = client();
    await c.put("once.txt", Buffer.from("first"), { headers: { "x-oss-forbid-overwrite": "true" } });
    await expect(c.put("once.txt", Buffer.from("second"), { headers: { "x-oss-forbid-overwrite": "true" } })).rejects.toMatchObject({ name: "FileAlreadyExistsError", status: 409 });
    expect((await c.get("once.txt")).content.toString()).toBe("first");
  });

  it("serves byte ranges", async () => {
    const c = client();
    await c.put("range.bin", Buffer.from("0123456789"));
    const first = await c.get("range.bin", { headers: { Range: "bytes=0-3" } });
    expect(first.res.status).toBe(206);
    expect(first.content.toString()).toBe("0123");
    expect(headersOf(first)["content-range"]).toBe("bytes 0-3/10");
    expect((await c.get("range.bin", { headers: { Range: "bytes=7-" } })).content.toString()).toBe("789");
    expect((await c.get("range.bin", { headers: { Range: "bytes=-2" } })).content.toString()).toBe("89");
    await expect(c.get("range.bin", { headers: { Range: "bytes=10-20" } })).rejects.toMatchObject({ name: "InvalidRangeError", status: 416 });
  });

  it("pages a listing with marker (v1) and continuation token (v2), prefix and delimiter", async () => {
    const c = client();
    const keys = ["list/a/1", "list/a/2", "list/b", "list/c/1", "list/d", "list/e", "other"];
    for (const k of keys) await c.put(k, Buffer.from(k));

    const v1: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await c.list({ prefix: "list/", "max-keys": 2, ...(marker ? { marker } : {}) }, {});
      v1.push(...page.objects.map((o) => o.name));
      pages++;
      if (!page.isTruncated) break;
      marker = page.nextMarker!;
    }
    expect(v1).toEqual(keys.filter((k) => k.startsWith("list/")));
    expect(pages).toBe(3);

    const v2: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await c.listV2({ prefix: "list/", "max-keys": "2", ...(token ? { "continuation-token": token } : {}) }, {});
      expect(page.keyCount).toBe(page.objects.length);
      v2.push(...page.objects.map((o) => o.name));
      if (!page.isTruncated) break;
      token = page.nextContinuationToken!;
    }
    expect(v2).toEqual(v1);

    // Empty parameters are signed as "k=" by ali-oss V4; the stand-in accepts that form too.
    const everything = await c.listV2({ prefix: "", delimiter: "", "max-keys": "1000" }, {});
    expect(everything.objects.map((o) => o.name)).toEqual(expect.arrayContaining(keys));

    const rolled = await c.listV2({ prefix: "list/", delimiter: "/" }, {});
    expect(rolled.objects.map((o) => o.name)).toEqual(["list/b", "list/d", "list/e"]);
    expect(rolled.prefixes).toEqual(["list/a/", "list/c/"]);
    const rolledV1 = await c.list({ prefix: "list/", delimiter: "/", "max-keys": 3 }, {});
    expect([...rolledV1.prefixes!, ...rolledV1.objects.map((o) => o.name)].sort()).toEqual(["list/a/", "list/b", "list/c/"]);
    expect(rolledV1.isTruncated).toBe(true);
  });

  it("uploads a file over the part size with multipartUpload", async () => {
    const c = client();
    const bytes = randomBytes(350 * 1024 + 17);
    const file = join(scratch, `${bucket}.bin`);
    await writeFile(file, bytes);
    const seen: number[] = [];
    const result = await c.multipartUpload("big/video.mp4", file, { partSize: 100 * 1024, progress: (p: number) => void seen.push(p) });
    expect(result.res.status).toBe(200);
    expect(result.etag).toMatch(/^"[0-9A-F]{32}-4"$/);
    expect(seen.at(-1)).toBe(1);

    const got = await c.get("big/video.mp4");
    expect(Buffer.compare(got.content, bytes)).toBe(0);
    const head = await c.head("big/video.mp4");
    expect(headersOf(head)["x-oss-object-type"]).toBe("Multipart");
    const tail = await c.get("big/video.mp4", { headers: { Range: "bytes=307200-307209" } });
    expect(Buffer.compare(tail.content, bytes.subarray(307200, 307210))).toBe(0);
  });

  it("lets a reader finish the version it opened while the key is overwritten and deleted", async () => {
    const c = client();
    const old = randomBytes(4 * 1024 * 1024);
    await c.put("moving.bin", old);
    const reading = await c.getStream("moving.bin");
    await c.put("moving.bin", Buffer.from("new"));
    await c.delete("moving.bin");
    const chunks: Buffer[] = [];
    for await (const chunk of reading.stream) chunks.push(chunk as Buffer);
    expect(Buffer.compare(Buffer.concat(chunks), old)).toBe(0);
  });

  it("aborts a multipart upload", async () => {
    const c = client();
    const { uploadId } = await c.initMultipartUpload("aborted.bin");
    await c.uploadPart("aborted.bin", uploadId, 1, join(scratch, `${bucket}.bin`), 0, 100 * 1024);
    expect(emu.control.state().oss.buckets.find((b) => b.name === bucket)!.multipartUploads).toBe(1);
    await c.abortMultipartUpload("aborted.bin", uploadId);
    await expect(c.completeMultipartUpload("aborted.bin", uploadId, [{ number: 1, etag: '"X"' }])).rejects.toMatchObject({ name: "NoSuchUploadError", status: 404 });
    await expect(c.get("aborted.bin")).rejects.toMatchObject({ name: "NoSuchKeyError" });
  });

  it("answers NoSuchBucket for a bucket nobody created", async () => {
    const c = ossClient(emu, { v4, sld, bucket: `${bucket}-missing` });
    const err = await c.get("x").catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "NoSuchBucketError", status: 404, code: "NoSuchBucket" });
    expect((err as { requestId: string }).requestId).toMatch(/^[0-9A-F]{24}$/);
    await expect(c.put("x", Buffer.from("x"))).rejects.toMatchObject({ name: "NoSuchBucketError" });
  });
});

describe("ali-oss bucket operations", () => {
  it("creates buckets in the Host's region and lists only the caller's", async () => {
    const hz = ossClient(emu, { region: "oss-cn-hangzhou" });
    await hz.putBucket("where-am-i");
    hz.useBucket("where-am-i");
    expect((await hz.getBucketLocation("where-am-i")).location).toBe("oss-cn-hangzhou");
    expect((await hz.getBucketInfo("where-am-i")).bucket).toMatchObject({ Name: "where-am-i", Location: "oss-cn-hangzhou" });
    // Creating it again is harmless for its owner.
    await hz.putBucket("where-am-i");

    // Another region's endpoint is refused, as OSS does.
    const sh = ossClient(emu, { region: "oss-cn-shanghai", bucket: "where-am-i" });
    await expect(sh.put("k", Buffer.from("x"))).rejects.toMatchObject({ name: "AccessDeniedError", status: 403 });

    await hz.put("k", Buffer.from("x"));
    await expect(hz.deleteBucket("where-am-i")).rejects.toMatchObject({ name: "BucketNotEmptyError", status: 409 });
    await hz.deleteMulti(["k"]);
    await hz.deleteBucket("where-am-i");
    await expect(hz.getBucketInfo("where-am-i")).rejects.toMatchObject({ name: "NoSuchBucketError" });
  });
});
