/**
 * A native reader for RIFF/WAVE files: integer PCM (8, 16, 24, 32 bit) and IEEE float (32,
 * 64 bit), plain or WAVE_FORMAT_EXTENSIBLE. Channels are mixed to mono. Anything else (a
 * compressed codec inside a WAV, or not a WAV at all) is left to ffmpeg: `readWav` answers
 * undefined for bytes it does not own, and throws only for a WAV it owns that is broken.
 */
import { MediaDecodeError } from "../contract.js";

export interface MonoPcm {
  samples: Float32Array;
  sampleRate: number;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

export function isRiffWave(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WAVE";
}

/** Mono samples in -1..1, or undefined when the file is not a PCM/float WAV (let ffmpeg try). */
export function readWav(bytes: Uint8Array): MonoPcm | undefined {
  if (!isRiffWave(bytes)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { code: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const declared = view.getUint32(offset + 4, true);
    const body = offset + 8;
    // Streaming writers leave the size at 0 or 0xFFFFFFFF: the data runs to the end of the file.
    const size = Math.min(declared, bytes.length - body);
    if (id === "fmt ") {
      if (size < 16) throw new MediaDecodeError("WAV fmt chunk is shorter than 16 bytes", "audio");
      let code = view.getUint16(body, true);
      if (code === EXTENSIBLE && size >= 26) code = view.getUint16(body + 24, true);
      format = {
        code,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === "data") {
      if (!format) throw new MediaDecodeError("WAV data chunk comes before its fmt chunk", "audio");
      if (!isNativeFormat(format.code, format.bits)) return undefined;
      if (format.channels < 1 || format.sampleRate < 1 || format.blockAlign < (format.bits / 8) * format.channels) {
        throw new MediaDecodeError(
          `WAV fmt chunk is inconsistent (${format.channels} channels, ${format.sampleRate} Hz, block ${format.blockAlign})`,
          "audio",
        );
      }
      const dataSize = declared === 0 || declared === 0xffffffff ? bytes.length - body : size;
      return { samples: mixToMono(view, body, dataSize, format), sampleRate: format.sampleRate };
    }
    offset = body + declared + (declared & 1);
    if (declared === 0xffffffff) break;
  }
  throw new MediaDecodeError(format ? "WAV file has no data chunk" : "WAV file has no fmt chunk", "audio");
}

function isNativeFormat(code: number, bits: number): boolean {
  if (code === PCM) return bits === 8 || bits === 16 || bits === 24 || bits === 32;
  if (code === IEEE_FLOAT) return bits === 32 || bits === 64;
  return false;
}

function mixToMono(
  view: DataView,
  start: number,
  size: number,
  format: { code: number; channels: number; bits: number; blockAlign: number },
): Float32Array {
  const frames = Math.floor(size / format.blockAlign);
  const out = new Float32Array(frames);
  const width = format.bits / 8;
  const read = sampleReader(view, format.code, format.bits);
  const scale = 1 / format.channels;
  for (let frame = 0; frame < frames; frame++) {
    let sum = 0;
    const base = start + frame * format.blockAlign;
    for (let channel = 0; channel < format.channels; channel++) sum += read(base + channel * width);
    out[frame] = sum * scale;
  }
  return out;
}

function sampleReader(view: DataView, code: number, bits: number): (at: number) => number {
  if (code === IEEE_FLOAT) return bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true);
  switch (bits) {
    case 8:
      return (at) => (view.getUint8(at) - 128) / 128;
    case 16:
      return (at) => view.getInt16(at, true) / 32768;
    case 24:
      return (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608);
    default:
      return (at) => view.getInt32(at, true) / 2147483648;
  }
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}
