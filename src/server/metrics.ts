/**
 * Prometheus metrics (prom-client): GraphQL operations by root field and outcome, backend
 * calls by action and outcome, libraries and jobs by backend and status (read from the
 * registry at scrape time), job durations and the job watcher's backend calls. Labels are bounded: root field names come from the schema
 * (operation-label.ts) and outcomes from the contract's error codes, never from
 * client-chosen strings.
 *
 * A scrape answers even when the database does not: the library count is given
 * LIBRARY_COUNT_TIMEOUT_MS, one query at a time, and a failure leaves that gauge empty and
 * gateway_database_up at 0 (readiness, /readyz, is what fails then).
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { ERROR_CODES } from "../domain/errors.js";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { BackendCallObserver } from "../backends/resilient-caller.js";
import type { Store } from "../store/ports.js";
import type { JobRepository } from "../store/job-ports.js";
import type { JobWatcherObserver } from "../services/job-watcher.js";
import { operationLabel } from "./operation-label.js";

/** How long a scrape waits for the library count before it answers without it. */
export const LIBRARY_COUNT_TIMEOUT_MS = 2_000;
const OUTCOMES: ReadonlySet<string> = new Set(ERROR_CODES);
type LibraryCounts = Awaited<ReturnType<Store["libraries"]["countByBackendAndStatus"]>>;

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly operations = new Counter({
    name: "gateway_graphql_operations_total",
    help: "GraphQL operations by root field(s) and outcome (ok or the first error's code).",
    labelNames: ["operation", "outcome"],
    registers: [this.registry],
  });
  private readonly operationSeconds = new Histogram({
    name: "gateway_graphql_operation_duration_seconds",
    help: "GraphQL operation latency by root field(s) and outcome.",
    labelNames: ["operation", "outcome"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly backendCalls = new Counter({
    name: "gateway_backend_calls_total",
    help: "Calls to ICE and MPS by action and outcome (each retry attempt counts).",
    labelNames: ["backend", "action", "outcome"],
    registers: [this.registry],
  });
  private readonly backendSeconds = new Histogram({
    name: "gateway_backend_call_duration_seconds",
    help: "Latency of calls to ICE and MPS by action and outcome.",
    labelNames: ["backend", "action", "outcome"],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(store: Store) {
    collectDefaultMetrics({ register: this.registry });
    // One count in flight at most, shared by both gauges of a scrape: scrapes against a
    // database that hangs do not pile up queries. null: no answer in time.
    let counting: Promise<LibraryCounts> | undefined;
    const countLibraries = (): Promise<LibraryCounts | null> => {
      counting ??= store.libraries.countByBackendAndStatus().finally(() => (counting = undefined));
      return withTimeout(counting, LIBRARY_COUNT_TIMEOUT_MS).catch(() => null);
    };
    new Gauge({
      name: "gateway_libraries",
      help: "Libraries in the registry by backend and status (all tenants); empty when the database did not answer.",
      labelNames: ["backend", "status"],
      registers: [this.registry],
      async collect() {
        const rows = await countLibraries();
        this.reset();
        for (const row of rows ?? []) this.set({ backend: row.backend, status: row.status }, row.count);
      },
    });
    new Gauge({
      name: "gateway_database_up",
      help: "1 when the database answered this scrape's library count in time, else 0.",
      registers: [this.registry],
      async collect() {
        this.set((await countLibraries()) ? 1 : 0);
      },
    });
  }

  private readonly slowSubscriberCloses = new Counter({
    name: "gateway_websocket_too_slow_closes_total",
    help: "WebSockets closed with 4413 because more than SUBSCRIBER_MAX_QUEUED_BYTES waited for a client that did not read.",
    registers: [this.registry],
  });

  /** Gauges read from the WebSocket endpoint at scrape time. */
  watchWebSockets(endpoint: { readonly connections: number; readonly queuedBytes: number }): void {
    new Gauge({
      name: "gateway_websocket_connections",
      help: "Open WebSocket connections.",
      registers: [this.registry],
      collect() {
        this.set(endpoint.connections);
      },
    });
    new Gauge({
      name: "gateway_websocket_queued_bytes",
      help: "Bytes written to WebSockets and not yet taken by the kernel, all sockets together.",
      registers: [this.registry],
      collect() {
        this.set(endpoint.queuedBytes);
      },
    });
  }

  readonly webSocketTooSlow = (): void => this.slowSubscriberCloses.inc();

  private readonly jobSeconds = new Histogram({
    name: "gateway_job_duration_seconds",
    help: "Fingerprint jobs from submit (createdAt) to the recorded end (finishedAt), by backend and final status.",
    labelNames: ["backend", "status"],
    buckets: [1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 21600],
    registers: [this.registry],
  });
  private readonly jobWatcherCalls = new Counter({
    name: "gateway_job_watcher_backend_calls_total",
    help: "Backend calls the job watcher made to read jobs (queryJobs: QueryDNAJobList/QueryFpShotJobList; fileDeleteJobs), by outcome; each reads up to ten jobs.",
    labelNames: ["backend", "action", "outcome"],
    registers: [this.registry],
  });
  private readonly jobWatcherReads = new Counter({
    name: "gateway_job_watcher_job_reads_total",
    help: "Job refreshes the job watcher asked the backends for; divided into gateway_job_watcher_backend_calls_total it gives the batching (goal: 10 per call).",
    labelNames: ["backend"],
    registers: [this.registry],
  });

  /** Jobs by backend and status, read at scrape time like the library gauge (same timeout, one count at a time). */
  watchJobs(jobs: Pick<JobRepository, "countByBackendAndStatus">): void {
    let counting: ReturnType<typeof jobs.countByBackendAndStatus> | undefined;
    new Gauge({
      name: "gateway_jobs",
      help: "Submitted fingerprint jobs by backend and status (all tenants); empty when the database did not answer.",
      labelNames: ["backend", "status"],
      registers: [this.registry],
      async collect() {
        counting ??= jobs.countByBackendAndStatus().finally(() => (counting = undefined));
        const rows = await withTimeout(counting, LIBRARY_COUNT_TIMEOUT_MS).catch(() => null);
        this.reset();
        for (const row of rows ?? []) this.set({ backend: row.backend, status: row.status }, row.count);
      },
    });
  }

  readonly jobWatcher: JobWatcherObserver = {
    backendCall: ({ backend, action, outcome, jobs }) => {
      this.jobWatcherCalls.inc({ backend, action, outcome });
      this.jobWatcherReads.inc({ backend }, jobs);
    },
    jobFinished: ({ backend, status, seconds }) => this.jobSeconds.observe({ backend, status }, seconds),
  };

  readonly observeBackendCall: BackendCallObserver = ({ backend, action, outcome, seconds }) => {
    this.backendCalls.inc({ backend, action, outcome });
    this.backendSeconds.observe({ backend, action, outcome }, seconds);
  };

  apolloPlugin(): ApolloServerPlugin {
    const operations = this.operations;
    const operationSeconds = this.operationSeconds;
    return {
      async requestDidStart() {
        const started = performance.now();
        return {
          async willSendResponse({ schema, document, operation, errors, response }) {
            const body = response.body.kind === "single" ? response.body.singleResult : undefined;
            const firstError = body?.errors?.[0] ?? errors?.[0];
            const code = firstError?.extensions?.code;
            const outcome = !firstError ? "ok" : typeof code === "string" && OUTCOMES.has(code) ? code : "error";
            const labels = { operation: operationLabel(schema, document, operation), outcome };
            operations.inc(labels);
            operationSeconds.observe(labels, (performance.now() - started) / 1000);
          },
        };
      },
    };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
