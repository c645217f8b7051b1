/**
 * Opaque global ids for the Node interface: base64url("FingerprintLibrary:<uuid>"). Clients
 * treat them as strings; the type prefix lets `node(id)` know what to load.
 */
import { badInput } from "../domain/errors.js";

export type NodeTypeName = "FingerprintLibrary" | "FingerprintJob" | "DuplicateSearch" | "FileDeletion";

export function toGlobalId(type: NodeTypeName, id: string): string {
  return Buffer.from(`${type}:${id}`, "utf8").toString("base64url");
}

export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  const decoded = Buffer.from(globalId, "base64url").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) return null;
  // Reject strings that only decode by accident (base64url decoding is lenient).
  if (Buffer.from(decoded, "utf8").toString("base64url") !== globalId) return null;
  return { type: decoded.slice(0, colon), id: decoded.slice(colon + 1) };
}

/** The internal id of a FingerprintLibrary global id; BAD_USER_INPUT for anything else. */
export function libraryIdFrom(globalId: string, field = "id"): string {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.type !== "FingerprintLibrary") {
    throw badInput(field, `${field} "${globalId.slice(0, 80)}" is not a FingerprintLibrary id; use the id field of a FingerprintLibrary.`);
  }
  return parsed.id;
}

/** The internal id of a global id of `type`; BAD_USER_INPUT naming the field for anything else. */
export function internalIdFrom(type: NodeTypeName, globalId: string, field = "id"): string {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.type !== type) {
    throw badInput(field, `${field} "${globalId.slice(0, 80)}" is not a ${type} id; use the id field of a ${type}.`);
  }
  return parsed.id;
}
