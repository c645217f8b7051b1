/**
 * The job watcher as the gateway starts it (src/server/gateway.ts): its settings, its shard
 * leases shared with the activation watcher, the result-document origins (the configured
 * emulator endpoint) and its metrics on /metrics.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import type { FingerprintJob } from "../../src/domain/job.js";
import { ossMedia, submitJobRow, type AccountLibrary } from "../../bench/lib/job-rows.js";
import { putMedia, testEngine } from "../emulator/content-helpers.js";
import { startHarness, type Harness } from "../support/gateway-harness.js";

const TEXT = "The lighthouse keeper counted the ships that passed each night, writing their names in a ledger that nobody else ever read. ".repeat(3);
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({
    emulator: { jobQueueDelayMs: 0, jobSecondsPerMediaSecond: 0, fingerprintEngine: testEngine },
    env: { WATCHER_TICK_MS: "20", JOB_WATCHER_MIN_INTERVAL_MS: "20", JOB_EXPECTED_DURATION_MS: "0" },
  });
  await putMedia(harness.emulator, "wiring", "original.txt", TEXT, { account: DEFAULT_DEV_ACCOUNT });
}, 60_000);
afterAll(() => harness?.close());

async function finished(id: string): Promise<FingerprintJob> {
  for (let i = 0; i < 500; i++) {
    const row = await harness.gateway.services.store.jobs.findRow(id);
    if (row && ["SUCCEEDED", "FAILED", "CANCELED"].includes(row.status)) return row;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`job ${id} did not finish`);
}

it("follows jobs to their end in a running gateway, ICE results read from the configured emulator, with metrics", async () => {
  const { services } = harness.gateway;
  expect(harness.gateway.jobWatcher).not.toBeNull();
  const created = await services.accounts.default.ICE.create("cn-shanghai", { name: "wiring", model: "TEXT", description: null, config: null });
  harness.emulator.control.activate(created.backendLibraryId);
  const row = await services.store.libraries.insert({
    tenantId: "default", account: "default", backend: "ICE", backendLibraryId: created.backendLibraryId, region: "cn-shanghai",
    name: "wiring", description: null, model: "TEXT", config: null, status: "ACTIVE", rawStatus: "active",
  });
  const library: AccountLibrary = { ...row, account: "default" };

  const saved = await finished((await submitJobRow(services.store.jobs, services.accounts.default, library, { mode: "SAVE", media: ossMedia("wiring", "original.txt"), primaryKey: "doc" })).id);
  expect(saved.status).toBe("SUCCEEDED");
  const search = await finished((await submitJobRow(services.store.jobs, services.accounts.default, library, { mode: "SEARCH", media: ossMedia("wiring", "original.txt") })).id);
  expect(search).toMatchObject({ status: "SUCCEEDED", errorCode: null });
  expect(search.matches.map((m) => m.primaryKey)).toEqual(["doc"]);

  const scrape = await (await fetch(harness.gateway.metricsUrl!)).text();
  expect(scrape).toMatch(/gateway_jobs\{backend="ICE",status="SUCCEEDED"\} 2/);
  expect(scrape).toMatch(/gateway_job_duration_seconds_count\{backend="ICE",status="SUCCEEDED"\} 2/);
  expect(scrape).toMatch(/gateway_job_watcher_backend_calls_total\{backend="ICE",action="queryJobs",outcome="ok"\} [1-9]/);
});
