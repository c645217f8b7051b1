/**
 * The OSS stand-in's size cap (ossMaxObjectBytes), its data folder (dataDir) and its
 * place in the control API (state listing, reset).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { ALICE, controlHttp, eventually, startTestEmulator } from "./helpers.js";
import { ossClient } from "./oss-client.js";

const CAP = 300 * 1024;
let emu: RunningEmulator;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "oss-data-"));
  emu = await startTestEmulator({ dataDir, ossMaxObjectBytes: CAP });
  await ossClient(emu).putBucket("capped");
});
afterAll(async () => {
  await emu.close();
  await rm(dataDir, { recursive: true, force: true });
});

const client = () => ossClient(emu, { bucket: "capped" });

describe("ossMaxObjectBytes", () => {
  it("accepts an object of exactly the cap and refuses one byte more with EntityTooLarge", async () => {
    const c = client();
    await c.put("exact.bin", Buffer.alloc(CAP, 1));
    const err = (await c.put("over.bin", Buffer.alloc(CAP + 1, 1)).catch((e: unknown) => e)) as Record<string, unknown>;
    expect(err).toMatchObject({ name: "EntityTooLargeError", status: 400, code: "EntityTooLarge" });
    expect(String(err.message)).toContain(String(CAP));
    await expect(c.head("over.bin")).rejects.toMatchObject({ name: "NoSuchKeyError" });
  });

  it("stops a chunked stream at the cap, keeps no partial file, and the client can go on", async () => {
    const c = client();
    const before = await readdir(dataFolder());
    // No Content-Length: ali-oss sends Transfer-Encoding: chunked, so the cap is found while streaming.
    const chunks = function* () {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(64 * 1024, i);
    };
    await expect(c.putStream("stream.bin", Readable.from(chunks()))).rejects.toMatchObject({ name: "EntityTooLargeError", status: 400 });
    await eventually(async () => (await readdir(dataFolder())).length === before.length);
    const small = await c.putStream("small-stream.bin", Readable.from([Buffer.from("abc"), Buffer.from("def")]));
    expect(small.res.status).toBe(200);
    expect((await c.get("small-stream.bin")).content.toString()).toBe("abcdef");
  });

  it("applies to a completed multipart upload as a whole", async () => {
    const file = join(dataDir, "too-big-upload.bin");
    await writeFile(file, randomBytes(CAP + 50 * 1024));
    await expect(client().multipartUpload("too-big.mp4", file, { partSize: 100 * 1024 })).rejects.toMatchObject({ name: "EntityTooLargeError", status: 400 });
    await expect(client().head("too-big.mp4")).rejects.toMatchObject({ name: "NoSuchKeyError" });
  });

  it("can be changed at run time", async () => {
    emu.control.updateSettings({ ossMaxObjectBytes: 10 });
    try {
      await expect(client().put("eleven.txt", Buffer.from("hello world"))).rejects.toMatchObject({ name: "EntityTooLargeError" });
    } finally {
      emu.control.updateSettings({ ossMaxObjectBytes: CAP });
    }
    expect((await controlHttp(emu, "PATCH", "settings", { ossMaxObjectBytes: -1 })).status).toBe(400);
  });
});

describe("request checks", () => {
  it("refuses a body whose Content-MD5 does not match", async () => {
    await expect(client().put("md5.txt", Buffer.from("hello"), { headers: { "Content-MD5": createHash("md5").update("other").digest("base64") } })).rejects.toMatchObject({
      name: "InvalidDigestError",
      status: 400,
    });
  });

  it("answers NoSuchUpload for a part of an unknown upload and InvalidPart for a wrong ETag", async () => {
    const c = client();
    const file = join(dataDir, "part.bin");
    await writeFile(file, randomBytes(200 * 1024));
    await expect(c.uploadPart("x.bin", "0123456789ABCDEF0123456789ABCDEF", 1, file, 0, 100 * 1024)).rejects.toMatchObject({ name: "NoSuchUploadError", status: 404 });
    const { uploadId } = await c.initMultipartUpload("x.bin");
    const p1 = await c.uploadPart("x.bin", uploadId, 1, file, 0, 100 * 1024);
    await expect(c.completeMultipartUpload("x.bin", uploadId, [{ number: 1, etag: '"00000000000000000000000000000000"' }])).rejects.toMatchObject({ name: "InvalidPartError", status: 400 });
    const small = await c.uploadPart("x.bin", uploadId, 2, file, 0, 10);
    const p3 = await c.uploadPart("x.bin", uploadId, 3, file, 0, 10);
    // Every part but the last must be at least 100 KB.
    await expect(c.completeMultipartUpload("x.bin", uploadId, [{ number: 1, etag: p1.etag }, { number: 2, etag: small.etag }, { number: 3, etag: p3.etag }])).rejects.toMatchObject({ name: "EntityTooSmallError" });
    const done = await c.completeMultipartUpload("x.bin", uploadId, [{ number: 1, etag: p1.etag }, { number: 2, etag: small.etag }]);
    expect(done.res.status).toBe(200);
    expect((await c.head("x.bin")).res.headers).toMatchObject({ "content-length": String(100 * 1024 + 10) });
    await expect(c.uploadPart("x.bin", uploadId, 0, file, 0, 10)).rejects.toMatchObject({ status: 400 });
  });
});

/** This instance's folder inside dataDir. */
function dataFolder(): string {
  const root = (emu.oss as unknown as { root: string }).root;
  expect(root.startsWith(join(dataDir, "oss-"))).toBe(true);
  return root;
}

describe("data folder and control API", () => {
  it("keeps object bytes as files under dataDir, one per object", async () => {
    const c = client();
    const before = (await readdir(dataFolder())).length;
    await c.put("file-count.bin", Buffer.from("x"));
    expect((await readdir(dataFolder())).length).toBe(before + 1);
    await c.put("file-count.bin", Buffer.from("y"));
    await eventually(async () => (await readdir(dataFolder())).length === before + 1);
    await c.delete("file-count.bin");
    await eventually(async () => (await readdir(dataFolder())).length === before);
  });

  it("lists buckets and objects (keys and sizes) in GET /_emulator/state", async () => {
    await ossClient(emu).putBucket("listed");
    await ossClient(emu, { bucket: "listed" }).put("a/b.txt", Buffer.from("12345"));
    const { body } = await controlHttp(emu, "GET", "state");
    expect(body.oss.buckets).toContainEqual({
      name: "listed",
      location: "oss-cn-shanghai",
      owner: ALICE.accessKeyId,
      objects: [{ key: "a/b.txt", size: 5, etag: `"${createHash("md5").update("12345").digest("hex").toUpperCase()}"`, contentType: "text/plain" }],
      multipartUploads: 0,
    });
  });

  it("POST /_emulator/reset removes every bucket, object and file", async () => {
    const other = await startTestEmulator({ dataDir });
    try {
      const root = (other.oss as unknown as { root: string }).root;
      await ossClient(other).putBucket("to-reset");
      await ossClient(other, { bucket: "to-reset" }).put("k", Buffer.from("v"));
      expect((await readdir(root)).length).toBe(1);
      expect((await controlHttp(other, "POST", "reset")).status).toBe(200);
      expect(other.control.state().oss.buckets).toEqual([]);
      await eventually(async () => (await readdir(root)).length === 0);
      await expect(ossClient(other, { bucket: "to-reset" }).get("k")).rejects.toMatchObject({ name: "NoSuchBucketError" });
    } finally {
      await other.close();
    }
  });

  it("removes its folder on close", async () => {
    const other = await startTestEmulator({ dataDir });
    const root = (other.oss as unknown as { root: string }).root;
    expect(existsSync(root)).toBe(true);
    await other.close();
    expect(existsSync(root)).toBe(false);
  });
});
