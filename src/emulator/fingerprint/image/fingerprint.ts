/**
 * An image fingerprint:
 * - ten 64-bit pHashes: the whole picture, then nine crops (90% of each side, offset 0%, 5% or
 *   10% across and down, row by row). They find candidates in the index; a copy cropped by up
 *   to 10% lines up with one of the crops to within 2.5% of a side, which pHash shrugs off.
 * - a 32x32 grey "detail" raster of the whole picture, from which verify.ts cuts any region to
 *   compare two pictures exactly where they overlap.
 */
import type { Fingerprint } from "../contract.js";
import { GRID, decodeImage } from "./decode.js";
import { phash, type Hash64 } from "./phash.js";
import { sampleRegion, summedArea } from "./region.js";

export const CROP_SCALE = 0.9;
export const CROP_OFFSETS = [0, 0.05, 0.1];
/** Where each hash's region lies, as fractions of the picture: [x, y, width, height]. */
export const HASH_REGIONS: [number, number, number, number][] = [[0, 0, 1, 1]];
for (const oy of CROP_OFFSETS) for (const ox of CROP_OFFSETS) HASH_REGIONS.push([ox, oy, CROP_SCALE, CROP_SCALE]);

export const DETAIL = 48;
const HASH_INPUT = 32;

export interface ImageFingerprintData {
  v: 1;
  /** One per HASH_REGIONS entry. */
  hashes: Hash64[];
  /** DETAIL * DETAIL grey levels 0..255 of the whole picture, row by row. */
  detail: number[];
  /** Decoded size in pixels, for the record. */
  width: number;
  height: number;
}

export function describe(pixels: Float64Array): Pick<ImageFingerprintData, "hashes" | "detail"> {
  const table = summedArea(pixels, GRID);
  const hashes = HASH_REGIONS.map(([x, y, w, h]) => phash(sampleRegion(table, GRID, x * GRID, y * GRID, w * GRID, h * GRID, HASH_INPUT)));
  const detail = Array.from(sampleRegion(table, GRID, 0, 0, GRID, GRID, DETAIL), (v) => Math.round(Math.min(255, Math.max(0, v))));
  return { hashes, detail };
}

export async function fingerprintImage(bytes: Uint8Array): Promise<Fingerprint> {
  const grey = await decodeImage(bytes);
  const data: ImageFingerprintData = { v: 1, ...describe(grey.pixels), width: grey.width, height: grey.height };
  return { summary: { kind: "image", length: 0 }, data };
}
