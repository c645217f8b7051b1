/** Content jobs and the emulator's machinery: job timing, control API, QPS limits, faults. */
import { QueryFpShotJobListRequest, SubmitFpFileDeleteJobRequest, SubmitFpShotJobRequest } from "@alicloud/mts20140618";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { DEFAULT_QPS_LIMITS } from "../../src/emulator/index.js";
import { activeIceLibrary, activeMpsLibrary, fetchDnaResult, iceJobDone, mpsInput, putMedia, startContentEmulator, wav } from "./content-helpers.js";
import { controlHttp, eventually, expectApiError, iceClient, mtsClient } from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startContentEmulator();
}, 60_000);
afterAll(() => emu.close());
beforeEach(() => {
  emu.control.reset();
  emu.control.updateSettings({ jobQueueDelayMs: 0, jobSecondsPerMediaSecond: 0 });
});

const iceInput = (key: string) => JSON.stringify({ Type: "OSS", Media: `oss://media/${key}` });

describe("job timing", () => {
  it("stays Queuing for the queue delay and Analysing in proportion to the media length", async () => {
    const ice = iceClient(emu);
    const db = await activeIceLibrary(emu, ice, "Audio");
    await putMedia(emu, "media", "tone.wav", wav(3));
    emu.control.updateSettings({ jobQueueDelayMs: 300, jobSecondsPerMediaSecond: 0.2 });
    const started = Date.now();
    const { JobId } = await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "t", Input: iceInput("tone.wav") });
    const seen = new Set<string>();
    let job: Record<string, any>;
    do {
      job = (await ice("QueryDNAJobList", { JobIds: JobId })).JobList[0];
      seen.add(job.Status);
      await new Promise((r) => setTimeout(r, 30));
    } while (job.Status !== "Success" && job.Status !== "Fail");
    const took = Date.now() - started;
    expect([...seen]).toEqual(["Queuing", "Analysing", "Success"]);
    // 300 ms queued + 3 s x 0.2 analysing.
    expect(took).toBeGreaterThanOrEqual(850);
    expect(took).toBeLessThan(3000);
  });

  it("fails a job whose library stopped being active before it ran", async () => {
    const mts = mtsClient(emu);
    const db = await activeMpsLibrary(emu, mts, 13);
    await putMedia(emu, "media", "tone.wav", wav(3));
    emu.control.pauseQueue("mps");
    const jobId = (await mts.submitFpShotJob(new SubmitFpShotJobRequest({ input: mpsInput("media", "tone.wav"), fpShotConfig: JSON.stringify({ PrimaryKey: "k", SaveType: "save", FpDBId: db }) }))).body!.jobId!;
    emu.control.pause(db);
    emu.control.resumeQueue("mps");
    let job: any;
    await eventually(async () => {
      job = (await mts.queryFpShotJobList(new QueryFpShotJobListRequest({ jobIds: jobId }))).body!.fpShotJobList!.fpShotJob![0];
      return job.state === "Fail";
    });
    expect(job).toMatchObject({ code: "InvalidParameter.InvalidState", message: `The library ${db} is paused; jobs run only on active libraries.` });
  });
});

describe("control API over HTTP", () => {
  it("pauses and resumes a queue, finishes and fails jobs, and shows them in the state", async () => {
    const ice = iceClient(emu);
    const db = await activeIceLibrary(emu, ice, "Text");
    await putMedia(emu, "media", "a.txt", "words for the control test");
    expect(await controlHttp(emu, "POST", "queues/ice/pause")).toEqual({ status: 200, body: { service: "ice", paused: true } });
    const a = (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "a", Input: iceInput("a.txt"), Config: '{"SaveType":"onlysave"}' })).JobId;
    const b = (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "b", Input: iceInput("a.txt") })).JobId;
    expect((await controlHttp(emu, "GET", "state")).body.content).toMatchObject({
      pausedQueues: ["ice"],
      jobs: [
        { id: a, type: "fingerprint", service: "ice", libraryId: db, status: "Queuing", primaryKey: "a", saveType: "onlysave", kind: "text" },
        { id: b, status: "Queuing", saveType: "save" },
      ],
      files: [],
    });

    const finished = await controlHttp(emu, "POST", `content-jobs/${a}/finish`);
    expect(finished.status).toBe(200);
    expect(finished.body).toMatchObject({ id: a, status: "Success", stored: true, fileId: expect.stringMatching(/^[0-9a-f]{32}$/), matches: [] });
    expect((await controlHttp(emu, "POST", `content-jobs/${a}/finish`)).body).toEqual({ Code: "JobAlreadyFinished", Message: `The job ${a} has already finished with status Success.` });

    const failed = await controlHttp(emu, "POST", `content-jobs/${b}/fail`, { code: "ServiceUnavailable", message: "Backend down for a test." });
    expect(failed.body).toMatchObject({ id: b, status: "Fail", code: "ServiceUnavailable", message: "Backend down for a test." });
    expect((await ice("QueryDNAJobList", { JobIds: b })).JobList[0]).toMatchObject({ Status: "Fail", Code: "ServiceUnavailable", Message: "Backend down for a test." });

    expect((await controlHttp(emu, "POST", "content-jobs/nope/finish")).status).toBe(404);
    expect((await controlHttp(emu, "POST", "queues/vod/pause")).body).toEqual({ Code: "QueueNotFound", Message: "There is no queue vod; use ice or mps." });
    expect(await controlHttp(emu, "POST", "queues/ice/resume")).toEqual({ status: 200, body: { service: "ice", paused: false } });
    expect((await controlHttp(emu, "GET", "state")).body.content.files).toEqual([{ libraryId: db, fileId: finished.body.fileId, primaryKey: "a", storedAt: expect.stringMatching(/Z$/) }]);
  });
});

describe("QPS limits and faults", () => {
  it("has documented defaults and throttles SubmitFpFileDeleteJob at 10 per second", async () => {
    expect(DEFAULT_QPS_LIMITS).toMatchObject({ SubmitFpShotJob: 100, SubmitFpFileDeleteJob: 10, QueryFpFileDeleteJobList: 500, SubmitDNAJob: 100, ListDNAFiles: 100 });
    const mts = mtsClient(emu);
    const db = await activeMpsLibrary(emu, mts, 12);
    // A burst of 30 against a bucket of 10 refilled at 10/s: some must be refused.
    const calls = await Promise.allSettled(Array.from({ length: 30 }, () => mts.submitFpFileDeleteJob(new SubmitFpFileDeleteJobRequest({ fpDBId: db, fileIds: "f1" }))));
    const refused = calls.filter((c) => c.status === "rejected") as PromiseRejectedResult[];
    expect(refused.length).toBeGreaterThan(5);
    expect(refused[0]!.reason.data).toMatchObject({ Code: "Throttling", Message: "Request was denied due to request throttling: SubmitFpFileDeleteJob allows 10 requests per second per account." });
  });

  it("injects errors into content actions, and a failed submit creates no job", async () => {
    const ice = iceClient(emu);
    const db = await activeIceLibrary(emu, ice, "Text");
    emu.control.setFault("SubmitDNAJob", { code: "ServiceUnavailable", times: 1 });
    await expectApiError(ice("SubmitDNAJob", { DBId: db, PrimaryKey: "k", Input: iceInput("a.txt") }), { status: 503, code: "ServiceUnavailable", message: "ServiceUnavailable (injected by the emulator)." });
    expect(emu.control.state().content.jobs).toEqual([]);
    await putMedia(emu, "media", "a.txt", "fault free words");
    const job = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "k", Input: iceInput("a.txt") })).JobId);
    expect(job.Status).toBe("Success");

    emu.control.setFault("QueryFpShotJobList", { dropRate: 1 });
    let err: any;
    try {
      await mtsClient(emu).queryFpShotJobList(new QueryFpShotJobListRequest({}));
    } catch (e) {
      err = e;
    }
    expect(err).toBeDefined();
    expect(err.data).toBeUndefined();
  });
});

describe("state file", () => {
  it("keeps stored files (searchable again) and jobs across save and load", async () => {
    const ice = iceClient(emu);
    const db = await activeIceLibrary(emu, ice, "Text");
    await putMedia(emu, "media", "a.txt", "words that survive a restart of the emulator");
    const stored = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "kept", Input: iceInput("a.txt"), Config: '{"SaveType":"onlysave"}' })).JobId);
    emu.control.pauseQueue("ice");
    const pending = (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "p", Input: iceInput("a.txt") })).JobId;
    const file = join(await mkdtemp(join(tmpdir(), "content-state-")), "state.json");
    await emu.control.saveState(file);

    emu.control.reset();
    expect(emu.control.state().content.files).toEqual([]);
    await emu.control.loadState(file);
    expect((await ice("ListDNAFiles", { DBId: db })).FileList.map((f: any) => f.PrimaryKey)).toEqual(["kept"]);
    expect((await ice("QueryDNAJobList", { JobIds: `${stored.Id},${pending}` })).JobList.map((j: any) => [j.Id, j.Status, j.Code])).toEqual([
      [stored.Id, "Success", ""],
      [pending, "Fail", "InternalError"],
    ]);
    await putMedia(emu, "media", "a.txt", "words that survive a restart of the emulator");
    const search = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "q", Input: iceInput("a.txt"), Config: '{"SaveType":"nosave"}' })).JobId);
    expect((await fetchDnaResult(search.DNAResult)).TextDNA.map((m: any) => m.PrimaryKey)).toEqual(["kept"]);
  });
});
