/**
 * One JSON shape for a FingerprintJob wherever it travels as text: the event log's `job`
 * snapshot and the Redis bus. Dates are ISO 8601 strings; everything else is as in the domain.
 */
import type { FingerprintJob } from "./job.js";

export type JobJson = Omit<FingerprintJob, "createdAt" | "updatedAt" | "finishedAt"> & {
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
};

export function jobToJson(job: FingerprintJob): JobJson {
  return {
    ...job,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export function jobFromJson(json: JobJson): FingerprintJob {
  return {
    ...json,
    createdAt: new Date(json.createdAt),
    updatedAt: new Date(json.updatedAt),
    finishedAt: json.finishedAt ? new Date(json.finishedAt) : null,
  };
}
