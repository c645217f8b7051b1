import { MAX_IDS_PER_LIST_CALL } from "../domain/model.js";

/** A programming error in a caller: the batching layer (live-library-reader) must never send more. */
export function assertBatchSize(ids: readonly string[]): void {
  if (ids.length > MAX_IDS_PER_LIST_CALL) {
    throw new Error(`At most ${MAX_IDS_PER_LIST_CALL} ids per List call, got ${ids.length}.`);
  }
}
