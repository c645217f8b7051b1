/** Bad parameters: each error body names what was wrong. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { $OpenApiUtil } from "@alicloud/openapi-core";
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
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const ids = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, "0")).join(",");
const ICE_HOST = "ice.cn-shanghai.aliyuncs.com";
const MPS_HOST = "mts.cn-shanghai.aliyuncs.com";

describe("ICE parameters", () => {
  it("Name is required", async () => {
    await expectApiError(iceClient(emu)("CreateDNADB", { Model: "Video" }), {
      status: 400,
      code: "MissingParameter",
      message: "The parameter Name is required.",
      hostId: ICE_HOST,
    });
  });

  it("Model must be one of the four models", async () => {
    await expectApiError(iceClient(emu)("CreateDNADB", { Name: "x", Model: "Hologram" }), {
      status: 400,
      code: "InvalidParameter",
      message: "Model Hologram is not one of Video, Audio, Image, Text.",
      hostId: ICE_HOST,
    });
  });

  it("at most 10 DBIds per ListDNADB call", async () => {
    await expectApiError(iceClient(emu)("ListDNADB", { DBIds: ids(11) }), {
      status: 400,
      code: "InvalidParameter",
      message: "The parameter DBIds names 11 ids; at most 10 are allowed per call.",
    });
    expect((await iceClient(emu)("ListDNADB", { DBIds: ids(10) })).DBList).toEqual([]);
  });

  it("DeleteDNADB needs DBId", async () => {
    await expectApiError(iceClient(emu, { v2: true })("DeleteDNADB", {}), { status: 400, code: "MissingParameter", message: "The parameter DBId is required." });
  });

  it("an unknown Action is InvalidAction.NotFound (404)", async () => {
    const data = await expectApiError(iceClient(emu)("DescribeDNADBs", {}), {
      status: 404,
      code: "InvalidAction.NotFound",
      message: /^The action DescribeDNADBs is not found in ICE version 2020-11-09\./,
      hostId: ICE_HOST,
    });
    expect(data.Message).toContain("CreateDNADB, ListDNADB, DeleteDNADB");
  });
});

describe("MPS parameters", () => {
  it("Name is required", async () => {
    await expectApiError(mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ modelId: 12 })), {
      status: 400,
      code: "MissingParameter",
      message: "The parameter Name is required.",
      hostId: MPS_HOST,
    });
  });

  it("ModelId must be 11-14", async () => {
    await expectApiError(mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ name: "x", modelId: 99 })), {
      status: 400,
      code: "InvalidParameter",
      message: "ModelId 99 is not one of 11 (text), 12 (video), 13 (audio), 14 (image).",
      hostId: MPS_HOST,
    });
  });

  it("Config must be valid JSON text of an object", async () => {
    await expectApiError(mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ name: "x", config: "{threshold: 1" })), {
      status: 400,
      code: "InvalidParameter",
      message: /^The parameter Config is not valid JSON \(.+\)\.$/,
    });
    await expectApiError(mtsClient(emu, { v2: true }).createFpShotDB(new CreateFpShotDBRequest({ name: "x", config: "[1,2]" })), {
      status: 400,
      code: "InvalidParameter",
      message: /^The parameter Config must be a JSON object .*, got an array\.$/,
    });
  });

  it("at most 10 FpDBIds per ListFpShotDB call and 10 JobIds per query", async () => {
    await expectApiError(mtsClient(emu).listFpShotDB(new ListFpShotDBRequest({ fpDBIds: ids(11) })), {
      status: 400,
      code: "InvalidParameter",
      message: "The parameter FpDBIds names 11 ids; at most 10 are allowed per call.",
      hostId: MPS_HOST,
    });
    await expectApiError(mtsClient(emu).queryFpDBDeleteJobList(new QueryFpDBDeleteJobListRequest({ jobIds: ids(11) })), {
      status: 400,
      code: "InvalidParameter",
      message: "The parameter JobIds names 11 ids; at most 10 are allowed per call.",
    });
  });

  it("SubmitFpDBDeleteJob checks FpDBId, DelType and UserData", async () => {
    const mts = mtsClient(emu);
    const id = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: "x" }))).body!.fpShotDB!.fpDBId!;
    await expectApiError(mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ delType: "Delete" })), {
      status: 400,
      code: "MissingParameter",
      message: "The parameter FpDBId is required.",
    });
    await expectApiError(mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: id, delType: "Shred" })), {
      status: 400,
      code: "InvalidParameter",
      message: "DelType Shred is not one of Purge, Delete.",
    });
    await expectApiError(mts.submitFpDBDeleteJob(new SubmitFpDBDeleteJobRequest({ fpDBId: id, delType: "Delete", userData: "u".repeat(129) })), {
      status: 400,
      code: "InvalidParameter",
      message: "The parameter UserData is 129 bytes long; at most 128 bytes are allowed.",
    });
  });

  it("an unknown Version is InvalidAction.NotFound (404)", async () => {
    const client = mtsClient(emu);
    const call = client.callApi(
      new $OpenApiUtil.Params({
        action: "CreateFpShotDB",
        version: "2099-01-01",
        protocol: "HTTP",
        pathname: "/",
        method: "POST",
        authType: "AK",
        style: "RPC",
        reqBodyType: "formData",
        bodyType: "json",
      }),
      new $OpenApiUtil.OpenApiRequest({ query: { Name: "x" } }),
      {} as never,
    );
    await expectApiError(call, { status: 404, code: "InvalidAction.NotFound", message: /^The version 2099-01-01 is not emulated \(action CreateFpShotDB\)\./ });
  });
});
