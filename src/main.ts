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
  const shutdown = (signal: string) => {
    gateway.log.info({ signal }, "shutting down");
    gateway.close().then(
      () => process.exit(0),
      (error) => {
        gateway.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error) => {
  console.error("fingerprint-gateway failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
