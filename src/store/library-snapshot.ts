/**
 * The event log's `library` column: the Library right after the change (for a JOB event, the
 * job's library as it was), as the text of the domain's one JSON shape of a Library
 * (src/domain/library-event.ts), which the Redis bus carries too.
 */
import type { Library } from "../domain/library.js";
import { libraryFromJson, libraryToJson } from "../domain/library-event.js";

export function librarySnapshot(library: Library): string {
  return JSON.stringify(libraryToJson(library));
}

/** The column back to a Library, every field checked (the column is text nobody else validates). */
export function parseLibrarySnapshot(text: string, eventId: number): Library {
  const where = `Stored LibraryEvent ${eventId} library snapshot`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where} is not JSON.`, { cause: error });
  }
  return libraryFromJson(value, where);
}
