import { describe, expect, it } from "vitest";
import { normalizeStatus } from "../../src/domain/status.js";

describe("normalizeStatus", () => {
  // Every word either service documents (ICE Status; MPS State on create, Status on list),
  // in the cases they might arrive in.
  it.each([
    ["offline", "OFFLINE"],
    ["active", "ACTIVE"],
    ["deleted", "DELETED"],
    ["paused", "PAUSED"],
    ["Offline", "OFFLINE"],
    ["ACTIVE", "ACTIVE"],
    ["Paused", "PAUSED"],
    ["DELETED", "DELETED"],
    [" active ", "ACTIVE"],
    ["deleting", "DELETING"],
  ] as const)("maps %j to %s", (word, expected) => {
    expect(normalizeStatus(word)).toEqual({ status: expected, rawStatus: word });
  });

  it.each([["frozen"], ["Success"], ["activated"], ["1"], [""]])("maps the unknown word %j to UNKNOWN and keeps it readable", (word) => {
    expect(normalizeStatus(word)).toEqual({ status: "UNKNOWN", rawStatus: word });
  });

  it("treats a missing status as UNKNOWN with an empty raw word", () => {
    expect(normalizeStatus(undefined)).toEqual({ status: "UNKNOWN", rawStatus: "" });
    expect(normalizeStatus(null)).toEqual({ status: "UNKNOWN", rawStatus: "" });
  });

  it("stringifies a numeric status instead of losing it", () => {
    expect(normalizeStatus(3)).toEqual({ status: "UNKNOWN", rawStatus: "3" });
  });
});
