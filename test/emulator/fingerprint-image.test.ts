import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaDecodeError } from "../../src/emulator/fingerprint/contract.js";
import { createFingerprintEngine } from "../../src/emulator/fingerprint/engine.js";
import { ImageIndex } from "../../src/emulator/fingerprint/image/image-index.js";
import { brightness, crop10, halfSize, imageCorpus, jpeg60 } from "../../bench/fingerprints/image.js";
import type { BenchItem } from "../../bench/fingerprints/model.js";
import { seededRng } from "../../bench/fingerprints/rng.js";

const engine = createFingerprintEngine({ workers: 1 });
afterAll(() => engine.close());
// The first request starts the worker (and, from sources, its TypeScript loader and sharp):
// seconds on a busy machine, so it happens in a hook (60 s budget), not inside a test.
beforeAll(async () => {
  const [warm] = await imageCorpus(1, 1, "warm-");
  await fingerprint(warm.bytes);
});
const fingerprint = (bytes: Uint8Array) => engine.fingerprint("image", bytes);

describe("image engine", () => {
  it("rejects bytes that are not a supported image with MediaDecodeError, from the worker", async () => {
    await expect(fingerprint(new TextEncoder().encode("not a picture"))).rejects.toBeInstanceOf(MediaDecodeError);
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>');
    await expect(fingerprint(svg)).rejects.toThrow(/svg format are not fingerprinted/);
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#336699" } }).png().toBuffer();
    await expect(fingerprint(png.subarray(0, png.length - 30))).rejects.toBeInstanceOf(MediaDecodeError);
  });

  it("decodes PNG, JPEG and WebP of the same picture to nearly the same fingerprint", async () => {
    const [item] = await imageCorpus(1, 3, "p");
    const index = new ImageIndex();
    index.add("png", await fingerprint(item.bytes));
    for (const format of ["jpeg", "webp"] as const) {
      const bytes = await sharp(item.bytes).toFormat(format, { quality: 90 }).toBuffer();
      const fp = await fingerprint(bytes);
      expect(fp.summary).toEqual({ kind: "image", length: 0 });
      expect(index.search(fp, { threshold: 0.8 })[0]).toMatchObject({ primaryKey: "png", segments: [] });
    }
  });

  it("stores, replaces and removes items by primary key", async () => {
    const [a, b] = await imageCorpus(2, 4, "r");
    const index = new ImageIndex();
    const fa = await fingerprint(a.bytes);
    const fb = await fingerprint(b.bytes);
    index.add("k", fa);
    index.add("k", fb);
    expect(index.size).toBe(1);
    expect(index.search(fa, { threshold: 0.8 })).toEqual([]);
    expect(index.search(fb, { threshold: 0.8 })[0]).toMatchObject({ primaryKey: "k", similarity: 1 });
    expect(index.remove("k")).toBe(true);
    expect(index.has("k")).toBe(false);
    expect(index.search(fb, { threshold: 0 })).toEqual([]);
  });
});

describe("image copies are found", () => {
  const index = new ImageIndex();
  let library: BenchItem[] = [];

  beforeAll(async () => {
    library = await imageCorpus(40, 21, "pic-");
    for (const item of library) index.add(item.key, await fingerprint(item.bytes));
  });

  it.each([halfSize, jpeg60, brightness, crop10])("$name: right key on top, nothing else above 0.8", async (transform) => {
    const rng = seededRng(5);
    let found = 0;
    let wrong = 0;
    const queries = library.slice(0, 12);
    for (const item of queries) {
      const copy = await transform.apply(item, rng);
      const matches = index.search(await fingerprint(copy.bytes), { threshold: 0.8 });
      if (matches[0]?.primaryKey === item.key) found++;
      wrong += matches.filter((m) => m.primaryKey !== item.key).length;
    }
    expect(found / queries.length).toBeGreaterThanOrEqual(0.95);
    expect(wrong).toBe(0);
  });

  it("matches no unrelated picture, and verifies only hash neighbours", async () => {
    const unrelated = await imageCorpus(15, 8888, "other-");
    const before = index.verified;
    for (const item of unrelated) expect(index.search(await fingerprint(item.bytes), { threshold: 0.8 })).toEqual([]);
    expect((index.verified - before) / unrelated.length).toBeLessThan(library.length / 4);
  });
});
