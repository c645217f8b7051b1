import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/domain/errors.js";
import { submitJobHash, validateSubmitJob, type SubmitJobRequest } from "../../src/domain/job-input.js";

const ice = { region: "cn-shanghai", backend: "ICE" as const };
const mps = { region: "cn-beijing", backend: "MPS" as const };
const oss = { oss: { bucket: "media-bucket", object: "clips/a b+c.mp4" } };

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe("BAD_USER_INPUT");
    return (error as GatewayError).details.field as string;
  }
  throw new Error("expected a BAD_USER_INPUT");
}

describe("validateSubmitJob", () => {
  it("defaults the OSS location to the library's region and the threshold to 0.8", () => {
    const job = validateSubmitJob({ media: oss, mode: "SAVE", primaryKey: "clip-1" }, ice);
    expect(job.media).toEqual({ kind: "oss", bucket: "media-bucket", object: "clips/a b+c.mp4", location: "oss-cn-shanghai" });
    expect(job.similarityThreshold).toBe(0.8);
    expect(job.generatedPrimaryKey).toBe(false);
  });

  it("generates a key for a SEARCH without one, and requires one for every mode that stores", () => {
    const job = validateSubmitJob({ media: oss, mode: "SEARCH" }, ice);
    expect(job.primaryKey).toMatch(/^search-[0-9a-f-]{36}$/);
    expect(job.generatedPrimaryKey).toBe(true);
    for (const mode of ["SAVE", "SEARCH_AND_SAVE", "SEARCH_AND_SAVE_IF_UNIQUE"] as const) {
      expect(fieldOf(() => validateSubmitJob({ media: oss, mode }, ice))).toBe("primaryKey");
    }
  });

  it("refuses what would fail later on a backend or in a database", () => {
    const base: SubmitJobRequest = { media: oss, mode: "SAVE", primaryKey: "k" };
    expect(fieldOf(() => validateSubmitJob({ ...base, primaryKey: "a,b" }, ice))).toBe("primaryKey");
    expect(fieldOf(() => validateSubmitJob({ ...base, media: {} }, ice))).toBe("media");
    expect(fieldOf(() => validateSubmitJob({ ...base, media: { ...oss, mediaId: "x" } }, ice))).toBe("media");
    expect(fieldOf(() => validateSubmitJob({ ...base, media: { mediaId: "abc" } }, mps))).toBe("media.mediaId");
    expect(fieldOf(() => validateSubmitJob({ ...base, media: { oss: { bucket: "Bad_Bucket", object: "x" } } }, ice))).toBe("media.oss.bucket");
    expect(fieldOf(() => validateSubmitJob({ ...base, media: { oss: { bucket: "media-bucket", object: "/x" } } }, ice))).toBe("media.oss.object");
    expect(fieldOf(() => validateSubmitJob({ ...base, media: { oss: { bucket: "media-bucket", object: "a\u0000b" } } }, ice))).toBe("media.oss.object");
    expect(fieldOf(() => validateSubmitJob({ ...base, media: { oss: { bucket: "media-bucket", object: "x", location: "oss-cn-beijing" } } }, ice))).toBe("media.oss.location");
    expect(fieldOf(() => validateSubmitJob({ ...base, similarityThreshold: 1.5 }, ice))).toBe("similarityThreshold");
    expect(fieldOf(() => validateSubmitJob({ ...base, similarityThreshold: Number.NaN }, ice))).toBe("similarityThreshold");
    expect(fieldOf(() => validateSubmitJob({ ...base, userData: "x".repeat(129) }, ice))).toBe("userData");
    expect(fieldOf(() => validateSubmitJob({ ...base, userData: "\ud800x" }, ice))).toBe("userData");
    expect(fieldOf(() => validateSubmitJob({ ...base, userData: "#tag" }, mps))).toBe("userData");
    expect(fieldOf(() => validateSubmitJob({ ...base, idempotencyKey: "" }, ice))).toBe("idempotencyKey");
  });

  it("hashes the same input the same way, a generated key aside", () => {
    const a = validateSubmitJob({ media: oss, mode: "SEARCH" }, ice);
    const b = validateSubmitJob({ media: oss, mode: "SEARCH" }, ice);
    expect(submitJobHash("lib", a)).toBe(submitJobHash("lib", b));
    expect(submitJobHash("lib", a)).not.toBe(submitJobHash("other", a));
    const saved = validateSubmitJob({ media: oss, mode: "SAVE", primaryKey: "k1" }, ice);
    expect(submitJobHash("lib", saved)).not.toBe(submitJobHash("lib", validateSubmitJob({ media: oss, mode: "SAVE", primaryKey: "k2" }, ice)));
  });
});
