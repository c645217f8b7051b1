/** The control API over HTTP (/_emulator/...) and its in-process twin. */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ControlError, type RunningEmulator } from "../../src/emulator/index.js";
import {
  ALICE,
  BOB,
  CreateFpShotDBRequest,
  ListFpShotDBRequest,
  QueryFpDBDeleteJobListRequest,
  SubmitFpDBDeleteJobRequest,
  controlHttp,
  iceClient,
  mtsClient,
  startTestEmulator,
} from "./helpers.js";

let emu: RunningEmulator;
let dir: string;
beforeAll(async () => {
  emu = await startTestEmulator({ activationDelayMs: 60_000, deleteJobDelayMs: 60_000 });
  dir = await mkdtemp(join(tmpdir(), "emulator-test-"));
});
afterAll(async () => {
  await emu.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  emu.control.reset();
  emu.control.updateSettings({ activationDelayMs: 60_000, deleteJobDelayMs: 60_000 });
});

const mpsStatus = async (id: string) => (await mtsClient(emu).listFpShotDB(new ListFpShotDBRequest({ fpDBIds: id }))).body!.fpShotDBList!.fpShotDB![0]?.status;

describe("HTTP control API", () => {
  it("GET health", async () => {
    expect(await controlHttp(emu, "GET", "health")).toEqual({ status: 200, body: { status: "ok" } });
  });

  it("GET state shows libraries, jobs, settings and faults of every account, never a secret", async () => {
    const ice = (await iceClient(emu)("CreateDNADB", { Name: "i", Model: "Image" })).DBInfo.DBId;
    const fp = (await mtsClient(emu, { account: BOB }).createFpShotDB(new CreateFpShotDBRequest({ name: "m", modelId: 13, config: "{}" }))).body!.fpShotDB!.fpDBId!;
    const job = (await mtsClient(emu, { account: BOB }).submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: fp, delType: "Delete" }))).body!.jobId!;
    emu.control.setFault("ListDNADB", { latencyMs: 1 });

    const { status, body } = await controlHttp(emu, "GET", "state");
    expect(status).toBe(200);
    expect(body.accounts).toEqual([{ accessKeyId: ALICE.accessKeyId }, { accessKeyId: BOB.accessKeyId }]);
    expect(body.libraries).toEqual([
      expect.objectContaining({ service: "ice", id: ice, owner: ALICE.accessKeyId, name: "i", model: "Image", status: "offline", region: "cn-shanghai" }),
      expect.objectContaining({ service: "mps", id: fp, owner: BOB.accessKeyId, name: "m", modelId: 13, config: "{}", status: "offline" }),
    ]);
    expect(body.jobs).toEqual([expect.objectContaining({ id: job, service: "mps", owner: BOB.accessKeyId, fpDBId: fp, delType: "Delete", status: "Queuing", finishedAt: null })]);
    expect(body.settings).toMatchObject({ region: "cn-shanghai", libraryQuota: 5, deleteJobDelayMs: 60_000, qpsLimits: { CreateFpShotDB: 100, ListDNADB: 100 } });
    expect(Object.keys(body.faults)).toEqual(["ListDNADB"]);
    const text = JSON.stringify(body);
    expect(text).not.toContain(ALICE.accessKeySecret);
    expect(text).not.toContain(BOB.accessKeySecret);
  });

  it("POST libraries/{id}/activate, /pause and /delete change what the services answer", async () => {
    const fp = (await mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ name: "m" }))).body!.fpShotDB!.fpDBId!;
    const db = (await iceClient(emu)("CreateDNADB", { Name: "i" })).DBInfo.DBId;
    expect(await mpsStatus(fp)).toBe("offline");

    const activated = await controlHttp(emu, "POST", `libraries/${fp}/activate`);
    expect(activated.status).toBe(200);
    expect(activated.body).toMatchObject({ id: fp, status: "active", activatesAt: null });
    expect(await mpsStatus(fp)).toBe("active");

    expect((await controlHttp(emu, "POST", `libraries/${fp}/pause`)).body.status).toBe("paused");
    expect(await mpsStatus(fp)).toBe("paused");

    expect((await controlHttp(emu, "POST", `libraries/${db}/delete`)).body).toMatchObject({ id: db, service: "ice" });
    expect((await iceClient(emu)("ListDNADB", { DBIds: db })).DBList).toEqual([]);

    const missing = await controlHttp(emu, "POST", "libraries/ffffffffffffffffffffffffffffffff/activate");
    expect(missing).toEqual({ status: 404, body: { Code: "LibraryNotFound", Message: "No library has the id ffffffffffffffffffffffffffffffff (DBId or FpDBId)." } });
  });

  it("POST jobs/{id}/finish finishes an MPS delete job now", async () => {
    const mts = mtsClient(emu);
    const fp = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "m" }))).body!.fpShotDB!.fpDBId!;
    const job = (await mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: fp, delType: "Delete" }))).body!.jobId!;
    const finished = await controlHttp(emu, "POST", `jobs/${job}/finish`);
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ id: job, status: "Success" });
    const q = (await mts.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({ jobIds: job }))).body!;
    expect(q.fpDBDeleteJobList!.fpDBDeleteJob![0]).toMatchObject({ status: "Success", finishTime: expect.stringMatching(/Z$/) });
    expect((await mts.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: fp }))).body!.nonExistIds!.string).toEqual([fp]);

    expect((await controlHttp(emu, "POST", `jobs/${job}/finish`)).status).toBe(409);
    expect((await controlHttp(emu, "POST", "jobs/nope/finish")).body).toEqual({ Code: "JobNotFound", Message: "No MPS delete job has the id nope." });
  });

  it("a job whose library vanished meanwhile fails", async () => {
    const mts = mtsClient(emu);
    const fp = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "m" }))).body!.fpShotDB!.fpDBId!;
    const job = (await mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: fp, delType: "Delete" }))).body!.jobId!;
    await controlHttp(emu, "POST", `libraries/${fp}/delete`);
    expect((await controlHttp(emu, "POST", `jobs/${job}/finish`)).body).toMatchObject({ status: "Fail", code: "InvalidParameter.ResourceNotFound" });
  });

  it("PATCH settings changes them at run time and refuses bad values", async () => {
    const res = await controlHttp(emu, "PATCH", "settings", { activationDelayMs: 0, libraryQuota: 1, qpsLimits: { ListDNADB: 7 }, region: "cn-hangzhou" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ activationDelayMs: 0, libraryQuota: 1, region: "cn-hangzhou", qpsLimits: { ListDNADB: 7, CreateDNADB: 100 } });
    const db = (await iceClient(emu)("CreateDNADB", { Name: "fast" })).DBInfo;
    expect(db.Status).toBe("offline");
    expect((await iceClient(emu)("ListDNADB", { DBIds: db.DBId })).DBList[0].Status).toBe("active");

    const bad: Array<[unknown, string]> = [
      [{ libraryQuota: -1 }, "libraryQuota must be a non-negative integer, got -1."],
      [{ region: "Shanghai" }, 'region must be a region id like cn-shanghai, got "Shanghai".'],
      [{ qpsLimits: { ListDNADB: 0 } }, "qpsLimits.ListDNADB must be a positive number, got 0."],
      [{ colour: "blue" }, "Unknown setting colour; changeable at run time: region, activationDelayMs, activationJitterMs, deleteJobDelayMs, libraryQuota, qpsLimits, jobQueueDelayMs, jobSecondsPerMediaSecond, ossMaxObjectBytes."],
    ];
    for (const [body, message] of bad) {
      expect(await controlHttp(emu, "PATCH", "settings", body)).toEqual({ status: 400, body: { Code: "InvalidSettings", Message: message } });
    }
    const invalidJson = await fetch(`${emu.url}/_emulator/settings`, { method: "PATCH", body: "{nope" });
    expect(invalidJson.status).toBe(400);
    expect(((await invalidJson.json()) as any).Code).toBe("InvalidJson");
    emu.control.updateSettings({ region: "cn-shanghai", libraryQuota: 5 });
  });

  it("POST reset clears resources and faults but keeps settings", async () => {
    await iceClient(emu)("CreateDNADB", { Name: "i" });
    emu.control.setFault("*", { latencyMs: 1 });
    emu.control.updateSettings({ libraryQuota: 3 });
    expect(await controlHttp(emu, "POST", "reset")).toEqual({ status: 200, body: { status: "ok" } });
    const state = emu.control.state();
    expect(state.libraries).toEqual([]);
    expect(state.faults).toEqual({});
    expect(state.settings.libraryQuota).toBe(3);
    emu.control.updateSettings({ libraryQuota: 5 });
  });

  it("unknown routes are 404 and wrong methods 405, as JSON with a message", async () => {
    const unknown = await controlHttp(emu, "GET", "nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.body.Code).toBe("RouteNotFound");
    expect(unknown.body.Message).toMatch(/^No control route GET \/_emulator\/nothing-here\. Routes: GET \/_emulator\/health, .*PUT \/_emulator\/faults\/\{Action\}/);
    const wrong = await fetch(`${emu.url}/_emulator/health`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
    expect(await wrong.json()).toEqual({ Code: "MethodNotAllowed", Message: "/_emulator/health accepts GET, not DELETE." });
  });

  it("POST state/save and state/load round-trip libraries and jobs", async () => {
    const fp = (await mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ name: "kept", config: '{"a":1}' }))).body!.fpShotDB!.fpDBId!;
    const job = (await mtsClient(emu).submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: fp, delType: "Delete" }))).body!.jobId!;
    const db = (await iceClient(emu)("CreateDNADB", { Name: "kept too" })).DBInfo.DBId;
    const file = join(dir, "state.json");

    expect(await controlHttp(emu, "POST", "state/save", { path: file })).toEqual({ status: 200, body: { path: file, libraries: 2, jobs: 1 } });
    const text = await readFile(file, "utf8");
    expect(text).not.toContain(ALICE.accessKeySecret);

    await controlHttp(emu, "POST", "reset");
    expect(emu.control.state().libraries).toEqual([]);
    expect(await controlHttp(emu, "POST", "state/load", { path: file })).toEqual({ status: 200, body: { path: file, libraries: 2, jobs: 1 } });
    expect((await iceClient(emu)("ListDNADB", { DBIds: db })).DBList[0].Name).toBe("kept too");
    const jobs = (await mtsClient(emu).queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({ jobIds: job }))).body!;
    expect(jobs.fpDBDeleteJobList!.fpDBDeleteJob![0]).toMatchObject({ fpDBId: fp, status: "Queuing" });

    await writeFile(join(dir, "bad.json"), '{"format":"something else"}');
    const bad = await controlHttp(emu, "POST", "state/load", { path: join(dir, "bad.json") });
    expect(bad.status).toBe(400);
    expect(bad.body.Message).toMatch(/is not an emulator state file/);
    expect((await controlHttp(emu, "POST", "state/save", {})).body).toEqual({ Code: "InvalidPath", Message: 'The body must be {"path": "<file>"}.' });
  });
});

describe("in-process control twin", () => {
  it("offers the same operations with typed results and ControlError on refusal", async () => {
    const id = (await iceClient(emu)("CreateDNADB", { Name: "twin" })).DBInfo.DBId;
    expect(emu.control.activate(id)).toMatchObject({ id, status: "active" });
    expect(emu.control.pause(id).status).toBe("paused");
    expect(emu.control.state().libraries.map((l) => l.status)).toEqual(["paused"]);
    expect(emu.control.deleteLibrary(id).name).toBe("twin");
    expect(emu.control.state().libraries).toEqual([]);
    expect(() => emu.control.activate(id)).toThrow(ControlError);
    try {
      emu.control.finishJob("missing");
    } catch (e) {
      expect(e).toBeInstanceOf(ControlError);
      expect((e as ControlError).httpStatus).toBe(404);
    }
    expect(() => emu.control.updateSettings({ libraryQuota: 1.5 })).toThrow("libraryQuota must be a non-negative integer, got 1.5.");
    expect(emu.control.setFault("ListDNADB", { dropRate: 0.25 })).toMatchObject({ dropRate: 0.25, errorRate: 0 });
    emu.control.clearFaults();
    expect(emu.control.faults()).toEqual({});
  });
});
