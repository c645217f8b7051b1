import { describe, expect, it } from "vitest";
import { batchJobReads, JobCheckSchedule } from "../../src/services/job-check-schedule.js";

const settings = { minIntervalMs: 1_000, maxIntervalMs: 60_000, expectedDurationMs: 10_000 };
// No jitter: random() = 0.5 gives the factor 1.
const schedule = () => new JobCheckSchedule(settings, () => 0.5);
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const job = { backend: "ICE" as const, model: "VIDEO" as const, createdAt: at(0) };
const delay = (s: JobCheckSchedule, nowMs: number) => s.nextCheckAt(job, at(nowMs)).getTime() - at(nowMs).getTime();

describe("job check schedule", () => {
  it("leaves a job alone until it is expected to have finished", () => {
    expect(delay(schedule(), 0)).toBe(10_000);
    expect(delay(schedule(), 4_000)).toBe(6_000);
    // Never sooner than the minimum.
    expect(delay(schedule(), 9_800)).toBe(1_000);
  });

  it("backs off by a quarter of how late the job is, within [min, max]", () => {
    expect(delay(schedule(), 12_000)).toBe(1_000);
    expect(delay(schedule(), 30_000)).toBe(5_000);
    expect(delay(schedule(), 10_000_000)).toBe(60_000);
  });

  it("learns the expected duration per backend and model from finished jobs", () => {
    const s = schedule();
    s.learn("ICE", "VIDEO", 2_000);
    expect(s.expectedDurationMs("ICE", "VIDEO")).toBe(2_000);
    s.learn("ICE", "VIDEO", 12_000);
    expect(s.expectedDurationMs("ICE", "VIDEO")).toBe(3_000);
    expect(s.expectedDurationMs("MPS", "VIDEO")).toBe(10_000);
    expect(delay(s, 0)).toBe(3_000);
    s.learn("ICE", "VIDEO", Number.NaN);
    expect(s.expectedDurationMs("ICE", "VIDEO")).toBe(3_000);
  });

  it("doubles the wait after each failed read, capped", () => {
    const s = schedule();
    const failure = (n: number) => s.failureCheckAt(n, at(0)).getTime() - at(0).getTime();
    expect([1, 2, 3, 4].map(failure)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(failure(40)).toBe(60_000);
  });

  it("spreads jobs submitted together by ±10%", () => {
    const low = new JobCheckSchedule(settings, () => 0).nextCheckAt(job, at(0)).getTime() - at(0).getTime();
    const high = new JobCheckSchedule(settings, () => 0.999999).nextCheckAt(job, at(0)).getTime() - at(0).getTime();
    expect(low).toBe(9_000);
    expect(high).toBe(11_000);
  });
});

describe("batchJobReads", () => {
  const row = (id: string, over: Partial<{ account: string; backend: "ICE" | "MPS"; region: string; kind: "FINGERPRINT" | "DELETE_FILES"; backendJobId: string | null }> = {}) => ({
    id,
    account: "default",
    backend: "ICE" as "ICE" | "MPS",
    region: "cn-shanghai",
    kind: "FINGERPRINT" as "FINGERPRINT" | "DELETE_FILES",
    backendJobId: `b-${id}` as string | null,
    ...over,
  });

  it("reads at most ten ids a call, per account, backend, region and kind", () => {
    const jobs = [
      ...Array.from({ length: 25 }, (_, i) => row(`ice-${i}`)),
      ...Array.from({ length: 3 }, (_, i) => row(`mps-${i}`, { backend: "MPS" })),
      row("beijing", { region: "cn-beijing" }),
      row("tenant", { account: "tenant:t1" }),
      row("delete", { backend: "MPS", kind: "DELETE_FILES" }),
      row("unsubmitted", { backendJobId: null }),
    ];
    const batches = batchJobReads(jobs);
    expect(batches.map((b) => [b.account, b.backend, b.region, b.kind, b.backendJobIds.length])).toEqual([
      ["default", "ICE", "cn-shanghai", "FINGERPRINT", 10],
      ["default", "ICE", "cn-shanghai", "FINGERPRINT", 10],
      ["default", "ICE", "cn-shanghai", "FINGERPRINT", 5],
      ["default", "MPS", "cn-shanghai", "FINGERPRINT", 3],
      ["default", "ICE", "cn-beijing", "FINGERPRINT", 1],
      ["tenant:t1", "ICE", "cn-shanghai", "FINGERPRINT", 1],
      ["default", "MPS", "cn-shanghai", "DELETE_FILES", 1],
    ]);
    // Every submitted job is in exactly one batch.
    expect(batches.flatMap((b) => b.jobs.map((j) => j.id)).sort()).toEqual(jobs.filter((j) => j.backendJobId).map((j) => j.id).sort());
  });

  it("asks once for a backend id two rows share", () => {
    const [batch] = batchJobReads([row("a", { backendJobId: "same" }), row("b", { backendJobId: "same" })]);
    expect(batch!.backendJobIds).toEqual(["same"]);
    expect(batch!.jobs.map((j) => j.id)).toEqual(["a", "b"]);
  });
});
