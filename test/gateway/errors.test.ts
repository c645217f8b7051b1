import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codes, startHarness, type Harness } from "../support/gateway-harness.js";
import { CREATE, LIST, REFRESH, type CreateFingerprintLibraryInput } from "../support/documents.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { BACKEND_RETRIES: "1", BACKEND_READ_TIMEOUT_MS: "300" } });
});
afterAll(() => h.close());

// Bad input on purpose: some of these values are ones the typed document forbids.
const create = (input: Record<string, unknown>) => h.gql(CREATE, { input: input as CreateFingerprintLibraryInput });

describe("bad input", () => {
  it.each([
    ["an empty name", "BAD_USER_INPUT", { name: "", model: "VIDEO" }, /name must not be empty/],
    ["a 10,000-character name", "BAD_USER_INPUT", { name: "x".repeat(10_000), model: "VIDEO" }, /10000 characters long; the limit is 128/],
    ["malformed config JSON", "BAD_USER_INPUT", { name: "c", model: "IMAGE", config: "{oops" }, /config is not valid JSON/],
    ["config for a forced ICE", "BAD_USER_INPUT", { name: "c", model: "VIDEO", backend: "ICE", config: { a: 1 } }, /config is an MPS setting/],
    ["config for a model routed to ICE", "BAD_USER_INPUT", { name: "c", model: "VIDEO", config: { a: 1 } }, /VIDEO libraries are routed to ICE/],
    ["TEXT outside cn-shanghai", "UNSUPPORTED_REGION", { name: "t", model: "TEXT", region: "cn-beijing" }, /TEXT libraries exist only in cn-shanghai/],
    ["an unserved region", "UNSUPPORTED_REGION", { name: "r", model: "VIDEO", region: "us-east-9" }, /not served by this gateway/],
  ])("refuses %s with %s and touches no backend", async (_label, code, input, message) => {
    const response = await create(input);
    expect(codes(response)).toEqual([code]);
    expect(response.errors![0].message).toMatch(message);
    expect(h.emulator.control.state().libraries).toHaveLength(0);
  });

  it("refuses an unknown enum value, in a variable and inline", async () => {
    const viaVariable = await create({ name: "e", model: "HOLOGRAM" });
    expect(codes(viaVariable)).toEqual(["BAD_USER_INPUT"]);
    expect(viaVariable.errors![0].message).toMatch(/HOLOGRAM/);
    // Like every other BAD_USER_INPUT, a coercion error names the field at fault.
    expect(viaVariable.errors![0].extensions!.field).toBe("input.model");
    const inline = await h.gql(`mutation { createFingerprintLibrary(input: { name: "e", model: HOLOGRAM }) { replayed } }`);
    expect(codes(inline)).toEqual(["BAD_USER_INPUT"]);
    expect(inline.errors![0].extensions!.reason).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("names the variable itself when a whole variable is missing or of the wrong type", async () => {
    const missing = await h.gql(`query ($first: Int!) { fingerprintLibraries(first: $first) { totalCount } }`, {});
    expect(codes(missing)).toEqual(["BAD_USER_INPUT"]);
    expect(missing.errors![0].extensions!.field).toBe("first");
  });

  it("answers a persisted-query miss with the code clients match on", async () => {
    const response = await h.post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } } }));
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });

  it("refuses a document that does not parse, and one that asks for an unknown field", async () => {
    expect(codes(await h.gql(`query { fingerprintLibraries( }`))).toEqual(["BAD_USER_INPUT"]);
    expect(codes(await h.gql(`query { fingerprintLibraries { bogus } }`))).toEqual(["BAD_USER_INPUT"]);
  });

  it("answers a body that is not JSON with a GraphQL-shaped 400 and no stack trace", async () => {
    const response = await h.post("{ this is not json");
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]).toMatchObject({ message: "The request body is not valid JSON.", extensions: { code: "BAD_USER_INPUT" } });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js:\d+/);
  });

  it("refuses a body over the size limit with 413", async () => {
    const response = await h.post(JSON.stringify({ query: `query { fingerprintLibraries { totalCount } }`, variables: { pad: "x".repeat(1_100_000) } }));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });
});

describe("backend failures", () => {
  it("maps Throttling to BACKEND_THROTTLED after retrying", async () => {
    h.emulator.control.setFault("CreateDNADB", { errorRate: 1, code: "Throttling", httpStatus: 400, message: "Request was denied due to flow control." });
    try {
      const response = await create({ name: "busy", model: "VIDEO" });
      expect(codes(response)).toEqual(["BACKEND_THROTTLED"]);
      expect(response.errors![0].extensions).toMatchObject({ backend: "ICE", backendCode: "Throttling", retryable: true });
    } finally {
      h.emulator.control.clearFaults();
    }
    expect(h.emulator.control.state().libraries).toHaveLength(0);
  });

  it("recovers from one Throttling answer by retrying", async () => {
    h.emulator.control.setFault("CreateFpShotDB", { errorRate: 1, code: "Throttling", httpStatus: 400, times: 1 });
    const response = await create({ name: "second-time-lucky", model: "IMAGE" });
    expect(response.errors).toBeUndefined();
    expect(h.emulator.control.state().libraries).toHaveLength(1);
    h.emulator.control.reset();
  });

  it("maps a 5xx to BACKEND_UNAVAILABLE, and does not retry a create after one", async () => {
    h.emulator.control.setFault("CreateDNADB", { errorRate: 1, code: "InternalError", httpStatus: 500, times: 1 });
    const response = await create({ name: "broken", model: "VIDEO" });
    expect(codes(response)).toEqual(["BACKEND_UNAVAILABLE"]);
    expect(response.errors![0].message).toMatch(/HTTP 500 \(ICE code InternalError, request id [0-9A-F-]+\)/);
    expect(h.emulator.control.faults()).toEqual({}); // the one fault was used once: no blind retry
    h.emulator.control.reset();
  });

  it("retries an idempotent read after a 5xx and succeeds", async () => {
    const library = (await create({ name: "readable", model: "VIDEO" })).data!.createFingerprintLibrary.library;
    h.emulator.control.setFault("ListDNADB", { errorRate: 1, code: "ServiceUnavailable", httpStatus: 503, times: 1 });
    const refreshed = await h.gql(REFRESH, { id: library.id });
    expect(refreshed.errors).toBeUndefined();
    h.emulator.control.reset();
  });

  it("maps a timeout and a dropped connection to BACKEND_UNAVAILABLE", async () => {
    const library = (await create({ name: "slow", model: "VIDEO" })).data!.createFingerprintLibrary.library;
    h.emulator.control.setFault("ListDNADB", { latencyMs: 1_000 });
    const slow = await h.gql(REFRESH, { id: library.id });
    expect(codes(slow)).toEqual(["BACKEND_UNAVAILABLE"]);
    expect(slow.errors![0].message).toMatch(/could not be reached for ListDNADB \(ReadTimeout\)/);
    h.emulator.control.clearFaults();

    h.emulator.control.setFault("ListDNADB", { dropRate: 1 });
    expect(codes(await h.gql(REFRESH, { id: library.id }))).toEqual(["BACKEND_UNAVAILABLE"]);
    h.emulator.control.reset();
  });

  it("keeps serving registry reads while a backend is down", async () => {
    h.emulator.control.setFault("*", { errorRate: 1, code: "ServiceUnavailable", httpStatus: 503 });
    try {
      const response = await h.gql(LIST, { first: 5 });
      expect(response.errors).toBeUndefined();
    } finally {
      h.emulator.control.reset();
    }
  });
});

describe("credential refusals", () => {
  it("maps a signature refusal to BACKEND_ERROR with no secret in the answer or the logs", async () => {
    const wrong = await startHarness({ env: { ALIBABA_CLOUD_ACCESS_KEY_SECRET: "definitely-wrong-secret-1234" }, sharedEmulator: h.emulator });
    try {
      const response = await wrong.gql(CREATE, { input: { name: "nope", model: "VIDEO" } });
      expect(codes(response)).toEqual(["BACKEND_ERROR"]);
      expect(response.errors![0].message).toMatch(/refused the gateway's credentials or signature \(ICE code SignatureDoesNotMatch, request id [0-9A-F-]+\)/);
      expect(JSON.stringify(response)).not.toContain("definitely-wrong-secret-1234");
      expect(wrong.logs.join("")).not.toContain("definitely-wrong-secret-1234");
    } finally {
      await wrong.close();
    }
  });

  it("maps an unknown AccessKeyId to BACKEND_ERROR", async () => {
    const unknown = await startHarness({ env: { ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAI-nobody", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "whatever-secret" }, sharedEmulator: h.emulator });
    try {
      const response = await unknown.gql(CREATE, { input: { name: "nope", model: "IMAGE" } });
      expect(codes(response)).toEqual(["BACKEND_ERROR"]);
      expect(response.errors![0].extensions!.backendCode).toBe("InvalidAccessKeyId.NotFound");
      expect(JSON.stringify(response)).not.toContain("whatever-secret");
    } finally {
      await unknown.close();
    }
  });
});

describe("backend refusals in the gateway's own words", () => {
  it.each([
    ["InvalidParameter", "BAD_USER_INPUT"],
    ["MissingName", "BAD_USER_INPUT"],
    ["Some.UnknownCode", "BACKEND_ERROR"],
    ["MissingSignature", "BACKEND_ERROR"],
    ["IncompleteSignature", "BACKEND_ERROR"],
  ])("answers %s as %s with the backend's Code and RequestId, never its text", async (backendCode, code) => {
    const prose = `backend prose for ${backendCode}: <script>echo of LTAI-key</script>`;
    h.emulator.control.setFault("CreateDNADB", { errorRate: 1, code: backendCode, httpStatus: 400, message: prose, times: 1 });
    const response = await create({ name: `refused ${backendCode}`, model: "VIDEO", backend: "ICE" });
    h.emulator.control.clearFaults();
    expect(codes(response)).toEqual([code]);
    const error = response.errors![0];
    expect(JSON.stringify(response)).not.toContain("backend prose");
    expect(error.extensions!.backendCode).toBe(backendCode);
    expect(error.extensions!.backendRequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(error.message).toContain(backendCode);
    expect(error.message).toContain(error.extensions!.backendRequestId);
  });
});
