/**
 * Audio bytes -> Fingerprint. The data is the landmark list in plain arrays (it crosses
 * worker threads and goes into JSON snapshots).
 */
import { MediaDecodeError } from "../contract.js";
import type { AudioFingerprint } from "./data.js";
import { decodeAudio } from "./decode.js";
import { findPeaks, pairPeaks } from "./landmarks.js";
import { AUDIO_FORMAT_VERSION, FRAME_SECONDS, SAMPLE_RATE } from "./params.js";
import { spectrogram } from "./spectrogram.js";

/** Shortest input worth fingerprinting: one analysis window. */
const MIN_SECONDS = 0.25;

export async function fingerprintAudio(bytes: Uint8Array): Promise<AudioFingerprint> {
  return fingerprintSamples(await decodeAudio(bytes));
}

/** Fingerprint of mono PCM already at SAMPLE_RATE (the video engine's audio track comes this way). */
export function fingerprintSamples(samples: Float32Array): AudioFingerprint {
  const seconds = samples.length / SAMPLE_RATE;
  if (seconds < MIN_SECONDS) {
    throw new MediaDecodeError(`audio is too short to fingerprint: ${seconds.toFixed(3)} s (at least ${MIN_SECONDS} s)`, "audio");
  }
  const landmarks = pairPeaks(findPeaks(spectrogram(samples)));
  return {
    summary: { kind: "audio", length: seconds },
    data: { format: "audio-landmarks", version: AUDIO_FORMAT_VERSION, frameSeconds: FRAME_SECONDS, ...landmarks },
  };
}
