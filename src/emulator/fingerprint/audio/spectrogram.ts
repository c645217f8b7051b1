/**
 * Short-time Fourier transform of mono PCM into a log-magnitude (dB) spectrogram: Hann
 * window of FFT_SIZE samples every HOP samples. Decibels make the peak picker indifferent
 * to the copy's volume: -6 dB moves every cell by the same amount.
 */
import { Fft } from "./fft.js";
import { FFT_SIZE, HOP } from "./params.js";

export interface Spectrogram {
  frames: number;
  /** FFT_SIZE / 2 + 1 */
  bins: number;
  /** frames x bins, row-major, in dB. */
  db: Float32Array;
}

/** Far below any real signal (-200 dB): digital silence gives no peaks above the floor. */
const SILENCE = 1e-10;

let fft: Fft | undefined;
let window: Float64Array | undefined;

export function spectrogram(samples: Float32Array): Spectrogram {
  fft ??= new Fft(FFT_SIZE);
  window ??= hann(FFT_SIZE);
  const bins = FFT_SIZE / 2 + 1;
  const frames = samples.length < FFT_SIZE ? 0 : Math.floor((samples.length - FFT_SIZE) / HOP) + 1;
  const db = new Float32Array(frames * bins);
  const re = new Float64Array(FFT_SIZE);
  const im = new Float64Array(FFT_SIZE);
  for (let frame = 0; frame < frames; frame++) {
    const start = frame * HOP;
    for (let i = 0; i < FFT_SIZE; i++) {
      re[i] = samples[start + i] * window[i];
      im[i] = 0;
    }
    fft.transform(re, im);
    const row = frame * bins;
    for (let bin = 0; bin < bins; bin++) {
      const power = re[bin] * re[bin] + im[bin] * im[bin];
      db[row + bin] = 10 * Math.log10(power + SILENCE);
    }
  }
  return { frames, bins, db };
}

function hann(size: number): Float64Array {
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size);
  return w;
}
