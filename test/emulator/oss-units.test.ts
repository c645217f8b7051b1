/**
 * The OSS stand-in's pure parts: the signature vectors of the spec
 * (alibaba-fingerprint-content-apis.md section 6), listing pages, Range and path readings.
 */
import { describe, expect, it } from "vitest";
import { parseEmulatorEnv } from "../../src/emulator/env.js";
import { listPage } from "../../src/emulator/oss/listing.js";
import { parseRange } from "../../src/emulator/oss/range.js";
import { parseOssHost, targetsOf } from "../../src/emulator/oss/request-target.js";
import { canonicalizedResource, v1Signature, v1StringToSign } from "../../src/emulator/oss/sign-v1.js";
import { v4CanonicalRequest, v4Signature, v4StringToSign } from "../../src/emulator/oss/sign-v4.js";
import { parseQuery } from "../../src/emulator/oss/handler.js";

describe("OSS V1 signature", () => {
  it("reproduces the spec's vector (secret SECRET, PUT my-bucket/dir/a b+c.mp4, body hello)", () => {
    const date = "Thu, 03 Dec 2026 08:10:02 GMT";
    const stringToSign = v1StringToSign({
      method: "PUT",
      contentMd5: "XUFAKrxLKna5cZ2REBfFkg==",
      contentType: "video/mp4",
      date,
      headers: { "x-oss-date": date, "user-agent": "aliyun-sdk-nodejs/6.23.0", "content-type": "video/mp4" },
      resource: "/my-bucket/dir/a b+c.mp4",
      query: [],
    });
    expect(stringToSign).toBe("PUT\nXUFAKrxLKna5cZ2REBfFkg==\nvideo/mp4\nThu, 03 Dec 2026 08:10:02 GMT\nx-oss-date:Thu, 03 Dec 2026 08:10:02 GMT\n/my-bucket/dir/a b+c.mp4");
    expect(v1Signature("SECRET", stringToSign)).toBe("nUSvFgZodYbMZIYEJMEgYKMldgw=");
  });

  it("signs sub-resources only, sorted, an empty one as a bare name", () => {
    expect(canonicalizedResource("/b/k", [["uploadId", "U1"], ["partNumber", "2"], ["prefix", "x"], ["max-keys", "5"]])).toBe("/b/k?partNumber=2&uploadId=U1");
    expect(canonicalizedResource("/b/k", [["uploads", ""]])).toBe("/b/k?uploads");
    expect(canonicalizedResource("/b/", [["list-type", "2"], ["continuation-token", "abc"]])).toBe("/b/?continuation-token=abc");
  });
});

describe("OSS V4 signature", () => {
  it("reproduces the spec's vector (region cn-shanghai, 20261203T081002Z)", () => {
    const date = "20261203T081002Z";
    const canonical = v4CanonicalRequest({
      method: "PUT",
      bucket: "my-bucket",
      key: "dir/a b+c.mp4",
      query: [],
      headers: { "content-md5": "XUFAKrxLKna5cZ2REBfFkg==", "content-type": "video/mp4", "x-oss-date": date, "x-oss-content-sha256": "UNSIGNED-PAYLOAD", "user-agent": "x" },
      additionalHeaders: [],
      emptyValue: "bare",
    });
    expect(canonical).toBe(
      "PUT\n/my-bucket/dir/a%20b%2Bc.mp4\n\ncontent-md5:XUFAKrxLKna5cZ2REBfFkg==\ncontent-type:video/mp4\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20261203T081002Z\n\n\nUNSIGNED-PAYLOAD",
    );
    const signature = v4Signature("SECRET", "20261203", "cn-shanghai", v4StringToSign(date, "cn-shanghai", canonical));
    // The spec prints cdf9caef…d80bd; this is the whole value ali-oss 6.23.0 computes.
    expect(signature).toBe("cdf9caefa8113c187fe3923ce40f4b164f43d5a372948efac749f1e76aed80bd");
  });

  it("signs every query parameter, encoded and sorted", () => {
    const canonical = v4CanonicalRequest({
      method: "GET",
      bucket: "b",
      query: [["prefix", "a b"], ["list-type", "2"], ["uploads", ""]],
      headers: { "x-oss-date": "20261203T081002Z" },
      additionalHeaders: [],
      emptyValue: "bare",
    });
    expect(canonical.split("\n").slice(0, 3)).toEqual(["GET", "/b/", "list-type=2&prefix=a%20b&uploads"]);
  });
});

describe("where a request points", () => {
  it("reads the bucket and region from an OSS Host header", () => {
    expect(parseOssHost("media.oss-cn-shanghai.aliyuncs.com")).toEqual({ bucket: "media", location: "oss-cn-shanghai", endpoint: "media.oss-cn-shanghai.aliyuncs.com" });
    expect(parseOssHost("media.oss-cn-hangzhou-internal.aliyuncs.com:80")).toMatchObject({ bucket: "media", location: "oss-cn-hangzhou" });
    expect(parseOssHost("127.0.0.1:4100")).toEqual({});
    expect(parseOssHost("ice.cn-shanghai.aliyuncs.com")).toEqual({});
  });

  it("offers both readings when the path starts with the Host's bucket", () => {
    const host = parseOssHost("media.oss-cn-shanghai.aliyuncs.com");
    expect(targetsOf(host, "/media/dir/a%20b%2Bc.mp4")).toEqual([
      { style: "path", bucket: "media", key: "dir/a b+c.mp4" },
      { style: "virtual", bucket: "media", key: "media/dir/a b+c.mp4" },
    ]);
    expect(targetsOf(host, "/x.mp4")).toEqual([{ style: "virtual", bucket: "media", key: "x.mp4" }]);
    expect(targetsOf(host, "/")).toEqual([{ style: "virtual", bucket: "media" }]);
    expect(targetsOf({}, "/media/")).toEqual([{ style: "path", bucket: "media" }]);
    expect(targetsOf({}, "/")).toEqual([{ style: "path" }]);
  });

  it("keeps + as + in query values", () => {
    expect(parseQuery("Signature=a%2Bb+c&uploads")).toEqual([["Signature", "a+b+c"], ["uploads", ""]]);
  });
});

describe("listing pages", () => {
  const keys = ["a/1", "a/2", "b", "c/x/1", "c/y", "d"].sort();
  it("pages through keys with a marker", () => {
    const p1 = listPage(keys, { prefix: "", delimiter: "", after: "", maxKeys: 4 });
    expect(p1).toEqual({ keys: ["a/1", "a/2", "b", "c/x/1"], commonPrefixes: [], isTruncated: true, last: "c/x/1" });
    const p2 = listPage(keys, { prefix: "", delimiter: "", after: p1.last!, maxKeys: 4 });
    expect(p2).toEqual({ keys: ["c/y", "d"], commonPrefixes: [], isTruncated: false, last: "d" });
  });

  it("rolls keys up to the delimiter into common prefixes that count against max-keys", () => {
    const p1 = listPage(keys, { prefix: "", delimiter: "/", after: "", maxKeys: 2 });
    expect(p1).toEqual({ keys: ["b"], commonPrefixes: ["a/"], isTruncated: true, last: "b" });
    const p2 = listPage(keys, { prefix: "", delimiter: "/", after: "b", maxKeys: 2 });
    expect(p2).toEqual({ keys: ["d"], commonPrefixes: ["c/"], isTruncated: false, last: "d" });
    expect(listPage(keys, { prefix: "", delimiter: "/", after: "a/", maxKeys: 1 })).toMatchObject({ keys: ["b"] });
    expect(listPage(keys, { prefix: "c/", delimiter: "/", after: "", maxKeys: 10 })).toMatchObject({ keys: ["c/y"], commonPrefixes: ["c/x/"] });
  });
});

describe("Range", () => {
  it.each([
    ["bytes=0-4", { start: 0, end: 4 }],
    ["bytes=5-", { start: 5, end: 9 }],
    ["bytes=-3", { start: 7, end: 9 }],
    ["bytes=8-100", { start: 8, end: 9 }],
    ["bytes=4-2", undefined],
    ["bytes=0-1,3-4", undefined],
    ["items=0-1", undefined],
  ])("%s of 10 bytes", (header, expected) => {
    expect(parseRange(header, 10)).toEqual(expected);
  });

  it("answers InvalidRange when the start is past the end", () => {
    expect(() => parseRange("bytes=10-", 10)).toThrow(/cannot be satisfied/);
  });
});

describe("environment", () => {
  it("reads EMULATOR_DATA_DIR and EMULATOR_OSS_MAX_OBJECT_BYTES", () => {
    const cfg = parseEmulatorEnv({ EMULATOR_DATA_DIR: "/var/tmp/emu", EMULATOR_OSS_MAX_OBJECT_BYTES: "1000" });
    expect(cfg.options).toMatchObject({ dataDir: "/var/tmp/emu", ossMaxObjectBytes: 1000 });
    expect(parseEmulatorEnv({}).options.ossMaxObjectBytes).toBe(1024 * 1024 * 1024);
  });
});
