/**
 * The video fingerprint's data: per sampled frame a 64-bit pHash (two unsigned halves) and
 * a flag for flat frames, plus the audio track's landmarks when the video has sound.
 */
import type { Fingerprint } from "../contract.js";
import { type AudioFingerprintData, isAudioFingerprintData } from "../audio/data.js";
import { VIDEO_FORMAT_VERSION } from "./params.js";

export interface VideoFingerprintData {
  format: "video-phash";
  version: number;
  /** Sampled frames per second: frame i shows time i / frameRate. */
  frameRate: number;
  hi: number[];
  lo: number[];
  /** 1 for a frame with a usable hash, 0 for a flat one. */
  valid: number[];
  /** The audio track's fingerprint; null when the video has no audio stream. */
  audio: AudioFingerprintData | null;
  /** Seconds of the audio track (its own length; may differ from the picture's). */
  audioLength: number;
}

export interface VideoFingerprint extends Fingerprint {
  data: VideoFingerprintData;
}

export function isVideoFingerprintData(data: unknown): data is VideoFingerprintData {
  const d = data as VideoFingerprintData | undefined;
  return (
    typeof d === "object" &&
    d !== null &&
    d.format === "video-phash" &&
    d.version === VIDEO_FORMAT_VERSION &&
    Array.isArray(d.hi) &&
    Array.isArray(d.lo) &&
    Array.isArray(d.valid) &&
    d.hi.length === d.lo.length &&
    d.hi.length === d.valid.length &&
    (d.audio === null || isAudioFingerprintData(d.audio))
  );
}
