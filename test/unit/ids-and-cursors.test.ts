import { describe, expect, it } from "vitest";
import { GatewayError } from "../../src/domain/errors.js";
import { fromGlobalId, libraryIdFrom, toGlobalId } from "../../src/graphql/global-id.js";
import { decodeCursor, encodeCursor } from "../../src/services/library-queries.js";

describe("global ids", () => {
  it("round-trips", () => {
    const id = toGlobalId("FingerprintLibrary", "3b6f0c1e-aaaa-bbbb-cccc-000000000001");
    expect(fromGlobalId(id)).toEqual({ type: "FingerprintLibrary", id: "3b6f0c1e-aaaa-bbbb-cccc-000000000001" });
    expect(libraryIdFrom(id)).toBe("3b6f0c1e-aaaa-bbbb-cccc-000000000001");
  });

  it.each(["", "nope", "!!!", toGlobalId("FingerprintLibrary", "x").slice(0, -2), Buffer.from("Other:1").toString("base64url")])(
    "refuses %j as a library id with BAD_USER_INPUT",
    (bad) => {
      expect(() => libraryIdFrom(bad)).toThrow(GatewayError);
      try {
        libraryIdFrom(bad);
      } catch (error) {
        expect((error as GatewayError).code).toBe("BAD_USER_INPUT");
      }
    },
  );
});

describe("cursors", () => {
  it("round-trips the keyset position", () => {
    const createdAt = new Date("2026-11-21T10:00:00.123Z");
    expect(decodeCursor(encodeCursor({ createdAt, id: "abc" }))).toEqual({ createdAt, id: "abc" });
  });

  it.each(["", "garbage", Buffer.from("[1]").toString("base64url"), Buffer.from('["x","y"]').toString("base64url")])(
    "refuses the foreign cursor %j",
    (bad) => {
      expect(() => decodeCursor(bad)).toThrow(/not a cursor this gateway issued/);
    },
  );
});
