/**
 * Fault injection per action ("*" = every action): extra latency, dropped connections
 * and error answers, each with a probability, optionally for the next N calls only.
 * Faults are applied after routing and authentication, i.e. to requests that would
 * otherwise reach the service.
 */
import { ApiError } from "./errors.js";
import { ALL_ACTIONS } from "./services/actions.js";

export interface FaultSpec {
  /** Probability 0..1 of answering with an error (default: see normalizeFault). */
  errorRate?: number;
  code?: string;
  httpStatus?: number;
  message?: string;
  /** Added before answering (also before a drop or an injected error). */
  latencyMs?: number;
  /** Probability 0..1 of destroying the socket without an answer. */
  dropRate?: number;
  /** Apply to the next N matching calls only, then the fault clears itself. */
  times?: number;
}

/** A fault as stored and listed: every field resolved; `times` counts down. */
export interface ActiveFault {
  errorRate: number;
  code: string;
  httpStatus: number;
  message: string;
  latencyMs: number;
  dropRate: number;
  times: number | null;
}

export interface FaultDecision {
  latencyMs: number;
  drop: boolean;
  error?: ApiError;
}

export class FaultError extends Error {
  override name = "FaultError";
}

const KNOWN_FIELDS = new Set(["errorRate", "code", "httpStatus", "message", "latencyMs", "dropRate", "times"]);

function defaultStatus(code: string): number {
  if (code === "ServiceUnavailable") return 503;
  if (/^(Throttling|Invalid|Missing|QuotaExceeded|Forbidden)/.test(code)) return 400;
  return 500;
}

/**
 * Validates a fault and fills in defaults. errorRate defaults to 1 when the fault names
 * an error (code, httpStatus or message) or names nothing else at all, otherwise to 0;
 * code defaults to InternalError, httpStatus to a status that fits the code.
 */
export function normalizeFault(action: string, input: unknown): ActiveFault {
  if (action !== "*" && !ALL_ACTIONS.includes(action)) {
    throw new FaultError(`Unknown action ${action}; use "*" or one of ${ALL_ACTIONS.join(", ")}.`);
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new FaultError("A fault must be a JSON object.");
  const f = input as Record<string, unknown>;
  for (const key of Object.keys(f)) {
    if (!KNOWN_FIELDS.has(key)) throw new FaultError(`Unknown fault field ${key}; known: ${[...KNOWN_FIELDS].join(", ")}.`);
  }
  const rate = (name: string) => {
    const v = f[name];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !(v >= 0 && v <= 1)) throw new FaultError(`${name} must be a number from 0 to 1, got ${JSON.stringify(v)}.`);
    return v;
  };
  const int = (name: string, min: number, max: number) => {
    const v = f[name];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      throw new FaultError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}.`);
    }
    return v;
  };
  const str = (name: string) => {
    const v = f[name];
    if (v === undefined) return undefined;
    if (typeof v !== "string" || v === "") throw new FaultError(`${name} must be a non-empty string.`);
    return v;
  };

  const errorRate = rate("errorRate");
  const dropRate = rate("dropRate");
  const code = str("code");
  const message = str("message");
  const httpStatus = int("httpStatus", 400, 599);
  const latencyMs = int("latencyMs", 0, 600_000);
  const times = int("times", 1, 1_000_000);
  const namesError = code !== undefined || httpStatus !== undefined || message !== undefined;
  const namesOther = latencyMs !== undefined || dropRate !== undefined;
  const resolvedCode = code ?? "InternalError";
  return {
    errorRate: errorRate ?? (namesError || !namesOther ? 1 : 0),
    code: resolvedCode,
    httpStatus: httpStatus ?? defaultStatus(resolvedCode),
    message:
      message ??
      (resolvedCode === "InternalError"
        ? "The request processing has failed due to some unknown error (injected by the emulator)."
        : `${resolvedCode} (injected by the emulator).`),
    latencyMs: latencyMs ?? 0,
    dropRate: dropRate ?? 0,
    times: times ?? null,
  };
}

export class FaultRegistry {
  private readonly faults = new Map<string, ActiveFault>();

  set(action: string, fault: ActiveFault): void {
    this.faults.set(action, fault);
  }

  delete(action: string): boolean {
    return this.faults.delete(action);
  }

  clear(): void {
    this.faults.clear();
  }

  list(): Record<string, ActiveFault> {
    return Object.fromEntries([...this.faults].map(([a, f]) => [a, { ...f }]));
  }

  /**
   * The fault for this call, if any: the action's own fault wins over "*". Each call
   * that matches uses up one of `times`, whether or not the dice then trigger.
   */
  decide(action: string, random: () => number): FaultDecision | undefined {
    const key = this.faults.has(action) ? action : this.faults.has("*") ? "*" : undefined;
    if (key === undefined) return undefined;
    const f = this.faults.get(key)!;
    if (f.times !== null) {
      f.times -= 1;
      if (f.times <= 0) this.faults.delete(key);
    }
    const drop = f.dropRate > 0 && random() < f.dropRate;
    const fail = !drop && f.errorRate > 0 && random() < f.errorRate;
    return {
      latencyMs: f.latencyMs,
      drop,
      ...(fail ? { error: new ApiError(f.code, f.httpStatus, f.message) } : {}),
    };
  }
}
