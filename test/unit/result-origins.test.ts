import { expect, it } from "vitest";
import { resultDocumentOrigins } from "../../src/server/result-origins.js";

it("allows result documents from the embedded emulator and from endpoints without {region}, nothing else", () => {
  expect(resultDocumentOrigins({ endpoints: { ICE: "ice.{region}.aliyuncs.com", MPS: "mts.{region}.aliyuncs.com" }, protocol: "https" })).toEqual([]);
  expect(resultDocumentOrigins({ endpoints: { ICE: "127.0.0.1:4100", MPS: "127.0.0.1:4100" }, protocol: "http" })).toEqual(["http://127.0.0.1:4100"]);
  expect(resultDocumentOrigins({ endpoints: { ICE: "ice.{region}.aliyuncs.com", MPS: "mts.{region}.aliyuncs.com" }, protocol: "https" }, "http://127.0.0.1:5555")).toEqual(["http://127.0.0.1:5555"]);
});
