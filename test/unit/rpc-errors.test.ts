import { describe, expect, it } from "vitest";
import { certainlyNotApplied, toGatewayError } from "../../src/backends/rpc-errors.js";

describe("toGatewayError", () => {
  it.each([
    [{ statusCode: 400, code: "Throttling", message: "slow down" }, "BACKEND_THROTTLED"],
    [{ statusCode: 400, code: "Throttling.User" }, "BACKEND_THROTTLED"],
    [{ statusCode: 500, code: "InternalError" }, "BACKEND_UNAVAILABLE"],
    [{ statusCode: 503, code: "ServiceUnavailable" }, "BACKEND_UNAVAILABLE"],
    [{ code: "ECONNREFUSED" }, "BACKEND_UNAVAILABLE"],
    [{ code: "ECONNRESET" }, "BACKEND_UNAVAILABLE"],
    [{ code: "ReadTimeout" }, "BACKEND_UNAVAILABLE"],
    [{ statusCode: 400, code: "QuotaExceeded.Library", message: "at most 5" }, "QUOTA_EXCEEDED"],
    [{ statusCode: 400, code: "InvalidParameter.RegionNotSupported" }, "UNSUPPORTED_REGION"],
    [{ statusCode: 404, code: "InvalidParameter.ResourceNotFound" }, "NOT_FOUND"],
    [{ statusCode: 400, code: "SignatureDoesNotMatch", message: "string to sign: POST&%2F&AccessKeyId%3DLTAIsecretish" }, "BACKEND_ERROR"],
    [{ statusCode: 404, code: "InvalidAccessKeyId.NotFound" }, "BACKEND_ERROR"],
    [{ statusCode: 400, code: "InvalidTimeStamp.Expired" }, "BACKEND_ERROR"],
    [{ statusCode: 400, code: "SignatureNonceUsed" }, "BACKEND_ERROR"],
    [{ statusCode: 403, code: "Forbidden.RAM" }, "BACKEND_ERROR"],
    [{ statusCode: 404, code: "InvalidAction.NotFound" }, "BACKEND_ERROR"],
    [{ statusCode: 400, code: "InvalidParameter", message: "Config is not valid JSON" }, "BAD_USER_INPUT"],
    [{ statusCode: 400, code: "MissingName" }, "BAD_USER_INPUT"],
    [{ code: "URIError" }, "BAD_USER_INPUT"],
  ])("maps %j to %s", (failure, code) => {
    expect(toGatewayError("MPS", "CreateFpShotDB", failure).code).toBe(code);
  });

  it("never repeats the backend's message for an authentication refusal", () => {
    const error = toGatewayError("ICE", "ListDNADB", { statusCode: 400, code: "SignatureDoesNotMatch", message: "server string to sign is: secret-stuff", requestId: "R1" });
    expect(error.message).not.toContain("secret-stuff");
    expect(error.message).toContain("R1");
    expect(error.details).toMatchObject({ backendCode: "SignatureDoesNotMatch", backendRequestId: "R1" });
  });

  it.each([
    [{ statusCode: 400, code: "InvalidParameter", message: "Config is not valid JSON: <echo of input>", requestId: "R2" }, "BAD_USER_INPUT"],
    [{ statusCode: 400, code: "MissingName", message: "The parameter Name is required.", requestId: "R2" }, "BAD_USER_INPUT"],
    [{ statusCode: 400, code: "Something.New", message: "free text from the backend", requestId: "R2" }, "BACKEND_ERROR"],
    [{ statusCode: 400, code: "QuotaExceeded.Library", message: "account LTAI-xyz has 5", requestId: "R2" }, "QUOTA_EXCEEDED"],
    [{ statusCode: 400, code: "InvalidParameter.ResourceNotFound", message: "DBId abc", requestId: "R2" }, "NOT_FOUND"],
  ])("answers a message of its own with the backend's Code and RequestId, never the backend's prose: %j", (failure, code) => {
    const error = toGatewayError("MPS", "CreateFpShotDB", failure);
    expect(error.code).toBe(code);
    expect(error.message).not.toContain(failure.message);
    expect(error.message).toContain(failure.code);
    expect(error.message).toContain("R2");
  });

  it.each(["MissingSignature", "MissingAccessKeyId", "MissingTimestamp", "MissingSignatureNonce", "IncompleteSignature", "InvalidSignatureMethod"])(
    "treats the signing fault %s as the gateway's, not the caller's",
    (code) => {
      expect(toGatewayError("ICE", "CreateDNADB", { statusCode: 400, code, requestId: "R3" }).code).toBe("BACKEND_ERROR");
    },
  );

  it("never puts a code or request id that is not a plain token into a message", () => {
    const error = toGatewayError("ICE", "ListDNADB", { statusCode: 400, code: "Weird code with spaces: secret", requestId: "id\nnext line" });
    expect(error.message).not.toContain("secret");
    expect(error.message).not.toContain("next line");
  });

  it("marks an unanswered call as one that may have taken effect, and a refused connection as not", () => {
    const may = (failure: Parameters<typeof toGatewayError>[2]) => toGatewayError("ICE", "CreateDNADB", failure).details.mayHaveTakenEffect;
    expect(may({ code: "ReadTimeout" })).toBe(true);
    expect(may({ code: "ECONNRESET" })).toBe(true);
    expect(may({ statusCode: 503, code: "ServiceUnavailable" })).toBe(true);
    expect(may({ code: "ECONNREFUSED" })).toBe(false);
    expect(may({ statusCode: 400, code: "Throttling" })).toBeUndefined();
  });
});

describe("certainlyNotApplied", () => {
  it("is true only for refusals that happen before the backend acts", () => {
    expect(certainlyNotApplied({ statusCode: 400, code: "Throttling" })).toBe(true);
    expect(certainlyNotApplied({ code: "ECONNREFUSED" })).toBe(true);
    expect(certainlyNotApplied({ statusCode: 500, code: "InternalError" })).toBe(false);
    expect(certainlyNotApplied({ code: "ReadTimeout" })).toBe(false);
    expect(certainlyNotApplied({ code: "ECONNRESET" })).toBe(false);
  });
});
