import { randomBytes, randomUUID } from "node:crypto";

/** Library and job ids: 32 lower-case hex characters, the shape both real services use. */
export function newHexId(): string {
  return randomBytes(16).toString("hex");
}

/** RequestId as the POP gateway prints it: an upper-case UUID. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}
