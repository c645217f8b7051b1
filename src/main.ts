/** `npm start`: reads the settings, starts the gateway, stops it cleanly on SIGINT/SIGTERM. */
import "reflect-metadata";
import { ConfigError, loadConfig } from "./config.js";
import { startGateway } from "./server/gateway.js";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`fingerprint-gateway: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const gateway = await startGateway(config);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.log.info({ signal }, "shutting down: draining HTTP and WebSockets, stopping the watcher");
    // Nothing forces the exit on success: the process ends when the last handle closes,
    // which proves shutdown leaves none open. The watchdog only reports the opposite.
    const watchdog = setTimeout(() => {
      gateway.log.error("shutdown left open handles; exiting with 1");
      process.exit(1);
    }, config.shutdownGraceMs + 5_000);
    watchdog.unref();
    gateway.close().then(
      () => gateway.log.info("stopped"),
      (error) => {
        gateway.log.error({ err: error }, "shutdown failed");
        process.exitCode = 1;
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error) => {
  console.error("fingerprint-gateway failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
