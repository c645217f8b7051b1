/** Quota, throttling and the cn-shanghai-only Text libraries. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { ALICE, BOB, CreateFpShotDBRequest, ListFpShotDBRequest, SubmitFpDBDeleteJobRequest, eventually, expectApiError, iceClient, mtsClient, startTestEmulator } from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ libraryQuota: 2 });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.control.reset();
  emu.control.updateSettings({ region: "cn-shanghai", libraryQuota: 2, qpsLimits: { CreateFpShotDB: 100, ListDNADB: 100, ListFpShotDB: 100 } });
});

describe("library quota (per account, per service, per region)", () => {
  it("ICE: the third library is QuotaExceeded.Library; deleting one frees a slot", async () => {
    const ice = iceClient(emu);
    const first = (await ice("CreateDNADB", { Name: "1" })).DBInfo.DBId;
    await ice("CreateDNADB", { Name: "2" });
    await expectApiError(ice("CreateDNADB", { Name: "3" }), {
      status: 400,
      code: "QuotaExceeded.Library",
      message: `The account ${ALICE.accessKeyId} already has 2 ICE fingerprint libraries; the limit is 2 per account in cn-shanghai. Delete one with DeleteDNADB first.`,
      hostId: "ice.cn-shanghai.aliyuncs.com",
    });
    // MPS and another account have their own quota.
    await mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ name: "mps" }));
    await iceClient(emu, { account: BOB })("CreateDNADB", { Name: "bob" });

    await ice("DeleteDNADB", { DBId: first });
    expect((await ice("CreateDNADB", { Name: "3" })).DBInfo.Name).toBe("3");
  });

  it("MPS: a library with a queued delete job still counts until the job finishes", async () => {
    const mts = mtsClient(emu, { v2: true });
    const id = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "1" }))).body!.fpShotDB!.fpDBId!;
    await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "2" }));
    emu.control.updateSettings({ deleteJobDelayMs: 150 });
    await mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: id, delType: "Delete" }));
    await expectApiError(mts.createFpShotDB(new CreateFpShotDBRequest({ name: "3" })), {
      status: 400,
      code: "QuotaExceeded.Library",
      message: /already has 2 MPS fingerprint libraries; the limit is 2 per account in cn-shanghai\. Delete one with SubmitFpDBDeleteJob \(DelType=Delete\) first\./,
      hostId: "mts.cn-shanghai.aliyuncs.com",
    });
    await eventually(async () => (await mts.listFpShotDB(new ListFpShotDBRequest({ fpDBIds: id }))).body!.nonExistIds!.string!.length === 1);
    expect((await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "3" }))).body!.fpShotDB!.name).toBe("3");
  });
});

describe("throttling (per action, per account)", () => {
  it("answers Throttling (400) beyond the QPS limit, without touching other accounts or actions", async () => {
    emu.control.updateSettings({ qpsLimits: { ListFpShotDB: 2 } });
    const mts = mtsClient(emu);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => mts.listFpShotDB(new ListFpShotDBRequest({})))); 
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      // openapi-core turns a Throttling code into its ThrottlingError.
      expect(r.reason.name).toBe("ThrottlingError");
      expect(r.reason.statusCode).toBe(400);
      expect(r.reason.data).toMatchObject({
        Code: "Throttling",
        HostId: "mts.cn-shanghai.aliyuncs.com",
        Message: "Request was denied due to request throttling: ListFpShotDB allows 2 requests per second per account.",
      });
    }
    // Bob has his own bucket; CreateFpShotDB has its own limit.
    await mtsClient(emu, { account: BOB }).listFpShotDB(new ListFpShotDBRequest({}));
    await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "fine" }));
  });

  it("refills: after a second the account may call again", async () => {
    emu.control.updateSettings({ qpsLimits: { ListDNADB: 1 } });
    const ice = iceClient(emu, { v2: true });
    await ice("ListDNADB", {});
    await expectApiError(ice("ListDNADB", {}), { status: 400, code: "Throttling", message: /ListDNADB allows 1 requests per second/ });
    await new Promise((r) => setTimeout(r, 1050));
    expect((await ice("ListDNADB", {})).DBList).toEqual([]);
  });
});

describe("Text libraries exist only in cn-shanghai", () => {
  it("ICE Model=Text and MPS ModelId=11 work in cn-shanghai", async () => {
    expect((await iceClient(emu)("CreateDNADB", { Name: "t", Model: "text" })).DBInfo.Model).toBe("Text");
    expect((await mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ name: "t", modelId: 11 }))).body!.fpShotDB!.modelId).toBe(11);
  });

  it("are InvalidParameter.RegionNotSupported elsewhere", async () => {
    emu.control.updateSettings({ region: "cn-beijing" });
    await expectApiError(iceClient(emu)("CreateDNADB", { Name: "t", Model: "Text" }), {
      status: 400,
      code: "InvalidParameter.RegionNotSupported",
      message: "Text libraries (Model=Text) can only be created in cn-shanghai; this request was handled in cn-beijing.",
      hostId: "ice.cn-beijing.aliyuncs.com",
    });
    await expectApiError(mtsClient(emu, { v2: true }).createFpShotDB(new CreateFpShotDBRequest({ name: "t", modelId: 11 })), {
      status: 400,
      code: "InvalidParameter.RegionNotSupported",
      message: "Text libraries (ModelId=11) can only be created in cn-shanghai; this request was handled in cn-beijing.",
      hostId: "mts.cn-beijing.aliyuncs.com",
    });
    // Other models are fine there.
    expect((await iceClient(emu)("CreateDNADB", { Name: "v" })).DBInfo.Model).toBe("Video");
  });
});
