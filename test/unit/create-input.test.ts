import { describe, expect, it } from "vitest";
import { createRequestHash, validateCreateRequest, type CreateLibraryRequest } from "../../src/domain/create-input.js";
import { GatewayError } from "../../src/domain/errors.js";

const ctx = { defaultRegion: "cn-shanghai", allowedRegions: ["cn-shanghai", "cn-beijing"] };
const valid = (req: Partial<CreateLibraryRequest>) => validateCreateRequest({ name: "clips", model: "VIDEO", ...req }, ctx);
const refusal = (req: Partial<CreateLibraryRequest>) => {
  try {
    valid(req);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected a refusal");
};

describe("validateCreateRequest", () => {
  it("trims, applies the default region and canonicalizes config", () => {
    expect(valid({ name: "  clips ", description: "  ", config: { b: 1, a: "x" }, backend: "MPS" })).toEqual({
      name: "clips",
      model: "VIDEO",
      description: null,
      config: '{"b":1,"a":"x"}',
      region: "cn-shanghai",
      backend: "MPS",
      idempotencyKey: null,
    });
  });

  it("accepts config given as JSON text", () => {
    expect(valid({ config: '{"SaveType":"save"}' }).config).toBe('{"SaveType":"save"}');
  });

  it.each([
    [{ name: "" }, "BAD_USER_INPUT", "name", /must not be empty/],
    [{ name: "   " }, "BAD_USER_INPUT", "name", /must not be empty/],
    [{ name: "x".repeat(10_000) }, "BAD_USER_INPUT", "name", /10000 characters long; the limit is 128/],
    [{ description: "d".repeat(1025) }, "BAD_USER_INPUT", "description", /limit is 1024/],
    [{ config: "{not json" }, "BAD_USER_INPUT", "config", /not valid JSON/],
    [{ config: [1, 2] }, "BAD_USER_INPUT", "config", /must be a JSON object/],
    [{ config: "42" }, "BAD_USER_INPUT", "config", /must be a JSON object/],
    [{ config: { a: "x".repeat(5000) } }, "BAD_USER_INPUT", "config", /limit is 4096/],
    [{ config: { a: 1 }, backend: "ICE" }, "BAD_USER_INPUT", "config", /MPS setting/],
    [{ region: "mars-1" }, "UNSUPPORTED_REGION", "region", /not served by this gateway/],
    [{ model: "TEXT", region: "cn-beijing" }, "UNSUPPORTED_REGION", "region", /only in cn-shanghai/],
    [{ idempotencyKey: "" }, "BAD_USER_INPUT", "idempotencyKey", /1 to 255/],
    [{ idempotencyKey: "k".repeat(256) }, "BAD_USER_INPUT", "idempotencyKey", /1 to 255/],
  ] as const)("refuses %j with %s on %s", (req, code, field, message) => {
    const error = refusal(req as Partial<CreateLibraryRequest>);
    expect(error.code).toBe(code);
    expect(error.details.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it("allows TEXT in cn-shanghai", () => {
    expect(valid({ model: "TEXT" }).region).toBe("cn-shanghai");
  });
});

describe("createRequestHash", () => {
  it("is the same for the same input, whatever the key, and differs for another input", () => {
    const a = createRequestHash(valid({ idempotencyKey: "k1" }));
    expect(createRequestHash(valid({ idempotencyKey: "k2" }))).toBe(a);
    expect(createRequestHash(valid({ name: "other" }))).not.toBe(a);
    expect(createRequestHash(valid({ backend: "ICE" }))).not.toBe(a);
    expect(createRequestHash(valid({ config: { a: 1 } }))).not.toBe(a);
  });
});
