import { GatewayError } from "../domain/errors.js";
import type { FingerprintBackend } from "../domain/model.js";

/**
 * Turns whatever the Alibaba client threw into a GatewayError with one of the contract's
 * codes. The backend's own Message never reaches a client: it can echo the string to sign,
 * a key id or the caller's input back, and its wording is the backend's, not an instruction
 * the caller can act on. Every message is the gateway's own, with the backend's Code and
 * RequestId (also in extensions.backendCode / backendRequestId) for a support ticket.
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

// Refusals of the gateway's credentials or signature: the gateway's fault (or its operator's), never the caller's input.
const AUTH_CODES =
  /^(SignatureDoesNotMatch|IncompleteSignature|InvalidAccessKeyId|InvalidTimeStamp|SignatureNonceUsed|InvalidSecurityToken|Forbidden|NoPermission|InvalidIdentity|InvalidSignature|UnsupportedSignature|Missing(Signature|AccessKeyId|Timestamp|SecurityToken|Authorization))/;
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN", "ReadTimeout", "ConnectTimeout", "UND_ERR_SOCKET"]);

export type FailureKind = "throttled" | "unavailable" | "quota" | "region" | "not-found" | "bad-input" | "auth" | "other";

export function classifyFailure(failure: RpcFailure): FailureKind {
  const code = failure.code ?? "";
  if (code.includes("Throttling")) return "throttled";
  // The client could not even encode the request (a lone surrogate in a parameter): nothing
  // was sent, and sending it again fails the same way. Validation refuses such text first.
  if (code === "URIError") return "bad-input";
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
  return kind === "throttled" || failure.code === "ECONNREFUSED" || failure.code === "URIError";
}

export function toGatewayError(backend: FingerprintBackend, action: string, failure: RpcFailure): GatewayError {
  const details = {
    backend,
    backendAction: action,
    backendCode: safeToken(failure.code),
    backendRequestId: safeToken(failure.requestId),
  };
  const ref = `(${backend} code ${details.backendCode ?? "none"}, request id ${details.backendRequestId ?? "none"})`;
  switch (classifyFailure(failure)) {
    case "throttled":
      return new GatewayError("BACKEND_THROTTLED", `${backend} is throttling ${action} calls; retry in a few seconds.`, { ...details, retryable: true });
    case "unavailable":
      return new GatewayError(
        "BACKEND_UNAVAILABLE",
        failure.statusCode === undefined
          ? `${backend} could not be reached for ${action} (${details.backendCode ?? "network error"}); retry later.`
          : `${backend} failed ${action} with HTTP ${failure.statusCode} ${ref}; retry later.`,
        { ...details, retryable: true, mayHaveTakenEffect: !certainlyNotApplied(failure) },
      );
    case "quota":
      return new GatewayError("QUOTA_EXCEEDED", `${backend}'s library quota for this account is used up ${ref}. Delete a library or ask Alibaba Cloud to raise the quota.`, details);
    case "region":
      return new GatewayError("UNSUPPORTED_REGION", `${backend} does not serve this request in that region ${ref}; choose another region (TEXT libraries exist only in cn-shanghai).`, details);
    case "not-found":
      return new GatewayError("NOT_FOUND", `${backend} has no such library for this account in that region ${ref}.`, details);
    case "auth":
      return new GatewayError(
        "BACKEND_ERROR",
        `${backend} refused the gateway's credentials or signature ${ref}. This is the gateway's configuration, not your request: its operator should check the AccessKey pair and the clock.`,
        details,
      );
    case "bad-input":
      return new GatewayError(
        "BAD_USER_INPUT",
        `${backend} refused the request's parameters ${ref}. Check name, description and config against the service's limits; quote the request id if you need help.`,
        details,
      );
    default:
      return new GatewayError("BACKEND_ERROR", `${backend} failed ${action} ${ref}; retry, and quote the request id if it persists.`, details);
  }
}

/** A code or request id as a short plain token, so nothing else rides along in a message. */
function safeToken(value: string | undefined): string | undefined {
  return value !== undefined && /^[A-Za-z0-9._:-]{1,80}$/.test(value) ? value : undefined;
}
