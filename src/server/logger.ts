import pino, { type Logger } from "pino";

/**
 * Structured JSON logs. The redaction list is a second line of defence: no code path
 * should log a secret, but if a config or header object ever reaches a log call, these
 * paths are masked.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "fingerprint-gateway" },
      redact: {
        paths: [
          "accessKeySecret",
          "*.accessKeySecret",
          "*.*.accessKeySecret",
          "credentials",
          "*.credentials",
          "req.headers.authorization",
          "headers.authorization",
          "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
          // The router secret, under its settings' names and the default header's.
          "routerSecret",
          "*.routerSecret",
          "ROUTER_SECRET",
          'req.headers["x-router-secret"]',
          'headers["x-router-secret"]',
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
