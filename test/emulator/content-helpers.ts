/**
 * Helpers of the content-operation tests: an emulator with instant jobs, media put into
 * its OSS stand-in, libraries made active at once, and job polling.
 */
import sharp from "sharp";
import type { RunningEmulator } from "../../src/emulator/index.js";
import type { FingerprintEngine } from "../../src/emulator/fingerprint/contract.js";
import { createFingerprintEngine } from "../../src/emulator/fingerprint/engine.js";
import type { EmulatorAccount, EmulatorOptions } from "../../src/emulator/index.js";
import { ALICE, startTestEmulator } from "./helpers.js";
import { ossClient } from "./oss-client.js";

/** The emulator's own engine with one worker thread, started before the first test. */
export async function testEngine(): Promise<FingerprintEngine> {
  const engine = createFingerprintEngine({ workers: 1 });
  // The first fingerprint starts the worker (seconds under vitest's TS loader).
  await engine.fingerprint("text", new TextEncoder().encode("warm up the worker thread"));
  return engine;
}

/** A 128x128 PNG of coloured rectangles drawn from `seed` (flat pictures give hashes nothing to hold). */
export function picture(seed: number): Promise<Buffer> {
  let state = seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rects = Array.from({ length: 12 }, () => {
    const [x, y, w, h] = [next() * 100, next() * 100, 10 + next() * 60, 10 + next() * 60].map(Math.round);
    const colour = `rgb(${Math.round(next() * 255)},${Math.round(next() * 255)},${Math.round(next() * 255)})`;
    return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${colour}"/>`;
  }).join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128"><rect width="128" height="128" fill="white"/>${rects}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Jobs run at once: no queue delay and no analysis time. */
export function startContentEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startTestEmulator({ jobQueueDelayMs: 0, jobSecondsPerMediaSecond: 0, fingerprintEngine: testEngine, ...options });
}

/** Puts an object with ali-oss, making the bucket first (region defaults to the emulator's cn-shanghai). */
export async function putMedia(
  emu: RunningEmulator,
  bucket: string,
  key: string,
  body: Buffer | string,
  o: { account?: EmulatorAccount; location?: string } = {},
): Promise<void> {
  const client = ossClient(emu, { bucket, region: o.location ?? "oss-cn-shanghai", ...(o.account ? { account: o.account } : {}) });
  if (!emu.oss.bucket((o.account ?? ALICE).accessKeyId, bucket)) await client.putBucket(bucket);
  await client.put(key, Buffer.from(body));
}

/**
 * A mono 16-bit PCM WAV of `seconds`: a melody of quarter-second notes (two partials each)
 * drawn from `seed`, so that the audio engine finds landmarks (a steady tone has none).
 */
export function wav(seconds: number, seed = 1, sampleRate = 16000): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const buf = Buffer.alloc(44 + samples * 2);
  buf.write("RIFF", 0, "latin1");
  buf.writeUInt32LE(36 + samples * 2, 4);
  buf.write("WAVEfmt ", 8, "latin1");
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write("data", 36, "latin1");
  buf.writeUInt32LE(samples * 2, 40);
  let state = seed >>> 0 || 1;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const noteLength = Math.round(sampleRate / 4);
  let f1 = 0;
  let f2 = 0;
  for (let i = 0; i < samples; i++) {
    if (i % noteLength === 0) {
      f1 = 200 * 2 ** (next() * 4);
      f2 = f1 * (1.5 + next());
    }
    const t = i / sampleRate;
    const v = 0.5 * Math.sin(2 * Math.PI * f1 * t) + 0.3 * Math.sin(2 * Math.PI * f2 * t);
    buf.writeInt16LE(Math.round(16000 * v), 44 + i * 2);
  }
  return buf;
}

/** An ICE library of that Model, active at once. */
export async function activeIceLibrary(emu: RunningEmulator, ice: (a: string, q?: Record<string, unknown>) => Promise<Record<string, any>>, model: string): Promise<string> {
  const id = (await ice("CreateDNADB", { Name: `lib-${model}`, Model: model })).DBInfo.DBId as string;
  emu.control.activate(id);
  return id;
}

/** Polls QueryDNAJobList until the job reaches one of the final states. */
export async function iceJobDone(ice: (a: string, q?: Record<string, unknown>) => Promise<Record<string, any>>, jobId: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = (await ice("QueryDNAJobList", { JobIds: jobId })).JobList[0];
    if (job && (job.Status === "Success" || job.Status === "Fail")) return job;
    if (Date.now() > until) throw new Error(`job ${jobId} did not finish: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The JSON document behind a DNAResult URL (a presigned GET on the OSS stand-in). */
export async function fetchDnaResult(url: string): Promise<Record<string, any>> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, any>;
}

/** The text behind a presigned URL. */
export async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return res.text();
}

type Mts = ReturnType<typeof import("./helpers.js").mtsClient>;

/** An MPS library of that ModelId, active at once. */
export async function activeMpsLibrary(emu: RunningEmulator, mts: Mts, modelId: number): Promise<string> {
  const { CreateFpShotDBRequest } = await import("./helpers.js");
  const id = (await mts.createFpShotDB(new CreateFpShotDBRequest({ name: `lib-${modelId}`, modelId }))).body!.fpShotDB!.fpDBId!;
  emu.control.activate(id);
  return id;
}

/** `{Bucket, Location, Object}` with the Object URL-encoded, as MPS takes it. */
export function mpsInput(bucket: string, key: string, location = "oss-cn-shanghai"): string {
  return JSON.stringify({ Bucket: bucket, Location: location, Object: encodeURIComponent(key) });
}
