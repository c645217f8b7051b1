import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEV_ACCOUNT } from "../../src/emulator/index.js";
import { SignedRpcClient } from "../../src/backends/signed-rpc-client.js";
import { codes, eventually, startHarness, type Harness } from "../support/gateway-harness.js";
import { CREATE, DELETE, GET, IMPORT, REFRESH, type CreateFingerprintLibraryInput } from "../support/documents.js";

let h: Harness;
beforeAll(async () => {
  // A long activation delay, so each test decides when a library turns active.
  h = await startHarness({ emulator: { activationDelayMs: 3_600_000, activationJitterMs: 0, deleteJobDelayMs: 3_600_000 } });
});
afterAll(() => h.close());

async function createLibrary(input: CreateFingerprintLibraryInput) {
  const response = await h.gql(CREATE, { input });
  expect(response.errors).toBeUndefined();
  return response.data!.createFingerprintLibrary.library;
}

/** A library made straight on the emulator with the Alibaba client, as another tool would. */
function directClient(version: string) {
  return new SignedRpcClient({
    version,
    target: () => ({ endpoint: h.emulator.endpoint, protocol: "http" }),
    credentials: DEFAULT_DEV_ACCOUNT,
    connectTimeoutMs: 1000,
    readTimeoutMs: 2000,
    signatureAlgorithm: "v3",
  });
}

describe("library lifecycle", () => {
  it("reads OFFLINE on create and ACTIVE after refresh, with activatedAt set once", async () => {
    const library = await createLibrary({ name: "clips", model: "VIDEO" });
    expect(library).toMatchObject({ status: "OFFLINE", rawStatus: "offline", activatedAt: null });

    h.emulator.control.activate(library.backendLibraryId);
    const refreshed = (await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary;
    expect(refreshed).toMatchObject({ id: library.id, status: "ACTIVE", rawStatus: "active" });
    expect(Date.parse(refreshed.activatedAt!)).toBeGreaterThanOrEqual(Date.parse(library.createdAt));

    const again = (await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary;
    expect(again.activatedAt).toBe(refreshed.activatedAt);
    expect((await h.gql(GET, { id: library.id })).data!.fingerprintLibrary?.status).toBe("ACTIVE");
  });

  it("normalizes MPS's State on create and Status on list, including paused", async () => {
    const library = await createLibrary({ name: "stills", model: "IMAGE" });
    expect(library).toMatchObject({ backend: "MPS", status: "OFFLINE", rawStatus: "offline" });
    h.emulator.control.pause(library.backendLibraryId);
    expect((await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary).toMatchObject({ status: "PAUSED", rawStatus: "paused" });
  });

  it("deletes an ICE library at once", async () => {
    const library = await createLibrary({ name: "to-delete", model: "AUDIO" });
    const deleted = (await h.gql(DELETE, { id: library.id })).data!.deleteFingerprintLibrary.library;
    expect(deleted).toMatchObject({ id: library.id, status: "DELETED" });
    expect(h.emulator.control.state().libraries.find((l) => l.id === library.backendLibraryId)).toBeUndefined();
    // Deleting again is harmless and answers the same.
    expect((await h.gql(DELETE, { id: library.id })).data!.deleteFingerprintLibrary.library.status).toBe("DELETED");
  });

  it("deletes an MPS library through a delete job: DELETING, then DELETED", async () => {
    const library = await createLibrary({ name: "mps-delete", model: "IMAGE" });
    const deleting = (await h.gql(DELETE, { id: library.id })).data!.deleteFingerprintLibrary.library;
    expect(deleting.status).toBe("DELETING");
    const job = h.emulator.control.state().jobs.find((j) => j.fpDBId === library.backendLibraryId);
    expect(job).toMatchObject({ delType: "Delete" });

    expect((await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary.status).toBe("DELETING");
    h.emulator.control.finishJob(job!.id);
    expect((await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary.status).toBe("DELETED");
  });

  it("marks a library the backend no longer lists as DELETED, raw word absent", async () => {
    const library = await createLibrary({ name: "vanishing", model: "VIDEO" });
    h.emulator.control.deleteLibrary(library.backendLibraryId);
    expect((await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary).toMatchObject({ status: "DELETED", rawStatus: "absent" });
  });

  it("imports a library that exists on a backend, once", async () => {
    const body = await directClient("2020-11-09").call("cn-shanghai", "CreateDNADB", { Name: "made-elsewhere", Model: "Audio" });
    const dbId = (body.DBInfo as { DBId: string }).DBId;
    const imported = (await h.gql(IMPORT, { backend: "ICE", backendLibraryId: dbId })).data!.importFingerprintLibrary;
    expect(imported).toMatchObject({ backend: "ICE", backendLibraryId: dbId, name: "made-elsewhere", model: "AUDIO", status: "OFFLINE", region: "cn-shanghai" });
    const again = (await h.gql(IMPORT, { backend: "ICE", backendLibraryId: dbId })).data!.importFingerprintLibrary;
    expect(again.id).toBe(imported.id);
  });

  it("imports an MPS library with its model", async () => {
    const body = await directClient("2014-06-18").call("cn-shanghai", "CreateFpShotDB", { Name: "mps-elsewhere", ModelId: 13 });
    const fpDbId = (body.FpShotDB as { FpDBId: string }).FpDBId;
    const imported = (await h.gql(IMPORT, { backend: "MPS", backendLibraryId: fpDbId, region: "cn-shanghai" })).data!.importFingerprintLibrary;
    expect(imported).toMatchObject({ backend: "MPS", model: "AUDIO", name: "mps-elsewhere" });
  });

  it("answers NOT_FOUND when importing what the backend does not have", async () => {
    const response = await h.gql(IMPORT, { backend: "MPS", backendLibraryId: "0123456789abcdef0123456789abcdef" });
    expect(codes(response)).toEqual(["NOT_FOUND"]);
    expect(response.errors![0].message).toMatch(/MPS has no library 0123456789abcdef0123456789abcdef in cn-shanghai/);
  });

  it("refuses a malformed import id and region", async () => {
    expect(codes(await h.gql(IMPORT, { backend: "ICE", backendLibraryId: "a,b" }))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await h.gql(IMPORT, { backend: "ICE", backendLibraryId: "abc", region: "mars-1" }))).toEqual(["UNSUPPORTED_REGION"]);
  });

  it("answers NOT_FOUND for delete and refresh of an unknown library, null for a read", async () => {
    const unknown = Buffer.from("FingerprintLibrary:00000000-0000-0000-0000-000000000000").toString("base64url");
    expect(codes(await h.gql(DELETE, { id: unknown }))).toEqual(["NOT_FOUND"]);
    expect(codes(await h.gql(REFRESH, { id: unknown }))).toEqual(["NOT_FOUND"]);
    const read = await h.gql(GET, { id: unknown });
    expect(read.errors).toBeUndefined();
    expect(read.data!.fingerprintLibrary).toBeNull();
  });

  it("turns active by itself on the emulator's schedule", async () => {
    h.emulator.control.updateSettings({ activationDelayMs: 50 });
    try {
      const library = await createLibrary({ name: "quick", model: "VIDEO" });
      await eventually(async () => (await h.gql(REFRESH, { id: library.id })).data!.refreshFingerprintLibrary.status === "ACTIVE");
    } finally {
      h.emulator.control.updateSettings({ activationDelayMs: 3_600_000 });
    }
  });
});
