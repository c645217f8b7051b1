import { describe, expect, it } from "vitest";
import { DEFAULT_ROUTING_POLICY, candidateBackends } from "../../src/domain/routing.js";

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
