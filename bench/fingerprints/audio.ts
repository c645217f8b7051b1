/**
 * The audio model of the fingerprint bench: 30 s synthesized items (melody, chirps, rhythm,
 * mixture), and 5 s excerpts as copies: plain, -6 dB, MP3 128k, white noise at 20 dB SNR.
 * Truth: the excerpt (0..5 s of the copy) is item time start..start+5.
 */
import type { BenchItem, BenchModel, BenchTransform, Rng } from "./model.js";
import { addNoise, encodeWav, excerpt, gain, synthesizeAudio } from "./synth/audio.js";
import { wavToMp3 } from "./synth/encode.js";

const ITEM_SECONDS = 30;
const COPY_SECONDS = 5;

function excerptTransform(name: string, shape: (samples: Float32Array, rng: Rng) => Promise<Uint8Array>): BenchTransform {
  return {
    name,
    async apply(item: BenchItem, rng: Rng) {
      const samples = item.source as Float32Array;
      // Any sample, not a frame boundary: the copy's analysis grid must not line up by luck.
      const start = Math.round(rng() * (ITEM_SECONDS - COPY_SECONDS - 0.5) * 1000) / 1000;
      const bytes = await shape(excerpt(samples, start, COPY_SECONDS), rng);
      return { bytes, truth: [{ inputStart: 0, inputEnd: COPY_SECONDS, matchStart: start, matchEnd: start + COPY_SECONDS }] };
    },
  };
}

export const audioModel: BenchModel = {
  name: "audio",
  kind: "audio",
  unit: "seconds",
  librarySize: 100,
  async corpus(count, seed, prefix) {
    const items: BenchItem[] = [];
    for (let i = 0; i < count; i++) {
      const samples = synthesizeAudio(seed * 100_003 + i, ITEM_SECONDS);
      items.push({ key: `${prefix}${i}`, bytes: encodeWav(samples), length: ITEM_SECONDS, source: samples });
    }
    return items;
  },
  transforms: [
    excerptTransform("excerpt 5 s", async (s) => encodeWav(s)),
    excerptTransform("excerpt -6 dB", async (s) => encodeWav(gain(s, -6))),
    excerptTransform("excerpt mp3 128k", async (s) => wavToMp3(encodeWav(s), "128k")),
    excerptTransform("excerpt noise 20 dB", async (s, rng) => encodeWav(addNoise(s, 20, Math.floor(rng() * 2 ** 31)))),
  ],
};

export const models: BenchModel[] = [audioModel];
