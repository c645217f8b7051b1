/** ICE content operations through openapi-core's generic callApi, both signing modes. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { activeIceLibrary, fetchDnaResult, iceJobDone, picture, putMedia, startContentEmulator, wav } from "./content-helpers.js";
import { BOB, expectApiError, iceClient } from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startContentEmulator();
}, 60_000);
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

const input = (bucket: string, key: string) => JSON.stringify({ Type: "OSS", Media: `oss://${bucket}/${key}` });

describe.each([
  { mode: "ACS3", v2: false },
  { mode: "V2", v2: true },
])("ICE content operations ($mode signatures)", ({ v2 }) => {
  it("runs a job Queuing -> Success and publishes a DNAResult document", async () => {
    const ice = iceClient(emu, { v2 });
    const db = await activeIceLibrary(emu, ice, "Text");
    await putMedia(emu, "media", "poem.txt", "the quick brown fox jumps over the lazy dog");
    emu.control.pauseQueue("ice");
    const config = JSON.stringify({ SaveType: "onlysave", MediaType: "text" });
    const { JobId } = await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "poem-1", Input: input("media", "poem.txt"), Config: config, UserData: "u1" });
    expect(JobId).toMatch(/^[0-9a-f]{32}$/);

    const queued = (await ice("QueryDNAJobList", { JobIds: JobId })).JobList[0];
    expect(queued).toMatchObject({ Id: JobId, DBId: db, PrimaryKey: "poem-1", Status: "Queuing", Config: config, UserData: "u1", Input: { Type: "OSS", Media: "oss://media/poem.txt" } });
    expect(queued.CreationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(queued.FinishTime).toBeUndefined();
    expect(queued.DNAResult).toBeUndefined();

    emu.control.resumeQueue("ice");
    const done = await iceJobDone(ice, JobId);
    expect(done).toMatchObject({ Status: "Success", Code: "", Message: "" });
    expect(done.FinishTime).toMatch(/Z$/);
    expect(done.DNAResult).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fingerprint-results-[0-9a-f]{12}\/fingerprint\/text\/search_result\//);
    expect(await fetchDnaResult(done.DNAResult)).toEqual({ TextDNA: [] });

    const files = await ice("ListDNAFiles", { DBId: db });
    expect(files.FileList).toEqual([{ PrimaryKey: "poem-1", InputFile: { Bucket: "media", Location: "oss-cn-shanghai", Object: "poem.txt" } }]);
    expect(files.NextPageToken).toBeUndefined();
  });

  it("applies every SaveType: nosave searches, onlysave stores, save skips duplicates, forcesave stores them", async () => {
    const ice = iceClient(emu, { v2 });
    const db = await activeIceLibrary(emu, ice, "Text");
    await putMedia(emu, "media", "a.txt", "red green blue yellow");
    await putMedia(emu, "media", "b.txt", "an entirely different sentence here");
    const run = async (key: string, object: string, saveType: string) =>
      iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: key, Input: input("media", object), Config: JSON.stringify({ SaveType: saveType }) })).JobId);
    const keys = async () => (await ice("ListDNAFiles", { DBId: db })).FileList.map((f: any) => f.PrimaryKey);

    await run("a1", "a.txt", "onlysave");
    const search = await run("a-search", "a.txt", "nosave");
    expect(await fetchDnaResult(search.DNAResult)).toEqual({
      TextDNA: [{ PrimaryKey: "a1", Similarity: "1.0", Detail: [{ Input: { Start: "0", Duration: "21" }, Duplication: { Start: "0", Duration: "21" }, InputText: "red green blue yellow", DuplicationText: "red green blue yellow" }] }],
    });
    expect(await keys()).toEqual(["a1"]);

    const dup = await run("a2", "a.txt", "save");
    expect((await fetchDnaResult(dup.DNAResult)).TextDNA.map((m: any) => m.PrimaryKey)).toEqual(["a1"]);
    expect(await keys()).toEqual(["a1"]);

    await run("b1", "b.txt", "save");
    expect(await keys()).toEqual(["a1", "b1"]);

    const forced = await run("a3", "a.txt", "forcesave");
    expect((await fetchDnaResult(forced.DNAResult)).TextDNA.map((m: any) => m.PrimaryKey)).toEqual(["a1"]);
    expect(await keys()).toEqual(["a1", "b1", "a3"]);

    // Without Config the job uses save.
    const plain = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "a4", Input: input("media", "a.txt") })).JobId);
    expect(plain.Status).toBe("Success");
    expect(await keys()).toEqual(["a1", "b1", "a3"]);
  });

  it("fingerprints images and audio with the https OSS URL form", async () => {
    const ice = iceClient(emu, { v2 });
    const img = await activeIceLibrary(emu, ice, "Image");
    const png = await picture(3);
    await putMedia(emu, "media", "dir/red square.png", png);
    const media = JSON.stringify({ Type: "OSS", Media: "https://media.oss-cn-shanghai.aliyuncs.com/dir/red%20square.png" });
    await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: img, PrimaryKey: "red", Input: media, Config: '{"SaveType":"onlysave"}' })).JobId);
    const found = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: img, PrimaryKey: "q", Input: media, Config: '{"SaveType":"nosave"}' })).JobId);
    expect(await fetchDnaResult(found.DNAResult)).toEqual({ ImageDNA: [{ PrimaryKey: "red", Similarity: "1.0", Detail: [] }] });
    expect((await ice("ListDNAFiles", { DBId: img })).FileList[0].InputFile).toEqual({ Bucket: "media", Location: "oss-cn-shanghai", Object: "dir/red square.png" });

    const aud = await activeIceLibrary(emu, ice, "Audio");
    await putMedia(emu, "media", "tone.wav", wav(3));
    await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: aud, PrimaryKey: "tone", Input: input("media", "tone.wav"), Config: '{"SaveType":"onlysave"}' })).JobId);
    const heard = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: aud, PrimaryKey: "q", Input: input("media", "tone.wav"), Config: '{"SaveType":"nosave"}' })).JobId);
    const doc = await fetchDnaResult(heard.DNAResult);
    expect(doc).toEqual({ AudioDNA: [{ PrimaryKey: "tone", Similarity: "1.0", Detail: [{ Input: { Start: "0.0", Duration: "3.0" }, Duplication: { Start: "0.0", Duration: "3.0" } }] }] });
  });

  it("cancels a Queuing job only", async () => {
    const ice = iceClient(emu, { v2 });
    const db = await activeIceLibrary(emu, ice, "Text");
    await putMedia(emu, "media", "a.txt", "some words");
    emu.control.pauseQueue("ice");
    const { JobId } = await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "k", Input: input("media", "a.txt") });
    expect(await ice("CancelDNAJob", { JobId })).toEqual({ RequestId: expect.any(String), JobId });
    const job = (await ice("QueryDNAJobList", { JobIds: JobId })).JobList[0];
    expect(job).toMatchObject({ Status: "Fail", Code: "JobCancelled", Message: "The job was cancelled with CancelDNAJob before it started." });
    await expectApiError(ice("CancelDNAJob", { JobId }), {
      status: 400,
      code: "InvalidParameter.InvalidState",
      message: `The job ${JobId} is Fail; only Queuing jobs can be cancelled (pause the queue to keep jobs queued).`,
    });
    await expectApiError(ice("CancelDNAJob", { JobId: "0".repeat(32) }), { status: 400, code: "InvalidParameter.ResourceNotFound", message: `The job JobId ${"0".repeat(32)} does not exist.` });
    emu.control.resumeQueue("ice");
    expect((await ice("ListDNAFiles", { DBId: db })).FileList).toEqual([]);
  });

  it("pages ListDNAFiles with PageSize and NextPageToken", async () => {
    const ice = iceClient(emu, { v2 });
    const db = await activeIceLibrary(emu, ice, "Text");
    for (let i = 0; i < 5; i++) {
      await putMedia(emu, "media", `t${i}.txt`, `text number ${i} ${"x".repeat(i)}`);
      await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: `k${i}`, Input: input("media", `t${i}.txt`), Config: '{"SaveType":"onlysave"}' })).JobId);
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await ice("ListDNAFiles", { DBId: db, PageSize: 2, ...(token ? { NextPageToken: token } : {}) });
      seen.push(...res.FileList.map((f: any) => f.PrimaryKey));
      token = res.NextPageToken;
      pages++;
    } while (token);
    expect(seen).toEqual(["k0", "k1", "k2", "k3", "k4"]);
    expect(pages).toBe(3);
    expect((await ice("ListDNAFiles", { DBId: db })).FileList).toHaveLength(5);

    await expectApiError(ice("ListDNAFiles", { DBId: db, PageSize: 101 }), { status: 400, code: "InvalidParameter", message: 'The parameter PageSize must be an integer from 1 to 100, got "101".' });
    await expectApiError(ice("ListDNAFiles", { DBId: db, NextPageToken: "garbage!" }), { status: 400, code: "InvalidParameter", message: /NextPageToken "garbage!" is not a token returned by this API/ });
  });

  it("deletes files synchronously, at most 50 keys per call", async () => {
    const ice = iceClient(emu, { v2 });
    const db = await activeIceLibrary(emu, ice, "Text");
    for (const k of ["a", "b", "c"]) {
      await putMedia(emu, "media", `${k}.txt`, `letter ${k} words ${k}${k}`);
      await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: k, Input: input("media", `${k}.txt`), Config: '{"SaveType":"onlysave"}' })).JobId);
    }
    expect(await ice("DeleteDNAFiles", { DBId: db, PrimaryKeys: "a,c,missing" })).toEqual({ RequestId: expect.any(String) });
    expect((await ice("ListDNAFiles", { DBId: db })).FileList.map((f: any) => f.PrimaryKey)).toEqual(["b"]);
    // A deleted item is no longer found.
    const q = await iceJobDone(ice, (await ice("SubmitDNAJob", { DBId: db, PrimaryKey: "q", Input: input("media", "a.txt"), Config: '{"SaveType":"nosave"}' })).JobId);
    expect(await fetchDnaResult(q.DNAResult)).toEqual({ TextDNA: [] });

    const keys = Array.from({ length: 51 }, (_, i) => `k${i}`).join(",");
    await expectApiError(ice("DeleteDNAFiles", { DBId: db, PrimaryKeys: keys }), { status: 400, code: "InvalidParameter", message: "The parameter PrimaryKeys names 51 ids; at most 50 are allowed per call." });
    await expectApiError(ice("DeleteDNAFiles", { DBId: db }), { status: 400, code: "MissingParameter", message: "The parameter PrimaryKeys is required." });
  });
});

describe("ICE content operations: bad inputs", () => {
  const ice = () => iceClient(emu);

  it("refuses malformed Input and Config with a message that names the field", async () => {
    const db = await activeIceLibrary(emu, ice(), "Text");
    const submit = (q: Record<string, unknown>) => ice()("SubmitDNAJob", { DBId: db, PrimaryKey: "k", ...q });
    await expectApiError(submit({ Input: "{not json" }), { status: 400, code: "InvalidParameter", message: /^The parameter Input is not valid JSON \(.*\); expected an object such as \{"Type":"OSS","Media":"oss:\/\/bucket\/object.mp4"\}\.$/ });
    await expectApiError(submit({ Input: '{"Type":"FTP","Media":"x"}' }), { status: 400, code: "InvalidParameter", message: 'Input.Type "FTP" is not one of OSS, Media.' });
    await expectApiError(submit({ Input: '{"Type":"OSS","Media":"https://example.com/a.mp4"}' }), { status: 400, code: "InvalidParameter", message: /is not an OSS URL/ });
    await expectApiError(submit({ Input: '{"Type":"OSS"}' }), { status: 400, code: "InvalidParameter", message: /^Input.Media is required/ });
    await expectApiError(submit({ Input: input("media", "a.txt"), Config: '{"SaveType":"keep"}' }), { status: 400, code: "InvalidParameter", message: 'Config.SaveType "keep" is not one of nosave, save, forcesave, onlysave.' });
    await expectApiError(submit({ Input: input("media", "a.txt"), Config: '{"MediaType":"video"}' }), { status: 400, code: "InvalidParameter", message: /Config.MediaType "video" does not match the library/ });
    await expectApiError(submit({}), { status: 400, code: "MissingParameter", message: "The parameter Input is required." });
    await expectApiError(ice()("SubmitDNAJob", { DBId: "f".repeat(32), PrimaryKey: "k", Input: input("media", "a.txt") }), { status: 400, code: "InvalidParameter.ResourceNotFound", message: `The library DBId ${"f".repeat(32)} does not exist.` });
  });

  it("fails jobs on a missing bucket or object, undecodable media, a media asset id and a bucket in another region", async () => {
    const db = await activeIceLibrary(emu, ice(), "Text");
    await putMedia(emu, "media", "bin.txt", Buffer.from([0xff, 0xfe, 0xfd]));
    await putMedia(emu, "far", "a.txt", "far away", { location: "oss-cn-beijing" });
    const fail = async (media: string) =>
      iceJobDone(ice(), (await ice()("SubmitDNAJob", { DBId: db, PrimaryKey: "k", Input: JSON.stringify({ Type: media.startsWith("oss:") ? "OSS" : "Media", Media: media }) })).JobId);
    expect(await fail("oss://nobucket/a.txt")).toMatchObject({ Status: "Fail", Code: "InvalidParameter.ResourceNotFound", Message: 'The resource operated "oss://nobucket/a.txt" cannot be found: this account has no bucket nobucket.' });
    expect(await fail("oss://media/none.txt")).toMatchObject({ Status: "Fail", Code: "InvalidParameter.ResourceNotFound", Message: 'The resource operated "oss://media/none.txt" cannot be found: the bucket media has no object none.txt.' });
    expect(await fail("oss://media/bin.txt")).toMatchObject({ Status: "Fail", Code: "InvalidParameter.ResourceContentBad", Message: "The object oss://media/bin.txt is not UTF-8 text." });
    expect(await fail("1b1b9cd148034739af413150fded0000")).toMatchObject({ Status: "Fail", Code: "InvalidParameter.ResourceNotFound", Message: /^The resource operated "1b1b9cd148034739af413150fded0000" cannot be found/ });
    expect(await fail("oss://far/a.txt")).toMatchObject({ Status: "Fail", Code: "PermissionDenied.ResourceAccess", Message: "The service in cn-shanghai cannot access the bucket far in oss-cn-beijing: the bucket must be in oss-cn-shanghai." });
    // Another account's bucket does not exist for this one.
    expect((await iceJobDone(iceClient(emu, { account: BOB }), (await iceClient(emu, { account: BOB })("SubmitDNAJob", { DBId: await activeIceLibrary(emu, iceClient(emu, { account: BOB }), "Text"), PrimaryKey: "k", Input: input("media", "bin.txt") })).JobId)).Code).toBe("InvalidParameter.ResourceNotFound");
  });

  it("refuses jobs on a library that is not active, and outside Beijing/Hangzhou/Shanghai", async () => {
    const id = (await ice()("CreateDNADB", { Name: "new", Model: "Video" })).DBInfo.DBId;
    await expectApiError(ice()("SubmitDNAJob", { DBId: id, PrimaryKey: "k", Input: input("media", "a.mp4") }), {
      status: 400,
      code: "InvalidParameter.InvalidState",
      message: `The library DBId ${id} is offline; submit jobs once ListDNADB shows it active.`,
    });
    const shenzhen = iceClient(emu, { region: "cn-shenzhen" });
    const local = (await shenzhen("CreateDNADB", { Name: "sz", Model: "Video" })).DBInfo.DBId;
    emu.control.activate(local);
    await expectApiError(shenzhen("SubmitDNAJob", { DBId: local, PrimaryKey: "k", Input: input("media", "a.mp4") }), {
      status: 400,
      code: "InvalidParameter.RegionNotSupported",
      message: "SubmitDNAJob is available in cn-beijing, cn-hangzhou, cn-shanghai only; this request was handled in cn-shenzhen.",
      hostId: "ice.cn-shenzhen.aliyuncs.com",
    });
    // Jobs are regional like their libraries: Beijing does not see a Shanghai job.
    emu.control.activate(id);
    await putMedia(emu, "media", "a.txt", "regional words");
    const { JobId } = await ice()("SubmitDNAJob", { DBId: id, PrimaryKey: "k", Input: input("media", "a.txt") });
    expect((await iceClient(emu, { region: "cn-beijing" })("QueryDNAJobList", { JobIds: JobId })).JobList).toEqual([]);
    expect((await ice()("QueryDNAJobList", { JobIds: JobId })).JobList).toHaveLength(1);
  });

  it("drops a library's jobs and files with the library, and keeps accounts apart", async () => {
    const db = await activeIceLibrary(emu, ice(), "Text");
    await putMedia(emu, "media", "a.txt", "words to keep");
    const { JobId } = await ice()("SubmitDNAJob", { DBId: db, PrimaryKey: "k", Input: input("media", "a.txt"), Config: '{"SaveType":"onlysave"}' });
    await iceJobDone(ice(), JobId);
    const bob = iceClient(emu, { account: BOB });
    expect((await bob("QueryDNAJobList", { JobIds: JobId })).JobList).toEqual([]);
    await expectApiError(bob("ListDNAFiles", { DBId: db }), { status: 400, code: "InvalidParameter.ResourceNotFound" });
    await expectApiError(bob("CancelDNAJob", { JobId }), { status: 400, code: "InvalidParameter.ResourceNotFound" });

    await ice()("DeleteDNADB", { DBId: db });
    expect((await ice()("QueryDNAJobList", { JobIds: JobId })).JobList).toEqual([]);
    expect(emu.control.state().content.files).toEqual([]);
  });
});
