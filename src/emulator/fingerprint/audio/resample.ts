/**
 * Sample-rate conversion of mono PCM to the engine's analysis rate. Downsampling first
 * low-passes with a windowed-sinc FIR (cut-off just under the new Nyquist frequency, so
 * content above it does not fold back as false spectral peaks), then reads the filtered
 * signal at the new sample positions by linear interpolation. Only the filtered samples that
 * the interpolation needs are computed.
 */

const TAPS_PER_SIDE = 24;

export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples;
  const step = fromRate / toRate;
  const length = Math.floor(samples.length / step);
  const out = new Float32Array(length);
  const kernel = step > 1 ? lowPassKernel(0.9 / (2 * step)) : undefined;
  const at = kernel ? (index: number) => filteredAt(samples, kernel, index) : (index: number) => sampleAt(samples, index);
  for (let i = 0; i < length; i++) {
    const position = i * step;
    const left = Math.floor(position);
    const fraction = position - left;
    const a = at(left);
    out[i] = fraction === 0 ? a : a + (at(left + 1) - a) * fraction;
  }
  return out;
}

/** Symmetric windowed-sinc low-pass; `cutoff` in cycles per input sample (0..0.5). */
function lowPassKernel(cutoff: number): Float32Array {
  const kernel = new Float32Array(2 * TAPS_PER_SIDE + 1);
  let sum = 0;
  for (let k = -TAPS_PER_SIDE; k <= TAPS_PER_SIDE; k++) {
    const sinc = k === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * k) / (Math.PI * k);
    const blackman = 0.42 + 0.5 * Math.cos((Math.PI * k) / TAPS_PER_SIDE) + 0.08 * Math.cos((2 * Math.PI * k) / TAPS_PER_SIDE);
    kernel[k + TAPS_PER_SIDE] = sinc * blackman;
    sum += sinc * blackman;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  return kernel;
}

function filteredAt(samples: Float32Array, kernel: Float32Array, index: number): number {
  let sum = 0;
  const first = index - TAPS_PER_SIDE;
  for (let k = 0; k < kernel.length; k++) {
    const at = first + k;
    if (at >= 0 && at < samples.length) sum += samples[at] * kernel[k];
  }
  return sum;
}

function sampleAt(samples: Float32Array, index: number): number {
  return index < samples.length ? samples[index] : 0;
}
