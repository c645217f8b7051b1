import { describe, expect, it } from "vitest";
import { jobFailureCode } from "../../src/domain/job-failure.js";

describe("jobFailureCode", () => {
  it("calls an unreadable input MEDIA_NOT_FOUND on both services' codes", () => {
    expect(jobFailureCode({ status: "FAILED", errorCode: "InvalidParameter.ResourceNotFound" })).toBe("MEDIA_NOT_FOUND");
    expect(jobFailureCode({ status: "FAILED", errorCode: "PermissionDenied.ResourceAccess" })).toBe("MEDIA_NOT_FOUND");
  });
  it("tells a file of the wrong kind apart from a missing one", () => {
    expect(jobFailureCode({ status: "FAILED", errorCode: "InvalidParameter.ResourceContentBad" })).toBe("BAD_USER_INPUT");
  });
  it("is BACKEND_ERROR for any other failure and null unless FAILED", () => {
    expect(jobFailureCode({ status: "FAILED", errorCode: "JOB_STUCK" })).toBe("BACKEND_ERROR");
    expect(jobFailureCode({ status: "FAILED", errorCode: null })).toBe("BACKEND_ERROR");
    expect(jobFailureCode({ status: "SUCCEEDED", errorCode: null })).toBeNull();
    expect(jobFailureCode({ status: "CANCELED", errorCode: "JobCancelled" })).toBeNull();
  });
});
