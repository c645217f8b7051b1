import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/domain/errors.js";
import { MAX_DELETE_KEYS, chunks, validateDeleteKeys } from "../../src/domain/file-keys.js";
import { decodeFileCursor, encodeFileCursor } from "../../src/services/file-cursor.js";

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected a refusal");
};

describe("file cursors", () => {
  it("round-trips a position for the library it was issued for", () => {
    for (const position of [{ token: null, skip: 0 }, { token: "ZG5hZmlsZXM6YWJjfDQy", skip: 3 }]) {
      expect(decodeFileCursor(encodeFileCursor("lib-1", position), "lib-1")).toEqual(position);
    }
  });

  it("refuses another library's cursor, a forged one and garbage, naming `after`", () => {
    const other = refusal(() => decodeFileCursor(encodeFileCursor("lib-2", { token: null, skip: 0 }), "lib-1"));
    expect(other.details.field).toBe("after");
    expect(other.message).toMatch(/another library's files/);
    for (const forged of [
      Buffer.from(JSON.stringify(["files", "lib-1", "tok en", 0])).toString("base64url"),
      Buffer.from(JSON.stringify(["files", "lib-1", "x".repeat(2000), 0])).toString("base64url"),
      Buffer.from(JSON.stringify(["files", "lib-1", null, 101])).toString("base64url"),
      Buffer.from(JSON.stringify(["files", "lib-1", null, 1.5])).toString("base64url"),
      Buffer.from(JSON.stringify([1795274897672, "lib-1"])).toString("base64url"),
      "not a cursor",
      "",
    ]) {
      expect(refusal(() => decodeFileCursor(forged, "lib-1")).message).toMatch(/not a files cursor this gateway issued/);
    }
  });
});

describe("delete keys", () => {
  it("drops duplicates in order and chunks by the backend's limit", () => {
    expect(validateDeleteKeys(["b", "a", "b", "c", "a"])).toEqual(["b", "a", "c"]);
    expect(chunks(Array.from({ length: 120 }, (_, i) => i), 50).map((c) => c.length)).toEqual([50, 50, 20]);
    expect(chunks([], 50)).toEqual([]);
  });

  it("refuses an empty list, too many keys and a bad key, naming where", () => {
    expect(refusal(() => validateDeleteKeys([])).details.field).toBe("primaryKeys");
    expect(refusal(() => validateDeleteKeys(Array.from({ length: MAX_DELETE_KEYS + 1 }, (_, i) => `k${i}`))).message).toMatch(/at most 1000/);
    expect(validateDeleteKeys(Array.from({ length: MAX_DELETE_KEYS * 2 }, (_, i) => `k${i % MAX_DELETE_KEYS}`))).toHaveLength(MAX_DELETE_KEYS);
    const bad = refusal(() => validateDeleteKeys(["ok", "ok", "a,b"]));
    expect(bad.details.field).toBe("primaryKeys[2]");
    expect(bad.message).toMatch(/no commas/);
  });
});
