/**
 * Prometheus metrics (prom-client): GraphQL operations by root field and outcome, backend
 * calls by action and outcome, and libraries by backend and status (read from the registry
 * at scrape time). Labels are bounded: root field names come from the schema and outcomes
 * from the contract's error codes, never from client-chosen strings.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { BackendCallObserver } from "../backends/resilient-caller.js";
import type { Store } from "../store/ports.js";

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
    new Gauge({
      name: "gateway_libraries",
      help: "Libraries in the registry by backend and status (all tenants).",
      labelNames: ["backend", "status"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await store.libraries.countByBackendAndStatus()) this.set({ backend: row.backend, status: row.status }, row.count);
      },
    });
  }

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
          async willSendResponse({ operation, errors, response }) {
            const rootFields =
              operation?.selectionSet.selections
                .map((selection) => (selection.kind === "Field" ? selection.name.value : "fragment"))
                .sort()
                .join("+") || "unparsed";
            const body = response.body.kind === "single" ? response.body.singleResult : undefined;
            const firstError = body?.errors?.[0] ?? errors?.[0];
            const code = (firstError?.extensions?.code as string | undefined) ?? (firstError ? "error" : undefined);
            const labels = { operation: rootFields, outcome: code ?? "ok" };
            operations.inc(labels);
            operationSeconds.observe(labels, (performance.now() - started) / 1000);
          },
        };
      },
    };
  }
}
