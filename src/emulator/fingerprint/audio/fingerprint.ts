/**
 * Audio bytes -> Fingerprint. The data is the landmark list in plain arrays (it crosses
 * worker threads and goes into JSON snapshots).
 */
import { MediaDecodeError, type Fingerprint } from "../contract.js";
import { decodeAudio } from "./decode.js";
import { findPeaks, pairPeaks } from "./landmarks.js";
import { AUDIO_FORMAT_VERSION, FRAME_SECONDS, SAMPLE_RATE } from "./params.js";
import { spectrogram } from "./spectrogram.js";

export interface AudioFingerprintData {
  format: "audio-landmarks";
  version: number;
  /** Seconds per frame: `frames` and `dts` count these. */
  frameSeconds: number;
  hashes: number[];
  /** Anchor frame of each hash, ascending. */
  frames: number[];
  /** Frames from anchor to target of each hash. */
  dts: number[];
}

export interface AudioFingerprint extends Fingerprint {
  data: AudioFingerprintData;
}

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

export function isAudioFingerprintData(data: unknown): data is AudioFingerprintData {
  const d = data as AudioFingerprintData | undefined;
  return (
    typeof d === "object" &&
    d !== null &&
    d.format === "audio-landmarks" &&
    d.version === AUDIO_FORMAT_VERSION &&
    Array.isArray(d.hashes) &&
    Array.isArray(d.frames) &&
    Array.isArray(d.dts) &&
    d.hashes.length === d.frames.length &&
    d.hashes.length === d.dts.length
  );
}
