/**
 * Libraries are regional, on a bare 127.0.0.1:PORT endpoint too: a client names the region
 * in the x-acs-region-id header (the official SDKs send it from Config.globalParameters);
 * without one the emulator's region setting applies.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import {
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
  emu = await startTestEmulator({ deleteJobDelayMs: 60_000, region: "cn-shanghai" });
});
afterAll(() => emu.close());

it("an ICE library made in one region is absent in another, with either signature", async () => {
  for (const v2 of [false, true]) {
    const shanghai = iceClient(emu, { region: "cn-shanghai", v2 });
    const beijing = iceClient(emu, { region: "cn-beijing", v2 });
    const dbId = (await shanghai("CreateDNADB", { Name: `sh ${v2}` })).DBInfo.DBId;

    expect((await beijing("ListDNADB", { DBIds: dbId })).DBList).toEqual([]);
    expect((await beijing("ListDNADB", {})).DBList.map((l: { DBId: string }) => l.DBId)).not.toContain(dbId);
    await expectApiError(beijing("DeleteDNADB", { DBId: dbId }), { status: 400, code: "InvalidParameter.ResourceNotFound" });
    expect((await shanghai("ListDNADB", { DBIds: dbId })).DBList).toHaveLength(1);
    // No header: the emulator's region setting (cn-shanghai) applies.
    expect((await iceClient(emu, { v2 })("ListDNADB", { DBIds: dbId })).DBList).toHaveLength(1);
  }
});

it("an MPS library and its delete job are seen only in their region", async () => {
  const beijing = mtsClient(emu, { region: "cn-beijing" });
  const hangzhou = mtsClient(emu, { region: "cn-hangzhou" });
  const fpId = (await beijing.createFpShotDB(new CreateFpShotDBRequest({ name: "bj" }))).body!.fpShotDB!.fpDBId!;

  const elsewhere = (await hangzhou.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: fpId }))).body!;
  expect(elsewhere.nonExistIds!.string).toEqual([fpId]);
  expect((await mtsClient(emu).listFpShotDB(new ListFpShotDBRequest({ fpDBIds: fpId }))).body!.nonExistIds!.string).toEqual([fpId]);
  await expectApiError(hangzhou.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: fpId, delType: "Delete" })), {
    status: 400,
    code: "InvalidParameter.ResourceNotFound",
  });

  const jobId = (await beijing.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: fpId, delType: "Delete" }))).body!.jobId!;
  const jobs = (region: ReturnType<typeof mtsClient>) => region.queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({ jobIds: jobId }));
  expect((await jobs(hangzhou)).body!.nonExistIds!.string).toEqual([jobId]);
  expect((await jobs(beijing)).body!.fpDBDeleteJobList!.fpDBDeleteJob).toHaveLength(1);
});

it("the region in a regional Host wins; a malformed region header is refused", async () => {
  await expectApiError(iceClient(emu, { region: "not a region" })("ListDNADB", {}), { status: 400, code: "InvalidRegionId" });
});

it("the quota counts libraries per region", async () => {
  const quotaEmu = await startTestEmulator({ libraryQuota: 1 });
  try {
    await iceClient(quotaEmu, { region: "cn-beijing" })("CreateDNADB", { Name: "one" });
    await iceClient(quotaEmu, { region: "cn-hangzhou" })("CreateDNADB", { Name: "one" });
    await expectApiError(iceClient(quotaEmu, { region: "cn-beijing" })("CreateDNADB", { Name: "two" }), { status: 400, code: "QuotaExceeded.Library" });
  } finally {
    await quotaEmu.close();
  }
});
