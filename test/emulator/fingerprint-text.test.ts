import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MediaDecodeError, type Fingerprint } from "../../src/emulator/fingerprint/contract.js";
import { createFingerprintEngine } from "../../src/emulator/fingerprint/engine.js";
import { TextIndex } from "../../src/emulator/fingerprint/text/text-index.js";
import { tokenize } from "../../src/emulator/fingerprint/text/tokens.js";
import type { BenchItem } from "../../bench/fingerprints/model.js";
import { seededRng } from "../../bench/fingerprints/rng.js";
import { segmentError } from "../../bench/fingerprints/score.js";
import { editAndInsert, excerpt, reformat, textCorpus } from "../../bench/fingerprints/text.js";

const engine = createFingerprintEngine({ workers: 1 });
afterAll(() => engine.close());
// The first request starts the worker (and, from sources, its TypeScript loader): seconds on
// a busy machine, so it happens in a hook (60 s budget), not inside a test.
beforeAll(() => fingerprint("warm up"));
const encode = (text: string) => new TextEncoder().encode(text);
const fingerprint = (text: string | Uint8Array) => engine.fingerprint("text", typeof text === "string" ? encode(text) : text);

describe("text normalization", () => {
  it("ignores case, full-width forms, diacritics, punctuation and whitespace", () => {
    const plain = tokenize("hello world cafe 42");
    const styled = tokenize("  ＨＥＬＬＯ，\n\tWorld!!  Café — ４２。");
    expect(styled.hashes).toEqual(plain.hashes);
  });

  it("keeps each token's range in the original text", () => {
    const text = "ＡＢ, cd\u00e9  x";
    const tokens = tokenize(text);
    expect(tokens.starts.map((s, n) => text.slice(s, tokens.ends[n]))).toEqual(["ＡＢ", "cdé", "x"]);
  });

  it("makes every CJK character a token of its own", () => {
    const text = "我们在北京，看见了2024年的雪。";
    const tokens = tokenize(text);
    expect(tokens.starts.map((s, n) => text.slice(s, tokens.ends[n]))).toEqual(["我", "们", "在", "北", "京", "看", "见", "了", "2024", "年", "的", "雪"]);
  });
});

describe("text engine", () => {
  it("rejects bytes that are not text with MediaDecodeError, from the worker", async () => {
    await expect(fingerprint(new Uint8Array([0xc3, 0x28, 0x41]))).rejects.toBeInstanceOf(MediaDecodeError);
    await expect(fingerprint(new Uint8Array([0x41, 0x42, 0, 0, 0x43]))).rejects.toThrow(/binary/);
    await expect(fingerprint(new Uint8Array())).rejects.toThrow(/empty/);
  });

  it("reads UTF-16 with a BOM and reports the length in characters", async () => {
    const text = "Grüße aus Köln";
    const utf16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Buffer.from(text, "utf16le"))]);
    const fp = await fingerprint(utf16);
    expect(fp.summary).toEqual({ kind: "text", length: text.length });
  });

  it("maps segments to characters of the original input and of the stored item", async () => {
    const stored = "Preface. The old captain carried a golden lantern across the narrow bridge while the village slept, and nobody noticed the silent stranger behind the mill. Then the end.";
    const copied = stored.slice(9, 154);
    const input = `ＳＯＭＥ UNRELATED WORDS FIRST!!  ${copied.toUpperCase()}  and a different ending here`;
    const index = new TextIndex();
    index.add("doc", await fingerprint(stored));
    const [match] = index.search(await fingerprint(input), { threshold: 0.5 });
    expect(match.primaryKey).toBe("doc");
    expect(match.segments).toHaveLength(1);
    const [segment] = match.segments;
    expect(input.slice(segment.inputStart, segment.inputEnd)).toBe(copied.toUpperCase());
    expect(stored.slice(segment.matchStart, segment.matchEnd)).toBe(copied);
  });

  it("stores, replaces and removes items by primary key", async () => {
    const index = new TextIndex();
    const a = await fingerprint("the quiet river carried the broken wooden basket toward the southern harbor at dawn");
    const b = await fingerprint("a curious child painted the ancient tower while the merchant measured the silver ribbon");
    index.add("k", a);
    index.add("k", b);
    expect(index.size).toBe(1);
    expect(index.search(a, { threshold: 0.8 })).toEqual([]);
    expect(index.search(b, { threshold: 0.8 })[0]).toMatchObject({ primaryKey: "k", similarity: 1 });
    expect(index.remove("k")).toBe(true);
    expect(index.remove("k")).toBe(false);
    expect([...index.keys()]).toEqual([]);
    expect(index.search(b, { threshold: 0 })).toEqual([]);
  });
});

describe.each(["en", "zh"] as const)("text copies are found (%s corpus)", (language) => {
  const index = new TextIndex();
  let library: BenchItem[] = [];

  beforeAll(async () => {
    library = textCorpus(language, 60, language === "en" ? 11 : 12, "doc-", language === "en" ? [12, 30] : [15, 40]);
    const prints = await Promise.all(library.map((item) => fingerprint(item.bytes)));
    library.forEach((item, n) => index.add(item.key, prints[n]));
  });

  it.each([editAndInsert, excerpt, reformat])("$name: right key on top, segments within 5%", async (transform) => {
    const rng = seededRng(99);
    let found = 0;
    let wrong = 0;
    const errors: number[] = [];
    const queries = library.slice(0, 20);
    for (const item of queries) {
      const copy = await transform.apply(item, rng);
      const matches = index.search(await fingerprint(copy.bytes), { threshold: 0.8 });
      if (matches[0]?.primaryKey === item.key) {
        found++;
        errors.push(segmentError(matches[0].segments, copy.truth!));
      }
      wrong += matches.filter((m) => m.primaryKey !== item.key).length;
    }
    expect(found / queries.length).toBeGreaterThanOrEqual(0.95);
    expect(wrong).toBe(0);
    expect(Math.max(...errors)).toBeLessThanOrEqual(0.05);
  });

  it("matches no unrelated text, and aligns only texts that share hashes", async () => {
    const unrelated = textCorpus(language, 20, 7777, "other-", [12, 30]);
    const before = index.aligned;
    for (const item of unrelated) {
      const fp: Fingerprint = await fingerprint(item.bytes);
      expect(index.search(fp, { threshold: 0.8 })).toEqual([]);
    }
    expect((index.aligned - before) / unrelated.length).toBeLessThan(library.length / 2);
  });
});
