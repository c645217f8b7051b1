/**
 * Synthesized audio for the audio engine's tests and bench: every item is generated from a
 * seed (nothing is downloaded), and items differ in every layer: a melody of random
 * pitches and lengths with harmonics, chirps, band-limited noise bursts on a random rhythm,
 * a drone. Plus the transforms a copy goes through: excerpt, gain, added noise, WAV writing.
 */
import { Random } from "../../lib/seeded-random.js";

export const SYNTH_RATE = 22050;

export type AudioStyle = "melody" | "chirps" | "rhythm" | "mixture";
export const AUDIO_STYLES: readonly AudioStyle[] = ["melody", "chirps", "rhythm", "mixture"];

export function synthesizeAudio(seed: number, seconds: number, style: AudioStyle = AUDIO_STYLES[seed % 4]): Float32Array {
  const random = new Random(seed * 7919 + 17);
  const out = new Float32Array(Math.round(seconds * SYNTH_RATE));
  if (style === "melody" || style === "mixture") addMelody(out, random, style === "mixture" ? 0.5 : 0.8);
  if (style === "chirps" || style === "mixture") addChirps(out, random, style === "mixture" ? 0.35 : 0.7);
  // Two overlapping voices: one sweeping tone alone carries only a few landmarks a second.
  if (style === "chirps") addChirps(out, random, 0.5);
  if (style === "rhythm" || style === "mixture") addRhythm(out, random, style === "mixture" ? 0.4 : 0.8);
  if (style !== "mixture") addDrone(out, random, 0.15);
  return normalize(out, 0.7);
}

function addMelody(out: Float32Array, random: Random, level: number): void {
  let t = 0;
  while (t < out.length) {
    const length = Math.round((0.08 + random.next() * 0.4) * SYNTH_RATE);
    const f0 = 150 * Math.pow(2, random.next() * 4.2);
    const harmonics = 1 + random.int(0, 3);
    const rest = random.chance(0.1);
    for (let i = 0; i < length && t + i < out.length; i++) {
      if (rest) break;
      const envelope = Math.min(1, i / 200) * Math.exp((-3 * i) / length);
      let v = 0;
      for (let h = 1; h <= harmonics; h++) v += Math.sin((2 * Math.PI * f0 * h * i) / SYNTH_RATE) / h;
      out[t + i] += level * envelope * v;
    }
    t += length;
  }
}

function addChirps(out: Float32Array, random: Random, level: number): void {
  let t = Math.round(random.next() * 0.2 * SYNTH_RATE);
  while (t < out.length) {
    // Sweeps of at most ~2 kHz/s, like sirens and bird calls; faster ones move several
    // frequency bins per analysis frame and leave no stable peaks to any landmark method.
    const length = Math.round((0.4 + random.next() * 0.8) * SYNTH_RATE);
    const from = 300 + random.next() * 3000;
    const to = from + (random.next() * 2 - 1) * 800;
    const rate = 5 + random.next() * 5;
    let phase = 0;
    for (let i = 0; i < length && t + i < out.length; i++) {
      const f = from + ((to - from) * i) / length;
      phase += (2 * Math.PI * f) / SYNTH_RATE;
      // Tremolo, as in a siren or a call: each swell is a landmark (a smooth sweep has only one).
      const tremolo = 0.55 + 0.45 * Math.sin((2 * Math.PI * rate * i) / SYNTH_RATE);
      out[t + i] += level * Math.sin(phase) * Math.sin((Math.PI * i) / length) * tremolo;
    }
    t += length + Math.round(random.next() * 0.3 * SYNTH_RATE);
  }
}

function addRhythm(out: Float32Array, random: Random, level: number): void {
  const beat = Math.round((0.12 + random.next() * 0.25) * SYNTH_RATE);
  const pattern = Array.from({ length: 8 }, () => random.chance(0.6));
  const bands = Array.from({ length: 3 }, () => 300 + random.next() * 3000);
  let step = 0;
  for (let t = 0; t < out.length; t += beat, step++) {
    if (!pattern[step % 8]) continue;
    const centre = bands[random.int(0, 2)];
    const length = Math.round(beat * (0.3 + random.next() * 0.6));
    // A resonator driven by noise: a burst whose energy sits around `centre`.
    const r = 0.995;
    const w = (2 * Math.PI * centre) / SYNTH_RATE;
    let y1 = 0;
    let y2 = 0;
    for (let i = 0; i < length && t + i < out.length; i++) {
      const x = random.next() * 2 - 1;
      const y = x * (1 - r) * 4 + 2 * r * Math.cos(w) * y1 - r * r * y2;
      y2 = y1;
      y1 = y;
      out[t + i] += level * y * Math.exp((-5 * i) / length);
    }
  }
}

function addDrone(out: Float32Array, random: Random, level: number): void {
  const f = 100 + random.next() * 300;
  const wobble = 0.2 + random.next();
  for (let i = 0; i < out.length; i++) {
    out[i] += level * Math.sin((2 * Math.PI * f * i) / SYNTH_RATE + Math.sin((2 * Math.PI * wobble * i) / SYNTH_RATE));
  }
}

function normalize(samples: Float32Array, peak: number): Float32Array {
  let max = 0;
  for (const v of samples) max = Math.max(max, Math.abs(v));
  if (max > 0) for (let i = 0; i < samples.length; i++) samples[i] *= peak / max;
  return samples;
}

export function excerpt(samples: Float32Array, startSeconds: number, seconds: number, rate = SYNTH_RATE): Float32Array {
  const start = Math.round(startSeconds * rate);
  return samples.slice(start, start + Math.round(seconds * rate));
}

export function gain(samples: Float32Array, db: number): Float32Array {
  const factor = Math.pow(10, db / 20);
  return samples.map((v) => v * factor);
}

/** White noise at `snrDb` below the signal's mean power. */
export function addNoise(samples: Float32Array, snrDb: number, seed: number): Float32Array {
  const random = new Random(seed);
  let power = 0;
  for (const v of samples) power += v * v;
  power /= Math.max(1, samples.length);
  const noiseRms = Math.sqrt(power / Math.pow(10, snrDb / 10));
  // Uniform noise in [-a, a] has RMS a / sqrt(3).
  const amplitude = noiseRms * Math.sqrt(3);
  return samples.map((v) => v + (random.next() * 2 - 1) * amplitude);
}

export type WavEncoding = "s16" | "s24" | "s32" | "f32";

/** A RIFF/WAVE file; `channels` > 1 duplicates the signal with a small per-channel difference. */
export function encodeWav(samples: Float32Array, rate = SYNTH_RATE, encoding: WavEncoding = "s16", channels = 1): Uint8Array {
  const width = encoding === "s16" ? 2 : encoding === "s24" ? 3 : 4;
  const dataSize = samples.length * width * channels;
  const out = Buffer.alloc(44 + dataSize);
  out.write("RIFF", 0, "ascii");
  out.writeUInt32LE(36 + dataSize, 4);
  out.write("WAVE", 8, "ascii");
  out.write("fmt ", 12, "ascii");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(encoding === "f32" ? 3 : 1, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * width * channels, 28);
  out.writeUInt16LE(width * channels, 32);
  out.writeUInt16LE(width * 8, 34);
  out.write("data", 36, "ascii");
  out.writeUInt32LE(dataSize, 40);
  let at = 44;
  for (let i = 0; i < samples.length; i++) {
    for (let c = 0; c < channels; c++) {
      const v = Math.max(-1, Math.min(1, samples[i] * (c === 0 ? 1 : 0.9)));
      if (encoding === "s16") out.writeInt16LE(Math.round(v * 32767), at);
      else if (encoding === "s24") out.writeIntLE(Math.round(v * 8388607), at, 3);
      else if (encoding === "s32") out.writeInt32LE(Math.round(v * 2147483647), at);
      else out.writeFloatLE(v, at);
      at += width;
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
