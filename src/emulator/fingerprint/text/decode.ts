/**
 * Bytes to text. UTF-8 (with or without BOM) is the norm; a UTF-16 BOM selects UTF-16. Bytes
 * that are not valid in the chosen encoding, or that contain NUL (a binary file), are not text.
 * Offsets in segments count UTF-16 code units of the decoded text, BOM excluded.
 */
import { MediaDecodeError } from "../contract.js";

export function decodeText(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new MediaDecodeError("The text is empty: there is nothing to fingerprint.", "text");
  let encoding = "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = "utf-16le";
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = "utf-16be";
  let text: string;
  try {
    // ignoreBOM: false strips the BOM of the chosen encoding.
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new MediaDecodeError(`The bytes are not valid ${encoding.toUpperCase()} text.`, "text");
  }
  if (text.includes("\u0000")) throw new MediaDecodeError("The bytes contain NUL characters: this looks like a binary file, not text.", "text");
  return text;
}
