/**
 * Preloaded (`node --import`) into the Prisma CLI when the gateway runs `migrate deploy` at
 * start-up. Prisma 6.19's WebAssembly schema engine arms a 10-second timer (the PostgreSQL
 * advisory-lock timeout) and never clears it, so the CLI sits idle for 10 s after its work is
 * done before it exits. Unref'ing long timers lets the process exit as soon as nothing else is
 * pending; a timer still fires normally while a query or lock wait keeps the process alive.
 */
const LONG_MS = 5_000;
const originalSetTimeout = globalThis.setTimeout;

globalThis.setTimeout = function setTimeoutUnrefLong(callback, ms, ...args) {
  const timer = originalSetTimeout.call(this, callback, ms, ...args);
  if (typeof ms === "number" && ms >= LONG_MS && typeof timer?.unref === "function") timer.unref();
  return timer;
};
