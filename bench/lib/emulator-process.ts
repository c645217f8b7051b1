/**
 * The emulator in a child process (emulator-child.ts), for a part that times calls to it from
 * the bench process: the real service is another machine, so a client's answer always wakes
 * it from outside. In the bench's own process the emulator's answer would reach a direct SDK
 * call inside the same event loop, a hop no real client gets for free (the jobs-submit part's
 * direct path had it, the gateway path did not).
 */
import { join } from "node:path";
import type { EmulatorOptions } from "../../src/emulator/index.js";
import type { FaultSpec } from "../../src/emulator/faults.js";
import { forkChild } from "./forked-child.js";
import { ROOT } from "./gateway-child.js";

export interface EmulatorProcess {
  /** "127.0.0.1:PORT", as the SDK and the gateway's *_ENDPOINT take it. */
  endpoint: string;
  pid: number;
  pauseQueue(service: "ice" | "mps"): Promise<void>;
  resumeQueue(service: "ice" | "mps"): Promise<void>;
  setFault(action: string, fault: FaultSpec): Promise<void>;
  clearFault(action: string): Promise<void>;
  activate(backendLibraryId: string): Promise<void>;
  writeObject(accessKeyId: string, location: string, bucket: string, key: string, body: Buffer, contentType: string): Promise<void>;
  close(): Promise<void>;
}

export async function startEmulatorProcess(options: Omit<EmulatorOptions, "log" | "fingerprintEngine">): Promise<EmulatorProcess> {
  const child = await forkChild<{ endpoint: string }>(join(ROOT, "dist", "bench", "lib", "emulator-child.js"), options);
  const call = (method: string) => async (...args: unknown[]) => void (await child.call(method, ...args));
  return {
    endpoint: child.ready.endpoint,
    pid: child.pid,
    pauseQueue: call("pauseQueue"),
    resumeQueue: call("resumeQueue"),
    setFault: call("setFault"),
    clearFault: call("clearFault"),
    activate: call("activate"),
    writeObject: call("writeObject"),
    close: () => child.stop(),
  };
}
