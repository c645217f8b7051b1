/**
 * Generated pictures for the image bench and tests, drawn with sharp from SVG: a gradient
 * background, a handful of shapes (rectangles, circles, ellipses, polygons, strokes) in random
 * colours and places, and a word or two of text. Deterministic from the seed.
 */
import sharp from "sharp";
import type { Rng } from "./model.js";
import { between, pick } from "./rng.js";

const WORDS = "river castle orbit delta north copper lumen quartz harbor ember violet signal atlas prism meadow".split(" ");
const SIZES: [number, number][] = [
  [320, 240],
  [256, 256],
  [240, 320],
  [400, 300],
];

const colour = (rng: Rng) => `rgb(${between(rng, 0, 255)},${between(rng, 0, 255)},${between(rng, 0, 255)})`;

function shape(rng: Rng, w: number, h: number): string {
  const fill = `fill="${colour(rng)}" fill-opacity="${(0.5 + rng() * 0.5).toFixed(2)}"`;
  const x = between(rng, 0, w);
  const y = between(rng, 0, h);
  const size = between(rng, Math.round(w / 10), Math.round(w / 2.5));
  switch (between(rng, 0, 4)) {
    case 0:
      return `<rect x="${x - size / 2}" y="${y - size / 3}" width="${size}" height="${between(rng, size / 3, size)}" ${fill} transform="rotate(${between(rng, 0, 90)} ${x} ${y})"/>`;
    case 1:
      return `<circle cx="${x}" cy="${y}" r="${size / 2}" ${fill}/>`;
    case 2:
      return `<ellipse cx="${x}" cy="${y}" rx="${size / 2}" ry="${size / 4}" ${fill} transform="rotate(${between(rng, 0, 180)} ${x} ${y})"/>`;
    case 3: {
      const points = Array.from({ length: between(rng, 3, 6) }, () => `${x + between(rng, -size, size) / 2},${y + between(rng, -size, size) / 2}`);
      return `<polygon points="${points.join(" ")}" ${fill}/>`;
    }
    default:
      return `<line x1="${x}" y1="${y}" x2="${between(rng, 0, w)}" y2="${between(rng, 0, h)}" stroke="${colour(rng)}" stroke-width="${between(rng, 4, 16)}"/>`;
  }
}

export function pictureSvg(rng: Rng): { svg: string; width: number; height: number } {
  const [width, height] = pick(rng, SIZES);
  const angle = between(rng, 0, 359);
  const shapes = Array.from({ length: between(rng, 5, 10) }, () => shape(rng, width, height));
  const text = `<text x="${between(rng, 10, width / 2)}" y="${between(rng, 30, height - 10)}" font-family="sans-serif" font-size="${between(rng, 24, 48)}" fill="${colour(rng)}">${pick(rng, WORDS)} ${between(rng, 1, 99)}</text>`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="g" gradientTransform="rotate(${angle} 0.5 0.5)"><stop offset="0" stop-color="${colour(rng)}"/><stop offset="1" stop-color="${colour(rng)}"/></linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#g)"/>${shapes.join("")}${text}</svg>`;
  return { svg, width, height };
}

/** A PNG of a generated picture. */
export async function picturePng(rng: Rng): Promise<Buffer> {
  const { svg } = pictureSvg(rng);
  return sharp(Buffer.from(svg)).png({ compressionLevel: 1 }).toBuffer();
}
