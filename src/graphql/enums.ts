/** The domain's string unions as GraphQL enums, with the contract's names and descriptions. */
import { registerEnumType } from "type-graphql";
import { FINGERPRINT_BACKENDS, FINGERPRINT_MODELS, LIBRARY_STATUSES } from "../domain/model.js";
import { ROUTING_REASONS } from "../domain/routing.js";

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const FingerprintModelEnum = asEnum(FINGERPRINT_MODELS);
export const FingerprintBackendEnum = asEnum(FINGERPRINT_BACKENDS);
export const LibraryStatusEnum = asEnum(LIBRARY_STATUSES);
export const RoutingReasonEnum = asEnum(ROUTING_REASONS);

registerEnumType(FingerprintModelEnum, {
  name: "FingerprintModel",
  description: "Which media a library fingerprints.",
  valuesConfig: {
    VIDEO: { description: "Video fingerprints (ICE Model Video, MPS ModelId 12)." },
    AUDIO: { description: "Audio fingerprints (ICE Model Audio, MPS ModelId 13)." },
    IMAGE: { description: "Image fingerprints (ICE Model Image, MPS ModelId 14)." },
    TEXT: { description: "Text fingerprints (ICE Model Text, MPS ModelId 11); cn-shanghai only." },
  },
});

registerEnumType(FingerprintBackendEnum, {
  name: "FingerprintBackend",
  description: "The cloud service that hosts a library: Intelligent Media Services (DNA DB) or Media Processing (FpShotDB).",
  valuesConfig: {
    ICE: { description: "Intelligent Media Services, API 2020-11-09 (CreateDNADB, ListDNADB, DeleteDNADB)." },
    MPS: { description: "ApsaraVideo Media Processing, API 2014-06-18 (CreateFpShotDB, ListFpShotDB, SubmitFpDBDeleteJob)." },
  },
});

registerEnumType(LibraryStatusEnum, {
  name: "LibraryStatus",
  description:
    "One status for both backends. ICE reports `Status` (offline, active, deleted); MPS reports `State` on create and " +
    "`Status` on list (offline, active, paused, deleted). DELETING covers an MPS delete job that has not finished. UNKNOWN " +
    "is any backend word the gateway does not know (the word itself stays readable in rawStatus).",
  valuesConfig: {
    OFFLINE: { description: "Created, not yet usable (backend word: offline)." },
    ACTIVE: { description: "Ready for fingerprint jobs (backend word: active)." },
    PAUSED: { description: "Paused by MPS (backend word: paused)." },
    DELETING: { description: "An MPS delete job is running." },
    DELETED: { description: "Deleted, or no longer listed by its backend." },
    UNKNOWN: { description: "A backend word the gateway does not know; see rawStatus." },
  },
});

registerEnumType(RoutingReasonEnum, {
  name: "RoutingReason",
  description: "Why createFingerprintLibrary put a library on the backend it did.",
  valuesConfig: {
    REQUESTED: { description: "The input named the backend (`backend`)." },
    MODEL_ROUTE: { description: "The routing policy's backend for the model (VIDEO, AUDIO: ICE; IMAGE, TEXT: MPS, unless ROUTING says otherwise)." },
    QUOTA_FALLBACK: { description: "The model's backend had no library quota left for the account, so the library went to the other backend." },
  },
});
