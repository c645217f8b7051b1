/**
 * Image bench model: generated pictures (image-corpus.ts) and the four transforms of the
 * brief: half size, JPEG quality 60, brightness +-10%, 10% crop (90% of each side kept, the
 * cut split at random between the two edges). No segments for images.
 */
import sharp from "sharp";
import type { BenchItem, BenchModel, BenchTransform } from "./model.js";
import { seededRng } from "./rng.js";
import { picturePng } from "./image-corpus.js";

export async function imageCorpus(count: number, seed: number, prefix: string): Promise<BenchItem[]> {
  const rng = seededRng(seed);
  const items: BenchItem[] = [];
  for (let n = 0; n < count; n++) items.push({ key: `${prefix}${n}`, bytes: await picturePng(rng), length: 1 });
  return items;
}

const input = (item: BenchItem) => sharp(Buffer.from(item.bytes.buffer, item.bytes.byteOffset, item.bytes.byteLength));

export const halfSize: BenchTransform = {
  name: "resize 50%",
  async apply(item) {
    const meta = await input(item).metadata();
    return { bytes: await input(item).resize(Math.round(meta.width! / 2), Math.round(meta.height! / 2)).png().toBuffer() };
  },
};

export const jpeg60: BenchTransform = {
  name: "jpeg q60",
  async apply(item) {
    return { bytes: await input(item).jpeg({ quality: 60 }).toBuffer() };
  },
};

export const brightness: BenchTransform = {
  name: "brightness +-10%",
  async apply(item, rng) {
    return { bytes: await input(item).modulate({ brightness: rng() < 0.5 ? 0.9 : 1.1 }).png().toBuffer() };
  },
};

export const crop10: BenchTransform = {
  name: "crop 10%",
  async apply(item, rng) {
    const meta = await input(item).metadata();
    const width = Math.round(meta.width! * 0.9);
    const height = Math.round(meta.height! * 0.9);
    const left = Math.round(rng() * (meta.width! - width));
    const top = Math.round(rng() * (meta.height! - height));
    return { bytes: await input(item).extract({ left, top, width, height }).png().toBuffer() };
  },
};

export const models: BenchModel[] = [{ name: "image", kind: "image", unit: "images", transforms: [halfSize, jpeg60, brightness, crop10], corpus: imageCorpus }];
