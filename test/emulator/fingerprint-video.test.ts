/**
 * The video fingerprint engine on lavfi-generated videos with synthesized sound: excerpts,
 * low-bitrate re-encodes and resized copies are found under the right key with segments
 * within 0.5 s (frames are sampled every 0.25 s); pictures alone suffice for silent videos;
 * unrelated videos are not matched; undecodable bytes reject with MediaDecodeError.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MediaDecodeError } from "../../src/emulator/fingerprint/contract.js";
import { fingerprintVideo } from "../../src/emulator/fingerprint/video/fingerprint.js";
import { VideoLibraryIndex } from "../../src/emulator/fingerprint/video/library-index.js";
import { synthesizeVideo, transformVideo, type VideoTransform } from "../../bench/fingerprints/synth/video.js";
import { encodeWav, synthesizeAudio } from "../../bench/fingerprints/synth/audio.js";

const SECONDS = 8;
const THRESHOLD = 0.8;
const SOUNDING = [0, 1, 2, 3];
const SILENT = [10, 11, 12];

describe("video fingerprint engine", () => {
  const originals = new Map<string, Uint8Array>();
  const index = new VideoLibraryIndex();

  beforeAll(async () => {
    for (const seed of SOUNDING) originals.set(`v-${seed}`, await synthesizeVideo(seed, SECONDS));
    for (const seed of SILENT) originals.set(`s-${seed}`, await synthesizeVideo(seed, SECONDS, true));
    for (const [key, bytes] of originals) index.add(key, await fingerprintVideo(bytes));
  }, 60_000);

  async function expectFound(key: string, transform: VideoTransform): Promise<void> {
    const copy = await fingerprintVideo(await transformVideo(originals.get(key)!, transform));
    const [best, ...others] = index.search(copy, { threshold: THRESHOLD });
    expect(best?.primaryKey, key).toBe(key);
    expect(best.similarity).toBeGreaterThanOrEqual(THRESHOLD);
    expect(others.map((m) => m.primaryKey)).toEqual([]);
    const segment = best.segments[0];
    const copyLength = Math.min(transform.seconds, SECONDS - transform.startSeconds);
    expect(Math.abs(segment.inputStart)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(segment.inputEnd - copyLength)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(segment.matchStart - transform.startSeconds)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(segment.matchEnd - (transform.startSeconds + copyLength))).toBeLessThanOrEqual(0.5);
  }

  it("finds 4 s excerpts of sounding videos", async () => {
    for (const seed of SOUNDING) await expectFound(`v-${seed}`, { startSeconds: 2.3, seconds: 4 });
  });

  it("finds low-bitrate (48 kbit/s) and resized (96x72) copies", async () => {
    for (const seed of [0, 3]) await expectFound(`v-${seed}`, { startSeconds: 3.1, seconds: 4, bitrate: "48k" });
    for (const seed of [1, 2]) await expectFound(`v-${seed}`, { startSeconds: 1.2, seconds: 4, scale: "96:72" });
  });

  it("finds silent copies by their pictures alone", async () => {
    for (const seed of SILENT) await expectFound(`s-${seed}`, { startSeconds: 2.6, seconds: 4, bitrate: "64k" });
  });

  it("matches nothing for unrelated videos, and an identical copy scores 1", async () => {
    for (const seed of [20, 21, 22]) {
      const unrelated = await fingerprintVideo(await synthesizeVideo(seed, 5, seed === 22));
      expect(index.search(unrelated, { threshold: THRESHOLD }), `unrelated ${seed}`).toEqual([]);
    }
    const same = index.search(await fingerprintVideo(originals.get("v-1")!), { threshold: THRESHOLD });
    expect(same.map((m) => [m.primaryKey, m.similarity])).toEqual([["v-1", 1]]);
  });

  it("forgets removed items", async () => {
    const scratch = new VideoLibraryIndex();
    const fingerprint = await fingerprintVideo(originals.get("v-2")!);
    scratch.add("a", fingerprint);
    expect(scratch.search(fingerprint, { threshold: THRESHOLD })).toHaveLength(1);
    expect(scratch.remove("a")).toBe(true);
    expect(scratch.has("a")).toBe(false);
    expect(scratch.search(fingerprint, { threshold: 0 })).toEqual([]);
  });

  it("rejects bytes that are not video with MediaDecodeError saying why", async () => {
    await expect(fingerprintVideo(new TextEncoder().encode("not a video"))).rejects.toThrow(MediaDecodeError);
    await expect(fingerprintVideo(new TextEncoder().encode("not a video"))).rejects.toThrow(/video not decodable: .*Invalid data/);
    const wav = encodeWav(synthesizeAudio(1, 2));
    await expect(fingerprintVideo(wav)).rejects.toThrow(/video not decodable/);
    await expect(fingerprintVideo(new Uint8Array())).rejects.toThrow(/empty video object/);
  });
});
