/** The job vocabulary of src/domain/job.ts as GraphQL enums, with the contract's names. */
import { registerEnumType } from "type-graphql";
import { JOB_MODES, JOB_STATUSES } from "../domain/job.js";

const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };

export const FingerprintJobModeEnum = asEnum(JOB_MODES);
export const FingerprintJobStatusEnum = asEnum(JOB_STATUSES);

registerEnumType(FingerprintJobModeEnum, {
  name: "FingerprintJobMode",
  description: "What a job does with the media; the services' SaveType, the same words on both.",
  valuesConfig: {
    SAVE: { description: "Store the media, search nothing (SaveType onlysave). Needs a primaryKey." },
    SEARCH: { description: "Search the library, store nothing (SaveType nosave). The primaryKey is generated when not given." },
    SEARCH_AND_SAVE: { description: "Search, then store the media whatever was found (SaveType forcesave). Needs a primaryKey." },
    SEARCH_AND_SAVE_IF_UNIQUE: { description: "Search; store only when nothing reaches the similarity threshold (SaveType save). Needs a primaryKey." },
  },
});

registerEnumType(FingerprintJobStatusEnum, {
  name: "FingerprintJobStatus",
  description: "One job status for both backends (Queuing, Analysing, Success, Fail, and ICE's cancel); the backend's word stays in rawStatus.",
  valuesConfig: {
    QUEUED: { description: "Waiting in the backend's queue (Queuing)." },
    RUNNING: { description: "Being analysed (Analysing)." },
    SUCCEEDED: { description: "Done (Success); matches are listed." },
    FAILED: { description: "Ended in failure (Fail); see errorCode and errorMessage." },
    CANCELED: { description: "Cancelled before it ran (ICE CancelDNAJob)." },
    UNKNOWN: { description: "A backend word the gateway does not know; see rawStatus." },
  },
});
