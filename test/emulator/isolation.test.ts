/** A library belongs to the account that created it; other accounts never see it. */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import {
  BOB,
  CreateFpShotDBRequest,
  ListFpShotDBRequest,
  QueryFpDBDeleteJobListRequest,
  SubmitFpDBDeleteJobRequest,
  expectApiError,
  iceClient,
  mtsClient,
  startTestEmulator,
} from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ deleteJobDelayMs: 60_000 });
});
afterAll(() => emu.close());

it("keeps both services' libraries and jobs apart per account", async () => {
  const aliceIce = iceClient(emu);
  const aliceMts = mtsClient(emu);
  const bobIce = iceClient(emu, { account: BOB, v2: true });
  const bobMts = mtsClient(emu, { account: BOB });

  const dbId = (await aliceIce("CreateDNADB", { Name: "alice ice" })).DBInfo.DBId;
  const fpId = (await aliceMts.createFpShotDB(new CreateFpShotDBRequest({ name: "alice mps" }))).body!.fpShotDB!.fpDBId!;
  const other = (await aliceMts.createFpShotDB(new CreateFpShotDBRequest({ name: "alice mps 2" }))).body!.fpShotDB!.fpDBId!;
  const jobId = (await aliceMts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: other, delType: "Delete" }))).body!.jobId!;

  expect((await bobIce("ListDNADB", {})).DBList).toEqual([]);
  expect((await bobIce("ListDNADB", { DBIds: dbId })).DBList).toEqual([]);
  await expectApiError(bobIce("DeleteDNADB", { DBId: dbId }), { status: 400, code: "InvalidParameter.ResourceNotFound", message: `The library DBId ${dbId} does not exist.` });

  const bobList = (await bobMts.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: fpId }))).body!;
  expect(bobList.fpShotDBList!.fpShotDB).toEqual([]);
  expect(bobList.nonExistIds!.string).toEqual([fpId]);
  expect((await bobMts.listFpShotDB(new ListFpShotDBRequest({}))).body!.fpShotDBList!.fpShotDB).toEqual([]);
  await expectApiError(bobMts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: fpId, delType: "Delete" })), {
    status: 400,
    code: "InvalidParameter.ResourceNotFound",
  });
  const bobJobs = (await bobMts.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({ jobIds: jobId }))).body!;
  expect(bobJobs.fpDBDeleteJobList!.fpDBDeleteJob).toEqual([]);
  expect(bobJobs.nonExistIds!.string).toEqual([jobId]);
  expect((await bobMts.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({}))).body!.fpDBDeleteJobList!.fpDBDeleteJob).toEqual([]);

  // Alice still has everything.
  expect((await aliceIce("ListDNADB", {})).DBList.map((d: any) => d.DBId)).toEqual([dbId]);
  expect((await aliceMts.listFpShotDB(new ListFpShotDBRequest({}))).body!.fpShotDBList!.fpShotDB!.map((d) => d.fpDBId)).toEqual([fpId, other]);
  expect((await aliceMts.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({}))).body!.fpDBDeleteJobList!.fpDBDeleteJob!.map((j) => j.id)).toEqual([jobId]);
});
