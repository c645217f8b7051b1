/**
 * The start-up reconcile: one reconcile run in the background after the gateway has
 * started, bounded in time, that never fails start-up and never throws. Only one instance
 * runs it at a time (a lease in the database), so a fleet restarting together reconciles
 * once, not once per instance.
 *
 *   const startupReconcile = reconcileAtStartup(services, log, { listingKey });
 *   cleanup.push(() => startupReconcile.stop());
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Services } from "../services/index.js";
import { needsAttention, reconcile, type ReconcileOptions, type ReconcileReport } from "./reconciler.js";

export const STARTUP_RECONCILE_LEASE = "reconcile-startup";

export interface StartupReconcileOptions extends Partial<Omit<ReconcileOptions, "signal" | "log" | "deadlineMs">> {
  /** Upper bound of the whole run (default 60 s); `done` resolves by then whatever the backends do. */
  timeoutMs?: number;
  /** Wait this long before starting, so the first requests are not competing with it (default 0). */
  delayMs?: number;
}

export interface StartupReconcile {
  /** The report; null when it did not run (another instance held the lease, stopped, failed or timed out). */
  done: Promise<ReconcileReport | null>;
  /** Stops at the next step and waits (bounded) for the run to end; for shutdown. */
  stop(): Promise<void>;
}

export function reconcileAtStartup(services: Services, log: Logger, options: StartupReconcileOptions = {}): StartupReconcile {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const abort = new AbortController();
  const holder = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  let timer: NodeJS.Timeout | undefined;

  const run = async (): Promise<ReconcileReport | null> => {
    if (options.delayMs) await sleep(options.delayMs, abort.signal);
    if (abort.signal.aborted) return null;
    // The lease outlives the run's bound, so a second instance never starts while one runs.
    if (!(await services.store.leases.acquire(STARTUP_RECONCILE_LEASE, holder, timeoutMs + 30_000))) {
      log.info("start-up reconcile skipped: another instance is running it");
      return null;
    }
    try {
      const report = await reconcile(services, {
        regions: options.regions ?? services.settings.regions.allowedRegions,
        intentStaleMs: options.intentStaleMs ?? services.settings.createIntentStaleMs,
        pageSize: options.pageSize,
        orphans: options.orphans,
        listingKey: options.listingKey,
        // Leave a margin for the step in flight when the deadline passes.
        deadlineMs: Math.max(0, timeoutMs - Math.min(10_000, timeoutMs / 4)),
        signal: abort.signal,
        log,
      });
      const summary = summarize(report);
      if (needsAttention(report)) {
        log.warn({ ...summary, orphans: report.orphans, unresolved: report.unresolved.slice(0, 50) }, "start-up reconcile left work for a person (npm run reconcile shows it)");
      } else {
        log.info(summary, "start-up reconcile: registry and backends agree");
      }
      return report;
    } finally {
      await services.store.leases.release(STARTUP_RECONCILE_LEASE, holder).catch(() => {});
    }
  };

  const running = run().catch((error) => {
    if (!abort.signal.aborted) log.error({ err: error }, "start-up reconcile failed");
    return null;
  });
  const bounded = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      log.warn({ timeoutMs }, "start-up reconcile did not finish in time; it stops at its next step");
      abort.abort();
      resolve(null);
    }, timeoutMs);
    timer.unref();
  });
  const done = Promise.race([running, bounded]).finally(() => clearTimeout(timer));

  return {
    done,
    async stop() {
      abort.abort();
      clearTimeout(timer);
      // A backend call in flight ends by its own deadline; do not hold shutdown longer than a few seconds for it.
      await Promise.race([running, sleep(5_000)]);
    },
  };
}

function summarize(report: ReconcileReport) {
  return {
    checked: report.checked,
    repaired: report.repaired.length,
    intentsSettled: report.intentsSettled,
    orphans: report.orphans.length,
    unresolved: report.unresolved.length,
    complete: report.complete,
    durationMs: report.durationMs,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
