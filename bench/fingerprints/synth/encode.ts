/**
 * Re-encoding through ffmpeg for the transformed copies (MP3, low-bitrate video, resizing),
 * and lavfi renders of generated media. Bench and test side only.
 */
import { spawn } from "node:child_process";
import { ffmpegPath } from "../../../src/emulator/fingerprint/audio/ffmpeg.js";

/** Runs ffmpeg with `args`, `input` on stdin (if any); resolves with stdout. */
export function ffmpeg(args: string[], input?: Uint8Array, timeoutMs = 120_000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ["-hide_banner", "-loglevel", "error", ...args], { stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(new Uint8Array(Buffer.concat(chunks)));
      else reject(new Error(`ffmpeg ${args.join(" ")} failed (${code}): ${stderr.slice(-500)}`));
    });
    child.stdin.on("error", () => undefined);
    if (input) child.stdin.end(input);
    else child.stdin.end();
  });
}

export function wavToMp3(wav: Uint8Array, bitrate = "128k"): Promise<Uint8Array> {
  return ffmpeg(["-f", "wav", "-i", "pipe:0", "-codec:a", "libmp3lame", "-b:a", bitrate, "-f", "mp3", "pipe:1"], wav);
}
