/**
 * When the watcher first looks at a new job. Neither service documents job durations, and the
 * media's length is unknown at submit, so the first look waits what a typical job of the
 * model takes (images and text are one short step; audio and video are analysed over their
 * length); the watcher schedules the later looks.
 */
import type { FingerprintModel } from "../domain/model.js";

export const EXPECTED_JOB_MS: Readonly<Record<FingerprintModel, number>> = {
  IMAGE: 1_000,
  TEXT: 1_000,
  AUDIO: 3_000,
  VIDEO: 5_000,
};

export function firstCheckAt(model: FingerprintModel, now = Date.now()): Date {
  return new Date(now + EXPECTED_JOB_MS[model]);
}
