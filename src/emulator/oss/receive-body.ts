/**
 * Streams a request body to a file, counting and hashing on the way, so a large upload
 * never sits in memory. Over the size cap it stops writing, deletes the partial file and
 * keeps reading (discarding) the rest: the request is not destroyed, so the client still
 * gets the EntityTooLarge answer instead of a reset connection.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { entityTooLarge } from "./errors.js";

export interface ReceivedFile {
  size: number;
  md5: Buffer;
}

export class ClientGoneError extends Error {
  constructor() {
    super("The client closed the connection before the body ended.");
  }
}

export async function receiveToFile(req: IncomingMessage, file: string, limit: number): Promise<ReceivedFile> {
  try {
    return await new Promise<ReceivedFile>((resolve, reject) => {
      const out = createWriteStream(file);
      const hash = createHash("md5");
      let size = 0;
      let settled = false;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        req.off("data", onData);
        req.resume();
        out.destroy();
        reject(e);
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) return fail(entityTooLarge(limit));
        hash.update(chunk);
        if (!out.write(chunk)) {
          req.pause();
          out.once("drain", () => req.resume());
        }
      };
      req.on("data", onData);
      req.once("end", () => {
        if (settled) return;
        out.end(() => {
          if (settled) return;
          settled = true;
          resolve({ size, md5: hash.digest() });
        });
      });
      req.once("close", () => {
        if (!req.complete) fail(new ClientGoneError());
      });
      req.once("error", fail);
      out.once("error", fail);
    });
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  }
}

/**
 * Reads and discards what is left of a refused request's body before the error goes out.
 * Answering mid-upload makes clients race: some see the error, some a reset socket or a
 * "premature close". Discarding costs no memory or disk.
 */
export function discardRest(req: IncomingMessage): Promise<void> {
  if (req.complete || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.once("end", resolve);
    req.once("close", resolve);
    req.once("error", () => resolve());
    req.resume();
  });
}
