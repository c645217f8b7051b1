/**
 * The audio fingerprint engine on synthesized audio: copies (excerpt, -6 dB, MP3 128k,
 * noise at 20 dB SNR) are found under the right key with segments within 0.5 s of the
 * truth; unrelated recordings are not; undecodable bytes reject with MediaDecodeError.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MediaDecodeError } from "../../src/emulator/fingerprint/contract.js";
import { createFingerprintEngine } from "../../src/emulator/fingerprint/engine.js";
import { fingerprintAudio } from "../../src/emulator/fingerprint/audio/fingerprint.js";
import { AudioLibraryIndex } from "../../src/emulator/fingerprint/audio/library-index.js";
import { addNoise, encodeWav, excerpt, gain, synthesizeAudio } from "../../bench/fingerprints/synth/audio.js";
import { wavToMp3 } from "../../bench/fingerprints/synth/encode.js";

const ITEMS = 5;
const SECONDS = 20;
const THRESHOLD = 0.8;

describe("audio fingerprint engine", () => {
  const originals: Float32Array[] = [];
  const index = new AudioLibraryIndex();

  beforeAll(async () => {
    for (let seed = 0; seed < ITEMS; seed++) {
      originals.push(synthesizeAudio(seed, SECONDS));
      index.add(`item-${seed}`, await fingerprintAudio(encodeWav(originals[seed])));
    }
  }, 60_000);

  const transforms: [string, number, (samples: Float32Array, seed: number) => Promise<Uint8Array>][] = [
    ["5 s excerpt", 6.3, async (s) => encodeWav(s)],
    ["-6 dB", 2.1, async (s) => encodeWav(gain(s, -6))],
    ["MP3 128k", 11.77, async (s) => wavToMp3(encodeWav(s))],
    ["noise at 20 dB SNR", 13.05, async (s, seed) => encodeWav(addNoise(s, 20, seed))],
  ];

  for (const [name, start, transform] of transforms) {
    it(`finds every ${name} copy under its key, with the segment within 0.5 s`, async () => {
      for (let seed = 0; seed < ITEMS; seed++) {
        const copy = await transform(excerpt(originals[seed], start, 5), seed);
        const [best, ...others] = index.search(await fingerprintAudio(copy), { threshold: THRESHOLD });
        expect(best?.primaryKey, `item ${seed}`).toBe(`item-${seed}`);
        expect(best.similarity).toBeGreaterThanOrEqual(THRESHOLD);
        expect(others).toEqual([]);
        const segment = best.segments[0];
        expect(Math.abs(segment.inputStart - 0)).toBeLessThanOrEqual(0.5);
        expect(Math.abs(segment.inputEnd - 5)).toBeLessThanOrEqual(0.5);
        expect(Math.abs(segment.matchStart - start)).toBeLessThanOrEqual(0.5);
        expect(Math.abs(segment.matchEnd - (start + 5))).toBeLessThanOrEqual(0.5);
      }
    });
  }

  it("scores an identical copy 1 and matches nothing for unrelated audio", async () => {
    const same = index.search(await fingerprintAudio(encodeWav(originals[0])), { threshold: THRESHOLD });
    expect(same.map((m) => [m.primaryKey, m.similarity])).toEqual([["item-0", 1]]);
    for (let seed = 100; seed < 104; seed++) {
      const unrelated = await fingerprintAudio(encodeWav(excerpt(synthesizeAudio(seed, 8), 1, 5)));
      expect(index.search(unrelated, { threshold: THRESHOLD }), `unrelated ${seed}`).toEqual([]);
    }
  });

  it("reads 24-bit, 32-bit and float stereo WAV like 16-bit mono", async () => {
    const clip = excerpt(originals[1], 4, 5);
    for (const encoding of ["s24", "s32", "f32"] as const) {
      const wav = encodeWav(clip, undefined, encoding, 2);
      const [best] = index.search(await fingerprintAudio(wav), { threshold: THRESHOLD });
      expect(best?.primaryKey, encoding).toBe("item-1");
    }
  });

  it("forgets removed items and replaces re-added ones", async () => {
    const scratch = new AudioLibraryIndex();
    const fingerprint = await fingerprintAudio(encodeWav(originals[2]));
    scratch.add("a", fingerprint);
    scratch.add("a", fingerprint);
    expect(scratch.size).toBe(1);
    expect(scratch.postingCount).toBe(fingerprint.data.hashes.length);
    expect(scratch.remove("a")).toBe(true);
    expect(scratch.remove("a")).toBe(false);
    expect(scratch.postingCount).toBe(0);
    expect(scratch.search(fingerprint, { threshold: 0 })).toEqual([]);
  });

  it("rejects bytes that are not audio with MediaDecodeError saying why", async () => {
    await expect(fingerprintAudio(new TextEncoder().encode("this is not audio at all"))).rejects.toThrow(MediaDecodeError);
    await expect(fingerprintAudio(new TextEncoder().encode("this is not audio at all"))).rejects.toThrow(/audio not decodable: .*Invalid data/);
    await expect(fingerprintAudio(new Uint8Array())).rejects.toThrow(/empty audio object/);
    const truncated = encodeWav(new Float32Array(10)).slice(0, 30);
    await expect(fingerprintAudio(truncated)).rejects.toThrow(/WAV fmt chunk is shorter|no data chunk|no fmt chunk/);
    await expect(fingerprintAudio(encodeWav(new Float32Array(100)))).rejects.toThrow(/too short to fingerprint/);
  });

  it("fingerprints through the engine's worker thread", async () => {
    const engine = createFingerprintEngine({ workers: 1 });
    try {
      const mp3 = await wavToMp3(encodeWav(excerpt(originals[3], 1, 5)));
      const fingerprint = await engine.fingerprint("audio", mp3);
      expect(fingerprint.summary.kind).toBe("audio");
      expect(fingerprint.summary.length).toBeCloseTo(5, 0);
      expect(index.search(fingerprint, { threshold: THRESHOLD })[0]?.primaryKey).toBe("item-3");
      await expect(engine.fingerprint("audio", new Uint8Array([1, 2, 3]))).rejects.toBeInstanceOf(MediaDecodeError);
      expect(engine.createIndex("audio")).toBeInstanceOf(AudioLibraryIndex);
    } finally {
      await engine.close();
    }
  });
});

