import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_DEV_ACCOUNT, startEmulator, type RunningEmulator } from "../../src/emulator/index.js";
import {
  ALICE,
  CreateFpShotDBRequest,
  ListFpShotDBRequest,
  QueryFpDBDeleteJobListRequest,
  SubmitFpDBDeleteJobRequest,
  eventually,
  expectApiError,
  mtsClient,
  startTestEmulator,
} from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe.each([
  { mode: "ACS3", v2: false },
  { mode: "V2", v2: true },
])("MPS through @alicloud/mts20140618 ($mode signatures)", ({ v2 }) => {
  it("creates a library that is offline and turns active after the activation delay", async () => {
    const mts = mtsClient(emu, { v2 });
    const created = await mts.createFpShotDB(
      new CreateFpShotDBRequest({ name: "films", modelId: 12, description: "trailers", config: '{"threshold":0.8}' }),
    );
    const db = created.body!.fpShotDB!;
    expect(created.statusCode).toBe(200);
    expect(created.body!.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(db.fpDBId).toMatch(/^[0-9a-f]{32}$/);
    expect(db).toMatchObject({ name: "films", description: "trailers", modelId: 12, config: '{"threshold":0.8}', state: "offline" });

    const listed = await mts.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: db.fpDBId }));
    expect(listed.body!.fpShotDBList!.fpShotDB).toEqual([
      expect.objectContaining({ fpDBId: db.fpDBId, name: "films", description: "trailers", modelId: 12, status: "offline" }),
    ]);

    await eventually(async () => {
      const l = await mts.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: db.fpDBId }));
      return l.body!.fpShotDBList!.fpShotDB![0]!.status === "active";
    });
  });

  it("defaults ModelId to 12 and Config to empty", async () => {
    const mts = mtsClient(emu, { v2 });
    const db = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "plain" }))).body!.fpShotDB!;
    expect(db.modelId).toBe(12);
    expect(db.config).toBe("");
    expect(db.description).toBe("");
  });

  it("lists existing ids and reports missing ones in NonExistIds", async () => {
    const mts = mtsClient(emu, { v2 });
    const a = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "a", modelId: 13 }))).body!.fpShotDB!.fpDBId!;
    const b = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "b", modelId: 14 }))).body!.fpShotDB!.fpDBId!;
    const missing = "0123456789abcdef0123456789abcdef";
    const res = await mts.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: `${b},${missing},${a}` }));
    expect(res.body!.fpShotDBList!.fpShotDB!.map((d) => [d.fpDBId, d.name, d.modelId])).toEqual([
      [b, "b", 14],
      [a, "a", 13],
    ]);
    expect(res.body!.nonExistIds!.string).toEqual([missing]);

    const all = await mts.listFpShotDB(new ListFpShotDBRequest({}));
    expect(all.body!.fpShotDBList!.fpShotDB!.map((d) => d.fpDBId)).toEqual([a, b]);
    expect(all.body!.nonExistIds!.string).toEqual([]);
  });

  it("deletes through a job: Queuing, then Success, then the library is in NonExistIds", async () => {
    const mts = mtsClient(emu, { v2 });
    const id = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "doomed" }))).body!.fpShotDB!.fpDBId!;
    const submitted = await mts.submitFpDBDeleteJob(
      new SubmitFpDBDeleteJobRequest({ fpDBId: id, delType: "Delete", pipelineId: "pipe-1", userData: "note" }),
    );
    const jobId = submitted.body!.jobId!;
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);

    const queued = await mts.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({ jobIds: jobId }));
    const job = queued.body!.fpDBDeleteJobList!.fpDBDeleteJob![0]!;
    expect(job).toMatchObject({ id: jobId, fpDBId: id, delType: "Delete", status: "Queuing", pipelineId: "pipe-1", userData: "note" });
    expect(job.creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(job.finishTime).toBeUndefined();
    // While the job runs, the library still lists.
    const during = await mts.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: id }));
    expect(during.body!.fpShotDBList!.fpShotDB!.map((d) => d.fpDBId)).toEqual([id]);

    await eventually(async () => {
      const q = await mts.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({ jobIds: jobId }));
      return q.body!.fpDBDeleteJobList!.fpDBDeleteJob![0]!.status === "Success";
    });
    const done = (await mts.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({ jobIds: `${jobId},ffffffffffffffffffffffffffffffff` }))).body!;
    expect(done.fpDBDeleteJobList!.fpDBDeleteJob![0]!.finishTime).toMatch(/Z$/);
    expect(done.nonExistIds!.string).toEqual(["ffffffffffffffffffffffffffffffff"]);

    const after = await mts.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: id }));
    expect(after.body!.fpShotDBList!.fpShotDB).toEqual([]);
    expect(after.body!.nonExistIds!.string).toEqual([id]);
  });

  it("lists the latest jobs, newest first, when JobIds is omitted", async () => {
    const mts = mtsClient(emu, { v2 });
    const ids: string[] = [];
    for (const name of ["x", "y"]) {
      const id = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name }))).body!.fpShotDB!.fpDBId!;
      ids.push((await mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: id, delType: "delete" }))).body!.jobId!);
    }
    const res = await mts.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({}));
    expect(res.body!.fpDBDeleteJobList!.fpDBDeleteJob!.map((j) => j.id)).toEqual([ids[1], ids[0]]);
  });

  it("refuses Purge for ModelId 11-14 libraries and unknown ids", async () => {
    const mts = mtsClient(emu, { v2 });
    const id = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "keep" }))).body!.fpShotDB!.fpDBId!;
    await expectApiError(mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: id })), {
      status: 400,
      code: "InvalidParameter.NotSupported",
      message: /DelType Purge is not supported for libraries with ModelId 12; use DelType=Delete\./,
      hostId: "mts.cn-shanghai.aliyuncs.com",
    });
    await expectApiError(
      mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: "0123456789abcdef0123456789abcdef", delType: "Delete" })),
      { status: 400, code: "InvalidParameter.ResourceNotFound", message: "The library FpDBId 0123456789abcdef0123456789abcdef does not exist." },
    );
  });
});

it("uses the dev account by default when none is configured", async () => {
  const dev = await startEmulator();
  try {
    expect(dev.accounts).toEqual([DEFAULT_DEV_ACCOUNT]);
    expect(dev.endpoint).toBe(`127.0.0.1:${dev.port}`);
    expect(dev.url).toBe(`http://127.0.0.1:${dev.port}`);
    const res = await mtsClient(dev, { account: DEFAULT_DEV_ACCOUNT }).createFpShotDB(new CreateFpShotDBRequest({ name: "dev" }));
    expect(res.body!.fpShotDB!.state).toBe("offline");
    expect(ALICE.accessKeyId).not.toBe(DEFAULT_DEV_ACCOUNT.accessKeyId);
  } finally {
    await dev.close();
  }
});
