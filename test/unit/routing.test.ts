import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_POLICY, candidateBackends, explainRouting } from "../../src/domain/routing.js";

describe("candidateBackends", () => {
  it.each([
    ["VIDEO", ["ICE", "MPS"]],
    ["AUDIO", ["ICE", "MPS"]],
    ["IMAGE", ["MPS", "ICE"]],
    ["TEXT", ["MPS", "ICE"]],
  ] as const)("routes %s to %j by default, fallback last", (model, expected) => {
    expect(candidateBackends(DEFAULT_ROUTING_POLICY, model)).toEqual(expected);
  });

  it("honours an explicit backend strictly, with no fallback", () => {
    expect(candidateBackends(DEFAULT_ROUTING_POLICY, "VIDEO", "MPS")).toEqual(["MPS"]);
    expect(candidateBackends(DEFAULT_ROUTING_POLICY, "IMAGE", "ICE")).toEqual(["ICE"]);
  });

  it("offers no fallback when it is switched off", () => {
    expect(candidateBackends({ ...DEFAULT_ROUTING_POLICY, fallbackOnQuota: false }, "VIDEO")).toEqual(["ICE"]);
  });

  it("follows a configured route", () => {
    const policy = { ...DEFAULT_ROUTING_POLICY, modelBackends: { ...DEFAULT_ROUTING_POLICY.modelBackends, VIDEO: "MPS" as const } };
    expect(candidateBackends(policy, "VIDEO")).toEqual(["MPS", "ICE"]);
  });
});

describe("explainRouting", () => {
  it("says MODEL_ROUTE when the library is where its model goes", () => {
    expect(explainRouting(DEFAULT_ROUTING_POLICY, "IMAGE", null, "MPS")).toEqual({ backend: "MPS", reason: "MODEL_ROUTE", explanation: "IMAGE libraries go to MPS." });
  });

  it("says QUOTA_FALLBACK, naming both services, when it is not", () => {
    expect(explainRouting(DEFAULT_ROUTING_POLICY, "VIDEO", undefined, "MPS")).toMatchObject({ backend: "MPS", reason: "QUOTA_FALLBACK" });
    expect(explainRouting(DEFAULT_ROUTING_POLICY, "TEXT", undefined, "ICE").explanation).toBe(
      "TEXT libraries go to MPS, but MPS's library quota for this account was used up, so this one was created on ICE.",
    );
  });

  it("says REQUESTED for an explicit backend, even one the policy would not pick", () => {
    expect(explainRouting(DEFAULT_ROUTING_POLICY, "VIDEO", "MPS", "MPS")).toEqual({ backend: "MPS", reason: "REQUESTED", explanation: "The request named MPS." });
    expect(explainRouting(DEFAULT_ROUTING_POLICY, "VIDEO", "ICE", "ICE").reason).toBe("REQUESTED");
  });

  it("follows a configured route", () => {
    const policy = { ...DEFAULT_ROUTING_POLICY, modelBackends: { ...DEFAULT_ROUTING_POLICY.modelBackends, AUDIO: "MPS" as const } };
    expect(explainRouting(policy, "AUDIO", null, "MPS").reason).toBe("MODEL_ROUTE");
  });
});
