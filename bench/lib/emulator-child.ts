/**
 * The emulator in a process of its own (started by emulator-process.ts): its control methods
 * and an OSS write, asked over IPC (forked-child.ts).
 */
import { startEmulator, type EmulatorOptions } from "../../src/emulator/index.js";
import { serveParent } from "./forked-child.js";

serveParent<EmulatorOptions>(async (options) => {
  const emulator = await startEmulator(options);
  const { control } = emulator;
  return {
    ready: { endpoint: emulator.endpoint, url: emulator.url },
    handlers: {
      pauseQueue: (service: "ice" | "mps") => control.pauseQueue(service),
      resumeQueue: (service: "ice" | "mps") => control.resumeQueue(service),
      setFault: (action: string, fault: Parameters<typeof control.setFault>[1]) => control.setFault(action, fault),
      clearFault: (action: string) => control.clearFault(action),
      activate: (backendLibraryId: string) => control.activate(backendLibraryId),
      writeObject: (accessKeyId: string, location: string, bucket: string, key: string, body: Uint8Array, contentType: string) =>
        emulator.oss.write(accessKeyId, location, bucket, key, Buffer.from(body), contentType),
    },
    close: () => emulator.close(),
  };
});
