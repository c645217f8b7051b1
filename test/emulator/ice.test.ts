import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MPS, type RunningEmulator } from "../../src/emulator/index.js";
import { ALICE, CreateFpShotDBRequest, eventually, expectApiError, iceClient, mtsClient, startTestEmulator } from "./helpers.js";

let emu: RunningEmulator;
const logs: string[] = [];
beforeAll(async () => {
  emu = await startTestEmulator({ log: (l) => logs.push(l) });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.control.reset();
  logs.length = 0;
});

describe.each([
  { mode: "ACS3", v2: false, algorithm: "ACS3-HMAC-SHA256" },
  { mode: "V2", v2: true, algorithm: "HMAC-SHA1" },
])("ICE through openapi-core callApi ($mode signatures)", ({ v2, algorithm }) => {
  it("creates a library: offline at first, active after the activation delay", async () => {
    const ice = iceClient(emu, { v2 });
    const created = await ice("CreateDNADB", { Name: "news clips", Model: "audio", Description: "radio" });
    expect(created.RequestId).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    expect(Object.keys(created).sort()).toEqual(["DBInfo", "RequestId"]);
    const info = created.DBInfo;
    expect(info.DBId).toMatch(/^[0-9a-f]{32}$/);
    expect(info).toEqual({ DBId: info.DBId, Name: "news clips", Description: "radio", Model: "Audio", Status: "offline" });
    // The request really used the signing algorithm this block is about.
    expect(logs.some((l) => l.includes(`CreateDNADB ${ALICE.accessKeyId} [${algorithm}] -> 200`))).toBe(true);

    const listed = await ice("ListDNADB", { DBIds: info.DBId });
    expect(listed.DBList).toEqual([{ DBId: info.DBId, Name: "news clips", Description: "radio", Model: "Audio", Status: "offline" }]);
    await eventually(async () => (await ice("ListDNADB", { DBIds: info.DBId })).DBList[0].Status === "active");
  });

  it("defaults Model to Video", async () => {
    const ice = iceClient(emu, { v2 });
    const { DBInfo } = await ice("CreateDNADB", { Name: "default" });
    expect(DBInfo.Model).toBe("Video");
    expect(DBInfo.Description).toBe("");
  });

  it("lists the existing ids in request order and leaves missing ones out", async () => {
    const ice = iceClient(emu, { v2 });
    const a = (await ice("CreateDNADB", { Name: "a", Model: "Image" })).DBInfo.DBId;
    const b = (await ice("CreateDNADB", { Name: "b" })).DBInfo.DBId;
    const res = await ice("ListDNADB", { DBIds: `${b}, 00000000000000000000000000000000 ,${a}` });
    expect(res.DBList.map((d: any) => [d.DBId, d.Name, d.Model])).toEqual([
      [b, "b", "Video"],
      [a, "a", "Image"],
    ]);
    const all = await ice("ListDNADB", {});
    expect(all.DBList.map((d: any) => d.DBId)).toEqual([a, b]);
  });

  it("deletes synchronously: the library is gone from the next list", async () => {
    const ice = iceClient(emu, { v2 });
    const id = (await ice("CreateDNADB", { Name: "gone" })).DBInfo.DBId;
    const res = await ice("DeleteDNADB", { DBId: id });
    expect(Object.keys(res)).toEqual(["RequestId"]);
    expect((await ice("ListDNADB", { DBIds: id })).DBList).toEqual([]);
    await expectApiError(ice("DeleteDNADB", { DBId: id }), {
      status: 400,
      code: "InvalidParameter.ResourceNotFound",
      message: `The library DBId ${id} does not exist.`,
      hostId: "ice.cn-shanghai.aliyuncs.com",
    });
  });
});

it("an MPS library id is not an ICE library", async () => {
  const ice = iceClient(emu);
  expect(MPS.version).toBe("2014-06-18");
  const fp = (await mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ name: "mps" }))).body!.fpShotDB!.fpDBId!;
  expect((await ice("ListDNADB", { DBIds: fp })).DBList).toEqual([]);
  await expectApiError(ice("DeleteDNADB", { DBId: fp }), { status: 400, code: "InvalidParameter.ResourceNotFound" });
});
