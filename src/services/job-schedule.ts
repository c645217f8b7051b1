/**
 * When the watcher first reads a job the submit just recorded. The job watcher learns how
 * long jobs take per backend and model (job-check-schedule.ts); the gateway hands its
 * schedule to this holder once the watcher exists, so a new job is first read when jobs like
 * it usually finish. Before that (or where nothing is wired, as in a bare service set), a
 * fixed guess per model: images and text are one short step, audio and video are analysed
 * over their length, which is unknown at submit.
 */
import type { FingerprintJob } from "../domain/job.js";
import type { FingerprintModel } from "../domain/model.js";

export const EXPECTED_JOB_MS: Readonly<Record<FingerprintModel, number>> = {
  IMAGE: 1_000,
  TEXT: 1_000,
  AUDIO: 3_000,
  VIDEO: 5_000,
};

type Scheduled = Pick<FingerprintJob, "backend" | "model" | "createdAt">;

export class FirstJobCheck {
  private schedule: ((job: Scheduled, now: Date) => Date) | null = null;

  /** The job watcher's learned schedule (JobCheckSchedule.nextCheckAt). */
  use(schedule: (job: Scheduled, now: Date) => Date): void {
    this.schedule = schedule;
  }

  at(job: Scheduled, now = new Date()): Date {
    return this.schedule ? this.schedule(job, now) : new Date(now.getTime() + EXPECTED_JOB_MS[job.model]);
  }
}
