/**
 * Runs the ffmpeg binary that ships inside @ffmpeg-installer/ffmpeg (a 2018 static build) on
 * media bytes and collects its raw output. Shared by the audio and video engines.
 *
 * The input goes through a temporary file, not stdin: MP4/MOV files whose index (moov atom)
 * sits at the end cannot be demuxed from a pipe. Every run is bounded in wall time and in
 * output size, so a hostile or huge upload cannot hold a worker forever.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MediaDecodeError, type MediaKind } from "../contract.js";

const require = createRequire(import.meta.url);

let cachedPath: string | undefined;

/** The ffmpeg executable's path; FFMPEG_PATH overrides the bundled binary. */
export function ffmpegPath(): string {
  cachedPath ??= process.env.FFMPEG_PATH || (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
  return cachedPath;
}

export interface FfmpegRun {
  /** Arguments after `-i <input>`: filters, output format, `pipe:1`. */
  outputArgs: string[];
  /** Kill ffmpeg after this long. */
  timeoutMs: number;
  /** Kill ffmpeg once stdout exceeds this many bytes. */
  maxOutputBytes: number;
  /** Which engine asks, for the MediaDecodeError. */
  kind: MediaKind;
}

export interface FfmpegResult {
  stdout: Buffer;
  /** ffmpeg's log: stream descriptions, warnings. */
  stderr: string;
}

/** Decodes `bytes` with ffmpeg; rejects with MediaDecodeError when ffmpeg cannot read them. */
export async function runFfmpeg(bytes: Uint8Array, run: FfmpegRun): Promise<FfmpegResult> {
  return withInputFile(bytes, run.kind, (inputPath) => runFfmpegOnFile(inputPath, run));
}

/** Writes `bytes` to a temporary file for `use` (one or more ffmpeg runs), then deletes it. */
export async function withInputFile<T>(bytes: Uint8Array, kind: MediaKind, use: (path: string) => Promise<T>): Promise<T> {
  if (bytes.byteLength === 0) throw new MediaDecodeError(`empty ${kind} object: 0 bytes`, kind);
  const inputPath = join(tmpdir(), `fp-${randomUUID()}.media`);
  await writeFile(inputPath, bytes);
  try {
    return await use(inputPath);
  } finally {
    await unlink(inputPath).catch(() => undefined);
  }
}

export function runFfmpegOnFile(inputPath: string, run: FfmpegRun): Promise<FfmpegResult> {
  return spawnFfmpeg(["-hide_banner", "-nostdin", "-loglevel", "info", "-i", inputPath, ...run.outputArgs], run);
}

function spawnFfmpeg(args: string[], run: FfmpegRun): Promise<FfmpegResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let outputBytes = 0;
    let stderr = "";
    let failure: string | undefined;
    const stop = (why: string) => {
      failure ??= why;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(() => stop(`decoding took longer than ${run.timeoutMs} ms`), run.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > run.maxOutputBytes) stop(`decoded output exceeds ${run.maxOutputBytes} bytes`);
      else chunks.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      // Keep the head (stream descriptions) and the tail (the error), not megabytes of progress.
      stderr = stderr.length < 64_000 ? stderr + chunk.toString("utf8") : stderr.slice(0, 32_000) + chunk.toString("utf8");
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new MediaDecodeError(`cannot start ffmpeg: ${error.message}`, run.kind));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (failure) return reject(new MediaDecodeError(`${run.kind} not decodable: ${failure}`, run.kind));
      if (code !== 0) return reject(new MediaDecodeError(`${run.kind} not decodable: ${ffmpegReason(stderr)}`, run.kind));
      resolve({ stdout: Buffer.concat(chunks), stderr });
    });
  });
}

/** The line of ffmpeg's log that says what was wrong, without the temporary file's path. */
export function ffmpegReason(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith("Stream mapping") && !line.startsWith("Press "));
  const meaningful =
    lines.find((line) => /Invalid data|does not contain|not find|Unknown|unsupported|Error|error/i.test(line)) ??
    lines[lines.length - 1] ??
    "ffmpeg failed without a message";
  return meaningful.replace(/\S*fp-[0-9a-f-]+\.media:?\s*/g, "").trim() || "ffmpeg could not read the input";
}
