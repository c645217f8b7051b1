/**
 * A submit interrupted between writing its job row (PENDING) and recording the backend's job
 * id: simulated exactly by writing what the gateway writes up to that point, calling the
 * backend (or not), stopping, and starting a new gateway on the same database and emulator.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAVE_TYPES } from "../../src/domain/job.js";
import { submitJobHash, validateSubmitJob, type SubmitJobRequest } from "../../src/domain/job-input.js";
import { startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import { CreateLibraryDocument as CREATE, ListJobsDocument as LIST_JOBS, RefreshLibraryDocument as REFRESH, SubmitJobDocument as SUBMIT } from "../../src/client/generated/operations.js";
import { startHarness, type Harness } from "../support/gateway-harness.js";

let emulator: RunningEmulator;
const dbFile = join(tmpdir(), `fg-job-recovery-${randomUUID()}.db`);
const databaseUrl = `file:${dbFile}`;
const env = { CREATE_INTENT_STALE_MS: "1000" };
const MEDIA = { oss: { bucket: "media", object: "a.png" } };

beforeAll(async () => {
  emulator = await startEmulator({ activationDelayMs: 3_600_000, jobQueueDelayMs: 3_600_000, libraryQuota: 100 });
});
afterAll(async () => {
  await emulator.close();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
});

async function activeLibrary(h: Harness, model: "IMAGE" | "AUDIO") {
  const created = (await h.gql(CREATE, { input: { name: `recover-${model}`, model } })).data!.createFingerprintLibrary.library;
  emulator.control.activate(created.backendLibraryId);
  return (await h.gql(REFRESH, { id: created.id })).data!.refreshFingerprintLibrary;
}

/** Writes the PENDING row, optionally calls the backend, and "dies" before recording the answer. */
async function crashMidSubmit(model: "IMAGE" | "AUDIO", request: SubmitJobRequest, callBackend: boolean) {
  const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
  const { store, accounts } = h.gateway.services;
  const graphLibrary = await activeLibrary(h, model);
  const library = (await store.libraries.findByBackendId(accounts.accountOf("default"), graphLibrary.backend, graphLibrary.backendLibraryId))!;
  const valid = validateSubmitJob(request, library);
  const claim = await store.jobs.claim({
    tenantId: "default",
    library: { ...library, account: accounts.accountOf("default") },
    kind: "FINGERPRINT",
    mode: valid.mode,
    primaryKey: valid.primaryKey,
    media: JSON.stringify(valid.media),
    similarityThreshold: valid.similarityThreshold,
    userData: valid.userData,
    searchId: null,
    idempotencyKey: valid.idempotencyKey,
    inputHash: submitJobHash(library.id, valid),
  });
  expect(claim.claimed).toBe(true);
  let backendJobId: string | null = null;
  if (callBackend) {
    ({ backendJobId } = await accounts.forTenant("default")[library.backend].content.submitJob(library.region, {
      backendLibraryId: library.backendLibraryId,
      model: library.model,
      media: valid.media,
      saveType: SAVE_TYPES[valid.mode],
      primaryKey: valid.primaryKey,
      similarityThreshold: null,
      userData: null,
    }));
  }
  await h.close();
  await new Promise((resolve) => setTimeout(resolve, 1_100)); // let the row go stale
  return { graphLibrary, backendJobId };
}

const jobsOf = () => emulator.control.state().content.jobs;

describe("recovery of interrupted submits", () => {
  it("adopts the MPS job at start-up, found by its creation time, and answers it to a retry", async () => {
    const request: SubmitJobRequest = { media: MEDIA, mode: "SAVE", primaryKey: `pk-${randomUUID().slice(0, 8)}`, idempotencyKey: `k-${randomUUID()}` };
    const { graphLibrary, backendJobId } = await crashMidSubmit("IMAGE", request, true);
    const before = jobsOf().length;
    const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
    try {
      const listed = (await h.gql(LIST_JOBS, { filter: { libraryId: graphLibrary.id } })).data!.fingerprintJobs;
      expect(listed.totalCount).toBe(1);
      expect(listed.edges[0]!.node).toMatchObject({ backendJobId, primaryKey: request.primaryKey, status: "QUEUED" });
      const retried = await h.gql(SUBMIT, { input: { ...request, libraryId: graphLibrary.id } });
      expect(retried.data!.submitFingerprintJob).toMatchObject({ replayed: true, job: { backendJobId } });
      expect(jobsOf().length).toBe(before);
      expect(h.logs.join("")).toContain("adopting a job an interrupted submit made");
    } finally {
      await h.close();
    }
  });

  it("refuses an MPS row whose submit never reached MPS, so the retry with its key submits once", async () => {
    const request: SubmitJobRequest = { media: MEDIA, mode: "SAVE", primaryKey: `pk-${randomUUID().slice(0, 8)}`, idempotencyKey: `k-${randomUUID()}` };
    const { graphLibrary } = await crashMidSubmit("IMAGE", request, false);
    const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
    try {
      const before = jobsOf().length;
      expect((await h.gql(LIST_JOBS, { filter: { libraryId: graphLibrary.id } })).data!.fingerprintJobs.totalCount).toBe(0);
      const retried = await h.gql(SUBMIT, { input: { ...request, libraryId: graphLibrary.id } });
      expect(retried.errors).toBeUndefined();
      expect(retried.data!.submitFingerprintJob.replayed).toBe(false);
      expect(jobsOf().length).toBe(before + 1);
    } finally {
      await h.close();
    }
  });

  it("leaves an ICE row pending (ICE lists jobs by id only) and reports it, never submitting it again", async () => {
    const request: SubmitJobRequest = { media: { oss: { bucket: "media", object: "a.wav" } }, mode: "SAVE", primaryKey: "ice-key", idempotencyKey: `k-${randomUUID()}` };
    const { graphLibrary } = await crashMidSubmit("AUDIO", request, true);
    const before = jobsOf().length;
    const h = await startHarness({ sharedEmulator: emulator, databaseUrl, env });
    try {
      expect(h.logs.join("")).toMatch(/cannot look a job up without its id.*"msg":"job submit recovery sweep"/);
      // Neither made visible nor submitted again: only a person (or a new key) can decide.
      expect((await h.gql(LIST_JOBS, { filter: { libraryId: graphLibrary.id } })).data!.fingerprintJobs.totalCount).toBe(0);
      expect(jobsOf().length).toBe(before);
    } finally {
      await h.close();
    }
  });
});
