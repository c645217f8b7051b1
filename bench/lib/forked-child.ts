/**
 * A helper process of the bench (node's fork, with an IPC channel): started with one message,
 * then asked by name, then stopped. The jobs-submit part runs the emulator and the SDK relay
 * this way, so that neither shares the bench's event loop (see jobs-submit.ts).
 *
 * Parent: `forkChild(file, init)`. Child: `serveParent(start)`, where `start(init)` returns
 * what the parent is told once ready, the handlers it may call, and how to close.
 */
import { fork, type ChildProcess } from "node:child_process";

type Handlers = Record<string, (...args: any[]) => unknown>;
type ToChild = { init: unknown } | { id: number; method: string; args: unknown[] };
type ToParent = { ready: unknown } | { failed: string } | { id: number; result?: unknown; error?: string };

export interface ForkedChild<Ready> {
  readonly ready: Ready;
  readonly pid: number;
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** Asks the child to close and waits for it to exit (killed after graceMs). */
  stop(graceMs?: number): Promise<void>;
}

export async function forkChild<Ready>(file: string, init: unknown): Promise<ForkedChild<Ready>> {
  // "advanced": Buffers cross the channel as bytes, not as JSON.
  const child: ChildProcess = fork(file, [], { stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${file} was not ready within 60 s`));
    }, 60_000);
    child.once("exit", (code, signal) => reject(new Error(`${file} exited (${code ?? signal}) before it was ready`)));
    child.once("message", () => clearTimeout(timer));
    child.on("message", (message: ToParent) => {
      if ("ready" in message) resolve(message.ready as Ready);
      else if ("failed" in message) reject(new Error(`${file}: ${message.failed}`));
      else {
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) waiting?.reject(new Error(message.error));
        else waiting?.resolve(message.result);
      }
    });
    child.send({ init } satisfies ToChild);
  });
  child.once("exit", () => {
    for (const waiting of pending.values()) waiting.reject(new Error(`${file} exited`));
    pending.clear();
  });
  const call = <T>(method: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, method, args } satisfies ToChild);
    });
  return {
    ready,
    pid: child.pid!,
    call,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await call("close").catch(() => {});
      await exited;
      clearTimeout(timer);
    },
  };
}

export function serveParent<Init>(start: (init: Init) => Promise<{ ready: unknown; handlers: Handlers; close(): Promise<void> }>): void {
  const send = (message: ToParent) => process.send!(message);
  // The bench went away without stopping us: nothing else would end this process.
  process.once("disconnect", () => process.exit(0));
  process.once("message", async (first: ToChild) => {
    let served: Awaited<ReturnType<typeof start>>;
    try {
      served = await start((first as { init: Init }).init);
    } catch (error) {
      process.send!({ failed: (error as Error).message } satisfies ToParent, () => process.exit(1));
      return;
    }
    process.on("message", async (message: ToChild) => {
      if (!("id" in message)) return;
      if (message.method === "close") {
        await served.close().catch(() => {});
        send({ id: message.id, result: null });
        process.disconnect();
        return;
      }
      try {
        const handler = served.handlers[message.method];
        if (!handler) throw new Error(`no handler "${message.method}"`);
        send({ id: message.id, result: (await handler(...message.args)) ?? null });
      } catch (error) {
        send({ id: message.id, error: (error as Error).message });
      }
    });
    send({ ready: served.ready });
  });
}
