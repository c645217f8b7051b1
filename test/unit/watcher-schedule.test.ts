import pino from "pino";
import { describe, expect, it } from "vitest";
import { ActivationWatcher } from "../../src/services/activation-watcher.js";

// Only the scheduling arithmetic is exercised here; rounds run against real stores in test/events.
const watcher = new ActivationWatcher(
  undefined as never,
  undefined as never,
  undefined as never,
  { tickMs: 500, minIntervalMs: 1_000, maxIntervalMs: 60_000, batchSize: 500, leaseTtlMs: 15_000 },
  pino({ level: "silent" }),
);
const within = (value: number, expected: number) => {
  expect(value).toBeGreaterThanOrEqual(Math.floor(expected * 0.9));
  expect(value).toBeLessThanOrEqual(Math.ceil(expected * 1.1));
};

describe("watcher schedule", () => {
  it("reads a new library every second and a quiet one a quarter of its quiet time, up to the ceiling", () => {
    within(watcher.intervalFor(0), 1_000);
    within(watcher.intervalFor(3_000), 1_000);
    within(watcher.intervalFor(20_000), 5_000);
    within(watcher.intervalFor(200_000), 50_000);
    within(watcher.intervalFor(3_600_000), 60_000);
  });

  it("doubles the wait after each consecutive failure, up to the ceiling", () => {
    within(watcher.failureInterval(1), 2_000);
    within(watcher.failureInterval(3), 8_000);
    within(watcher.failureInterval(20), 60_000);
  });
});
