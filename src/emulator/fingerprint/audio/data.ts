/**
 * The audio fingerprint's data: the landmark list in plain arrays (it crosses worker threads
 * and goes into JSON snapshots). Shared by the fingerprinting side and the index side.
 */
import type { Fingerprint } from "../contract.js";
import { AUDIO_FORMAT_VERSION } from "./params.js";

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
