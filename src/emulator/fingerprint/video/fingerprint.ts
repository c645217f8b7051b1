/**
 * Video bytes -> Fingerprint: ffmpeg samples FRAME_RATE frames a second, scaled to
 * SIZE x SIZE grayscale, and each gets a pHash; when the input has an audio stream, a
 * second ffmpeg run on the same temporary file extracts it for the audio engine.
 */
import { fingerprintSamples } from "../audio/fingerprint.js";
import { AUDIO_TRACK_RUN, s16leToFloat } from "../audio/decode.js";
import { runFfmpegOnFile, withInputFile } from "../audio/ffmpeg.js";
import { SAMPLE_RATE } from "../audio/params.js";
import { MediaDecodeError } from "../contract.js";
import type { AudioFingerprintData } from "../audio/data.js";
import type { VideoFingerprint } from "./data.js";
import { DECODE_TIMEOUT_MS, FRAME_RATE, MAX_VIDEO_SECONDS, SIZE, VIDEO_FORMAT_VERSION } from "./params.js";
import { frameHash } from "./phash.js";

export async function fingerprintVideo(bytes: Uint8Array): Promise<VideoFingerprint> {
  return withInputFile(bytes, "video", async (path) => {
    const frameBytes = SIZE * SIZE;
    const { stdout, stderr } = await runFfmpegOnFile(path, {
      kind: "video",
      outputArgs: [
        "-map", "0:v:0", "-an", "-t", String(MAX_VIDEO_SECONDS),
        "-vf", `fps=${FRAME_RATE},scale=${SIZE}:${SIZE}:flags=area,format=gray`,
        "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1",
      ],
      timeoutMs: DECODE_TIMEOUT_MS,
      maxOutputBytes: (MAX_VIDEO_SECONDS + 1) * FRAME_RATE * frameBytes,
    });
    const count = Math.floor(stdout.length / frameBytes);
    if (count === 0) throw new MediaDecodeError("video has no decodable frames", "video");
    const hi: number[] = [];
    const lo: number[] = [];
    const valid: number[] = [];
    for (let i = 0; i < count; i++) {
      const hash = frameHash(stdout.subarray(i * frameBytes, (i + 1) * frameBytes));
      hi.push(hash.hi);
      lo.push(hash.lo);
      valid.push(hash.valid ? 1 : 0);
    }
    const audio = hasAudioStream(stderr) ? await audioTrack(path) : null;
    return {
      summary: { kind: "video", length: containerDuration(stderr, count / FRAME_RATE) },
      data: {
        format: "video-phash",
        version: VIDEO_FORMAT_VERSION,
        frameRate: FRAME_RATE,
        hi,
        lo,
        valid,
        audio: audio?.data ?? null,
        audioLength: audio?.length ?? 0,
      },
    };
  });
}

/**
 * The input's duration as ffmpeg reads it from the container ("Duration: 00:00:05.02"):
 * the sampled frame count says it only to within a frame period. Frames (count / rate) win
 * when the container has no duration or claims much more than was decoded.
 */
function containerDuration(stderr: string, sampled: number): number {
  const found = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  if (!found) return sampled;
  const seconds = Number(found[1]) * 3600 + Number(found[2]) * 60 + Number(found[3]);
  return seconds > 0 && Math.abs(seconds - sampled) <= 2 / FRAME_RATE ? seconds : sampled;
}

/** ffmpeg lists the input's streams on stderr: "Stream #0:1(und): Audio: aac ...". */
function hasAudioStream(stderr: string): boolean {
  return /Stream #0:\d+[^\n]*: Audio:/.test(stderr);
}

/** The audio track's landmarks; null when it is silent or too short (the picture still counts). */
async function audioTrack(path: string): Promise<{ data: AudioFingerprintData; length: number } | null> {
  try {
    const samples = s16leToFloat((await runFfmpegOnFile(path, AUDIO_TRACK_RUN)).stdout);
    const fingerprint = fingerprintSamples(samples);
    return { data: fingerprint.data, length: samples.length / SAMPLE_RATE };
  } catch (error) {
    if (error instanceof MediaDecodeError) return null;
    throw error;
  }
}
