import { describe, expect, it } from "vitest";
import { rankLibraryMatches, searchStatus } from "../../src/domain/duplicate-search-result.js";
import type { JobStatus } from "../../src/domain/job.js";

const jobs = (...statuses: JobStatus[]) => statuses.map((status) => ({ status }));

describe("duplicate search status", () => {
  it("is SUCCEEDED only once every library's job has", () => {
    expect(searchStatus(jobs("SUCCEEDED", "SUCCEEDED"), 2)).toBe("SUCCEEDED");
    // A library whose job is not submitted yet keeps the search open.
    expect(searchStatus(jobs("SUCCEEDED"), 2)).toBe("RUNNING");
  });

  it("is FAILED as soon as one job failed, whatever the others do", () => {
    expect(searchStatus(jobs("SUCCEEDED", "FAILED", "RUNNING"), 3)).toBe("FAILED");
    expect(searchStatus(jobs("QUEUED", "FAILED"), 2)).toBe("FAILED");
  });

  it("is RUNNING once any job left the queue, QUEUED before", () => {
    expect(searchStatus(jobs("QUEUED", "RUNNING"), 2)).toBe("RUNNING");
    expect(searchStatus(jobs("QUEUED", "SUCCEEDED"), 2)).toBe("RUNNING");
    expect(searchStatus(jobs("QUEUED", "QUEUED"), 2)).toBe("QUEUED");
    expect(searchStatus([], 2)).toBe("QUEUED");
  });
});

describe("duplicate search matches", () => {
  it("ranks every library's matches together, most similar first, stable on ties", () => {
    const match = (primaryKey: string, similarity: number) => ({ primaryKey, similarity, segments: [] });
    const ranked = rankLibraryMatches([
      { libraryId: "lib-b", matches: [match("x", 0.9), match("y", 0.95)] },
      { libraryId: "lib-a", matches: [match("z", 0.9)] },
      { libraryId: "lib-c", matches: [] },
    ]);
    expect(ranked.map((m) => [m.libraryId, m.match.primaryKey])).toEqual([
      ["lib-b", "y"],
      ["lib-a", "z"],
      ["lib-b", "x"],
    ]);
  });
});
