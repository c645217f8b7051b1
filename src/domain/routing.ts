import type { FingerprintBackend, FingerprintModel } from "./model.js";
import { otherBackend } from "./model.js";

/**
 * Which backend hosts a new library. By default VIDEO and AUDIO go to ICE (its native
 * models) and IMAGE and TEXT to MPS (ICE marks its Image and Text models deprecated).
 */
export interface RoutingPolicy {
  modelBackends: Readonly<Record<FingerprintModel, FingerprintBackend>>;
  /** When the routed backend's library quota is used up, try the other one. */
  fallbackOnQuota: boolean;
}

export const DEFAULT_ROUTING_POLICY: RoutingPolicy = {
  modelBackends: { VIDEO: "ICE", AUDIO: "ICE", IMAGE: "MPS", TEXT: "MPS" },
  fallbackOnQuota: true,
};

/**
 * The backends to try, in order. An explicit choice is honoured strictly: a caller who
 * names a backend must never find the library on the other one.
 */
export function candidateBackends(
  policy: RoutingPolicy,
  model: FingerprintModel,
  explicit?: FingerprintBackend | null,
): FingerprintBackend[] {
  if (explicit) return [explicit];
  const routed = policy.modelBackends[model];
  return policy.fallbackOnQuota ? [routed, otherBackend(routed)] : [routed];
}

/** Why a new library is on the backend it is on (CreateFingerprintLibraryPayload.routing). */
export const ROUTING_REASONS = ["REQUESTED", "MODEL_ROUTE", "QUOTA_FALLBACK"] as const;
export type RoutingReason = (typeof ROUTING_REASONS)[number];

export interface RoutingDecision {
  backend: FingerprintBackend;
  reason: RoutingReason;
  /** The same in a sentence, for a person reading the answer. */
  explanation: string;
}

/**
 * Says why a library of `model` ended up on `backend`. A replayed create is explained from
 * the same input against the policy in force now, which is what the first call saw unless
 * the routing settings changed in between.
 */
export function explainRouting(
  policy: RoutingPolicy,
  model: FingerprintModel,
  explicit: FingerprintBackend | null | undefined,
  backend: FingerprintBackend,
): RoutingDecision {
  if (explicit) return { backend, reason: "REQUESTED", explanation: `The request named ${backend}.` };
  const routed = policy.modelBackends[model];
  if (backend === routed) return { backend, reason: "MODEL_ROUTE", explanation: `${model} libraries go to ${routed}.` };
  return {
    backend,
    reason: "QUOTA_FALLBACK",
    explanation: `${model} libraries go to ${routed}, but ${routed}'s library quota for this account was used up, so this one was created on ${backend}.`,
  };
}
