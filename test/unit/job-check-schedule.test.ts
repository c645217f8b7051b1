import { describe, expect, it } from "vitest";
import { batchJobReads, dueWithBatchFillers, JobCheckSchedule } from "../../src/services/job-check-schedule.js";
import { nextDueAt } from "../../src/services/job-watcher.js";
import type { WatchedJob } from "../../src/store/job-ports.js";

const settings = { minIntervalMs: 1_000, maxIntervalMs: 60_000, expectedDurationMs: 10_000 };
// random() = 0.5: reads are jittered below the planned time only, so 0.95 of it (failed reads
// back off by ±10%, so exactly the planned time).
const schedule = () => new JobCheckSchedule(settings, () => 0.5);
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const job = { backend: "ICE" as const, model: "VIDEO" as const, createdAt: at(0) };
const delay = (s: JobCheckSchedule, nowMs: number) => s.nextCheckAt(job, at(nowMs)).getTime() - at(nowMs).getTime();

describe("job check schedule", () => {
  it("inside the expected window never waits longer than the minimum interval, whatever the jitter", () => {
    for (const r of [0, 0.25, 0.999999]) {
      const d = delay(new JobCheckSchedule(settings, () => r), 5_000);
      expect(d).toBeLessThanOrEqual(1_000);
      expect(d).toBeGreaterThanOrEqual(900);
    }
  });

  it("before anything was learned, reads a job often until twice the seed, then backs off from the same spacing", () => {
    // Seed 10 s: mean 10 s, deviation 5 s, so the window is [0, 20 s].
    expect(delay(schedule(), 0)).toBe(950);
    expect(delay(schedule(), 19_000)).toBe(950);
    // Just after the window the spacing does not jump: a quarter of 1 s late is less than it.
    expect(delay(schedule(), 21_000)).toBe(950);
    expect(delay(schedule(), 40_000)).toBe(4_750);
    expect(delay(schedule(), 10_000_000)).toBe(57_000);
  });

  it("learns mean and deviation per backend and model, and waits for the usual range", () => {
    const s = schedule();
    s.learn("ICE", "VIDEO", 8_000);
    // First sample: mean 8 s, deviation 4 s; the window is mean - 3 to mean + 2 deviations.
    expect(s.expectedWindowMs("ICE", "VIDEO")).toEqual({ earliestMs: 0, latestMs: 16_000 });
    for (let i = 0; i < 50; i++) s.learn("ICE", "VIDEO", 8_000);
    const window = s.expectedWindowMs("ICE", "VIDEO");
    expect(window.earliestMs).toBeGreaterThan(7_900);
    expect(window.latestMs).toBeLessThan(8_100);
    // Left alone until then, read often around it, then backed off.
    expect(delay(s, 2_000)).toBeGreaterThan(5_600);
    expect(delay(s, 7_500)).toBe(950);
    expect(delay(s, 8_000)).toBe(950);
    expect(delay(s, 28_000)).toBeGreaterThan(4_700);
    // Another backend or model keeps the seed.
    expect(s.expectedWindowMs("MPS", "VIDEO")).toEqual({ earliestMs: 0, latestMs: 20_000 });
    s.learn("ICE", "VIDEO", Number.NaN);
    expect(s.expectedWindowMs("ICE", "VIDEO")).toEqual(window);
  });

  it("spaces reads in the window by the interval less the reads' lateness, so a finish is recorded within one interval", () => {
    const s = new JobCheckSchedule(settings, () => 0.999999);
    expect(s.readAllowanceMs()).toBe(0);
    // First sample: mean 100, deviation 50, allowance mean + 4 deviations.
    s.observeLateness(100);
    expect(s.readAllowanceMs()).toBe(300);
    for (let i = 0; i < 100; i++) s.observeLateness(80 + (i % 3) * 10);
    const allowance = s.readAllowanceMs();
    expect(allowance).toBeGreaterThan(90);
    expect(allowance).toBeLessThan(150);
    // The longest spacing plus the longest lateness seen stays within the interval.
    expect(delay(s, 5_000) + 100).toBeLessThanOrEqual(1_000);
    // Early reads (negative lateness) count as on time; nonsense is ignored.
    s.observeLateness(Number.NaN);
    expect(s.readAllowanceMs()).toBe(allowance);
  });

  it("never reads more often than twice per interval, however late reads are", () => {
    const s = schedule();
    for (let i = 0; i < 20; i++) s.observeLateness(5_000);
    expect(s.readAllowanceMs()).toBe(500);
    expect(delay(s, 5_000)).toBe(475);
  });

  it("doubles the wait after each failed read, capped", () => {
    const s = schedule();
    const failure = (n: number) => s.failureCheckAt(n, at(0)).getTime() - at(0).getTime();
    expect([1, 2, 3, 4].map(failure)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(failure(40)).toBe(60_000);
  });

  it("spreads jobs submitted together over the 10% below their planned read", () => {
    const late = { ...job, createdAt: at(-60_000) };
    const low = new JobCheckSchedule(settings, () => 0).nextCheckAt(late, at(0)).getTime() - at(0).getTime();
    const high = new JobCheckSchedule(settings, () => 0.999999).nextCheckAt(late, at(0)).getTime() - at(0).getTime();
    // 40 s after the window: a quarter of that, 10 s, less up to 10%.
    expect(low).toBe(9_000);
    expect(high).toBe(10_000);
  });
});

describe("nextDueAt (when the job watcher's next round has work)", () => {
  const watched = (id: string, dueMs: number | null) => ({ id, nextCheckAt: dueMs === null ? null : at(dueMs) }) as unknown as WatchedJob;
  const now = at(10_000);

  it("is the earliest job loaded but not read", () => {
    const loaded = [watched("a", 9_000), watched("b", 10_050), watched("c", 10_020), watched("d", 10_200)];
    expect(nextDueAt(loaded, [loaded[0]!, loaded[2]!], now, 100)).toEqual(at(10_050));
  });

  it("is now when the load was cut at the batch size, and unknown when every loaded job was read", () => {
    const loaded = [watched("a", 9_000), watched("b", 9_500)];
    expect(nextDueAt(loaded, loaded, now, 2)).toEqual(now);
    expect(nextDueAt(loaded, loaded, now, 100)).toBeNull();
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

describe("batch fillers", () => {
  const now = at(10_000);
  const row = (n: number, dueMs: number | null, backend: "ICE" | "MPS" = "ICE") => ({
    id: `j${n}`,
    account: "default",
    backend,
    region: "cn-shanghai",
    kind: "FINGERPRINT" as const,
    backendJobId: `b${n}`,
    nextCheckAt: dueMs === null ? null : at(dueMs),
  });

  it("adds jobs due soon only to fill the last call of a group that has jobs due now", () => {
    const due = [row(1, 9_000), row(2, null), row(3, 10_000)];
    const soonIce = Array.from({ length: 12 }, (_, i) => row(10 + i, 10_100));
    const soonMps = [row(40, 10_100, "MPS")];
    const picked = dueWithBatchFillers([...due, ...soonIce, ...soonMps], now);
    expect(picked.slice(0, 3)).toEqual(due);
    // Three ICE ids due now: seven more fill the call to ten; nothing for MPS, which has no call this round.
    expect(picked.map((j) => j.id).slice(3)).toEqual(soonIce.slice(0, 7).map((j) => j.id));
    expect(batchJobReads(picked).map((b) => b.backendJobIds.length)).toEqual([10]);
  });

  it("adds nothing when the due jobs fill their calls exactly", () => {
    const due = Array.from({ length: 10 }, (_, i) => row(i, 9_000));
    expect(dueWithBatchFillers([...due, row(99, 10_100)], now)).toEqual(due);
  });
});
