import { GatewayError } from "../domain/errors.js";
import type { FingerprintBackend } from "../domain/model.js";

/**
 * Turns whatever the Alibaba client threw into a GatewayError with one of the contract's
 * codes. The backend's own Message is passed on only for parameter errors, where it helps
 * the caller fix the input; authentication refusals get a fixed text, because a real
 * SignatureDoesNotMatch message echoes the string to sign and a key id.
 */
export interface RpcFailure {
  /** HTTP status, absent for network failures. */
  statusCode?: number;
  /** The backend's Code, or a Node error code (ECONNREFUSED, ETIMEDOUT, ...). */
  code?: string;
  /** The backend's Message (from the body, not the SDK's decorated text). */
  message?: string;
  requestId?: string;
}

const AUTH_CODES = /^(SignatureDoesNotMatch|IncompleteSignature|InvalidAccessKeyId|InvalidTimeStamp|SignatureNonceUsed|InvalidSecurityToken|Forbidden|NoPermission|InvalidIdentity)/;
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "ReadTimeout", "ConnectTimeout", "UND_ERR_SOCKET"]);

export type FailureKind = "throttled" | "unavailable" | "quota" | "region" | "not-found" | "bad-input" | "auth" | "other";

export function classifyFailure(failure: RpcFailure): FailureKind {
  const code = failure.code ?? "";
  if (code.includes("Throttling")) return "throttled";
  if (failure.statusCode === undefined || NETWORK_CODES.has(code) || /timeout/i.test(code)) return "unavailable";
  if (failure.statusCode >= 500) return "unavailable";
  if (/quota/i.test(code)) return "quota";
  if (/Region/i.test(code)) return "region";
  if (/ResourceNotFound|NotFound$/.test(code) && !AUTH_CODES.test(code) && !code.startsWith("InvalidAction")) return "not-found";
  if (AUTH_CODES.test(code)) return "auth";
  // An unknown action or version is the gateway's own misconfiguration, not the caller's input.
  if (/^Invalid(Action|Api|Version)/.test(code)) return "other";
  if (/^(Invalid|Missing)/.test(code)) return "bad-input";
  return "other";
}

/** Did the request certainly not take effect? Only then may a non-idempotent call be retried. */
export function certainlyNotApplied(failure: RpcFailure): boolean {
  const kind = classifyFailure(failure);
  // Throttling is a refusal before any work; a refused connection never reached the service.
  return kind === "throttled" || failure.code === "ECONNREFUSED";
}

export function toGatewayError(backend: FingerprintBackend, action: string, failure: RpcFailure): GatewayError {
  const details = {
    backend,
    backendAction: action,
    backendCode: failure.code,
    backendRequestId: failure.requestId,
  };
  const said = failure.message ? `: ${failure.message}` : "";
  switch (classifyFailure(failure)) {
    case "throttled":
      return new GatewayError("BACKEND_THROTTLED", `${backend} is throttling ${action} calls; retry in a few seconds.`, { ...details, retryable: true });
    case "unavailable":
      return new GatewayError(
        "BACKEND_UNAVAILABLE",
        failure.statusCode === undefined
          ? `${backend} could not be reached for ${action} (${failure.code ?? "network error"}); retry later.`
          : `${backend} failed ${action} with HTTP ${failure.statusCode} (${failure.code ?? "no code"}); retry later.`,
        { ...details, retryable: true, mayHaveTakenEffect: !certainlyNotApplied(failure) },
      );
    case "quota":
      return new GatewayError("QUOTA_EXCEEDED", `${backend}'s library quota for this account is used up${said}. Delete a library or ask Alibaba Cloud to raise the quota.`, details);
    case "region":
      return new GatewayError("UNSUPPORTED_REGION", `${backend} refused the region${said}.`, details);
    case "not-found":
      return new GatewayError("NOT_FOUND", `${backend} has no such library${said}.`, details);
    case "auth":
      return new GatewayError(
        "BACKEND_ERROR",
        `${backend} refused the gateway's credentials (${failure.code}). Check the gateway's AccessKey pair and clock; the request id is ${failure.requestId ?? "unknown"}.`,
        details,
      );
    case "bad-input":
      return new GatewayError("BAD_USER_INPUT", `${backend} refused the request${said}.`, details);
    default:
      return new GatewayError("BACKEND_ERROR", `${backend} failed ${action} (${failure.code ?? "no code"})${said}.`, details);
  }
}
