import { describe, expect, it } from "vitest";
import { matchesFromDnaDocument, matchesFromMpsResult } from "../../src/backends/match-results.js";
import { normalizeJobStatus, rankMatches } from "../../src/domain/job.js";

describe("MPS FpShotResult", () => {
  it("reads video, audio and text shots with string numbers into matches", () => {
    const matches = matchesFromMpsResult({
      FpShots: { FpShot: [{ PrimaryKey: "v1", Similarity: "0.93", FpShotSlices: { FpShotSlice: [
        { Similarity: "0.9", Input: { Start: "2.0", Duration: "3.5" }, Duplication: { Start: "10", Duration: "3.5" } },
        { Similarity: "0.9", Input: { Start: "20.0", Duration: "8" }, Duplication: { Start: "30", Duration: "8" } },
      ] } }] },
      AudioFpShots: { FpShot: [{ PrimaryKey: "a1", Similarity: "1.0", FpShotSlices: { FpShotSlice: [] } }] },
      TextFpShots: { TextFpShot: [{ PrimaryKey: "t1", Similarity: "0.85", TextFpShotSlices: { TextFpShotSlice: [
        { Similarity: "0.85", InputFragment: { Start: "5", Duration: "40" }, DuplicationFragment: { Start: "0", Duration: "41" }, InputText: "x", DuplicationText: "x" },
        { Similarity: "0.85", InputFragment: { Start: "60", Duration: "10" }, InputText: "y", DuplicationText: "y" },
      ] } }] },
    });
    expect(matches).toEqual([
      { primaryKey: "v1", similarity: 0.93, segments: [
        { inputStart: 20, inputEnd: 28, matchStart: 30, matchEnd: 38 },
        { inputStart: 2, inputEnd: 5.5, matchStart: 10, matchEnd: 13.5 },
      ] },
      { primaryKey: "a1", similarity: 1, segments: [] },
      // The slice without DuplicationFragment has no known place in the stored text: no segment.
      { primaryKey: "t1", similarity: 0.85, segments: [{ inputStart: 5, inputEnd: 45, matchStart: 0, matchEnd: 41 }] },
    ]);
  });

  it("skips malformed items instead of failing the whole result", () => {
    expect(matchesFromMpsResult({ FpShots: { FpShot: [{ Similarity: "0.9" }, { PrimaryKey: "k", Similarity: "NaN" }, "junk", { PrimaryKey: "ok", Similarity: 0.5 }] } })).toEqual([
      { primaryKey: "ok", similarity: 0.5, segments: [] },
    ]);
    expect(matchesFromMpsResult(null)).toEqual([]);
    expect(matchesFromMpsResult({ FpShots: "nope" })).toEqual([]);
  });
});

describe("ICE DNAResult document", () => {
  const vod = { VideoDNA: [{ PrimaryKey: "p", Similarity: "0.98", Detail: [{ Input: { Duration: "12.0", Start: "2.0" }, Duplication: { Duration: "12.0", Start: "4.0" } }] }] };
  const expected = [{ primaryKey: "p", similarity: 0.98, segments: [{ inputStart: 2, inputEnd: 14, matchStart: 4, matchEnd: 16 }] }];

  it("reads VOD's documented VideoDNA shape, bare or under DNAResult", () => {
    expect(matchesFromDnaDocument(vod)).toEqual(expected);
    expect(matchesFromDnaDocument({ DNAResult: vod })).toEqual(expected);
  });

  it("reads AudioDNA, ImageDNA and TextDNA the same way", () => {
    const doc = { AudioDNA: vod.VideoDNA, ImageDNA: [{ PrimaryKey: "i", Similarity: 1 }], TextDNA: { DNA: [{ PrimaryKey: "t", Similarity: "0.9" }] } };
    expect(matchesFromDnaDocument(doc).map((m) => m.primaryKey)).toEqual(["p", "i", "t"]);
  });

  it("reads an MPS-shaped document too (the real format is undocumented)", () => {
    expect(matchesFromDnaDocument({ FpShotResult: { FpShots: { FpShot: [{ PrimaryKey: "m", Similarity: "0.9" }] } } })).toEqual([
      { primaryKey: "m", similarity: 0.9, segments: [] },
    ]);
    expect(matchesFromDnaDocument({ FpShots: { FpShot: [{ PrimaryKey: "m", Similarity: "90" }] } })).toEqual([{ primaryKey: "m", similarity: 0.9, segments: [] }]);
  });
});

describe("job vocabulary", () => {
  it("normalizes both services' status words, keeping the raw word", () => {
    expect(normalizeJobStatus("Queuing")).toEqual({ status: "QUEUED", rawStatus: "Queuing" });
    expect(normalizeJobStatus(" analysing ")).toEqual({ status: "RUNNING", rawStatus: " analysing " });
    expect(normalizeJobStatus("Success").status).toBe("SUCCEEDED");
    expect(normalizeJobStatus("Fail").status).toBe("FAILED");
    expect(normalizeJobStatus("Cancelled").status).toBe("CANCELED");
    expect(normalizeJobStatus("Exploded")).toEqual({ status: "UNKNOWN", rawStatus: "Exploded" });
    expect(normalizeJobStatus(undefined)).toEqual({ status: "UNKNOWN", rawStatus: "" });
  });

  it("ranks by similarity after the threshold, ties by key", () => {
    const m = (primaryKey: string, similarity: number) => ({ primaryKey, similarity, segments: [] });
    expect(rankMatches([m("b", 0.9), m("c", 0.5), m("a", 0.9), m("d", 0.95)], 0.8).map((x) => x.primaryKey)).toEqual(["d", "a", "b"]);
  });
});
