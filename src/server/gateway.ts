/**
 * Starts and stops the whole gateway: the one place that owns resources. Order matters:
 * the database first (migrated), then backends (the embedded emulator in embedded mode),
 * then recovery of interrupted creates, then HTTP. Stopping runs the same list backwards.
 */
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { createBackends, type BackendSettings } from "../backends/index.js";
import type { Config } from "../config.js";
import { createContext, type GatewayContext } from "../graphql/context.js";
import { createErrorFormatter } from "../graphql/errors.js";
import { buildGatewaySchema } from "../graphql/schema.js";
import { createServices, type Services } from "../services/index.js";
import { openStore } from "../store/index.js";
import { startEmbeddedEmulator, type EmbeddedEmulator } from "./embedded-emulator.js";
import { createHttpApp } from "./http-app.js";
import { createLogger } from "./logger.js";
import { GatewayMetrics } from "./metrics.js";

export interface RunningGateway {
  /** http://host:port */
  url: string;
  graphqlUrl: string;
  services: Services;
  /** Set in embedded mode: the emulator's base URL. */
  emulatorUrl?: string;
  log: Logger;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

export async function startGateway(config: Config, options: StartOptions = {}): Promise<RunningGateway> {
  const log = options.logger ?? createLogger(config.logLevel);
  const cleanup: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of cleanup.reverse()) await step().catch((error) => log.error({ err: error }, "error while stopping"));
  };

  try {
    let emulator: EmbeddedEmulator | undefined;
    if (config.mode === "embedded") {
      emulator = await startEmbeddedEmulator(config);
      cleanup.push(() => emulator!.close());
      log.info(
        { emulator: emulator.url },
        "embedded mode: no ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET set, so ICE and MPS are served by the local emulator started in-process",
      );
    } else {
      log.info({ endpoints: config.cloud.endpoints, protocol: config.cloud.protocol }, "cloud mode: calling Alibaba Cloud ICE and MPS");
    }

    const store = await openStore({ databaseUrl: config.databaseUrl, log: (msg, fields) => log.info(fields ?? {}, msg) });
    cleanup.push(() => store.close());

    const metrics = new GatewayMetrics(store);
    const backendSettings: BackendSettings = {
      credentials: config.cloud.credentials!,
      endpoints: config.cloud.endpoints,
      protocol: config.cloud.protocol,
      signatureAlgorithm: config.cloud.signatureAlgorithm,
      connectTimeoutMs: config.cloud.connectTimeoutMs,
      readTimeoutMs: config.cloud.readTimeoutMs,
      retry: config.cloud.retry,
      qpsLimit: config.cloud.qpsLimit,
      ...emulator?.backendSettings,
    };
    const backends = createBackends(backendSettings, metrics.observeBackendCall);
    const services = createServices(
      store,
      backends,
      {
        routing: config.routing,
        regions: { defaultRegion: config.regions.default, allowedRegions: config.regions.allowed },
        createIntentStaleMs: config.createIntentStaleMs,
      },
      log,
    );

    // Creates interrupted by a crash are settled now and then every stale period, so a
    // retry with the same idempotencyKey finds them done.
    await services.recovery.sweep(config.createIntentStaleMs).catch((error) => log.error({ err: error }, "create recovery failed at start-up"));
    const sweeper = setInterval(() => {
      services.recovery.sweep(config.createIntentStaleMs).catch((error) => log.error({ err: error }, "create recovery sweep failed"));
    }, config.createIntentStaleMs);
    sweeper.unref();
    cleanup.push(async () => clearInterval(sweeper));

    const httpServer: Server = createServer();
    const apollo = new ApolloServer<GatewayContext>({
      schema: await buildGatewaySchema(),
      formatError: createErrorFormatter(log),
      includeStacktraceInErrorResponses: false,
      plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), metrics.apolloPlugin()],
      logger: log,
    });
    await apollo.start();
    cleanup.push(() => apollo.stop());

    const app = createHttpApp({
      apollo,
      context: async () => createContext(services, config.defaultTenant),
      store,
      metrics,
      bodyLimit: "1mb",
    });
    httpServer.on("request", app);
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.http.port, config.http.host, () => resolve());
    });
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeIdleConnections();
        }),
    );

    const { port } = httpServer.address() as AddressInfo;
    const host = config.http.host === "0.0.0.0" || config.http.host === "::" ? "localhost" : config.http.host;
    const url = `http://${host}:${port}`;
    log.info({ url: `${url}/graphql`, database: store.kind, mode: config.mode }, "fingerprint gateway ready");

    let closed: Promise<void> | undefined;
    return { url, graphqlUrl: `${url}/graphql`, services, emulatorUrl: emulator?.url, log, close: () => (closed ??= stop()) };
  } catch (error) {
    await stop();
    throw error;
  }
}
