/** Units of the content operations that need no server: input parsing, tokens, number strings, env. */
import { describe, expect, it } from "vitest";
import { parseIceInput, parseMpsInput } from "../../src/emulator/content/media-input.js";
import { decodeToken, encodeToken, page } from "../../src/emulator/content/paging.js";
import { decimal, iceDnaDocument, mpsFpShotResult } from "../../src/emulator/content/result-shapes.js";
import { EnvError, parseEmulatorEnv } from "../../src/emulator/env.js";
import { ApiError } from "../../src/emulator/errors.js";

describe("inputs", () => {
  it("reads the ICE OSS forms and media ids", () => {
    expect(parseIceInput('{"Type":"OSS","Media":"oss://b-1/dir/a b.mp4"}').ref).toEqual({ type: "oss", bucket: "b-1", key: "dir/a b.mp4" });
    expect(parseIceInput('{"Type":"oss","Media":"https://b-1.oss-cn-beijing-internal.aliyuncs.com/dir/a%20b.mp4"}').ref).toEqual({ type: "oss", bucket: "b-1", key: "dir/a b.mp4", location: "oss-cn-beijing" });
    expect(parseIceInput('{"Type":"Media","Media":"abc"}').ref).toEqual({ type: "asset", id: "abc" });
    expect(() => parseIceInput('{"Type":"OSS","Media":"oss://Bad_Bucket/a"}')).toThrow(/is not a valid OSS bucket name/);
    expect(() => parseIceInput('{"Type":"OSS","Media":"oss://bucket"}')).toThrow(/names no object/);
    expect(() => parseIceInput("[1]")).toThrow(ApiError);
  });

  it("reads the MPS triple with its URL-encoded Object", () => {
    const p = parseMpsInput('{"Bucket":"media","Location":"oss-cn-shanghai","Object":"dir%2Fa%20b%2Bc.mp4"}');
    expect(p.ref).toEqual({ type: "oss", bucket: "media", key: "dir/a b+c.mp4", location: "oss-cn-shanghai" });
    expect(p.inputFile).toEqual({ Bucket: "media", Location: "oss-cn-shanghai", Object: "dir%2Fa%20b%2Bc.mp4" });
    expect(parseMpsInput('{"MediaId":"99238"}').ref).toEqual({ type: "asset", id: "99238" });
    expect(parseMpsInput("http://media.oss-cn-shanghai.aliyuncs.com/a.mp4").ref).toMatchObject({ bucket: "media", key: "a.mp4" });
  });
});

describe("paging", () => {
  it("round-trips tokens and refuses other scopes and garbage", () => {
    const t = encodeToken("lib:1", 42);
    expect(decodeToken("NextPageToken", t, "lib:1")).toBe(42);
    expect(() => decodeToken("NextPageToken", t, "lib:2")).toThrow(/different listing/);
    expect(() => decodeToken("NextPageToken", "%%%", "lib:1")).toThrow(/not a token/);
    expect(decodeToken("NextPageToken", undefined, "x")).toBe(0);
  });

  it("does not repeat or skip items deleted between pages", () => {
    const items = [1, 2, 3, 4, 5].map((seq) => ({ seq }));
    const first = page(items, 0, 2, "s");
    expect(first.items.map((i) => i.seq)).toEqual([1, 2]);
    const after = decodeToken("t", first.next, "s");
    expect(page(items.filter((i) => i.seq !== 3), after, 2, "s").items.map((i) => i.seq)).toEqual([4, 5]);
  });
});

describe("result shapes", () => {
  it("prints numbers as decimal strings", () => {
    expect([decimal(2), decimal(0.98), decimal(1 / 3), decimal(12.5)]).toEqual(["2.0", "0.98", "0.333", "12.5"]);
  });

  it("uses VOD's VideoDNA shape and MPS's wrappers", () => {
    const hits = [{ primaryKey: "k", similarity: 0.9, segments: [{ inputStart: 2, inputEnd: 14, matchStart: 2, matchEnd: 14 }] }];
    expect(iceDnaDocument("video", hits)).toEqual({ VideoDNA: [{ PrimaryKey: "k", Similarity: "0.9", Detail: [{ Input: { Start: "2.0", Duration: "12.0" }, Duplication: { Start: "2.0", Duration: "12.0" } }] }] });
    expect(mpsFpShotResult("image", [{ primaryKey: "i", similarity: 1, segments: [] }])).toEqual({ FpShots: { FpShot: [{ PrimaryKey: "i", Similarity: "1.0", FpShotSlices: { FpShotSlice: [] } }] } });
  });
});

describe("environment", () => {
  it("reads the job timing variables", () => {
    const cfg = parseEmulatorEnv({ EMULATOR_JOB_QUEUE_DELAY_MS: "0", EMULATOR_JOB_SECONDS_PER_MEDIA_SECOND: "0.05" });
    expect(cfg.options).toMatchObject({ jobQueueDelayMs: 0, jobSecondsPerMediaSecond: 0.05 });
    expect(() => parseEmulatorEnv({ EMULATOR_JOB_SECONDS_PER_MEDIA_SECOND: "fast" })).toThrow(EnvError);
  });
});
