/**
 * Bytes to a small greyscale raster with sharp (libvips): PNG, JPEG, WebP, GIF (first frame)
 * and TIFF. EXIF orientation is applied, transparency is flattened onto white, and the picture
 * is resampled (Lanczos) to GRID x GRID regardless of its aspect ratio, so a resized copy lands
 * on the same grid. Hashes of the whole picture and of crops are all cut from this one grid.
 */
import { MediaDecodeError } from "../contract.js";

/** Side of the decoded grid: 4x the 32-pixel hash input, so crops still have detail to resample. */
export const GRID = 128;

const FORMATS = new Set(["jpeg", "png", "webp", "gif", "tiff"]);

export interface Grey {
  /** GRID * GRID luminance values, row by row, 0..255. */
  pixels: Float64Array;
  width: number;
  height: number;
}

export async function decodeImage(bytes: Uint8Array): Promise<Grey> {
  const { default: sharp } = await import("sharp");
  sharp.cache(false); // every input is new; libvips' operation cache would only hold memory
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: string | undefined;
  let width = 0;
  let height = 0;
  try {
    const meta = await sharp(input).metadata();
    format = meta.format;
    width = meta.autoOrient?.width ?? meta.width ?? 0;
    height = meta.autoOrient?.height ?? meta.height ?? 0;
  } catch {
    throw new MediaDecodeError("The bytes are not an image sharp can read (PNG, JPEG, WebP, GIF or TIFF expected).", "image");
  }
  if (!format || !FORMATS.has(format)) {
    throw new MediaDecodeError(`Images in ${format ?? "this"} format are not fingerprinted: PNG, JPEG, WebP, GIF or TIFF expected.`, "image");
  }
  try {
    const raw = await sharp(input, { failOn: "error" })
      .rotate()
      .flatten({ background: "#ffffff" })
      .greyscale()
      .resize(GRID, GRID, { fit: "fill", kernel: "lanczos3" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const channels = raw.info.channels;
    const pixels = new Float64Array(GRID * GRID);
    for (let p = 0; p < pixels.length; p++) pixels[p] = raw.data[p * channels];
    return { pixels, width, height };
  } catch (error) {
    throw new MediaDecodeError(`The ${format.toUpperCase()} image could not be decoded: ${(error as Error).message}`, "image");
  }
}
