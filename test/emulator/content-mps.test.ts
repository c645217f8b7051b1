/** MPS content operations through @alicloud/mts20140618, both signing modes. */
import {
  ImportFpShotJobRequest,
  ListFpShotFilesRequest,
  ListFpShotImportJobRequest,
  QueryFpFileDeleteJobListRequest,
  QueryFpShotJobListRequest,
  SubmitFpFileDeleteJobRequest,
  SubmitFpShotJobRequest,
} from "@alicloud/mts20140618";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { activeMpsLibrary, fetchText, mpsInput, picture, putMedia, startContentEmulator, wav } from "./content-helpers.js";
import { BOB, eventually, expectApiError, mtsClient } from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startContentEmulator();
}, 60_000);
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

type Mts = ReturnType<typeof mtsClient>;

async function submit(mts: Mts, db: string, primaryKey: string, input: string, saveType: string, extra: Record<string, unknown> = {}) {
  const res = await mts.submitFpShotJob(
    new SubmitFpShotJobRequest({ input, fpShotConfig: JSON.stringify({ PrimaryKey: primaryKey, SaveType: saveType, FpDBId: db, ...extra }) }),
  );
  return res.body!.jobId!;
}

async function done(mts: Mts, jobId: string) {
  let job: any;
  await eventually(async () => {
    job = (await mts.queryFpShotJobList(new QueryFpShotJobListRequest({ jobIds: jobId }))).body!.fpShotJobList!.fpShotJob![0];
    return job.state === "Success" || job.state === "Fail";
  }, 20_000);
  return job;
}

async function rawJob(mts: Mts, jobId: string) {
  // The SDK maps fields by name; the raw body shows the wire shape (strings, wrappers).
  const res = await mts.queryFpShotJobList(new QueryFpShotJobListRequest({ jobIds: jobId }));
  return JSON.parse(JSON.stringify(res.body!.toMap()));
}

describe.each([
  { mode: "ACS3", v2: false },
  { mode: "V2", v2: true },
])("MPS content operations ($mode signatures)", ({ v2 }) => {
  it("runs an FpShot job and answers FpShotResult inline, numbers as strings", async () => {
    const mts = mtsClient(emu, { v2 });
    const db = await activeMpsLibrary(emu, mts, 13);
    await putMedia(emu, "media", "dir/tone one.wav", wav(3));
    const input = mpsInput("media", "dir/tone one.wav");
    const stored = await done(mts, await submit(mts, db, "tone-1", input, "onlysave"));
    expect(stored).toMatchObject({ state: "Success", code: "", message: "", input, duration: 3 });
    expect(stored.inputFile).toMatchObject({ bucket: "media", location: "oss-cn-shanghai", object: "dir%2Ftone%20one.wav" });
    expect(stored.fpShotConfig).toMatchObject({ fpDBId: db, primaryKey: "tone-1", saveType: "onlysave" });
    expect(stored.fileId).toMatch(/^[0-9a-f]{32}$/);

    const jobId = await submit(mts, db, "q", input, "nosave");
    await done(mts, jobId);
    const raw = (await rawJob(mts, jobId)).FpShotJobList.FpShotJob[0];
    expect(raw.FpShotResult).toEqual({
      AudioFpShots: {
        FpShot: [
          {
            PrimaryKey: "tone-1",
            Similarity: "1.0",
            FpShotSlices: { FpShotSlice: [{ Similarity: "1.0", Input: { Start: "0.0", Duration: "3.0" }, Duplication: { Start: "0.0", Duration: "3.0" } }] },
          },
        ],
      },
    });
    expect(raw.FileId).toBeUndefined();
  });

  it("applies every SaveType on a text library, with TextFpShots quoting the fragments", async () => {
    const mts = mtsClient(emu, { v2 });
    const db = await activeMpsLibrary(emu, mts, 11);
    await putMedia(emu, "media", "a.txt", "alpha beta gamma delta");
    await putMedia(emu, "media", "b.txt", "something else entirely");
    const files = async () => (await mts.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: db }))).body!.fpShotFileList!.fpShotFile!.map((f) => f.primaryKey);

    await done(mts, await submit(mts, db, "a1", mpsInput("media", "a.txt"), "onlysave"));
    const searched = await submit(mts, db, "s", mpsInput("media", "a.txt"), "nosave");
    await done(mts, searched);
    expect((await rawJob(mts, searched)).FpShotJobList.FpShotJob[0].FpShotResult).toEqual({
      TextFpShots: {
        TextFpShot: [
          {
            PrimaryKey: "a1",
            Similarity: "1.0",
            TextFpShotSlices: { TextFpShotSlice: [{ Similarity: "1.0", InputFragment: { Start: "0", Duration: "22" }, InputText: "alpha beta gamma delta", DuplicationText: "alpha beta gamma delta" }] },
          },
        ],
      },
    });
    expect(await files()).toEqual(["a1"]);
    const dup = await done(mts, await submit(mts, db, "a2", mpsInput("media", "a.txt"), "save"));
    expect(dup.fpShotResult.textFpShots.textFpShot.map((s: any) => s.primaryKey)).toEqual(["a1"]);
    expect(dup.fileId).toBeUndefined();
    await done(mts, await submit(mts, db, "b1", mpsInput("media", "b.txt"), "save"));
    await done(mts, await submit(mts, db, "a3", mpsInput("media", "a.txt"), "forcesave"));
    expect(await files()).toEqual(["a1", "b1", "a3"]);
    // A threshold above the similarity lets `save` store a near duplicate.
    // A near copy of a longer text: one word of 21 changed.
    const long = "the quick brown fox jumps over the lazy dog while the cat sleeps on the warm windowsill in the afternoon sun";
    await putMedia(emu, "media", "l.txt", long);
    await done(mts, await submit(mts, db, "l1", mpsInput("media", "l.txt"), "onlysave"));
    await putMedia(emu, "media", "c.txt", long.replace("lazy", "sleepy"));
    await done(mts, await submit(mts, db, "c1", mpsInput("media", "c.txt"), "save", { SimilarityThreshold: 0.99 }));
    expect(await files()).toEqual(["a1", "b1", "a3", "l1", "c1"]);
    const near = await done(mts, await submit(mts, db, "c2", mpsInput("media", "c.txt"), "save", { SimilarityThreshold: 0.5 }));
    expect(near.fpShotResult.textFpShots.textFpShot.map((s: any) => s.primaryKey).sort()).toEqual(["c1", "l1"]);
    expect(await files()).toEqual(["a1", "b1", "a3", "l1", "c1"]);
  });

  it("queries jobs by ids (NonExistIds) and by state and time range with paging", async () => {
    const mts = mtsClient(emu, { v2 });
    const db = await activeMpsLibrary(emu, mts, 14);
    const png = await picture(5);
    await putMedia(emu, "media", "g.png", png);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submit(mts, db, `g${i}`, mpsInput("media", "g.png"), "nosave"));
    for (const id of ids) await done(mts, id);

    const missing = "0".repeat(32);
    const byIds = (await mts.queryFpShotJobList(new QueryFpShotJobListRequest({ jobIds: `${ids[1]},${missing}` }))).body!;
    expect(byIds.fpShotJobList!.fpShotJob!.map((j) => j.id)).toEqual([ids[1]]);
    expect(byIds.nonExistIds!.string).toEqual([missing]);

    const start = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    const end = new Date(Date.now() + 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const body = (await mts.queryFpShotJobList(
        new QueryFpShotJobListRequest({ state: "Success", startOfJobCreatedTimeRange: start, endOfJobCreatedTimeRange: end, maximumPageSize: 2, ...(token ? { nextPageToken: token } : {}) }),
      )).body!;
      seen.push(...body.fpShotJobList!.fpShotJob!.map((j) => j.id!));
      token = body.nextPageToken;
    } while (token);
    expect(seen).toEqual(ids);
    expect((await mts.queryFpShotJobList(new QueryFpShotJobListRequest({ state: "Fail" }))).body!.fpShotJobList!.fpShotJob).toEqual([]);

    await expectApiError(mts.queryFpShotJobList(new QueryFpShotJobListRequest({ maximumPageSize: 101 })), { status: 400, code: "InvalidParameter", message: 'The parameter MaximumPageSize must be an integer from 1 to 100, got "101".' });
    await expectApiError(mts.queryFpShotJobList(new QueryFpShotJobListRequest({ state: "Done" })), { status: 400, code: "InvalidParameter", message: 'The parameter State "Done" is not one of All, Queuing, Analysing, Fail, Success.' });
    await expectApiError(mts.queryFpShotJobList(new QueryFpShotJobListRequest({ startOfJobCreatedTimeRange: "yesterday" })), { status: 400, code: "InvalidParameter", message: /StartOfJobCreatedTimeRange "yesterday" is not a UTC time/ });
    await expectApiError(mts.queryFpShotJobList(new QueryFpShotJobListRequest({ jobIds: Array.from({ length: 11 }, (_, i) => `j${i}`).join(",") })), { status: 400, code: "InvalidParameter", message: "The parameter JobIds names 11 ids; at most 10 are allowed per call." });
    // A token of another listing is refused.
    const first = (await mts.queryFpShotJobList(new QueryFpShotJobListRequest({ maximumPageSize: 1 }))).body!.nextPageToken!;
    await expectApiError(mts.queryFpShotJobList(new QueryFpShotJobListRequest({ state: "Fail", nextPageToken: first })), { status: 400, code: "InvalidParameter", message: /belongs to a different listing/ });
  });

  it("lists files with FileId and StoreTime, paged, and deletes them by FileIds and PrimaryKeys through a job", async () => {
    const mts = mtsClient(emu, { v2 });
    const db = await activeMpsLibrary(emu, mts, 11);
    for (let i = 0; i < 4; i++) {
      await putMedia(emu, "media", `t${i}.txt`, `file ${i} ${"w".repeat(i + 1)}`);
      await done(mts, await submit(mts, db, `k${i}`, mpsInput("media", `t${i}.txt`), "onlysave"));
    }
    const page1 = (await mts.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: db, pageSize: 3 }))).body!;
    expect(page1.fpShotFileList!.fpShotFile!.map((f) => f.primaryKey)).toEqual(["k0", "k1", "k2"]);
    expect(page1.fpShotFileList!.fpShotFile![0]).toMatchObject({ fileId: expect.stringMatching(/^[0-9a-f]{32}$/), storeTime: expect.stringMatching(/Z$/), inputFile: { bucket: "media", location: "oss-cn-shanghai", object: "t0.txt" } });
    const page2 = (await mts.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: db, pageSize: 3, nextPageToken: page1.nextPageToken }))).body!;
    expect(page2.fpShotFileList!.fpShotFile!.map((f) => f.primaryKey)).toEqual(["k3"]);
    expect(page2.nextPageToken).toBeUndefined();
    const future = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
    expect((await mts.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: db, startTime: future }))).body!.fpShotFileList!.fpShotFile).toEqual([]);

    const k0 = page1.fpShotFileList!.fpShotFile![0]!.fileId!;
    emu.control.updateSettings({ deleteJobDelayMs: 60_000 });
    const jobId = (await mts.submitFpFileDeleteJob(new SubmitFpFileDeleteJobRequest({ fpDBId: db, fileIds: k0, primaryKeys: "k2", userData: "del1" }))).body!.jobId!;
    const queued = (await mts.queryFpFileDeleteJobList(new QueryFpFileDeleteJobListRequest({ jobIds: `${jobId},${"1".repeat(32)}` }))).body!;
    const k2 = page1.fpShotFileList!.fpShotFile![2]!.fileId!;
    expect(queued.fpFileDeleteJobList!.fpFileDeleteJob![0]).toMatchObject({ id: jobId, fpDBId: db, fileIds: `${k0},${k2}`, status: "Queuing", userData: "del1" });
    expect(queued.nonExistIds!.string).toEqual(["1".repeat(32)]);
    expect((await emu.control.finishContentJob(jobId)).status).toBe("Success");
    const latest = (await mts.queryFpFileDeleteJobList(new QueryFpFileDeleteJobListRequest({}))).body!;
    expect(latest.fpFileDeleteJobList!.fpFileDeleteJob![0]).toMatchObject({ id: jobId, status: "Success", finishTime: expect.stringMatching(/Z$/) });
    expect((await mts.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: db }))).body!.fpShotFileList!.fpShotFile!.map((f) => f.primaryKey)).toEqual(["k1", "k3"]);

    const many = Array.from({ length: 201 }, (_, i) => `f${i}`).join(",");
    await expectApiError(mts.submitFpFileDeleteJob(new SubmitFpFileDeleteJobRequest({ fpDBId: db, fileIds: many })), { status: 400, code: "InvalidParameter", message: "The parameter FileIds names 201 ids; at most 200 are allowed per call." });
    await expectApiError(mts.submitFpFileDeleteJob(new SubmitFpFileDeleteJobRequest({ fpDBId: db })), { status: 400, code: "MissingParameter", message: "FileIds or PrimaryKeys is required (comma-separated, at most 200 each)." });
  });

  it("imports a text file in bulk and lists the import job in its own flat shape", async () => {
    const mts = mtsClient(emu, { v2 });
    const db = await activeMpsLibrary(emu, mts, 11);
    const lines = [
      { PrimaryKey: "i1", Text: "first imported sentence" },
      { PrimaryKey: "i2", Text: "second imported line of text" },
      { PrimaryKey: "i3", Text: "first imported sentence" },
    ].map((o) => JSON.stringify(o));
    await putMedia(emu, "media", "import.jsonl", [...lines, "not json"].join("\n"));
    const input = mpsInput("media", "import.jsonl");
    const jobId = (await mts.importFpShotJob(new ImportFpShotJobRequest({ fpDBId: db, input, fpImportConfig: '{"SaveType":"save"}', userData: "imp" }))).body!.jobId!;
    let job: any;
    await eventually(async () => {
      job = (await mts.listFpShotImportJob(new ListFpShotImportJobRequest({ jobIds: `${jobId},${"2".repeat(32)}` }))).body!;
      return job.fpShotImportJobList[0].status !== "Processing";
    });
    const raw = JSON.parse(JSON.stringify(job.toMap()));
    expect(raw.NonExistIds).toEqual(["2".repeat(32)]);
    expect(raw.FpShotImportJobList[0]).toMatchObject({ Id: jobId, FpDBId: db, Input: input, FpImportConfig: '{"SaveType":"save"}', Status: "Success", Code: "0", Message: "Success", UserData: "imp" });
    expect(raw.FpShotImportJobList[0].CreateTime).toMatch(/Z$/);
    expect(raw.FpShotImportJobList[0].CreationTime).toBeUndefined();
    const report = raw.FpShotImportJobList[0].ProcessMessage as string;
    const body = await fetchText(report);
    expect(body).toBe("1\ti1\tStored\n2\ti2\tStored\n3\ti3\tDuplicate of i1\n4\t\tFail: not JSON (" + body.split("not JSON (")[1]);
    expect((await mts.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: db }))).body!.fpShotFileList!.fpShotFile!.map((f) => f.primaryKey)).toEqual(["i1", "i2"]);
  });
});

describe("MPS content operations: limits, bad inputs, regions", () => {
  const mts = () => mtsClient(emu);

  it("refuses malformed Input and FpShotConfig with messages that name the field", async () => {
    const db = await activeMpsLibrary(emu, mts(), 12);
    const call = (input: string, config: unknown) => mts().submitFpShotJob(new SubmitFpShotJobRequest({ input, fpShotConfig: typeof config === "string" ? config : JSON.stringify(config) }));
    const cfg = { PrimaryKey: "k", SaveType: "save", FpDBId: db };
    await expectApiError(call("{oops", cfg), { status: 400, code: "InvalidParameter", message: /^The parameter Input is not valid JSON/ });
    await expectApiError(call('{"Bucket":"media"}', cfg), { status: 400, code: "InvalidParameter", message: /^Input lacks Location, Object; expected/ });
    await expectApiError(call(JSON.stringify({ Bucket: "media", Location: "shanghai", Object: "a.mp4" }), cfg), { status: 400, code: "InvalidParameter", message: 'Input.Location "shanghai" is not an OSS region such as oss-cn-shanghai.' });
    await expectApiError(call(JSON.stringify({ Bucket: "media", Location: "oss-cn-shanghai", Object: "a%zz.mp4" }), cfg), { status: 400, code: "InvalidParameter", message: /Input.Object "a%zz.mp4" is not valid URL encoding/ });
    await expectApiError(call(mpsInput("media", "a.mp4"), { ...cfg, SaveType: undefined }), { status: 400, code: "InvalidParameter", message: "FpShotConfig.SaveType is required: one of nosave, save, forcesave, onlysave." });
    await expectApiError(call(mpsInput("media", "a.mp4"), { ...cfg, FpDBId: undefined }), { status: 400, code: "InvalidParameter", message: /^FpShotConfig.FpDBId is required/ });
    await expectApiError(call(mpsInput("media", "a.mp4"), { ...cfg, SimilarityThreshold: 2 }), { status: 400, code: "InvalidParameter", message: "FpShotConfig.SimilarityThreshold must be a number from 0 to 1, got 2." });
    await expectApiError(call(mpsInput("media", "a.mp4"), { ...cfg, TextType: "ASR" }), { status: 400, code: "InvalidParameter", message: /TextType applies to text libraries/ });
    await expectApiError(call(mpsInput("media", "a.mp4"), "[1]"), { status: 400, code: "InvalidParameter", message: /^The parameter FpShotConfig must be a JSON object/ });
    await expectApiError(mts().submitFpShotJob(new SubmitFpShotJobRequest({ input: mpsInput("media", "a.mp4") })), { status: 400, code: "MissingParameter", message: "The parameter FpShotConfig is required." });
  });

  it("fails jobs on a missing object and on undecodable media, inside the job", async () => {
    const db = await activeMpsLibrary(emu, mts(), 12);
    await putMedia(emu, "media", "fake.mp4", "this is no video");
    const missing = await done(mts(), await submit(mts(), db, "k", mpsInput("media", "none.mp4"), "save"));
    expect(missing).toMatchObject({ state: "Fail", code: "InvalidParameter.ResourceNotFound", message: 'The resource operated "oss://media/none.mp4" cannot be found: the bucket media has no object none.mp4.' });
    expect(missing.fpShotResult).toBeUndefined();
    const bad = await done(mts(), await submit(mts(), db, "k", mpsInput("media", "fake.mp4"), "save"));
    expect(bad).toMatchObject({ state: "Fail", code: "InvalidParameter.ResourceContentBad", message: /^The object oss:\/\/media\/fake.mp4 cannot be decoded as video: / });
    const wrongLoc = await done(mts(), await submit(mts(), db, "k", mpsInput("media", "fake.mp4", "oss-cn-beijing"), "save"));
    expect(wrongLoc).toMatchObject({ state: "Fail", code: "InvalidParameter", message: "The input names oss-cn-beijing, but the bucket media is in oss-cn-shanghai." });
    const asset = await done(mts(), await mts().submitFpShotJob(new SubmitFpShotJobRequest({ input: '{"MediaId":"99238abc321"}', fpShotConfig: JSON.stringify({ PrimaryKey: "k", SaveType: "save", FpDBId: db }) })).then((r) => r.body!.jobId!));
    expect(asset).toMatchObject({ state: "Fail", code: "InvalidParameter.ResourceNotFound" });
  });

  it("keeps import in cn-shanghai and the other operations in their documented regions", async () => {
    const cfg = (db: string) => JSON.stringify({ PrimaryKey: "k", SaveType: "save", FpDBId: db });
    const beijing = mtsClient(emu, { region: "cn-beijing" });
    const text = await activeMpsLibrary(emu, mts(), 11);
    await expectApiError(beijing.importFpShotJob(new ImportFpShotJobRequest({ fpDBId: text, input: mpsInput("media", "a.txt"), fpImportConfig: '{"SaveType":"save"}' })), {
      status: 400,
      code: "InvalidParameter.RegionNotSupported",
      message: "ImportFpShotJob (text libraries) is available in cn-shanghai only; this request was handled in cn-beijing.",
      hostId: "mts.cn-beijing.aliyuncs.com",
    });
    const bjVideo = await activeMpsLibrary(emu, beijing, 12);
    const bjJob = (await beijing.submitFpShotJob(new SubmitFpShotJobRequest({ input: mpsInput("media", "a.mp4", "oss-cn-beijing"), fpShotConfig: cfg(bjVideo) }))).body!.jobId!;
    // Jobs are regional like their libraries.
    expect((await mts().queryFpShotJobList(new QueryFpShotJobListRequest({ jobIds: bjJob }))).body!.nonExistIds!.string).toEqual([bjJob]);

    const singapore = mtsClient(emu, { region: "ap-southeast-1" });
    const sgVideo = await activeMpsLibrary(emu, singapore, 12);
    await expectApiError(singapore.submitFpFileDeleteJob(new SubmitFpFileDeleteJobRequest({ fpDBId: sgVideo, primaryKeys: "k" })), {
      status: 400,
      code: "InvalidParameter.RegionNotSupported",
      message: "SubmitFpFileDeleteJob with PrimaryKeys is available in cn-beijing, cn-hangzhou, cn-shanghai only; this request was handled in ap-southeast-1.",
    });
    expect((await singapore.submitFpFileDeleteJob(new SubmitFpFileDeleteJobRequest({ fpDBId: sgVideo, fileIds: "f1" }))).body!.jobId).toMatch(/^[0-9a-f]{32}$/);
    await expectApiError(singapore.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: sgVideo, startTime: "2026-01-01T00:00:00Z" })), {
      status: 400,
      code: "InvalidParameter.RegionNotSupported",
      message: "ListFpShotFiles with StartTime/EndTime is available in cn-beijing, cn-hangzhou, cn-shanghai only; this request was handled in ap-southeast-1.",
    });
    expect((await singapore.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: sgVideo }))).body!.fpShotFileList!.fpShotFile).toEqual([]);

    const shenzhen = mtsClient(emu, { region: "cn-shenzhen" });
    const szVideo = await activeMpsLibrary(emu, shenzhen, 12);
    await expectApiError(shenzhen.submitFpShotJob(new SubmitFpShotJobRequest({ input: mpsInput("media", "a.mp4"), fpShotConfig: cfg(szVideo) })), {
      status: 400,
      code: "InvalidParameter.RegionNotSupported",
      message: "SubmitFpShotJob is available in cn-beijing, cn-hangzhou, cn-shanghai, ap-southeast-1, me-central-1 only; this request was handled in cn-shenzhen.",
    });
    await expectApiError(shenzhen.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: szVideo })), { status: 400, code: "InvalidParameter.RegionNotSupported", message: /^ListFpShotFiles is available in/ });
  });

  it("allows one import job per library at a time and imports only into text libraries", async () => {
    const text = await activeMpsLibrary(emu, mts(), 11);
    const video = await activeMpsLibrary(emu, mts(), 12);
    emu.control.pauseQueue("mps");
    const req = (db: string) => new ImportFpShotJobRequest({ fpDBId: db, input: mpsInput("media", "x.jsonl"), fpImportConfig: '{"SaveType":"onlysave"}' });
    const first = (await mts().importFpShotJob(req(text))).body!.jobId!;
    await expectApiError(mts().importFpShotJob(req(text)), { status: 400, code: "InvalidParameter.InvalidState", message: `The import job ${first} is still Processing on library ${text}; only one import job per library runs at a time.` });
    await expectApiError(mts().importFpShotJob(req(video)), { status: 400, code: "InvalidParameter.NotSupported", message: `ImportFpShotJob imports into text libraries (ModelId 11); the library ${video} has ModelId 12.` });
    await expectApiError(mts().importFpShotJob(new ImportFpShotJobRequest({ fpDBId: text, input: mpsInput("media", "x.jsonl"), fpImportConfig: '{"SaveType":"forcesave"}' })), { status: 400, code: "InvalidParameter", message: 'FpImportConfig.SaveType "forcesave" is not one of save, onlysave.' });
    await expectApiError(mts().listFpShotImportJob(new ListFpShotImportJobRequest({})), { status: 400, code: "MissingParameter", message: "The parameter JobIds is required." });
    const finished = await emu.control.finishContentJob(first);
    expect(finished).toMatchObject({ status: "Fail", code: "InvalidParameter.ResourceNotFound" });
  });

  it("keeps accounts apart", async () => {
    const db = await activeMpsLibrary(emu, mts(), 12);
    const jobId = await submit(mts(), db, "k", mpsInput("media", "a.mp4"), "save");
    const bob = mtsClient(emu, { account: BOB });
    expect((await bob.queryFpShotJobList(new QueryFpShotJobListRequest({ jobIds: jobId }))).body!.nonExistIds!.string).toEqual([jobId]);
    expect((await bob.queryFpShotJobList(new QueryFpShotJobListRequest({}))).body!.fpShotJobList!.fpShotJob).toEqual([]);
    await expectApiError(bob.listFpShotFiles(new ListFpShotFilesRequest({ fpDBId: db })), { status: 400, code: "InvalidParameter.ResourceNotFound", message: `The library FpDBId ${db} does not exist.` });
  });
});
