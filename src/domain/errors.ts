/**
 * Every failure a client can see carries one of these codes (the contract's list) in
 * `extensions.code`. Services throw GatewayError; the GraphQL layer only formats it.
 */
export const ERROR_CODES = [
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "QUOTA_EXCEEDED",
  "UNSUPPORTED_REGION",
  "IDEMPOTENCY_KEY_REUSED",
  "BACKEND_THROTTLED",
  "BACKEND_UNAVAILABLE",
  "BACKEND_ERROR",
  /** The gateway's own database could not be reached or did not answer (docs/errors.md). */
  "DATABASE_UNAVAILABLE",
  // Fingerprint jobs.
  "LIBRARY_NOT_ACTIVE",
  "MEDIA_NOT_FOUND",
  "MODEL_MISMATCH",
  "UNSUPPORTED_OPERATION",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface GatewayErrorDetails {
  /** The input field at fault, for BAD_USER_INPUT. */
  field?: string;
  /** The backend's own error code, when a backend refused. Never contains secrets. */
  backendCode?: string;
  /** The backend's request id, for a support ticket with Alibaba Cloud. */
  backendRequestId?: string;
  /** Whether sending the same request again may succeed. */
  retryable?: boolean;
  /**
   * A backend call that failed without a clear answer (a timeout, a dropped connection, a
   * 5xx): the backend may still have carried it out. Set by the backend layer, which alone
   * knows what a failure means; stays in logs, never sent to clients.
   */
  mayHaveTakenEffect?: boolean;
  [key: string]: unknown;
}

export class GatewayError extends Error {
  override readonly name = "GatewayError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: GatewayErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const badInput = (field: string, message: string) =>
  new GatewayError("BAD_USER_INPUT", message, { field });

export const notFound = (what: string) => new GatewayError("NOT_FOUND", `${what} was not found.`);
