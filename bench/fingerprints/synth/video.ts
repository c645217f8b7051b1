/**
 * Generated videos for the video engine's tests and bench: ffmpeg's lavfi sources (life,
 * cellauto, testsrc2, all in the 2018 build that @ffmpeg-installer ships) with
 * parameters drawn from the seed, a synthesized audio track, H.264 + AAC in MP4. And the
 * transforms a copy goes through: excerpt, low-bitrate re-encode, resize.
 */
import { randomUUID } from "node:crypto";
import { readFile, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Random } from "../../lib/seeded-random.js";
import { encodeWav, synthesizeAudio } from "./audio.js";
import { ffmpeg } from "./encode.js";

export const VIDEO_SIZE = "160x120";
export const VIDEO_FPS = 15;

/**
 * A lavfi source expression, different for every seed: cellular automata (life under four
 * rule sets, elementary cellauto) evolve from a seeded random start, so no two seeds look
 * alike. testsrc2 loops its motion, so its pictures alone cannot say where in the item a
 * copy starts: picture-only (silent) corpora use the other three families. (mandelbrot is
 * not used: zooms to nearby points look alike, and distinct boundary points are few.)
 */
export function videoSource(seed: number, seconds: number, families = 4): string {
  const random = new Random(seed * 104729 + 3);
  const family = seed % families;
  const d = `d=${seconds}`;
  switch (family) {
    case 0:
      return `life=s=${VIDEO_SIZE}:rate=${VIDEO_FPS}:seed=${seed + 1}:ratio=${(0.1 + random.next() * 0.3).toFixed(2)}:mold=${random.int(0, 40)}:life_color=#${hex(random)}:death_color=#${hex(random)},trim=duration=${seconds}`;
    case 1:
      return `cellauto=s=${VIDEO_SIZE}:rate=${VIDEO_FPS}:rule=${random.pick(CELLAUTO_RULES)}:seed=${seed + 1}:random_fill_ratio=${(0.3 + random.next() * 0.4).toFixed(2)},trim=duration=${seconds}`;
    case 2:
      // Life under other rules (HighLife, Day & Night, Move): other dynamics, white on black.
      return `life=s=${VIDEO_SIZE}:rate=${VIDEO_FPS}:seed=${seed + 1}:ratio=${(0.2 + random.next() * 0.3).toFixed(2)}:rule=${random.pick(LIFE_RULES)}:mold=${random.int(0, 20)},trim=duration=${seconds}`;
    default:
      // testsrc2 is one pattern: crop a seed-dependent window of a larger render, rotate, tint.
      return `testsrc2=s=640x480:rate=${VIDEO_FPS}:${d},crop=${random.int(160, 320)}:${random.int(120, 240)}:${random.int(0, 300)}:${random.int(0, 220)},rotate=${(random.next() * 6.28).toFixed(2)},scale=${VIDEO_SIZE.replace("x", ":")},hue=h=${random.int(0, 359)}`;
  }
}

/**
 * Chaotic and complex elementary rules only: additive rules (60, 90, 105, 150, ...) on a
 * finite row repeat themselves within seconds, and class-2 rules settle into stripes; their
 * pictures cannot say where a copy starts. Not 54 either: its fine grain has almost no
 * low-frequency structure at 32x32, so a re-encoded copy's hashes drift (2 of 30 missed).
 */
const CELLAUTO_RULES = [18, 22, 30, 45, 86, 110, 126, 135, 149];

/**
 * Not B34/S34: it renews nearly every cell each generation (15 a second), so a copy sampled
 * a fraction of a frame later shows other pictures: no picture method could match it.
 */
const LIFE_RULES = ["B36/S23", "B3678/S34678", "B368/S245"];

function hex(random: Random): string {
  return random.int(0, 0xffffff).toString(16).padStart(6, "0");
}

/** One MP4 of `seconds` with a picture from `videoSource(seed)` and (unless `silent`) a synthesized sound track. */
export async function synthesizeVideo(seed: number, seconds: number, silent = false): Promise<Uint8Array> {
  const audioArgs = silent ? [] : ["-f", "wav", "-i", "pipe:0"];
  const wav = silent ? undefined : encodeWav(synthesizeAudio(seed + 500, seconds));
  return toMp4(["-f", "lavfi", "-i", videoSource(seed, seconds, silent ? 3 : 4), ...audioArgs, "-t", String(seconds)], ["-crf", "23"], wav);
}

/** Writes an MP4 through a temporary file (MP4 needs a seekable output). */
async function toMp4(inputArgs: string[], videoArgs: string[], stdin?: Uint8Array): Promise<Uint8Array> {
  const out = join(tmpdir(), `fp-synth-${randomUUID()}.mp4`);
  try {
    await ffmpeg(
      ["-y", ...inputArgs, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", ...videoArgs, "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", out],
      stdin,
    );
    return new Uint8Array(await readFile(out));
  } finally {
    await unlink(out).catch(() => undefined);
  }
}

export interface VideoTransform {
  startSeconds: number;
  seconds: number;
  /** e.g. "64k"; default: crf 23. */
  bitrate?: string;
  /** "W:H"; default: unchanged. */
  scale?: string;
}

/** An excerpt of `bytes`, re-encoded (optionally at a bitrate and a size). */
export async function transformVideo(bytes: Uint8Array, t: VideoTransform): Promise<Uint8Array> {
  const input = join(tmpdir(), `fp-synth-${randomUUID()}.mp4`);
  const { writeFile } = await import("node:fs/promises");
  await writeFile(input, bytes);
  try {
    const filters = t.scale ? ["-vf", `scale=${t.scale}`] : [];
    const rate = t.bitrate ? ["-b:v", t.bitrate, "-maxrate", t.bitrate, "-bufsize", t.bitrate] : ["-crf", "23"];
    return await toMp4(["-ss", String(t.startSeconds), "-i", input, "-t", String(t.seconds)], [...filters, ...rate]);
  } finally {
    await unlink(input).catch(() => undefined);
  }
}
