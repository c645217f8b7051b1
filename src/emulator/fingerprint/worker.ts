/**
 * A fingerprint worker thread: receives bytes and a kind, answers with the fingerprint or an
 * error. Decoding and hashing happen here so the emulator's event loop stays free.
 */
import { parentPort } from "node:worker_threads";
import { MediaDecodeError } from "./contract.js";
import { engineKind } from "./kinds.js";
import { WORKER_READY, type FingerprintReply, type FingerprintRequest, type WorkerError } from "./worker-protocol.js";

function toWorkerError(error: unknown): WorkerError {
  if (error instanceof MediaDecodeError) return { name: error.name, message: error.message, kind: error.kind };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

const port = parentPort;
if (!port) throw new Error("worker.ts runs only as a worker thread (see worker-pool.ts).");

port.on("message", async (request: FingerprintRequest) => {
  let reply: FingerprintReply;
  try {
    const fingerprint = await engineKind(request.kind).fingerprint(request.bytes);
    reply = { id: request.id, ok: true, fingerprint };
  } catch (error) {
    reply = { id: request.id, ok: false, error: toWorkerError(error) };
  }
  port.postMessage(reply);
});
port.postMessage(WORKER_READY);
