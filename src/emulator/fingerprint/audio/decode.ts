/**
 * Bytes -> mono PCM at the analysis rate. WAV with integer PCM or float samples is read
 * natively (no process spawned); everything else (MP3, AAC, Ogg, FLAC, the audio track of a
 * video, WAV with a compressed codec) goes through ffmpeg, which mixes down and resamples.
 */
import { MediaDecodeError } from "../contract.js";
import { type FfmpegRun, runFfmpeg } from "./ffmpeg.js";
import { DECODE_TIMEOUT_MS, MAX_AUDIO_SECONDS, SAMPLE_RATE } from "./params.js";
import { resample } from "./resample.js";
import { readWav } from "./wav.js";

export async function decodeAudio(bytes: Uint8Array): Promise<Float32Array> {
  const wav = readWav(bytes);
  if (wav) {
    if (wav.samples.length / wav.sampleRate > MAX_AUDIO_SECONDS) {
      throw new MediaDecodeError(`audio is longer than ${MAX_AUDIO_SECONDS} s`, "audio");
    }
    return resample(wav.samples, wav.sampleRate, SAMPLE_RATE);
  }
  return decodeWithFfmpeg(bytes);
}

/** ffmpeg's decode of the first audio stream as s16le mono at SAMPLE_RATE. */
export async function decodeWithFfmpeg(bytes: Uint8Array): Promise<Float32Array> {
  return s16leToFloat((await runFfmpeg(bytes, AUDIO_TRACK_RUN)).stdout);
}

/** The ffmpeg run that extracts the analysis PCM (the video engine runs it on its input file too). */
export const AUDIO_TRACK_RUN: FfmpegRun = {
  kind: "audio",
  outputArgs: ["-map", "0:a:0", "-t", String(MAX_AUDIO_SECONDS), "-ac", "1", "-ar", String(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"],
  timeoutMs: DECODE_TIMEOUT_MS,
  maxOutputBytes: (MAX_AUDIO_SECONDS + 1) * SAMPLE_RATE * 2,
};

export function s16leToFloat(pcm: Buffer): Float32Array {
  const count = Math.floor(pcm.length / 2);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = pcm.readInt16LE(i * 2) / 32768;
  return out;
}
