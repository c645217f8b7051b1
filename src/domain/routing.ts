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
