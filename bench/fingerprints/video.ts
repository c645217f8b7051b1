/**
 * The video models of the fingerprint bench: 12 s lavfi videos (life under four rule sets,
 * cellauto, testsrc2 crops) with a synthesized sound track ("video"), and silent ones judged by
 * their pictures alone ("video-silent"). Copies: 5 s excerpts, re-encoded at crf 23, at
 * 48 kbit/s, and resized to 96x72. Truth: 0..length of the copy is item start..start+length.
 */
import type { BenchItem, BenchModel, BenchTransform, Rng } from "./model.js";
import { synthesizeVideo, transformVideo } from "./synth/video.js";

const ITEM_SECONDS = 12;
const COPY_SECONDS = 5;

function excerptTransform(name: string, options: { bitrate?: string; scale?: string }): BenchTransform {
  return {
    name,
    async apply(item: BenchItem, rng: Rng) {
      const start = Math.round(rng() * (ITEM_SECONDS - COPY_SECONDS - 0.5) * 100) / 100;
      const bytes = await transformVideo(item.bytes, { startSeconds: start, seconds: COPY_SECONDS, ...options });
      return { bytes, truth: [{ inputStart: 0, inputEnd: COPY_SECONDS, matchStart: start, matchEnd: start + COPY_SECONDS }] };
    },
  };
}

function videoModel(name: string, silent: boolean, librarySize: number): BenchModel {
  return {
    name,
    kind: "video",
    unit: "seconds",
    librarySize,
    async corpus(count, seed, prefix) {
      const items: BenchItem[] = [];
      for (let i = 0; i < count; i++) {
        items.push({ key: `${prefix}${i}`, bytes: await synthesizeVideo(seed * 1000 + i, ITEM_SECONDS, silent), length: ITEM_SECONDS });
      }
      return items;
    },
    transforms: [
      excerptTransform("excerpt 5 s", {}),
      excerptTransform("excerpt 48 kbit/s", { bitrate: "48k" }),
      excerptTransform("excerpt 96x72", { scale: "96:72" }),
    ],
  };
}

export const models: BenchModel[] = [videoModel("video", false, 40), videoModel("video-silent", true, 30)];
