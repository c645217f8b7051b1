/** Fault injection: errors, latency, dropped connections, `times`, "*" and validation. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../src/emulator/index.js";
import { CreateFpShotDBRequest, ListFpShotDBRequest, controlHttp, expectApiError, iceClient, mtsClient, startTestEmulator } from "./helpers.js";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.control.reset());

describe("fault injection", () => {
  it("errorRate 1 with a code answers that error", async () => {
    const put = await controlHttp(emu, "PUT", "faults/CreateFpShotDB", { errorRate: 1, code: "ServiceUnavailable", httpStatus: 503, message: "The service is down for a test." });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ errorRate: 1, code: "ServiceUnavailable", httpStatus: 503, message: "The service is down for a test.", latencyMs: 0, dropRate: 0, times: null });
    await expectApiError(mtsClient(emu).createFpShotDB(new CreateFpShotDBRequest({ name: "x" })), {
      status: 503,
      code: "ServiceUnavailable",
      message: "The service is down for a test.",
      hostId: "mts.cn-shanghai.aliyuncs.com",
    });
    // Nothing was created, and other actions are unaffected.
    expect((await mtsClient(emu).listFpShotDB(new ListFpShotDBRequest({}))).body!.fpShotDBList!.fpShotDB).toEqual([]);
  });

  it("an empty fault means InternalError 500 on every call", async () => {
    emu.control.setFault("ListDNADB", {});
    await expectApiError(iceClient(emu)("ListDNADB", {}), {
      status: 500,
      code: "InternalError",
      message: "The request processing has failed due to some unknown error (injected by the emulator).",
      hostId: "ice.cn-shanghai.aliyuncs.com",
    });
  });

  it("latencyMs delays the answer", async () => {
    emu.control.setFault("ListDNADB", { latencyMs: 300 });
    const started = Date.now();
    const res = await iceClient(emu)("ListDNADB", {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.DBList).toEqual([]);
  });

  it("dropRate 1 destroys the connection without an answer", async () => {
    emu.control.setFault("ListFpShotDB", { dropRate: 1 });
    let err: any;
    try {
      await mtsClient(emu).listFpShotDB(new ListFpShotDBRequest({}));
    } catch (e) {
      err = e;
    }
    expect(err).toBeDefined();
    expect(err.statusCode).toBeUndefined();
    expect(String(err.message)).toMatch(/socket hang up|ECONNRESET|other side closed/i);
  });

  it("times limits the fault to the next N calls, then it clears itself", async () => {
    emu.control.setFault("*", { code: "InternalError", times: 2 });
    const ice = iceClient(emu);
    await expectApiError(ice("ListDNADB", {}), { status: 500, code: "InternalError" });
    expect(emu.control.faults()["*"]!.times).toBe(1);
    await expectApiError(mtsClient(emu).listFpShotDB(new ListFpShotDBRequest({})), { status: 500, code: "InternalError" });
    expect(emu.control.faults()).toEqual({});
    expect((await ice("ListDNADB", {})).DBList).toEqual([]);
  });

  it("an action's own fault wins over '*'", async () => {
    emu.control.setFault("*", { code: "Throttling.User" });
    emu.control.setFault("ListDNADB", { latencyMs: 1 });
    expect((await iceClient(emu)("ListDNADB", {})).DBList).toEqual([]);
    await expectApiError(iceClient(emu)("CreateDNADB", { Name: "x" }), { status: 400, code: "Throttling.User" });
  });

  it("faults are listed, cleared one by one or all at once", async () => {
    await controlHttp(emu, "PUT", "faults/ListDNADB", { latencyMs: 5 });
    await controlHttp(emu, "PUT", "faults/*", { errorRate: 0.5 });
    expect(Object.keys((await controlHttp(emu, "GET", "faults")).body).sort()).toEqual(["*", "ListDNADB"]);
    expect((await controlHttp(emu, "DELETE", "faults/ListDNADB")).status).toBe(200);
    expect((await controlHttp(emu, "DELETE", "faults/ListDNADB")).body).toEqual({ Code: "FaultNotFound", Message: "No fault is set for ListDNADB." });
    expect((await controlHttp(emu, "DELETE", "faults")).body).toEqual({ status: "ok" });
    expect((await controlHttp(emu, "GET", "faults")).body).toEqual({});
  });

  it("refuses invalid faults with a message naming the field", async () => {
    const cases: Array<[string, unknown, string]> = [
      ["ListDNADB", { errorRate: 2 }, "errorRate must be a number from 0 to 1, got 2."],
      ["ListDNADB", { httpStatus: 200 }, "httpStatus must be an integer from 400 to 599, got 200."],
      ["ListDNADB", { latency: 5 }, "Unknown fault field latency; known: errorRate, code, httpStatus, message, latencyMs, dropRate, times."],
      ["DescribeNothing", {}, 'Unknown action DescribeNothing; use "*" or one of CreateDNADB, ListDNADB, DeleteDNADB, SubmitDNAJob, QueryDNAJobList, CancelDNAJob, ListDNAFiles, DeleteDNAFiles, CreateFpShotDB, ListFpShotDB, SubmitFpDBDeleteJob, QueryFpDBDeleteJobList, SubmitFpShotJob, QueryFpShotJobList, ListFpShotFiles, SubmitFpFileDeleteJob, QueryFpFileDeleteJobList, ImportFpShotJob, ListFpShotImportJob.'],
    ];
    for (const [action, body, message] of cases) {
      const res = await controlHttp(emu, "PUT", `faults/${action}`, body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ Code: "InvalidFault", Message: message });
    }
    expect(emu.control.faults()).toEqual({});
  });
});

it("close() ends requests waiting on injected latency at once", async () => {
  const own = await startTestEmulator();
  own.control.setFault("ListDNADB", { latencyMs: 20_000 });
  const pending = iceClient(own, { readTimeout: 30_000 })("ListDNADB", {}).then(
    () => "answered",
    () => "failed",
  );
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await own.close();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(await pending).toBe("failed");
});
