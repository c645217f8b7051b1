/**
 * searchDuplicates: one media file searched in 1 to 20 libraries of its model, on either
 * backend. Every library is checked (the caller's, ACTIVE, one model, the media valid for
 * it) before anything is written or sent. The DuplicateSearch is claimed by its key, then
 * one SEARCH job per library is submitted with a key derived from the search's id, so a
 * retry of the search (same key) submits only the jobs still missing, never a second one.
 */
import { createHash } from "node:crypto";
import { GatewayError, badInput } from "../domain/errors.js";
import type { DuplicateSearch } from "../domain/job.js";
import { JOB_IDEMPOTENCY_KEY_MAX_LENGTH, type MediaRequest } from "../domain/job-input.js";
import { requireStorable } from "../domain/storable-text.js";
import type { Store } from "../store/ports.js";
import type { JobSubmission, PreparedSubmit } from "./submit-job.js";

export const MAX_SEARCH_LIBRARIES = 20;

export interface SearchDuplicatesRequest {
  media: MediaRequest;
  /** Internal library ids, in the caller's order. */
  libraryIds: readonly string[];
  idempotencyKey?: string | null;
}

export class SearchDuplicates {
  constructor(
    private readonly store: Store,
    private readonly jobs: JobSubmission,
  ) {}

  async execute(tenantId: string, request: SearchDuplicatesRequest): Promise<{ search: DuplicateSearch; replayed: boolean }> {
    const ids = request.libraryIds;
    if (ids.length < 1 || ids.length > MAX_SEARCH_LIBRARIES) {
      throw badInput("libraryIds", `libraryIds takes 1 to ${MAX_SEARCH_LIBRARIES} libraries; got ${ids.length}.`);
    }
    const duplicate = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (duplicate >= 0) throw badInput(`libraryIds[${duplicate}]`, `libraryIds[${duplicate}] repeats an earlier library; name each library once.`);
    const key = request.idempotencyKey ?? null;
    if (key !== null) {
      requireStorable("idempotencyKey", key);
      if (key.length === 0 || key.length > JOB_IDEMPOTENCY_KEY_MAX_LENGTH) {
        throw badInput("idempotencyKey", `idempotencyKey must be 1 to ${JOB_IDEMPOTENCY_KEY_MAX_LENGTH} characters long.`);
      }
    }

    // Every check before any write or backend call.
    const prepared: PreparedSubmit[] = [];
    for (const [i, id] of ids.entries()) {
      const field = `libraryIds[${i}]`;
      const one = await this.jobs.prepare(tenantId, id, { media: request.media, mode: "SEARCH" }, field);
      const first = prepared[0]?.library;
      if (first && one.library.model !== first.model) {
        throw new GatewayError(
          "MODEL_MISMATCH",
          `The library "${one.library.name}" (${field}) holds ${one.library.model} fingerprints, but "${first.name}" (libraryIds[0]) holds ${first.model}; one search takes libraries of one model.`,
          { field },
        );
      }
      prepared.push(one);
    }

    const media = JSON.stringify(prepared[0]!.valid.media);
    const inputHash = createHash("sha256").update(JSON.stringify([media, ids])).digest("hex");
    const claim = await this.store.searches.claim({ tenantId, idempotencyKey: key, inputHash, media, libraryIds: [...ids] });
    if (!claim.claimed && claim.search.inputHash !== inputHash) {
      throw new GatewayError(
        "IDEMPOTENCY_KEY_REUSED",
        `idempotencyKey "${key}" was already used for a different searchDuplicates input; use a new key for a new search.`,
        { field: "idempotencyKey" },
      );
    }
    const search = claim.search;
    // Submitted together; each job's key is derived from the search, so a replay answers the jobs already made.
    const results = await Promise.allSettled(
      prepared.map((one) =>
        this.jobs.submitPrepared(tenantId, { library: one.library, valid: { ...one.valid, idempotencyKey: searchJobKey(search.id, one.library.id) } }, search.id),
      ),
    );
    const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) {
      // The search and the jobs that were submitted stay; the same idempotencyKey submits the rest.
      if (failed.reason instanceof GatewayError && key !== null) {
        throw new GatewayError(
          failed.reason.code,
          `${failed.reason.message} (The search's other jobs were submitted; send searchDuplicates again with the same idempotencyKey to complete it.)`,
          failed.reason.details,
          { cause: failed.reason },
        );
      }
      throw failed.reason;
    }
    return { search, replayed: !claim.claimed };
  }
}

/** The idempotency key of a search's job in one library: unique per search and library, stable across retries. */
export function searchJobKey(searchId: string, libraryId: string): string {
  return `search:${searchId}:${libraryId}`;
}
