/**
 * The arguments every subscription shares: `after` (an eventId from the one event log, so
 * any kind's eventId is a valid cursor for any subscription) and the bound on filter ids.
 */
import { badInput } from "../domain/errors.js";
import { internalIdFrom, type NodeTypeName } from "./global-id.js";

export const MAX_FILTER_IDS = 100;

/** undefined: live only. */
export function parseAfter(after: string | null | undefined): number | undefined {
  if (after === undefined || after === null) return undefined;
  const id = Number(after);
  if (!/^\d{1,15}$/.test(after) || !Number.isSafeInteger(id)) {
    throw badInput("after", `after must be an eventId from an earlier event (a whole number); got "${after.slice(0, 40)}".`);
  }
  return id;
}

/** Global ids of one type to internal ids, at most MAX_FILTER_IDS; undefined when not given. */
export function filterIds(ids: readonly string[] | null | undefined, type: NodeTypeName, field: string): string[] | undefined {
  if (ids === undefined || ids === null) return undefined;
  if (ids.length > MAX_FILTER_IDS) throw badInput(field, `${field} holds ${ids.length} ids; the limit is ${MAX_FILTER_IDS}.`);
  return ids.map((id) => internalIdFrom(type, id, field));
}
