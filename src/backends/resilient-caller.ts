/**
 * Wraps a SignedRpcClient with what a caller of a paid, rate-limited cloud API needs:
 * a client-side QPS limiter per action (so the gateway stays under the documented limits
 * instead of collecting Throttling answers), retries with exponential backoff and jitter
 * where a retry is safe, one place that records every call for metrics, and the mapping of
 * failures to the contract's error codes.
 */
import pRetry, { AbortError } from "p-retry";
import pThrottle from "p-throttle";
import type { GatewayError } from "../domain/errors.js";
import type { FingerprintBackend } from "../domain/model.js";
import { certainlyNotApplied, classifyFailure, toGatewayError } from "./rpc-errors.js";
import { RpcCallError, type RpcParams, type SignedRpcClient } from "./signed-rpc-client.js";

export type CallOutcome = "ok" | "throttled" | "unavailable" | "client_error" | "error";

export interface BackendCallObserver {
  (event: { backend: FingerprintBackend; action: string; outcome: CallOutcome; seconds: number; attempt: number }): void;
}

export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export interface ResilientCallerOptions {
  backend: FingerprintBackend;
  client: SignedRpcClient;
  /** Calls per second allowed per action; actions not listed use defaultQps. */
  qpsLimits: Readonly<Record<string, number>>;
  defaultQps: number;
  retry: RetryPolicy;
  observe?: BackendCallObserver;
}

export interface CallOptions {
  /**
   * An idempotent call (List*, Query*) may be retried after any transient failure. A
   * non-idempotent one (Create*, Delete*, Submit*) only when the backend certainly did
   * not act on it, so a retry can never make a second library.
   */
  idempotent: boolean;
}

export class ResilientCaller {
  private readonly throttled = new Map<string, (region: string, params: RpcParams) => Promise<Record<string, unknown>>>();

  constructor(private readonly options: ResilientCallerOptions) {}

  async call(region: string, action: string, params: RpcParams, { idempotent }: CallOptions): Promise<Record<string, unknown>> {
    const { backend, retry, observe } = this.options;
    const send = this.limiterFor(action);
    try {
      return await pRetry(
        async (attempt) => {
          const started = performance.now();
          try {
            const body = await send(region, params);
            observe?.({ backend, action, outcome: "ok", seconds: (performance.now() - started) / 1000, attempt });
            return body;
          } catch (error) {
            if (!(error instanceof RpcCallError)) throw new AbortError(error as Error);
            observe?.({ backend, action, outcome: outcomeOf(error), seconds: (performance.now() - started) / 1000, attempt });
            const kind = classifyFailure(error.failure);
            const transient = kind === "throttled" || kind === "unavailable";
            if (!transient || (!idempotent && !certainlyNotApplied(error.failure))) throw new AbortError(error);
            throw error;
          }
        },
        { retries: retry.retries, minTimeout: retry.minDelayMs, maxTimeout: retry.maxDelayMs, factor: 2, randomize: true },
      );
    } catch (error) {
      throw this.toGatewayError(action, error);
    }
  }

  private toGatewayError(action: string, error: unknown): GatewayError | Error {
    const cause = error instanceof AbortError ? error.originalError : error;
    return cause instanceof RpcCallError ? toGatewayError(this.options.backend, action, cause.failure) : (cause as Error);
  }

  private limiterFor(action: string) {
    let send = this.throttled.get(action);
    if (!send) {
      const limit = this.options.qpsLimits[action] ?? this.options.defaultQps;
      const throttle = pThrottle({ limit, interval: 1000, strict: true });
      send = throttle((region: string, params: RpcParams) => this.options.client.call(region, action, params));
      this.throttled.set(action, send);
    }
    return send;
  }
}

function outcomeOf(error: RpcCallError): CallOutcome {
  switch (classifyFailure(error.failure)) {
    case "throttled":
      return "throttled";
    case "unavailable":
      return "unavailable";
    case "other":
    case "auth":
      return "error";
    default:
      return "client_error";
  }
}
